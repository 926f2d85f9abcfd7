//! `logs_tail` (`oncall logs tail`, tail -n, journalctl -n): the last lines of log files
//! (container logs as records, with their pod and container) or the last entries of the
//! systemd journal.
//!
//! `plan` validates the request and finds its sources; the plan's `stream` hands the lines
//! (or entries) to the caller's output and returns where each source ended, from which the
//! CLI's `tail -f` follows (a CLI-only mode over the same request); `run` gathers the same
//! stream into a report.

use super::logs_grep::{EntryOutput, LogLine, ReportLine};
use super::logs_journal::{
    self, logs_request, JournalFiles, JournalLine, JournalSelectors, JSON_FIELDS,
};
use super::logs_source::{self, Notice, Notices};
use crate::error::Error;
use crate::journal::{Entry, Fields, MessageFilter, Query, Seen};
use crate::logs::container_files::{self, Owner};
use crate::logs::container_formats;
use crate::logs::container_tail;
use crate::logs::follow::Start;
use crate::logs::last_lines;
use crate::logs::matcher::PatternSpec;
use crate::logs::search::{self, RecordLine};
use crate::logs::sources::{Compression, Source};
use crate::logs::timestamps::{self, Clock};
use grep_matcher::Matcher;
use grep_regex::RegexMatcher;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use std::collections::HashMap;
use std::io;
use std::path::PathBuf;
use std::sync::Arc;

/// The most lines one report holds.
pub const MAX_LINES: usize = 2_000;

logs_request! {
    #[derive(Debug, Clone, PartialEq, Deserialize, JsonSchema)]
    #[serde(deny_unknown_fields, default)]
    pub struct LogsTailRequest {
        /// Files to read (default /var/log/syslog or /var/log/messages).
        pub paths: Vec<PathBuf> = Vec::new(),
        /// Number of lines per file (at most 2000 in a report).
        pub lines: usize = 10,
        /// Only lines matching this regex (journal: entries whose message matches).
        pub grep: Option<String> = None,
        /// Journal only: entries at or after this time (journalctl's forms too: -1h, yesterday).
        pub since: Option<String> = None,
        /// Journal only: entries up to this time.
        pub until: Option<String> = None,
        /// Only the logs of this Kubernetes pod's containers (NAME or NAMESPACE/NAME).
        pub pod: Option<String> = None,
        /// Only the logs of this container (kubelet's, or Docker's json-file by name or id).
        pub container: Option<String> = None,
    }
}

#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct LogsTailReport {
    pub lines: Vec<ReportLine>,
    /// Lines longer than the line cap, cut there.
    pub lines_cut: u64,
}

const NOT_REGULAR: &str =
    "not a regular file (logs tail reads log files, not devices, pipes or sockets)";

/// How the caller shows the tail: `follow` (the CLI's -f: a last line without its newline
/// waits for the follower), `json` (line numbers and timestamps are worked out).
#[derive(Debug, Clone, Copy, Default)]
pub struct View {
    pub follow: bool,
    pub json: bool,
}

/// What the caller does with the lines and entries as they come.
pub trait TailOutput {
    fn line(
        &mut self,
        path: &str,
        line_number: Option<u64>,
        text: &[u8],
        timestamp: Option<i64>,
    ) -> io::Result<()>;
    /// A container log's record: its message, stream and time, and whose log it is.
    fn record(
        &mut self,
        path: &str,
        line_number: Option<u64>,
        record: &RecordLine<'_>,
        timestamp: Option<i64>,
        owner: &Owner,
    ) -> io::Result<()>;
    /// After each file's last lines (before its notices).
    fn flush(&mut self) -> io::Result<()>;
}

/// A validated request with its sources found: text files or the journal.
pub enum Plan {
    Text(TextTail),
    Journal(Box<JournalTail>),
}

pub struct TextTail {
    paths: Vec<PathBuf>,
    grep: Option<RegexMatcher>,
    lines: usize,
}

pub struct JournalTail {
    /// The selectors, for a follower that finds the files again.
    pub selectors: JournalSelectors,
    files: JournalFiles,
    query: Query,
}

/// Where a text tail ended: what a follower starts from.
pub struct TextTailed {
    pub starts: Vec<Start>,
    /// Container files by path: a follower joins their records.
    pub formats: HashMap<PathBuf, container_formats::Format>,
    pub grep: Option<RegexMatcher>,
    pub lines_cut: u64,
}

/// Where a journal tail ended: the query without its `last`, and the entries seen.
pub struct JournalTailed {
    pub query: Query,
    pub seen: Seen,
    pub failed: bool,
}

impl LogsTailRequest {
    pub fn validate(&self) -> Result<(), Error> {
        self.matcher()?;
        let j = self.selectors();
        if j.wanted() {
            j.validate()?;
            j.selection(
                self.since.as_deref(),
                self.until.as_deref(),
                &Clock::system(),
            )?;
        } else if self.since.is_some() || self.until.is_some() {
            return Err(since_for_the_journal_only());
        }
        Ok(())
    }

    fn matcher(&self) -> Result<Option<RegexMatcher>, Error> {
        self.grep
            .as_deref()
            .map(|p| {
                PatternSpec {
                    patterns: vec![p.to_string()],
                    ..PatternSpec::default()
                }
                .build()
                .map_err(|why| Error::usage(format!("--grep '{p}'"), why))
            })
            .transpose()
    }
}

/// The system log a tail reads when no path is named: /var/log/syslog or /var/log/messages.
pub fn system_log() -> Result<PathBuf, Error> {
    let default = ["/var/log/syslog", "/var/log/messages"];
    default
        .iter()
        .map(PathBuf::from)
        .find(|p| p.exists())
        .ok_or_else(|| Error::usage(default.join(" or "), "no such file"))
}

fn since_for_the_journal_only() -> Error {
    Error::usage(
        "--since/--until",
        "logs tail takes them for the journal only (for text logs: logs grep --since)",
    )
}

/// Validates `req` and finds its sources.
pub fn plan(req: &LogsTailRequest, notice: Notices) -> Result<Plan, Error> {
    req.validate()?;
    let paths = logs_source::sources(
        &req.paths,
        req.pod.as_deref(),
        req.container.as_deref(),
        true,
    )?;
    let j = req.selectors();
    let grep = req.matcher()?;
    if logs_journal::chosen(&j, &paths, notice)? {
        let clock = Clock::system();
        let sel = j.selection(req.since.as_deref(), req.until.as_deref(), &clock)?;
        let files = j.files(Some(notice))?;
        let mut query = sel
            .query(&files.paths)
            .map_err(|why| Error::usage("journal", why))?;
        if let Some(m) = grep {
            query.message = Some(MessageFilter(Arc::new(move |msg: &[u8]| {
                m.is_match(msg).unwrap_or(false)
            })));
        }
        query.last = Some(req.lines);
        return Ok(Plan::Journal(Box::new(JournalTail {
            selectors: j,
            files,
            query,
        })));
    }
    if req.since.is_some() || req.until.is_some() {
        return Err(since_for_the_journal_only());
    }
    let paths = if paths.is_empty() {
        vec![system_log()?]
    } else {
        paths
    };
    Ok(Plan::Text(TextTail {
        paths,
        grep,
        lines: req.lines,
    }))
}

impl TextTail {
    /// The files read (named, the containers', or the system log).
    pub fn paths(&self) -> &[PathBuf] {
        &self.paths
    }

    /// Each file's last lines (container logs: records) to `output`.
    pub fn stream(
        self,
        view: View,
        output: &mut dyn TailOutput,
        notice: Notices,
    ) -> Result<TextTailed, Error> {
        text_tail(self, view, output, notice)
    }
}

impl JournalTail {
    /// The last entries to `output`, in journalctl's order.
    pub fn stream(
        self,
        output: &mut dyn EntryOutput,
        notice: Notices,
    ) -> Result<JournalTailed, Error> {
        journal_tail(self, output, notice)
    }
}

fn text_tail(
    tail: TextTail,
    view: View,
    output: &mut dyn TailOutput,
    notice: Notices,
) -> Result<TextTailed, Error> {
    let TextTail { paths, grep, lines } = tail;
    let json = view.json;
    let clock = Clock::system();
    let mut starts = Vec::new();
    let mut formats = HashMap::new();
    let mut lines_cut = 0;
    for path in &paths {
        if path.is_dir() {
            return Err(Error::usage(path.display(), "is a directory (name a file)"));
        }
        // A device, pipe or socket has no end to read back from and no name to follow
        // across rotation (`tail -f /dev/zero` read forever); checked before anything opens
        // it, since opening a FIFO blocks until a writer comes.
        if std::fs::metadata(path).is_ok_and(|m| !m.is_file()) {
            return Err(Error::usage(path.display(), NOT_REGULAR));
        }
        let source = match Source::from_path(path) {
            Ok(s) => s,
            // tail -F waits for a file that does not exist yet; without -f it is an error.
            Err(e) if view.follow && e.kind() == io::ErrorKind::NotFound => {
                let parent = path.parent().filter(|p| !p.as_os_str().is_empty());
                if parent.is_some_and(|p| !p.is_dir()) {
                    return Err(Error::usage(path.display(), "no such directory"));
                }
                starts.push(Start {
                    path: path.clone(),
                    offset: None,
                    line_number: None,
                    bytes_before: Vec::new(),
                });
                continue;
            }
            Err(e) => return Err(Error::usage(path.display(), e)),
        };
        let keep = |line: &[u8]| {
            grep.as_ref()
                .is_none_or(|m| m.is_match(line).unwrap_or(false))
        };
        let format = match source.compression {
            Compression::None => search::container_format(&source),
            _ => None,
        };
        // A container log's last records come from container_tail (by message, records
        // joined); the line reader only finds where following starts. Asked for lines it
        // would scan back for raw lines matching `--grep`, to the file's start when the
        // pattern matches messages only (`^word`).
        let want = last_lines::Want {
            n: if format.is_some() { 0 } else { lines },
            keep: &keep,
            // A container log's records are numbered by container_tail; the line reader's
            // count (a read of the whole file) is only the follower's starting number.
            count_numbers: json && (format.is_none() || view.follow),
            include_partial: !view.follow,
        };
        let last = last_lines::read(&source, &want).map_err(|e| Error::usage(path.display(), e))?;
        let label = path.display().to_string();
        let mut cut = 0;
        let mut resume = None;
        if let Some(format) = format {
            // Records, not lines: P runs joined, shown by time and message (container_tail.rs).
            formats.insert(path.clone(), format);
            let owner = container_files::owner_of(path);
            // A follow that starts inside an open P run starts at its first line instead,
            // so the record is shown once, joined, when its F comes (container_tail.rs).
            let pending = if view.follow {
                container_tail::pending_run(path, format, last.end_offset)
                    .map_err(|e| Error::usage(path.display(), e))?
            } else {
                None
            };
            let upto = match pending {
                Some((start, _)) => start,
                None if view.follow => last.end_offset,
                None => source.len,
            };
            resume = pending;
            let keep_message = |m: &[u8]| keep(m);
            let (records, joined_cut) =
                container_tail::last_records(path, format, lines, upto, &keep_message, json)
                    .map_err(|e| Error::usage(path.display(), e))?;
            let iso = timestamps::Parser::with_format(timestamps::Format::Iso, &clock);
            for shown in &records {
                let number = json.then_some(shown.number);
                match container_tail::record_of(&shown.text) {
                    Some(r) => {
                        let ts = json.then(|| iso.parse(r.time)).flatten();
                        output.record(&label, number, &r, ts, &owner)?
                    }
                    None => output.line(&label, number, &shown.text, None)?,
                }
            }
            cut += joined_cut;
        } else {
            let parser = if json {
                last.lines
                    .iter()
                    .find_map(|l| timestamps::Parser::detect(&l.text, &clock))
            } else {
                None
            };
            for line in &last.lines {
                let ts = parser.as_ref().and_then(|p| p.parse(&line.text));
                output.line(&label, line.number, &line.text, ts)?;
                cut += u64::from(line.cut);
            }
        }
        if cut > 0 {
            output.flush()?;
            notice(Notice::warning(format!(
                "{label}: {}",
                crate::render::logs::cut_lines(cut)
            )));
        }
        lines_cut += cut;
        starts.push(match resume {
            // Empty bytes_before: the follower reads those before the run's start itself.
            Some((start, lines)) => Start {
                path: path.clone(),
                offset: Some(start),
                line_number: last.lines_before_end.map(|n| n.saturating_sub(lines)),
                bytes_before: Vec::new(),
            },
            None => Start {
                path: path.clone(),
                offset: Some(last.end_offset),
                line_number: last.lines_before_end,
                bytes_before: last.bytes_before_end,
            },
        });
    }
    Ok(TextTailed {
        starts,
        formats,
        grep,
        lines_cut,
    })
}

fn journal_tail(
    tail: JournalTail,
    output: &mut dyn EntryOutput,
    notice: Notices,
) -> Result<JournalTailed, Error> {
    let JournalTail {
        files, mut query, ..
    } = tail;
    query.fields = output.fields();
    let mut seen = Seen::default();
    let mut error = None;
    let outcome = crate::journal::search_new(&files.paths, &query, &mut seen, &mut |e| {
        let path = files.paths[e.file].display().to_string();
        match output.entry(&e, &path) {
            Ok(()) => true,
            Err(err) => {
                error = Some(err);
                false
            }
        }
    });
    if let Some(e) = error {
        return Err(Error::Io(e));
    }
    output.flush()?;
    let failed = logs_journal::file_notices(&outcome, &files, notice);
    query.last = None;
    Ok(JournalTailed {
        query,
        seen,
        failed,
    })
}

/// Lines and entries as `oncall logs tail --json` prints them.
struct Collect {
    lines: Vec<ReportLine>,
}

impl TailOutput for Collect {
    fn line(
        &mut self,
        path: &str,
        line_number: Option<u64>,
        text: &[u8],
        timestamp: Option<i64>,
    ) -> io::Result<()> {
        self.lines.push(ReportLine::Text(LogLine {
            path: path.to_string(),
            line_number,
            timestamp: timestamp.map(timestamps::rfc3339),
            text: String::from_utf8_lossy(text).into_owned(),
            context: None,
            stream: None,
            pod: None,
            container: None,
        }));
        Ok(())
    }

    fn record(
        &mut self,
        path: &str,
        line_number: Option<u64>,
        record: &RecordLine<'_>,
        timestamp: Option<i64>,
        owner: &Owner,
    ) -> io::Result<()> {
        self.lines.push(ReportLine::Text(LogLine {
            path: path.to_string(),
            line_number,
            timestamp: timestamp.map(timestamps::rfc3339),
            text: String::from_utf8_lossy(record.message).into_owned(),
            context: None,
            stream: Some(record.stream.to_string()),
            pod: owner.pod.clone(),
            container: owner.container.clone(),
        }));
        Ok(())
    }

    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

impl EntryOutput for Collect {
    fn fields(&self) -> Fields {
        Fields::Only(JSON_FIELDS.iter().map(|s| s.to_string()).collect())
    }

    fn entry(&mut self, e: &Entry, path: &str) -> io::Result<()> {
        self.lines.push(ReportLine::Entry(JournalLine::of(e, path)));
        Ok(())
    }

    fn separator(&mut self) -> io::Result<()> {
        Ok(())
    }

    fn count(&mut self, _: u64) -> io::Result<()> {
        Ok(())
    }
}

pub fn run(req: &LogsTailRequest) -> Result<LogsTailReport, Error> {
    if req.lines > MAX_LINES {
        return Err(Error::usage("lines", format!("at most {MAX_LINES}")));
    }
    let mut collect = Collect { lines: Vec::new() };
    let view = View {
        follow: false,
        json: true,
    };
    let lines_cut = match plan(req, &mut |_| {})? {
        Plan::Text(tail) => tail.stream(view, &mut collect, &mut |_| {})?.lines_cut,
        Plan::Journal(tail) => {
            tail.stream(&mut collect, &mut |_| {})?;
            0
        }
    };
    Ok(LogsTailReport {
        lines: collect.lines,
        lines_cut,
    })
}
