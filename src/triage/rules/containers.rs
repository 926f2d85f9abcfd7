//! Rules over every container, pod and limited unit on the host (not only the cgroup triage
//! runs in): near its memory limit, OOM-killed in the last 15 minutes (its counter moved in
//! the window, or the kernel's `oom-kill:` line names its cgroup), CPU-throttled.

use super::limits::{CGROUP_MEM_WARN, THROTTLED_WARN};
use super::{finding, pct};
use crate::render::units::bytes;
use crate::triage::model::Finding;
use crate::triage::model::{Observations, Severity};

pub fn groups(o: &Observations, out: &mut Vec<Finding>) {
    // The cgroup triage itself runs in has its own rule (`cgroup`): not said twice.
    let own = o.cgroup.as_ref().map(|c| c.path.as_str());
    for g in o.groups.iter().filter(|g| Some(g.cgroup.as_str()) != own) {
        let who = format!("{} {}", g.kind, g.name);
        let select = match g.kind {
            "container" => format!("oncall ps --container {}", short(&g.id)),
            "pod" => format!("oncall ps --pod {}", short(&g.id)),
            _ => format!("oncall ps --unit {}", g.id),
        };
        let files = g
            .counters
            .memory_dir
            .as_ref()
            .map(|d| d.display().to_string())
            .unwrap_or_else(|| g.cgroup.clone());
        if let (Some(p), Some(limit)) = (g.percent_of_limit, g.counters.memory_limit_bytes) {
            if p >= CGROUP_MEM_WARN {
                out.push(
                    finding(
                        Severity::Warning,
                        format!("{who} uses {} of its {} memory limit", pct(p), bytes(limit)),
                        Some("memory-pressure"),
                    )
                    .subject(g.cgroup.clone())
                    .evidence([format!("cgroup {}", g.cgroup)])
                    .next(&[&select, &format!("ls {files}"), "oncall mem"]),
                );
            }
        }
        if let Some(n) = g.oom_kills_in_window.filter(|n| *n > 0) {
            out.push(
                finding(
                    Severity::Critical,
                    format!("{who} had {n} OOM kill(s) during the window"),
                    Some("memory-pressure"),
                )
                .subject(g.cgroup.clone())
                .next(&[&select, "oncall mem"]),
            );
        }
        let periods = g.throttled_percent.filter(|t| *t > THROTTLED_WARN);
        if let Some(t) = periods {
            out.push(
                finding(
                    Severity::Warning,
                    format!("{who} was CPU-throttled in {} of periods", pct(t)),
                    Some("high-cpu"),
                )
                .subject(g.cgroup.clone())
                .detail("It hits its CPU quota: latency rises while the host may look idle.")
                .evidence([format!("cgroup {}", g.cgroup)])
                .next(&[&select, "oncall ps --by container"]),
            );
        }
    }
    // Kills the kernel put on a container, pod or unit, newest first.
    for k in o
        .group_oom_kills
        .iter()
        .rev()
        .filter(|k| k.group.is_some())
        .take(3)
    {
        let group = k.group.as_deref().unwrap_or_default();
        let pid = k.pid.map(|p| format!(" (pid {p})")).unwrap_or_default();
        out.push(
            finding(
                Severity::Critical,
                format!("OOM killer killed {}{pid} in {group} at {}", k.task, k.time),
                Some("memory-pressure"),
            )
            .subject(k.task_cgroup.clone())
            .evidence([format!(
                "limit hit: cgroup {}; victim's cgroup {}",
                k.oom_cgroup, k.task_cgroup
            )])
            .next(&["dmesg -T | grep -i -A5 'out of memory'", "oncall mem"]),
        );
    }
}

fn short(id: &str) -> &str {
    id.get(..12).unwrap_or(id)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::system::containers::census::GroupState;
    use crate::system::containers::hierarchy::GroupCounters;
    use crate::system::containers::oom_log::CgroupOomKill;

    fn group(name: &str, cgroup: &str) -> GroupState {
        GroupState {
            kind: "container",
            name: name.into(),
            id: "9ab3c4d5e6f70123".into(),
            runtime: Some("docker"),
            pod: None,
            cgroup: cgroup.into(),
            processes: 1,
            counters: GroupCounters {
                memory_bytes: Some(95),
                memory_limit_bytes: Some(100),
                ..Default::default()
            },
            percent_of_limit: Some(95.0),
            cpu_percent: Some(10.0),
            throttled_percent: Some(60.0),
            oom_kills_in_window: Some(1),
        }
    }

    #[test]
    fn groups_are_named_and_the_own_cgroup_is_not_repeated() {
        let o = Observations {
            groups: vec![group("web", "/docker/a"), group("me", "/docker/me")],
            cgroup: Some(crate::triage::model::Cgroup {
                path: "/docker/me".into(),
                ..Default::default()
            }),
            group_oom_kills: vec![CgroupOomKill {
                time: "2026-12-01T00:00:00Z".into(),
                usec: 1,
                oom_cgroup: "/docker/a".into(),
                task_cgroup: "/docker/a".into(),
                task: "java".into(),
                pid: Some(7),
                group: Some("container web".into()),
            }],
            ..Default::default()
        };
        let mut out = Vec::new();
        groups(&o, &mut out);
        let t: Vec<&str> = out.iter().map(|f| f.title.as_str()).collect();
        assert!(
            t.contains(&"container web uses 95% of its 100 B memory limit"),
            "{t:?}"
        );
        assert!(t.contains(&"container web was CPU-throttled in 60% of periods"));
        assert!(t.contains(&"container web had 1 OOM kill(s) during the window"));
        assert!(
            t.contains(&"OOM killer killed java (pid 7) in container web at 2026-12-01T00:00:00Z")
        );
        assert!(!t.iter().any(|x| x.contains("me ")), "{t:?}");
    }
}
