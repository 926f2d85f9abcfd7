//! The cheat tools' results as types, for their outputSchema: a result is an object, so the
//! lists `oncall cheat --json` prints go under a key (tools.rs builds the values from the
//! CLI's own JSON renderer; these say their shape). Never built: the schema is all they are.

use crate::cheat::model::{Command, CommandHit, Runbook};
use crate::render::cheat::CategoryRow;
use schemars::JsonSchema;

/// `cheat_search`: the ranked commands (their flags and subcommands counted: cheat_entry
/// has them); with no match, none and the nearest names.
#[derive(JsonSchema)]
#[allow(dead_code)]
pub struct CheatSearchResult {
    pub commands: Vec<CommandHit<'static>>,
    /// Names near the query when nothing matched.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub nearest: Option<Vec<String>>,
}

/// `cheat_entry`: the entry, then the related commands.
#[derive(JsonSchema)]
#[allow(dead_code)]
pub struct CheatEntryResult {
    pub entries: Vec<Command>,
}

/// `runbook`: one runbook as itself, or (an empty symptom, several matches) the list.
#[derive(JsonSchema)]
#[allow(dead_code)]
pub struct RunbookResult {
    #[serde(flatten)]
    pub runbook: Option<Runbook>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub runbooks: Option<Vec<Runbook>>,
}

/// `cheat_categories`: every category with its counts.
#[derive(JsonSchema)]
#[allow(dead_code)]
pub struct CheatCategoriesResult {
    pub categories: Vec<CategoryRow<'static>>,
}
