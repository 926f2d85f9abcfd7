//! `triage` (`oncall triage`): one sampling window over every collector, findings ranked.

use super::Span;
use crate::error::Error;
use crate::triage::{self, collect::TriageOptions, watch::Watch, TriageReport};
use schemars::JsonSchema;
use serde::Deserialize;
use std::path::PathBuf;
use std::time::Duration;

/// How long a collector that needs no window may run past it before it is reported as timed
/// out (a hung NFS mount, a huge log): the report never waits longer than window + this.
const BUDGET: Duration = Duration::from_secs(1);

#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, default)]
pub struct TriageRequest {
    /// One sampling window over all collectors (above 0).
    pub window: Span,
    /// Logs to scan for error bursts (default /var/log).
    pub logs: Vec<PathBuf>,
    /// Health probes to add (http(s)://…, tcp://host:port, grpc://host:port).
    pub probe: Vec<String>,
    /// Journal directories to scan for error bursts instead of the host's journal.
    pub journal_dir: Vec<PathBuf>,
}

impl Default for TriageRequest {
    fn default() -> Self {
        TriageRequest {
            window: Span::secs(1),
            logs: Vec::new(),
            probe: Vec::new(),
            journal_dir: Vec::new(),
        }
    }
}

impl TriageRequest {
    pub fn validate(&self) -> Result<(), Error> {
        if self.window.is_zero() {
            return Err(Error::usage(
                "--window",
                "triage needs a window above zero (e.g. 1s)",
            ));
        }
        for t in &self.probe {
            // Bad input is an error before any sampling, as `oncall probe` would say it.
            crate::probe::target::parse(t)?;
        }
        Ok(())
    }
}

impl TriageRequest {
    /// The collectors' options for a validated request (the exporter validates once and
    /// samples with them in a loop).
    pub fn options(&self) -> TriageOptions {
        TriageOptions {
            window: self.window.0,
            logs: self.logs.clone(),
            journal_dirs: self.journal_dir.clone(),
            probes: self.probe.clone(),
            budget: BUDGET,
            watch: None,
        }
    }
}

pub fn run(req: &TriageRequest) -> Result<TriageReport, Error> {
    run_with(req, None)
}

/// `run`, watched: cancellable, with progress (`oncall mcp`). A cancelled run is an error.
pub fn run_with(req: &TriageRequest, watch: Option<Watch>) -> Result<TriageReport, Error> {
    req.validate()?;
    let cancel = watch.as_ref().map(|w| std::sync::Arc::clone(&w.cancel));
    let report = triage::run(&TriageOptions {
        watch,
        ..req.options()
    });
    if cancel.is_some_and(|c| c.load(std::sync::atomic::Ordering::Relaxed)) {
        return Err(Error::Interrupted);
    }
    Ok(report)
}
