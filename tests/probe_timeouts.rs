//! A server that accepts and never answers: the timeout says which phase ran out (connected,
//! waiting for the response head; in the TLS handshake) and keeps what the earlier phases
//! measured, for HTTP, HTTPS and gRPC. The silent server is a listener nobody accepts on: the
//! kernel completes the TCP handshake from its backlog, and no byte ever comes back.

mod support;

use serde_json::Value;
use std::net::TcpListener;
use support::oncall;

fn probe(args: &[&str]) -> (i32, Value) {
    let out = oncall()
        .arg("probe")
        .args(args)
        .arg("--json")
        .output()
        .unwrap();
    let doc = serde_json::from_slice(&out.stdout)
        .unwrap_or_else(|e| panic!("no JSON ({e}): {}", String::from_utf8_lossy(&out.stdout)));
    (out.status.code().unwrap(), doc)
}

fn check<'a>(r: &'a Value, name: &str) -> &'a Value {
    r["checks"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["name"] == name)
        .unwrap_or_else(|| panic!("no check {name} in {r:#}"))
}

fn silent() -> (TcpListener, u16) {
    let l = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = l.local_addr().unwrap().port();
    (l, port)
}

#[test]
fn a_silent_http_server_times_out_waiting_for_the_response_head() {
    let (_l, port) = silent();
    for url in [
        format!("http://127.0.0.1:{port}/"),
        format!("grpc://127.0.0.1:{port}"),
    ] {
        let (code, doc) = probe(&[&url, "--timeout", "1s"]);
        assert_eq!(code, 1, "{doc:#}");
        let r = &doc["results"][0];
        let e = r["error"].as_str().unwrap();
        assert!(e.contains("--timeout"), "{e}");
        assert!(e.contains("connected to 127.0.0.1:"), "{e}");
        assert!(e.contains("waiting for the response head"), "{e}");
        assert_eq!(check(r, "connect")["ok"], true, "{r:#}");
        assert_eq!(check(r, "timeout")["ok"], false, "{r:#}");
        assert_eq!(r["remote"], format!("127.0.0.1:{port}"));
        assert!(r["phases_ms"]["connect"].as_f64().unwrap() > 0.0, "{r:#}");
        assert!(r["phases_ms"]["total"].as_f64().unwrap() > 0.0, "{r:#}");
    }
}

#[test]
fn a_stalled_tls_handshake_says_so_with_the_flag_that_ended_it() {
    let (_l, port) = silent();
    let url = format!("https://127.0.0.1:{port}/");
    // --timeout shorter than --connect-timeout: --timeout ends the handshake.
    let (code, doc) = probe(&[&url, "--timeout", "1s"]);
    assert_eq!(code, 1);
    let r = &doc["results"][0];
    let tls = check(r, "tls");
    let d = tls["detail"].as_str().unwrap();
    assert!(
        d.contains("--timeout") && d.contains("TLS handshake"),
        "{d}"
    );
    assert_eq!(check(r, "connect")["ok"], true);
    assert_eq!(r["error"], tls["detail"], "one handshake, one error");
    // --connect-timeout shorter: it bounds the handshake, and says so.
    let (_, doc) = probe(&[&url, "--timeout", "5s", "--connect-timeout", "300ms"]);
    let d = check(&doc["results"][0], "tls")["detail"]
        .as_str()
        .unwrap()
        .to_string();
    assert!(
        d.contains("--connect-timeout") && d.contains("TLS handshake"),
        "{d}"
    );
}

#[test]
fn a_body_that_stops_coming_says_how_much_came() {
    use std::io::{Read, Write};
    let l = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = l.local_addr().unwrap().port();
    std::thread::spawn(move || {
        let mut held = Vec::new();
        for c in l.incoming() {
            let Ok(mut c) = c else { continue };
            let mut buf = [0u8; 4096];
            let _ = c.read(&mut buf);
            let _ = c.write_all(b"HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\nstall");
            held.push(c);
        }
    });
    let (code, doc) = probe(&[&format!("http://127.0.0.1:{port}/"), "--timeout", "1s"]);
    assert_eq!(code, 1);
    let r = &doc["results"][0];
    let e = r["error"].as_str().unwrap();
    assert!(
        e.contains("200 received, reading the body (5 bytes so far)"),
        "{e}"
    );
    assert_eq!(check(r, "timeout")["ok"], false);
}
