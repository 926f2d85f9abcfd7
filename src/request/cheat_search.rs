//! `cheat_search` (`oncall cheat WORDS`, `oncall cheat -c CATEGORY`): ranked commands.

use crate::cheat::{self, sheet::Sheet, CheatOptions, CheatReport};
use crate::error::Error;
use schemars::JsonSchema;
use serde::Deserialize;

#[derive(Debug, Clone, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, default)]
pub struct CheatSearchRequest {
    /// Words to search for: a command name, a task ("port already in use"), a symptom.
    pub query: String,
    /// Only commands of this category (see cheat_categories).
    pub category: Option<String>,
    /// Only examples that change nothing on the host.
    pub safe: bool,
}

impl CheatSearchRequest {
    pub fn validate(&self) -> Result<(), Error> {
        if self.query.trim().is_empty() && self.category.is_none() {
            return Err(Error::usage(
                "query",
                "give words to search for, or a category",
            ));
        }
        Ok(())
    }
}

pub fn run(sheet: &Sheet, req: &CheatSearchRequest) -> Result<CheatReport, Error> {
    req.validate()?;
    cheat::query(
        sheet,
        &CheatOptions {
            query: req.query.split_whitespace().map(String::from).collect(),
            category: req.category.clone(),
            safe: req.safe,
            ..CheatOptions::default()
        },
    )
}
