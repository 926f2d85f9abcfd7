//! `--since` / `--until` checked against the generator's own timestamps: plain files (binary
//! search), gzip and zstd (streamed), continuation lines, relative times, JSON timestamps.
//! Needs: grep, gzip, zstd.

#[path = "logs_support/mod.rs"]
mod logs_support;
mod support;

use logs_support::*;
use std::io::Write;
use std::path::Path;
use support::oncall;

fn ours(args: &[&str]) -> (String, i32) {
    let out = oncall().args(args).output().unwrap();
    (
        String::from_utf8_lossy(&out.stdout).into_owned(),
        out.status.code().unwrap_or(-1),
    )
}

/// A log with a two-line stack trace after every ERROR line (no timestamps on those).
fn write_with_traces(path: &Path, gen: &mut Gen, n: usize) -> Vec<(String, i64)> {
    let mut f = std::io::BufWriter::new(std::fs::File::create(path).unwrap());
    let mut lines = Vec::new();
    for _ in 0..n {
        let (l, t) = gen.line();
        let l = String::from_utf8(l).unwrap();
        writeln!(f, "{l}").unwrap();
        let error = l.contains("ERROR");
        lines.push((l, t));
        if error {
            for frame in ["    at db.query (pool.rs:42)", "    at handler (api.rs:7)"] {
                writeln!(f, "{frame}").unwrap();
                lines.push((frame.to_string(), t));
            }
        }
    }
    lines
}

#[test]
fn ranges_match_the_generator_in_plain_gzip_and_zstd() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("app.log");
    let lines = write_with_traces(&p, &mut Gen::new(9, T0, 1000), 60_000);
    let ps = p.to_str().unwrap();
    sh(&format!(
        "gzip -c {ps} > {ps}.gz && zstd -q -c {ps} > {ps}.zst"
    ));
    let t_first = lines[0].1;
    let t_last = lines.last().unwrap().1;
    let bounds = [
        (t_first + 3_600_000, Some(t_first + 7_200_000)),
        (t_first + 123_456, None),
        (t_first - 10_000, Some(t_first + 1)),
        (t_last - 5_000, None),
        (t_last + 1, None),
    ];
    for (since, until) in bounds {
        for pat in ["ERROR", "at db.query", "status=404"] {
            let want = lines
                .iter()
                .filter(|(l, t)| l.contains(pat) && *t >= since && until.is_none_or(|u| *t < u))
                .count();
            for f in [ps.to_string(), format!("{ps}.gz"), format!("{ps}.zst")] {
                let s = iso(since);
                let u = until.map(iso);
                let mut args = vec!["logs", "grep", "-c", "--since", &s];
                if let Some(u) = &u {
                    args.extend(["--until", u]);
                }
                args.extend([pat, &f]);
                let (out, code) = ours(&args);
                assert_eq!(out.trim(), want.to_string(), "{args:?}");
                assert_eq!(code, if want > 0 { 0 } else { 1 });
            }
        }
    }
}

#[test]
fn line_numbers_and_json_timestamps_stay_the_files_own() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("app.log");
    let times = write_log(&p, &mut Gen::new(4, T0, 500), 30_000, None);
    let ps = p.to_str().unwrap();
    let (since, until) = (times[12_000], times[12_400]);
    let (out, _) = ours(&[
        "logs",
        "grep",
        "-n",
        "--since",
        &iso(since),
        "--until",
        &iso(until),
        "status=503",
        ps,
    ]);
    let want: String = classic("grep", &["-n", "status=503", ps])
        .0
        .lines()
        .filter(|l| {
            let n: usize = l.split(':').next().unwrap().parse().unwrap();
            (since..until).contains(&times[n - 1])
        })
        .map(|l| format!("{l}\n"))
        .collect();
    assert!(!want.is_empty());
    assert_eq!(out, want);
    let (json, _) = ours(&[
        "logs",
        "grep",
        "--json",
        "--since",
        &iso(since),
        "--until",
        &iso(until),
        "status=503",
        ps,
    ]);
    for line in json.lines() {
        let v: serde_json::Value = serde_json::from_str(line).unwrap();
        let n = v["line_number"].as_u64().unwrap() as usize;
        assert_eq!(v["timestamp"].as_str().unwrap(), iso(times[n - 1]));
    }
    assert_eq!(json.lines().count(), want.lines().count());
}

#[test]
fn relative_since_counts_the_last_hour() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("app.log");
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_millis() as i64;
    // One line a minute for 24 h, each 30 s off the minute, so "1h ago" never lands on a line.
    let mut gen = Gen::new(2, now - 24 * 3_600_000 + 30_000, 60_000);
    let times = write_log(&p, &mut gen, 24 * 60 - 1, None);
    let want = std::fs::read_to_string(&p)
        .unwrap()
        .lines()
        .zip(&times)
        .filter(|(l, t)| l.contains("INFO") && **t >= now - 3_600_000)
        .count();
    let (out, _) = ours(&[
        "logs",
        "grep",
        "-c",
        "--since",
        "1h",
        "INFO",
        p.to_str().unwrap(),
    ]);
    assert_eq!(out.trim(), want.to_string());
    let (out, _) = ours(&[
        "logs",
        "grep",
        "-c",
        "--until",
        "23h",
        "INFO",
        p.to_str().unwrap(),
    ]);
    let want = std::fs::read_to_string(&p)
        .unwrap()
        .lines()
        .zip(&times)
        .filter(|(l, t)| l.contains("INFO") && **t < now - 23 * 3_600_000)
        .count();
    assert_eq!(out.trim(), want.to_string());
}

#[test]
fn syslog_and_common_log_formats_are_detected() {
    let dir = tempfile::tempdir().unwrap();
    let clf = dir.path().join("access.log");
    std::fs::write(
        &clf,
        "10.0.0.1 - - [27/Nov/2026:14:00:00 +0000] \"GET /a HTTP/1.1\" 500 1\n\
         10.0.0.1 - - [27/Nov/2026:15:00:00 +0100] \"GET /b HTTP/1.1\" 500 1\n\
         10.0.0.1 - - [27/Nov/2026:14:30:00 +0000] \"GET /c HTTP/1.1\" 500 1\n",
    )
    .unwrap();
    let (out, _) = ours(&[
        "logs",
        "grep",
        "--since",
        "2026-11-27T14:00:00Z",
        "--until",
        "2026-11-27T14:01:00Z",
        "GET",
        clf.to_str().unwrap(),
    ]);
    // The second line is 14:00 UTC too (+0100); the third is past the end of the window.
    assert_eq!(out.lines().count(), 2, "{out}");
    let none = dir.path().join("plain.log");
    std::fs::write(&none, "no time\nstill none\n").unwrap();
    let out = oncall()
        .args([
            "logs",
            "grep",
            "-c",
            "--since",
            "1h",
            "none",
            none.to_str().unwrap(),
        ])
        .output()
        .unwrap();
    assert_eq!(String::from_utf8_lossy(&out.stdout), "1\n");
    assert!(String::from_utf8_lossy(&out.stderr).contains("no timestamp"));
}

/// logrotate's copytruncate empties a log while we may be searching a time range of it. The
/// search must end cleanly (the lines read so far, exit 0 or 1), never die of SIGBUS as a
/// memory-mapped search of a shrinking file does.
#[test]
fn a_log_truncated_during_a_ranged_search_ends_cleanly() {
    use std::os::unix::process::ExitStatusExt;
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("app.log");
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_millis() as i64;
    // ~40 MB in the last hour, all inside `--since 2h`: the whole file is searched.
    let master = dir.path().join("master.log");
    write_log(
        &master,
        &mut Gen::new(5, now - 3_600_000, 12),
        300_000,
        None,
    );
    for round in 0..12u64 {
        std::fs::copy(&master, &p).unwrap();
        let child = std::process::Command::new(assert_cmd::cargo::cargo_bin("oncall"))
            .args(["logs", "grep", "-c", "--since", "2h", "ERROR"])
            .arg(&p)
            .stdout(std::process::Stdio::null())
            .spawn()
            .unwrap();
        // Truncate at a different moment each round: before, during and after the search.
        std::thread::sleep(std::time::Duration::from_millis(2 * round));
        std::fs::OpenOptions::new()
            .write(true)
            .open(&p)
            .unwrap()
            .set_len(0)
            .unwrap();
        let status = child.wait_with_output().unwrap().status;
        assert_eq!(status.signal(), None, "round {round}: killed by a signal");
        assert!(
            matches!(status.code(), Some(0 | 1)),
            "round {round}: {status:?}"
        );
    }
}

/// klog (`I1127 14:03:01.250000 …`, Kubernetes components) and epoch seconds opening a line
/// (`1795788181.250 …`): detected, so `--since` (here as epoch seconds, `@N` and bare, as
/// `date -d @N` reads them) cuts where the generator says.
#[test]
fn klog_and_leading_epoch_timestamps_bound_since() {
    let dir = tempfile::tempdir().unwrap();
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_millis() as i64;
    // Whole seconds, one minute apart, ending an hour ago (klog has no year: keep it recent).
    let t0 = (now - 4 * 3_600_000) / 1000 * 1000;
    let times: Vec<i64> = (0..180).map(|i| t0 + i * 60_000).collect();
    let klog = dir.path().join("kubelet.log");
    let epoch = dir.path().join("squid.log");
    let mut k = std::fs::File::create(&klog).unwrap();
    let mut e = std::fs::File::create(&epoch).unwrap();
    for (i, t) in times.iter().enumerate() {
        let iso = iso(*t); // 2026-11-27T14:03:01.000Z
        let level = ['I', 'W', 'E'][i % 3];
        writeln!(
            k,
            "{level}{}{} {}.000000   4242 controller.go:42] klog-marker seq={i}",
            &iso[5..7],
            &iso[8..10],
            &iso[11..19]
        )
        .unwrap();
        writeln!(
            e,
            "{}.{:03} epoch-marker seq={i} TCP_MISS/200",
            t / 1000,
            t % 1000
        )
        .unwrap();
    }
    drop((k, e));
    for (file, marker) in [(&klog, "klog-marker"), (&epoch, "epoch-marker")] {
        for at in [0usize, 1, 97, 179] {
            let secs = (times[at] / 1000).to_string();
            for since in [format!("@{secs}"), secs.clone()] {
                let out = oncall()
                    .env("TZ", "UTC")
                    .args(["logs", "grep", "-c", "--since", &since, marker])
                    .arg(file)
                    .output()
                    .unwrap();
                let stderr = String::from_utf8_lossy(&out.stderr);
                assert!(!stderr.contains("no timestamp"), "{stderr}");
                assert_eq!(
                    String::from_utf8_lossy(&out.stdout).trim(),
                    (180 - at).to_string(),
                    "{} --since {since}: {stderr}",
                    file.display()
                );
            }
        }
    }
}
