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
