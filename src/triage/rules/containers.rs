//! Rules over every container, pod and limited unit on the host (not only the cgroup triage
//! runs in): near its memory limit, OOM-killed in the last 15 minutes (its counter moved in
//! the window, or the kernel's `oom-kill:` line names its cgroup), CPU-throttled, stalled
//! (its own v2 PSI: a host-wide figure can hide one container waiting on memory or CPU).

use super::limits::{CGROUP_MEM_WARN, PSI_FULL_CRIT, PSI_SOME_WARN, THROTTLED_WARN};
use super::{finding, pct};
use crate::render::units::bytes;
use crate::system::containers::census::GroupState;
use crate::system::pressure::Pressure;
use crate::triage::model::Finding;
use crate::triage::model::{Observations, Severity};

pub fn groups(o: &Observations, out: &mut Vec<Finding>) {
    // The cgroup triage itself runs in has its own rule (`cgroup`): not said twice.
    let own = o.cgroup.as_ref().map(|c| c.path.as_str());
    for g in o.groups.iter().filter(|g| Some(g.cgroup.as_str()) != own) {
        let who = format!("{} {}", g.kind, g.name);
        let select = select(g);
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
    stalls(o, out);
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

/// Most groups named per resource: when the whole host stalls, every group does, and the
/// host-wide `pressure` rule already says so.
const STALLED_SHOWN: usize = 3;

/// Groups whose own tasks stalled (v2 PSI, avg10 over the thresholds the host-wide rule
/// uses), the worst first. The group triage runs in is included: no other rule judges its PSI.
fn stalls(o: &Observations, out: &mut Vec<Finding>) {
    type Of = fn(&GroupState) -> Option<Pressure>;
    // (what, its PSI, runbook, file, whether `full` is judged: only memory's, as the host rule).
    let kinds: [(&str, Of, &str, &str, bool); 3] = [
        (
            "memory",
            |g| g.counters.memory_pressure,
            "memory-pressure",
            "memory.pressure",
            true,
        ),
        (
            "CPU",
            |g| g.counters.cpu_pressure,
            "high-load",
            "cpu.pressure",
            false,
        ),
        (
            "I/O",
            |g| g.counters.io_pressure,
            "slow-disk-io",
            "io.pressure",
            false,
        ),
    ];
    for (what, of, runbook, file, judge_full) in kinds {
        // (group, figure, full): all tasks stalled at once is the worse state.
        let mut hit: Vec<(&GroupState, f64, bool)> = o
            .groups
            .iter()
            .filter_map(|g| {
                let p = of(g)?;
                let full = p
                    .full
                    .map(|f| f.avg10)
                    .filter(|v| judge_full && *v > PSI_FULL_CRIT);
                match full {
                    Some(v) => Some((g, v, true)),
                    None => Some((g, p.some.avg10, false)).filter(|(_, v, _)| *v > PSI_SOME_WARN),
                }
            })
            .collect();
        hit.sort_by(|a, b| b.2.cmp(&a.2).then(b.1.total_cmp(&a.1)));
        let more = hit.len().saturating_sub(STALLED_SHOWN);
        for (g, v, full) in hit.into_iter().take(STALLED_SHOWN) {
            let (severity, title) = if full {
                (
                    Severity::Critical,
                    format!("{} {}: all its tasks stalled on {what} {v:.1}% of the last 10 s (PSI full)", g.kind, g.name),
                )
            } else {
                (
                    Severity::Warning,
                    format!(
                        "{} {}: tasks stalled on {what} {v:.1}% of the last 10 s (PSI some)",
                        g.kind, g.name
                    ),
                )
            };
            let mut f = finding(severity, title, Some(runbook))
                .subject(g.cgroup.clone())
                .evidence([format!("{file} of cgroup {}", g.cgroup)])
                .next(&[&select(g), &format!("oncall ps --by {}", g.kind)]);
            if more > 0 {
                f = f.detail(format!(
                    "{more} more group(s) stalled on {what}: oncall ps --by {}",
                    g.kind
                ));
            }
            out.push(f);
        }
    }
}

fn select(g: &GroupState) -> String {
    match g.kind {
        "container" => format!("oncall ps --container {}", short(&g.id)),
        "pod" => format!("oncall ps --pod {}", short(&g.id)),
        _ => format!("oncall ps --unit {}", g.id),
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

    fn psi(some: f64, full: f64) -> Option<Pressure> {
        use crate::system::pressure::Averages;
        let a = |v| Averages {
            avg10: v,
            avg60: 0.0,
            avg300: 0.0,
        };
        Some(Pressure {
            some: a(some),
            full: Some(a(full)),
        })
    }

    #[test]
    fn a_group_stalling_is_named_the_worst_first_and_a_crowd_is_counted() {
        let calm = |name: &str| {
            let mut g = group(name, &format!("/docker/{name}"));
            g.percent_of_limit = None;
            g.throttled_percent = None;
            g.oom_kills_in_window = None;
            g
        };
        let mut db = calm("db");
        db.counters.memory_pressure = psi(30.0, 8.0);
        db.counters.cpu_pressure = psi(50.0, 0.0);
        let mut web = calm("web");
        web.counters.memory_pressure = psi(12.0, 1.0);
        // Under the thresholds: not a finding.
        let mut idle = calm("idle");
        idle.counters.memory_pressure = psi(9.9, 4.9);
        let mut o = Observations {
            groups: vec![idle, web, db],
            ..Default::default()
        };
        for i in 0..5 {
            let mut g = calm(&format!("io{i}"));
            g.counters.io_pressure = psi(20.0 + i as f64, 0.0);
            o.groups.push(g);
        }
        let mut out = Vec::new();
        groups(&o, &mut out);
        let t: Vec<(&Severity, &str)> = out
            .iter()
            .map(|f| (&f.severity, f.title.as_str()))
            .collect();
        let mem: Vec<_> = t.iter().filter(|(_, x)| x.contains("on memory")).collect();
        assert_eq!(
            mem,
            [
                &(
                    &Severity::Critical,
                    "container db: all its tasks stalled on memory 8.0% of the last 10 s (PSI full)"
                ),
                &(
                    &Severity::Warning,
                    "container web: tasks stalled on memory 12.0% of the last 10 s (PSI some)"
                )
            ]
        );
        assert!(t.contains(&(
            &Severity::Warning,
            "container db: tasks stalled on CPU 50.0% of the last 10 s (PSI some)"
        )));
        let io: Vec<&Finding> = out.iter().filter(|f| f.title.contains("on I/O")).collect();
        assert_eq!(io.len(), STALLED_SHOWN, "{t:?}");
        assert!(io[0].title.starts_with("container io4: "), "{t:?}");
        assert_eq!(
            io[0].detail,
            "2 more group(s) stalled on I/O: oncall ps --by container"
        );
        assert_eq!(
            io[0].next,
            [
                "oncall ps --container 9ab3c4d5e6f7",
                "oncall ps --by container"
            ]
        );
        assert!(!t.iter().any(|(_, x)| x.contains("idle")), "{t:?}");
    }
}
