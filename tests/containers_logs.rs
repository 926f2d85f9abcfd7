//! Container logs as logs: kubelet's CRI files under `/var/log/pods` (a rotated `.gz` among
//! them) and Docker's json-file, written here in the runtimes' documented formats under a
//! temporary `ONCALL_CONTAINER_ROOT`. `--pod` / `--container` select the files; `--since`
//! uses each record's own time; `top` sees the message, not the prefix or the JSON;
//! differential: the matching lines are those `rg -z` finds in the same files.

mod support;

use std::path::{Path, PathBuf};
use std::process::Command;
use support::runtime_cgroups::{unique_id, unique_marker, unique_uid};

fn rfc3339(secs_ago: i64) -> String {
    let out = Command::new("date")
        .args([
            "-u",
            "-d",
            &format!("@{}", now() - secs_ago),
            "+%Y-%m-%dT%H:%M:%S.123456789Z",
        ])
        .output()
        .unwrap();
    String::from_utf8(out.stdout).unwrap().trim().to_string()
}

fn now() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs() as i64
}

fn write(path: &Path, text: &str) {
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(path, text).unwrap();
}

fn gzip(path: &Path) {
    assert!(Command::new("gzip").arg(path).status().unwrap().success());
}

/// A pod with one container "server": an old rotated .gz and the current 0.log.
fn pod_logs(root: &Path, pod: &str, marker: &str) -> PathBuf {
    let dir = root
        .join("var/log/pods")
        .join(format!("shop_{pod}_{}", unique_uid()))
        .join("server");
    let old = dir.join("0.log.20261130-000000");
    write(
        &old,
        &format!(
            "{} stderr F ERROR {marker} old failure id=1\n{} stdout F fine\n",
            rfc3339(7200),
            rfc3339(7100)
        ),
    );
    gzip(&old);
    write(
        &dir.join("0.log"),
        &format!(
            "{t} stdout F starting\n{t} stderr F ERROR {marker} upstream timeout after 30 ms\n\
             {t} stderr P WARN {marker} split \n{t} stderr F line\n{t} stdout F ok\n",
            t = rfc3339(10)
        ),
    );
    dir
}

fn oncall(root: &Path, args: &[&str]) -> std::process::Output {
    support::oncall()
        .env("ONCALL_CONTAINER_ROOT", root)
        .args(args)
        .output()
        .unwrap()
}

/// The records' `TIME message` of every file under `dir` (rotations decompressed), by an
/// extraction of its own (awk: the message is what follows the third space; a `P` record's
/// message continues in the next record's), searched by `rg ARGS`. `None` without rg.
fn messages_then_rg(dir: &Path, args: &[&str]) -> Option<String> {
    Command::new("rg").arg("--version").output().ok()?;
    let script = r#"for f in $(find "$1" -type f | sort); do zcat -f "$f" |
        awk '{ if (!p) ts = $1; tag = $3; m = $0; sub(/^[^ ]* [^ ]* [^ ]* ?/, "", m);
               buf = buf m; if (tag ~ /^P/) p = 1; else { print ts " " buf; buf = ""; p = 0 } }
             END { if (p) print ts " " buf }'; done |
        rg "${@:2}""#;
    let out = Command::new("bash")
        .args(["-c", script, "bash"])
        .arg(dir)
        .args(args)
        .output()
        .unwrap();
    Some(String::from_utf8_lossy(&out.stdout).into_owned())
}

fn text(o: &std::process::Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

#[test]
fn pod_selects_its_files_and_rotations_and_agrees_with_rg() {
    let root = tempfile::tempdir().unwrap();
    let marker = unique_marker();
    let pod = format!("api-{marker}");
    let dir = pod_logs(root.path(), &pod, &marker);
    // Another pod with the same marker: not selected.
    pod_logs(root.path(), &format!("other-{marker}"), &marker);
    let out = oncall(root.path(), &["logs", "grep", "--pod", &pod, &marker]);
    assert!(out.status.success(), "{out:?}");
    let ours = text(&out);
    assert_eq!(ours.lines().count(), 3, "{ours}");
    assert!(
        ours.contains("old failure"),
        "the rotated .gz is searched: {ours}"
    );
    assert!(!ours.contains("other-"), "{ours}");

    // Differential: rg over the messages a tiny awk extraction takes from the same files
    // (P runs joined, `TIME message` as we print records) finds the same records.
    let rg = messages_then_rg(&dir, &["--no-line-number", &marker]);
    let Some(rg) = rg else {
        assert!(
            std::env::var_os("CI").is_none(),
            "rg (ripgrep) is installed under CI"
        );
        eprintln!("skipped the rg differential: no rg here");
        return;
    };
    let mut theirs: Vec<String> = rg.lines().map(str::to_string).collect();
    // Ours leads each line with `path:` when a directory was walked (into a pipe, no line
    // numbers unless -n, as rg).
    let mut mine: Vec<String> = ours
        .lines()
        .map(|l| l.split_once(':').map_or(l, |(_, rest)| rest).to_string())
        .collect();
    theirs.sort();
    mine.sort();
    assert_eq!(mine, theirs);
}

/// The line numbers `-n` gives a CRI log's records are rg -n's for the same file (records
/// without `P` runs: one line each), and without -n a pipe gets none, as from rg.
#[test]
fn numbered_records_carry_rgs_line_numbers_and_a_pipe_gets_none_unless_asked() {
    let root = tempfile::tempdir().unwrap();
    let marker = unique_marker();
    let dir = root.path().join("var/log/pods/shop_n_1/c");
    let (t, mut log) = (rfc3339(100), String::new());
    for i in 0..3000 {
        let msg = if i % 7 == 3 {
            format!("ERROR {marker} {i}")
        } else {
            format!("INFO ok {i}")
        };
        log.push_str(&format!("{t} stdout F {msg}\n"));
    }
    write(&dir.join("0.log"), &log);
    let f = dir.join("0.log");
    let f = f.to_str().unwrap();
    let numbers = |o: &str, rg: bool| -> Vec<u64> {
        o.lines()
            .map(|l| {
                l.split_once(':')
                    .unwrap()
                    .0
                    .parse()
                    .unwrap_or_else(|_| panic!("{rg}: {l}"))
            })
            .collect()
    };
    let ours = oncall(root.path(), &["logs", "grep", "-n", &marker, f]);
    assert!(ours.status.success(), "{ours:?}");
    let ours = numbers(&text(&ours), false);
    assert_eq!(ours.len(), 3000 / 7 + 1);
    match Command::new("rg")
        .args(["--no-config", "-n", &marker, f])
        .output()
    {
        Ok(rg) => assert_eq!(ours, numbers(&text(&rg), true)),
        Err(_) => {
            assert!(
                std::env::var_os("CI").is_none(),
                "rg (ripgrep) is installed under CI"
            );
            let want: Vec<u64> = (0..3000).filter(|i| i % 7 == 3).map(|i| i + 1).collect();
            assert_eq!(ours, want);
        }
    }
    let plain = text(&oncall(root.path(), &["logs", "grep", &marker, f]));
    assert_eq!(plain.lines().count(), ours.len());
    assert!(plain.lines().all(|l| l.starts_with(&t)), "{plain}");
    let off = text(&oncall(
        root.path(),
        &["logs", "grep", "-n", "-N", &marker, f],
    ));
    assert_eq!(off, plain, "the last of -n/-N counts");
}

#[test]
fn since_uses_the_records_time_and_top_sees_the_message() {
    let root = tempfile::tempdir().unwrap();
    let marker = unique_marker();
    let pod = format!("web-{marker}");
    pod_logs(root.path(), &pod, &marker);
    let out = oncall(
        root.path(),
        &[
            "logs",
            "grep",
            "--pod",
            &format!("shop/{pod}"),
            "--since",
            "1h",
            &marker,
        ],
    );
    let t = text(&out);
    assert_eq!(t.lines().count(), 2, "only the last hour's records: {t}");
    assert!(!t.contains("old failure"));

    let out = oncall(root.path(), &["logs", "top", "--pod", &pod, "--json"]);
    assert!(out.status.success(), "{out:?}");
    let doc: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let sigs: Vec<String> = doc["signatures"]
        .as_array()
        .unwrap_or_else(|| panic!("{doc:#}"))
        .iter()
        .map(|s| s["signature"].as_str().unwrap().to_string())
        .collect();
    assert!(
        sigs.iter()
            .any(|s| s.starts_with("ERROR") && s.contains("upstream timeout after <n> ms")),
        "{sigs:?}"
    );
    assert!(
        sigs.iter().all(|s| !s.contains("stderr")),
        "the CRI prefix is not the message: {sigs:?}"
    );

    // tail reads the current file.
    let out = oncall(root.path(), &["logs", "tail", "-n", "1", "--pod", &pod]);
    let t = text(&out);
    assert!(
        t.ends_with(" ok\n") && !t.contains("stdout F"),
        "the last record by its time and message: {out:?}"
    );

    // An unknown pod is a usage error naming where we looked.
    let out = oncall(
        root.path(),
        &["logs", "grep", "--pod", "no-such-pod-x", "x"],
    );
    assert_eq!(out.status.code(), Some(2));
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("var/log/pods"),
        "{out:?}"
    );
}

#[test]
fn docker_json_file_logs_by_container_name() {
    let root = tempfile::tempdir().unwrap();
    let (id, marker) = (unique_id(), unique_marker());
    let name = format!("queue-{marker}");
    let dir = root.path().join("var/lib/docker/containers").join(&id);
    write(
        &dir.join("config.v2.json"),
        &format!(r#"{{"ID":"{id}","Name":"/{name}","Config":{{"Image":"redis:7"}}}}"#),
    );
    let line = |ago: i64, msg: &str, stream: &str| {
        format!(
            "{{\"log\":\"{msg}\\n\",\"stream\":\"{stream}\",\"time\":\"{}\"}}\n",
            rfc3339(ago)
        )
    };
    write(
        &dir.join(format!("{id}-json.log")),
        &[
            line(
                7200,
                &format!("ERROR {marker} disk full on /data id 7"),
                "stderr",
            ),
            line(
                20,
                &format!("ERROR {marker} disk full on /data id 8"),
                "stderr",
            ),
            line(10, "ready to accept connections", "stdout"),
        ]
        .concat(),
    );
    let out = oncall(
        root.path(),
        &[
            "logs",
            "grep",
            "--container",
            &name,
            "--since",
            "1h",
            &marker,
        ],
    );
    let t = text(&out);
    assert_eq!(
        t.lines().count(),
        1,
        "the record's own time decides: {out:?}"
    );
    assert!(t.contains("id 8"));
    let out = oncall(
        root.path(),
        &["logs", "top", "--container", &id[..12], "--json"],
    );
    let doc: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let s = &doc["signatures"][0];
    assert_eq!(s["count"], 2, "{doc:#}");
    let sig = s["signature"].as_str().unwrap();
    assert!(
        sig.starts_with("ERROR") && sig.contains("disk full on /data"),
        "not the JSON: {sig}"
    );
}
