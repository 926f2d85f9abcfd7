//! A deterministic journal generator for the journal reader tests: entries in systemd's
//! export format (several units, priorities 0–7, three boots, multi-line messages over
//! 512 bytes so journald's writer stores them compressed, kernel messages, PID 1 messages
//! about units, privileged daemons naming OBJECT_SYSTEMD_UNIT), turned into real journal
//! files by systemd's own writer, `systemd-journal-remote --output=FILE.journal -`. The
//! generator keeps every entry's fields, so tests count what they expect from it.
#![allow(dead_code)]

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

pub const REMOTE: &str = "/lib/systemd/systemd-journal-remote";
/// 2026-11-27T14:03:01Z in µs.
pub const T0_US: u64 = 1_795_788_181_000_000;
pub const UNITS: [&str; 4] = [
    "nginx.service",
    "sshd.service",
    "cron.service",
    "app.service",
];

/// `systemd-journal-remote` and `journalctl`, or why the tests cannot run. Under CI a
/// missing tool is a failure, not a skip.
pub fn tools() -> Option<()> {
    let missing: Vec<&str> = [REMOTE, "journalctl"]
        .into_iter()
        .filter(|t| {
            Command::new(t)
                .arg("--version")
                .stdout(Stdio::null())
                .stderr(Stdio::null())
                .status()
                .map(|s| !s.success())
                .unwrap_or(true)
        })
        .collect();
    if missing.is_empty() {
        return Some(());
    }
    if std::env::var("CI").as_deref() == Ok("true") {
        panic!("{missing:?} missing under CI (apt-get install systemd-journal-remote)");
    }
    eprintln!("skipped: {missing:?} not installed (apt-get install systemd-journal-remote)");
    None
}

#[derive(Debug, Clone)]
pub struct GenEntry {
    pub realtime: u64,
    pub monotonic: u64,
    pub boot: usize,
    pub fields: Vec<(String, Vec<u8>)>,
}

impl GenEntry {
    pub fn get(&self, name: &str) -> Option<&[u8]> {
        self.fields
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_slice())
    }
    pub fn has(&self, name: &str, value: &str) -> bool {
        self.get(name) == Some(value.as_bytes())
    }
    pub fn message(&self) -> &[u8] {
        self.get("MESSAGE").unwrap()
    }
    pub fn priority(&self) -> u8 {
        self.get("PRIORITY").map_or(6, |p| p[0] - b'0')
    }
    /// journalctl -u's rule (systemd's add_matches_for_unit; no coredumps here).
    pub fn about_unit(&self, unit: &str) -> bool {
        self.has("_SYSTEMD_UNIT", unit)
            || (self.has("_PID", "1") && self.has("UNIT", unit))
            || (self.has("_UID", "0") && self.has("OBJECT_SYSTEMD_UNIT", unit))
    }
}

pub fn boot_id(boot: usize) -> String {
    format!(
        "{:032x}",
        0xb007_0000_0000_0000_0000_0000_0000_0000u128 + boot as u128 * 0x1111
    )
}

struct Rng(u64);
impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
}

/// `per_boot` entries for each of three boots, realtime rising 10 ms (plus jitter) per
/// entry, a 60 s gap between boots; monotonic restarts each boot.
pub fn generate(seed: u64, per_boot: usize) -> Vec<GenEntry> {
    let mut rng = Rng(seed.wrapping_mul(0x9e37_79b9_7f4a_7c15) | 1);
    let mut out = Vec::new();
    let mut realtime = T0_US;
    for boot in 0..3 {
        let mut monotonic = 1_000_000 + boot as u64 * 7;
        for i in 0..per_boot {
            let step = 10_000 + rng.below(1000);
            realtime += step;
            monotonic += step;
            let n = out.len();
            let kind = rng.below(100);
            let prio = rng.below(8);
            let mut f: Vec<(String, Vec<u8>)> = Vec::new();
            let mut push = |k: &str, v: String| f.push((k.to_string(), v.into_bytes()));
            push("_HOSTNAME", "web-1".into());
            if kind < 10 {
                push("_TRANSPORT", "kernel".into());
                push("SYSLOG_IDENTIFIER", "kernel".into());
                push("PRIORITY", prio.to_string());
                push(
                    "MESSAGE",
                    format!("EXT4-fs (sda1): error count since last fsck: {n}"),
                );
            } else if kind < 20 {
                let unit = UNITS[rng.below(4) as usize];
                push("_TRANSPORT", "journal".into());
                push("_PID", "1".into());
                push("_UID", "0".into());
                push("_COMM", "systemd".into());
                push("_SYSTEMD_UNIT", "init.scope".into());
                push("UNIT", unit.into());
                push("PRIORITY", prio.to_string());
                push("MESSAGE", format!("Started {unit} (entry {n})."));
            } else if kind < 25 {
                let unit = UNITS[rng.below(4) as usize];
                push("_TRANSPORT", "journal".into());
                push("_PID", format!("{}", 400 + boot));
                push("_UID", "0".into());
                push("_SYSTEMD_UNIT", "systemd-logind.service".into());
                push("OBJECT_SYSTEMD_UNIT", unit.into());
                push("PRIORITY", prio.to_string());
                push("MESSAGE", format!("Session of {unit} changed (entry {n})"));
            } else {
                let u = rng.below(4) as usize;
                let unit = UNITS[u];
                push("_TRANSPORT", "stdout".into());
                push("_PID", format!("{}", 1000 + u * 10 + boot));
                push("_UID", format!("{}", 100 + u));
                push("_COMM", unit.trim_end_matches(".service").into());
                push("_SYSTEMD_UNIT", unit.into());
                push(
                    "SYSLOG_IDENTIFIER",
                    unit.trim_end_matches(".service").into(),
                );
                push("PRIORITY", prio.to_string());
                if kind >= 90 {
                    // Multi-line, over the 512-byte compression threshold, under journalctl's
                    // 4096-byte JSON field limit.
                    let mut m = format!("panic in request {n}: stack follows\n");
                    let lines = 8 + rng.below(20);
                    for d in 0..lines {
                        m.push_str(&format!(
                            "  at frame {d} handler::serve::h{:016x}\n",
                            rng.next()
                        ));
                    }
                    push("MESSAGE", m.trim_end().to_string());
                } else {
                    push(
                        "MESSAGE",
                        format!("GET /api/{i} status={} id={n}", 200 + rng.below(4) * 100),
                    );
                }
            }
            out.push(GenEntry {
                realtime,
                monotonic,
                boot,
                fields: f,
            });
        }
        realtime += 60_000_000;
    }
    out
}

/// The export-format stream of `entries`.
pub fn export(entries: &[GenEntry]) -> Vec<u8> {
    let mut out = Vec::new();
    for e in entries {
        writeln!(out, "__REALTIME_TIMESTAMP={}", e.realtime).unwrap();
        writeln!(out, "__MONOTONIC_TIMESTAMP={}", e.monotonic).unwrap();
        writeln!(out, "_BOOT_ID={}", boot_id(e.boot)).unwrap();
        for (k, v) in &e.fields {
            if v.contains(&b'\n') {
                out.extend_from_slice(k.as_bytes());
                out.push(b'\n');
                out.extend_from_slice(&(v.len() as u64).to_le_bytes());
                out.extend_from_slice(v);
                out.push(b'\n');
            } else {
                out.extend_from_slice(k.as_bytes());
                out.push(b'=');
                out.extend_from_slice(v);
                out.push(b'\n');
            }
        }
        out.push(b'\n');
    }
    out
}

/// Which writer options a file is made with.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Variant {
    /// systemd 252's defaults: compact, keyed hash, zstd.
    Default,
    NotCompact,
    UnkeyedHash,
    Uncompressed,
}

/// Writes `entries` into `dir/name` with systemd's writer. The writer takes only plain
/// `NAME.journal` names, so archived (`@`) and set-aside (`.journal~`) names are renamed
/// to afterwards.
pub fn write_journal(dir: &Path, name: &str, entries: &[GenEntry], variant: Variant) -> PathBuf {
    let path = dir.join(name);
    let written = dir.join(format!(
        "writing-{}.journal",
        name.replace(['@', '~', '.'], "_")
    ));
    let mut cmd = Command::new(REMOTE);
    cmd.arg(format!("--output={}", written.display()));
    match variant {
        Variant::Default => {}
        Variant::NotCompact => {
            cmd.env("SYSTEMD_JOURNAL_COMPACT", "0");
        }
        Variant::UnkeyedHash => {
            cmd.env("SYSTEMD_JOURNAL_KEYED_HASH", "0");
        }
        Variant::Uncompressed => {
            cmd.arg("--compress=no");
        }
    }
    let mut child = cmd
        .arg("-")
        .stdin(Stdio::piped())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .expect("systemd-journal-remote starts");
    let stream = export(entries);
    let mut stdin = child.stdin.take().unwrap();
    let writer = std::thread::spawn(move || stdin.write_all(&stream));
    let out = child.wait_with_output().unwrap();
    let fed = writer.join().unwrap();
    assert!(
        out.status.success() && fed.is_ok(),
        "systemd-journal-remote failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    std::fs::rename(&written, &path).unwrap();
    path
}

/// One entry as journalctl -o json shows it: seqnum (from the cursor), realtime, MESSAGE.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Shown {
    pub seqnum: u64,
    pub realtime: u64,
    pub message: Vec<u8>,
}

/// `journalctl --all -o json ARGS` (the sources among ARGS), parsed.
pub fn journalctl(args: &[String]) -> Vec<Shown> {
    let out = Command::new("journalctl")
        .args(["--no-pager", "--all", "-o", "json", "-q"])
        .args(args)
        .env("SYSTEMD_COLORS", "0")
        .output()
        .expect("journalctl runs");
    assert!(
        out.status.success() || out.stdout.is_empty(),
        "journalctl {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    out.stdout
        .split(|&b| b == b'\n')
        .filter(|l| !l.is_empty())
        .map(|l| {
            let v: serde_json::Value = serde_json::from_slice(l).unwrap();
            let cursor = v["__CURSOR"].as_str().unwrap();
            let seq = cursor
                .split(';')
                .find_map(|p| p.strip_prefix("i="))
                .unwrap();
            Shown {
                seqnum: u64::from_str_radix(seq, 16).unwrap(),
                realtime: v["__REALTIME_TIMESTAMP"].as_str().unwrap().parse().unwrap(),
                message: json_bytes(&v["MESSAGE"]),
            }
        })
        .collect()
}

/// A journal JSON value: a string, or an array of byte values for non-printable data.
fn json_bytes(v: &serde_json::Value) -> Vec<u8> {
    match v {
        serde_json::Value::String(s) => s.as_bytes().to_vec(),
        serde_json::Value::Array(a) => a.iter().map(|b| b.as_u64().unwrap() as u8).collect(),
        other => panic!("unexpected MESSAGE in journalctl JSON: {other}"),
    }
}
