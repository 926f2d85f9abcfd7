//! `oncall logs tail`: -n against tail, and -f across renames (the writer keeps its old
//! handle a moment after each), a copytruncate, a file that appears later, a NUL hole and
//! --grep. Needs: coreutils tail, gzip.

#[path = "logs_support/mod.rs"]
mod logs_support;
mod support;

use logs_support::*;
use std::collections::HashMap;
use std::fs::{self, OpenOptions};
use std::io::{BufRead, BufReader, Write};
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};
use support::oncall;

#[test]
fn last_lines_equal_tail() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("a.log");
    write_log(&p, &mut Gen::new(1, T0, 10), 200_000, None);
    let ps = p.to_str().unwrap();
    let q = dir.path().join("partial.log");
    fs::write(&q, "one\ntwo\nthree without newline").unwrap();
    let qs = q.to_str().unwrap();
    for (file, n) in [
        (ps, "10"),
        (ps, "0"),
        (ps, "1"),
        (ps, "5000"),
        (qs, "2"),
        (qs, "10"),
    ] {
        let out = oncall()
            .args(["logs", "tail", "-n", n, file])
            .output()
            .unwrap();
        let want = classic("tail", &["-n", n, file]).0;
        let want = if want.ends_with('\n') || want.is_empty() {
            want
        } else {
            want + "\n"
        };
        assert_eq!(String::from_utf8_lossy(&out.stdout), want, "{file} -n {n}");
    }
    sh(&format!("gzip -k {ps}"));
    let out = oncall()
        .args(["logs", "tail", "-n", "7", &format!("{ps}.gz")])
        .output()
        .unwrap();
    assert_eq!(
        String::from_utf8_lossy(&out.stdout),
        classic("tail", &["-n", "7", ps]).0
    );
}

/// `oncall logs tail -f` with a thread collecting its stdout lines.
struct Follow {
    child: Child,
    lines: mpsc::Receiver<String>,
    seen: Vec<String>,
}

impl Follow {
    fn start(args: &[&str]) -> Follow {
        Follow::start_env(args, "0")
    }

    fn start_env(args: &[&str], poll: &str) -> Follow {
        let bin = assert_cmd::cargo::cargo_bin("oncall");
        let mut child = Command::new(bin)
            .args(["logs", "tail", "-f"])
            .args(args)
            .env("ONCALL_FOLLOW_POLL", poll)
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
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

    /// Collects lines until one satisfies `done`; a generous bound keeps a broken build from
    /// hanging the suite (it is a liveness bound, not a timing assertion).
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

    fn stop(mut self) -> (Vec<String>, String) {
        let _ = self.child.kill();
        let out = self.child.wait_with_output().unwrap();
        while let Ok(l) = self.lines.try_recv() {
            self.seen.push(l);
        }
        (self.seen, String::from_utf8_lossy(&out.stderr).into_owned())
    }
}

/// Writes `seq=N` lines in batches of 20 with a pause of 2 ms between them (up to ~10k
/// lines/s). Each phase writes a number of lines, not for a time: on a busy machine a phase
/// takes longer but holds the same lines, so the rotations and the truncation always have
/// lines in flight around them (a time-based writer managed 1,000 lines/s under load and the
/// test could only refuse to judge).
struct Writer {
    file: fs::File,
    next: u64,
}

impl Writer {
    fn open(path: &Path) -> fs::File {
        OpenOptions::new()
            .create(true)
            .append(true)
            .open(path)
            .unwrap()
    }

    fn write_lines(&mut self, lines: u64) {
        let end = self.next + lines;
        while self.next < end {
            let mut batch = String::new();
            for _ in 0..20 {
                batch.push_str(&format!(
                    "seq={} payload=abcdefghijklmnopqrstuvwxyz\n",
                    self.next
                ));
                self.next += 1;
            }
            self.file.write_all(batch.as_bytes()).unwrap();
            std::thread::sleep(Duration::from_millis(2));
        }
    }
}

fn seqs(lines: &[String]) -> HashMap<u64, usize> {
    let mut m = HashMap::new();
    for l in lines {
        if let Some(n) = l.strip_prefix("seq=").and_then(|r| r.split(' ').next()) {
            *m.entry(n.parse::<u64>().unwrap()).or_insert(0) += 1;
        }
    }
    m
}

#[test]
fn follow_across_three_renames_and_a_copytruncate_sees_every_line_once() {
    rotation(false);
}

/// The same with inotify off: the polling fallback must not lose lines across renames either.
#[test]
fn polling_fallback_across_renames_and_a_copytruncate() {
    rotation(true);
}

fn rotation(poll: bool) {
    let dir = tempfile::tempdir().unwrap();
    let log = dir.path().join("app.log");
    let mut w = Writer {
        file: Writer::open(&log),
        next: 0,
    };
    w.write_lines(500);
    // -n with more lines than exist: everything written before the follower started counts too.
    let mut f = Follow::start_env(
        &["-n", "100000000", log.to_str().unwrap()],
        if poll { "1" } else { "0" },
    );
    let start_rate = Instant::now();
    w.write_lines(3000);
    for gen in 1..=3 {
        for k in (1..gen).rev() {
            fs::rename(
                dir.path().join(format!("app.log.{k}")),
                dir.path().join(format!("app.log.{}", k + 1)),
            )
            .unwrap();
        }
        fs::rename(&log, dir.path().join("app.log.1")).unwrap();
        // The writer keeps its old handle for a moment, then reopens by name (as after a HUP).
        w.write_lines(500);
        w.file = Writer::open(&log);
        w.write_lines(3000);
    }
    // copytruncate: copy, then truncate while the writer goes on (O_APPEND: it restarts at 0).
    fs::copy(&log, dir.path().join("app.log.copy")).unwrap();
    let between = w.next;
    w.write_lines(60);
    fs::OpenOptions::new()
        .write(true)
        .open(&log)
        .unwrap()
        .set_len(0)
        .unwrap();
    let after_truncate = w.next;
    w.write_lines(3000);
    let rate = w.next as f64 / start_rate.elapsed().as_secs_f64();
    let last = w.next - 1;
    let done = f.until(|l| l.starts_with(&format!("seq={last} ")));
    let (lines, stderr) = f.stop();
    assert!(done, "never saw the last line; stderr: {stderr}");
    let seen = seqs(&lines);
    let dups: Vec<_> = seen.iter().filter(|(_, c)| **c > 1).collect();
    assert!(dups.is_empty(), "lines printed twice: {dups:?}");
    // After the truncation: nothing lost.
    let missing: Vec<u64> = (after_truncate..=last)
        .filter(|n| !seen.contains_key(n))
        .collect();
    assert!(missing.is_empty(), "lost after truncation: {missing:?}");
    // Before it, copytruncate can lose only what the follower had not read when the file was
    // truncated: a run of lines ending at the truncation. Everything else, across all three
    // renames, must be there.
    let lost: Vec<u64> = (0..after_truncate)
        .filter(|n| !seen.contains_key(n))
        .collect();
    let run_start = after_truncate - lost.len() as u64;
    assert_eq!(
        lost,
        (run_start..after_truncate).collect::<Vec<u64>>(),
        "lines lost other than just before the truncation\n{stderr}"
    );
    eprintln!(
        "poll={poll} copytruncate: {} lines written between the copy and the truncation, {} lost by oncall \
         (unread at the truncation); 0 lost across renames; writer at {rate:.0} lines/s",
        after_truncate - between,
        lost.len()
    );
    assert!(
        stderr.contains("rotated") || stderr.contains("appeared"),
        "{stderr}"
    );
    assert_eq!(stderr.contains("polling"), poll, "{stderr}");
    assert!(stderr.contains("truncated"), "{stderr}");
}

#[test]
fn follow_picks_up_a_file_that_appears_later_and_filters_with_grep() {
    let dir = tempfile::tempdir().unwrap();
    let log = dir.path().join("later.log");
    let mut f = Follow::start(&["--grep", "ERROR", log.to_str().unwrap()]);
    // No way to know when the follower is watching; it reads a new file from its start, so
    // lines written before it looked are not lost either way.
    std::thread::sleep(Duration::from_millis(200));
    fs::write(&log, "INFO one\nERROR two\nINFO three\nERROR four\n").unwrap();
    assert!(f.until(|l| l == "ERROR four"));
    let (lines, _) = f.stop();
    assert_eq!(lines, ["ERROR two", "ERROR four"]);
}

#[test]
fn a_nul_hole_is_reported_not_printed() {
    let dir = tempfile::tempdir().unwrap();
    let log = dir.path().join("hole.log");
    fs::write(&log, "first line\n").unwrap();
    let mut f = Follow::start(&["-n", "5", log.to_str().unwrap()]);
    assert!(f.until(|l| l == "first line"));
    // A writer without O_APPEND: after a truncation it writes at its old offset, leaving NULs.
    let mut raw = OpenOptions::new().write(true).open(&log).unwrap();
    raw.set_len(0).unwrap();
    use std::os::unix::fs::FileExt;
    raw.write_all_at(b"after the hole\n", 4096).unwrap();
    raw.flush().unwrap();
    assert!(f.until(|l| l.contains("after the hole")));
    let (lines, stderr) = f.stop();
    assert_eq!(lines, ["first line", "after the hole"]);
    assert!(stderr.contains("4096 NUL bytes skipped"), "{stderr}");
}

#[test]
fn follow_json_lines_carry_path_number_and_time() {
    let dir = tempfile::tempdir().unwrap();
    let log = dir.path().join("j.log");
    write_log(&log, &mut Gen::new(3, T0, 1000), 10, None);
    let mut f = Follow::start(&["--json", "-n", "2", log.to_str().unwrap()]);
    assert!(f.until(|_| true));
    let mut w = OpenOptions::new().append(true).open(&log).unwrap();
    writeln!(w, "{} ERROR appended", iso(T0 + 60_000)).unwrap();
    assert!(f.until(|l| l.contains("appended")));
    let (lines, _) = f.stop();
    let last: serde_json::Value = serde_json::from_str(lines.last().unwrap()).unwrap();
    assert_eq!(last["path"], log.to_str().unwrap());
    assert_eq!(last["line_number"], 11);
    assert_eq!(last["timestamp"], iso(T0 + 60_000));
    let first: serde_json::Value = serde_json::from_str(&lines[0]).unwrap();
    assert_eq!(first["line_number"], 9);
}

/// `oncall logs tail -f FILE | head -1`: once head has its line and exits, the follower sees
/// its reader gone and ends quietly with 0, though no new line comes that could fail to write.
#[test]
fn follow_ends_when_its_reader_closes() {
    let dir = tempfile::tempdir().unwrap();
    let log = dir.path().join("reader.log");
    fs::write(&log, "closed-reader-marker one\nclosed-reader-marker two\n").unwrap();
    let bin = assert_cmd::cargo::cargo_bin("oncall");
    let mut tail = Command::new(bin)
        .args(["logs", "tail", "-f", "-n", "2", log.to_str().unwrap()])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let head = Command::new("head")
        .arg("-1")
        .stdin(tail.stdout.take().unwrap())
        .output()
        .unwrap();
    assert_eq!(
        String::from_utf8_lossy(&head.stdout),
        "closed-reader-marker one\n"
    );
    // A liveness bound, not a timing assertion: the follower polls every 250 ms.
    let deadline = Instant::now() + Duration::from_secs(30);
    let status = loop {
        if let Some(s) = tail.try_wait().unwrap() {
            break Some(s);
        }
        if Instant::now() > deadline {
            break None;
        }
        std::thread::sleep(Duration::from_millis(50));
    };
    if status.is_none() {
        let _ = tail.kill();
    }
    let out = tail.wait_with_output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    let status = status.unwrap_or_else(|| panic!("still following with no reader; {stderr}"));
    assert_eq!(status.code(), Some(0), "{stderr}");
    assert!(stderr.is_empty(), "{stderr}");
}

/// `-n 5 --grep P` is the last 5 matching lines (as `grep P | tail -n 5`), not the matches
/// among the last 5 lines; plain and gzipped.
#[test]
fn tail_n_with_grep_is_the_last_n_matching_lines() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("app.log");
    let mut f = std::io::BufWriter::new(fs::File::create(&p).unwrap());
    for i in 0..100_000 {
        if i % 997 == 0 {
            writeln!(f, "line {i} upstream timed-out-marker").unwrap();
        } else {
            writeln!(f, "line {i} ok").unwrap();
        }
    }
    drop(f);
    let ps = p.to_str().unwrap();
    let want = sh(&format!("grep timed-out-marker {ps} | tail -n 5"));
    assert_eq!(want.lines().count(), 5);
    let out = oncall()
        .args(["logs", "tail", "-n", "5", "--grep", "timed-out-marker", ps])
        .assert()
        .success();
    assert_eq!(String::from_utf8_lossy(&out.get_output().stdout), want);
    // JSON carries each line's own number.
    let out = oncall()
        .args([
            "logs",
            "tail",
            "--json",
            "-n",
            "2",
            "--grep",
            "timed-out",
            ps,
        ])
        .assert()
        .success();
    let numbers: Vec<u64> = String::from_utf8_lossy(&out.get_output().stdout)
        .lines()
        .map(|l| {
            serde_json::from_str::<serde_json::Value>(l).unwrap()["line_number"]
                .as_u64()
                .unwrap()
        })
        .collect();
    assert_eq!(
        numbers,
        [98_703 + 1, 99_700 + 1],
        "line i is line number i + 1"
    );
    sh(&format!("gzip -k {ps}"));
    let out = oncall()
        .args([
            "logs",
            "tail",
            "-n",
            "5",
            "--grep",
            "timed-out-marker",
            &format!("{ps}.gz"),
        ])
        .assert()
        .success();
    assert_eq!(String::from_utf8_lossy(&out.get_output().stdout), want);
}

/// A device, FIFO or socket has no end: `logs tail` (with or without -f) refuses it at once,
/// one line, exit 2 (`tail -f /dev/zero` grew to gigabytes; opening a FIFO would block).
#[test]
fn tail_refuses_what_is_not_a_regular_file() {
    let dir = tempfile::tempdir().unwrap();
    let fifo = dir.path().join("pipe.log");
    sh(&format!("mkfifo {}", fifo.display()));
    for args in [
        vec!["logs", "tail", "/dev/zero"],
        vec!["logs", "tail", "-f", "/dev/zero"],
        vec!["logs", "tail", "-f", fifo.to_str().unwrap()],
    ] {
        let out = oncall()
            .args(&args)
            .timeout(Duration::from_secs(30))
            .output()
            .unwrap();
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{args:?}: {stderr}");
        assert!(
            stderr.starts_with("oncall: ") && stderr.contains("not a regular file"),
            "{stderr}"
        );
        assert_eq!(stderr.lines().count(), 1, "{stderr}");
    }
}

/// A line longer than the cap (`logs::line_cap`, shared with grep and top) is shown cut, and
/// said so on stderr; the lines after it are whole. With -f, a writer that has not ended its
/// line yet is cut at the cap too (bounded memory).
#[test]
fn a_line_over_the_cap_is_cut_and_said() {
    use oncall::logs::line_cap::MAX_LINE_BYTES as CAP;
    let cap_text = oncall::render::units::bytes(CAP as u64);
    let dir = tempfile::tempdir().unwrap();
    let log = dir.path().join("long.log");
    let mut data = b"before-cut-marker\n".to_vec();
    data.extend(std::iter::repeat_n(b'x', CAP + (2 << 20)));
    data.extend_from_slice(b"\nafter-cut-marker\n");
    fs::write(&log, &data).unwrap();
    let out = oncall()
        .args(["logs", "tail", "-n", "3", log.to_str().unwrap()])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    let stdout = String::from_utf8_lossy(&out.stdout);
    let lens: Vec<usize> = stdout.lines().map(str::len).collect();
    assert_eq!(lens, [17, CAP, 16]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains(&format!("1 line(s) longer than {cap_text}")),
        "{stderr}"
    );

    // Follow: a line still being written, far longer than the cap, then ended.
    let live = dir.path().join("live.log");
    fs::write(&live, "").unwrap();
    let mut f = Follow::start(&[live.to_str().unwrap()]);
    let mut w = Writer::open(&live);
    let chunk = vec![b'y'; 256 * 1024];
    for _ in 0..(CAP / chunk.len() + 8) {
        w.write_all(&chunk).unwrap();
    }
    assert!(f.until(|l| l.starts_with('y')), "the cut line never came");
    w.write_all(b"\nlive-after-marker\n").unwrap();
    assert!(f.until(|l| l == "live-after-marker"));
    let (lines, stderr) = f.stop();
    let lens: Vec<usize> = lines.iter().map(String::len).collect();
    assert_eq!(lens, [CAP, 17], "{stderr}");
    assert!(
        stderr.contains(&format!("line longer than {cap_text}")),
        "{stderr}"
    );
}
