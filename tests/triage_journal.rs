//! Triage's error-burst rule over the systemd journal: a directory of journal files written
//! by systemd's own code (systemd-journal-remote), with a burst of err-level entries of one
//! unit in the last minutes, given with `--journal-dir`. The finding names the unit, and its
//! `oncall logs grep` next step, run as printed, counts the same entries.

mod journal_support;
mod support;

use std::process::Command;

use journal_support::{tools, write_journal, GenEntry, Variant};
use serde_json::Value;
use support::oncall;

fn entry(realtime: u64, unit: &str, priority: u8, message: String) -> GenEntry {
    let f = |k: &str, v: &str| (k.to_string(), v.as_bytes().to_vec());
    GenEntry {
        realtime,
        monotonic: realtime / 2,
        boot: 0,
        fields: vec![
            f("_HOSTNAME", "web-1"),
            f("_TRANSPORT", "stdout"),
            f("_SYSTEMD_UNIT", unit),
            f("SYSLOG_IDENTIFIER", unit.trim_end_matches(".service")),
            f("PRIORITY", &priority.to_string()),
            f("MESSAGE", &message),
        ],
    }
}

#[test]
fn a_units_error_burst_in_the_journal_is_a_finding_naming_it() {
    if tools().is_none() {
        return;
    }
    // A unit name of this test only: the machine's own journal is not read (a directory is
    // named), and no other test writes it.
    let unit = format!("burst-{}.service", std::process::id());
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_micros() as u64;
    let mut gen = Vec::new();
    // 3 errors 40 minutes ago, then 70 in the last 5 minutes among info entries, and a
    // quiet unit's 2 errors.
    for i in 0..3 {
        gen.push(entry(
            now - 40 * 60_000_000 + i,
            &unit,
            3,
            format!("db timeout after {i} ms"),
        ));
    }
    for i in 0..70u64 {
        let t = now - 300_000_000 + i * 1_000_000;
        gen.push(entry(t, &unit, 6, format!("request {i} ok")));
        gen.push(entry(
            t + 1,
            &unit,
            if i % 2 == 0 { 3 } else { 2 },
            format!("upstream refused connection to 10.0.0.{} port 8080", i % 9),
        ));
    }
    gen.push(entry(
        now - 60_000_000,
        "quiet.service",
        3,
        "one-off".into(),
    ));
    let dir = tempfile::tempdir().unwrap();
    write_journal(dir.path(), "system.journal", &gen, Variant::Default);
    let d = dir.path().to_str().unwrap();
    let out = oncall()
        .args([
            "triage",
            "--json",
            "--window",
            "200ms",
            "--logs",
            "/nonexistent",
        ])
        .args(["--journal-dir", d])
        .output()
        .unwrap();
    let r: Value = serde_json::from_slice(&out.stdout).expect("triage prints JSON");
    let findings = r["findings"].as_array().unwrap();
    let f = findings
        .iter()
        .find(|f| f["subject"] == unit.as_str())
        .unwrap_or_else(|| panic!("a finding for {unit}: {findings:#?}"));
    let title = f["title"].as_str().unwrap();
    assert!(
        title.starts_with(&format!("{unit}: 70 error entries in the journal")),
        "{title}"
    );
    assert!(f["evidence"][0]
        .as_str()
        .unwrap()
        .contains("upstream refused connection"));
    assert!(
        !findings.iter().any(|f| f["subject"] == "quiet.service"),
        "two errors are no burst"
    );
    let next: Vec<&str> = f["next"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|n| n.as_str())
        .collect();
    assert!(
        next.contains(&format!("journalctl -D {d} -u {unit} -p err --since '15 min ago'").as_str())
    );
    assert!(next.contains(&format!("oncall logs tail -u {unit} -p err --journal-dir {d}").as_str()));
    // The advice works: the grep next step, run through a shell as printed, counts them.
    let grep = next
        .iter()
        .find(|n| n.starts_with("oncall logs grep"))
        .expect("a logs grep next step");
    let bin = assert_cmd::cargo::cargo_bin("oncall");
    let out = Command::new("sh")
        .arg("-c")
        .arg(format!(
            "{} -c",
            grep.replacen("oncall", bin.to_str().unwrap(), 1)
        ))
        .output()
        .unwrap();
    assert_eq!(
        String::from_utf8_lossy(&out.stdout).trim(),
        "70",
        "`{grep} -c`: {out:?}"
    );
    // And journalctl's, on the same files, agrees.
    let j = Command::new("journalctl")
        .args([
            "-D",
            d,
            "-u",
            &unit,
            "-p",
            "err",
            "--since",
            "15 min ago",
            "-o",
            "cat",
            "-q",
        ])
        .output()
        .unwrap();
    assert_eq!(String::from_utf8_lossy(&j.stdout).lines().count(), 70);
}

fn fields(realtime: u64, f: &[(&str, &str)]) -> GenEntry {
    GenEntry {
        realtime,
        monotonic: realtime / 2,
        boot: 0,
        fields: f
            .iter()
            .map(|(k, v)| (k.to_string(), v.as_bytes().to_vec()))
            .collect(),
    }
}

/// PID 1's "Failed with result" message about `unit`.
fn unit_failed(realtime: u64, unit: &str, result: &str) -> GenEntry {
    let msg = format!("{unit}: Failed with result '{result}'.");
    fields(
        realtime,
        &[
            ("_TRANSPORT", "journal"),
            ("_PID", "1"),
            ("_UID", "0"),
            ("_COMM", "systemd"),
            ("_SYSTEMD_UNIT", "init.scope"),
            ("PRIORITY", "4"),
            ("MESSAGE_ID", "d9b373ed55a64feb8242e02dbe79a49c"),
            ("UNIT", unit),
            ("UNIT_RESULT", result),
            ("MESSAGE", &msg),
        ],
    )
}

fn coredump(realtime: u64, unit: &str, pid: u32, comm: &str) -> GenEntry {
    // Multi-line and over 512 bytes, as systemd-coredump's are (stored compressed).
    let mut msg =
        format!("Process {pid} ({comm}) of user 0 dumped core.\n\nStack trace of thread {pid}:");
    for i in 0..20 {
        msg.push_str(&format!(
            "\n#{i}  0x00007f00deadbe{i:02x} handler_{i} (/usr/bin/{comm} + 0x{i:x})"
        ));
    }
    let pid = pid.to_string();
    let own = format!("systemd-coredump@0-{pid}-0.service");
    fields(
        realtime,
        &[
            ("_TRANSPORT", "journal"),
            ("_PID", "777"),
            ("_UID", "0"),
            ("_SYSTEMD_UNIT", &own),
            ("PRIORITY", "2"),
            ("MESSAGE_ID", "fc2e22bc6ee647b6b90729ab34a250b1"),
            ("COREDUMP_UNIT", unit),
            ("COREDUMP_PID", &pid),
            ("COREDUMP_COMM", comm),
            ("COREDUMP_SIGNAL_NAME", "SIGSEGV"),
            ("COREDUMP_SIGNAL", "11"),
            ("MESSAGE", &msg),
        ],
    )
}

fn kernel(realtime: u64, priority: &str, msg: &str) -> GenEntry {
    fields(
        realtime,
        &[
            ("_TRANSPORT", "kernel"),
            ("SYSLOG_IDENTIFIER", "kernel"),
            ("PRIORITY", priority),
            ("MESSAGE", msg),
        ],
    )
}

fn oom_kill(realtime: u64, pid: u32, comm: &str, memcg: bool) -> GenEntry {
    let what = if memcg {
        "Memory cgroup out of memory"
    } else {
        "Out of memory"
    };
    kernel(
        realtime,
        "3",
        &format!(
            "{what}: Killed process {pid} ({comm}) total-vm:1048576kB, anon-rss:524288kB, \
             file-rss:0kB, shmem-rss:0kB, UID:0 pgtables:1100kB oom_score_adj:0"
        ),
    )
}

fn own_line(realtime: u64, unit: &str, pid: u32, msg: &str) -> GenEntry {
    let pid = pid.to_string();
    fields(
        realtime,
        &[
            ("_TRANSPORT", "stdout"),
            ("_PID", &pid),
            ("_UID", "100"),
            ("_SYSTEMD_UNIT", unit),
            ("SYSLOG_IDENTIFIER", unit.trim_end_matches(".service")),
            ("PRIORITY", "6"),
            ("MESSAGE", msg),
        ],
    )
}

#[test]
fn failed_oom_killed_and_crashed_units_in_the_journal_are_findings_naming_them() {
    if tools().is_none() {
        return;
    }
    let tag = std::process::id();
    let failed = format!("failing-{tag}.service");
    let crashed = format!("crashing-{tag}.service");
    let oomed = format!("hungry-{tag}.service");
    let memcg = format!("capped-{tag}.service");
    let old = format!("long-ago-{tag}.service");
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_micros() as u64;
    let min = 60_000_000u64;
    let mut gen = vec![
        // Outside the 15 minutes: none of these count.
        unit_failed(now - 40 * min, &failed, "exit-code"),
        coredump(now - 30 * min, &old, 3131, "old"),
        unit_failed(now - 30 * min + 1, &old, "signal"),
        oom_kill(now - 20 * min, 3232, "old", false),
        // The hungry unit's process writes a line, so its pid names the unit.
        own_line(now - 10 * min, &oomed, 5151, "allocating the cache"),
        own_line(now - 10 * min + 1, &failed, 4141, "starting"),
        unit_failed(now - 5 * min, &failed, "exit-code"),
        coredump(now - 4 * min, &crashed, 4242, "crashing"),
        kernel(now - 3 * min, "4", "hungry invoked oom-killer: gfp_mask=0x140cca(GFP_HIGHUSER_MOVABLE|__GFP_COMP), order=0, oom_score_adj=0"),
        oom_kill(now - 3 * min + 1, 5151, "hungry", false),
        fields(
            now - 3 * min + 2,
            &[
                ("_TRANSPORT", "journal"),
                ("_PID", "1"),
                ("_UID", "0"),
                ("_SYSTEMD_UNIT", "init.scope"),
                ("PRIORITY", "5"),
                ("MESSAGE_ID", "fe6faa94e7774663a0da52717891d8ef"),
                ("UNIT", &oomed),
                (
                    "MESSAGE",
                    &format!("{oomed}: A process of this unit has been killed by the OOM killer."),
                ),
            ],
        ),
        unit_failed(now - 3 * min + 3, &oomed, "oom-kill"),
        // A memory cgroup's kill: the kernel's summary line names the unit.
        kernel(
            now - 2 * min,
            "6",
            &format!(
                "oom-kill:constraint=CONSTRAINT_MEMCG,nodemask=(null),cpuset=/,mems_allowed=0,\
                 oom_memcg=/system.slice/{memcg},task_memcg=/system.slice/{memcg},task=capped,pid=6161,uid=0"
            ),
        ),
        oom_kill(now - 2 * min + 1, 6161, "capped", true),
        // A victim no entry ties to a unit.
        oom_kill(now - min, 7171, "stray", false),
    ];
    for i in 0..50 {
        gen.push(own_line(now - 6 * min + i, "noise.service", 900, "ok"));
    }
    gen.sort_by_key(|e| e.realtime);
    let dir = tempfile::tempdir().unwrap();
    write_journal(dir.path(), "system.journal", &gen, Variant::Default);
    let d = dir.path().to_str().unwrap();
    let out = oncall()
        .args([
            "triage",
            "--json",
            "--window",
            "200ms",
            "--logs",
            "/nonexistent",
        ])
        .args(["--journal-dir", d])
        .output()
        .unwrap();
    let r: Value = serde_json::from_slice(&out.stdout).expect("triage prints JSON");
    let findings = r["findings"].as_array().unwrap();
    let of = |subject: &str| -> &Value {
        findings
            .iter()
            .find(|f| f["subject"] == subject)
            .unwrap_or_else(|| panic!("a finding for {subject}: {findings:#?}"))
    };
    let next = |f: &Value| -> Vec<String> {
        f["next"]
            .as_array()
            .unwrap()
            .iter()
            .map(|n| n.as_str().unwrap().to_string())
            .collect()
    };

    let f = of(&failed);
    assert_eq!(
        f["title"],
        format!("{failed} failed 1× (result 'exit-code') in the last 15 minutes").as_str(),
        "the failure 40 minutes ago does not count"
    );
    assert_eq!(f["severity"], "critical");
    let n = next(f);
    let journalctl = n
        .iter()
        .find(|n| n.starts_with(&format!("journalctl -D {d} -u {failed} --since '")))
        .unwrap_or_else(|| panic!("journalctl next step: {n:?}"));
    let ours = n
        .iter()
        .find(|n| n.starts_with(&format!("oncall logs grep -u {failed} --since ")))
        .unwrap_or_else(|| panic!("oncall next step: {n:?}"));
    assert!(ours.ends_with(&format!("'' --journal-dir {d}")), "{ours}");
    // Both steps, run through a shell as printed, show the same entries: the unit's own
    // line and PID 1's failure (the minute before the first, not the one 40 minutes ago).
    let sh = |cmd: &str| {
        let out = Command::new("sh").arg("-c").arg(cmd).output().unwrap();
        String::from_utf8_lossy(&out.stdout).into_owned()
    };
    let bin = assert_cmd::cargo::cargo_bin("oncall");
    let ours_out = sh(&format!(
        "{} -o cat",
        ours.replacen("oncall", bin.to_str().unwrap(), 1)
    ));
    let theirs = sh(&format!("{journalctl} -o cat -q"));
    assert_eq!(ours_out, theirs, "`{ours}` and `{journalctl}`");
    assert!(
        theirs.contains("Failed with result 'exit-code'"),
        "{theirs}"
    );
    assert_eq!(theirs.lines().count(), 1, "{theirs}");

    let f = of(&crashed);
    assert_eq!(
        f["title"],
        format!("{crashed} dumped core 1× (SIGSEGV) in the last 15 minutes").as_str()
    );
    assert!(f["evidence"]
        .as_array()
        .unwrap()
        .iter()
        .any(|e| e == "process: crashing (pid 4242)"));
    assert!(next(f)
        .iter()
        .any(|n| n.starts_with(&format!("coredumpctl -D {d} list COREDUMP_UNIT={crashed}"))));

    let f = of(&oomed);
    assert_eq!(
        f["title"],
        format!("{oomed} failed 1× (result 'oom-kill'), OOM-killed 1× in the last 15 minutes")
            .as_str(),
        "the kernel's kill and PID 1's word of it are one kill"
    );
    assert_eq!(f["runbook"], "memory-pressure");
    assert!(next(f)
        .iter()
        .any(|n| n.starts_with(&format!("oncall logs grep -u {oomed} --since "))));

    let f = of(&memcg);
    assert_eq!(
        f["title"],
        format!("{memcg} OOM-killed 1× in the last 15 minutes").as_str()
    );
    assert!(f["evidence"]
        .as_array()
        .unwrap()
        .iter()
        .any(|e| e == "process: capped (pid 6161)"));

    let f = of("7171");
    assert_eq!(
        f["title"],
        "stray (pid 7171) OOM-killed 1× in the last 15 minutes"
    );
    assert!(
        !findings.iter().any(|f| f["subject"] == old.as_str()
            || f["subject"] == "3131"
            || f["subject"] == "3232"),
        "entries before the window are no findings: {findings:#?}"
    );
    let troubles = r["sections"]["unit_troubles"].as_array().unwrap();
    assert_eq!(troubles.len(), 5, "{troubles:#?}");
}
