//! The cheat sheet the cheat capabilities query (built-in plus user sheets plus the host's
//! tldr pages), and their report as the JSON `oncall cheat --json` prints.

use crate::cheat::{self, sheet::Sheet, CheatReport};
use crate::render::{style::Style, Format, Ui};
use serde_json::Value;

/// Loads the sheet as `oncall cheat` does; warnings (a user sheet that does not parse) are
/// returned for the caller to show.
pub fn load(tldr: Option<std::path::PathBuf>) -> Sheet {
    let mut sheet = Sheet::with_user_dir(cheat::sheet::user_dir());
    sheet.tldr = cheat::tldr_cache::discover(tldr);
    sheet
}

/// A Ui that renders plain text or JSON, for callers that are not a terminal.
pub fn plain_ui(format: Format) -> Ui {
    Ui {
        format,
        style: Style { enabled: false },
        hints: false,
        width: Some(100),
        terminal: false,
    }
}

/// The report exactly as `oncall cheat --json` prints it: the JSON renderer's own shape, so
/// it cannot drift, made a `Value` directly (not printed and parsed back).
pub fn json(report: &CheatReport) -> Value {
    serde_json::to_value(crate::render::cheat::json_shape(report)).unwrap_or(Value::Null)
}

/// The commands of `report` as search hits (`CommandHit`; an exact name's entry and its
/// related commands too: the search tool lists, `cheat_entry` gives one in full); none for a
/// report that lists no commands.
pub fn hits(report: &CheatReport) -> Vec<crate::cheat::model::CommandHit<'_>> {
    use crate::render::cheat::JsonShape;
    match crate::render::cheat::json_shape(report) {
        JsonShape::Commands(commands) => commands.into_iter().map(Into::into).collect(),
        JsonShape::Hits(hits) => hits,
        _ => Vec::new(),
    }
}

/// What the CLI says when nothing matched: the nearest names, for the caller to offer.
pub fn nearest(report: &CheatReport) -> Option<(&str, &str, &[String])> {
    match report {
        CheatReport::NoMatch {
            what,
            query,
            nearest,
        } => Some((what, query, nearest)),
        _ => None,
    }
}
