//! `oncall ps --by container|pod|unit`: one row per group with the group's own cgroup
//! counters (memory as the kernel charges it, not a sum of RSS; CPU from the group's usage
//! counter over the window), as `docker stats`, `crictl stats` and `systemd-cgtop` show.

use super::hierarchy::{GroupCounters, Hierarchies};
use super::identity::{short_id, Identity};
use crate::system::processes::Process;
use serde::Serialize;
use std::collections::{BTreeMap, HashMap};
use std::time::Instant;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, schemars::JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum GroupBy {
    Container,
    Pod,
    Unit,
}

impl GroupBy {
    pub fn as_str(self) -> &'static str {
        match self {
            GroupBy::Container => "container",
            GroupBy::Pod => "pod",
            GroupBy::Unit => "unit",
        }
    }

    /// The group's cgroup path for a process in it; `None` when it is in no such group.
    pub fn key(self, id: &Identity) -> Option<&str> {
        match self {
            GroupBy::Container => id.container_cgroup.as_deref(),
            GroupBy::Pod => id.pod_cgroup.as_deref(),
            GroupBy::Unit => id.unit_cgroup.as_deref(),
        }
    }
}

/// Counters of each group at one instant.
pub struct Reading {
    pub taken: Instant,
    pub groups: HashMap<String, GroupCounters>,
}

/// Reads the counters of every group in `keys`.
pub fn read<'a>(hier: &Hierarchies, keys: impl IntoIterator<Item = &'a str>) -> Reading {
    let mut groups = HashMap::new();
    for k in keys {
        if !groups.contains_key(k) {
            groups.insert(k.to_string(), hier.counters(k));
        }
    }
    Reading {
        taken: Instant::now(),
        groups,
    }
}

#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct GroupRow {
    /// What a table shows: the container's name (else its short id), `namespace/pod`, the unit.
    pub name: String,
    /// The container's full id, the pod's UID, the unit's name.
    pub id: String,
    pub cgroup: String,
    pub runtime: Option<&'static str>,
    pub image: Option<String>,
    pub pod: Option<String>,
    pub qos_class: Option<&'static str>,
    pub processes: usize,
    pub cpu_percent: f64,
    /// `cgroup` (the group's usage counter over the window) or `processes` (the sum of its
    /// processes' CPU%: no usage counter readable, or `--window 0`).
    pub cpu_from: &'static str,
    /// The sum of the processes' RSS, beside the group's own charge (which adds page cache
    /// and kernel memory).
    pub rss_bytes: u64,
    #[serde(flatten)]
    pub counters: GroupCounters,
    /// Throttled periods inside the window (`None` without two readings).
    pub nr_throttled_in_window: Option<u64>,
}

/// Rows for the processes' groups, busiest CPU first. `before` is `None` for `--window 0`.
pub fn rows(
    processes: &[Process],
    by: GroupBy,
    before: Option<&Reading>,
    after: &Reading,
) -> Vec<GroupRow> {
    let mut members: BTreeMap<&str, Vec<&Process>> = BTreeMap::new();
    for p in processes {
        if let Some(k) = by.key(&p.placement.identity) {
            members.entry(k).or_default().push(p);
        }
    }
    let window = before.map(|b| after.taken.saturating_duration_since(b.taken).as_secs_f64());
    let mut out: Vec<GroupRow> = members
        .into_iter()
        .map(|(key, procs)| {
            let first = &procs[0].placement;
            let counters = after.groups.get(key).cloned().unwrap_or_default();
            let then = before.and_then(|b| b.groups.get(key));
            let cgroup_cpu = match (
                then.and_then(|t| t.cpu_usage_ns),
                counters.cpu_usage_ns,
                window,
            ) {
                (Some(a), Some(b), Some(w)) if w > 0.0 => {
                    Some(round1(b.saturating_sub(a) as f64 / 1e9 / w * 100.0))
                }
                _ => None,
            };
            let summed = round1(procs.iter().map(|p| p.cpu_percent).sum());
            let throttled = match (then.and_then(|t| t.nr_throttled), counters.nr_throttled) {
                (Some(a), Some(b)) => Some(b.saturating_sub(a)),
                _ => None,
            };
            let (name, id) = match by {
                GroupBy::Container => {
                    let id = first.identity.container_id.clone().unwrap_or_default();
                    let name = first
                        .container_label()
                        .unwrap_or_else(|| short_id(&id).to_string());
                    (name, id)
                }
                GroupBy::Pod => {
                    let uid = first.identity.pod_uid.clone().unwrap_or_default();
                    (first.pod_label().unwrap_or_else(|| uid.clone()), uid)
                }
                GroupBy::Unit => {
                    let unit = first.unit.clone().unwrap_or_default();
                    (unit.clone(), unit)
                }
            };
            GroupRow {
                name,
                id,
                cgroup: key.to_string(),
                runtime: (by == GroupBy::Container)
                    .then_some(first.container_runtime)
                    .flatten(),
                image: (by == GroupBy::Container)
                    .then(|| first.container_image.clone())
                    .flatten(),
                pod: (by != GroupBy::Unit).then(|| first.pod_label()).flatten(),
                qos_class: (by != GroupBy::Unit)
                    .then_some(first.qos_class.map(|q| q.as_str()))
                    .flatten(),
                processes: procs.len(),
                cpu_percent: cgroup_cpu.unwrap_or(summed),
                cpu_from: if cgroup_cpu.is_some() {
                    "cgroup"
                } else {
                    "processes"
                },
                rss_bytes: procs.iter().map(|p| p.rss_bytes).sum(),
                counters,
                nr_throttled_in_window: throttled,
            }
        })
        .collect();
    out.sort_by(|a, b| {
        b.cpu_percent
            .total_cmp(&a.cpu_percent)
            .then(b.counters.memory_bytes.cmp(&a.counters.memory_bytes))
            .then(a.name.cmp(&b.name))
    });
    out
}

fn round1(x: f64) -> f64 {
    (x * 10.0).round() / 10.0
}
