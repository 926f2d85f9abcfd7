//! Units the journal says failed, were OOM-killed or crashed in the last 15 minutes
//! (triage/journal_units.rs): one finding per unit, naming it, with journalctl's command and
//! ours over the same files from just before the first of those entries. A kernel OOM kill
//! the kernel rule already reports (it read the same kill from the kernel log) is not said
//! twice when no unit is known.

use super::finding;
use crate::cheat::shell_words::quote;
use crate::system::timestamps::rfc3339_utc;
use crate::triage::model::{Finding, Observations, Severity, UnitTrouble};

/// The next steps start this long before the first entry, for what led to it.
const LEAD_SECONDS: u64 = 60;

pub fn troubles(o: &Observations, out: &mut Vec<Finding>) {
    for t in &o.unit_troubles {
        match &t.unit {
            Some(unit) => out.push(unit_finding(t, unit)),
            None => {
                let reported = o
                    .kernel
                    .as_ref()
                    .is_some_and(|k| k.oom_victims.iter().any(|(_, p, _)| Some(*p) == t.pid));
                if !reported {
                    out.push(process_finding(t));
                }
            }
        }
    }
}

/// `(journalctl's --since, ours)`: the minute before the first entry, in UTC, in a form
/// each reads (systemd 252's journalctl takes no RFC 3339 `T…Z`).
fn since(t: &UnitTrouble) -> (String, String) {
    let s = (t.first_us / 1_000_000).saturating_sub(LEAD_SECONDS) / 60 * 60;
    let iso = rfc3339_utc(s);
    let journalctl = format!("{} UTC", iso.trim_end_matches('Z').replacen('T', " ", 1));
    (journalctl, iso)
}

fn dirs(t: &UnitTrouble) -> (String, String) {
    match &t.journal_dir {
        Some(d) => (
            format!(" -D {}", quote(d)),
            format!(" --journal-dir {}", quote(d)),
        ),
        None => (String::new(), String::new()),
    }
}

/// What happened, in order of weight: `failed 2× (result 'oom-kill'), OOM-killed 1×`.
fn what(t: &UnitTrouble) -> String {
    let mut parts = Vec::new();
    if t.failures > 0 {
        let results: Vec<String> = t.results.iter().map(|r| format!("'{r}'")).collect();
        parts.push(format!(
            "failed {}× (result {})",
            t.failures,
            results.join(", ")
        ));
    }
    if t.oom_kills > 0 {
        parts.push(format!("OOM-killed {}×", t.oom_kills));
    }
    if t.crashes > 0 {
        let how = if t.signals.is_empty() {
            String::new()
        } else {
            format!(" ({})", t.signals.join(", "))
        };
        parts.push(format!("dumped core {}×{how}", t.crashes));
    }
    parts.join(", ")
}

fn unit_finding(t: &UnitTrouble, unit: &str) -> Finding {
    let (dir_j, dir_o) = dirs(t);
    let (since_j, since_o) = since(t);
    let u = quote(unit);
    let severity = if t.failures > 0 {
        Severity::Critical
    } else {
        Severity::Warning
    };
    let runbook = if t.oom_kills > 0 {
        "memory-pressure"
    } else {
        "service-wont-start"
    };
    let mut next = vec![
        format!("journalctl{dir_j} -u {u} --since {}", quote(&since_j)),
        format!("oncall logs grep -u {u} --since {since_o} ''{dir_o}"),
    ];
    if t.journal_dir.is_none() {
        next.push(format!("systemctl status {u}"));
    }
    if t.crashes > 0 {
        next.push(format!(
            "coredumpctl{dir_j} list COREDUMP_UNIT={u} --since {}",
            quote(&since_j)
        ));
    }
    if t.oom_kills > 0 && t.journal_dir.is_none() {
        next.push("oncall mem".into());
    }
    let next: Vec<&str> = next.iter().map(String::as_str).collect();
    finding(
        severity,
        format!("{unit} {} in the last 15 minutes", what(t)),
        Some(runbook),
    )
    .subject(unit.to_string())
    .detail(format!(
        "The journal's entries about {unit} since {}: PID 1's unit results, the OOM killer, \
         systemd-coredump.",
        rfc3339_utc(t.first_us / 1_000_000)
    ))
    .evidence(
        process_line(t)
            .into_iter()
            .chain(t.messages.iter().cloned()),
    )
    .next(&next)
}

fn process_line(t: &UnitTrouble) -> Option<String> {
    t.process.as_ref().map(|p| format!("process: {p}"))
}

/// A kill or crash of a process the journal ties to no unit.
fn process_finding(t: &UnitTrouble) -> Finding {
    let (dir_j, dir_o) = dirs(t);
    let (since_j, since_o) = since(t);
    let who = t.process.clone().unwrap_or_else(|| "a process".into());
    let (pattern, runbook) = if t.oom_kills > 0 {
        ("Killed process", "memory-pressure")
    } else {
        ("dumped core", "service-wont-start")
    };
    let field = if t.oom_kills > 0 {
        "_TRANSPORT=kernel".to_string()
    } else {
        format!("MESSAGE_ID={}", crate::triage::journal_units::COREDUMP)
    };
    finding(
        Severity::Warning,
        format!("{who} {} in the last 15 minutes", what(t)),
        Some(runbook),
    )
    .subject(t.pid.map(|p| p.to_string()).unwrap_or_default())
    .evidence(t.messages.iter().cloned())
    .next(&[
        &format!(
            "journalctl{dir_j} {field} --since {} -g {}",
            quote(&since_j),
            quote(pattern)
        ),
        &format!(
            "oncall logs grep {} {field} --since {since_o}{dir_o}",
            quote(pattern)
        ),
    ])
}
