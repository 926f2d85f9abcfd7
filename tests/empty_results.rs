//! Nothing to show is said in one line, never drawn as a header over no rows; and one exit
//! rule for all commands: a filter or query that matched nothing exits 1 (as grep and
//! pgrep), a listing that is simply empty exits 0. Counts agree with their nouns.

mod support;

use std::net::TcpListener;
use std::process::{Child, Command, Stdio};
use support::oncall;

fn run(args: &[&str]) -> (i32, String, String) {
    let out = oncall().args(args).output().unwrap();
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).to_string(),
        String::from_utf8_lossy(&out.stderr).to_string(),
    )
}

struct Sleeper(Child);

impl Sleeper {
    fn start() -> Sleeper {
        Sleeper(
            Command::new("sleep")
                .arg("3611")
                .stdout(Stdio::null())
                .spawn()
                .unwrap(),
        )
    }
    fn pid(&self) -> String {
        self.0.id().to_string()
    }
}

impl Drop for Sleeper {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// Waits (bounded) until the sleeper is asleep, so `--state Z` cannot match it by accident
/// and `--state S` does.
fn asleep(s: &Sleeper) {
    let stat = format!("/proc/{}/stat", s.pid());
    for _ in 0..5000 {
        let text = std::fs::read_to_string(&stat).unwrap_or_default();
        if text
            .rsplit(')')
            .next()
            .is_some_and(|t| t.trim_start().starts_with('S'))
        {
            return;
        }
        std::thread::sleep(std::time::Duration::from_millis(1));
    }
}

#[test]
fn ps_filter_that_matches_nothing_says_so_and_exits_1() {
    let s = Sleeper::start();
    asleep(&s);
    let (code, out, _) = run(&["ps", "--window", "0", "--pid", &s.pid(), "--state", "Z"]);
    assert_eq!(code, 1, "{out}");
    assert_eq!(out.lines().count(), 1, "one line, no header:\n{out}");
    assert!(
        out.starts_with(&format!(
            "no process matched --state Z --pid {} (of ",
            s.pid()
        )),
        "{out}"
    );
    assert!(out.ends_with(" processes)\n"), "{out:?}");
    assert!(!out.contains("PID"), "{out}");

    // The same filter matching: exit 0, a table, and the footer's count in words.
    let (code, out, _) = run(&["ps", "--window", "0", "--pid", &s.pid(), "--state", "S"]);
    assert_eq!(code, 0, "{out}");
    assert!(out.contains(" PID "), "{out}");
    assert!(out.contains(" · 1 matched · "), "{out}");
    assert!(!out.contains(" match ·"), "{out}");
}

#[test]
fn ps_top_0_is_an_empty_listing_not_a_failed_search() {
    let (code, out, _) = run(&["ps", "--window", "0", "--top", "0"]);
    assert_eq!(code, 0, "{out}");
    assert_eq!(out.lines().count(), 1, "{out}");
    assert!(out.starts_with("no process shown: --top 0 (of "), "{out}");
}

#[test]
fn net_filter_that_matches_nothing_says_so_and_exits_1() {
    // Our own listener holds the port: nothing else can be on it, and it is not CLOSE-WAIT.
    let l = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = l.local_addr().unwrap().port().to_string();
    let (code, out, _) = run(&["net", "--state", "close-wait", "--port", &port]);
    assert_eq!(code, 1, "{out}");
    assert_eq!(
        out,
        format!("no socket matched --state close-wait --port {port}\n")
    );
    let (code, out, _) = run(&["net", "--summary", "--state", "close-wait", "--port", &port]);
    assert_eq!(code, 1, "{out}");
    assert!(
        out.starts_with("Total: 0 sockets\n"),
        "no dangling colon: {out}"
    );

    // The listener itself: found, exit 0, one socket in the singular.
    let (code, out, _) = run(&["net", "--listen", "--port", &port]);
    assert_eq!(code, 0, "{out}");
    assert!(out.contains(" Proto "), "{out}");
    assert!(
        out.contains("Total: 1 socket: tcp 1 (IPv4 1, IPv6 0)"),
        "{out}"
    );
    drop(l);
}

#[test]
fn cheat_with_only_a_runbook_says_no_command_matched() {
    let (code, out, _) = run(&["cheat", "401"]);
    assert_eq!(code, 0, "a runbook matched: {out}");
    assert!(out.starts_with("Runbook: "), "{out}");
    assert!(out.contains("\nno command matched '401'\n"), "{out}");
    assert!(!out.contains("COMMAND"), "no empty table: {out}");
}

#[test]
fn cheat_queries_that_match_nothing_exit_1() {
    let (code, out, err) = run(&["cheat", "qqzzxxyyww"]);
    assert_eq!(code, 1, "{out}{err}");
    assert!(out.is_empty(), "{out}");
    assert!(
        err.starts_with("oncall: no command matches 'qqzzxxyyww'"),
        "{err}"
    );

    let (code, out, _) = run(&["cheat", "-c", "networking", "qqzzxxyyww"]);
    assert_eq!(code, 1, "{out}");
    assert_eq!(out, "no command in networking matched 'qqzzxxyyww'\n");
}

#[test]
fn an_empty_explain_is_a_usage_error() {
    for line in ["", "   "] {
        let (code, out, err) = run(&["cheat", "--explain", line]);
        assert_eq!(code, 2, "{out}{err}");
        assert!(out.is_empty(), "{out}");
        assert!(err.starts_with("oncall: --explain: "), "{err}");
        assert_eq!(err.lines().count(), 1, "{err}");
    }
}

#[test]
fn logs_grep_no_match_exits_1_and_logs_top_counts_agree() {
    let dir = tempfile::tempdir().unwrap();
    let log = dir.path().join("one-error.log");
    std::fs::write(
        &log,
        "2026-11-27T10:00:00Z INFO started\n2026-11-27T10:00:01Z ERROR disk on fire\n",
    )
    .unwrap();
    let path = log.to_str().unwrap();
    let (code, out, _) = run(&["logs", "grep", "no-such-marker-7f3a", path]);
    assert_eq!(code, 1, "{out}");
    let (code, out, _) = run(&["logs", "top", path]);
    assert_eq!(code, 0, "{out}");
    assert!(out.contains("1 error or warning line in 1 file;"), "{out}");
    assert!(!out.contains("(s)"), "{out}");
    let (code, out, _) = run(&["logs", "top", "--top", "0", path]);
    assert_eq!(code, 0, "{out}");
    assert_eq!(
        out.lines().next(),
        Some("no signature shown: --top 0 (of 1 error or warning line in 1 file)"),
        "the error line is there, only cut: {out}"
    );

    let quiet = dir.path().join("quiet.log");
    std::fs::write(&quiet, "2026-11-27T10:00:00Z INFO all fine\n").unwrap();
    let (code, out, _) = run(&["logs", "top", quiet.to_str().unwrap()]);
    assert_eq!(code, 0, "no signature is a finding of nothing wrong: {out}");
    assert!(
        out.starts_with("no error or warning line in 1 file\n"),
        "{out}"
    );
}

#[test]
fn help_states_the_exit_rule() {
    for cmd in ["ps", "net", "cheat", "logs"] {
        let out = oncall().args([cmd, "--help"]).output().unwrap();
        let text = String::from_utf8_lossy(&out.stdout);
        assert!(
            text.contains("matched nothing exits 1"),
            "{cmd} --help lacks the exit rule:\n{text}"
        );
    }
}
