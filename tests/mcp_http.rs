//! `oncall mcp --http`: Streamable HTTP driven by the official MCP Python SDK in both protocol
//! eras (listings, a tool against the CLI's `--json`, a planted log line, progress from a walk
//! and its cancellation), and the gates in front of it spoken to with raw HTTP on loopback: a
//! missing or wrong bearer token, a foreign `Origin`, a `Host` that is not this server's (DNS
//! rebinding), another path; a token file; `--no-auth` refused beyond loopback.

mod support;

use serde_json::{json, Value};
use std::ffi::OsString;
use std::time::{SystemTime, UNIX_EPOCH};
use support::mcp_client::{self, HttpServer as Server};
use support::oncall;

const INITIALIZE: &str = r#"{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-11-25","capabilities":{},"clientInfo":{"name":"raw","version":"1"}}}"#;

fn marker(tag: &str) -> String {
    let nanos = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap()
        .as_nanos();
    format!("{tag}-{}-{nanos}", std::process::id())
}

fn structured(outcome: &Value) -> &Value {
    assert!(
        outcome["isError"] != true && outcome.get("error").is_none(),
        "an error: {outcome}"
    );
    &outcome["structuredContent"]
}

#[test]
fn both_eras_list_and_call_tools_over_http() {
    if mcp_client::python().is_none() {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let mark = marker("http-grep");
    let log = dir.path().join("app.log");
    std::fs::write(&log, format!("ok\nERROR {mark} backend reset\nok\n")).unwrap();
    let server = Server::start(&["--allow-path", dir.path().to_str().unwrap()]);
    let token = server.token.clone().expect("a token made at start");
    let cli = support::stdout_json(&["cheat", "tar", "--json"]);
    for (mode, version) in [("auto", "2026-07-28"), ("legacy", "2025-11-25")] {
        let ops = json!([
            {"op": "list"},
            {"op": "call", "name": "cheat_entry", "args": {"name": "tar"}},
            {"op": "call", "name": "logs_grep", "args": {"patterns": [mark], "paths": [log]}, "progress": true},
        ]);
        let out = mcp_client::run(mode, &[OsString::from(server.url())], Some(&token), &ops)
            .expect("the SDK is there");
        assert_eq!(out[0]["protocol_version"], version, "{mode}");
        let tools = out[0]["tools"].as_array().unwrap();
        assert!(tools.len() >= 19, "{mode}: {} tools", tools.len());
        let entry = &structured(&out[1])["entries"][0];
        assert_eq!(entry["name"], "tar", "{mode}: {entry}");
        assert_eq!(entry["examples"], cli[0]["examples"], "{mode}");
        let grep = structured(&out[2]).to_string();
        assert!(
            grep.contains(&mark) && grep.contains("backend reset"),
            "{mode}: {grep}"
        );
        // Progress travels over the event stream as over stdio.
        assert!(
            !out[2]["progress_seen"].as_array().unwrap().is_empty(),
            "{mode}: no progress: {}",
            out[2]
        );
    }
}

#[test]
fn a_walk_over_http_is_cancelled_and_the_server_answers_after() {
    if mcp_client::python().is_none() {
        return;
    }
    let server = Server::start(&["--allow-path", "/usr"]);
    let token = server.token.clone().unwrap();
    let ops = json!([
        {"op": "cancel_walk", "name": "disk_usage", "args": {"path": "/usr"}},
    ]);
    let out = mcp_client::run(
        "legacy",
        &[OsString::from(server.url())],
        Some(&token),
        &ops,
    )
    .expect("the SDK is there");
    assert_eq!(out[0]["progress_before_cancel"], true, "{}", out[0]);
    assert_eq!(out[0]["alive_after"], true, "{}", out[0]);
    assert!(
        out[0].get("finished").is_none(),
        "ran to its end: {}",
        out[0]
    );
}

#[test]
fn the_gates_refuse_what_they_should() {
    let server = Server::start(&[]);
    let token = server.token.clone().expect("a token made at start");
    assert_eq!(token.len(), 64, "{token}");
    let host = format!("Host: {}", server.addr);
    let post =
        |extra: &str| server.raw(&format!("POST /mcp HTTP/1.1\r\n{host}{extra}"), INITIALIZE);

    let (status, text) = post("");
    assert_eq!(status, 401, "no token: {text}");
    assert!(
        text.to_ascii_lowercase()
            .contains("www-authenticate: bearer"),
        "{text}"
    );
    let (status, text) = post("\r\nAuthorization: Bearer wrong-token");
    assert_eq!(status, 401, "a wrong token: {text}");
    let (status, text) = post(&format!("\r\nAuthorization: Bearer {}", &token[..63]));
    assert_eq!(status, 401, "a token one character short: {text}");
    let auth = format!("\r\nAuthorization: Bearer {token}");
    let (status, text) = post(&auth);
    assert_eq!(status, 200, "the right token: {text}");
    assert!(
        text.contains("serverInfo") || text.contains("text/event-stream"),
        "{text}"
    );

    // A page on another site, in a browser, reaching loopback.
    let (status, text) = post(&format!("{auth}\r\nOrigin: http://evil.example"));
    assert_eq!(status, 403, "a foreign Origin: {text}");
    // DNS rebinding: a name that resolves to 127.0.0.1 but is not ours.
    let (status, text) = server.raw(
        &format!(
            "POST /mcp HTTP/1.1\r\nHost: rebind.example:{}{auth}",
            server.addr.port()
        ),
        INITIALIZE,
    );
    assert_eq!(status, 403, "a foreign Host: {text}");
    let (status, text) = server.raw(&format!("POST /other HTTP/1.1\r\n{host}{auth}"), INITIALIZE);
    assert_eq!(status, 404, "another path: {text}");
    // The token was told on stderr only: no answer carries it.
    assert!(!text.contains(&token));
}

#[test]
fn a_token_file_is_the_token_and_no_auth_stays_on_loopback() {
    let dir = tempfile::tempdir().unwrap();
    let secret = marker("tok");
    let file = dir.path().join("token");
    std::fs::write(&file, format!("{secret}\n")).unwrap();
    let server = Server::start(&["--token-file", file.to_str().unwrap()]);
    assert!(server.token.is_none(), "a token from a file is not printed");
    let host = format!("Host: {}", server.addr);
    let (status, text) = server.raw(
        &format!("POST /mcp HTTP/1.1\r\n{host}\r\nAuthorization: Bearer {secret}"),
        INITIALIZE,
    );
    assert_eq!(status, 200, "{text}");
    drop(server);

    let open = Server::start(&["--no-auth"]);
    let (status, text) = open.raw(
        &format!("POST /mcp HTTP/1.1\r\nHost: {}", open.addr),
        INITIALIZE,
    );
    assert_eq!(status, 200, "--no-auth on loopback: {text}");

    let err = oncall()
        .args(["mcp", "--http", "0.0.0.0:0", "--no-auth"])
        .assert()
        .code(2);
    let err = String::from_utf8_lossy(&err.get_output().stderr).to_string();
    assert!(
        err.contains("--no-auth") && err.contains("loopback"),
        "{err}"
    );
    std::fs::write(&file, "\n").unwrap();
    oncall()
        .args(["mcp", "--http", "127.0.0.1:0", "--token-file"])
        .arg(&file)
        .assert()
        .code(2);
    oncall().args(["mcp", "--no-auth"]).assert().code(2);
}
