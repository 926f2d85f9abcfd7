//! Prints a [`TriageReport`]: findings first, then the numbers by subsystem; as a terminal
//! report, Markdown for an incident channel, or JSON.

use super::printable::printable;
use super::units::bytes;
use super::{json, Format, Ui};
use crate::triage::model::{Finding, Observations, Severity};
use crate::triage::TriageReport;
use std::io::{self, Write};

pub fn render(ui: &Ui, out: &mut dyn Write, r: &TriageReport) -> io::Result<()> {
    match ui.format {
        Format::Json | Format::Prometheus => json::write(out, r),
        Format::Markdown => markdown(out, r),
        Format::Table => terminal(ui, out, r),
    }
}

fn badge(ui: &Ui, s: Severity) -> String {
    match s {
        Severity::Critical => ui.style.bad("CRITICAL"),
        Severity::Warning => ui.style.warn("WARNING "),
        Severity::Info => ui.style.dim("info    "),
    }
}

/// Filesystems listed in the text report (fullest first).
const FILESYSTEMS_SHOWN: usize = 8;

/// The numbers of each subsystem as short `label: text` lines, shared by both text formats.
fn section_lines(o: &Observations) -> Vec<(&'static str, String)> {
    let mut v = Vec::new();
    if let Some(l) = o.load {
        v.push((
            "load",
            format!(
                "{:.2} {:.2} {:.2} on {} CPUs",
                l.one, l.five, l.fifteen, o.cpus
            ),
        ));
    }
    if let Some(c) = &o.cpu {
        v.push((
            "cpu",
            format!(
                "user {:.0}%  sys {:.0}%  iowait {:.0}%  steal {:.0}%  idle {:.0}%  run queue {}  blocked {}",
                c.user_percent, c.system_percent, c.iowait_percent, c.steal_percent, c.idle_percent, c.run_queue, c.blocked
            ),
        ));
        v.push((
            "swap",
            format!(
                "in {:.0} pages/s, out {:.0} pages/s",
                c.swap_in_pages_per_second, c.swap_out_pages_per_second
            ),
        ));
    }
    if let Some(m) = &o.memory {
        v.push((
            "memory",
            format!(
                "{} available of {}; swap {} used of {}; OOM kills since boot {}",
                bytes(m.available_bytes),
                bytes(m.total_bytes),
                bytes(m.swap_used_bytes),
                bytes(m.swap_total_bytes),
                m.oom_kills_total
            ),
        ));
    }
    if let Some(c) = &o.container_limits {
        let mut parts = Vec::new();
        if let (Some(l), Some(w)) = (c.memory_limit_bytes, c.memory_working_set_bytes) {
            parts.push(format!(
                "memory {} working set of its {} limit ({} available)",
                bytes(w),
                bytes(l),
                bytes(c.memory_available_bytes.unwrap_or(0))
            ));
        }
        if let Some(q) = c.cpu_quota_cpus {
            parts.push(match c.cpu_used_cpus {
                Some(u) => format!("CPU quota {q:.2} CPUs, {u:.2} used"),
                None => format!("CPU quota {q:.2} CPUs"),
            });
        }
        if !parts.is_empty() {
            v.push(("container", parts.join("; ")));
        }
    }
    if let Some(p) = o.pressure {
        let f = |v: Option<f64>| v.map_or("-".into(), |x| format!("{x:.1}"));
        v.push((
            "pressure",
            format!(
                "avg10 some: cpu {} memory {} io {}; full: memory {} io {}",
                f(p.cpu_some_avg10),
                f(p.memory_some_avg10),
                f(p.io_some_avg10),
                f(p.memory_full_avg10),
                f(p.io_full_avg10)
            ),
        ));
    }
    let procs = |list: &[crate::triage::model::ProcessUse], cpu: bool| {
        list.iter()
            .take(3)
            .map(|p| {
                if cpu {
                    format!(
                        "{} ({}) {:.0}%",
                        printable(&p.name),
                        p.pid,
                        p.cpu_percent.unwrap_or(0.0)
                    )
                } else {
                    format!(
                        "{} ({}) {}",
                        printable(&p.name),
                        p.pid,
                        p.rss_bytes.map_or("?".into(), bytes)
                    )
                }
            })
            .collect::<Vec<_>>()
            .join(", ")
    };
    if !o.top_cpu.is_empty() {
        v.push(("top cpu", procs(&o.top_cpu, true)));
        v.push(("top memory", procs(&o.top_mem, false)));
    }
    v.extend(top_containers(o));
    for d in &o.disks_io {
        v.push((
            "disk",
            format!(
                "{}: {:.0} r/s {:.0} w/s, await {:.1} ms, util {:.0}%",
                d.device, d.reads_per_second, d.writes_per_second, d.await_ms, d.util_percent
            ),
        ));
    }
    // Every filesystem the JSON has (df's set), fullest first: the ones that hang, then by
    // the fuller of blocks and inodes; a long list is cut, the JSON keeps the rest.
    let mut fs: Vec<&crate::triage::model::FilesystemUse> = o.filesystems.iter().collect();
    let fullness = |f: &crate::triage::model::FilesystemUse| {
        f.used_percent.max(f.inodes_used_percent.unwrap_or(0.0))
    };
    fs.sort_by(|a, b| {
        b.not_responding
            .cmp(&a.not_responding)
            .then(fullness(b).total_cmp(&fullness(a)))
    });
    for f in fs.iter().take(FILESYSTEMS_SHOWN) {
        v.push((
            "filesystem",
            if f.not_responding {
                format!("{}: not responding", printable(&f.mount))
            } else {
                let inodes = match f.inodes_used_percent {
                    Some(i) if i >= 50.0 => format!(", inodes {i:.0}% used"),
                    _ => String::new(),
                };
                format!(
                    "{}: {:.0}% used, {} free of {}{inodes}{}",
                    printable(&f.mount),
                    f.used_percent,
                    bytes(f.avail_bytes),
                    bytes(f.size_bytes),
                    if f.read_only { " (read-only)" } else { "" }
                )
            },
        ));
    }
    if fs.len() > FILESYSTEMS_SHOWN {
        v.push((
            "filesystem",
            format!(
                "… {} more, less full (--json lists them)",
                fs.len() - FILESYSTEMS_SHOWN
            ),
        ));
    }
    if let Some(d) = &o.deleted {
        v.push((
            "deleted",
            format!("{} pinned by deleted open files", bytes(d.total_bytes)),
        ));
    }
    if let Some(n) = &o.network {
        for (name, rx, tx) in &n.interface_throughput {
            v.push((
                "interface",
                format!(
                    "{name}: rx {}/s, tx {}/s",
                    bytes(*rx as u64),
                    bytes(*tx as u64)
                ),
            ));
        }
        v.push((
            "tcp",
            format!(
                "{:.0} segments/s out, {:.2}% retransmitted, {:.1} resets/s sent, {} listen overflows",
                n.out_segments_per_second, n.retransmit_percent, n.resets_sent_per_second, n.listen_overflows_in_window
            ),
        ));
    }
    if let Some(s) = &o.sockets {
        v.push((
            "sockets",
            format!(
                "{} established, {} time-wait, {} close-wait, {} syn-recv; {} listeners filling",
                s.established,
                s.time_wait,
                s.close_wait,
                s.syn_recv,
                s.filling_listeners.len()
            ),
        ));
        let memory = match s.tcp_mem_pressure_pages {
            Some(p) => format!("{} pages of buffers (pressure at {p})", s.tcp_memory_pages),
            None => format!("{} pages of buffers", s.tcp_memory_pages),
        };
        let orphans = match s.max_orphans {
            Some(max) => format!("{} orphaned sockets (max {max})", s.orphaned),
            None => format!("{} orphaned sockets", s.orphaned),
        };
        v.push(("tcp memory", format!("{memory}; {orphans}")));
    }
    if let Some(c) = o
        .cgroup
        .as_ref()
        .filter(|c| c.memory_limit_bytes.is_some() || c.throttled_percent.is_some())
    {
        v.push((
            "cgroup",
            format!(
                "{}: memory {} of {}; {}throttled {}",
                if c.path.is_empty() { "/" } else { &c.path },
                c.memory_current_bytes.map_or("?".into(), bytes),
                c.memory_limit_bytes.map_or("no limit".into(), bytes),
                // Under cgroup v1 the CPU hierarchy can place the process elsewhere.
                match c.cpu_path.as_deref() {
                    Some(p) if p != c.path => format!("cpu cgroup {p} "),
                    _ => String::new(),
                },
                c.throttled_percent
                    .map_or("-".into(), |t| format!("{t:.0}% of periods"))
            ),
        ));
    }
    if let Some(k) = &o.kernel {
        v.push((
            "kernel",
            format!(
                "{} in 15 min, {} in the log",
                super::units::plural(k.recent_errors.len() as u64, "error", "errors"),
                super::units::plural(k.oom_victims.len() as u64, "OOM kill", "OOM kills")
            ),
        ));
    }
    for b in &o.log_bursts {
        v.push((
            "logs",
            format!(
                "{}: {} in 15 min ({} before)",
                b.path,
                super::units::plural(b.errors_last_15m, "error", "errors"),
                b.errors_before
            ),
        ));
    }
    for p in &o.probes {
        v.push((
            "probe",
            format!(
                "{}: {} {}",
                p.target,
                if p.ok { "ok" } else { "FAILED" },
                p.detail
            ),
        ));
    }
    v
}

/// The five busiest containers by CPU over the window and by their cgroup's memory.
fn top_containers(o: &Observations) -> Vec<(&'static str, String)> {
    let mut c: Vec<&crate::system::containers::census::GroupState> =
        o.groups.iter().filter(|g| g.kind == "container").collect();
    if c.is_empty() {
        return Vec::new();
    }
    let list = |c: &[&crate::system::containers::census::GroupState], cpu: bool| {
        c.iter()
            .take(5)
            .map(|g| {
                let v = if cpu {
                    g.cpu_percent.map_or("?".into(), |p| format!("{p:.0}%"))
                } else {
                    g.counters.memory_bytes.map_or("?".into(), bytes)
                };
                format!("{} {v}", printable(&g.name))
            })
            .collect::<Vec<_>>()
            .join(", ")
    };
    c.sort_by(|a, b| {
        b.cpu_percent
            .unwrap_or(0.0)
            .total_cmp(&a.cpu_percent.unwrap_or(0.0))
    });
    let by_cpu = list(&c, true);
    c.sort_by_key(|g| std::cmp::Reverse(g.counters.memory_bytes));
    vec![
        ("containers cpu", by_cpu),
        ("containers mem", list(&c, false)),
    ]
}

/// Where a finding's lines start: under its title, past the 8-column badge and a space.
const FINDING_INDENT: &str = "         ";

fn write_finding(ui: &Ui, out: &mut dyn Write, f: &Finding) -> io::Result<()> {
    // Wrapped to the terminal with continuation lines under the text: at 80 columns a title
    // with a time in it broke mid-word at column 0 ("at 2026" / "-12-02T…").
    let title = ui.wrap_after(FINDING_INDENT, &printable(&f.title));
    writeln!(
        out,
        "{} {}",
        badge(ui, f.severity),
        ui.style.bold(&title[FINDING_INDENT.len()..])
    )?;
    if !f.detail.is_empty() {
        writeln!(out, "{FINDING_INDENT}{}", ui.wrap(&f.detail, 9))?;
    }
    for e in &f.evidence {
        let e = ui.wrap_after(FINDING_INDENT, &printable(e));
        writeln!(
            out,
            "{FINDING_INDENT}{}",
            ui.style.dim(&e[FINDING_INDENT.len()..])
        )?;
    }
    if !f.next.is_empty() {
        let cmds: Vec<String> = f.next.iter().map(|c| ui.style.command(c)).collect();
        let plain = FINDING_INDENT.len() + "next: ".len() + f.next.join("  |  ").chars().count();
        if ui.width.is_some_and(|w| plain > usize::from(w)) {
            // Too long for one line: one command a line, each under the first (a command is
            // never split, so it can be copied whole).
            let under = format!("\n{FINDING_INDENT}      ");
            writeln!(out, "{FINDING_INDENT}next: {}", cmds.join(&under))?;
        } else {
            writeln!(out, "{FINDING_INDENT}next: {}", cmds.join("  |  "))?;
        }
    }
    if let Some(rb) = f.runbook {
        writeln!(
            out,
            "{FINDING_INDENT}runbook: {}",
            ui.style.command(&format!("oncall cheat --runbook {rb}"))
        )?;
    }
    Ok(())
}

fn terminal(ui: &Ui, out: &mut dyn Write, r: &TriageReport) -> io::Result<()> {
    writeln!(
        out,
        "{} — {} — window {} ms",
        ui.style.bold(&r.host),
        r.taken_at,
        r.window_ms
    )?;
    if let Some(i) = &r.sections.observed.inside_container {
        let limit = r
            .sections
            .observed
            .cgroup
            .as_ref()
            .and_then(|c| c.memory_limit_bytes);
        let host = r.sections.observed.memory.as_ref().map(|m| m.total_bytes);
        let mut judged = Vec::new();
        if let (Some(l), Some(h)) = (limit, host) {
            judged.push(format!(
                "memory judged against its limit {} (host {})",
                bytes(l),
                bytes(h)
            ));
        }
        let observed = &r.sections.observed;
        if let Some(q) = observed
            .container_limits
            .as_ref()
            .and_then(|c| c.cpus(observed.cpus))
        {
            judged.push(format!(
                "CPU judged against its quota of {q:.2} CPUs (host {})",
                observed.cpus
            ));
        }
        let beside = if judged.is_empty() {
            String::new()
        } else {
            format!(": {}", judged.join(", "))
        };
        writeln!(out, "{}{beside}", ui.wrap(&i.describe(), 2))?;
    }
    writeln!(out)?;
    if r.findings.is_empty() {
        writeln!(
            out,
            "{}",
            ui.style.good("No findings: nothing above the thresholds.")
        )?;
    }
    for f in &r.findings {
        write_finding(ui, out, f)?;
    }
    writeln!(out)?;
    for (label, text) in section_lines(&r.sections.observed) {
        // Padded before it is styled: the escape codes take no columns. Wrapped to the
        // terminal with continuation lines under the text, not under the label (at 80 columns
        // the memory and socket lines ran on at column 0).
        let label = format!("{label:>11}");
        let wrapped = ui.wrap_after(&format!("{label}  "), &text);
        writeln!(out, "{}{}", ui.style.bold(&label), &wrapped[label.len()..])?;
    }
    for c in r.sections.collectors.iter().filter(|c| c.status != "ok") {
        writeln!(
            out,
            "{}  {} {}: {}",
            ui.style.warn(&format!("{:>11}", "collector")),
            c.name,
            c.status,
            c.error.as_deref().unwrap_or("")
        )?;
    }
    ui.hint(
        out,
        "the classic checklist: uptime; dmesg -T | tail; vmstat 1; mpstat -P ALL 1; pidstat 1; iostat -xz 1; free -m; sar -n DEV 1; sar -n TCP,ETCP 1; top",
    )
}

fn markdown(out: &mut dyn Write, r: &TriageReport) -> io::Result<()> {
    writeln!(
        out,
        "## Triage of `{}` at {} (window {} ms)\n",
        r.host, r.taken_at, r.window_ms
    )?;
    writeln!(out, "### Findings\n")?;
    if r.findings.is_empty() {
        writeln!(out, "No findings: nothing above the thresholds.")?;
    }
    for f in &r.findings {
        writeln!(out, "- **{}**: {}", f.severity.label(), printable(&f.title))?;
        if !f.detail.is_empty() {
            writeln!(out, "  - {}", f.detail)?;
        }
        for e in &f.evidence {
            writeln!(out, "  - {}", printable(e))?;
        }
        if !f.next.is_empty() {
            let cmds: Vec<String> = f.next.iter().map(|c| format!("`{c}`")).collect();
            writeln!(out, "  - next: {}", cmds.join(", "))?;
        }
        if let Some(rb) = f.runbook {
            writeln!(out, "  - runbook: `oncall cheat --runbook {rb}`")?;
        }
    }
    writeln!(out, "\n### Numbers\n")?;
    for (label, text) in section_lines(&r.sections.observed) {
        writeln!(out, "- {label}: {text}")?;
    }
    for c in r.sections.collectors.iter().filter(|c| c.status != "ok") {
        writeln!(
            out,
            "- collector {} {}: {}",
            c.name,
            c.status,
            c.error.as_deref().unwrap_or("")
        )?;
    }
    Ok(())
}
