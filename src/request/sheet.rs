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

/// The report exactly as `oncall cheat --json` prints it: its one JSON renderer is reused,
/// so the shape cannot drift.
pub fn json(report: &CheatReport) -> Value {
    let mut buf = Vec::new();
    crate::render::cheat::render(&plain_ui(Format::Json), &mut buf, report)
        .expect("writing to memory");
    serde_json::from_slice(&buf).unwrap_or(Value::Null)
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
