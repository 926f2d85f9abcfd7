//! Every container, pod and unit group on the host at one instant, with its cgroup's own
//! counters: what `oncall mem` lists near its limit and `oncall triage` judges over its
//! window. Reads only each process's `/proc/PID/cgroup` (no runtime API, no full snapshot),
//! or takes what a process snapshot read with `membership` already placed.

use super::groups::GroupBy;
use super::hierarchy::{GroupCounters, Hierarchies};
use super::identity::{self, Identity};
use super::names::Names;
use super::placement::Placement;
use crate::system::processes::Snapshot;
use serde::Serialize;
use std::collections::BTreeMap;
use std::time::Instant;

/// One group at one instant.
#[derive(Debug, Clone)]
struct Seen {
    by: GroupBy,
    identity: Identity,
    processes: usize,
    counters: GroupCounters,
}

pub struct Census {
    taken: Instant,
    groups: BTreeMap<String, Seen>,
}

/// A group's state, over a window when two censuses are given.
#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct GroupState {
    /// container, pod or unit.
    pub kind: &'static str,
    /// The container's name (else its short id), `namespace/pod`, the unit.
    #[schemars(extend("x-oncall-untrusted" = true))]
    pub name: String,
    pub id: String,
    pub runtime: Option<&'static str>,
    /// For a container in a pod: `namespace/pod`.
    #[schemars(extend("x-oncall-untrusted" = true))]
    pub pod: Option<String>,
    #[schemars(extend("x-oncall-untrusted" = true))]
    pub cgroup: String,
    pub processes: usize,
    #[serde(flatten)]
    pub counters: GroupCounters,
    pub percent_of_limit: Option<f64>,
    /// Over the window (the group's usage counter).
    pub cpu_percent: Option<f64>,
    /// Share of the window's CFS periods in which the group was throttled.
    pub throttled_percent: Option<f64>,
    pub oom_kills_in_window: Option<u64>,
}

/// Reads every process's cgroup and each group's counters.
pub fn take(hier: &Hierarchies) -> Census {
    of_identities(hier, &memberships())
}

/// The groups of processes a snapshot read with `membership` already placed (their cgroup
/// files were read there, in parallel): only each group's counters are read here.
pub fn of_snapshot(hier: &Hierarchies, snap: &Snapshot) -> Census {
    of_identities(hier, snap.processes.iter().map(|p| &p.identity))
}

fn of_identities<'a>(
    hier: &Hierarchies,
    identities: impl IntoIterator<Item = &'a Identity>,
) -> Census {
    let mut groups: BTreeMap<String, Seen> = BTreeMap::new();
    for identity in identities {
        for by in [GroupBy::Container, GroupBy::Pod, GroupBy::Unit] {
            if let Some(key) = by.key(identity) {
                let seen = groups.entry(key.to_string()).or_insert_with(|| Seen {
                    by,
                    identity: identity.clone(),
                    processes: 0,
                    counters: GroupCounters::default(),
                });
                seen.processes += 1;
            }
        }
    }
    for (key, seen) in groups.iter_mut() {
        seen.counters = hier.counters(key);
    }
    Census {
        taken: Instant::now(),
        groups,
    }
}

/// The identity of every process now (unreadable ones left out).
fn memberships() -> Vec<Identity> {
    let Ok(dir) = std::fs::read_dir("/proc") else {
        return Vec::new();
    };
    dir.filter_map(|e| {
        let name = e.ok()?.file_name();
        let pid: u32 = name.to_str()?.parse().ok()?;
        let text = crate::system::proc_text::read(format!("/proc/{pid}/cgroup")).ok()?;
        Some(identity::from_membership(&text))
    })
    .collect()
}

/// The groups of `after`, with rates over the window from `before`. A unit is kept only when
/// its cgroup has memory files of its own (a v1 service without memory accounting has none).
pub fn states(before: Option<&Census>, after: &Census, names: &mut Names) -> Vec<GroupState> {
    let window = before.map(|b| after.taken.saturating_duration_since(b.taken).as_secs_f64());
    after
        .groups
        .iter()
        .filter(|(_, s)| s.by != GroupBy::Unit || s.counters.memory_dir.is_some())
        .map(|(key, s)| {
            let then = before.and_then(|b| b.groups.get(key)).map(|b| &b.counters);
            let c = &s.counters;
            let delta = |f: fn(&GroupCounters) -> Option<u64>| -> Option<u64> {
                Some(f(c)?.saturating_sub(f(then?)?))
            };
            let cpu_percent = match (delta(|c| c.cpu_usage_ns), window) {
                (Some(ns), Some(w)) if w > 0.0 => Some(ns as f64 / 1e9 / w * 100.0),
                _ => None,
            };
            let throttled_percent = match (delta(|c| c.nr_throttled), delta(|c| c.nr_periods)) {
                (Some(t), Some(p)) if p > 0 => Some(100.0 * t as f64 / p as f64),
                _ => None,
            };
            let mut place = Placement::of(s.identity.clone());
            place.name(names);
            let (name, id) = match s.by {
                GroupBy::Container => (
                    place.container_label().unwrap_or_default(),
                    s.identity.container_id.clone().unwrap_or_default(),
                ),
                GroupBy::Pod => (
                    place.pod_label().unwrap_or_default(),
                    s.identity.pod_uid.clone().unwrap_or_default(),
                ),
                GroupBy::Unit => {
                    let u = s.identity.unit.clone().unwrap_or_default();
                    (u.clone(), u)
                }
            };
            GroupState {
                kind: s.by.as_str(),
                name,
                id,
                runtime: (s.by == GroupBy::Container)
                    .then_some(place.container_runtime)
                    .flatten(),
                pod: (s.by == GroupBy::Container)
                    .then(|| place.pod_label())
                    .flatten(),
                cgroup: key.clone(),
                processes: s.processes,
                percent_of_limit: match (c.memory_bytes, c.memory_limit_bytes) {
                    (Some(m), Some(l)) if l > 0 => Some(100.0 * m as f64 / l as f64),
                    _ => None,
                },
                counters: c.clone(),
                cpu_percent,
                throttled_percent,
                oom_kills_in_window: delta(|c| c.oom_kills),
            }
        })
        .collect()
}

/// The label of the group a cgroup path belongs to (`container web`, `pod shop/api`,
/// `unit nginx.service`), for findings about a cgroup known only by its path.
pub fn label_of(path: &str, names: &mut Names) -> Option<String> {
    let mut place = Placement::of(identity::from_path(path));
    place.name(names);
    if let Some(c) = place.container_label() {
        let pod = place
            .pod_label()
            .map(|p| format!(" in pod {p}"))
            .unwrap_or_default();
        return Some(format!("container {c}{pod}"));
    }
    if let Some(p) = place.pod_label() {
        return Some(format!("pod {p}"));
    }
    place.unit.map(|u| format!("unit {u}"))
}
