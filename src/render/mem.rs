//! Prints `oncall mem`: the `free` table, pressure, OOM evidence, cgroup limit, top consumers.

use super::printable::printable;
use super::{group_pressure, json, markdown, table, units, Format, Ui};
use crate::system::memory::MemReport;
use crate::system::pressure::Averages;
use std::io::{self, Write};

pub fn render(ui: &Ui, out: &mut dyn Write, r: &MemReport) -> io::Result<()> {
    match ui.format {
        Format::Json | Format::Prometheus => json::write(out, r),
        Format::Markdown => {
            markdown::table(out, &FREE_HEADER, &free_rows(r))?;
            writeln!(out)?;
            for line in notes(r) {
                writeln!(out, "- {line}")?;
            }
            writeln!(out)?;
            if !r.groups.is_empty() {
                markdown::table(out, &group_header(r), &group_rows(r))?;
                writeln!(out)?;
            }
            markdown::table(out, &TOP_HEADER, &top_rows(r))
        }
        Format::Table => {
            let mut t = table::new(ui, &FREE_HEADER);
            for row in free_rows(r) {
                t.add_row(row);
            }
            table::write(out, &t)?;
            writeln!(out)?;
            for line in notes(r) {
                writeln!(out, "{}", ui.wrap(&line, 2))?;
            }
            if !r.groups.is_empty() {
                writeln!(
                    out,
                    "\n{}",
                    ui.style
                        .bold("Containers, pods and units by use of their limit")
                )?;
                let mut t = table::new(ui, &group_header(r));
                for row in group_rows(r) {
                    t.add_row(row);
                }
                table::write(out, &t)?;
                if group_psi(r) {
                    writeln!(
                        out,
                        "{}",
                        ui.wrap(
                            "PSI C/M/IO: the group's own cpu, memory and io pressure, some avg10 % (v2)",
                            2
                        )
                    )?;
                }
            }
            if !r.top.is_empty() {
                writeln!(out, "\n{}", ui.style.bold("Top consumers by RSS"))?;
                let mut t = table::new(ui, &TOP_HEADER);
                for row in top_rows(r) {
                    t.add_row(row);
                }
                table::write(out, &t)?;
            }
            ui.hint(
                out,
                "same as: free -h; vmstat 1 5; cat /proc/pressure/memory; dmesg -T | grep -i 'killed process'",
            )
        }
    }
}

const FREE_HEADER: [&str; 7] = [
    "",
    "total",
    "used",
    "free",
    "shared",
    "buff/cache",
    "available",
];
fn capitalised(s: &str) -> String {
    let mut c = s.chars();
    c.next()
        .map(|f| f.to_uppercase().chain(c).collect())
        .unwrap_or_default()
}

const GROUP_HEADER: [&str; 8] = [
    "KIND",
    "NAME",
    "MEM",
    "LIMIT",
    "%LIMIT",
    "OOM KILLS",
    "FAILCNT",
    "THROTTLED",
];

/// Per-group PSI exists only on v2: the column is there only when some group has it.
fn group_psi(r: &MemReport) -> bool {
    group_pressure::any(r.groups.iter().map(|g| &g.counters))
}

fn group_header(r: &MemReport) -> Vec<&'static str> {
    let mut h = GROUP_HEADER.to_vec();
    if group_psi(r) {
        h.push(group_pressure::HEADER);
    }
    h
}

/// One row per group: the cgroup's own charge against its limit, OOM and throttle counters,
/// and on v2 its own PSI.
fn group_rows(r: &MemReport) -> Vec<Vec<String>> {
    let psi = group_psi(r);
    r.groups
        .iter()
        .map(|g| {
            let c = &g.counters;
            let mut row = vec![
                g.kind.to_string(),
                printable(&g.name).into_owned(),
                units::opt_bytes(c.memory_bytes),
                c.memory_limit_bytes
                    .map(units::bytes)
                    .unwrap_or_else(|| "none".into()),
                g.percent_of_limit
                    .map(|p| format!("{p:.0}%"))
                    .unwrap_or_else(|| "-".into()),
                units::opt(c.oom_kills),
                c.failcnt
                    .or(c.oom_events)
                    .map(|n| n.to_string())
                    .unwrap_or_else(|| "-".into()),
                match (c.nr_throttled, c.throttled_seconds) {
                    (Some(n), Some(s)) => format!("{n} ({s:.1}s)"),
                    (Some(n), None) => n.to_string(),
                    _ => "-".into(),
                },
            ];
            if psi {
                row.push(group_pressure::cell(c));
            }
            row
        })
        .collect()
}

const TOP_HEADER: [&str; 5] = ["PID", "USER", "NAME", "RSS", "%MEM"];

fn free_rows(r: &MemReport) -> Vec<Vec<String>> {
    let f = &r.free;
    let b = units::bytes;
    vec![
        vec![
            "Mem:".into(),
            b(f.total_bytes),
            b(f.used_bytes),
            b(f.free_bytes),
            b(f.shared_bytes),
            b(f.buff_cache_bytes),
            b(f.available_bytes),
        ],
        vec![
            "Swap:".into(),
            b(f.swap_total_bytes),
            b(f.swap_used_bytes),
            b(f.swap_free_bytes),
            String::new(),
            String::new(),
            String::new(),
        ],
    ]
}

fn top_rows(r: &MemReport) -> Vec<Vec<String>> {
    r.top
        .iter()
        .map(|c| {
            vec![
                c.pid.to_string(),
                c.user.clone().unwrap_or_else(|| "?".into()),
                printable(&c.name).into_owned(),
                units::bytes(c.rss_bytes),
                format!("{:.1}", c.percent_of_total),
            ]
        })
        .collect()
}

fn averages(a: &Averages) -> String {
    format!("{:.2} / {:.2} / {:.2}", a.avg10, a.avg60, a.avg300)
}

/// The lines under the table: pressure, OOM kills, cgroup limit.
fn notes(r: &MemReport) -> Vec<String> {
    let mut lines = Vec::new();
    match &r.pressure {
        Some(p) => {
            let mut line = format!(
                "Pressure (% of time stalled, avg10 / avg60 / avg300): some {}",
                averages(&p.some)
            );
            if let Some(full) = &p.full {
                line.push_str(&format!(", full {}", averages(full)));
            }
            lines.push(line);
        }
        None => lines.push("Pressure: not available (no /proc/pressure on this kernel)".into()),
    }
    let kills = units::opt(r.oom.kills_since_boot);
    let log = match (&r.oom.kernel_log, &r.oom.kernel_log_note) {
        (Some(k), _) if k.is_empty() => "none in the kernel log".to_string(),
        (Some(k), _) => {
            let last = &k[k.len() - 1];
            format!(
                "{} in the kernel log, last: {} at {}",
                k.len(),
                last.process,
                last.time.as_deref().unwrap_or("?")
            )
        }
        (None, Some(note)) => note.clone(),
        (None, None) => "kernel log not read".into(),
    };
    lines.push(format!("OOM kills since boot: {kills} ({log})"));
    if let Some(k) = &r.oom.kernel_log {
        for kill in k.iter().rev().take(5) {
            lines.push(format!(
                "  {} pid {} ({})",
                kill.time.as_deref().unwrap_or("?"),
                units::opt(kill.pid),
                kill.process
            ));
        }
    }
    if let Some(i) = &r.inside_container {
        // Judged against the container's limit, with the host's total beside it.
        let against = match &r.cgroup {
            Some(c) => format!(
                "its memory limit is {} (the host has {})",
                units::bytes(c.limit_bytes),
                units::bytes(r.free.total_bytes)
            ),
            None => format!(
                "no memory limit of its own: the host's {} is its bound",
                units::bytes(r.free.total_bytes)
            ),
        };
        lines.push(format!("{}: {against}", capitalised(&i.describe())));
    }
    if let Some(c) = &r.cgroup {
        let usage = units::opt_bytes(c.usage_bytes);
        let events: Vec<String> = c
            .events
            .iter()
            .filter(|(_, v)| **v > 0)
            .map(|(k, v)| format!("{k} {v}"))
            .collect();
        lines.push(format!(
            "cgroup v{} {}: limit {}, usage {}{}",
            c.version,
            c.path,
            units::bytes(c.limit_bytes),
            usage,
            if events.is_empty() {
                String::new()
            } else {
                format!(", events: {}", events.join(", "))
            }
        ));
    }
    lines
}
