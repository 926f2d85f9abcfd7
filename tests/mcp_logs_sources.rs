//! The logs tools' sources over MCP, driven by the official Python SDK over stdio
//! (tests/mcp/session.py): the systemd journal (files written by systemd-journal-remote, the
//! helper of tests/journal_support) selected by unit, its result equal to the CLI's `--json`
//! for the same request, a journal directory outside the allowlist refused; and container
//! logs, whose pod and container `logs tail --json` and the `logs_tail` tool both name.

mod journal_support;
mod support;

use journal_support::{tools, write_journal, GenEntry, Variant, T0_US};
use serde_json::{json, Value};
use std::ffi::OsString;
use std::path::Path;
use support::mcp_client;

fn session(server_args: &[&std::ffi::OsStr], ops: Value) -> Option<Vec<Value>> {
    let mut server = vec![assert_cmd::cargo::cargo_bin("oncall").into_os_string()];
    server.extend(server_args.iter().map(OsString::from));
    mcp_client::run("auto", &server, None, &ops)
}

fn call(name: &str, args: Value) -> Value {
    json!({"op": "call", "name": name, "args": args})
}

/// The result's report, without what the server adds.
fn report(outcome: &Value) -> Value {
    assert!(
        outcome["isError"] != true && outcome.get("error").is_none(),
        "an error: {outcome}"
    );
    let mut v = outcome["structuredContent"].clone();
    let m = v.as_object_mut().unwrap();
    m.remove("page");
    m.remove("untrusted_fields");
    v
}

fn json_lines(bytes: &[u8]) -> Vec<Value> {
    bytes
        .split(|&b| b == b'\n')
        .filter(|l| !l.is_empty())
        .map(|l| serde_json::from_slice(l).unwrap())
        .collect()
}

fn entry(i: u64, unit: &str, priority: u8, message: &str) -> GenEntry {
    let field = |k: &str, v: &str| (k.to_string(), v.as_bytes().to_vec());
    GenEntry {
        realtime: T0_US + i * 1_000_000,
        monotonic: 1_000_000 + i * 1_000_000,
        boot: 0,
        fields: vec![
            field("_SYSTEMD_UNIT", unit),
            field("SYSLOG_IDENTIFIER", unit.trim_end_matches(".service")),
            field("PRIORITY", &priority.to_string()),
            field("_PID", &(100 + i).to_string()),
            field("MESSAGE", message),
        ],
    }
}

#[test]
fn logs_grep_finds_a_planted_journal_entry_by_unit_as_the_cli_does() {
    if tools().is_none() {
        return;
    }
    let marker = format!("mcp-journal-{}", std::process::id());
    let dir = tempfile::tempdir().unwrap();
    let journal_dir = dir.path().join("journal");
    std::fs::create_dir(&journal_dir).unwrap();
    let unit = format!("planted-{}.service", std::process::id());
    write_journal(
        &journal_dir,
        "system.journal",
        &[
            entry(0, "cron.service", 6, &format!("{marker} from another unit")),
            entry(1, &unit, 3, &format!("{marker} planted failure")),
            entry(2, &unit, 6, "unrelated line of the planted unit"),
            entry(3, &unit, 4, &format!("{marker} planted warning")),
        ],
        Variant::Default,
    );
    // Outside every allowed directory: refused before anything is read.
    let elsewhere = tempfile::tempdir().unwrap();
    write_journal(
        elsewhere.path(),
        "system.journal",
        &[entry(0, &unit, 3, &format!("{marker} secret"))],
        Variant::Default,
    );
    let Some(out) = session(
        &["--allow-path".as_ref(), journal_dir.as_os_str()],
        json!([
            call(
                "logs_grep",
                json!({"patterns": [marker], "unit": [unit], "journal_dir": [journal_dir]})
            ),
            call(
                "logs_grep",
                json!({"patterns": [marker], "unit": [unit], "journal_dir": [elsewhere.path()]})
            ),
            call(
                "logs_tail",
                json!({"unit": [unit], "priority": "warning", "lines": 1, "journal_dir": [journal_dir]})
            ),
            call(
                "logs_top",
                json!({"unit": [unit], "journal_dir": [journal_dir]})
            ),
        ]),
    ) else {
        return;
    };

    let grep = report(&out[0]);
    let messages: Vec<&str> = grep["lines"]
        .as_array()
        .unwrap()
        .iter()
        .map(|l| l["message"].as_str().unwrap())
        .collect();
    assert_eq!(
        messages,
        [
            format!("{marker} planted failure"),
            format!("{marker} planted warning")
        ],
        "{grep}"
    );
    assert_eq!(grep["matched_lines"], 2);
    assert_eq!(grep["lines"][0]["unit"], unit.as_str());
    assert_eq!(grep["lines"][0]["priority"], 3);
    // The same request through the CLI: its JSON Lines are the report's lines.
    let cli = support::oncall()
        .args([
            "logs",
            "grep",
            "--json",
            &marker,
            "-u",
            &unit,
            "--journal-dir",
        ])
        .arg(&journal_dir)
        .output()
        .unwrap();
    assert!(cli.status.success(), "{cli:?}");
    assert_eq!(grep["lines"], Value::Array(json_lines(&cli.stdout)));

    let refused = &out[1];
    assert_eq!(refused["isError"], true, "{refused}");
    let why = refused["content"][0]["text"].as_str().unwrap();
    assert!(why.contains("outside the directories"), "{why}");
    assert!(!refused.to_string().contains("secret"), "{refused}");

    let tail = report(&out[2]);
    let tail_lines = tail["lines"].as_array().unwrap();
    assert_eq!(tail_lines.len(), 1, "{tail}");
    assert_eq!(
        tail_lines[0]["message"],
        format!("{marker} planted warning"),
        "the last entry at warning or worse: {tail}"
    );
    let cli = support::oncall()
        .args([
            "logs", "tail", "--json", "-n", "1", "-p", "warning", "-u", &unit,
        ])
        .arg("--journal-dir")
        .arg(&journal_dir)
        .output()
        .unwrap();
    assert_eq!(tail["lines"], Value::Array(json_lines(&cli.stdout)));

    let top = report(&out[3]);
    let cli = support::oncall()
        .args(["logs", "top", "--json", "-u", &unit, "--journal-dir"])
        .arg(&journal_dir)
        .output()
        .unwrap();
    assert_eq!(top, serde_json::from_slice::<Value>(&cli.stdout).unwrap());
    assert_eq!(top["error_and_warning_lines"], 2, "{top}");
}

/// A CRI log in kubelet's layout: `log/pods/<ns>_<pod>_<uid>/<container>/0.log`.
fn cri_log(root: &Path, marker: &str) -> std::path::PathBuf {
    let dir = root
        .join("log/pods")
        .join(format!(
            "shop_cart-{marker}_0b1c2d3e-4f50-6172-8394-a5b6c7d8e9f0"
        ))
        .join("server");
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join("0.log");
    std::fs::write(
        &file,
        format!(
            "2026-11-27T14:00:00.000000001Z stdout F starting {marker}\n\
             2026-11-27T14:00:01.000000001Z stderr P ERROR {marker} split \n\
             2026-11-27T14:00:01.000000002Z stderr F record\n"
        ),
    )
    .unwrap();
    file
}

#[test]
fn tail_json_and_the_logs_tail_tool_name_the_pod_and_container() {
    let marker = format!("mcp-pod-{}", std::process::id());
    let root = tempfile::tempdir().unwrap();
    let file = cri_log(root.path(), &marker);
    let pod = format!("shop/cart-{marker}");

    let cli = support::oncall()
        .args(["logs", "tail", "--json", "-n", "2"])
        .arg(&file)
        .output()
        .unwrap();
    assert!(cli.status.success(), "{cli:?}");
    let lines = json_lines(&cli.stdout);
    assert_eq!(lines.len(), 2, "{lines:?}");
    for l in &lines {
        assert_eq!(l["pod"], pod.as_str(), "{l}");
        assert_eq!(l["container"], "server", "{l}");
    }
    assert_eq!(lines[1]["text"], format!("ERROR {marker} split record"));
    assert_eq!(lines[1]["stream"], "stderr");
    // grep --json names them the same way.
    let grep = support::oncall()
        .args(["logs", "grep", "--json", &marker])
        .arg(&file)
        .output()
        .unwrap();
    let grep = json_lines(&grep.stdout);
    assert_eq!(grep[1]["pod"], lines[1]["pod"]);
    assert_eq!(grep[1]["container"], lines[1]["container"]);

    let allow = root.path().join("log");
    let Some(out) = session(
        &["--allow-path".as_ref(), allow.as_os_str()],
        json!([
            call("logs_tail", json!({"paths": [file], "lines": 2})),
            call("logs_grep", json!({"patterns": [marker], "paths": [file]})),
        ]),
    ) else {
        return;
    };
    let tail = report(&out[0]);
    assert_eq!(tail["lines"], Value::Array(lines), "{tail}");
    let grep_report = report(&out[1]);
    assert_eq!(grep_report["lines"], Value::Array(grep), "{grep_report}");
    assert_eq!(grep_report["lines"][1]["pod"], pod.as_str());
}

/// Docker's json-file: the container's name comes from the config.v2.json beside its log.
#[test]
fn tail_json_names_a_docker_container() {
    let root = tempfile::tempdir().unwrap();
    let id = format!("{:064x}", u128::from(std::process::id()) << 64 | 0xd0c4);
    let name = format!("queue-{}", std::process::id());
    let dir = root.path().join("containers").join(&id);
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(
        dir.join("config.v2.json"),
        format!(r#"{{"ID":"{id}","Name":"/{name}","Config":{{"Image":"redis:7"}}}}"#),
    )
    .unwrap();
    let log = dir.join(format!("{id}-json.log"));
    std::fs::write(
        &log,
        "{\"log\":\"ready to accept connections\\n\",\"stream\":\"stdout\",\"time\":\"2026-11-27T14:00:00.000000001Z\"}\n",
    )
    .unwrap();
    let out = support::oncall()
        .args(["logs", "tail", "--json"])
        .arg(&log)
        .output()
        .unwrap();
    let lines = json_lines(&out.stdout);
    assert_eq!(lines.len(), 1, "{out:?}");
    assert_eq!(lines[0]["container"], name.as_str(), "{}", lines[0]);
    assert_eq!(lines[0]["text"], "ready to accept connections");
    assert!(lines[0].get("pod").is_none(), "{}", lines[0]);
}

/// `tail -f --json`: records appended while following name their pod and container too.
#[test]
fn followed_records_name_their_pod_and_container() {
    use std::io::{BufRead, BufReader, Write};
    let marker = format!("follow-pod-{}", std::process::id());
    let root = tempfile::tempdir().unwrap();
    let file = cri_log(root.path(), &marker);
    let mut child = std::process::Command::new(assert_cmd::cargo::cargo_bin("oncall"))
        .args(["logs", "tail", "-f", "--json", "-n", "0"])
        .arg(&file)
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    let stdout = child.stdout.take().unwrap();
    let (tx, rx) = std::sync::mpsc::channel::<String>();
    std::thread::spawn(move || {
        for line in BufReader::new(stdout).lines() {
            if tx.send(line.unwrap()).is_err() {
                break;
            }
        }
    });
    let appended = format!("2026-11-27T14:00:02.000000001Z stdout F appended {marker}\n");
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(20);
    let got = loop {
        // Appended until the follower shows it: it may not be watching yet at the first write.
        std::fs::OpenOptions::new()
            .append(true)
            .open(&file)
            .unwrap()
            .write_all(appended.as_bytes())
            .unwrap();
        if let Ok(line) = rx.recv_timeout(std::time::Duration::from_millis(500)) {
            break line;
        }
        assert!(std::time::Instant::now() < deadline, "nothing followed");
    };
    child.kill().unwrap();
    child.wait().unwrap();
    let v: Value = serde_json::from_str(&got).unwrap();
    assert_eq!(v["text"], format!("appended {marker}"), "{v}");
    assert_eq!(v["pod"], format!("shop/cart-{marker}"), "{v}");
    assert_eq!(v["container"], "server", "{v}");
}
