//! Prints `oncall disk` (filesystems), `oncall disk usage` and `oncall disk deleted`.

use super::printable::printable;
use super::{json, markdown, table, units, Format, Ui};
use crate::system::deleted::DeletedReport;
use crate::system::disks::DiskReport;
use crate::system::usage::UsageReport;
use std::io::{self, Write};

const FS_HEADER: [&str; 10] = [
    "MOUNT", "SOURCE", "TYPE", "SIZE", "USED", "AVAIL", "USE%", "INODES", "IUSE%", "FLAGS",
];

/// Terminal width under which `oncall disk` leaves out SOURCE and INODES.
const NARROW: u16 = 110;

pub fn filesystems(ui: &Ui, out: &mut dyn Write, r: &DiskReport) -> io::Result<()> {
    let rows: Vec<Vec<String>> = r
        .filesystems
        .iter()
        .map(|f| {
            let mut flags = Vec::new();
            if f.read_only {
                flags.push("ro");
            }
            if !f.responding {
                flags.push("not responding");
            }
            vec![
                f.mount.clone(),
                f.source.clone(),
                f.fs_type.clone(),
                units::opt_bytes(f.size_bytes),
                units::opt_bytes(f.used_bytes),
                units::opt_bytes(f.avail_bytes),
                percent(f.use_percent, f.responding),
                units::opt(f.inodes_total),
                percent(f.inodes_percent, f.responding),
                flags.join(","),
            ]
        })
        .collect();
    match ui.format {
        Format::Json | Format::Prometheus => json::write(out, r),
        Format::Markdown => markdown::table(out, &FS_HEADER, &rows),
        Format::Table => {
            // Below NARROW columns SOURCE and the inode count give their room to the mount
            // point (as df -hT does at 80 columns); IUSE% stays, inode exhaustion is an outage.
            let narrow = ui.width.is_some_and(|w| w < NARROW);
            let shown: Vec<usize> = (0..FS_HEADER.len())
                .filter(|&i| !(narrow && (i == 1 || i == 7)))
                .collect();
            let header: Vec<&str> = shown.iter().map(|&i| FS_HEADER[i]).collect();
            let mut t = table::new(ui, &header);
            // TYPE and the figures stay whole ("11.8" over "GiB" reads as two values); mount
            // points, sources and flags wrap.
            let whole: Vec<usize> = (0..shown.len())
                .filter(|&k| (2..=8).contains(&shown[k]))
                .collect();
            t.keep_whole(&whole);
            for (row, f) in rows.into_iter().zip(&r.filesystems) {
                let mut row = row;
                // Colour the use% a reader's eye should stop at.
                if let Some(p) = f.use_percent.max(f.inodes_percent) {
                    if p >= 95 {
                        row[6] = ui.style.bad(&row[6]);
                    } else if p >= 85 {
                        row[6] = ui.style.warn(&row[6]);
                    }
                }
                if !f.responding {
                    row[9] = ui.style.bad(&row[9]);
                }
                let row: Vec<String> = shown.iter().map(|&i| std::mem::take(&mut row[i])).collect();
                t.add_row(row);
            }
            table::write(out, &t)?;
            let dead = r.filesystems.iter().filter(|f| !f.responding).count();
            if dead > 0 {
                writeln!(
                    out,
                    "{}",
                    ui.style.bad(&format!(
                        "{dead} mount(s) did not answer statvfs in time (a dead network server?): \
                         sizes unknown"
                    ))
                )?;
            }
            ui.hint(
                out,
                "same as: df -hT; df -i (pseudo filesystems with --all: df -a)",
            )
        }
    }
}

/// "-" where the filesystem has no such figure, "?" where it did not answer.
fn percent(p: Option<u64>, responding: bool) -> String {
    match p {
        Some(p) => format!("{p}%"),
        None if responding => "-".into(),
        None => "?".into(),
    }
}

pub fn usage(ui: &Ui, out: &mut dyn Write, r: &UsageReport) -> io::Result<()> {
    if matches!(ui.format, Format::Json | Format::Prometheus) {
        return json::write(out, r);
    }
    let summary = format!(
        "{}: {} on disk ({} apparent) in {} and {}{}",
        printable(&r.path),
        units::bytes(r.allocated_bytes),
        units::bytes(r.apparent_bytes),
        units::plural(r.files, "file", "files"),
        units::plural(r.dirs, "directory", "directories"),
        if r.one_file_system {
            ", one filesystem"
        } else {
            ""
        }
    );
    let header = ["SIZE", "APPARENT", "PATH"];
    let rows = |kind: &str| -> Vec<Vec<String>> {
        r.largest
            .iter()
            .filter(|l| l.kind == kind)
            .map(|l| {
                vec![
                    units::bytes(l.allocated_bytes),
                    units::bytes(l.apparent_bytes),
                    printable(&l.path).into_owned(),
                ]
            })
            .collect()
    };
    let mut notes = Vec::new();
    if r.hard_links_skipped > 0 {
        notes.push(format!(
            "{} more names of hard-linked files counted once",
            units::count(r.hard_links_skipped)
        ));
    }
    if r.unreadable_dirs > 0 {
        notes.push(format!(
            "{} could not be read (their contents are not counted; run as root?): {}",
            units::plural(r.unreadable_dirs, "directory", "directories"),
            r.unreadable_examples.join(", ")
        ));
    }
    if ui.format == Format::Markdown {
        writeln!(out, "**{}**\n", markdown::cell(&summary))?;
        for (title, kind) in [("Largest directories", "dir"), ("Largest files", "file")] {
            writeln!(out, "### {title}\n")?;
            markdown::table(out, &header, &rows(kind))?;
            writeln!(out)?;
        }
        for n in notes {
            writeln!(out, "- {n}")?;
        }
        return Ok(());
    }
    writeln!(out, "{}", ui.style.bold(&ui.wrap(&summary, 2)))?;
    for (title, kind) in [
        ("Largest directories under it", "dir"),
        ("Largest files", "file"),
    ] {
        let rows = rows(kind);
        if rows.is_empty() {
            continue;
        }
        writeln!(out, "\n{}", ui.style.bold(title))?;
        let mut t = table::new(ui, &header);
        t.keep_whole(&[0, 1]);
        for row in rows {
            t.add_row(row);
        }
        table::write(out, &t)?;
    }
    for n in notes {
        writeln!(out, "{}", ui.style.warn(&n))?;
    }
    let shown = crate::cheat::shell_words::quote(&r.path);
    ui.hint(
        out,
        &format!("same as: du -xsh {shown}; du -xh -d1 {shown} | sort -h | tail; ncdu -x {shown}"),
    )
}

const DELETED_HEADER: [&str; 6] = ["PID", "PROCESS", "USER", "FD", "SIZE", "PATH"];

pub fn deleted(ui: &Ui, out: &mut dyn Write, r: &DeletedReport) -> io::Result<()> {
    let rows: Vec<Vec<String>> = r
        .files
        .iter()
        .map(|f| {
            vec![
                f.pid.to_string(),
                printable(&f.process).into_owned(),
                f.user.clone().unwrap_or_else(|| "?".into()),
                f.fd.to_string(),
                units::bytes(f.allocated_bytes),
                printable(&f.path).into_owned(),
            ]
        })
        .collect();
    let files = r
        .files
        .iter()
        .map(|f| (f.path.as_str(), f.size_bytes))
        .collect::<std::collections::HashSet<_>>()
        .len();
    let summary = format!(
        "{} pinned on disk by {} still open",
        units::bytes(r.pinned_bytes),
        units::plural(files as u64, "deleted file", "deleted files")
    );
    let hidden = (r.processes_unreadable > 0).then(|| {
        format!(
            "{} could not be inspected (another user's): run as root to see all",
            units::plural(r.processes_unreadable as u64, "process", "processes")
        )
    });
    match ui.format {
        Format::Json | Format::Prometheus => json::write(out, r),
        Format::Markdown => {
            markdown::table(out, &DELETED_HEADER, &rows)?;
            writeln!(out, "\n{summary}")?;
            if let Some(h) = hidden {
                writeln!(out, "\n{h}")?;
            }
            Ok(())
        }
        Format::Table => {
            if !rows.is_empty() {
                let mut t = table::new(ui, &DELETED_HEADER);
                t.keep_whole(&[0, 3, 4]);
                for row in rows {
                    t.add_row(row);
                }
                table::write(out, &t)?;
            }
            writeln!(out, "{}", ui.wrap(&summary, 2))?;
            if let Some(h) = hidden {
                writeln!(out, "{}", ui.style.warn(&ui.wrap(&h, 2)))?;
            }
            if !r.files.is_empty() {
                ui.hint(
                    out,
                    "the space returns when the holder closes the file: restart it, or truncate \
                     through its fd (: > /proc/PID/fd/FD) if the data is not needed",
                )?;
            }
            ui.hint(out, "same as: lsof +L1")
        }
    }
}
