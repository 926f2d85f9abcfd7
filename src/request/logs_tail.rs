//! `logs_tail` (`oncall logs tail`, tail -n; never follows): the last lines of log files.

use super::logs_grep::LogLine;
use crate::error::Error;
use crate::logs::last_lines;
use crate::logs::matcher::PatternSpec;
use crate::logs::sources::Source;
use crate::logs::timestamps::{self, Clock};
use grep_matcher::Matcher;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use std::path::PathBuf;

/// The most lines one report holds.
pub const MAX_LINES: usize = 2_000;

#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, default)]
pub struct LogsTailRequest {
    /// Files to read (default /var/log/syslog or /var/log/messages).
    pub paths: Vec<PathBuf>,
    /// Number of lines per file (at most 2000).
    pub lines: usize,
    /// Only lines matching this regex.
    pub grep: Option<String>,
}

impl Default for LogsTailRequest {
    fn default() -> Self {
        LogsTailRequest {
            paths: Vec::new(),
            lines: 10,
            grep: None,
        }
    }
}

#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct LogsTailReport {
    pub lines: Vec<LogLine>,
    /// Lines longer than the line cap, cut there.
    pub lines_cut: u64,
}

const NOT_REGULAR: &str =
    "not a regular file (logs tail reads log files, not devices, pipes or sockets)";

impl LogsTailRequest {
    pub fn validate(&self) -> Result<(), Error> {
        if self.lines > MAX_LINES {
            return Err(Error::usage("lines", format!("at most {MAX_LINES}")));
        }
        Ok(())
    }

    /// The files to read: those given, or the system log.
    pub fn paths(&self) -> Result<Vec<PathBuf>, Error> {
        if !self.paths.is_empty() {
            return Ok(self.paths.clone());
        }
        let default = ["/var/log/syslog", "/var/log/messages"];
        match default.iter().map(PathBuf::from).find(|p| p.exists()) {
            Some(p) => Ok(vec![p]),
            None => Err(Error::usage(default.join(" or "), "no such file")),
        }
    }
}

pub fn run(req: &LogsTailRequest) -> Result<LogsTailReport, Error> {
    req.validate()?;
    let grep = req
        .grep
        .as_deref()
        .map(|p| {
            PatternSpec {
                patterns: vec![p.to_string()],
                ..PatternSpec::default()
            }
            .build()
            .map_err(|why| Error::usage(format!("grep '{p}'"), why))
        })
        .transpose()?;
    let clock = Clock::system();
    let mut report = LogsTailReport {
        lines: Vec::new(),
        lines_cut: 0,
    };
    for path in req.paths()? {
        if path.is_dir() {
            return Err(Error::usage(path.display(), "is a directory (name a file)"));
        }
        // Checked before anything opens it: opening a FIFO blocks until a writer comes.
        if std::fs::metadata(&path).is_ok_and(|m| !m.is_file()) {
            return Err(Error::usage(path.display(), NOT_REGULAR));
        }
        let source = Source::from_path(&path).map_err(|e| Error::usage(path.display(), e))?;
        let keep = |line: &[u8]| {
            grep.as_ref()
                .is_none_or(|m| m.is_match(line).unwrap_or(false))
        };
        let want = last_lines::Want {
            n: req.lines,
            keep: &keep,
            count_numbers: true,
            include_partial: true,
        };
        let last = last_lines::read(&source, &want).map_err(|e| Error::usage(path.display(), e))?;
        let parser = last
            .lines
            .iter()
            .find_map(|l| timestamps::Parser::detect(&l.text, &clock));
        let label = path.display().to_string();
        for line in &last.lines {
            report.lines.push(LogLine {
                path: label.clone(),
                line_number: line.number,
                timestamp: parser
                    .as_ref()
                    .and_then(|p| p.parse(&line.text))
                    .map(timestamps::rfc3339),
                text: String::from_utf8_lossy(&line.text).into_owned(),
                context: None,
            });
            report.lines_cut += u64::from(line.cut);
        }
    }
    Ok(report)
}
