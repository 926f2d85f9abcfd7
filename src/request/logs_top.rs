//! `logs_top` (`oncall logs top`): the top error and warning signatures with counts and
//! first/last seen: the report `oncall logs top --json` prints. The CLI's `logs top`
//! (commands/logs.rs) still builds it itself, over the same `Grep` and `SignatureTable`.

use crate::error::Error;
use crate::logs::levels::Level;
use crate::logs::search::{Grep, GrepOptions};
use crate::logs::signatures::SignatureTable;
use crate::logs::signatures::TopReport;
use crate::logs::sources;
use crate::logs::timestamps::{self, Clock};
use schemars::JsonSchema;
use serde::Deserialize;
use std::path::PathBuf;

#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, default)]
pub struct LogsTopRequest {
    /// Files or directories (default /var/log).
    pub paths: Vec<PathBuf>,
    /// Only lines at or after this time (RFC 3339, 30m, 2h, yesterday).
    pub since: Option<String>,
    /// How many signatures.
    pub top: usize,
}

impl Default for LogsTopRequest {
    fn default() -> Self {
        LogsTopRequest {
            paths: Vec::new(),
            since: None,
            top: 10,
        }
    }
}

pub fn run(req: &LogsTopRequest) -> Result<TopReport, Error> {
    let clock = Clock::system();
    let range = super::logs_grep::time_range(req.since.as_deref(), None, &clock)?;
    let grep = Grep::new(GrepOptions::at_level(Level::Warn, range), clock)
        .map_err(|why| Error::usage("logs top", why))?;
    let found = sources::discover_all(&super::logs_grep::paths_or_default(&req.paths));
    if let Some(r) = found.refused.first() {
        return Err(Error::usage(r.path.display(), &r.why));
    }
    let mut all = SignatureTable::default();
    for s in &found.sources {
        let mut table = SignatureTable::new(&s.display());
        // An unreadable file among many is skipped, as the CLI reports and goes on.
        if grep.search(s, &mut table).is_ok() {
            all.merge(table);
        }
    }
    let lines = all.lines;
    let mut signatures = all.top(req.top);
    for s in &mut signatures {
        s.first_seen = s.first_ms.map(timestamps::rfc3339);
        s.last_seen = s.last_ms.map(timestamps::rfc3339);
    }
    Ok(TopReport {
        files: found.sources.len(),
        error_and_warning_lines: lines,
        signatures,
    })
}
