//! `runbook` (`oncall cheat --runbook SYMPTOM`): ordered steps for a symptom; without one,
//! the list of runbooks.

use crate::cheat::{self, sheet::Sheet, CheatOptions, CheatReport};
use crate::error::Error;
use schemars::JsonSchema;
use serde::Deserialize;

#[derive(Debug, Clone, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, default)]
pub struct RunbookRequest {
    /// A symptom ("disk full", "too many open files") or a runbook id; empty lists them all.
    pub symptom: String,
}

pub fn run(sheet: &Sheet, req: &RunbookRequest) -> Result<CheatReport, Error> {
    cheat::query(
        sheet,
        &CheatOptions {
            runbook: Some(req.symptom.clone()),
            ..CheatOptions::default()
        },
    )
}
