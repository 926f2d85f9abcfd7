//! `logs_grep` (`oncall logs grep`, grep/zgrep/rg): matching lines of logs, rotated and
//! compressed ones included, as the JSON Lines `oncall logs grep --json` prints, gathered
//! into one report (at most `max_lines` lines held; the counts cover every match).
//!
//! The CLI streams its lines as it finds them and keeps its own loop (commands/logs.rs);
//! both build the same `GrepOptions` and run the same `Grep` over the same sources.

use crate::error::Error;
use crate::logs::fields::FieldFilter;
use crate::logs::levels::Level;
use crate::logs::matcher::{LineFilter, PatternSpec};
use crate::logs::search::{Grep, GrepOptions, LineKind, LineSink, Mode};
use crate::logs::sources;
use crate::logs::time_range::{self, TimeRange};
use crate::logs::timestamps::{self, Clock};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use std::io;
use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, Ordering};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum LogLevel {
    Error,
    Warn,
    Info,
    Debug,
}

impl LogLevel {
    pub fn level(self) -> Level {
        match self {
            LogLevel::Error => Level::Error,
            LogLevel::Warn => Level::Warn,
            LogLevel::Info => Level::Info,
            LogLevel::Debug => Level::Debug,
        }
    }
}

/// The most lines one report holds: a search that matches everywhere stays bounded.
pub const MAX_LINES: usize = 2_000;

#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, default)]
pub struct LogsGrepRequest {
    /// Patterns (regexes unless fixed_strings); a line matching any of them matches. May be
    /// empty when level or field is given: then every line those accept matches.
    pub patterns: Vec<String>,
    /// Files or directories (default /var/log).
    pub paths: Vec<PathBuf>,
    /// Patterns are literal strings.
    pub fixed_strings: bool,
    /// Case-insensitive.
    pub ignore_case: bool,
    /// Whole words only.
    pub word_regexp: bool,
    /// Lines that do not match.
    pub invert_match: bool,
    /// Lines of context before each match.
    pub before_context: usize,
    /// Lines of context after each match.
    pub after_context: usize,
    /// Stop after this many matches per file.
    pub max_count: Option<u64>,
    /// Only lines at or after this time (RFC 3339, "2026-11-27 14:00", 30m, 2h, yesterday).
    pub since: Option<String>,
    /// Only lines before this time.
    pub until: Option<String>,
    /// Only lines at this level or worse.
    pub level: Option<LogLevel>,
    /// For JSON lines: only lines whose field equals the value ("KEY=VALUE").
    pub field: Vec<String>,
    /// Lines to hold in the report, at most 2000 (matches past it are counted, not kept).
    pub max_lines: usize,
}

impl Default for LogsGrepRequest {
    fn default() -> Self {
        LogsGrepRequest {
            patterns: Vec::new(),
            paths: Vec::new(),
            fixed_strings: false,
            ignore_case: false,
            word_regexp: false,
            invert_match: false,
            before_context: 0,
            after_context: 0,
            max_count: None,
            since: None,
            until: None,
            level: None,
            field: Vec::new(),
            max_lines: MAX_LINES,
        }
    }
}

/// One line, as `oncall logs grep --json` prints it.
#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct LogLine {
    #[schemars(extend("x-oncall-untrusted" = true))]
    pub path: String,
    pub line_number: Option<u64>,
    pub timestamp: Option<String>,
    #[schemars(extend("x-oncall-untrusted" = true))]
    pub text: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub context: Option<bool>,
}

#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct FileMatches {
    #[schemars(extend("x-oncall-untrusted" = true))]
    pub path: String,
    pub count: u64,
}

#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct LogsGrepReport {
    /// Files searched.
    pub files: usize,
    /// Matching lines in all files (more than `lines` holds when `max_lines` was reached).
    pub matched_lines: u64,
    /// Files with at least one match, with their counts (grep -c).
    pub matches_per_file: Vec<FileMatches>,
    pub lines: Vec<LogLine>,
    /// What the CLI says on stderr: unreadable files, files without timestamps, cut lines.
    #[schemars(extend("x-oncall-untrusted" = true))]
    pub warnings: Vec<String>,
}

/// Parses `--since`/`--until` as the CLI does.
pub fn time_range(
    since: Option<&str>,
    until: Option<&str>,
    clock: &Clock,
) -> Result<TimeRange, Error> {
    let parse = |flag: &str, v: Option<&str>| {
        v.map(|t| time_range::parse_time(t, clock).map_err(|why| Error::usage(flag, why)))
            .transpose()
    };
    Ok(TimeRange {
        since: parse("since", since)?,
        until: parse("until", until)?,
    })
}

impl LogsGrepRequest {
    pub fn validate(&self) -> Result<(), Error> {
        if self.patterns.is_empty() && self.level.is_none() && self.field.is_empty() {
            return Err(Error::usage(
                "patterns",
                "give a pattern (or a level or field filter)",
            ));
        }
        if self.max_lines > MAX_LINES {
            return Err(Error::usage("max_lines", format!("at most {MAX_LINES}")));
        }
        self.options(&Clock::system()).map(|_| ())
    }

    fn options(&self, clock: &Clock) -> Result<GrepOptions, Error> {
        let fields = self
            .field
            .iter()
            .map(|f| FieldFilter::parse(f).map_err(|why| Error::usage("field", why)))
            .collect::<Result<Vec<_>, _>>()?;
        let mut patterns = self.patterns.clone();
        if patterns.is_empty() {
            patterns.push(String::new());
        }
        Ok(GrepOptions {
            patterns: PatternSpec {
                patterns,
                fixed_strings: self.fixed_strings,
                ignore_case: self.ignore_case,
                word: self.word_regexp,
            },
            filter: LineFilter {
                level: self.level.map(LogLevel::level),
                fields,
            },
            invert: self.invert_match,
            before: self.before_context,
            after: self.after_context,
            max_count: self.max_count,
            mode: Mode::Lines,
            range: time_range(self.since.as_deref(), self.until.as_deref(), clock)?,
            timestamps: true,
        })
    }
}

/// Keeps lines up to a limit; counts go on past it.
struct Collect<'a> {
    path: String,
    lines: &'a mut Vec<LogLine>,
    room: usize,
}

impl LineSink for Collect<'_> {
    fn line(
        &mut self,
        kind: LineKind,
        line_number: Option<u64>,
        text: &[u8],
        timestamp: Option<i64>,
    ) -> io::Result<bool> {
        if self.lines.len() < self.room {
            self.lines.push(LogLine {
                path: self.path.clone(),
                line_number,
                timestamp: timestamp.map(timestamps::rfc3339),
                text: String::from_utf8_lossy(text).into_owned(),
                context: (kind == LineKind::Context).then_some(true),
            });
        }
        Ok(true)
    }
}

/// The paths to read: those given, or /var/log.
pub fn paths_or_default(paths: &[PathBuf]) -> Vec<PathBuf> {
    if paths.is_empty() {
        vec![PathBuf::from("/var/log")]
    } else {
        paths.to_vec()
    }
}

pub fn run(req: &LogsGrepRequest) -> Result<LogsGrepReport, Error> {
    run_with(req, &AtomicBool::new(false), &mut |_, _| {})
}

/// The search, file by file: `progress(done, of)` after each file; `cancel` set stops it
/// before the next file (`Error::Interrupted`).
pub fn run_with(
    req: &LogsGrepRequest,
    cancel: &AtomicBool,
    progress: &mut dyn FnMut(usize, usize),
) -> Result<LogsGrepReport, Error> {
    req.validate()?;
    let clock = Clock::system();
    let opts = req.options(&clock)?;
    let grep = Grep::new(opts, clock).map_err(|why| {
        Error::usage(
            format!("invalid pattern '{}'", req.patterns.join("' '")),
            why,
        )
    })?;
    let found = sources::discover_all(&paths_or_default(&req.paths));
    if found.sources.is_empty() {
        if let Some(r) = found.refused.first() {
            return Err(Error::usage(r.path.display(), &r.why));
        }
    }
    let mut report = LogsGrepReport {
        files: found.sources.len(),
        matched_lines: 0,
        matches_per_file: Vec::new(),
        lines: Vec::new(),
        warnings: Vec::new(),
    };
    for r in &found.refused {
        report
            .warnings
            .push(format!("{}: {}", r.path.display(), r.why));
    }
    if !found.unreadable.is_empty() {
        report.warnings.push(format!(
            "{} file(s) not readable, e.g. {}",
            found.unreadable.len(),
            found.unreadable[0].display()
        ));
    }
    for (done, source) in found.sources.iter().enumerate() {
        if cancel.load(Ordering::Relaxed) {
            return Err(Error::Interrupted);
        }
        progress(done, found.sources.len());
        let mut sink = Collect {
            path: source.display(),
            lines: &mut report.lines,
            room: req.max_lines,
        };
        match grep.search(source, &mut sink) {
            Ok(r) => {
                report.matched_lines += r.matched_lines;
                if r.matched_lines > 0 {
                    report.matches_per_file.push(FileMatches {
                        path: source.display(),
                        count: r.matched_lines,
                    });
                }
                if r.no_timestamps {
                    report.warnings.push(format!(
                        "{}: no timestamp format recognised; searched whole",
                        source.display()
                    ));
                }
                if r.lines_cut > 0 {
                    report.warnings.push(format!(
                        "{}: {} line(s) too long, cut",
                        source.display(),
                        r.lines_cut
                    ));
                }
            }
            Err(e) => report.warnings.push(format!("{}: {e}", source.display())),
        }
    }
    Ok(report)
}
