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
/// related commands too: the search tool lists, `cheat_entry` gives one in full), with the
/// items outside `keep` left `null`: a caller that sends one page of the list (the MCP
/// server) counts every match for its `total` but builds only the page's (a search matches
/// dozens; building and dropping all of them was ~20 % of a cheat_search call's CPU, perf).
pub fn hits_within(report: &CheatReport, keep: std::ops::Range<usize>) -> Value {
    use crate::cheat::model::CommandHit;
    use crate::render::cheat::JsonShape;
    fn page<T: serde::Serialize>(items: &[T], keep: &std::ops::Range<usize>) -> Value {
        Value::Array(
            items
                .iter()
                .enumerate()
                .map(|(i, c)| {
                    if keep.contains(&i) {
                        serde_json::to_value(c).unwrap_or(Value::Null)
                    } else {
                        Value::Null
                    }
                })
                .collect(),
        )
    }
    match crate::render::cheat::json_shape(report) {
        JsonShape::Commands(commands) => {
            let hits: Vec<CommandHit> = commands.into_iter().map(CommandHit::from).collect();
            page(&hits, &keep)
        }
        JsonShape::Hits(hits) => page(&hits, &keep),
        other => serde_json::to_value(other).unwrap_or(Value::Null),
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
