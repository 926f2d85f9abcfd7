//! Progress and cancellation of a triage window over `oncall mcp`, driven by the official MCP
//! Python SDK (tests/mcp/session.py): a watched window tells its seconds and then its
//! collectors as they report; a cancelled one (a window of ten minutes) ends and the server
//! answers the next call. The window's own early end is `triage::watch`'s unit test.

mod support;

use serde_json::{json, Value};
use std::ffi::OsString;
use support::mcp_client;

fn session(mode: &str, ops: Value) -> Option<Vec<Value>> {
    let server: Vec<OsString> = vec![assert_cmd::cargo::cargo_bin("oncall").into_os_string()];
    mcp_client::run(mode, &server, None, &ops)
}

/// A `cancel_walk` op's outcome: progress came, the call never finished, the server
/// answered afterwards.
fn assert_cancelled(mode: &str, cancelled: &Value) {
    assert_eq!(
        cancelled["progress_before_cancel"], true,
        "{mode}: {cancelled}"
    );
    assert!(cancelled.get("finished").is_none(), "{mode}: {cancelled}");
    assert_eq!(cancelled["alive_after"], true, "{mode}: {cancelled}");
}

#[test]
fn a_triage_window_reports_progress_and_stops_when_cancelled() {
    for mode in ["auto", "legacy"] {
        let ops = json!([
            {"op": "call", "name": "triage", "args": {"window": "2s"}, "progress": true},
            {"op": "cancel_walk", "name": "triage", "args": {"window": "600s"}, "wait": 30},
        ]);
        let Some(out) = session(mode, ops) else {
            return; // no SDK venv here: mcp_client said why
        };
        let call = &out[0];
        assert!(call["isError"] != true, "{mode}: {call}");
        assert!(
            call["structuredContent"]["findings"].is_array(),
            "{mode}: {call}"
        );
        let messages: Vec<&str> = call["progress_seen"]
            .as_array()
            .unwrap()
            .iter()
            .filter_map(|p| p["message"].as_str())
            .collect();
        assert!(
            messages
                .iter()
                .any(|m| m.starts_with("sampling window: 0 of 2.0 s")),
            "{mode}: {messages:?}"
        );
        assert!(
            messages.iter().any(|m| m.starts_with("collectors: ")),
            "{mode}: {messages:?}"
        );
        assert_cancelled(mode, &out[1]);
    }
}

/// A listener that accepts and never answers; each connection's end (the client dropping
/// it) is sent on the channel with its instant.
fn hung_listener() -> (
    std::net::SocketAddr,
    std::sync::mpsc::Receiver<std::time::Instant>,
) {
    use std::io::Read;
    let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = l.local_addr().unwrap();
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        for conn in l.incoming() {
            let Ok(mut conn) = conn else { return };
            let tx = tx.clone();
            std::thread::spawn(move || {
                let mut buf = [0u8; 4096];
                while matches!(conn.read(&mut buf), Ok(n) if n > 0) {}
                let _ = tx.send(std::time::Instant::now());
            });
        }
    });
    (addr, rx)
}

#[test]
fn a_probe_reports_each_target_and_stops_when_cancelled() {
    // Connects succeed from the accept queue: these targets finish at once.
    let listening = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let fast = format!("tcp://{}", listening.local_addr().unwrap());
    // A port nobody listens on: refused at once, retried once 200 ms later, so one target
    // at a time finishes every 200 ms or more (the server sends at most ten a second).
    let refused = {
        let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        format!("tcp://{}", l.local_addr().unwrap())
    };
    for mode in ["auto", "legacy"] {
        let (hung, ends) = hung_listener();
        let ops = json!([
            {"op": "call", "name": "probe", "progress": true,
             "args": {"targets": [refused, refused, refused], "concurrency": 1,
                      "retries": 1, "interval": "200ms"}},
            {"op": "cancel_walk", "name": "probe", "wait": 30,
             "args": {"targets": [fast, fast, format!("http://{hung}/")], "timeout": "600s"}},
            // Keeps the session (and the server) going two seconds after the cancel, so the
            // hung connection's end is the cancel's doing, not the server's exit.
            {"op": "call", "name": "triage", "args": {"window": "2s"}},
        ]);
        let Some(out) = session(mode, ops) else {
            return; // no SDK venv here: mcp_client said why
        };
        let ended = std::time::Instant::now();
        let call = &out[0];
        assert_eq!(call["isError"], true, "{mode}: {call}");
        assert_eq!(
            call["structuredContent"]["results"]
                .as_array()
                .map(Vec::len),
            Some(3),
            "{mode}: {call}"
        );
        let messages: Vec<&str> = call["progress_seen"]
            .as_array()
            .unwrap()
            .iter()
            .filter_map(|p| p["message"].as_str())
            .collect();
        assert_eq!(
            messages,
            [
                "1 of 3 targets probed, 1 failed",
                "2 of 3 targets probed, 2 failed",
                "3 of 3 targets probed, 3 failed"
            ],
            "{mode}"
        );
        assert_cancelled(mode, &out[1]);
        assert!(out[2]["isError"] != true, "{mode}: {}", out[2]);
        // The cancel dropped the probe's connection while the session still ran (its
        // two-second triage window after it), not when the server ended.
        let end = ends
            .recv_timeout(std::time::Duration::from_secs(10))
            .expect("the hung connection never ended");
        assert!(
            ended.duration_since(end) >= std::time::Duration::from_secs(1),
            "{mode}: the connection ended {:?} before the session",
            ended.duration_since(end)
        );
    }
}

/// An HTTP server on loopback that answers the first `answered` requests it reads with 200
/// and then answers nothing; the end of each connection left waiting for an answer is sent
/// on the channel with its instant.
fn answers_then_hangs(
    answered: usize,
) -> (
    std::net::SocketAddr,
    std::sync::mpsc::Receiver<std::time::Instant>,
) {
    use std::io::{Read, Write};
    use std::sync::atomic::{AtomicUsize, Ordering};
    use std::sync::Arc;
    let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = l.local_addr().unwrap();
    let (tx, rx) = std::sync::mpsc::channel();
    let left = Arc::new(AtomicUsize::new(answered));
    std::thread::spawn(move || {
        for conn in l.incoming() {
            let Ok(mut conn) = conn else { return };
            let (tx, left) = (tx.clone(), left.clone());
            std::thread::spawn(move || {
                let mut buf = [0u8; 8192];
                let mut head = Vec::new();
                let mut waiting = false;
                while let Ok(n @ 1..) = conn.read(&mut buf) {
                    head.extend_from_slice(&buf[..n]);
                    // One answer per request head read (the probes send no body).
                    while let Some(end) = head.windows(4).position(|w| w == b"\r\n\r\n") {
                        head.drain(..end + 4);
                        let take = left
                            .fetch_update(Ordering::SeqCst, Ordering::SeqCst, |n| n.checked_sub(1))
                            .is_ok();
                        if take {
                            let _ =
                                conn.write_all(b"HTTP/1.1 200 OK\r\ncontent-length: 2\r\n\r\nok");
                        } else {
                            waiting = true;
                        }
                    }
                }
                if waiting {
                    let _ = tx.send(std::time::Instant::now());
                }
            });
        }
    });
    (addr, rx)
}

#[test]
fn a_gateway_probe_reports_each_request_and_stops_when_cancelled() {
    for mode in ["auto", "legacy"] {
        let (open, _) = answers_then_hangs(usize::MAX);
        let (hung, ends) = answers_then_hangs(1);
        let ops = json!([
            {"op": "call", "name": "probe_gateway", "progress": true,
             "args": {"url": format!("http://{open}/api")}},
            {"op": "cancel_walk", "name": "probe_gateway", "wait": 30,
             "args": {"url": format!("http://{hung}/api"), "timeout": "600s"}},
            // Keeps the session going two seconds after the cancel (see the probe test).
            {"op": "call", "name": "triage", "args": {"window": "2s"}},
        ]);
        let Some(out) = session(mode, ops) else {
            return; // no SDK venv here: mcp_client said why
        };
        let ended = std::time::Instant::now();
        let call = &out[0];
        assert_eq!(
            call["structuredContent"]["rate_limit"]["burst_requests"], 10,
            "{mode}: {call}"
        );
        let messages: Vec<&str> = call["progress_seen"]
            .as_array()
            .unwrap()
            .iter()
            .filter_map(|p| p["message"].as_str())
            .collect();
        // The first is always sent; later ones at most ten a second.
        assert_eq!(
            messages.first(),
            Some(&"1 of 11 requests"),
            "{mode}: {messages:?}"
        );
        assert!(
            messages.iter().all(|m| m.ends_with(" of 11 requests")),
            "{mode}: {messages:?}"
        );
        assert_cancelled(mode, &out[1]);
        let end = ends
            .recv_timeout(std::time::Duration::from_secs(10))
            .expect("the hung connection never ended");
        assert!(
            ended.duration_since(end) >= std::time::Duration::from_secs(1),
            "{mode}: the connection ended {:?} before the session",
            ended.duration_since(end)
        );
    }
}
