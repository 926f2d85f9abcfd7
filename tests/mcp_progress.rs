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
        let cancelled = &out[1];
        assert_eq!(
            cancelled["progress_before_cancel"], true,
            "{mode}: {cancelled}"
        );
        assert!(cancelled.get("finished").is_none(), "{mode}: {cancelled}");
        assert_eq!(cancelled["alive_after"], true, "{mode}: {cancelled}");
    }
}
