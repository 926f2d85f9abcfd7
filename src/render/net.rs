//! Renders `oncall net` (the socket list and its summary) and `oncall net stats`.

use super::printable::printable;
use super::{json, markdown, table, Format, Ui};
use crate::system::net_stats::NetRates;
use crate::system::sockets::{Endpoint, SocketReport, Summary};
use serde::Serialize;
use std::io::{self, Write};

pub fn sockets(
    ui: &Ui,
    out: &mut dyn Write,
    r: &SocketReport,
    processes: bool,
    filters: &str,
    hint: &str,
) -> io::Result<()> {
    let mut header = vec!["Proto", "State", "Local", "Remote", "Recv-Q", "Send-Q"];
    if processes {
        header.extend(["PID", "Process"]);
    }
    // Where the owners run, only where some owner is in a container, pod or unit.
    let runs_in = processes && r.sockets.iter().any(|s| s.runs_in.is_some());
    if runs_in {
        header.push("Runs in");
    }
    let rows = || {
        r.sockets.iter().map(|s| {
            let mut row = vec![
                s.proto.name().to_string(),
                s.state.name().to_string(),
                endpoint(&s.local),
                endpoint(&s.remote),
                s.recv_q.to_string(),
                s.send_q.to_string(),
            ];
            if processes {
                row.push(s.pid.map(|p| p.to_string()).unwrap_or_default());
                row.push(printable(s.process.as_deref().unwrap_or_default()).into_owned());
            }
            if runs_in {
                row.push(printable(s.runs_in.as_deref().unwrap_or("-")).into_owned());
            }
            row
        })
    };
    match ui.format {
        Format::Json => json::write(out, r),
        Format::Markdown => {
            markdown::table(out, &header, &rows().collect::<Vec<_>>())?;
            writeln!(out)?;
            for line in summary_lines(r) {
                writeln!(out, "- {}", markdown::cell(line.trim_start()))?;
            }
            Ok(())
        }
        _ if r.sockets.is_empty() => {
            // One line, not a header over nothing and a summary of zeros.
            if filters.is_empty() {
                writeln!(out, "no sockets")
            } else {
                writeln!(out, "no socket matched {filters}")
            }
        }
        _ => {
            let rows: Vec<Vec<String>> = rows().collect();
            if !aligned(ui, out, &header, &rows)? {
                let mut t = table::new(ui, &header);
                for row in rows {
                    t.add_row(row);
                }
                table::write(out, &t)?;
            }
            writeln!(out)?;
            for line in summary_lines(r) {
                writeln!(out, "{line}")?;
            }
            ui.hint(out, hint)
        }
    }
}

/// Writes the rows as comfy-table's borderless preset lays them out (a space either side
/// of each cell), straight to `out`: a busy host has tens of thousands of sockets, and
/// comfy-table's per-cell work would take several times longer than `ss`. Returns false,
/// writing nothing, when the rows are wider than the terminal: comfy-table then wraps them.
fn aligned(
    ui: &Ui,
    out: &mut dyn Write,
    header: &[&str],
    rows: &[Vec<String>],
) -> io::Result<bool> {
    let mut widths: Vec<usize> = header.iter().map(|h| h.chars().count()).collect();
    for row in rows {
        for (w, cell) in widths.iter_mut().zip(row) {
            *w = (*w).max(cell.chars().count());
        }
    }
    let total: usize = widths.iter().map(|w| w + 2).sum();
    if ui.width.is_some_and(|w| total > usize::from(w)) {
        return Ok(false);
    }
    let last = widths.len() - 1;
    let mut line = String::with_capacity(total + 16);
    for (i, h) in header.iter().enumerate() {
        line.push(' ');
        line.push_str(&ui.style.bold(h));
        if i < last {
            pad(&mut line, widths[i] + 1 - h.chars().count());
        }
    }
    writeln!(out, "{}", line.trim_end())?;
    for row in rows {
        line.clear();
        for (i, cell) in row.iter().enumerate() {
            line.push(' ');
            line.push_str(cell);
            if i < last {
                pad(&mut line, widths[i] + 1 - cell.chars().count());
            }
        }
        writeln!(out, "{}", line.trim_end())?;
    }
    Ok(true)
}

fn pad(line: &mut String, n: usize) {
    line.extend(std::iter::repeat_n(' ', n));
}

/// `--summary`: the counts alone, as `ss -s`.
pub fn summary_only(ui: &Ui, out: &mut dyn Write, r: &SocketReport, hint: &str) -> io::Result<()> {
    #[derive(Serialize)]
    struct SummaryDoc<'a> {
        source: crate::system::sockets::Source,
        summary: &'a Summary,
        notes: &'a [String],
    }
    match ui.format {
        Format::Json => json::write(
            out,
            &SummaryDoc {
                source: r.source,
                summary: &r.summary,
                notes: &r.notes,
            },
        ),
        Format::Markdown => {
            for line in summary_lines(r) {
                writeln!(out, "- {}", markdown::cell(line.trim_start()))?;
            }
            Ok(())
        }
        _ => {
            for line in summary_lines(r) {
                writeln!(out, "{line}")?;
            }
            ui.hint(out, hint)
        }
    }
}

/// `ss` prints an unset port as `*` (`0.0.0.0:*`); so do tables. JSON keeps the number.
fn endpoint(e: &Endpoint) -> String {
    match e {
        Endpoint::Inet(a) if a.port() == 0 => match a {
            std::net::SocketAddr::V4(v4) => format!("{}:*", v4.ip()),
            std::net::SocketAddr::V6(v6) => format!("[{}]:*", v6.ip()),
        },
        other => other.to_string(),
    }
}

fn summary_lines(r: &SocketReport) -> Vec<String> {
    let s = &r.summary;
    let mut lines = Vec::new();
    let protos: Vec<String> = s
        .by_proto
        .iter()
        .map(|p| {
            if p.proto.is_unix() {
                format!("{} {}", p.proto.name(), p.total)
            } else {
                format!(
                    "{} {} (IPv4 {}, IPv6 {})",
                    p.proto.name(),
                    p.total,
                    p.ipv4,
                    p.ipv6
                )
            }
        })
        .collect();
    let total = super::units::plural(s.total as u64, "socket", "sockets");
    if protos.is_empty() {
        lines.push(format!("Total: {total}"));
    } else {
        lines.push(format!("Total: {total}: {}", protos.join(", ")));
    }
    for p in &s.by_proto {
        let states: Vec<String> = s
            .by_state
            .iter()
            .filter(|c| c.proto == p.proto)
            .map(|c| format!("{} {}", c.state.name(), c.count))
            .collect();
        lines.push(format!("  {}: {}", p.proto.name(), states.join(", ")));
    }
    if let Some(k) = &s.kernel {
        lines.push(kernel_line(k));
    }
    if s.accept_queue_filling.is_empty() {
        lines.push(format!(
            "Accept queues: no TCP listener at {}% of its backlog or more",
            crate::system::sockets::summary::FILLING_PERCENT
        ));
    } else {
        lines.push("Accept queues filling (queued/backlog):".into());
        for l in &s.accept_queue_filling {
            let owner = match (l.pid, &l.process) {
                (Some(pid), Some(name)) => format!("  {} (pid {pid})", printable(name)),
                (Some(pid), None) => format!("  pid {pid}"),
                _ => String::new(),
            };
            lines.push(format!(
                "  {}  {}/{} ({}%){owner}",
                l.local, l.queued, l.backlog, l.fill_percent
            ));
        }
    }
    if let Some(o) = &r.owners {
        let mut line = format!(
            "Owners: {} mapped to a process",
            super::units::plural(o.mapped as u64, "socket", "sockets")
        );
        if o.unmapped > 0 {
            line.push_str(&format!(", {} not mapped", o.unmapped));
            if o.unreadable_processes > 0 {
                line.push_str(&format!(
                    " ({} not readable: run as root)",
                    super::units::plural(o.unreadable_processes as u64, "process", "processes")
                ));
            }
        }
        lines.push(line);
    }
    for n in &r.notes {
        lines.push(format!("Note: {n}"));
    }
    lines
}

pub fn stats(ui: &Ui, out: &mut dyn Write, r: &NetRates) -> io::Result<()> {
    let header = [
        "Interface",
        "RX/s",
        "TX/s",
        "RX pkt/s",
        "TX pkt/s",
        "RX err/s",
        "TX err/s",
        "RX drop/s",
        "TX drop/s",
    ];
    let rows: Vec<Vec<String>> = r
        .interfaces
        .iter()
        .map(|i| {
            vec![
                i.name.clone(),
                bytes_per_second(i.rx_bytes_per_second),
                bytes_per_second(i.tx_bytes_per_second),
                count(i.rx_packets_per_second),
                count(i.tx_packets_per_second),
                count(i.rx_errors_per_second),
                count(i.tx_errors_per_second),
                count(i.rx_drops_per_second),
                count(i.tx_drops_per_second),
            ]
        })
        .collect();
    let t = &r.tcp;
    let tcp = [
        ("active opens/s", count(t.active_opens_per_second)),
        ("passive opens/s", count(t.passive_opens_per_second)),
        ("failed attempts/s", count(t.failed_attempts_per_second)),
        ("segments in/s", count(t.segments_in_per_second)),
        ("segments out/s", count(t.segments_out_per_second)),
        (
            "retransmitted/s",
            format!(
                "{} ({:.2}% of segments out)",
                count(t.retransmitted_segments_per_second),
                t.retransmit_ratio * 100.0
            ),
        ),
        ("resets sent/s", count(t.resets_sent_per_second)),
        ("resets received/s", count(t.resets_received_per_second)),
        ("bad segments in/s", count(t.in_errors_per_second)),
        ("listen overflows/s", count(t.listen_overflows_per_second)),
        ("listen drops/s", count(t.listen_drops_per_second)),
        ("established now", t.established.to_string()),
    ];
    match ui.format {
        Format::Json => json::write(out, r),
        Format::Markdown => {
            writeln!(out, "Over {} ms\n", r.window_ms)?;
            markdown::table(out, &header, &rows)?;
            writeln!(out)?;
            let tcp_rows: Vec<Vec<String>> = tcp
                .iter()
                .map(|(k, v)| vec![k.to_string(), v.clone()])
                .collect();
            markdown::table(out, &["TCP", "value"], &tcp_rows)
        }
        _ => {
            writeln!(
                out,
                "{}",
                ui.style.bold(&format!("Over {} ms", r.window_ms))
            )?;
            let mut t = table::new(ui, &header);
            // Rates stay whole; at 80 columns the headers wrap between their words instead.
            t.keep_whole(&(0..header.len()).collect::<Vec<_>>());
            for row in rows {
                t.add_row(row);
            }
            table::write(out, &t)?;
            writeln!(out)?;
            writeln!(out, "{}", ui.style.bold("TCP"))?;
            let mut kv = table::plain(ui);
            for (k, v) in tcp {
                let busy = (k.starts_with("listen") || k.starts_with("retrans"))
                    && !v.starts_with("0 ")
                    && v != "0";
                kv.add_row(vec![
                    format!("  {k}"),
                    if busy { ui.style.warn(&v) } else { v },
                ]);
            }
            table::write(out, &kv)?;
            ui.hint(out, "same as: sar -n DEV,TCP,ETCP 1 1; nstat -az")
        }
    }
}

/// Rates: whole numbers when large, one decimal when small, `0` when nothing happened.
fn count(v: f64) -> String {
    if v == 0.0 {
        "0".into()
    } else if v >= 100.0 {
        format!("{v:.0}")
    } else {
        format!("{v:.1}")
    }
}

fn bytes_per_second(v: f64) -> String {
    const UNITS: [&str; 5] = ["B", "KiB", "MiB", "GiB", "TiB"];
    let mut v = v;
    let mut unit = 0;
    while v >= 1024.0 && unit < UNITS.len() - 1 {
        v /= 1024.0;
        unit += 1;
    }
    if unit == 0 {
        format!("{v:.0} B/s")
    } else {
        format!("{v:.1} {}/s", UNITS[unit])
    }
}

/// `ss -s`'s kernel figures: orphans against their limit, time-wait, TCP memory against the
/// pressure mark of `tcp_mem`.
fn kernel_line(k: &crate::system::sockets::sockstat::SockStat) -> String {
    let orphans = match k.tcp_max_orphans {
        Some(max) => format!("{} orphaned (max {max})", k.tcp_orphaned),
        None => format!("{} orphaned", k.tcp_orphaned),
    };
    let memory = match (k.tcp_mem_limits, k.tcp_memory_pressure_percent()) {
        (Some([_, pressure, _]), Some(pct)) => format!(
            "TCP memory {} pages, {pct}% of the pressure mark ({pressure})",
            k.tcp_memory_pages
        ),
        _ => format!("TCP memory {} pages", k.tcp_memory_pages),
    };
    format!(
        "Kernel: TCP {} in use, {orphans}, {} time-wait, {memory}",
        k.tcp_in_use, k.tcp_time_wait
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn units_and_counts_read_well() {
        assert_eq!(bytes_per_second(0.0), "0 B/s");
        assert_eq!(bytes_per_second(1536.0), "1.5 KiB/s");
        assert_eq!(bytes_per_second(3.0 * 1024.0 * 1024.0), "3.0 MiB/s");
        assert_eq!(count(0.0), "0");
        assert_eq!(count(0.5), "0.5");
        assert_eq!(count(1234.4), "1234");
    }

    #[test]
    fn unset_ports_print_as_ss_prints_them() {
        let e = Endpoint::Inet("0.0.0.0:0".parse().unwrap());
        assert_eq!(endpoint(&e), "0.0.0.0:*");
        let e = Endpoint::Inet("[::]:0".parse().unwrap());
        assert_eq!(endpoint(&e), "[::]:*");
        let e = Endpoint::Inet("[::1]:22".parse().unwrap());
        assert_eq!(endpoint(&e), "[::1]:22");
    }
}
