//! `oncall triage`: the first 60 seconds on a host in one report. `collect` samples every
//! collector over one window (with a time budget each), `rules` turns the numbers into
//! findings; `render::triage` prints them.

pub mod collect;
pub mod deleted_filesystems;
pub mod interfaces;
pub mod journal_bursts;
pub mod journal_units;
pub mod log_bursts;
pub mod model;
pub mod probes;
pub mod rules;
pub mod watch;

use collect::{SectionStatus, TriageOptions};
use model::{Finding, Observations, Severity};
use serde::Serialize;

#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct Sections {
    #[serde(flatten)]
    pub observed: Observations,
    /// How each collector fared (ok, failed with why, timed out).
    pub collectors: Vec<SectionStatus>,
}

#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct TriageReport {
    pub host: String,
    pub taken_at: String,
    pub window_ms: u64,
    pub sections: Sections,
    pub findings: Vec<Finding>,
}

impl TriageReport {
    pub fn worst(&self) -> Option<Severity> {
        self.findings.iter().map(|f| f.severity).max()
    }
}

pub fn run(opts: &TriageOptions) -> TriageReport {
    let taken_at = crate::system::timestamps::rfc3339_utc(crate::system::timestamps::now_unix());
    let collected = collect::collect(opts);
    let findings = rules::evaluate(&collected.observations);
    TriageReport {
        host: hostname(),
        taken_at,
        window_ms: collected.window_ms,
        sections: Sections {
            observed: collected.observations,
            collectors: collected.sections,
        },
        findings,
    }
}

fn hostname() -> String {
    std::fs::read_to_string("/proc/sys/kernel/hostname")
        .map(|h| h.trim().to_string())
        .unwrap_or_else(|_| "?".into())
}
