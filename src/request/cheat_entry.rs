//! `cheat_entry` (`oncall cheat NAME`): one command's entry in full, with related commands.

use crate::cheat::{self, sheet::Sheet, CheatOptions, CheatReport};
use crate::error::Error;
use schemars::JsonSchema;
use serde::Deserialize;

#[derive(Debug, Clone, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct CheatEntryRequest {
    /// The command's name, e.g. "tar", "ss", "journalctl" (typos are forgiven).
    pub name: String,
    /// Only examples that change nothing on the host.
    #[serde(default)]
    pub safe: bool,
}

impl CheatEntryRequest {
    pub fn validate(&self) -> Result<(), Error> {
        let name = self.name.trim();
        if name.is_empty() || name.split_whitespace().count() > 1 {
            return Err(Error::usage("name", "one command name, e.g. tar"));
        }
        Ok(())
    }
}

pub fn run(sheet: &Sheet, req: &CheatEntryRequest) -> Result<CheatReport, Error> {
    req.validate()?;
    cheat::query(
        sheet,
        &CheatOptions {
            query: vec![req.name.trim().to_string()],
            safe: req.safe,
            ..CheatOptions::default()
        },
    )
}
