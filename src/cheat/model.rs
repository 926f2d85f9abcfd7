//! The cheat sheet as the program sees it.
//!
//! Text is `Cow<'static, str>` so that the built-in sheet is plain `static` data emitted by
//! `build.rs` (borrowed, nothing parsed at start-up) while user sheets loaded at run time
//! (owned) share the same types.

use serde::Serialize;
use std::borrow::Cow;

pub type Text = Cow<'static, str>;
pub type List<T> = Cow<'static, [T]>;

#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct Category {
    pub id: Text,
    pub title: Text,
    pub description: Text,
}

/// How much an example changes the host: the filter behind `oncall cheat --safe`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, schemars::JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum Safety {
    ReadOnly,
    ChangesState,
    Destructive,
    /// User sheets in tldr or cheat format carry no class; never shown by `--safe`.
    Unclassified,
}

impl Safety {
    pub fn parse(s: &str) -> Option<Safety> {
        match s {
            "read-only" => Some(Safety::ReadOnly),
            "changes-state" => Some(Safety::ChangesState),
            "destructive" => Some(Safety::Destructive),
            _ => None,
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Safety::ReadOnly => "read-only",
            Safety::ChangesState => "changes-state",
            Safety::Destructive => "destructive",
            Safety::Unclassified => "unclassified",
        }
    }
}

#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct Example {
    pub description: Text,
    pub command: Text,
    pub safety: Safety,
}

#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct Flag {
    /// Short form such as `-t`, or a single-dash long option such as find's `-name`.
    pub flag: Option<Text>,
    pub long: Option<Text>,
    pub meaning: Text,
    /// The name of the value the flag takes, when it takes one (`FILE` for `tar -f`).
    pub arg: Option<Text>,
}

#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct Subcommand {
    pub name: Text,
    pub meaning: Text,
    /// Flags with a meaning of their own after this subcommand; the command's flags apply too.
    pub flags: List<Flag>,
}

#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct Command {
    pub name: Text,
    pub category: Text,
    pub summary: Text,
    pub tags: List<Text>,
    pub examples: List<Example>,
    pub flags: List<Flag>,
    pub subcommands: List<Subcommand>,
    pub see_also: List<Text>,
    /// The `oncall` command that shows the same thing, where there is one.
    pub oncall: Option<Text>,
    /// Where a user sheet came from; `None` for the built-in sheet.
    pub source: Option<Text>,
}

#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct Step {
    pub title: Text,
    pub classic: Option<Text>,
    pub oncall: Option<Text>,
    pub normal: Text,
    pub look_for: Text,
    pub safety: Safety,
}

#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct Runbook {
    pub id: Text,
    pub title: Text,
    pub summary: Text,
    pub aliases: List<Text>,
    pub tags: List<Text>,
    pub see_also: List<Text>,
    pub steps: List<Step>,
}
