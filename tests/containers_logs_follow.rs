//! `logs tail -f` on a container log that ends inside a record: a CRI `P` run (or a json-file
//! `log` without its `\n`) not yet closed when the follow starts is shown once, joined, when
//! its last part is appended. A real file appended to by the test; bounded polls.

mod support;

use std::io::{BufRead, BufReader, Write};
use std::process::{Child, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};
use support::runtime_cgroups::{unique_marker, unique_uid};

const T: &str = "2026-12-01T10:00:00.123456789Z";

struct Follow {
    child: Child,
    lines: mpsc::Receiver<String>,
    seen: Vec<String>,
}

impl Follow {
    fn start(path: &std::path::Path, json: bool) -> Follow {
        let mut cmd = std::process::Command::new(assert_cmd::cargo::cargo_bin("oncall"));
        cmd.env("XDG_CONFIG_HOME", "/nonexistent/oncall-tests");
        cmd.args(["logs", "tail", "-f", "-n", "2"]);
        if json {
            cmd.arg("--json");
        }
        let mut child = cmd
            .arg(path)
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        let stdout = child.stdout.take().unwrap();
        let (tx, rx) = mpsc::channel();
        std::thread::spawn(move || {
            for line in BufReader::new(stdout).lines() {
                let Ok(line) = line else { break };
                if tx.send(line).is_err() {
                    break;
                }
            }
        });
        Follow {
            child,
            lines: rx,
            seen: Vec::new(),
        }
    }

    /// Lines until one satisfies `done` (a liveness bound, not a timing assertion).
    fn until(&mut self, done: impl Fn(&str) -> bool) -> bool {
        let deadline = Instant::now() + Duration::from_secs(60);
        while Instant::now() < deadline {
            if let Ok(l) = self.lines.recv_timeout(Duration::from_millis(100)) {
                let stop = done(&l);
                self.seen.push(l);
                if stop {
                    return true;
                }
            }
        }
        false
    }

    fn stop(mut self) -> Vec<String> {
        let _ = self.child.kill();
        let _ = self.child.wait();
        while let Ok(l) = self.lines.try_recv() {
            self.seen.push(l);
        }
        self.seen
    }
}

fn append(path: &std::path::Path, text: &str) {
    let mut f = std::fs::OpenOptions::new().append(true).open(path).unwrap();
    f.write_all(text.as_bytes()).unwrap();
}

#[test]
fn a_p_run_open_when_follow_starts_is_shown_once_joined() {
    let m = unique_marker();
    let dir = tempfile::tempdir().unwrap();
    let path = dir
        .path()
        .join(format!("var/log/pods/shop_web_{}/app", unique_uid()));
    std::fs::create_dir_all(&path).unwrap();
    let path = path.join("0.log");
    // Two whole records, then a record split in three of which two are written.
    std::fs::write(
        &path,
        format!(
            "{T} stdout F before-1-{m}\n{T} stdout F before-2-{m}\n\
             {T} stdout P split-a-{m}|\n{T} stdout P split-b-{m}|\n"
        ),
    )
    .unwrap();
    let mut f = Follow::start(&path, false);
    assert!(
        f.until(|l| l.contains(&format!("before-2-{m}"))),
        "{:?}",
        f.seen
    );
    // The follow is running (its last-N shown); the run's end comes, then a marker record.
    append(&path, &format!("{T} stdout F split-c-{m}\n"));
    append(&path, &format!("{T} stdout F after-{m}\n"));
    assert!(
        f.until(|l| l.contains(&format!("after-{m}"))),
        "{:?}",
        f.seen
    );
    let seen = f.stop();
    let joined = format!("{T} split-a-{m}|split-b-{m}|split-c-{m}");
    assert_eq!(
        seen,
        vec![
            format!("{T} before-1-{m}"),
            format!("{T} before-2-{m}"),
            joined,
            format!("{T} after-{m}"),
        ],
        "the split record once, whole, in its place"
    );
}

#[test]
fn a_json_file_record_open_when_follow_starts_keeps_its_first_line_number() {
    let m = unique_marker();
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("c-json.log");
    let line = |log: &str| {
        format!(
            "{{\"log\":{},\"stream\":\"stdout\",\"time\":\"{T}\"}}\n",
            serde_json::to_string(log).unwrap()
        )
    };
    std::fs::write(
        &path,
        format!(
            "{}{}",
            line(&format!("whole-{m}\n")),
            line(&format!("open-{m}|"))
        ),
    )
    .unwrap();
    let mut f = Follow::start(&path, true);
    assert!(
        f.until(|l| l.contains(&format!("whole-{m}"))),
        "{:?}",
        f.seen
    );
    append(&path, &line(&format!("closed-{m}\n")));
    assert!(
        f.until(|l| l.contains(&format!("closed-{m}"))),
        "{:?}",
        f.seen
    );
    let seen = f.stop();
    assert_eq!(seen.len(), 2, "{seen:#?}");
    let rec: serde_json::Value = serde_json::from_str(&seen[1]).unwrap();
    assert_eq!(rec["text"], format!("open-{m}|closed-{m}"), "{rec}");
    // The record's number is its first line's, the file's line 2.
    assert_eq!(rec["line_number"], 2, "{rec}");
}
