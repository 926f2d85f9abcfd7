//! `explain_command` (`oncall cheat --explain CMDLINE`): each token of a pasted command line.

use crate::cheat::{self, sheet::Sheet, CheatOptions, CheatReport};
use crate::error::Error;
use schemars::JsonSchema;
use serde::Deserialize;

#[derive(Debug, Clone, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ExplainCommandRequest {
    /// The command line to explain, as pasted, e.g. "tar -xzvf a.tgz -C /tmp". It is parsed,
    /// never run.
    pub command_line: String,
}

pub fn run(sheet: &Sheet, req: &ExplainCommandRequest) -> Result<CheatReport, Error> {
    cheat::query(
        sheet,
        &CheatOptions {
            explain: Some(req.command_line.clone()),
            ..CheatOptions::default()
        },
    )
}
