//! `oncall logs grep|tail|top` over the systemd journal, against `journalctl` on the same
//! files: journal files written by systemd's own code (systemd-journal-remote) from the
//! deterministic generator of tests/journal_support; the same entries (by cursor) in the
//! same order for each selector, the same text in journalctl's short, short-iso and cat
//! outputs, the same JSON objects, `tail -n` from the end, and `tail -f` printing each
//! entry once while systemd's writer appends to the file and the file is rotated.

mod journal_support;
mod support;

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use journal_support::{generate, tools, write_journal, GenEntry, Variant};
use serde_json::Value;
use support::oncall;

const PER_BOOT: usize = 600;

fn file_arg(path: &Path) -> String {
    format!("--file={}", path.display())
}

/// `journalctl --file F -o json ARGS` cursors, in order.
fn journalctl_cursors(path: &Path, args: &[&str]) -> Vec<String> {
    let out = Command::new("journalctl")
        .args(["--no-pager", "-q", "-a", "-o", "json"])
        .arg(file_arg(path))
        .args(args)
        .output()
        .unwrap();
    cursors(&out.stdout)
}

fn cursors(json_lines: &[u8]) -> Vec<String> {
    json_lines
        .split(|&b| b == b'\n')
        .filter(|l| !l.is_empty())
        .map(|l| {
            let v: Value = serde_json::from_slice(l).unwrap();
            v["__CURSOR"].as_str().unwrap().to_string()
        })
        .collect()
}

/// `oncall logs ARGS --journal-file F -o json`: (exit code, cursors).
fn oncall_cursors(path: &Path, args: &[&str]) -> (i32, Vec<String>) {
    let out = oncall()
        .args(["logs"])
        .args(args)
        .args(["--journal-file", path.to_str().unwrap(), "-o", "json"])
        .output()
        .unwrap();
    assert!(
        out.status.code() != Some(2),
        "oncall logs {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    (out.status.code().unwrap(), cursors(&out.stdout))
}

fn journal(dir: &Path, name: &str, gen: &[GenEntry]) -> PathBuf {
    write_journal(dir, name, gen, Variant::Default)
}

#[test]
fn grep_selects_what_journalctl_selects() {
    if tools().is_none() {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let gen = generate(31, PER_BOOT);
    let path = journal(dir.path(), "grep.journal", &gen);
    let since = format!("--since=@{}", gen[200].realtime / 1_000_000 + 1);
    let until = format!("--until=@{}", gen[1400].realtime / 1_000_000);
    // (our grep pattern, the selectors both take, journalctl's -g if any)
    let cases: Vec<(&str, Vec<&str>, Option<&str>)> = vec![
        ("", vec!["-u", "nginx"], None),
        ("", vec!["-u", "nginx.service", "-u", "cron"], None),
        ("", vec!["-u", "ss*"], None),
        ("", vec!["-p", "err"], None),
        ("", vec!["-p", "warning..err"], None),
        ("", vec!["-p", "2"], None),
        ("", vec!["-t", "sshd", "-t", "app"], None),
        ("", vec!["-k"], None),
        ("", vec!["-b", "-1"], None),
        ("", vec!["-b", "1"], None),
        ("", vec!["-b"], None),
        ("", vec![since.as_str(), until.as_str()], None),
        ("panic", vec![], Some("panic")),
        // Smart case: no capital, any case; a capital, that case only.
        ("get /API", vec![], Some("get /API")),
        (
            "status=500",
            vec!["-u", "app", "-p", "0..6"],
            Some("status=500"),
        ),
        ("Started", vec!["-b", "-2", since.as_str()], Some("Started")),
    ];
    for (pattern, selectors, g) in cases {
        let mut ours = vec!["grep", pattern];
        ours.extend(&selectors);
        let mut theirs = selectors.clone();
        if let Some(g) = g {
            theirs.extend(["-g", g]);
        }
        let want = journalctl_cursors(&path, &theirs);
        let (code, got) = oncall_cursors(&path, &ours);
        assert_eq!(got.len(), want.len(), "{ours:?} vs journalctl {theirs:?}");
        assert_eq!(got, want, "{ours:?} vs journalctl {theirs:?}");
        assert_eq!(code, if want.is_empty() { 1 } else { 0 }, "{ours:?}");
        if !matches!(selectors.first(), Some(&"-u") | Some(&"-b")) || pattern.is_empty() {
            // Most selectors do select something here.
            assert!(
                !want.is_empty() || pattern == "get /API",
                "{theirs:?} selects"
            );
        }
    }
    // -c counts the entries; -m stops after N.
    let n = journalctl_cursors(&path, &["-u", "nginx"]).len();
    let out = oncall()
        .args(["logs", "grep", "-c", "", "-u", "nginx", "--journal-file"])
        .arg(&path)
        .output()
        .unwrap();
    assert_eq!(String::from_utf8_lossy(&out.stdout).trim(), n.to_string());
    let (_, first3) = oncall_cursors(&path, &["grep", "-m", "3", "", "-u", "nginx"]);
    assert_eq!(first3, journalctl_cursors(&path, &["-u", "nginx"])[..3]);
}

#[test]
fn short_short_iso_and_cat_print_what_journalctl_prints() {
    if tools().is_none() {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let gen = generate(32, 200);
    let path = journal(dir.path(), "short.journal", &gen);
    assert!(gen.iter().any(|g| g.message().contains(&b'\n')));
    for output in ["short", "short-iso", "cat"] {
        for selectors in [vec![], vec!["-u", "app"], vec!["-p", "err", "-b", "-1"]] {
            // Without -q: the boot separators are among journalctl's informational lines.
            let theirs = Command::new("journalctl")
                .args(["--no-pager", "-a", "-o", output])
                .arg(file_arg(&path))
                .args(&selectors)
                .env("TZ", "UTC")
                .output()
                .unwrap();
            let ours = oncall()
                .args(["logs", "grep", "", "--journal-file"])
                .arg(&path)
                .args(["-o", output])
                .args(&selectors)
                .env("TZ", "UTC")
                .output()
                .unwrap();
            assert!(!theirs.stdout.is_empty());
            same_lines(
                &ours.stdout,
                &theirs.stdout,
                &format!("-o {output} {selectors:?}"),
            );
        }
    }
    // The default is short, with the boot separators.
    let ours = oncall()
        .args(["logs", "tail", "-n", "1000", "--journal-file"])
        .arg(&path)
        .env("TZ", "UTC")
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&ours.stdout);
    assert_eq!(text.matches("\n-- Boot ").count(), 2, "{text}");
}

#[test]
fn verbose_prints_what_journalctl_prints() {
    if tools().is_none() {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let mut gen = generate(33, 60);
    // Values journalctl shows as blobs (controls, DEL, C1, invalid UTF-8; sizes on each
    // side of FORMAT_BYTES' steps) or indents (newlines, empty lines, a trailing newline).
    let last = gen.last().unwrap().clone();
    let odd: Vec<(&str, Vec<u8>)> = vec![
        ("BIN", b"a\x01b\x1bc".to_vec()),
        ("DEL", b"a\x7fb".to_vec()),
        ("C1", "a\u{85}b".as_bytes().to_vec()),
        ("BADUTF", b"a\xffb".to_vec()),
        ("CRLF", b"a\r\nb".to_vec()),
        ("B1023", vec![1; 1023]),
        ("B1024", vec![1; 1024]),
        ("B1500", vec![2; 1500]),
        ("B10000", vec![3; 10000]),
        ("B1572864", vec![4; 1_572_864]),
        ("TAB", b"a\tb".to_vec()),
        ("EMPTY", Vec::new()),
        ("LINES", b"a\n\nb\n".to_vec()),
        ("LEAD", b"\n  x\n\n".to_vec()),
        ("UTF", "h\u{e9}llo \u{4e16}\u{754c}".as_bytes().to_vec()),
        ("LONG", vec![b'x'; 5000]),
    ];
    for (i, (name, value)) in odd.into_iter().enumerate() {
        let mut e = last.clone();
        e.realtime += 1_000 * (i as u64 + 1);
        e.monotonic += 1_000 * (i as u64 + 1);
        e.fields.push((name.to_string(), value));
        gen.push(e);
    }
    let path = journal(dir.path(), "verbose.journal", &gen);
    for tz in ["UTC", "Europe/Berlin"] {
        for selectors in [vec![], vec!["-u", "app"], vec!["-p", "err", "-b", "-1"]] {
            // journalctl's default (no -a): binary values as blobs; without -q, so the boot
            // separators are compared too.
            let theirs = Command::new("journalctl")
                .args(["--no-pager", "-o", "verbose"])
                .arg(file_arg(&path))
                .args(&selectors)
                .env("TZ", tz)
                .output()
                .unwrap();
            let ours = oncall()
                .args(["logs", "grep", "", "--journal-file"])
                .arg(&path)
                .args(["-o", "verbose"])
                .args(&selectors)
                .env("TZ", tz)
                .output()
                .unwrap();
            assert!(!theirs.stdout.is_empty());
            same_lines(
                &ours.stdout,
                &theirs.stdout,
                &format!("-o verbose {selectors:?} TZ={tz}"),
            );
        }
    }
    // What was compared is journalctl's blob and indent format, not two empty outputs.
    let ours = oncall()
        .args(["logs", "grep", "", "--journal-file"])
        .arg(&path)
        .args(["-o", "verbose"])
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&ours.stdout);
    for line in [
        "    B1572864=[1.5M blob data]\n",
        "    B1500=[1.4K blob data]\n",
        "    LINES=a\n          \n          b\n",
    ] {
        assert!(text.contains(line), "{line:?} missing");
    }
}

#[test]
fn context_is_rgs_over_journalctls_messages() {
    if tools().is_none() {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    // Single-line messages: then an entry is a line and `rg -C` over `journalctl -o cat` is
    // the reference.
    let gen: Vec<GenEntry> = generate(34, 150)
        .into_iter()
        .filter(|g| !g.message().contains(&b'\n'))
        .collect();
    let path = journal(dir.path(), "context.journal", &gen);
    for selectors in [vec![], vec!["-u", "app"], vec!["-p", "warning"]] {
        for ctx in [
            vec!["-C", "2"],
            vec!["-A", "1"],
            vec!["-B", "3"],
            vec!["-C", "1", "-v"],
            vec!["-A", "2", "-m", "3"],
            vec!["-B", "1", "-A", "4"],
        ] {
            let theirs = Command::new("sh")
                .arg("-c")
                .arg(format!(
                    "journalctl --no-pager -q -o cat --file={} {} | rg {} status=5",
                    path.display(),
                    selectors.join(" "),
                    ctx.join(" ")
                ))
                .output()
                .unwrap();
            let ours = oncall()
                .args(["logs", "grep", "status=5", "--journal-file"])
                .arg(&path)
                .args(["-o", "cat"])
                .args(&selectors)
                .args(&ctx)
                .output()
                .unwrap();
            let what = format!("{selectors:?} {ctx:?}");
            // (-m 3's matches may be one stretch.)
            assert!(
                ctx.contains(&"-m") || String::from_utf8_lossy(&theirs.stdout).contains("\n--\n"),
                "{what}: separators compared"
            );
            same_lines(&ours.stdout, &theirs.stdout, &what);
        }
    }
    // In journalctl's short output, the context is whole entries (a multi-line message is
    // one), with the same separators.
    let gen = generate(35, 100);
    let path = journal(dir.path(), "context-multi.journal", &gen);
    let ours = oncall()
        .args([
            "logs",
            "grep",
            "panic in request",
            "-B",
            "1",
            "--journal-file",
        ])
        .arg(&path)
        .env("TZ", "UTC")
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&ours.stdout);
    let panics = gen
        .iter()
        .filter(|g| g.message().starts_with(b"panic in request"))
        .count();
    assert_eq!(text.matches(": panic in request").count(), panics);
    assert!(text.contains("\n--\n"), "{text}");
    assert!(
        text.contains("  at frame 0 handler::serve::h"),
        "whole entries"
    );
}

/// Equal texts, or the first line that differs (not the whole text in the failure).
fn same_lines(ours: &[u8], theirs: &[u8], what: &str) {
    let (o, t) = (
        String::from_utf8_lossy(ours),
        String::from_utf8_lossy(theirs),
    );
    for (k, (a, b)) in o.lines().zip(t.lines()).enumerate() {
        assert_eq!(a, b, "{what}: line {}", k + 1);
    }
    assert_eq!(o.lines().count(), t.lines().count(), "{what}: line count");
}

#[test]
fn journalctl_json_objects_are_the_same() {
    if tools().is_none() {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let gen = generate(33, 150);
    let path = journal(dir.path(), "json.journal", &gen);
    let theirs = Command::new("journalctl")
        .args(["--no-pager", "-q", "-o", "json", "-u", "app"])
        .arg(file_arg(&path))
        .output()
        .unwrap();
    let ours = oncall()
        .args([
            "logs",
            "grep",
            "",
            "-u",
            "app",
            "-o",
            "json",
            "--journal-file",
        ])
        .arg(&path)
        .output()
        .unwrap();
    let parse = |b: &[u8]| -> Vec<Value> {
        b.split(|&c| c == b'\n')
            .filter(|l| !l.is_empty())
            .map(|l| serde_json::from_slice(l).unwrap())
            .collect()
    };
    let (o, t) = (parse(&ours.stdout), parse(&theirs.stdout));
    assert!(!t.is_empty());
    assert_eq!(o, t);
}

#[test]
fn oncall_json_lines_carry_unit_priority_and_message() {
    if tools().is_none() {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let gen = generate(34, 150);
    let path = journal(dir.path(), "ours.journal", &gen);
    let out = oncall()
        .args(["--json", "logs", "grep", "", "-t", "cron", "--journal-file"])
        .arg(&path)
        .output()
        .unwrap();
    let want: Vec<&GenEntry> = gen
        .iter()
        .filter(|g| g.has("SYSLOG_IDENTIFIER", "cron"))
        .collect();
    let lines: Vec<Value> = out
        .stdout
        .split(|&c| c == b'\n')
        .filter(|l| !l.is_empty())
        .map(|l| serde_json::from_slice(l).unwrap())
        .collect();
    assert_eq!(lines.len(), want.len());
    for (l, g) in lines.iter().zip(&want) {
        assert_eq!(l["unit"], "cron.service");
        assert_eq!(l["priority"], u64::from(g.priority()));
        assert_eq!(l["message"].as_str().unwrap().as_bytes(), g.message());
        assert_eq!(l["path"], path.to_str().unwrap());
        assert!(l["timestamp"].as_str().unwrap().starts_with("2026-11-27T"));
    }
}

#[test]
fn tail_n_is_journalctls_last_entries_over_several_files() {
    if tools().is_none() {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let gen = generate(35, PER_BOOT);
    let third = gen.len() / 3;
    let files: Vec<PathBuf> = gen
        .chunks(third)
        .enumerate()
        .map(|(k, part)| journal(dir.path(), &format!("part{k}.journal"), part))
        .collect();
    for (n, selectors) in [
        ("25", vec!["-u", "nginx"]),
        ("7", vec!["-p", "err"]),
        ("1", vec![]),
        ("5000", vec!["-t", "kernel"]),
    ] {
        let mut j = Command::new("journalctl");
        j.args(["--no-pager", "-q", "-a", "-o", "json", "-n", n])
            .arg(format!("--directory={}", dir.path().display()))
            .args(&selectors);
        let want = cursors(&j.output().unwrap().stdout);
        let out = oncall()
            .args(["logs", "tail", "-n", n, "-o", "json", "--journal-dir"])
            .arg(dir.path())
            .args(&selectors)
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        assert!(!want.is_empty());
        assert_eq!(cursors(&out.stdout), want, "-n {n} {selectors:?}");
    }
    assert_eq!(files.len(), 3);
}

#[test]
fn top_counts_warnings_and_errors_per_unit() {
    if tools().is_none() {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let gen = generate(36, 300);
    let path = journal(dir.path(), "top.journal", &gen);
    let out = oncall()
        .args(["--json", "logs", "top", "--top", "1000", "--journal-file"])
        .arg(&path)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    let want = gen.iter().filter(|g| g.priority() <= 4).count() as u64;
    assert_eq!(v["error_and_warning_lines"], want);
    let sigs = v["signatures"].as_array().unwrap();
    let total: u64 = sigs.iter().map(|s| s["count"].as_u64().unwrap()).sum();
    assert_eq!(total, want);
    // Grouped per unit: the same masked message from two units is two rows.
    let nginx_get = gen
        .iter()
        .filter(|g| {
            g.priority() <= 3
                && g.has("_SYSTEMD_UNIT", "nginx.service")
                && g.message().starts_with(b"GET ")
        })
        .count() as u64;
    let row = sigs
        .iter()
        .find(|s| {
            s["level"] == "error"
                && s["signature"]
                    .as_str()
                    .unwrap()
                    .starts_with("nginx.service: GET /api/")
        })
        .expect("an nginx GET error row");
    assert!(nginx_get > 0 && row["count"].as_u64().unwrap() <= nginx_get);
}

/// Appends `entries` to `path` with systemd's writer (systemd-journal-remote opens an
/// existing file and appends, as journald does to its active file).
fn append(path: &Path, entries: &[GenEntry]) {
    use std::io::Write;
    let mut child = Command::new(journal_support::REMOTE)
        .arg(format!("--output={}", path.display()))
        .arg("-")
        .stdin(Stdio::piped())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(&journal_support::export(entries))
        .unwrap();
    assert!(child.wait().unwrap().success());
}

#[test]
fn follow_prints_every_entry_once_while_written_and_rotated() {
    if tools().is_none() {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let gen = generate(37, 200);
    let (a, rest) = gen.split_at(200);
    let (b, c) = rest.split_at(200);
    let active = journal(dir.path(), "system.journal", a);
    let bin = assert_cmd::cargo::cargo_bin("oncall");
    let mut child = Command::new(bin)
        .args([
            "logs",
            "tail",
            "-f",
            "-n",
            "3",
            "-o",
            "cat",
            "--journal-dir",
        ])
        .arg(dir.path())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let lines = support::stdout_lines(&mut child);
    let mut got: Vec<String> = Vec::new();
    let wait_for = |got: &mut Vec<String>, n: usize| {
        let deadline = Instant::now() + Duration::from_secs(30);
        while got.len() < n && Instant::now() < deadline {
            if let Ok(l) = lines.recv_timeout(Duration::from_millis(100)) {
                got.push(l);
            }
        }
    };
    let text_lines = |es: &[GenEntry]| -> Vec<String> {
        es.iter()
            .flat_map(|e| {
                String::from_utf8_lossy(e.message())
                    .lines()
                    .map(str::to_string)
                    .collect::<Vec<_>>()
            })
            .collect()
    };
    let first = text_lines(&a[a.len() - 3..]);
    wait_for(&mut got, first.len());
    assert_eq!(got, first);
    // systemd's writer appends to the file being followed…
    append(&active, b);
    let mut want = first.clone();
    want.extend(text_lines(b));
    wait_for(&mut got, want.len());
    // …then it is rotated (renamed, same file id) and a new active file is written.
    std::fs::rename(&active, dir.path().join("system@0001-0002.journal")).unwrap();
    journal(dir.path(), "system.journal", c);
    want.extend(text_lines(c));
    wait_for(&mut got, want.len());
    // Nothing more comes (no entry twice): a few more looks.
    std::thread::sleep(Duration::from_millis(800));
    while let Ok(l) = lines.try_recv() {
        got.push(l);
    }
    child.kill().unwrap();
    let _ = child.wait();
    assert_eq!(got.len(), want.len(), "every entry once");
    assert_eq!(got, want);
}

#[test]
fn bad_journal_arguments_are_usage_errors() {
    let dir = tempfile::tempdir().unwrap();
    for (args, says) in [
        (vec!["grep", "x", "-p", "loud"], "not a priority"),
        (vec!["grep", "x", "--since", "-1 fortnight"], "not a time"),
        (vec!["grep", "x", "-l"], "-l"),
        (vec!["tail", "--namespace", "../etc"], "not a namespace"),
        (vec!["grep", "x", "-b", "7"], "no boot 7"),
    ] {
        let out = oncall()
            .args(["logs"])
            .args(&args)
            .arg("--journal-dir")
            .arg(dir.path())
            .output()
            .unwrap();
        let err = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{args:?}: {err}");
        assert!(err.starts_with("oncall: "), "{args:?}: {err}");
        // An empty directory: no journal files is said too, never a panic.
        assert!(
            err.contains(says) || err.contains("no journal files"),
            "{args:?}: {err}"
        );
    }
}

#[test]
fn unreadable_journal_files_say_which_group_to_join() {
    if tools().is_none() {
        return;
    }
    if unsafe { libc::geteuid() } != 0 {
        eprintln!("skipped: dropping to another user needs root");
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(dir.path(), std::fs::Permissions::from_mode(0o755)).unwrap();
    let gen = generate(38, 20);
    let locked = journal(dir.path(), "system.journal", &gen);
    std::fs::set_permissions(&locked, std::fs::Permissions::from_mode(0o640)).unwrap();
    let bin = assert_cmd::cargo::cargo_bin("oncall");
    // As nobody, in no group: journald's files are root:systemd-journal 0640.
    let out = Command::new("setpriv")
        .args(["--reuid=65534", "--regid=65534", "--clear-groups"])
        .arg(&bin)
        .args(["logs", "grep", "GET", "--journal-dir"])
        .arg(dir.path())
        .env("HOME", "/nonexistent")
        .output()
        .expect("setpriv (util-linux) runs");
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("systemd-journal") && err.contains("adm"),
        "{err}"
    );
    assert!(err.contains("system.journal"), "names the file: {err}");
    assert_eq!(err.lines().count(), 1, "one line: {err}");
    // A named source that cannot be read is exit 2, as a named text log.
    assert_eq!(out.status.code(), Some(2), "{err}");
    // Root reads it.
    let out = oncall()
        .args(["logs", "grep", "-c", "GET", "--journal-dir"])
        .arg(dir.path())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
}

#[test]
fn a_journal_selector_alone_needs_no_pattern() {
    if tools().is_none() {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let gen = generate(39, 100);
    let path = journal(dir.path(), "nopattern.journal", &gen);
    let (code, got) = oncall_cursors(&path, &["grep", "-u", "nginx"]);
    assert_eq!(code, 0);
    assert_eq!(got, journalctl_cursors(&path, &["-u", "nginx"]));
    // -b then a pattern: the pattern is not taken for a boot.
    let (_, got) = oncall_cursors(&path, &["grep", "-b", "panic"]);
    assert_eq!(got, journalctl_cursors(&path, &["-b", "-g", "panic"]));
    assert!(!got.is_empty());
}

/// A grep answered through the MESSAGE field's DATA chain (each distinct message tested
/// once, the passing ones' entry lists taken) selects exactly journalctl -g's entries: a
/// message shared by several entries, entries with two MESSAGE fields (journalctl tests the
/// first), an entry without MESSAGE, compressed messages, with -u (index, then intersect),
/// a wide and a narrow time window (index vs entry by entry), -v, -c and -m.
#[test]
fn grep_through_the_message_index_selects_what_journalctl_selects() {
    if tools().is_none() {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let mut gen = generate(47, PER_BOOT);
    let set_messages = |e: &mut GenEntry, messages: &[&str]| {
        e.fields.retain(|(n, _)| n != "MESSAGE");
        for m in messages {
            e.fields.push(("MESSAGE".into(), m.as_bytes().to_vec()));
        }
    };
    for i in [30, 31, 700, 1500] {
        set_messages(&mut gen[i], &["ixq shared marker, one DATA object"]);
    }
    set_messages(&mut gen[40], &["ixq first no hit", "ixq second TWOMSG hit"]);
    set_messages(&mut gen[41], &["ixq TWOMSG first hit", "ixq plain second"]);
    set_messages(
        &mut gen[42],
        &["ixq shared marker, one DATA object", "ixq TWOMSG"],
    );
    set_messages(&mut gen[43], &[]);
    let path = journal(dir.path(), "index.journal", &gen);
    let wide_since = format!("--since=@{}", gen[100].realtime / 1_000_000 + 1);
    let wide_until = format!("--until=@{}", gen[1700].realtime / 1_000_000);
    let narrow_since = format!("--since=@{}", gen[900].realtime / 1_000_000 + 1);
    let narrow_until = format!("--until=@{}", gen[940].realtime / 1_000_000);
    let cases: Vec<(&str, Vec<&str>)> = vec![
        ("TWOMSG", vec![]),
        ("ixq", vec![]),
        ("shared marker", vec![]),
        ("status=500", vec![wide_since.as_str(), wide_until.as_str()]),
        (
            "status=500",
            vec![narrow_since.as_str(), narrow_until.as_str()],
        ),
        ("status=500", vec!["-u", "app"]),
        ("status=500", vec!["-u", "app", narrow_since.as_str()]),
        ("panic", vec!["-p", "err"]),
        ("panic", vec![wide_since.as_str()]),
        ("frame 3 ", vec![]),
    ];
    for (pattern, selectors) in &cases {
        let mut ours = vec!["grep", pattern];
        ours.extend(selectors);
        let mut theirs = selectors.clone();
        theirs.extend(["-g", pattern]);
        let want = journalctl_cursors(&path, &theirs);
        let (code, got) = oncall_cursors(&path, &ours);
        assert_eq!(got, want, "{ours:?} vs journalctl {theirs:?}");
        assert_eq!(code, if want.is_empty() { 1 } else { 0 }, "{ours:?}");
    }
    let two = journalctl_cursors(&path, &["-g", "TWOMSG"]);
    // Only gen[41] has TWOMSG in its first MESSAGE: gen[40] and gen[42] carry it second, and
    // a naive index would list them under the passing DATA object.
    assert_eq!(two.len(), 1, "the first MESSAGE decides: {two:?}");

    // -v: every entry with a MESSAGE whose (first) MESSAGE does not match, in order.
    let all = Command::new("journalctl")
        .args(["--no-pager", "-q", "-a", "-o", "json"])
        .arg(file_arg(&path))
        .output()
        .unwrap()
        .stdout;
    let hits = journalctl_cursors(&path, &["-g", "status=500"]);
    let want: Vec<String> = all
        .split(|&b| b == b'\n')
        .filter(|l| !l.is_empty())
        .map(|l| serde_json::from_slice::<Value>(l).unwrap())
        .filter(|v| v.get("MESSAGE").is_some())
        .map(|v| v["__CURSOR"].as_str().unwrap().to_string())
        .filter(|c| !hits.contains(c))
        .collect();
    let (_, got) = oncall_cursors(&path, &["grep", "-v", "status=500"]);
    assert_eq!(got.len(), want.len());
    assert_eq!(got, want);
    let (_, got) = oncall_cursors(&path, &["grep", "-v", "status=500", "-u", "app"]);
    let app = journalctl_cursors(&path, &["-u", "app"]);
    let want_app: Vec<String> = want.iter().filter(|c| app.contains(c)).cloned().collect();
    assert_eq!(got, want_app);

    // -c counts them, -m stops after N in journalctl's order.
    let out = oncall()
        .args(["logs", "grep", "-c", "status=500", "--journal-file"])
        .arg(&path)
        .output()
        .unwrap();
    assert_eq!(
        String::from_utf8_lossy(&out.stdout).trim(),
        hits.len().to_string()
    );
    let (_, first2) = oncall_cursors(&path, &["grep", "-m", "2", "status=500"]);
    assert_eq!(first2, hits[..2]);
}

/// journalctl's `FIELD=VALUE` operands after the pattern: fields AND, the same field OR,
/// `+` between groups OR, and all of it beside -u/-p; `tail -n` takes them too.
#[test]
fn field_value_operands_select_what_journalctl_selects() {
    if tools().is_none() {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let gen = generate(53, PER_BOOT);
    let path = journal(dir.path(), "operands.journal", &gen);
    let cases: Vec<Vec<&str>> = vec![
        vec!["_PID=1"],
        vec!["_PID=1", "UNIT=nginx.service"],
        vec!["PRIORITY=3", "PRIORITY=4"],
        vec!["PRIORITY=3", "PRIORITY=4", "_TRANSPORT=kernel"],
        vec!["_PID=1", "+", "_TRANSPORT=kernel"],
        vec!["_TRANSPORT=kernel", "+", "_UID=0", "PRIORITY=2"],
        vec!["_TRANSPORT=kernel", "-p", "err"],
        vec!["_UID=0", "+", "_TRANSPORT=kernel", "-u", "nginx"],
        vec!["_SYSTEMD_UNIT=no-such.service"],
    ];
    for args in &cases {
        let want = journalctl_cursors(&path, args);
        let mut ours = vec!["grep", ""];
        ours.extend(args);
        let (code, got) = oncall_cursors(&path, &ours);
        assert_eq!(got, want, "{ours:?} vs journalctl {args:?}");
        assert_eq!(code, if want.is_empty() { 1 } else { 0 }, "{ours:?}");
    }
    let want = journalctl_cursors(&path, &["-n", "5", "_PID=1", "+", "PRIORITY=0"]);
    let (_, got) = oncall_cursors(&path, &["tail", "-n", "5", "_PID=1", "+", "PRIORITY=0"]);
    assert_eq!(got, want);
    assert_eq!(want.len(), 5);
    // A dangling '+' is a usage error, as in journalctl.
    let out = oncall()
        .args(["logs", "grep", "", "_PID=1", "+", "--journal-file"])
        .arg(&path)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
}

/// `--user-unit` as journalctl's (systemd's add_matches_for_user_unit for the caller's uid):
/// the unit's own lines and the user manager's about it from this uid only, coredumps and
/// privileged daemons' lines from this uid or root, a user slice's units; ORed with -u.
#[test]
fn user_unit_selects_what_journalctl_selects() {
    if tools().is_none() {
        return;
    }
    let uid = String::from_utf8(Command::new("id").arg("-u").output().unwrap().stdout)
        .unwrap()
        .trim()
        .parse::<u32>()
        .unwrap();
    let other = (uid + 1).to_string();
    let uid = uid.to_string();
    let dir = tempfile::tempdir().unwrap();
    let mut gen = generate(59, PER_BOOT);
    let set = |e: &mut GenEntry, pairs: &[(&str, &str)]| {
        for (k, v) in pairs {
            e.fields.retain(|(n, _)| n != k);
            e.fields.push((k.to_string(), v.as_bytes().to_vec()));
        }
    };
    for i in (100..1700).step_by(97) {
        set(
            &mut gen[i],
            &[("_SYSTEMD_USER_UNIT", "uuq.service"), ("_UID", &uid)],
        );
    }
    set(
        &mut gen[101],
        &[("_SYSTEMD_USER_UNIT", "uuq.service"), ("_UID", &other)],
    );
    set(
        &mut gen[102],
        &[("USER_UNIT", "uuq.service"), ("_UID", &uid)],
    );
    set(
        &mut gen[103],
        &[("USER_UNIT", "uuq.service"), ("_UID", &other)],
    );
    set(
        &mut gen[104],
        &[("OBJECT_SYSTEMD_USER_UNIT", "uuq.service"), ("_UID", "0")],
    );
    set(
        &mut gen[105],
        &[("COREDUMP_USER_UNIT", "uuq.service"), ("_UID", &uid)],
    );
    set(
        &mut gen[106],
        &[("COREDUMP_USER_UNIT", "uuq.service"), ("_UID", &other)],
    );
    set(
        &mut gen[107],
        &[("_SYSTEMD_USER_SLICE", "uuq.slice"), ("_UID", &uid)],
    );
    set(
        &mut gen[108],
        &[("_SYSTEMD_USER_UNIT", "uuq-two.service"), ("_UID", &uid)],
    );
    let path = journal(dir.path(), "user-unit.journal", &gen);
    let cases: Vec<Vec<&str>> = vec![
        vec!["--user-unit", "uuq"],
        vec!["--user-unit", "uuq.service", "-u", "nginx"],
        vec!["--user-unit", "uuq.slice"],
        vec!["--user-unit", "uuq*"],
        vec!["--user-unit", "uuq", "-p", "err"],
    ];
    for args in &cases {
        let want = journalctl_cursors(&path, args);
        let mut ours = vec!["grep", ""];
        ours.extend(args);
        let (code, got) = oncall_cursors(&path, &ours);
        assert_eq!(got, want, "{ours:?} vs journalctl {args:?}");
        assert_eq!(code, if want.is_empty() { 1 } else { 0 }, "{ours:?}");
    }
    assert!(journalctl_cursors(&path, &["--user-unit", "uuq"]).len() >= 18);
}

#[test]
fn list_boots_is_journalctls_over_several_files() {
    if tools().is_none() {
        return;
    }
    // Three boots in one file and their last one continued in a second file: a boot counted
    // once, its first and last entries over both.
    let dir = tempfile::tempdir().unwrap();
    let gen = generate(41, 120);
    let (older, newer) = gen.split_at(gen.len() * 2 / 3 + 7);
    let a = journal(dir.path(), "a.journal", older);
    journal(dir.path(), "b.journal", newer);
    let glob = format!("{}/*.journal", dir.path().display());
    for (ours_args, theirs_args) in [
        (vec!["--list-boots"], vec!["--list-boots"]),
        (
            vec!["--list-boots", "--json"],
            vec!["--list-boots", "-o", "json"],
        ),
    ] {
        let theirs = Command::new("journalctl")
            .args(["--no-pager"])
            .arg(format!("--file={glob}"))
            .args(&theirs_args)
            .env("TZ", "UTC")
            .output()
            .unwrap();
        assert!(theirs.status.success());
        let ours = oncall()
            .args(["logs", "tail", "--journal-file", &glob])
            .args(&ours_args)
            .env("TZ", "UTC")
            .output()
            .unwrap();
        assert_eq!(ours.status.code(), Some(0), "{ours_args:?}");
        if ours_args.contains(&"--json") {
            let o: Value = serde_json::from_slice(&ours.stdout).unwrap();
            let t: Value = serde_json::from_slice(&theirs.stdout).unwrap();
            assert_eq!(o, t);
            assert_eq!(o.as_array().unwrap().len(), 3, "{o}");
        } else {
            same_lines(&ours.stdout, &theirs.stdout, "--list-boots");
        }
    }
    // -b -1 then selects the boot the list calls -1.
    let (_, ours) = oncall_cursors(&a, &["grep", "", "-b", "-1"]);
    assert_eq!(ours, journalctl_cursors(&a, &["-b", "-1"]));
    // --list-boots with --follow is a usage error; an empty journal directory lists nothing.
    oncall()
        .args([
            "logs",
            "tail",
            "--list-boots",
            "-f",
            "--journal-file",
            &glob,
        ])
        .assert()
        .code(2);
    let empty = tempfile::tempdir().unwrap();
    let out = oncall()
        .args(["logs", "tail", "--list-boots", "--journal-dir"])
        .arg(empty.path())
        .output()
        .unwrap();
    assert_ne!(out.status.code(), Some(0), "{out:?}");
}
