//! `processes` (`oncall ps`, ps/top/pidstat): CPU% over a window, memory, state, threads,
//! fds, I/O per process, filtered and sorted.

use super::Span;
use crate::error::Error;
use crate::system::containers::groups::{self, GroupBy, Reading};
use crate::system::containers::hierarchy::Hierarchies;
use crate::system::containers::names::{Names, Roots};
use crate::system::process_select::{self, Filter, SortKey};
use crate::system::processes::{self, SnapshotOptions};
use crate::system::ps_report::{PsGroupsReport, PsReport};
use crate::system::users::UserNames;
use regex::Regex;
use schemars::JsonSchema;
use serde::Deserialize;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum Sort {
    Cpu,
    Mem,
    Io,
    Fds,
    Pid,
    Start,
}

#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, default)]
pub struct ProcessesRequest {
    /// Sampling window for CPU% and I/O rates (0 = lifetime averages, as ps).
    pub window: Span,
    /// Sort order.
    pub sort: Sort,
    /// How many processes to return (all when not given).
    pub top: Option<usize>,
    /// Only processes of this user (name from /etc/passwd).
    pub user: Option<String>,
    /// Only processes in these states (letters of R, S, D, Z, T, t, I, P; e.g. "DZ").
    pub state: Option<String>,
    /// Only processes whose name or command line matches this regex.
    pub grep: Option<String>,
    /// Order as the process tree (parents before children).
    pub tree: bool,
    /// Only these process ids.
    pub pid: Vec<u32>,
    /// Only processes of this container (name or id prefix).
    pub container: Option<String>,
    /// Only processes of this Kubernetes pod (name or NAMESPACE/NAME).
    pub pod: Option<String>,
    /// Only processes of this systemd unit.
    pub unit: Option<String>,
}

impl Default for ProcessesRequest {
    fn default() -> Self {
        ProcessesRequest {
            window: Span::millis(500),
            sort: Sort::Cpu,
            top: None,
            user: None,
            state: None,
            grep: None,
            tree: false,
            pid: Vec::new(),
            container: None,
            pod: None,
            unit: None,
        }
    }
}

impl ProcessesRequest {
    pub fn validate(&self) -> Result<(), Error> {
        self.filter(&UserNames::load()).map(|_| ())
    }

    /// The filters as they were given, to say what matched nothing.
    pub fn filters_text(&self) -> String {
        let mut parts = Vec::new();
        if let Some(u) = &self.user {
            parts.push(format!("--user {u}"));
        }
        if let Some(s) = &self.state {
            parts.push(format!("--state {s}"));
        }
        if let Some(g) = &self.grep {
            parts.push(format!("--grep {g}"));
        }
        for p in &self.pid {
            parts.push(format!("--pid {p}"));
        }
        for (flag, v) in [
            ("--container", &self.container),
            ("--pod", &self.pod),
            ("--unit", &self.unit),
        ] {
            if let Some(v) = v {
                parts.push(format!("{flag} {v}"));
            }
        }
        parts.join(" ")
    }

    fn filter(&self, users: &UserNames) -> Result<Filter, Error> {
        let uid = match &self.user {
            Some(u) => Some(users.uid(u).ok_or_else(|| {
                Error::usage(format!("--user {u}"), "no such user in /etc/passwd")
            })?),
            None => None,
        };
        let states = match &self.state {
            Some(s) => process_select::parse_states(s).ok_or_else(|| {
                Error::usage(
                    format!("--state {s}"),
                    "expected state letters: R running, S sleeping, D uninterruptible, Z zombie, \
                     T stopped, t traced, I idle, P parked",
                )
            })?,
            None => Vec::new(),
        };
        let grep = match &self.grep {
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
            pids: self.pid.iter().map(|&p| p as i32).collect(),
            searcher: Some(std::process::id() as i32),
            container: self.container.clone(),
            pod: self.pod.clone(),
            unit: self.unit.clone(),
        })
    }
}

fn sort_key(s: Sort) -> SortKey {
    match s {
        Sort::Cpu => SortKey::Cpu,
        Sort::Mem => SortKey::Mem,
        Sort::Io => SortKey::Io,
        Sort::Fds => SortKey::Fds,
        Sort::Pid => SortKey::Pid,
        Sort::Start => SortKey::Start,
    }
}

/// The processes the request keeps, named (container, pod, unit), with the groups' own
/// counters read right after each snapshot when `by` is given, so that a group's CPU and its
/// processes' CPU cover the same window.
struct Sample {
    shown: Vec<processes::Process>,
    summary: processes::StateCounts,
    matched: usize,
    partly_hidden: usize,
    unreadable: usize,
    readings: (Option<Reading>, Option<Reading>),
}

fn sample(req: &ProcessesRequest, by: Option<GroupBy>) -> Result<Sample, Error> {
    let users = UserNames::load();
    let filter = req.filter(&users)?;
    let read_error = |e: std::io::Error| Error::usage("/proc", e);
    let opts = SnapshotOptions::default();
    let hier = by.map(|_| Hierarchies::detect());
    let read_groups = |snap: &processes::Snapshot| -> Option<Reading> {
        let (by, hier) = (by?, hier.as_ref()?);
        let keys = snap.processes.iter().filter_map(|p| by.key(&p.identity));
        Some(groups::read(hier, keys))
    };
    let (mut rows, readings) = if req.window.is_zero() {
        let snap = processes::snapshot(opts).map_err(read_error)?;
        let after = read_groups(&snap);
        ((processes::lifetime(&snap, &users), snap), (None, after))
    } else {
        let before = processes::snapshot(opts).map_err(read_error)?;
        let first = read_groups(&before);
        std::thread::sleep(req.window.0);
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
    let shown: Vec<_> = all.drain(..).filter(|p| filter.keeps(p)).collect();
    Ok(Sample {
        matched: shown.len(),
        shown,
        summary,
        partly_hidden: snap.partly_hidden,
        unreadable: snap.unreadable,
        readings,
    })
}

pub fn run(req: &ProcessesRequest) -> Result<PsReport, Error> {
    let Sample {
        mut shown,
        summary,
        matched,
        partly_hidden,
        unreadable,
        ..
    } = sample(req, None)?;
    process_select::sort(&mut shown, sort_key(req.sort));
    if req.tree {
        shown = process_select::tree_order(shown);
    }
    shown.truncate(req.top.unwrap_or(usize::MAX));
    Ok(PsReport {
        processes: shown,
        summary,
        matched,
        window_ms: req.window.0.as_millis() as u64,
        partly_hidden,
        unreadable,
        tree: req.tree,
        viewer_is_root: rustix::process::geteuid().is_root(),
        filters: req.filters_text(),
        inside_container: crate::system::containers::inside::detect(),
    })
}

/// One row per container, pod or unit (`oncall ps --by`): docker stats, crictl stats and
/// systemd-cgtop in one table.
pub fn run_by(req: &ProcessesRequest, by: GroupBy) -> Result<PsGroupsReport, Error> {
    let s = sample(req, Some(by))?;
    let (before, after) = s.readings;
    // Read whenever a grouping is asked for; the error is for the impossible case only.
    let Some(after) = after else {
        return Err(Error::usage(
            "--by",
            "the groups' counters could not be read",
        ));
    };
    let mut rows = groups::rows(&s.shown, by, before.as_ref(), &after);
    if req.sort == Sort::Mem {
        rows.sort_by_key(|g| std::cmp::Reverse(g.counters.memory_bytes.unwrap_or(g.rss_bytes)));
    }
    let in_groups: usize = rows.iter().map(|g| g.processes).sum();
    let total_groups = rows.len();
    rows.truncate(req.top.unwrap_or(usize::MAX));
    Ok(PsGroupsReport {
        by: by.as_str(),
        groups: rows,
        total_groups,
        processes_in_groups: in_groups,
        processes_outside: s.matched - in_groups,
        window_ms: req.window.0.as_millis() as u64,
        filters: req.filters_text(),
    })
}
