//! `oncall rules prometheus`: Prometheus alerting rules for what `oncall serve` exports. One
//! alert per triage rule set (`triage::rules::names()`, the `rule` label of
//! `oncall_finding`), so the alert fires exactly when triage's own rule finds something —
//! the rules whose judgement PromQL over the exported numbers cannot repeat (a log burst
//! against the earlier rate, a retransmit ratio only above a segment rate, a listener's
//! queue against its own backlog) are judged by the same code as on the CLI, not a copy in
//! PromQL that would drift. The severity, subject and runbook labels come from the series;
//! the description states the thresholds from `triage::rules::limits`, so the text moves
//! when a limit does.

use crate::triage::rules::{self, limits::*};
use serde::Serialize;
use std::collections::BTreeMap;

#[derive(Serialize)]
pub struct RuleFile {
    pub groups: Vec<Group>,
}

#[derive(Serialize)]
pub struct Group {
    pub name: String,
    pub rules: Vec<Alert>,
}

#[derive(Serialize)]
pub struct Alert {
    pub alert: String,
    pub expr: String,
    #[serde(rename = "for")]
    pub for_: String,
    pub labels: BTreeMap<String, String>,
    pub annotations: BTreeMap<String, String>,
}

/// What each rule set looks at, with its limits.
fn judges(rule: &str) -> String {
    match rule {
        "load" => format!(
            "load average per CPU above {LOAD_PER_CPU_WARN} (warning), above {LOAD_PER_CPU_CRIT} (critical)"
        ),
        "cpu" => format!(
            "iowait above {IOWAIT_WARN}% (warning), {IOWAIT_CRIT}% (critical); steal above {STEAL_WARN}%; \
             idle below {CPU_IDLE_WARN}%; one CPU above {IMBALANCE_HOT}% while the average is below {IMBALANCE_AVG}%"
        ),
        "memory" => format!(
            "available memory below {MEM_AVAILABLE_WARN}% (warning), {MEM_AVAILABLE_CRIT}% (critical); \
             more than {SWAP_OUT_PAGES_WARN} pages swapped out a second; OOM kills"
        ),
        "pressure" => format!(
            "PSI some avg10 above {PSI_SOME_WARN}% (warning), full avg10 above {PSI_FULL_CRIT}% (critical)"
        ),
        "processes" => format!("a process above {PROCESS_CPU_WARN}% of one CPU"),
        "disks" => format!(
            "a device busy above {DISK_UTIL_WARN}% of the window or I/O await above {DISK_AWAIT_WARN_MS} ms"
        ),
        "filesystems" => format!(
            "space used at or above {FS_USED_WARN}% (warning), {FS_USED_CRIT}% (critical); inodes at or above \
             {INODES_WARN}% / {INODES_CRIT}%; a mount whose statvfs does not answer (critical); \
             at least {} MiB pinned by deleted files still open",
            DELETED_WARN_BYTES >> 20
        ),
        "network" => format!(
            "TCP retransmits above {RETRANS_WARN}% (warning), {RETRANS_CRIT}% (critical) of segments, \
             above {RETRANS_MIN_SEGMENTS} segments a second; interface errors and drops; accept-queue overflows"
        ),
        "sockets" => format!(
            "a listener's accept queue at least half full (warning) or full (critical); at least \
             {CLOSE_WAIT_WARN} sockets in CLOSE-WAIT; orphaned sockets at {ORPHANS_WARN_PERCENT}% \
             (warning), {ORPHANS_CRIT_PERCENT}% (critical) of tcp_max_orphans; {TIME_WAIT_INFO} in TIME-WAIT"
        ),
        "cgroup" => format!(
            "the cgroup's memory at or above {CGROUP_MEM_WARN}% of its limit; CPU throttled in more than \
             {THROTTLED_WARN}% of periods; OOM kills in the cgroup"
        ),
        "containers" => format!(
            "a container, pod or limited unit with its memory at or above {CGROUP_MEM_WARN}% of its \
             limit, OOM-killed in the last 15 minutes, or CPU-throttled in more than \
             {THROTTLED_WARN}% of periods"
        ),
        "kernel" => "OOM kills and error lines in the kernel log".to_string(),
        "logs" => format!(
            "at least {LOG_BURST_MIN} error lines in 15 minutes and {LOG_BURST_FACTOR}× the earlier rate in a log"
        ),
        "probes" => "a probe target of triage failing".to_string(),
        other => format!("triage's {other} rule"),
    }
}

/// `filesystems` → `OncallFilesystems`.
fn alert_name(rule: &str) -> String {
    let mut out = String::from("Oncall");
    let mut up = true;
    for c in rule.chars() {
        if c == '-' || c == '_' {
            up = true;
        } else if up {
            out.extend(c.to_uppercase());
            up = false;
        } else {
            out.push(c);
        }
    }
    out
}

/// The rule file: one group, one alert per triage rule set.
pub fn generate(for_: &str) -> RuleFile {
    let rules = rules::names()
        .map(|rule| {
            let annotations = BTreeMap::from([
                (
                    "summary".to_string(),
                    format!(
                        "oncall triage on {{{{ $labels.instance }}}}: {rule} finding \
                         ({{{{ $labels.severity }}}}) {{{{ $labels.subject }}}}"
                    ),
                ),
                (
                    "description".to_string(),
                    format!(
                        "oncall's {rule} rule found something on {{{{ $labels.instance }}}}: {}. \
                         `oncall triage` on the host says what and why.",
                        judges(rule)
                    ),
                ),
                (
                    "runbook".to_string(),
                    "oncall cheat --runbook {{ $labels.runbook }}".to_string(),
                ),
            ]);
            Alert {
                alert: alert_name(rule),
                expr: format!("oncall_finding{{rule=\"{rule}\"}} == 1"),
                for_: for_.to_string(),
                labels: BTreeMap::from([("source".to_string(), "oncall".to_string())]),
                annotations,
            }
        })
        .collect();
    RuleFile {
        groups: vec![Group {
            name: "oncall".into(),
            rules,
        }],
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_alert_per_rule_each_described_with_its_limits() {
        let f = generate("1m");
        let alerts = &f.groups[0].rules;
        assert_eq!(alerts.len(), rules::names().count());
        for (a, rule) in alerts.iter().zip(rules::names()) {
            assert!(
                !judges(rule).starts_with("triage's"),
                "{rule} has no description of its own"
            );
            assert_eq!(a.expr, format!("oncall_finding{{rule=\"{rule}\"}} == 1"));
        }
        assert_eq!(alert_name("filesystems"), "OncallFilesystems");
        assert!(judges("filesystems").contains(&format!("{FS_USED_CRIT}%")));
    }
}
