//! A client's roots narrow what `oncall mcp` reads, never widen it: driven by the official
//! MCP Python SDK (tests/mcp/session.py) in both eras — over 2025-11-25 the server asks with
//! `roots/list` and hears `roots/list_changed`; over 2026-07-28 (no server-to-client
//! requests) it answers `input_required` and the SDK retries the call with its roots. Roots
//! that share nothing with the server's list leave it as it is (and never widen it).

mod support;

use serde_json::{json, Value};
use std::ffi::OsString;
use support::mcp_client;

fn session(mode: &str, server_args: &[&str], ops: Value) -> Option<Vec<Value>> {
    let mut server = vec![assert_cmd::cargo::cargo_bin("oncall").into_os_string()];
    server.extend(server_args.iter().map(OsString::from));
    mcp_client::run(mode, &server, None, &ops)
}

fn grep(path: &std::path::Path, marker: &str) -> Value {
    json!({"op": "call", "name": "logs_grep",
           "args": {"patterns": [marker], "paths": [path.to_str().unwrap()]}})
}

fn uri(p: &std::path::Path) -> String {
    format!("file://{}", p.display())
}

/// The matched line texts of a call, or the error text of an error result.
fn lines_or_error(outcome: &Value) -> Result<Vec<String>, String> {
    if outcome["isError"] == true || outcome.get("error").is_some() {
        return Err(outcome.to_string());
    }
    Ok(outcome["structuredContent"]["lines"]
        .as_array()
        .unwrap_or(&Vec::new())
        .iter()
        .map(|l| l["text"].as_str().unwrap_or_default().to_string())
        .collect())
}

#[test]
fn client_roots_narrow_the_allowlist_and_never_widen_it() {
    let dir = tempfile::tempdir().unwrap();
    let base = std::fs::canonicalize(dir.path()).unwrap();
    let (a, b, outside) = (base.join("a"), base.join("b"), base.join("outside"));
    let marker = format!("roots-marker-{}", std::process::id());
    for d in [&a, &b, &outside] {
        std::fs::create_dir_all(d).unwrap();
        std::fs::write(
            d.join("app.log"),
            format!("{marker} in {}\n", d.file_name().unwrap().to_string_lossy()),
        )
        .unwrap();
    }
    // The server may read `a` and `b` (not `outside`); the client's roots say `a`, and
    // `outside`, which must not become readable.
    let allow_a = a.to_str().unwrap();
    let allow_b = b.to_str().unwrap();
    let server = ["--allow-path", allow_a, "--allow-path", allow_b];
    for mode in ["auto", "legacy"] {
        let ops = json!([
            {"op": "roots", "roots": [uri(&a), uri(&outside)]},
            grep(&a.join("app.log"), &marker),
            grep(&b.join("app.log"), &marker),
            grep(&outside.join("app.log"), &marker),
            // Roots change: now only `b`.
            {"op": "roots", "roots": [uri(&b)]},
            grep(&a.join("app.log"), &marker),
            grep(&b.join("app.log"), &marker),
            // A root above both server roots narrows nothing away.
            {"op": "roots", "roots": [uri(&base)]},
            grep(&a.join("app.log"), &marker),
            grep(&b.join("app.log"), &marker),
            grep(&outside.join("app.log"), &marker),
            // Roots that share nothing with the server's list (a workspace elsewhere, or
            // none at all) say nothing about it: the server's list stands, and no wider.
            {"op": "roots", "roots": ["file:///proc/self", "file:///nonexistent/oncall-root"]},
            grep(&a.join("app.log"), &marker),
            grep(&outside.join("app.log"), &marker),
            {"op": "roots", "roots": []},
            grep(&b.join("app.log"), &marker),
        ]);
        let Some(out) = session(mode, &server, ops) else {
            return; // no SDK venv here: mcp_client said why
        };
        let found = |i: usize| lines_or_error(&out[i]);
        assert_eq!(
            found(1),
            Ok(vec![format!("{marker} in a")]),
            "{mode}: a root"
        );
        assert!(
            found(2).is_err(),
            "{mode}: b is not a client root: {:?}",
            found(2)
        );
        assert!(
            found(3).is_err(),
            "{mode}: outside is not the server's: {:?}",
            found(3)
        );
        assert!(
            found(5).is_err(),
            "{mode}: a after the change: {:?}",
            found(5)
        );
        assert_eq!(
            found(6),
            Ok(vec![format!("{marker} in b")]),
            "{mode}: b after the change"
        );
        assert_eq!(
            found(8),
            Ok(vec![format!("{marker} in a")]),
            "{mode}: a under base"
        );
        assert_eq!(
            found(9),
            Ok(vec![format!("{marker} in b")]),
            "{mode}: b under base"
        );
        assert!(
            found(10).is_err(),
            "{mode}: a root never widens: {:?}",
            found(10)
        );
        assert_eq!(
            found(12),
            Ok(vec![format!("{marker} in a")]),
            "{mode}: disjoint roots"
        );
        let refused = found(13).unwrap_err();
        assert!(
            refused.contains("outside the directories"),
            "{mode}: {refused}"
        );
        assert_eq!(
            found(15),
            Ok(vec![format!("{marker} in b")]),
            "{mode}: no roots"
        );
    }
}

#[test]
fn a_client_without_roots_reads_the_whole_allowlist() {
    let dir = tempfile::tempdir().unwrap();
    let marker = format!("noroots-marker-{}", std::process::id());
    std::fs::write(dir.path().join("app.log"), format!("{marker}\n")).unwrap();
    let server = ["--allow-path", dir.path().to_str().unwrap()];
    for mode in ["auto", "legacy"] {
        let Some(out) = session(
            mode,
            &server,
            json!([grep(&dir.path().join("app.log"), &marker)]),
        ) else {
            return;
        };
        assert_eq!(lines_or_error(&out[0]), Ok(vec![marker.clone()]), "{mode}");
    }
}
