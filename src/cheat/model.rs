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

/// A command as a search or a category lists it (`oncall cheat WORDS --json`, the MCP
/// `cheat_search`): what DESIGN.md fixes (name, category, summary, tags, examples) and the
/// pointers onward, with its flags and subcommands counted, not listed. The entry
/// (`oncall cheat NAME`, `cheat_entry`) has them in full: in a list they were most of the
/// bytes (kubectl's alone 11 KB), so a page of hits overran the budgets clients cut at.
#[derive(Debug, Serialize, schemars::JsonSchema)]
pub struct CommandHit<'a> {
    pub name: &'a str,
    pub category: &'a str,
    pub summary: &'a str,
    pub tags: &'a [Text],
    pub examples: &'a [Example],
    pub see_also: &'a [Text],
    /// The `oncall` command that shows the same thing, where there is one.
    pub oncall: Option<&'a str>,
    /// Where a user sheet came from; `None` for the built-in sheet.
    pub source: Option<&'a str>,
    /// How many flags the entry explains.
    pub flag_count: usize,
    /// How many subcommands the entry explains.
    pub subcommand_count: usize,
}

impl<'a> From<&'a Command> for CommandHit<'a> {
    fn from(c: &'a Command) -> CommandHit<'a> {
        CommandHit {
            name: &c.name,
            category: &c.category,
            summary: &c.summary,
            tags: &c.tags,
            examples: &c.examples,
            see_also: &c.see_also,
            oncall: c.oncall.as_deref(),
            source: c.source.as_deref(),
            flag_count: c.flags.len(),
            subcommand_count: c.subcommands.len(),
        }
    }
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
