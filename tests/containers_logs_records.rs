//! Container log records as the runtimes write them: a line kubelet split into 16 KiB `P`
//! records is one record for grep, tail and top; grep, `-v`, `-c`, `--level` and `top` see the
//! message, never the CRI prefix or json-file's JSON; `/var/log/containers` links select files
//! without reading one twice; hostile records stay bounded and guarded. Files are written in
//! the documented formats (CRI: `TIME STREAM P|F MESSAGE`; json-file:
//! `{"log","stream","time"}`) under a temporary `ONCALL_CONTAINER_ROOT`.

mod support;

use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use support::runtime_cgroups::{unique_id, unique_marker, unique_uid};

const T: &str = "2026-12-01T10:00:00.123456789Z";

fn write(path: &Path, bytes: &[u8]) {
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(path, bytes).unwrap();
}

fn oncall(root: &Path, args: &[&str]) -> Output {
    support::oncall()
        .env("ONCALL_CONTAINER_ROOT", root)
        .args(args)
        .output()
        .unwrap()
}

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

/// `root/var/log/pods/<ns>_<pod>_<uid>/<container>/0.log` holding `text`.
fn cri_file(root: &Path, pod: &str, container: &str, text: &[u8]) -> PathBuf {
    let f = root
        .join("var/log/pods")
        .join(format!("shop_{pod}_{}", unique_uid()))
        .join(container)
        .join("0.log");
    write(&f, text);
    f
}

fn docker_line(log: &str, stream: &str) -> String {
    format!(
        "{{\"log\":{},\"stream\":\"{stream}\",\"time\":\"{T}\"}}\n",
        serde_json::to_string(log).unwrap()
    )
}

/// A Docker container `name` whose json-file log holds `text`; returns the log's path.
fn docker_file(root: &Path, name: &str, text: &str) -> PathBuf {
    let id = unique_id();
    let dir = root.join("var/lib/docker/containers").join(&id);
    write(
        &dir.join("config.v2.json"),
        format!(r#"{{"ID":"{id}","Name":"/{name}"}}"#).as_bytes(),
    );
    let f = dir.join(format!("{id}-json.log"));
    write(&f, text.as_bytes());
    f
}

fn count(root: &Path, args: &[&str]) -> u64 {
    let mut all = vec!["logs", "grep", "-c"];
    all.extend_from_slice(args);
    let out = oncall(root, &all);
    assert!(out.status.code().is_some_and(|c| c <= 1), "{out:?}");
    stdout(&out)
        .lines()
        .map(|l| l.rsplit(':').next().unwrap().parse::<u64>().unwrap())
        .sum()
}

#[test]
fn a_line_split_at_16k_is_one_record_found_across_the_split() {
    let root = tempfile::tempdir().unwrap();
    let marker = unique_marker();
    // kubelet cuts at 16 KiB: the pattern runs across the cut.
    let head = format!("ERROR {marker} {}", "a".repeat(16 * 1024 - 40));
    let mut text = format!("{T} stdout F before\n{T} stderr P {head}\n");
    let second = format!("{}SPAN", "b".repeat(16 * 1024 - 4));
    text += &format!("{T} stderr P {second}\n{T} stderr F NING tail\n");
    text += &format!("{T} stdout F after\n");
    let f = cri_file(
        root.path(),
        &format!("big-{marker}"),
        "app",
        text.as_bytes(),
    );
    let p = f.to_str().unwrap();

    let out = oncall(root.path(), &["logs", "grep", "-n", "SPANNING", p]);
    let t = stdout(&out);
    assert_eq!(
        t.lines().count(),
        1,
        "printed once: {}",
        &t[..t.len().min(300)]
    );
    let want = format!("2:{T} {head}{second}NING tail\n");
    assert_eq!(t, want, "its first line's number, the joined message");
    assert_eq!(
        count(root.path(), &["ab{2}", p]),
        1,
        "across the first split too"
    );
    // The lines the record took are not lines of their own.
    assert_eq!(count(root.path(), &["-v", "SPANNING", p]), 2);
    assert_eq!(count(root.path(), &["tail$", p]), 1);

    let out = oncall(root.path(), &["logs", "tail", "-n", "2", p]);
    let t = stdout(&out);
    assert_eq!(t.lines().count(), 2, "{out:?}");
    assert!(t.starts_with(&format!("{T} {head}")) && t.ends_with(&format!("{T} after\n")));

    let out = oncall(root.path(), &["logs", "top", "--json", p]);
    let doc: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let ex = doc["signatures"][0]["example"].as_str().unwrap_or_default();
    assert!(ex.starts_with(&format!("ERROR {marker}")), "{doc:#}");
    assert_eq!(doc["error_and_warning_lines"], 1, "{doc:#}");

    // Docker splits long lines too: a `log` without its "\n" continues in the next record.
    let big = "c".repeat(16 * 1024);
    let json = docker_line(&format!("WARN {marker} {big}SPAN"), "stdout")
        + &docker_line("NING end\n", "stdout")
        + &docker_line("next\n", "stdout");
    let f = docker_file(root.path(), &format!("d-{marker}"), &json);
    let out = oncall(
        root.path(),
        &["logs", "grep", "-n", "SPANNING", f.to_str().unwrap()],
    );
    assert_eq!(
        stdout(&out),
        format!("1:{T} WARN {marker} {big}SPANNING end\n")
    );
}

#[test]
fn the_prefix_and_the_json_keys_are_not_the_message() {
    let root = tempfile::tempdir().unwrap();
    let marker = unique_marker();
    let cri = format!(
        "{T} stdout F hello {marker}\n{T} stderr F INFO all good {marker}\n{T} stdout F ERROR real {marker}\n"
    );
    let cri = cri_file(root.path(), &format!("p-{marker}"), "web", cri.as_bytes());
    let name = format!("q-{marker}");
    let json = docker_line(&format!("hello {marker}\n"), "stdout")
        + &docker_line(&format!("INFO all good {marker}\n"), "stderr")
        + &docker_line(&format!("ERROR real {marker}\n"), "stdout");
    let json = docker_file(root.path(), &name, &json);
    for f in [&cri, &json] {
        let p = f.to_str().unwrap();
        for pattern in ["stdout", "stderr", "\"log\"", "stream", "2026-12-01", "F "] {
            assert_eq!(count(root.path(), &[pattern, p]), 0, "{pattern} in {p}");
        }
        assert_eq!(count(root.path(), &["^ERROR", p]), 1, "{p}");
        assert_eq!(count(root.path(), &["-v", "ERROR", p]), 2, "{p}");
        assert_eq!(count(root.path(), &["-e", "hello", "-e", "good", p]), 2);
        // stderr is a stream, not a level: only the ERROR message is an error.
        let out = oncall(root.path(), &["logs", "grep", "-n", "--level", "error", p]);
        assert_eq!(stdout(&out), format!("3:{T} ERROR real {marker}\n"), "{p}");
        let out = oncall(root.path(), &["logs", "top", "--json", p]);
        let doc: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
        assert_eq!(doc["error_and_warning_lines"], 1, "{doc:#}");
    }
    // --json: the message, its stream, the record's own time, the pod or container.
    let out = oncall(
        root.path(),
        &["logs", "grep", "--json", "good", json.to_str().unwrap()],
    );
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["text"], format!("INFO all good {marker}"), "{v}");
    assert_eq!(v["stream"], "stderr");
    assert_eq!(v["timestamp"], "2026-12-01T10:00:00.123Z");
    assert_eq!(v["container"], name.as_str());
    let out = oncall(
        root.path(),
        &[
            "logs",
            "grep",
            "--json",
            "--pod",
            &format!("p-{marker}"),
            "good",
        ],
    );
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["pod"], format!("shop/p-{marker}"), "{v}");
    assert_eq!(v["container"], "web");
    assert_eq!(v["stream"], "stderr");
    // --until reads the records' own time (2026-12-01T10:00:00Z) in both formats.
    for f in [&cri, &json] {
        let p = f.to_str().unwrap();
        assert_eq!(
            count(root.path(), &["--until", "2026-12-01T09:59:00Z", "", p]),
            0
        );
        assert_eq!(
            count(root.path(), &["--until", "2026-12-01T10:01:00Z", "", p]),
            3
        );
    }
}

#[test]
fn message_matches_agree_with_rg_over_the_messages() {
    let root = tempfile::tempdir().unwrap();
    let marker = unique_marker();
    let dir = root
        .path()
        .join("var/log/pods")
        .join(format!("shop_diff-{marker}_{}", unique_uid()))
        .join("app");
    let words = [
        "stdout", "stderr", "F", "P", "ERROR", "timeout", "id=17", "ok",
    ];
    let mut lines = [String::new(), String::new()];
    let mut seed = 7u64;
    for (i, text) in lines.iter_mut().enumerate() {
        for n in 0..400 {
            let mut msg = String::new();
            for _ in 0..6 {
                seed = seed
                    .wrapping_mul(6364136223846793005)
                    .wrapping_add(1442695040888963407);
                msg.push_str(words[(seed >> 33) as usize % words.len()]);
                msg.push(' ');
            }
            let stream = if n % 3 == 0 { "stderr" } else { "stdout" };
            let tag = if n % 7 == 0 { "P" } else { "F" };
            *text += &format!(
                "2026-12-01T10:{i:02}:{:02}.5Z {stream} {tag} {msg}{n}\n",
                n % 60
            );
        }
    }
    let old = dir.join("0.log.20261201-100000");
    write(&old, lines[0].as_bytes());
    assert!(Command::new("gzip").arg(&old).status().unwrap().success());
    write(&dir.join("0.log"), lines[1].as_bytes());
    if Command::new("rg").arg("--version").output().is_err() {
        assert!(std::env::var_os("CI").is_none(), "rg is installed under CI");
        return;
    }
    for pattern in [
        "stdout",
        "^ERROR",
        "F P",
        "timeout ok",
        "id=1[0-9] ",
        "7$",
        "^$",
    ] {
        for invert in [false, true] {
            let mut ours = vec![pattern];
            let mut rg = vec!["-c", pattern];
            if invert {
                ours.insert(0, "-v");
                rg.insert(0, "-v");
            }
            ours.push(dir.to_str().unwrap());
            let theirs: u64 = support_rg(&dir, &rg).trim().parse().unwrap_or(0);
            assert_eq!(
                count(root.path(), &ours),
                theirs,
                "{pattern} (-v: {invert})"
            );
        }
    }
}

/// The records' messages, by an extraction of their own (awk: the message follows the third
/// space; a `P` record's continues in the next record's), searched by `rg ARGS`.
fn support_rg(dir: &Path, args: &[&str]) -> String {
    // Per file: a run a file ends in is that file's last record (shown, not joined on).
    let script = r#"for f in $(find "$1" -type f | sort); do zcat -f "$f" |
        awk '{ tag = $3; m = $0; sub(/^[^ ]* [^ ]* [^ ]* ?/, "", m);
               buf = buf m; p = 1; if (tag !~ /^P/) { print buf; buf = ""; p = 0 } }
             END { if (p) print buf }'; done |
        rg "${@:2}""#;
    let out = Command::new("bash")
        .args(["-c", script, "bash"])
        .arg(dir)
        .args(args)
        .output()
        .unwrap();
    String::from_utf8_lossy(&out.stdout).into_owned()
}

#[test]
fn var_log_containers_links_select_without_reading_twice() {
    let root = tempfile::tempdir().unwrap();
    let marker = unique_marker();
    let pod = format!("linked-{marker}");
    let f = cri_file(
        root.path(),
        &pod,
        "api",
        format!("{T} stdout F one {marker}\n").as_bytes(),
    );
    let links = root.path().join("var/log/containers");
    std::fs::create_dir_all(&links).unwrap();
    let id = unique_id();
    std::os::unix::fs::symlink(&f, links.join(format!("{pod}_shop_api-{id}.log"))).unwrap();
    let out = oncall(root.path(), &["logs", "grep", "--pod", &pod, &marker]);
    assert_eq!(stdout(&out).lines().count(), 1, "once, not twice: {out:?}");

    // A link whose pod directory is not under /var/log/pods (elsewhere, or unreadable).
    let away = root.path().join("elsewhere").join(&marker).join("0.log");
    write(&away, format!("{T} stderr F two {marker}\n").as_bytes());
    let other = format!("away-{marker}");
    std::os::unix::fs::symlink(
        &away,
        links.join(format!("{other}_shop_worker-{}.log", unique_id())),
    )
    .unwrap();
    let out = oncall(
        root.path(),
        &["logs", "grep", "-n", "--container", "worker", &marker],
    );
    assert!(out.status.success(), "{out:?}");
    assert_eq!(stdout(&out), format!("1:{T} two {marker}\n"));
    let out = oncall(
        root.path(),
        &["logs", "tail", "-n", "1", "--pod", &format!("shop/{other}")],
    );
    assert_eq!(stdout(&out), format!("{T} two {marker}\n"), "{out:?}");
}

#[test]
fn a_partial_run_without_end_is_cut_at_the_cap_and_said() {
    let root = tempfile::tempdir().unwrap();
    let marker = unique_marker();
    let part = "z".repeat(16 * 1024);
    let mut text = format!("{T} stdout P {marker} ").into_bytes();
    text.extend_from_slice(part.as_bytes());
    text.push(b'\n');
    for _ in 0..1100 {
        // 17.6 MB of one record that never ends: more than the 16 MiB line cap.
        text.extend_from_slice(format!("{T} stdout P {part}\n").as_bytes());
    }
    let f = cri_file(root.path(), &format!("endless-{marker}"), "w", &text);
    let p = f.to_str().unwrap();
    let out = oncall(root.path(), &["logs", "grep", &marker, p]);
    assert!(
        out.status.success(),
        "{:?}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(out.stdout.iter().filter(|b| **b == b'\n').count(), 1);
    assert!(out.stdout.len() <= (16 << 20) + 200, "{}", out.stdout.len());
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("1 line(s) longer than 16 MiB cut"),
        "{:?}",
        String::from_utf8_lossy(&out.stderr)
    );
}

#[test]
fn hostile_messages_are_guarded_and_invalid_json_is_shown_raw() {
    let root = tempfile::tempdir().unwrap();
    let marker = unique_marker();
    let json = docker_line(
        &format!("{marker} agent=\u{1b}]0;pwned\u{7} tab\there\n"),
        "stdout",
    ) + &format!("{{\"log\": broken {marker}\n");
    let f = docker_file(root.path(), &format!("h-{marker}"), &json);
    let p = f.to_str().unwrap();
    // A line that is no record is searched and shown as it is.
    let out = oncall(root.path(), &["logs", "grep", "-n", "broken", p]);
    assert_eq!(stdout(&out), format!("2:{{\"log\": broken {marker}\n"));
    assert_eq!(
        count(root.path(), &["\"log\"", p]),
        1,
        "only the line that is no record"
    );

    let bin = assert_cmd::cargo::cargo_bin("oncall");
    let inner = format!("{} logs grep agent {p}", bin.display());
    let out = Command::new("script")
        .args(["-qec", &inner, "/dev/null"])
        .env("NO_COLOR", "1")
        .env("ONCALL_CONTAINER_ROOT", root.path())
        .output()
        .expect("script (bsdutils) is installed");
    let t = stdout(&out);
    assert!(!t.contains('\x1b') && !t.contains('\x07'), "{t:?}");
    assert!(t.contains("agent=^[]0;pwned^G tab\there"), "{t:?}");
    // Through a pipe: the message's own bytes (decoded from the JSON).
    let out = oncall(root.path(), &["logs", "grep", "agent", p]);
    assert!(
        stdout(&out).contains("agent=\u{1b}]0;pwned\u{7} tab\there"),
        "{out:?}"
    );
}

#[test]
fn many_files_read_in_chunks_print_in_order_with_their_runs_joined() {
    // 40 CRI files of ~150 KB each (below the map's 1 MiB: read straight into the searcher's
    // 64 KiB buffer, several reads per file, several files at once), `P` runs placed at the
    // start, across a read's edge, and ending a file without their `F`; some files have none.
    let root = tempfile::tempdir().unwrap();
    let marker = unique_marker();
    let dir = root.path().join("var/log/pods");
    for f in 0..40 {
        let mut text = String::new();
        let mut n = 0;
        while text.len() < 150_000 {
            let near_edge = (65_400..65_700).contains(&text.len()) && f % 3 == 1;
            let line = if (n == 0 && f % 4 == 0) || near_edge {
                format!("{T} stderr P ERROR {marker} f{f} run{n} half \n")
            } else if n % 97 == 5 {
                format!("{T} stdout F ERROR {marker} f{f} n{n} upstream timeout\n")
            } else {
                format!("{T} stdout F INFO {marker} f{f} n{n} served\n")
            };
            text += &line;
            n += 1;
        }
        if f % 5 == 2 {
            text += &format!("{T} stdout P ERROR {marker} f{f} the end without F");
        }
        let path = dir
            .join(format!("shop_many-{f:03}_{}", unique_uid()))
            .join("app")
            .join("0.log");
        write(&path, text.as_bytes());
    }
    if Command::new("rg").arg("--version").output().is_err() {
        assert!(std::env::var_os("CI").is_none(), "rg is installed under CI");
        return;
    }
    let d = dir.to_str().unwrap();
    let mut read = std::collections::HashMap::new();
    for pattern in [
        "ERROR",
        "half ERROR",
        "timeout$",
        "^INFO .*n12",
        "end without",
    ] {
        let theirs = support_rg(&dir, &["-c", pattern]);
        assert_eq!(
            count(root.path(), &[pattern, d]),
            theirs.trim().parse::<u64>().unwrap_or(0),
            "{pattern}"
        );
        // The lines themselves, in the files' order: the same messages as the extraction's,
        // each numbered by its record's first line, the time of that line before it.
        let out = oncall(root.path(), &["logs", "grep", "-n", pattern, d]);
        let mut messages = Vec::new();
        for line in stdout(&out).lines() {
            let (path, rest) = line.split_once(":").unwrap();
            let (number, rest) = rest.split_once(':').unwrap();
            let (time, message) = rest.split_once(' ').unwrap();
            let lines = read.entry(path.to_string()).or_insert_with(|| {
                let text = std::fs::read_to_string(path).unwrap();
                text.lines().map(str::to_string).collect::<Vec<_>>()
            });
            let first = &lines[number.parse::<usize>().unwrap() - 1];
            assert!(first.starts_with(time), "{line}");
            let tail = first.splitn(4, ' ').nth(3).unwrap();
            assert!(message.starts_with(tail), "{line}");
            messages.push(message.to_string());
        }
        let want = support_rg(&dir, &[pattern]);
        assert_eq!(messages, want.lines().collect::<Vec<_>>(), "{pattern}");
    }
}
