//! Which processes `oncall ps` shows and in what order: filters (`--user`, `--state`,
//! `--grep`, `--pid`), sort keys, `--tree` order and `--top`.

use super::processes::Process;
use regex::Regex;
use std::cmp::Reverse;
use std::collections::{HashMap, HashSet};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SortKey {
    Cpu,
    Mem,
    Io,
    Fds,
    Pid,
    /// Newest first: what just started is what on-call asks about.
    Start,
}

#[derive(Debug, Default)]
pub struct Filter {
    pub uid: Option<u32>,
    /// State letters to keep (`D`, `Z`, `R`, …); empty keeps all.
    pub states: Vec<char>,
    pub grep: Option<Regex>,
    pub pids: Vec<i32>,
    /// Left out of `--grep` matches: the searching process itself, whose own command line
    /// holds the pattern (`oncall ps --grep java`), as pgrep leaves itself out.
    pub searcher: Option<i32>,
    /// `--container`, `--pod`, `--unit`: matched against the names filled in first.
    pub container: Option<String>,
    pub pod: Option<String>,
    pub unit: Option<String>,
}

impl Filter {
    pub fn keeps(&self, p: &Process) -> bool {
        if let Some(uid) = self.uid {
            if p.uid != Some(uid) {
                return false;
            }
        }
        if !self.states.is_empty() && !p.state.chars().any(|c| self.states.contains(&c)) {
            return false;
        }
        if !self.pids.is_empty() && !self.pids.contains(&p.pid) {
            return false;
        }
        let place = &p.placement;
        if self
            .container
            .as_deref()
            .is_some_and(|c| !place.matches_container(c))
            || self.pod.as_deref().is_some_and(|c| !place.matches_pod(c))
            || self.unit.as_deref().is_some_and(|c| !place.matches_unit(c))
        {
            return false;
        }
        if let Some(re) = &self.grep {
            if self.searcher == Some(p.pid) {
                return false;
            }
            let cmd = p.cmdline.as_deref().unwrap_or("");
            if !re.is_match(&p.name) && !re.is_match(cmd) {
                return false;
            }
        }
        true
    }
}

/// The states `/proc/PID/stat` shows on current kernels (fs/proc/array.c): running,
/// sleeping, disk sleep, stopped, tracing stop, zombie, parked, idle. `X` (dead) is in the
/// kernel's table but never seen by a reader, and `W`, `K` left with Linux 2.6.
pub const STATES: &str = "RSDTtZPI";

/// State letters from `--state D`, `--state DZ` or `--state d,z`; `None` for an unknown letter.
pub fn parse_states(text: &str) -> Option<Vec<char>> {
    let mut out = Vec::new();
    for c in text.chars().filter(|c| *c != ',' && !c.is_whitespace()) {
        // `t` (tracing stop) is the one lower-case state; the rest are upper case.
        let c = if c == 't' { c } else { c.to_ascii_uppercase() };
        if !STATES.contains(c) {
            return None;
        }
        out.push(c);
    }
    (!out.is_empty()).then_some(out)
}

pub fn sort(processes: &mut [Process], key: SortKey) {
    let io = |p: &Process| {
        p.read_bytes_per_second.unwrap_or(0.0) + p.write_bytes_per_second.unwrap_or(0.0)
    };
    match key {
        SortKey::Cpu => processes.sort_by(|a, b| {
            b.cpu_percent
                .total_cmp(&a.cpu_percent)
                .then(b.rss_bytes.cmp(&a.rss_bytes))
        }),
        SortKey::Mem => processes.sort_by_key(|p| Reverse(p.rss_bytes)),
        SortKey::Io => processes.sort_by(|a, b| io(b).total_cmp(&io(a))),
        SortKey::Fds => processes.sort_by_key(|p| Reverse(p.fds)),
        SortKey::Pid => processes.sort_by_key(|p| p.pid),
        SortKey::Start => processes.sort_by(|a, b| {
            a.elapsed_seconds
                .cmp(&b.elapsed_seconds)
                .then(b.pid.cmp(&a.pid))
        }),
    }
}

/// Parents before children, siblings in the given order; each row gets its depth. A process
/// whose parent is not in the set (filtered out, or pid 0) is a root.
pub fn tree_order(processes: Vec<Process>) -> Vec<Process> {
    let present: HashSet<i32> = processes.iter().map(|p| p.pid).collect();
    let mut children: HashMap<i32, Vec<usize>> = HashMap::new();
    let mut roots = Vec::new();
    for (i, p) in processes.iter().enumerate() {
        if p.ppid != p.pid && present.contains(&p.ppid) {
            children.entry(p.ppid).or_default().push(i);
        } else {
            roots.push(i);
        }
    }
    let mut order = Vec::with_capacity(processes.len());
    let mut seen = vec![false; processes.len()];
    // Depth-first with an explicit stack: no recursion limit on deep trees. After the roots,
    // any process not reached (a ppid cycle, impossible but untrusted) starts its own tree.
    let starts: Vec<usize> = roots.into_iter().chain(0..processes.len()).collect();
    for start in starts {
        let mut stack = vec![(start, 0)];
        while let Some((i, depth)) = stack.pop() {
            if std::mem::replace(&mut seen[i], true) {
                continue;
            }
            order.push((i, depth));
            if let Some(kids) = children.get(&processes[i].pid) {
                stack.extend(kids.iter().rev().map(|&k| (k, depth + 1)));
            }
        }
    }
    let mut slots: Vec<Option<Process>> = processes.into_iter().map(Some).collect();
    order
        .into_iter()
        .filter_map(|(i, depth)| {
            let mut p = slots[i].take()?;
            p.depth = Some(depth);
            Some(p)
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn p(pid: i32, ppid: i32, cpu: f64) -> Process {
        Process {
            pid,
            ppid,
            user: None,
            name: format!("p{pid}"),
            cmdline: Some(format!("/bin/p{pid} --flag")),
            state: "S".into(),
            cpu_percent: cpu,
            rss_bytes: pid as u64,
            threads: 1,
            uid: Some(0),
            vsize_bytes: 0,
            fds: None,
            read_bytes_per_second: None,
            write_bytes_per_second: None,
            start_time: String::new(),
            elapsed_seconds: 100 - pid as u64,
            cgroup: None,
            container_id: None,
            placement: Default::default(),
            depth: None,
        }
    }

    #[test]
    fn states_parse_and_reject() {
        assert_eq!(parse_states("D"), Some(vec!['D']));
        assert_eq!(parse_states("d,z"), Some(vec!['D', 'Z']));
        assert_eq!(parse_states("Q"), None);
        assert_eq!(parse_states("X"), None, "dead is never visible");
        assert_eq!(parse_states("W"), None);
        assert_eq!(parse_states("t"), Some(vec!['t']));
        assert_eq!(parse_states(""), None);
    }

    #[test]
    fn tree_puts_children_under_parents() {
        let rows = tree_order(vec![p(3, 2, 0.0), p(1, 0, 0.0), p(2, 1, 0.0), p(4, 1, 0.0)]);
        let got: Vec<(i32, usize)> = rows.iter().map(|r| (r.pid, r.depth.unwrap())).collect();
        assert_eq!(got, vec![(1, 0), (2, 1), (3, 2), (4, 1)]);
    }

    #[test]
    fn a_cycle_does_not_loop() {
        let rows = tree_order(vec![p(5, 6, 0.0), p(6, 5, 0.0)]);
        assert_eq!(rows.len(), 2);
    }

    #[test]
    fn sorts_and_filters() {
        let mut rows = vec![p(1, 0, 1.0), p(2, 0, 5.0), p(3, 0, 2.0)];
        sort(&mut rows, SortKey::Cpu);
        assert_eq!(rows.iter().map(|r| r.pid).collect::<Vec<_>>(), [2, 3, 1]);
        sort(&mut rows, SortKey::Start);
        assert_eq!(rows[0].pid, 3, "youngest first");
        let f = Filter {
            grep: Some(Regex::new("p2 --fl").unwrap()),
            ..Filter::default()
        };
        assert_eq!(rows.iter().filter(|r| f.keeps(r)).count(), 1);
    }
}
