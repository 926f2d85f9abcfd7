//! `oncall mem` against /proc/meminfo and procps `free -b`.

mod support;

use serde_json::Value;
use std::collections::HashMap;
use std::process::Command;
use support::{oncall, stdout_json};

fn meminfo() -> HashMap<String, u64> {
    std::fs::read_to_string("/proc/meminfo")
        .unwrap()
        .lines()
        .filter_map(|l| {
            let (k, v) = l.split_once(':')?;
            let kb: u64 = v.split_whitespace().next()?.parse().ok()?;
            Some((k.to_string(), kb * 1024))
        })
        .collect()
}

/// `free -b`: (Mem: row, Swap: row) as numbers.
fn free_b() -> (Vec<u64>, Vec<u64>) {
    let out = Command::new("free")
        .arg("-b")
        .output()
        .expect("procps free is installed");
    let text = String::from_utf8_lossy(&out.stdout).to_string();
    let row = |name: &str| -> Vec<u64> {
        text.lines()
            .find(|l| l.starts_with(name))
            .unwrap()
            .split_whitespace()
            .skip(1)
            .map(|n| n.parse().unwrap())
            .collect()
    };
    (row("Mem:"), row("Swap:"))
}

fn field(doc: &Value, name: &str) -> u64 {
    doc[name]
        .as_u64()
        .unwrap_or_else(|| panic!("{name} missing or not a number: {doc}"))
}

/// Memory moves while other processes run: ours must lie between `free`'s figures taken just
/// before and just after, give or take 1% of RAM.
fn between(ours: u64, before: u64, after: u64, total: u64, what: &str) {
    let slack = total / 100;
    let (lo, hi) = (before.min(after), before.max(after));
    assert!(
        ours + slack >= lo && ours <= hi + slack,
        "{what}: {ours} not within [{lo}, {hi}] ± {slack}"
    );
}

#[test]
fn figures_match_meminfo_and_free() {
    let (mem0, swap0) = free_b();
    let doc = stdout_json(&["mem", "--json"]);
    let (mem1, swap1) = free_b();
    let m = meminfo();
    let total = field(&doc, "total_bytes");
    // Fixed quantities: exact.
    assert_eq!(total, m["MemTotal"]);
    assert_eq!(total, mem0[0], "free's total");
    assert_eq!(field(&doc, "swap_total_bytes"), m["SwapTotal"]);
    assert_eq!(field(&doc, "swap_total_bytes"), swap0[0]);
    // free -b columns: total used free shared buff/cache available.
    for (name, col) in [
        ("used_bytes", 1),
        ("free_bytes", 2),
        ("buff_cache_bytes", 4),
        ("available_bytes", 5),
    ] {
        between(field(&doc, name), mem0[col], mem1[col], total, name);
    }
    between(
        field(&doc, "swap_used_bytes"),
        swap0[1],
        swap1[1],
        total,
        "swap used",
    );
    // procps 4's arithmetic, on our own numbers: used = total − available.
    assert_eq!(
        field(&doc, "used_bytes"),
        total - field(&doc, "available_bytes")
    );
}

#[test]
fn json_has_pressure_top_consumers_and_oom_evidence() {
    let doc = stdout_json(&["mem", "--json", "--top", "3"]);
    let top = doc["top"].as_array().unwrap();
    assert_eq!(top.len(), 3);
    let rss: Vec<u64> = top
        .iter()
        .map(|c| c["rss_bytes"].as_u64().unwrap())
        .collect();
    assert!(rss.windows(2).all(|w| w[0] >= w[1]), "{rss:?}");
    if std::path::Path::new("/proc/pressure/memory").exists() {
        assert!(doc["pressure"]["some"]["avg10"].is_number(), "{doc}");
    } else {
        eprintln!("no /proc/pressure here: PSI not checked");
    }
    let vm = std::fs::read_to_string("/proc/vmstat").unwrap();
    if let Some(line) = vm.lines().find(|l| l.starts_with("oom_kill ")) {
        let kills: u64 = line[9..].trim().parse().unwrap();
        assert_eq!(doc["oom"]["kills_since_boot"], kills);
    }
    // Either the kernel log was read, or the report says why not.
    assert!(doc["oom"]["kernel_log"].is_array() || doc["oom"]["kernel_log_note"].is_string());
}

#[test]
fn table_is_free_shaped_with_hint() {
    let out = oncall().arg("mem").assert().success();
    let text = String::from_utf8_lossy(&out.get_output().stdout).to_string();
    for word in [
        "total",
        "used",
        "available",
        "Mem:",
        "Swap:",
        "OOM kills",
        "Top consumers",
    ] {
        assert!(text.contains(word), "{word}:\n{text}");
    }
    assert!(text.contains("hint: same as: free -h"), "{text}");
}
