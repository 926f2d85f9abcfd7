//! What a tool call has to work with: the server's policy (allowed paths and targets), the
//! loaded cheat sheet, the call's page, its cancel flag and its progress sink; and what a
//! call returns.

use super::allowlist::Allowlist;
use super::budget::Page;
use super::targets::Targets;
use crate::cheat::sheet::Sheet;
use crate::error::Error;
use serde_json::Value;
use std::path::{Path, PathBuf};
use std::sync::atomic::AtomicBool;
use std::sync::Arc;

/// `(progress, total, message)`, sent on as a progress notification when the call has a
/// progress token.
pub type ProgressFn = dyn Fn(f64, Option<f64>, String) + Send + Sync;

pub struct Env {
    pub sheet: Arc<Sheet>,
    pub allow: Arc<Allowlist>,
    pub targets: Arc<Targets>,
    pub page: Option<Page>,
    pub cancel: Arc<AtomicBool>,
    pub progress: Arc<ProgressFn>,
}

/// A tool's report and whether it says everything passed (a failed probe is an error
/// result that still carries its report).
pub struct Outcome {
    pub value: Value,
    pub ok: bool,
}

impl Outcome {
    pub fn ok(value: Value) -> Outcome {
        Outcome { value, ok: true }
    }

    pub fn judged(value: Value, ok: bool) -> Outcome {
        Outcome { value, ok }
    }
}

#[derive(Debug)]
pub enum CallError {
    /// The arguments are wrong: a JSON-RPC invalid-params error.
    BadArguments(String),
    /// The tool ran and could not answer (a missing file, a refused path): an error result
    /// the model reads.
    Failed(String),
}

impl CallError {
    pub fn bad(e: Error) -> CallError {
        CallError::BadArguments(e.to_string())
    }

    pub fn failed(e: Error) -> CallError {
        match e {
            Error::Interrupted => CallError::Failed("cancelled".into()),
            e => CallError::Failed(e.to_string()),
        }
    }
}

impl Env {
    pub fn allow_path(&self, p: &Path) -> Result<PathBuf, CallError> {
        self.allow.check(p).map_err(CallError::Failed)
    }

    pub fn allow_paths(&self, paths: &mut [PathBuf]) -> Result<(), CallError> {
        self.allow.check_all(paths).map_err(CallError::Failed)
    }

    /// Under a client's roots, triage's defaults (all of /var/log, the host's journal) would
    /// read outside them: the logs become the narrowed roots themselves, and the journal its
    /// default directories that are still allowed (else the roots, where a journal is only
    /// read if one lies there). A narrowed list is never empty (allowlist.rs).
    pub fn narrow_defaults(
        &self,
        logs: &mut Vec<PathBuf>,
        journal: &mut Vec<PathBuf>,
    ) -> Result<(), CallError> {
        if !self.allow.is_narrowed() {
            return Ok(());
        }
        let roots = self.allow.roots();
        if logs.is_empty() {
            *logs = roots.to_vec();
        }
        if journal.is_empty() {
            let defaults: Vec<PathBuf> = ["/var/log/journal", "/run/log/journal"]
                .iter()
                .map(PathBuf::from)
                .filter(|d| self.allow.check(d).is_ok())
                .collect();
            *journal = if defaults.is_empty() {
                roots.to_vec()
            } else {
                defaults
            };
        }
        Ok(())
    }

    pub fn admit_target(&self, target: &str) -> Result<(), CallError> {
        self.targets.admits(target).map_err(CallError::Failed)
    }

    /// How many list items the page reaches: a collector that keeps its own top N keeps at
    /// least that many.
    pub fn page_end(&self) -> usize {
        self.page
            .map(|p| p.offset.saturating_add(p.limit))
            .unwrap_or(0)
    }

    /// The list items the page holds (all of them for a tool that is not paged).
    pub fn page_range(&self) -> std::ops::Range<usize> {
        self.page.map_or(0..usize::MAX, |p| {
            p.offset..p.offset.saturating_add(p.limit)
        })
    }

    /// The call's cancel flag and progress sink, for work that takes them as one.
    pub fn watch(&self) -> crate::triage::watch::Watch {
        crate::triage::watch::Watch {
            cancel: Arc::clone(&self.cancel),
            tell: Arc::clone(&self.progress),
        }
    }

    pub fn progress(&self, progress: f64, total: Option<f64>, message: String) {
        (self.progress)(progress, total, message)
    }
}
