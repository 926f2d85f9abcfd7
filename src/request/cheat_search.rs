//! `cheat_search` (`oncall cheat WORDS`, `oncall cheat -c CATEGORY`, bare `oncall cheat`):
//! ranked commands.

use crate::cheat::{self, sheet::Sheet, CheatOptions, CheatReport};
use crate::error::Error;
use schemars::JsonSchema;
use serde::Deserialize;

#[derive(Debug, Clone, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, default)]
pub struct CheatSearchRequest {
    /// Words to search for: a command name, a task ("port already in use"), a symptom. With
    /// no words and no category: the whole sheet.
    pub query: String,
    /// Only commands of this category (see cheat_categories).
    pub category: Option<String>,
    /// Only examples that change nothing on the host.
    pub safe: bool,
}

/// Every query is valid (request/mod.rs lists it with nothing to validate): no words and no
/// category is the whole sheet, as bare `oncall cheat` shows it (a caller with a budget pages
/// it); an unknown category is refused by the search itself, with the known ones.
pub fn run(sheet: &Sheet, req: &CheatSearchRequest) -> Result<CheatReport, Error> {
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
