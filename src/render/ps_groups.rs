//! Prints `oncall ps --by container|pod|unit`: one row per group, its cgroup's own counters.

use super::printable::printable;
use super::{group_pressure, json, markdown, table, units, Format, Ui};
use crate::system::containers::groups::GroupRow;
use crate::system::ps_report::PsGroupsReport;
use std::io::{self, Write};

pub fn render(ui: &Ui, out: &mut dyn Write, r: &PsGroupsReport) -> io::Result<()> {
    let pods = r.by == "container" && r.groups.iter().any(|g| g.pod.is_some());
    let mut header = vec![r.by.to_uppercase()];
    // An image is known only from Docker's and Podman's own files: a column of `?` on a
    // Kubernetes node would only push the row past 80 columns.
    let images = r.by == "container" && r.groups.iter().any(|g| g.image.is_some());
    if r.by == "container" {
        header.push("RUNTIME".to_string());
    }
    if images {
        header.push("IMAGE".to_string());
    }
    if pods {
        header.push("POD".into());
    }
    for h in ["PROCS", "CPU%", "MEM", "LIMIT", "MEM%"] {
        header.push(h.into());
    }
    // Per-group PSI exists only on v2: on a v1 host the column is not there at all. It sits
    // before the counters of rare events, which are the ones to wrap on a narrow terminal.
    let psi = group_pressure::any(r.groups.iter().map(|g| &g.counters));
    if psi {
        header.push(group_pressure::HEADER.into());
    }
    header.extend(["THROTTLED".to_string(), "OOM KILLS".to_string()]);
    let rows: Vec<Vec<String>> = r
        .groups
        .iter()
        .map(|g| {
            let mut row = vec![printable(&g.name).into_owned()];
            if r.by == "container" {
                row.push(g.runtime.unwrap_or("?").to_string());
            }
            if images {
                row.push(printable(g.image.as_deref().unwrap_or("?")).into_owned());
            }
            if pods {
                row.push(printable(g.pod.as_deref().unwrap_or("-")).into_owned());
            }
            let c = &g.counters;
            let percent = match (c.memory_bytes, c.memory_limit_bytes) {
                (Some(m), Some(l)) if l > 0 => format!("{:.0}%", m as f64 / l as f64 * 100.0),
                _ => "-".into(),
            };
            row.extend([
                g.processes.to_string(),
                format!("{:.1}", g.cpu_percent),
                units::opt_bytes(c.memory_bytes),
                c.memory_limit_bytes
                    .map(units::bytes)
                    .unwrap_or_else(|| "none".into()),
                percent,
            ]);
            if psi {
                row.push(group_pressure::cell(c));
            }
            row.extend([throttled(g), units::opt(c.oom_kills)]);
            row
        })
        .collect();
    let header: Vec<&str> = header.iter().map(String::as_str).collect();
    match ui.format {
        Format::Json | Format::Prometheus => json::write(out, r),
        Format::Markdown => {
            markdown::table(out, &header, &rows)?;
            writeln!(out, "\n{}", footer(r))
        }
        Format::Table if r.groups.is_empty() => writeln!(out, "{}", no_rows(r)),
        Format::Table => {
            let mut t = table::new(ui, &header);
            // The name (a short id to copy), the runtime and the figures never break; the
            // image, the pod and the two counters of rare events wrap when the terminal is
            // narrow (ten columns do not fit 80 once memory and a runtime like containerd show).
            let whole: Vec<usize> = header
                .iter()
                .enumerate()
                .filter(|(_, h)| !matches!(**h, "IMAGE" | "POD" | "THROTTLED" | "OOM KILLS"))
                .map(|(j, _)| j)
                .collect();
            t.keep_whole(&whole);
            for row in rows {
                t.add_row(row);
            }
            table::write(out, &t)?;
            writeln!(out, "{}", ui.wrap(&footer(r), 2))?;
            ui.hint(
                out,
                "same as: docker stats --no-stream; crictl stats; systemd-cgtop -b -n 1",
            )
        }
    }
}

/// Throttled periods in the window, and the group's throttled time since it was made.
fn throttled(g: &GroupRow) -> String {
    let c = &g.counters;
    match (
        g.nr_throttled_in_window,
        c.nr_throttled,
        c.throttled_seconds,
    ) {
        (Some(w), _, Some(s)) => format!("{w} ({s:.1}s total)"),
        (None, Some(n), Some(s)) => format!("{n} ({s:.1}s)"),
        (_, Some(n), None) => n.to_string(),
        _ => "-".into(),
    }
}

fn no_rows(r: &PsGroupsReport) -> String {
    if !r.filters.is_empty() {
        format!("no {} matched {}", r.by, r.filters)
    } else {
        format!(
            "no {} here ({} outside any)",
            r.by,
            units::plural(r.processes_outside as u64, "process", "processes")
        )
    }
}

fn footer(r: &PsGroupsReport) -> String {
    let (one, many) = match r.by {
        "container" => ("container", "containers"),
        "pod" => ("pod", "pods"),
        _ => ("unit", "units"),
    };
    let mut text = format!(
        "{} with {}; {} in none",
        units::plural(r.total_groups as u64, one, many),
        units::plural(r.processes_in_groups as u64, "process", "processes"),
        units::count(r.processes_outside as u64),
    );
    if r.groups.len() < r.total_groups {
        text.push_str(&format!(" · showing {} (--top N)", r.groups.len()));
    }
    text.push_str(&if r.window_ms == 0 {
        " · CPU% over each process's lifetime".to_string()
    } else {
        format!(" · CPU% over {} ms", r.window_ms)
    });
    text.push_str(" · MEM is the cgroup's own charge (page cache included)");
    if group_pressure::any(r.groups.iter().map(|g| &g.counters)) {
        text.push_str(
            " · PSI C/M/IO: the group's own cpu, memory and io pressure, some avg10 % (v2)",
        );
    }
    text
}
