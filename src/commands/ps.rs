//! `oncall ps`: options → two snapshots over the window (or one) → rows → renderer.

use crate::cli::{PsArgs, PsBy, PsSort};
use crate::error::Error;
use crate::exit_codes;
use crate::render::ps::PsReport;
use crate::render::ps_groups::PsGroupsReport;
use crate::render::{self, Format, Ui};
use crate::system::containers::groups::{self, GroupBy, Reading};
use crate::system::containers::hierarchy::Hierarchies;
use crate::system::containers::names::{Names, Roots};
use crate::system::process_select::{self, Filter, SortKey};
use crate::system::processes::{self, SnapshotOptions};
use crate::system::users::UserNames;
use regex::Regex;
use std::io::Write;

/// Rows in a table when `--top` is not given (JSON gets all).
const TABLE_ROWS: usize = 20;

pub fn run(args: PsArgs, ui: &Ui, out: &mut dyn Write) -> Result<u8, Error> {
    let users = UserNames::load();
    let filter = filter(&args, &users)?;
    let read_error = |e: std::io::Error| Error::usage("/proc", e);
    let opts = SnapshotOptions::default();
    let by = args.by.map(group_by);
    let hier = by.map(|_| Hierarchies::detect());
    // The groups' own counters are read right after each snapshot, so the group's CPU and
    // its processes' CPU cover the same window.
    let read_groups = |snap: &processes::Snapshot| -> Option<Reading> {
        let (by, hier) = (by?, hier.as_ref()?);
        let keys = snap.processes.iter().filter_map(|p| by.key(&p.identity));
        Some(groups::read(hier, keys))
    };
    let (mut rows, readings) = if args.window.is_zero() {
        let snap = processes::snapshot(opts).map_err(read_error)?;
        let after = read_groups(&snap);
        ((processes::lifetime(&snap, &users), snap), (None, after))
    } else {
        let before = processes::snapshot(opts).map_err(read_error)?;
        let first = read_groups(&before);
        std::thread::sleep(args.window);
        let after = processes::snapshot(opts).map_err(read_error)?;
        let second = read_groups(&after);
        (
            (processes::rates(&before, &after, &users), after),
            (first, second),
        )
    };
    let (all, snap) = (&mut rows.0, &rows.1);
    let mut names = Names::new(Roots::from_env());
    for p in all.iter_mut() {
        p.placement.name(&mut names);
    }
    let summary = processes::count_states(all);
    let mut shown: Vec<_> = all.drain(..).filter(|p| filter.keeps(p)).collect();
    let matched = shown.len();
    if let (Some(by), (before, Some(after))) = (by, readings) {
        let mut rows = groups::rows(&shown, by, before.as_ref(), &after);
        if args.sort == PsSort::Mem {
            rows.sort_by_key(|g| std::cmp::Reverse(g.counters.memory_bytes.unwrap_or(g.rss_bytes)));
        }
        let in_groups: usize = rows.iter().map(|g| g.processes).sum();
        let limit = match (args.top, ui.format) {
            (Some(n), _) => n,
            (None, Format::Table) => TABLE_ROWS,
            (None, _) => usize::MAX,
        };
        let total_groups = rows.len();
        rows.truncate(limit);
        let report = PsGroupsReport {
            by: by.as_str(),
            groups: rows,
            total_groups,
            processes_in_groups: in_groups,
            processes_outside: matched - in_groups,
            window_ms: args.window.as_millis() as u64,
            filters: filters_text(&args),
        };
        render::ps_groups::render(ui, out, &report)?;
        return Ok(if total_groups == 0 && !report.filters.is_empty() {
            exit_codes::FAILURE
        } else {
            exit_codes::SUCCESS
        });
    }
    process_select::sort(&mut shown, sort_key(args.sort));
    if args.tree {
        shown = process_select::tree_order(shown);
    }
    let limit = match (args.top, ui.format) {
        (Some(n), _) => n,
        (None, Format::Table) => TABLE_ROWS,
        (None, _) => usize::MAX,
    };
    shown.truncate(limit);
    let report = PsReport {
        processes: shown,
        summary,
        matched,
        window_ms: args.window.as_millis() as u64,
        partly_hidden: snap.partly_hidden,
        unreadable: snap.unreadable,
        tree: args.tree,
        viewer_is_root: rustix::process::geteuid().is_root(),
        filters: filters_text(&args),
        inside_container: crate::system::containers::inside::detect(),
    };
    render::ps::render(ui, out, &report)?;
    // A filter that matched nothing is a failed search, as for grep and pgrep; a listing cut
    // to nothing (`--top 0`) is not.
    Ok(if report.matched == 0 && !report.filters.is_empty() {
        exit_codes::FAILURE
    } else {
        exit_codes::SUCCESS
    })
}

/// The filters as they were given, to say what matched nothing.
fn filters_text(args: &PsArgs) -> String {
    let mut parts = Vec::new();
    if let Some(u) = &args.user {
        parts.push(format!("--user {u}"));
    }
    if let Some(s) = &args.state {
        parts.push(format!("--state {s}"));
    }
    if let Some(g) = &args.grep {
        parts.push(format!("--grep {g}"));
    }
    for p in &args.pid {
        parts.push(format!("--pid {p}"));
    }
    for (flag, v) in [
        ("--container", &args.container),
        ("--pod", &args.pod),
        ("--unit", &args.unit),
    ] {
        if let Some(v) = v {
            parts.push(format!("{flag} {v}"));
        }
    }
    parts.join(" ")
}

fn filter(args: &PsArgs, users: &UserNames) -> Result<Filter, Error> {
    let uid =
        match &args.user {
            Some(u) => Some(users.uid(u).ok_or_else(|| {
                Error::usage(format!("--user {u}"), "no such user in /etc/passwd")
            })?),
            None => None,
        };
    let states = match &args.state {
        Some(s) => process_select::parse_states(s).ok_or_else(|| {
            Error::usage(
                format!("--state {s}"),
                "expected state letters: R running, S sleeping, D uninterruptible, Z zombie, \
                 T stopped, t traced, I idle, P parked",
            )
        })?,
        None => Vec::new(),
    };
    let grep = match &args.grep {
        Some(g) => Some(Regex::new(g).map_err(|e| {
            let why = e.to_string();
            let last = why
                .lines()
                .last()
                .unwrap_or("invalid regex")
                .trim()
                .to_string();
            Error::usage(format!("--grep {g}"), last)
        })?),
        None => None,
    };
    Ok(Filter {
        uid,
        states,
        grep,
        pids: args.pid.iter().map(|&p| p as i32).collect(),
        searcher: Some(std::process::id() as i32),
        container: args.container.clone(),
        pod: args.pod.clone(),
        unit: args.unit.clone(),
    })
}

fn group_by(b: PsBy) -> GroupBy {
    match b {
        PsBy::Container => GroupBy::Container,
        PsBy::Pod => GroupBy::Pod,
        PsBy::Unit => GroupBy::Unit,
    }
}

fn sort_key(s: PsSort) -> SortKey {
    match s {
        PsSort::Cpu => SortKey::Cpu,
        PsSort::Mem => SortKey::Mem,
        PsSort::Io => SortKey::Io,
        PsSort::Fds => SortKey::Fds,
        PsSort::Pid => SortKey::Pid,
        PsSort::Start => SortKey::Start,
    }
}
