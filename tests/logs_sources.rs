//! Which sources `oncall logs` reads and how it behaves around them, as grep does: an
//! unreadable file is reported and the rest searched (exit 2 at the end), .xz and .bz2 are
//! decompressed like .gz and .zst, devices and pipes are refused instead of read without end,
//! an endless line is cut in bounded memory, pipes get the bytes untouched (content and file
//! names), and a filter without a pattern takes its operands as paths.
//! Needs: grep, ripgrep, xz-utils, bzip2, zstd, gzip, util-linux (setpriv).

#[path = "logs_support/mod.rs"]
mod logs_support;
mod support;

use logs_support::*;
use std::os::unix::ffi::OsStrExt;
use std::os::unix::fs::PermissionsExt;
use std::path::Path;
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};
use support::oncall;

fn run(args: &[&str]) -> Output {
    oncall().args(args).output().unwrap()
}

fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

/// `prog ARGS` as uid/gid 65534 (nobody): root reads every file, so unreadable needs another
/// user. `None` when not root.
fn as_nobody(prog: &Path, args: &[&str]) -> Option<Output> {
    // SAFETY: geteuid has no preconditions.
    if unsafe { libc::geteuid() } != 0 {
        eprintln!("skipping: needs root to run as another user (setpriv)");
        return None;
    }
    Some(
        Command::new("setpriv")
            .args(["--reuid=65534", "--regid=65534", "--clear-groups"])
            .arg(prog)
            .args(args)
            .env_remove("NO_COLOR")
            .env_remove("CLICOLOR_FORCE")
            .env("XDG_CONFIG_HOME", "/nonexistent/oncall-tests")
            .output()
            .expect("setpriv (util-linux) is installed"),
    )
}

/// A temporary directory other users may enter (tempfile makes 0700 ones).
fn open_tempdir() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    std::fs::set_permissions(dir.path(), std::fs::Permissions::from_mode(0o755)).unwrap();
    dir
}

#[test]
fn an_unreadable_file_is_reported_and_the_others_are_still_searched() {
    let dir = open_tempdir();
    let d = dir.path();
    let locked = d.join("locked.log");
    let open = d.join("open.log");
    std::fs::write(&locked, "ERROR secret\n").unwrap();
    std::fs::set_permissions(&locked, std::fs::Permissions::from_mode(0o600)).unwrap();
    std::fs::write(&open, "ERROR one\nINFO fine\nERROR two\n").unwrap();
    let (l, o) = (locked.to_str().unwrap(), open.to_str().unwrap());
    let bin = assert_cmd::cargo::cargo_bin("oncall");
    let Some(ours) = as_nobody(&bin, &["logs", "grep", "-c", "ERROR", l, o]) else {
        return;
    };
    let grep = as_nobody(Path::new("/usr/bin/grep"), &["-c", "ERROR", l, o]).unwrap();
    // grep prints the readable file's count, one error line, and exits 2: so do we.
    assert_eq!(String::from_utf8_lossy(&grep.stdout), format!("{o}:2\n"));
    assert_eq!(grep.status.code(), Some(2));
    assert_eq!(
        String::from_utf8_lossy(&ours.stdout),
        String::from_utf8_lossy(&grep.stdout)
    );
    assert_eq!(ours.status.code(), Some(2), "{}", stderr(&ours));
    let err = stderr(&ours);
    assert_eq!(err.lines().count(), 1, "{err}");
    assert!(
        err.starts_with(&format!("oncall: {l}: permission denied")),
        "{err}"
    );
    // Lines too, in the order named; and the unreadable one named last changes nothing.
    let lines = as_nobody(&bin, &["logs", "grep", "-n", "ERROR", o, l]).unwrap();
    assert_eq!(
        String::from_utf8_lossy(&lines.stdout),
        format!("{o}:1:ERROR one\n{o}:3:ERROR two\n")
    );
    assert_eq!(lines.status.code(), Some(2));
    // logs top: the table of what could be read, then exit 2.
    let top = as_nobody(&bin, &["logs", "top", l, o]).unwrap();
    assert!(
        String::from_utf8_lossy(&top.stdout).contains("ERROR"),
        "{top:?}"
    );
    assert_eq!(top.status.code(), Some(2));
    assert!(stderr(&top).contains("permission denied"), "{top:?}");
}

#[test]
fn xz_and_bzip2_rotations_are_decompressed_like_gzip_and_zstd() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let mut gen = Gen::new(21, T0, 1000);
    for (name, n) in [
        ("app.log.4", 700),
        ("app.log.3", 600),
        ("app.log.2", 500),
        ("app.log.1", 400),
        ("app.log", 300),
    ] {
        write_log(&d.join(name), &mut gen, n, None);
    }
    let ds = d.display();
    // Two xz streams in one file (cat a.xz b.xz), as the xz tools read them.
    sh(&format!(
        "cd {ds} && head -n 300 app.log.4 | xz -c > app.log.4.xz && tail -n +301 app.log.4 | xz -c >> app.log.4.xz \
         && rm app.log.4 && xz app.log.3 && bzip2 app.log.2 && cp app.log.3.xz renamed.log.9"
    ));
    for (file, decompress) in [
        ("app.log.4.xz", "xz -dc"),
        ("app.log.3.xz", "xz -dc"),
        ("app.log.2.bz2", "bzip2 -dc"),
        // Magic bytes, not names.
        ("renamed.log.9", "xz -dc"),
    ] {
        let f = d.join(file);
        let f = f.to_str().unwrap();
        for pat in ["ERROR", "status=5[0-9][0-9]"] {
            let want = sh(&format!("{decompress} {f} | grep -c -E '{pat}'"));
            assert_ne!(want, "0\n", "the fixture has matches");
            let out = run(&["logs", "grep", "-c", pat, f]);
            assert_eq!(
                String::from_utf8_lossy(&out.stdout),
                want,
                "{pat} in {file}"
            );
        }
        // Lines and their numbers are the decompressed file's own.
        let want = sh(&format!("{decompress} {f} | grep -n 'status=503'"));
        let out = run(&["logs", "grep", "-n", "status=503", f]);
        assert_eq!(String::from_utf8_lossy(&out.stdout), want, "{file}");
    }
    // A directory: the set oldest first, .xz and .bz2 members included.
    std::fs::remove_file(d.join("renamed.log.9")).unwrap();
    let out = run(&["logs", "grep", "-c", "ERROR", d.to_str().unwrap()]);
    let names: Vec<String> = String::from_utf8_lossy(&out.stdout)
        .lines()
        .map(|l| {
            let path = l.rsplit_once(':').unwrap().0;
            Path::new(path)
                .file_name()
                .unwrap()
                .to_string_lossy()
                .into_owned()
        })
        .collect();
    assert_eq!(
        names,
        [
            "app.log.4.xz",
            "app.log.3.xz",
            "app.log.2.bz2",
            "app.log.1",
            "app.log"
        ]
    );
}

/// Runs oncall with a deadline: a command that reads without end is killed and reported.
fn run_bounded(args: &[&str], deadline: Duration) -> Output {
    let mut child = Command::new(assert_cmd::cargo::cargo_bin("oncall"))
        .args(args)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let start = Instant::now();
    while child.try_wait().unwrap().is_none() {
        if start.elapsed() > deadline {
            child.kill().unwrap();
            let out = child.wait_with_output().unwrap();
            panic!("oncall {args:?} still running after {deadline:?}: {out:?}");
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    child.wait_with_output().unwrap()
}

#[test]
fn devices_and_pipes_are_refused_not_read_without_end() {
    let dir = tempfile::tempdir().unwrap();
    let log = dir.path().join("app.log");
    std::fs::write(&log, "ERROR here\n").unwrap();
    let fifo = dir.path().join("stream.log");
    let made = Command::new("mkfifo").arg(&fifo).status().unwrap();
    assert!(made.success());
    let (log, fifo) = (log.to_str().unwrap(), fifo.to_str().unwrap());
    for (args, what) in [
        (
            vec!["logs", "grep", "x", "/dev/zero"],
            "/dev/zero: a character device",
        ),
        (
            vec!["logs", "grep", "-c", "x", "/dev/zero"],
            "/dev/zero: a character device",
        ),
        (vec!["logs", "grep", "-l", "x", fifo], "stream.log: a pipe"),
        (
            vec!["logs", "top", "/dev/zero"],
            "/dev/zero: a character device",
        ),
    ] {
        // Once these read /dev/zero into one endless line: gigabytes within seconds.
        let out = run_bounded(&args, Duration::from_secs(30));
        assert_eq!(out.status.code(), Some(2), "{args:?}: {out:?}");
        let err = stderr(&out);
        assert!(err.contains(what), "{args:?}: {err}");
        assert!(err.starts_with("oncall: "), "{err}");
    }
    // The other paths are still searched.
    let out = run_bounded(
        &["logs", "grep", "-n", "ERROR", "/dev/zero", log],
        Duration::from_secs(30),
    );
    assert_eq!(
        String::from_utf8_lossy(&out.stdout),
        format!("{log}:1:ERROR here\n")
    );
    assert_eq!(out.status.code(), Some(2));
}

#[test]
fn a_line_longer_than_the_cap_is_cut_and_said() {
    // 20 MiB of one line, then a match past the cap's 16 MiB, then a short matching line.
    let dir = tempfile::tempdir().unwrap();
    let plain = dir.path().join("long.log");
    let mut body = b"START ".to_vec();
    body.extend(std::iter::repeat_n(b'x', 20 << 20));
    body.extend_from_slice(b" ERROR past the cap\nERROR short\n");
    std::fs::write(&plain, &body).unwrap();
    let p = plain.to_str().unwrap();
    sh(&format!("zstd -q -c {p} > {p}.zst"));
    let z = format!("{p}.zst");
    // Streamed (compressed): the cut part is not searched; line numbers stay the file's own.
    let out = run(&["logs", "grep", "-n", "ERROR", &z]);
    assert_eq!(String::from_utf8_lossy(&out.stdout), "2:ERROR short\n");
    assert_eq!(out.status.code(), Some(0));
    let err = stderr(&out);
    assert!(err.contains("1 line(s) longer than 16 MiB cut"), "{err}");
    // Printed, a long line stops at the cap: plain (mapped) and streamed alike.
    for f in [p, z.as_str()] {
        let out = run(&["logs", "grep", "-n", "START", f]);
        assert_eq!(out.stdout.len(), "1:".len() + (16 << 20) + 1, "{f}");
        assert!(stderr(&out).contains("cut"), "{f}");
    }
}

#[test]
fn an_endless_line_in_a_compressed_log_stays_in_bounded_memory() {
    // 1 GiB of NUL bytes and no newline, compressed to about 30 KiB: the searcher once grew
    // its buffer to the whole line. In a cgroup of 128 MiB without swap it must end, with the
    // cut said, instead of being killed by the OOM killer.
    let dir = tempfile::tempdir().unwrap();
    let z = dir.path().join("zeros.log.zst");
    sh(&format!(
        "head -c 1073741824 /dev/zero | zstd -q -1 -c > {}",
        z.display()
    ));
    let Some(cg) = support::cgroup::TestCgroup::new(Some(128 << 20), None) else {
        return;
    };
    let bin = assert_cmd::cargo::cargo_bin("oncall");
    for args in [
        ["logs", "grep", "-c", "x", z.to_str().unwrap()],
        ["logs", "top", "--top", "3", z.to_str().unwrap()],
    ] {
        let out = cg
            .command(&bin, &args)
            .env("XDG_CONFIG_HOME", "/nonexistent/oncall-tests")
            .output()
            .unwrap();
        use std::os::unix::process::ExitStatusExt;
        assert_eq!(out.status.signal(), None, "{args:?} killed: {out:?}");
        assert!(
            matches!(out.status.code(), Some(0 | 1)),
            "{args:?}: {out:?}"
        );
        assert!(stderr(&out).contains("longer than 16 MiB cut"), "{out:?}");
    }
}

#[test]
fn pipes_get_the_bytes_of_lines_and_file_names_untouched() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let name = std::ffi::OsStr::from_bytes(b"caf\xe9-latin1.log");
    std::fs::write(d.join(name), b"ERROR \xff\xfe raw \xe9t\xe9\nINFO ok\n").unwrap();
    std::fs::write(d.join("plain.log"), b"ERROR plain \xc3(\n").unwrap();
    let ds = d.to_str().unwrap();
    // -l and -c over a directory: the names' own bytes, as rg prints them.
    for (ours, rg) in [
        (
            vec!["logs", "grep", "-l", "ERROR", ds],
            vec!["-l", "ERROR", ds],
        ),
        (
            vec!["logs", "grep", "-c", "ERROR", ds],
            vec!["-c", "ERROR", ds],
        ),
        (
            vec!["logs", "grep", "ERROR", ds],
            vec!["--no-heading", "ERROR", ds],
        ),
        (
            vec!["logs", "grep", "-n", "ERROR", ds],
            vec!["-n", "--no-heading", "ERROR", ds],
        ),
        // Colour asked for through a pipe: the bytes between the colours are still the file's.
        (
            vec!["--color", "always", "logs", "grep", "-l", "ERROR", ds],
            vec!["-l", "ERROR", ds],
        ),
    ] {
        let mine = run(&ours);
        assert_eq!(mine.status.code(), Some(0), "{ours:?}");
        let theirs = Command::new("rg")
            .arg("--no-config")
            .args(&rg)
            .output()
            .expect("ripgrep is installed");
        let sorted = |b: &[u8]| {
            let mut l: Vec<Vec<u8>> = b.split(|c| *c == b'\n').map(<[u8]>::to_vec).collect();
            l.sort();
            l
        };
        let mine = strip_sgr(&mine.stdout);
        assert!(
            sorted(&mine) == sorted(&theirs.stdout),
            "{ours:?}:\n{:?}\nvs rg:\n{:?}",
            String::from_utf8_lossy(&mine),
            String::from_utf8_lossy(&theirs.stdout)
        );
        assert!(mine.windows(4).any(|w| w == b"caf\xe9"), "{ours:?}");
    }
}

/// Drops `ESC [ … m` colour sequences.
fn strip_sgr(b: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    let mut i = 0;
    while i < b.len() {
        if b[i] == 0x1b && b.get(i + 1) == Some(&b'[') {
            while i < b.len() && b[i] != b'm' {
                i += 1;
            }
        } else {
            out.push(b[i]);
        }
        i += 1;
    }
    out
}

#[test]
fn a_pattern_that_is_not_utf8_gets_a_clear_error() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("a.log");
    std::fs::write(&p, b"x \xff y\n").unwrap();
    let raw = std::ffi::OsStr::from_bytes(b"\xff");
    let out = oncall()
        .args(["logs", "grep"])
        .arg(raw)
        .arg(&p)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = stderr(&out);
    assert_eq!(err.lines().count(), 1, "{err}");
    assert!(
        err.contains("not valid UTF-8") && err.contains("(?-u:\\xff)"),
        "{err}"
    );
    // The escape it suggests finds the byte.
    let out = run(&["logs", "grep", "-c", "(?-u:\\xff)", p.to_str().unwrap()]);
    assert_eq!(String::from_utf8_lossy(&out.stdout), "1\n");
}

#[test]
fn a_filter_without_a_pattern_reads_its_operands_as_paths() {
    // README: `oncall logs grep --level error --since 30m /var/log/app.log` once took the path
    // as the pattern and searched /var/log for it: exit 1, no output.
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_millis() as i64;
    let app = d.join("app.log");
    std::fs::write(
        &app,
        format!(
            "{} ERROR old failure\n{} ERROR recent failure\n{} INFO recent fine\n",
            iso(now - 3_600_000),
            iso(now - 60_000),
            iso(now - 30_000)
        ),
    )
    .unwrap();
    let json = d.join("json.log");
    std::fs::write(
        &json,
        "{\"status\":500,\"msg\":\"boom\"}\n{\"status\":200,\"msg\":\"ok\"}\n{\"status\":500,\"msg\":\"again\"}\n",
    )
    .unwrap();
    let (a, j) = (app.to_str().unwrap(), json.to_str().unwrap());
    let out = run(&["logs", "grep", "--level", "error", "--since", "30m", a]);
    assert_eq!(out.status.code(), Some(0), "{out:?}");
    let text = String::from_utf8_lossy(&out.stdout);
    assert_eq!(text.lines().count(), 1, "{text}");
    assert!(text.contains("ERROR recent failure"), "{text}");
    let out = run(&["logs", "grep", "-n", "--field", "status=500", j]);
    assert_eq!(out.status.code(), Some(0), "{out:?}");
    assert_eq!(
        String::from_utf8_lossy(&out.stdout),
        "1:{\"status\":500,\"msg\":\"boom\"}\n3:{\"status\":500,\"msg\":\"again\"}\n"
    );
    // Several paths, and -c.
    let out = run(&["logs", "grep", "-c", "--level", "error", a, j]);
    assert_eq!(String::from_utf8_lossy(&out.stdout), format!("{a}:2\n"));
    // A first operand that is no path stays the pattern.
    let out = run(&["logs", "grep", "--level", "error", "old", a]);
    assert_eq!(out.status.code(), Some(0));
    assert!(String::from_utf8_lossy(&out.stdout).contains("ERROR old failure"));
    // Without a filter the pattern is required, and the error says which argument is missing.
    let out = run(&["logs", "grep"]);
    assert_eq!(out.status.code(), Some(2));
    let err = stderr(&out);
    assert_eq!(err.lines().count(), 1, "{err}");
    assert!(err.contains("<PATTERN>"), "{err}");
}

#[test]
fn the_output_of_files_searched_in_parallel_is_held_in_bounded_memory() {
    // Several files are searched in parallel and printed in order, so each one's output is
    // held until its turn; it was held whole: four files of 600,000 matching lines each
    // (~30 MiB of output apiece) held together outgrew a 64 MiB cgroup.
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let ds = d.display();
    sh(&format!(
        "cd {ds} && for i in 1 2 3 4; do yes ERROR | head -n 600000 | zstd -q -c > f$i.log.zst; done"
    ));
    let Some(cg) = support::cgroup::TestCgroup::new(Some(64 << 20), None) else {
        return;
    };
    let files: Vec<String> = (1..=4).map(|i| format!("{ds}/f{i}.log.zst")).collect();
    let mut args = vec!["logs", "grep", "ERROR"];
    args.extend(files.iter().map(String::as_str));
    let mut child = cg
        .command(&assert_cmd::cargo::cargo_bin("oncall"), &args)
        .env("XDG_CONFIG_HOME", "/nonexistent/oncall-tests")
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    // Lines per file, in the order they came: each file whole, in the order named.
    let mut runs: Vec<(String, u64)> = Vec::new();
    let stdout = std::io::BufReader::new(child.stdout.take().unwrap());
    for line in std::io::BufRead::split(stdout, b'\n') {
        let line = line.unwrap();
        let path = String::from_utf8_lossy(line.split(|b| *b == b':').next().unwrap()).into_owned();
        match runs.last_mut() {
            Some((p, n)) if *p == path => *n += 1,
            _ => runs.push((path, 1)),
        }
    }
    let out = child.wait_with_output().unwrap();
    use std::os::unix::process::ExitStatusExt;
    assert_eq!(out.status.signal(), None, "killed: {}", stderr(&out));
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let want: Vec<(String, u64)> = files.iter().map(|f| (f.clone(), 600_000)).collect();
    assert_eq!(runs, want);
}

#[test]
fn with_a_filter_dot_stays_a_pattern_and_a_slashed_directory_is_a_path() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    std::fs::write(d.join("a.log"), "x ERROR one\nx INFO two\n").unwrap();
    // `.` is an existing directory, but here the regex for any line.
    let out = oncall()
        .current_dir(d)
        .args(["logs", "grep", "-c", "--level", "error", ".", "a.log"])
        .output()
        .unwrap();
    assert_eq!(String::from_utf8_lossy(&out.stdout), "1\n");
    // A directory written with a slash is a path.
    let slashed = format!("{}/", d.display());
    let out = run(&["logs", "grep", "-c", "--level", "error", &slashed]);
    assert_eq!(out.status.code(), Some(0), "{out:?}");
    assert!(
        String::from_utf8_lossy(&out.stdout).ends_with("a.log:1\n"),
        "{out:?}"
    );
}
