//! `oncall logs grep` against grep, rg and zgrep on generated logs: plain, damaged (NUL bytes,
//! invalid UTF-8, a 10 MB line), gzip (multi-member too), zstd, and rotated sets.
//! Needs: grep, ripgrep, gzip, zstd.

#[path = "logs_support/mod.rs"]
mod logs_support;
mod support;

use logs_support::*;
use std::path::Path;
use support::oncall;

fn ours(args: &[&str]) -> (String, i32) {
    let out = oncall().args(args).output().unwrap();
    (
        String::from_utf8_lossy(&out.stdout).into_owned(),
        out.status.code().unwrap_or(-1),
    )
}

fn damaged(dir: &Path) -> std::path::PathBuf {
    let p = dir.join("app.log");
    let damage = Damage {
        nul_every: 97,
        bad_utf8_every: 89,
        huge_line_at: Some(1234),
    };
    write_log(&p, &mut Gen::new(7, T0, 250), 20_000, Some(&damage));
    p
}

const PATTERNS: [&[&str]; 7] = [
    &["ERROR"],
    &["status=5[0-9][0-9]"],
    &["-i", "error"],
    &["-w", "u1"],
    &["-F", "path=/v1/items/1."],
    &["-v", "INFO"],
    &["nul=\\x00"],
];

#[test]
fn counts_equal_grep_and_rg_on_damaged_logs() {
    let dir = tempfile::tempdir().unwrap();
    let p = damaged(dir.path());
    let path = p.to_str().unwrap();
    for pat in PATTERNS {
        let mut args = vec!["logs", "grep", "-c"];
        args.extend_from_slice(pat);
        args.push(path);
        let (mine, code) = ours(&args);
        // rg: -a so NUL bytes do not make the file binary; grep the same with -a.
        let mut rg = vec!["-c", "-a", "--no-config"];
        rg.extend_from_slice(pat);
        rg.push(path);
        let (theirs, _) = classic("rg", &rg);
        let theirs = if theirs.is_empty() {
            "0\n".into()
        } else {
            theirs
        };
        assert_eq!(mine, theirs, "rg {pat:?}");
        assert_eq!(code, if theirs == "0\n" { 1 } else { 0 });
        if !pat.contains(&"nul=\\x00") {
            let mut g = vec!["-a", "-c"];
            if pat[0] == "-F" || pat[0] == "-i" || pat[0] == "-w" || pat[0] == "-v" {
                g.push(pat[0]);
                g.push(pat[1]);
            } else {
                g.extend(["-E", pat[0]]);
            }
            g.push(path);
            assert_eq!(mine, classic("grep", &g).0, "grep {pat:?}");
        }
    }
    // The 10 MB line is found and printed whole.
    let (out, _) = ours(&["logs", "grep", "huge=x", path]);
    assert_eq!(out.lines().count(), 1);
    assert!(out.len() > 10 * 1024 * 1024);
}

#[test]
fn invalid_utf8_is_searched_as_bytes_and_piped_untouched() {
    // A pipe gets the file's own bytes, as from grep: no U+FFFD in place of invalid UTF-8.
    let dir = tempfile::tempdir().unwrap();
    let p = damaged(dir.path());
    let p = p.to_str().unwrap();
    // Into a pipe lines carry numbers only when -n asks, as with grep and rg.
    for numbered in [false, true] {
        let mut ours = vec!["logs", "grep", "bytes=", p];
        let mut theirs = vec!["-a", "bytes=", p];
        if numbered {
            ours.insert(2, "-n");
            theirs.insert(0, "-n");
        }
        let out = oncall().args(&ours).output().unwrap();
        assert_eq!(out.status.code(), Some(0));
        let want = std::process::Command::new("grep")
            .args(&theirs)
            .output()
            .unwrap()
            .stdout;
        assert!(
            want.windows(2).any(|w| w == b"\xff\xfe"),
            "the fixture holds invalid UTF-8"
        );
        assert!(out.stdout == want, "not byte-identical to grep {theirs:?}");
    }
}

#[test]
fn gzip_zstd_and_multi_member_gzip_count_like_zgrep() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let plain = damaged(d);
    let p = plain.to_str().unwrap();
    sh(&format!("gzip -c {p} > {p}.gz && zstd -q -c {p} > {p}.zst"));
    // Two members: the first half and the second half of the file.
    sh(&format!(
        "head -n 10000 {p} | gzip -c > {d}/multi.gz && tail -n +10001 {p} | gzip -c >> {d}/multi.gz",
        d = d.display()
    ));
    // Magic bytes, not names: a gzip file without .gz, a plain file named .gz.
    sh(&format!(
        "cp {p}.gz {d}/renamed.1 && cp {p} {d}/plain.gz",
        d = d.display()
    ));
    for pat in ["ERROR", "status=5[0-9][0-9]"] {
        let want = sh(&format!("grep -a -c -E '{pat}' {p}"));
        for f in [
            format!("{p}.gz"),
            format!("{p}.zst"),
            format!("{}/multi.gz", d.display()),
            format!("{}/renamed.1", d.display()),
            format!("{}/plain.gz", d.display()),
        ] {
            let (mine, _) = ours(&["logs", "grep", "-c", pat, &f]);
            assert_eq!(mine, want, "{pat} in {f}");
        }
        let z = sh(&format!("zgrep -a -c -E '{pat}' {p}.gz"));
        assert_eq!(z, want);
    }
}

#[test]
fn a_rotated_set_reads_oldest_first_as_one_stream() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let mut gen = Gen::new(3, T0, 1000);
    // Oldest in app.log.3.gz, newest in app.log.
    for (name, n) in [
        ("app.log.3", 500),
        ("app.log.2", 400),
        ("app.log.1", 300),
        ("app.log", 200),
    ] {
        write_log(&d.join(name), &mut gen, n, None);
    }
    sh(&format!(
        "gzip {0}/app.log.3 && zstd -q --rm {0}/app.log.2",
        d.display()
    ));
    std::fs::write(d.join("notes.txt"), "ERROR not a log\n").unwrap();
    let (out, code) = ours(&["logs", "grep", "ERROR", d.to_str().unwrap()]);
    assert_eq!(code, 0);
    let files: Vec<&str> = out.lines().map(|l| l.split(':').next().unwrap()).collect();
    let mut order: Vec<&str> = files.clone();
    order.dedup();
    let names: Vec<String> = order
        .iter()
        .map(|p| {
            Path::new(p)
                .file_name()
                .unwrap()
                .to_string_lossy()
                .into_owned()
        })
        .collect();
    assert_eq!(
        names,
        ["app.log.3.gz", "app.log.2.zst", "app.log.1", "app.log"]
    );
    // Timestamps increase across the whole stream.
    let times: Vec<String> = out
        .lines()
        .map(|l| l.splitn(3, ':').nth(2).unwrap()[..24].to_string())
        .collect();
    let mut sorted = times.clone();
    sorted.sort();
    assert_eq!(times, sorted);
    // Counts per file equal rg -z -c (rg omits files without a match, as we do).
    let (mine, _) = ours(&["logs", "grep", "-c", "ERROR", d.to_str().unwrap()]);
    let (rg, _) = classic(
        "rg",
        &[
            "-z",
            "-c",
            "--no-config",
            "ERROR",
            d.to_str().unwrap(),
            "-g",
            "!notes.txt",
        ],
    );
    let mut a: Vec<&str> = mine.lines().collect();
    let mut b: Vec<&str> = rg.lines().collect();
    a.sort();
    b.sort();
    assert_eq!(a, b);
}

#[test]
fn context_and_line_numbers_match_grep() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("a.log");
    write_log(&p, &mut Gen::new(11, T0, 1000), 3000, None);
    let p = p.to_str().unwrap();
    for flags in [
        &["-C", "2"][..],
        &["-A", "1"],
        &["-B", "3"],
        &["-m", "5"],
        &["-C", "1", "-m", "7"],
    ] {
        // Numbered (-n) and not, each against grep the same way.
        for numbered in [true, false] {
            let mut args = vec!["logs", "grep"];
            let mut g = vec!["-E"];
            if numbered {
                args.push("-n");
                g.push("-n");
            }
            args.extend_from_slice(flags);
            args.extend(["status=50[23]", p]);
            let (mine, _) = ours(&args);
            g.extend_from_slice(flags);
            g.extend(["status=50[23]", p]);
            assert_eq!(
                mine,
                classic("grep", &g).0,
                "{flags:?} numbered: {numbered}"
            );
        }
    }
}

#[test]
fn several_patterns_count_each() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("a.log");
    write_log(&p, &mut Gen::new(5, T0, 1000), 5000, None);
    let p = p.to_str().unwrap();
    let (out, code) = ours(&["logs", "grep", "-c", "-e", "ERROR", "-e", "status=404", p]);
    assert_eq!(code, 0);
    let want = format!(
        "ERROR:{}status=404:{}",
        classic("grep", &["-c", "ERROR", p]).0,
        classic("grep", &["-c", "status=404", p]).0
    );
    assert_eq!(out, want);
    // Without -c, either pattern selects the line.
    let (lines, _) = ours(&["logs", "grep", "-e", "ERROR", "-e", "status=404", p]);
    assert_eq!(
        lines.lines().count().to_string() + "\n",
        classic("grep", &["-c", "-e", "ERROR", "-e", "status=404", p]).0
    );
}

#[test]
fn files_with_matches_and_json_lines() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    write_log(&d.join("a.log"), &mut Gen::new(1, T0, 1000), 100, None);
    std::fs::write(d.join("b.log"), "nothing here\n").unwrap();
    let (out, _) = ours(&["logs", "grep", "-l", "ERROR", d.to_str().unwrap()]);
    assert_eq!(out.trim(), d.join("a.log").to_str().unwrap());
    let a = d.join("a.log");
    let (json, code) = ours(&["logs", "grep", "--json", "ERROR", a.to_str().unwrap()]);
    assert_eq!(code, 0);
    let want = classic("grep", &["-n", "ERROR", a.to_str().unwrap()]).0;
    let mut n = 0;
    for (line, g) in json.lines().zip(want.lines()) {
        let v: serde_json::Value = serde_json::from_str(line).unwrap();
        let (num, text) = g.split_once(':').unwrap();
        assert_eq!(v["path"], a.to_str().unwrap());
        assert_eq!(v["line_number"].as_u64().unwrap().to_string(), num);
        assert_eq!(v["text"], text);
        assert_eq!(&v["timestamp"].as_str().unwrap()[..19], &text[..19]);
        n += 1;
    }
    assert_eq!(n, want.lines().count());
}

#[test]
fn exit_codes_and_one_line_errors() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("a.log");
    std::fs::write(&p, "hello\n").unwrap();
    let p = p.to_str().unwrap();
    oncall()
        .args(["logs", "grep", "nomatch", p])
        .assert()
        .code(1)
        .stdout("");
    for args in [
        vec!["logs", "grep", "a(b", p],
        vec!["logs", "grep", "x", "/nonexistent/file.log"],
        vec!["logs", "grep", "x", "--since", "soon", p],
        vec!["logs", "grep", "x", "--field", "novalue", p],
    ] {
        let out = oncall().args(&args).assert().code(2).stdout("");
        let err = String::from_utf8_lossy(&out.get_output().stderr).to_string();
        assert_eq!(err.lines().count(), 1, "{args:?}: {err}");
        assert!(err.starts_with("oncall: "), "{err}");
    }
}

#[test]
fn a_closed_pipe_ends_quietly() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("a.log");
    write_log(&p, &mut Gen::new(2, T0, 10), 200_000, None);
    let bin = assert_cmd::cargo::cargo_bin("oncall");
    let mut child = std::process::Command::new(bin)
        .args(["logs", "grep", "INFO", p.to_str().unwrap()])
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let mut stdout = child.stdout.take().unwrap();
    let mut first = [0u8; 64];
    std::io::Read::read(&mut stdout, &mut first).unwrap();
    drop(stdout);
    let out = child.wait_with_output().unwrap();
    assert_eq!(out.status.code(), Some(0));
    assert_eq!(String::from_utf8_lossy(&out.stderr), "");
}

#[test]
fn a_log_truncated_during_a_whole_file_search_ends_cleanly() {
    // logrotate's copytruncate empties a log at any hour, even one not written for a while.
    // A memory-mapped search then touches pages past the new end, which kills ripgrep with
    // SIGBUS; oncall must end normally, with its count of what it read and, when it saw the
    // cut, one warning line.
    use std::os::unix::process::ExitStatusExt;
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("app.log");
    let master = dir.path().join("master.log");
    write_log(
        &master,
        &mut Gen::new(7, 1_790_000_000_000, 12),
        300_000,
        None,
    );
    let full: u64 = ours(&["logs", "grep", "-c", "ERROR", master.to_str().unwrap()])
        .0
        .trim()
        .parse()
        .unwrap();
    let mut cut_seen = 0;
    for round in 0..12u64 {
        std::fs::copy(&master, &p).unwrap();
        // Not written for an hour: a file no search would expect to change.
        std::fs::File::options()
            .write(true)
            .open(&p)
            .unwrap()
            .set_modified(std::time::SystemTime::now() - std::time::Duration::from_secs(3600))
            .unwrap();
        let child = std::process::Command::new(assert_cmd::cargo::cargo_bin("oncall"))
            .args(["logs", "grep", "-c", "ERROR"])
            .arg(&p)
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .unwrap();
        // Truncate at a different moment each round: before, during and after the search.
        std::thread::sleep(std::time::Duration::from_millis(3 * round));
        std::fs::OpenOptions::new()
            .write(true)
            .open(&p)
            .unwrap()
            .set_len(0)
            .unwrap();
        let out = child.wait_with_output().unwrap();
        assert_eq!(
            out.status.signal(),
            None,
            "round {round}: killed by a signal"
        );
        assert!(
            matches!(out.status.code(), Some(0 | 1)),
            "round {round}: {out:?}"
        );
        let count: u64 = String::from_utf8_lossy(&out.stdout).trim().parse().unwrap();
        assert!(count <= full, "round {round}: {count} > {full}");
        let err = String::from_utf8_lossy(&out.stderr);
        if !err.is_empty() {
            assert_eq!(err.lines().count(), 1, "round {round}: {err}");
            assert!(err.contains("truncated while being searched"), "{err}");
            cut_seen += 1;
        }
    }
    eprintln!("{cut_seen} of 12 rounds saw the truncation mid-search");
}

#[test]
fn on_a_terminal_control_characters_in_log_lines_are_shown_not_obeyed() {
    // A log line can carry an escape sequence (a user agent, a username): printed raw to a
    // terminal it would retitle the window, or write the clipboard (OSC 52). On a terminal
    // (script(1) gives one) they are shown in caret notation as `cat -v` does; a pipe gets
    // the raw bytes, as from grep.
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("access.log");
    std::fs::write(
        &p,
        b"GET / agent=\x1b]0;pwned\x07 \x1b]52;c;ZWNobyBoaQ==\x07 tab\there\nGET /ok\n",
    )
    .unwrap();
    let bin = assert_cmd::cargo::cargo_bin("oncall");
    let inner = format!("{} logs grep agent {}", bin.display(), p.display());
    let out = std::process::Command::new("script")
        .args(["-qec", &inner, "/dev/null"])
        .env("NO_COLOR", "1")
        .output()
        .expect("script (bsdutils) is installed");
    let text = String::from_utf8_lossy(&out.stdout).to_string();
    assert!(out.status.success(), "{out:?}");
    assert!(!text.contains('\x1b') && !text.contains('\x07'), "{text:?}");
    assert!(
        text.contains("agent=^[]0;pwned^G ^[]52;c;ZWNobyBoaQ==^G tab\there"),
        "{text:?}"
    );
    // Through a pipe the line is the file's own bytes.
    let out = oncall()
        .args(["logs", "grep", "agent", p.to_str().unwrap()])
        .output()
        .unwrap();
    let raw = b"GET / agent=\x1b]0;pwned\x07";
    assert!(
        out.stdout.windows(raw.len()).any(|w| w == raw),
        "{:?}",
        String::from_utf8_lossy(&out.stdout)
    );
}
