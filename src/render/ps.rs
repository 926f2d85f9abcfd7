//! Prints `oncall ps`: a table of processes with a footer of state counts, JSON, or Markdown.

use super::printable::printable;
use super::{json, markdown, table, units, Format, Ui};
use crate::system::processes::Process;
use crate::system::ps_report::PsReport;
use std::io::{self, Write};

/// Long command lines (a JVM's) would swamp the table; the full line is in `--json`.
const COMMAND_LIMIT: usize = 160;

pub fn render(ui: &Ui, out: &mut dyn Write, r: &PsReport) -> io::Result<()> {
    // Container, pod and unit columns only where some process shown has one.
    let containers = r.processes.iter().any(|p| p.container_id.is_some());
    let pods = r.processes.iter().any(|p| p.placement.pod_uid.is_some());
    let units = r.processes.iter().any(|p| p.placement.unit.is_some());
    let mut header = HEADER.to_vec();
    for (shown, name) in [(containers, "CONTAINER"), (pods, "POD"), (units, "UNIT")] {
        if shown {
            header.insert(header.len() - 1, name);
        }
    }
    let rows = r.processes.iter().map(|p| {
        let mut row = cells(p, r.tree);
        let place = &p.placement;
        let container = place.container_label().or_else(|| p.container_id.clone());
        for (shown, cell) in [
            (containers, container),
            (pods, place.pod_label()),
            (units, place.unit.clone()),
        ] {
            if shown {
                let text = cell.map(|c| printable(&c).into_owned());
                row.insert(row.len() - 1, text.unwrap_or_else(|| "-".into()));
            }
        }
        row
    });
    match ui.format {
        Format::Json | Format::Prometheus => json::write(out, r),
        Format::Markdown => {
            markdown::table(out, &header, &rows.collect::<Vec<_>>())?;
            writeln!(out, "\n{}", footer(r))
        }
        Format::Table if r.processes.is_empty() => writeln!(out, "{}", no_rows(r)),
        Format::Table => {
            let mut rows: Vec<Vec<String>> = rows.collect();
            let mut dropped = Vec::new();
            if let Some(width) = ui.width {
                dropped = drop_to_fit(&mut header, &mut rows, usize::from(width));
                fit_command(&header, &mut rows, usize::from(width));
            }
            let mut t = table::new(ui, &header);
            // Every column but the command stays on one line ("98.4" over "MiB/s" is two
            // values); the command is cut to what is left, as top does.
            t.keep_whole(&(0..header.len() - 1).collect::<Vec<_>>());
            for row in rows {
                t.add_row(row);
            }
            table::write(out, &t)?;
            let mut foot = footer(r);
            if !dropped.is_empty() {
                foot.push_str(&format!(
                    " · {} left out at this width (--json has them)",
                    dropped.join(", ")
                ));
            }
            writeln!(out, "{}", ui.wrap(&foot, 2))?;
            if r.partly_hidden > 0 || r.unreadable > 0 {
                writeln!(out, "{}", ui.style.warn(&ui.wrap(&hidden_note(r), 2)))?;
            }
            ui.hint(
                out,
                "same as: ps -eo pid,user,pcpu,rss,stat,nlwp,etime,args --sort=-pcpu | head -20; pidstat -d 1",
            )
        }
    }
}

const HEADER: [&str; 11] = [
    "PID", "USER", "CPU%", "RSS", "S", "THR", "FDS", "READ", "WRITE", "ELAPSED", "COMMAND",
];

fn cells(p: &Process, tree: bool) -> Vec<String> {
    let command = match p.cmdline.as_deref() {
        Some(c) if !c.is_empty() => printable(c).into_owned(),
        // A zombie stays until its parent reaps it: the parent is the one to look at.
        _ if p.state == "Z" => format!("[{}] <defunct>, parent {}", printable(&p.name), p.ppid),
        // Kernel threads have no command line; ps shows the name in brackets.
        _ => format!("[{}]", printable(&p.name)),
    };
    let mut command: String = command.chars().take(COMMAND_LIMIT).collect();
    if tree {
        let depth = p.depth.unwrap_or(0);
        if depth > 0 {
            command = format!("{}└─ {command}", "  ".repeat(depth - 1));
        }
    }
    vec![
        p.pid.to_string(),
        p.user.clone().unwrap_or_else(|| "?".into()),
        format!("{:.1}", p.cpu_percent),
        units::bytes(p.rss_bytes),
        p.state.clone(),
        p.threads.to_string(),
        units::opt(p.fds),
        units::rate(p.read_bytes_per_second),
        units::rate(p.write_bytes_per_second),
        units::elapsed(p.elapsed_seconds),
        command,
    ]
}

/// The command should keep at least this many columns on a terminal.
const COMMAND_ROOM: usize = 30;

/// Columns given up, in this order, when the command would get less than `COMMAND_ROOM`: the
/// ones a first look needs least (threads, fds, I/O rates; then the unit and pod, since the
/// container usually names the workload).
/// READ and WRITE go together: one I/O column alone reads as the whole story.
const DROPPABLE: [&[&str]; 5] = [&["THR"], &["FDS"], &["READ", "WRITE"], &["UNIT"], &["POD"]];

/// Drops columns from `header` and `rows` until the command has room; says which went.
fn drop_to_fit(header: &mut Vec<&str>, rows: &mut [Vec<String>], width: usize) -> Vec<String> {
    let mut dropped = Vec::new();
    for names in DROPPABLE {
        if width.saturating_sub(fixed_width(header, rows)) >= COMMAND_ROOM {
            break;
        }
        for name in names {
            let Some(i) = header.iter().position(|h| h == name) else {
                continue;
            };
            header.remove(i);
            for row in rows.iter_mut() {
                row.remove(i);
            }
            dropped.push(name.to_string());
        }
    }
    dropped
}

/// The width the columns before the command take, padding included.
fn fixed_width(header: &[&str], rows: &[Vec<String>]) -> usize {
    let last = header.len() - 1;
    (0..last)
        .map(|i| {
            rows.iter()
                .map(|r| r[i].chars().count())
                .chain([header[i].len()])
                .max()
                .unwrap_or(0)
                + 2
        })
        .sum::<usize>()
        + 2
}

/// On a terminal, one line per process as `top` and `ps` do: the command (last column) is cut
/// to the width the other columns leave, instead of wrapping over several lines.
fn fit_command(header: &[&str], rows: &mut [Vec<String>], width: usize) {
    let last = header.len() - 1;
    // Each cell takes its text plus one space of padding on either side.
    let room = width.saturating_sub(fixed_width(header, rows)).max(12);
    for row in rows {
        let cmd = &mut row[last];
        if cmd.chars().count() > room {
            *cmd = cmd.chars().take(room - 1).chain(['…']).collect();
        }
    }
}

/// One line instead of a header with no rows.
fn no_rows(r: &PsReport) -> String {
    let total = units::plural(r.summary.total as u64, "process", "processes");
    if r.matched == 0 && !r.filters.is_empty() {
        format!("no process matched {} (of {total})", r.filters)
    } else if r.matched == 0 {
        "no process to show".to_string()
    } else {
        format!(
            "no process shown: --top 0 (of {})",
            units::plural(r.matched as u64, "process", "processes")
        )
    }
}

fn footer(r: &PsReport) -> String {
    let s = &r.summary;
    let mut text = format!(
        "{}: {} running, {} sleeping, {} uninterruptible (D), {} zombie",
        units::plural(s.total as u64, "process", "processes"),
        s.running,
        s.sleeping + s.idle,
        s.uninterruptible,
        s.zombie
    );
    if s.stopped > 0 {
        text.push_str(&format!(", {} stopped", s.stopped));
    }
    text.push_str(&format!(
        "; {}",
        units::plural(s.threads, "thread", "threads")
    ));
    if r.processes.len() < r.matched {
        text.push_str(&format!(
            " · showing {} of {} (--top N)",
            r.processes.len(),
            r.matched
        ));
    } else if r.matched < s.total {
        text.push_str(&format!(" · {} matched", units::count(r.matched as u64)));
    }
    text.push_str(&if r.window_ms == 0 {
        " · CPU% over each process's lifetime".to_string()
    } else {
        format!(" · CPU% over {} ms", r.window_ms)
    });
    if let Some(i) = &r.inside_container {
        text.push_str(&format!(" · {}", i.describe()));
    }
    text
}

fn hidden_note(r: &PsReport) -> String {
    let mut parts = Vec::new();
    if r.partly_hidden > 0 {
        let why = if r.viewer_is_root {
            "kept from root too: a process of an outer user namespace, or a security module's rule"
        } else {
            "another user's or protected: run as root"
        };
        parts.push(format!(
            "{} {}: fds or I/O counters not readable (shown as ?; {why})",
            r.partly_hidden,
            if r.partly_hidden == 1 {
                "process"
            } else {
                "processes"
            }
        ));
    }
    if r.unreadable > 0 {
        parts.push(format!(
            "{} could not be read at all",
            units::plural(r.unreadable as u64, "process", "processes")
        ));
    }
    parts.join("; ")
}
