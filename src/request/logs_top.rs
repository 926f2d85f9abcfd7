//! `logs_top` (`oncall logs top`): the top error and warning signatures with counts and
//! first/last seen, of text logs (files searched in parallel) or of the journal (entries at
//! warning or worse, keyed by unit): the report `oncall logs top --json` prints.

use super::logs_journal::{self, logs_request};
use super::logs_source::{self, Notice, Notices};
use crate::error::Error;
use crate::journal::Fields;
use crate::logs::levels::Level;
use crate::logs::search::{Grep, GrepOptions};
use crate::logs::signatures::SignatureTable;
use crate::logs::signatures::TopReport;
use crate::logs::timestamps::{self, Clock};
use rayon::prelude::*;
use schemars::JsonSchema;
use serde::Deserialize;
use std::io;
use std::path::PathBuf;

logs_request! {
    #[derive(Debug, Clone, PartialEq, Deserialize, JsonSchema)]
    #[serde(deny_unknown_fields, default)]
    pub struct LogsTopRequest {
        /// Files or directories (default /var/log).
        pub paths: Vec<PathBuf> = Vec::new(),
        /// Only lines at or after this time (RFC 3339, 30m, 2h, yesterday).
        pub since: Option<String> = None,
        /// How many signatures.
        pub top: usize = 10,
        /// Only the logs of this Kubernetes pod's containers (NAME or NAMESPACE/NAME).
        pub pod: Option<String> = None,
        /// Only the logs of this container (kubelet's, or Docker's json-file by name or id).
        pub container: Option<String> = None,
    }
}

impl LogsTopRequest {
    pub fn validate(&self) -> Result<(), Error> {
        let clock = Clock::system();
        super::logs_grep::time_range(self.since.as_deref(), None, &clock)?;
        let j = self.selectors();
        if j.wanted() {
            j.validate()?;
        }
        Ok(())
    }
}

/// The report and whether a source failed (the CLI exits 2 then, after showing the rest).
pub struct Topped {
    pub report: TopReport,
    pub failed: bool,
}

pub fn run(req: &LogsTopRequest) -> Result<TopReport, Error> {
    let mut first_refused = None;
    let topped = run_with(req, &mut |n| {
        if !n.warning && first_refused.is_none() {
            first_refused = Some(n.text);
        }
    })?;
    // A report for a caller with nothing but the report: a named path that could not be
    // read is its error.
    if let Some(why) = first_refused.filter(|_| topped.failed) {
        return Err(Error::Usage(why));
    }
    Ok(topped.report)
}

/// The signatures, notices as they come.
pub fn run_with(req: &LogsTopRequest, notice: Notices) -> Result<Topped, Error> {
    req.validate()?;
    let paths = logs_source::sources(
        &req.paths,
        req.pod.as_deref(),
        req.container.as_deref(),
        false,
    )?;
    let j = req.selectors();
    let clock = Clock::system();
    if logs_journal::chosen(&j, &paths, notice)? {
        return journal_top(req, notice);
    }
    let range = super::logs_grep::time_range(req.since.as_deref(), None, &clock)?;
    let grep = Grep::new(GrepOptions::at_level(Level::Warn, range), clock)
        .map_err(|why| Error::usage("logs top", why))?;
    let (found, _) = logs_source::discover(&paths, &["/var/log"], notice)?;
    /// One file's signatures, and where it was cut short if it was truncated under the
    /// search.
    type FileSignatures = io::Result<(SignatureTable, Option<u64>, u64)>;
    let tables: Vec<(String, FileSignatures)> = found
        .sources
        .par_iter()
        .map(|s| {
            let path = s.display();
            let mut table = SignatureTable::new(&path);
            let r = grep
                .search(s, &mut table)
                .map(|r| (table, r.truncated_at, r.lines_cut));
            (path, r)
        })
        .collect();
    let mut all = SignatureTable::default();
    let mut failed = !found.refused.is_empty();
    for (path, t) in tables {
        match t {
            Ok((t, truncated_at, cut)) => {
                if let Some(n) = logs_source::lines_cut(&path, cut) {
                    notice(n);
                }
                if let Some(at) = truncated_at {
                    notice(logs_source::truncated(&path, at));
                }
                all.merge(t)
            }
            Err(e) => {
                failed = true;
                notice(Notice::error(format!("{path}: {e}")));
            }
        }
    }
    Ok(Topped {
        report: report(all, found.sources.len(), req.top),
        failed,
    })
}

fn report(table: SignatureTable, files: usize, top: usize) -> TopReport {
    let lines = table.lines;
    let mut signatures = table.top(top);
    for s in &mut signatures {
        s.first_seen = s.first_ms.map(timestamps::rfc3339);
        s.last_seen = s.last_ms.map(timestamps::rfc3339);
    }
    TopReport {
        files,
        error_and_warning_lines: lines,
        signatures,
    }
}

fn journal_top(req: &LogsTopRequest, notice: Notices) -> Result<Topped, Error> {
    let j = req.selectors();
    let clock = Clock::system();
    let mut sel = j.selection(req.since.as_deref(), None, &clock)?;
    if sel.priority.is_none() {
        sel.priority = Some("warning".into());
    }
    let files = j.files(Some(notice))?;
    let mut q = sel
        .query(&files.paths)
        .map_err(|why| Error::usage("journal", why))?;
    q.fields = Fields::Only(
        [
            "MESSAGE",
            "PRIORITY",
            "_SYSTEMD_UNIT",
            "SYSLOG_IDENTIFIER",
            "_TRANSPORT",
        ]
        .iter()
        .map(|s| s.to_string())
        .collect(),
    );
    let mut table = SignatureTable::default();
    let outcome = crate::journal::search(&files.paths, &q, &mut |e| {
        let prio = e
            .field("PRIORITY")
            .and_then(|p| std::str::from_utf8(p).ok()?.parse::<u8>().ok())
            .unwrap_or(6);
        let level = match prio {
            0..=3 => Level::Error,
            4 => Level::Warn,
            _ => return true,
        };
        let unit = e.source_name();
        let ms = (e.realtime / 1000) as i64;
        table.add_message(level, &unit, e.field("MESSAGE").unwrap_or(b""), Some(ms));
        true
    });
    let failed = logs_journal::file_notices(&outcome, &files, notice);
    Ok(Topped {
        report: report(table, files.paths.len(), req.top),
        failed,
    })
}
