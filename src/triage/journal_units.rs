//! Failed, OOM-killed and crashed units in the systemd journal of the last 15 minutes, per
//! unit: PID 1's "Failed with result '…'" messages (`UNIT_RESULT`), PID 1's "A process of
//! this unit has been killed by the OOM killer.", systemd-coredump's "dumped core" messages
//! (`COREDUMP_UNIT`) and the kernel's "Out of memory: Killed process N (name)" lines, whose
//! victim is tied to its unit by the kernel's `oom-kill:…task_memcg=` line or, failing that,
//! by the last entry that process wrote (`_PID=N` in that boot).
//!
//! One query through the journal's indexes (the MESSAGE_ID and `_TRANSPORT=kernel` entry
//! lists), each read from its end back to 15 minutes ago only (reader.rs), so the cost is
//! those entries of the window, not the journal's size.

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::sync::OnceLock;

use regex::Regex;

use super::journal_bursts::{journal_files, now_us};
use super::model::UnitTrouble;
use crate::journal::{Entry, Fields, Match, Query};

const RECENT_US: u64 = 15 * 60 * 1_000_000;

/// systemd's catalog ids (sd-messages.h).
pub const UNIT_FAILURE_RESULT: &str = "d9b373ed55a64feb8242e02dbe79a49c";
pub const UNIT_OUT_OF_MEMORY: &str = "fe6faa94e7774663a0da52717891d8ef";
pub const COREDUMP: &str = "fc2e22bc6ee647b6b90729ab34a250b1";

/// Kernel OOM victims whose unit is looked up by their pid (one indexed search each).
const PID_LOOKUPS: usize = 32;

/// Messages kept per unit as evidence.
const MESSAGES: usize = 5;

const FIELDS: [&str; 12] = [
    "MESSAGE",
    "MESSAGE_ID",
    "UNIT",
    "UNIT_RESULT",
    "COREDUMP_UNIT",
    "COREDUMP_PID",
    "COREDUMP_COMM",
    "COREDUMP_SIGNAL_NAME",
    "COREDUMP_SIGNAL",
    "_TRANSPORT",
    "_PID",
    "_UID",
];

fn kill_line() -> &'static Regex {
    static RE: OnceLock<Regex> = OnceLock::new();
    RE.get_or_init(|| {
        Regex::new(
            r"(?:Out of memory|Memory cgroup out of memory): Killed process (\d+) \(([^)]*)\)",
        )
        .expect("valid regex")
    })
}

/// The kernel's summary line before a kill (since Linux 4.19), which names the victim's
/// cgroup: `oom-kill:constraint=…,task_memcg=/system.slice/app.service,task=app,pid=N,…`.
fn memcg_line() -> &'static Regex {
    static RE: OnceLock<Regex> = OnceLock::new();
    RE.get_or_init(|| {
        Regex::new(r"oom-kill:.*task_memcg=([^,]*),task=[^,]*,pid=(\d+)").expect("valid regex")
    })
}

/// The unit a cgroup path is in: its last component when that is a unit name.
fn unit_of_cgroup(path: &str) -> Option<String> {
    let last = path.trim_end_matches('/').rsplit('/').next()?;
    let unit_like = [".service", ".scope", ".socket", ".mount", ".swap", ".timer"]
        .iter()
        .any(|s| last.ends_with(s));
    unit_like.then(|| last.to_string())
}

/// A kernel OOM kill seen in the window, waiting for its unit.
struct Kill {
    realtime: u64,
    boot_id: [u8; 16],
    pid: u32,
    name: String,
    message: String,
}

fn text(e: &Entry, name: &str) -> Option<String> {
    e.field(name)
        .map(|v| String::from_utf8_lossy(v).into_owned())
}

fn first_line(e: &Entry) -> String {
    let m = text(e, "MESSAGE").unwrap_or_default();
    m.lines().next().unwrap_or("").to_string()
}

/// The unit's record, made at its first entry; `e`'s time and first message added.
fn at<'a>(
    per_unit: &'a mut BTreeMap<String, UnitTrouble>,
    journal_dir: &Option<String>,
    key: String,
    e: &Entry,
) -> &'a mut UnitTrouble {
    let t = per_unit.entry(key).or_insert_with(|| UnitTrouble {
        first_us: e.realtime,
        journal_dir: journal_dir.clone(),
        ..UnitTrouble::default()
    });
    t.first_us = t.first_us.min(e.realtime);
    t.last_us = t.last_us.max(e.realtime);
    if t.messages.len() < MESSAGES {
        t.messages.push(first_line(e));
    }
    t
}

/// `dirs` (as `--journal-dir`), or this machine's journal when empty.
pub fn scan(dirs: &[PathBuf]) -> Result<Vec<UnitTrouble>, String> {
    let files = journal_files(dirs)?;
    if files.is_empty() {
        return Ok(Vec::new());
    }
    Ok(troubles(&files, now_us(), dirs.first()))
}

/// The troubles of `files` in the 15 minutes before `now` (µs).
pub fn troubles(files: &[PathBuf], now: u64, dir: Option<&PathBuf>) -> Vec<UnitTrouble> {
    let since = now.saturating_sub(RECENT_US);
    let m = Match::new;
    let q = Query {
        since: Some(since),
        fields: Fields::Only(FIELDS.iter().map(|s| s.to_string()).collect()),
        ..Query::default()
    };
    // One clause: PID 1's failure and OOM messages, root's coredumps (as journalctl -u
    // trusts them), every kernel message (the kill and its cgroup line differ in level).
    let mut q = q.operand_groups(vec![
        vec![m("MESSAGE_ID", UNIT_FAILURE_RESULT), m("_PID", "1")],
        vec![m("MESSAGE_ID", UNIT_OUT_OF_MEMORY), m("_PID", "1")],
        vec![m("MESSAGE_ID", COREDUMP), m("_UID", "0")],
        vec![m("_TRANSPORT", "kernel")],
    ]);
    q.until = Some(now);
    let mut per_unit: BTreeMap<String, UnitTrouble> = BTreeMap::new();
    let mut kills: Vec<Kill> = Vec::new();
    let mut memcg: BTreeMap<u32, String> = BTreeMap::new();
    let journal_dir = dir.map(|d| d.display().to_string());
    crate::journal::search(files, &q, &mut |e| {
        let id = e.field("MESSAGE_ID").unwrap_or(b"");
        if e.field("_TRANSPORT") == Some(b"kernel".as_slice()) {
            let msg = text(&e, "MESSAGE").unwrap_or_default();
            if let Some(c) = memcg_line().captures(&msg) {
                if let (Some(unit), Ok(pid)) = (unit_of_cgroup(&c[1]), c[2].parse()) {
                    memcg.insert(pid, unit);
                }
            } else if let Some(c) = kill_line().captures(&msg) {
                if let Ok(pid) = c[1].parse() {
                    kills.push(Kill {
                        realtime: e.realtime,
                        boot_id: e.boot_id,
                        pid,
                        name: c[2].to_string(),
                        message: msg.lines().next().unwrap_or("").to_string(),
                    });
                }
            }
        } else if id == UNIT_FAILURE_RESULT.as_bytes() {
            if let Some(unit) = text(&e, "UNIT") {
                let result = text(&e, "UNIT_RESULT").unwrap_or_else(|| "unknown".into());
                let t = at(&mut per_unit, &journal_dir, unit.clone(), &e);
                t.unit = Some(unit);
                t.failures += 1;
                if !t.results.contains(&result) {
                    t.results.push(result);
                }
            }
        } else if id == UNIT_OUT_OF_MEMORY.as_bytes() {
            if let Some(unit) = text(&e, "UNIT") {
                let t = at(&mut per_unit, &journal_dir, unit.clone(), &e);
                t.unit = Some(unit);
                t.oom_kills += 1;
            }
        } else if id == COREDUMP.as_bytes() {
            let pid = text(&e, "COREDUMP_PID").and_then(|p| p.parse::<u32>().ok());
            let comm = text(&e, "COREDUMP_COMM").unwrap_or_else(|| "?".into());
            let unit = text(&e, "COREDUMP_UNIT");
            let key = unit
                .clone()
                .unwrap_or_else(|| format!("pid {}", pid.unwrap_or(0)));
            let signal = text(&e, "COREDUMP_SIGNAL_NAME")
                .or_else(|| text(&e, "COREDUMP_SIGNAL").map(|s| format!("signal {s}")));
            let t = at(&mut per_unit, &journal_dir, key, &e);
            t.unit = unit;
            t.crashes += 1;
            if let Some(pid) = pid {
                t.pid = Some(pid);
                t.process = Some(format!("{comm} (pid {pid})"));
            }
            if let Some(s) = signal {
                if !t.signals.contains(&s) {
                    t.signals.push(s);
                }
            }
        }
        true
    });
    // The kernel's kills, each to its unit. PID 1's own OOM message is the same kill seen
    // by the manager: a unit's count is the larger of the two, not their sum.
    let mut kernel_kills: BTreeMap<String, u64> = BTreeMap::new();
    // An OOM storm must not become a search per victim: at most PID_LOOKUPS of them.
    let mut lookups = 0;
    for k in &kills {
        let unit = memcg.get(&k.pid).cloned().or_else(|| {
            lookups += 1;
            (lookups <= PID_LOOKUPS)
                .then(|| unit_of_pid(files, k))
                .flatten()
        });
        let key = unit.clone().unwrap_or_else(|| format!("pid {}", k.pid));
        let t = per_unit.entry(key.clone()).or_insert_with(|| UnitTrouble {
            first_us: k.realtime,
            journal_dir: journal_dir.clone(),
            ..UnitTrouble::default()
        });
        t.unit = unit;
        t.first_us = t.first_us.min(k.realtime);
        t.last_us = t.last_us.max(k.realtime);
        t.pid = Some(k.pid);
        t.process = Some(format!("{} (pid {})", k.name, k.pid));
        if t.messages.len() < MESSAGES {
            t.messages.push(k.message.clone());
        }
        *kernel_kills.entry(key).or_default() += 1;
    }
    for (key, n) in kernel_kills {
        if let Some(t) = per_unit.get_mut(&key) {
            t.oom_kills = t.oom_kills.max(n);
        }
    }
    for t in per_unit.values_mut() {
        // "Failed with result 'oom-kill'" is itself word of a kill.
        if t.oom_kills == 0 && t.results.iter().any(|r| r == "oom-kill") {
            t.oom_kills = 1;
        }
    }
    let mut out: Vec<UnitTrouble> = per_unit.into_values().collect();
    out.sort_by_key(|t| std::cmp::Reverse(t.last_us));
    out
}

/// The unit of the process the kernel killed: the last entry it wrote before the kill in
/// that boot that names its unit, through the `_PID=N` entry list only (the boot is tested
/// on the entries found: the `_BOOT_ID` list is the whole boot's).
fn unit_of_pid(files: &[PathBuf], k: &Kill) -> Option<String> {
    let q = Query {
        until: Some(k.realtime),
        last: Some(16),
        fields: Fields::Only(vec!["_SYSTEMD_UNIT".into()]),
        ..Query::default()
    }
    .matches(vec![Match::new("_PID", k.pid.to_string())]);
    let mut unit = None;
    crate::journal::search(files, &q, &mut |e| {
        if e.boot_id == k.boot_id {
            if let Some(u) = text(&e, "_SYSTEMD_UNIT") {
                unit = Some(u);
            }
        }
        true
    });
    unit
}
