//! `logs_grep` (`oncall logs grep`, grep/zgrep/rg, journalctl -g): matching lines of text
//! logs (rotated and compressed ones included, container logs by `pod`/`container`) or
//! matching entries of the systemd journal.
//!
//! One request, one wiring: `plan` validates it, finds the sources and builds the search;
//! the plan's `stream` hands what it finds to the caller's output as it is found (the CLI
//! prints as it goes: files searched in parallel (`in_file_order`), each into a bounded held
//! buffer, printed in the files' order); `run` is the same stream gathered into one bounded report
//! (at most `max_lines` lines held; the counts cover every match), whose lines are the CLI's
//! `--json` lines by construction (the same printer writes them).

use super::in_file_order;
use super::logs_journal::{self, logs_request, JournalFiles, JournalLine, JSON_FIELDS};
use super::logs_source::{self, Notice, Notices};
use crate::error::Error;
use crate::journal::context::{ContextWindow, Show};
use crate::journal::query::MessageTest;
use crate::journal::{Entry, Fields, MessageFilter, Query};
use crate::logs::container_files;
use crate::logs::container_formats;
use crate::logs::fields::FieldFilter;
use crate::logs::levels::Level;
use crate::logs::matcher::{LineFilter, PatternSpec};
use crate::logs::search::{Grep, GrepOptions, LineSink, Mode, SourceResult};
use crate::logs::sources::{Discovery, Source};
use crate::logs::time_range::{self, TimeRange};
use crate::logs::timestamps::Clock;
use crate::render::{Format, Ui};
use grep_matcher::Matcher;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use std::io::{self, Write};
use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;

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

    /// The journal's priority for `level` (error = err and worse, warn = warning…).
    fn priority(self) -> &'static str {
        match self {
            LogLevel::Error => "err",
            LogLevel::Warn => "warning",
            LogLevel::Info => "info",
            LogLevel::Debug => "debug",
        }
    }
}

/// The most lines one report holds: a search that matches everywhere stays bounded.
pub const MAX_LINES: usize = 2_000;

logs_request! {
    #[derive(Debug, Clone, PartialEq, Deserialize, JsonSchema)]
    #[serde(deny_unknown_fields, default)]
    pub struct LogsGrepRequest {
        /// Patterns (regexes unless fixed_strings); a line matching any of them matches. May
        /// be empty with level, field or the journal: then every line they select matches.
        pub patterns: Vec<String> = Vec::new(),
        /// Files or directories (default /var/log).
        pub paths: Vec<PathBuf> = Vec::new(),
        /// Patterns are literal strings.
        pub fixed_strings: bool = false,
        /// Case-insensitive.
        pub ignore_case: bool = false,
        /// Whole words only.
        pub word_regexp: bool = false,
        /// Lines that do not match.
        pub invert_match: bool = false,
        /// Lines of context before each match (journal: entries).
        pub before_context: usize = 0,
        /// Lines of context after each match (journal: entries).
        pub after_context: usize = 0,
        /// Only count matching lines (grep -c): the report's per-file counts, no lines.
        pub count: bool = false,
        /// Each line's number in its file (grep -n). Counting them is a pass over every
        /// byte before a match: false leaves line_number null and skips it.
        pub line_numbers: bool = true,
        /// Only the files with a match (grep -l): the report's per-file counts, no lines.
        pub files_with_matches: bool = false,
        /// Stop after this many matches per file.
        pub max_count: Option<u64> = None,
        /// Only lines at or after this time (RFC 3339, "2026-11-27 14:00", 30m, 2h, yesterday).
        pub since: Option<String> = None,
        /// Only lines before this time.
        pub until: Option<String> = None,
        /// Only lines at this level or worse (journal: that priority and worse).
        pub level: Option<LogLevel> = None,
        /// For JSON lines: only lines whose field equals the value ("KEY=VALUE").
        pub field: Vec<String> = Vec::new(),
        /// Only the logs of this Kubernetes pod's containers (NAME or NAMESPACE/NAME).
        pub pod: Option<String> = None,
        /// Only the logs of this container (kubelet's, or Docker's json-file by name or id).
        pub container: Option<String> = None,
        /// Lines to hold in the report, at most 2000 (matches past it are counted, not kept).
        pub max_lines: usize = MAX_LINES,
    }
}

/// One line, as `oncall logs grep --json` prints it.
#[derive(Debug, Clone, Serialize, Deserialize, schemars::JsonSchema)]
pub struct LogLine {
    #[schemars(extend("x-oncall-untrusted" = true))]
    pub path: String,
    pub line_number: Option<u64>,
    pub timestamp: Option<String>,
    #[schemars(extend("x-oncall-untrusted" = true))]
    pub text: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub context: Option<bool>,
    /// A container record's stream (`text` is then its message).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub stream: Option<String>,
    /// The pod (NAMESPACE/NAME) and container a container log belongs to.
    #[schemars(extend("x-oncall-untrusted" = true))]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub pod: Option<String>,
    #[schemars(extend("x-oncall-untrusted" = true))]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub container: Option<String>,
}

/// A line of a text log or an entry of the journal, each as `--json` prints it.
#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
#[serde(untagged)]
pub enum ReportLine {
    Text(LogLine),
    Entry(JournalLine),
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
    pub lines: Vec<ReportLine>,
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
        since: parse("--since", since)?,
        until: parse("--until", until)?,
    })
}

fn not_with_journal(flag: &str) -> Error {
    Error::usage(flag, "not supported with the journal (it reads text logs)")
}

impl LogsGrepRequest {
    /// Every check of the request's own values, before anything reads the system.
    pub fn validate(&self) -> Result<(), Error> {
        let journal = self.selectors();
        if self.patterns.is_empty()
            && self.level.is_none()
            && self.field.is_empty()
            && !journal.wanted()
        {
            return Err(Error::usage(
                "patterns",
                "give a pattern (or a level or field filter, or a journal selector)",
            ));
        }
        if self.max_lines > MAX_LINES {
            return Err(Error::usage("max_lines", format!("at most {MAX_LINES}")));
        }
        if journal.wanted() {
            self.journal_checks()?;
            journal.validate()?;
        }
        self.options(&Clock::system(), false).map(|_| ())
    }

    fn journal_checks(&self) -> Result<(), Error> {
        if self.files_with_matches {
            return Err(not_with_journal("-l"));
        }
        if !self.field.is_empty() {
            return Err(not_with_journal("--field (use -t, -u or -p)"));
        }
        Ok(())
    }

    fn patterns(&self) -> Vec<String> {
        if self.patterns.is_empty() {
            vec![String::new()]
        } else {
            self.patterns.clone()
        }
    }

    fn mode(&self) -> Mode {
        if self.count {
            Mode::Count
        } else if self.files_with_matches {
            Mode::FilesWithMatches
        } else {
            Mode::Lines
        }
    }

    fn options(&self, clock: &Clock, timestamps: bool) -> Result<GrepOptions, Error> {
        let fields = self
            .field
            .iter()
            .map(|f| FieldFilter::parse(f).map_err(|why| Error::usage("--field", why)))
            .collect::<Result<Vec<_>, _>>()?;
        let opts = GrepOptions {
            patterns: PatternSpec {
                patterns: self.patterns(),
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
            mode: self.mode(),
            line_numbers: self.line_numbers,
            range: time_range(self.since.as_deref(), self.until.as_deref(), clock)?,
            timestamps,
        };
        opts.patterns
            .build()
            .map_err(|why| self.invalid_pattern(why))?;
        Ok(opts)
    }

    fn invalid_pattern(&self, why: impl std::fmt::Display) -> Error {
        Error::usage(
            format!("invalid pattern '{}'", self.patterns().join("' '")),
            why,
        )
    }
}

/// A validated request with its sources found: text files or the journal.
// One plan per call, moved once: its size does not matter.
#[allow(clippy::large_enum_variant)]
pub enum Plan {
    Text(TextSearch),
    Journal(JournalSearch),
}

pub struct TextSearch {
    pub grep: Grep,
    pub found: Discovery,
    /// As grep: the path leads each line when more than one path was named (or walked).
    pub show_path: bool,
    pub patterns: Vec<String>,
}

pub struct JournalSearch {
    files: JournalFiles,
    query: Query,
    test: Arc<MessageTest>,
    everything: bool,
    invert: bool,
    before: usize,
    after: usize,
    /// -C/-A/-B: every entry of the selected stream is read and the pattern tested here.
    context: bool,
    count: bool,
    max_count: Option<u64>,
}

/// What a stream found: whether anything matched and whether a source failed (exit 2).
#[derive(Debug, Default)]
pub struct Streamed {
    pub matched_lines: u64,
    pub failed: bool,
    pub files: usize,
    pub matches_per_file: Vec<FileMatches>,
}

/// What the caller does with one text file: search it with `grep`, its lines into a
/// `LineSink` over `out` as they are found, then the file's own summary (-c, -l). Called
/// from several threads at once (each file into its own held buffer) when several files are
/// searched.
pub trait TextOutput: Sync {
    fn file(
        &self,
        search: &TextSearch,
        source: &Source,
        out: &mut dyn Write,
    ) -> io::Result<SourceResult>;
}

/// What the caller does with the journal's entries as they come.
pub trait EntryOutput {
    /// The fields its entries need (the reader reads no other).
    fn fields(&self) -> Fields;
    fn entry(&mut self, e: &Entry, path: &str) -> io::Result<()>;
    /// Between two stretches of context that are not adjacent.
    fn separator(&mut self) -> io::Result<()>;
    /// `count`: the number of matching entries, at the end.
    fn count(&mut self, n: u64) -> io::Result<()>;
    /// Before the files' notices, so that stdout's entries come before them on a terminal.
    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

/// Validates `req` and finds its sources. `timestamps`: parse each text line's time (JSON
/// output shows it). Notices (refused paths, the journal chosen by default) go to `notice`.
pub fn plan(req: &LogsGrepRequest, timestamps: bool, notice: Notices) -> Result<Plan, Error> {
    req.validate()?;
    let paths = logs_source::sources(
        &req.paths,
        req.pod.as_deref(),
        req.container.as_deref(),
        false,
    )?;
    let selectors = req.selectors();
    if logs_journal::chosen(&selectors, &paths, notice)? {
        req.journal_checks()?;
        return journal_plan(req, notice).map(Plan::Journal);
    }
    let clock = Clock::system();
    let opts = req.options(&clock, timestamps)?;
    let grep = Grep::new(opts, clock).map_err(|why| req.invalid_pattern(why))?;
    let (found, any_dir) = logs_source::discover(&paths, &["/var/log"], notice)?;
    let show_path = any_dir || paths.len() > 1 || found.sources.len() > 1;
    Ok(Plan::Text(TextSearch {
        grep,
        found,
        show_path,
        patterns: req.patterns(),
    }))
}

fn journal_plan(req: &LogsGrepRequest, notice: Notices) -> Result<JournalSearch, Error> {
    let j = req.selectors();
    let clock = Clock::system();
    let mut sel = j.selection(req.since.as_deref(), req.until.as_deref(), &clock)?;
    if sel.priority.is_none() {
        sel.priority = req.level.map(|l| l.priority().to_string());
    }
    let patterns = req.patterns();
    // journalctl -g's smart case: a pattern without a capital letter matches any case.
    let smart = !req.ignore_case
        && patterns
            .iter()
            .all(|p| !p.chars().any(|c| c.is_uppercase()));
    let matcher = PatternSpec {
        patterns: patterns.clone(),
        fixed_strings: req.fixed_strings,
        ignore_case: req.ignore_case || smart,
        word: req.word_regexp,
    }
    .build()
    .map_err(|why| req.invalid_pattern(why))?;
    let files = j.files(Some(notice))?;
    let query = sel
        .query(&files.paths)
        .map_err(|why| Error::usage("journal", why))?;
    let invert = req.invert_match;
    let test: Arc<MessageTest> =
        Arc::new(move |m: &[u8]| matcher.is_match(m).unwrap_or(false) != invert);
    let (before, after) = (req.before_context, req.after_context);
    Ok(JournalSearch {
        files,
        query,
        test,
        everything: patterns.iter().all(|p| p.is_empty()),
        invert,
        before,
        after,
        context: (before > 0 || after > 0) && !req.count,
        count: req.count,
        max_count: req.max_count,
    })
}

impl TextSearch {
    /// A worker thread's own copy of the search, without the sources: its own regex caches.
    /// A regex shares its cache pool with its clones' no more, and a thread that is not the
    /// pool's first takes every cache through a lock, per match (5 % of a CRI `-c`).
    fn for_worker(&self) -> TextSearch {
        TextSearch {
            grep: self.grep.clone(),
            found: Discovery::default(),
            show_path: self.show_path,
            patterns: self.patterns.clone(),
        }
    }

    /// Searches every source, rendered by `output` into `out` in the files' order; notices
    /// after each file. `progress(done, of)` as each file's output goes out; `cancel` set
    /// starts no further file (`Error::Interrupted`).
    pub fn stream(
        &self,
        output: &dyn TextOutput,
        out: &mut dyn Write,
        notice: Notices,
        cancel: &AtomicBool,
        progress: &mut dyn FnMut(usize, usize),
    ) -> Result<Streamed, Error> {
        let sources = &self.found.sources;
        let mut streamed = Streamed {
            failed: !self.found.refused.is_empty(),
            files: sources.len(),
            ..Streamed::default()
        };
        let mut note = |source: &Source, r: io::Result<SourceResult>| -> Result<(), Error> {
            match r {
                Ok(r) => {
                    streamed.matched_lines += r.matched_lines;
                    if r.matched_lines > 0 {
                        streamed.matches_per_file.push(FileMatches {
                            path: source.display(),
                            count: r.matched_lines,
                        });
                    }
                    if r.no_timestamps {
                        notice(Notice::warning(format!(
                            "{}: no timestamp format recognised; searched whole",
                            source.display()
                        )));
                    }
                    if let Some(at) = r.truncated_at {
                        notice(logs_source::truncated(&source.display(), at));
                    }
                    if let Some(n) = logs_source::lines_cut(&source.display(), r.lines_cut) {
                        notice(n);
                    }
                    Ok(())
                }
                Err(e) if e.kind() == io::ErrorKind::BrokenPipe => Err(Error::Io(e)),
                Err(e) => {
                    streamed.failed = true;
                    notice(Notice::error(format!("{}: {e}", source.display())));
                    Ok(())
                }
            }
        };
        if sources.len() == 1 {
            progress(0, 1);
            let r = output.file(self, &sources[0], out);
            note(&sources[0], r)?;
            return Ok(streamed);
        }
        let total = sources.len();
        // In parallel, each file into a bounded buffer, printed in order: stable output,
        // bounded memory (at most `window` files' output held). A file whose output outgrows
        // its buffer (one that matches everywhere, a .gz that expands 1000-fold) is searched
        // again when its turn comes, straight to the output.
        let workers = in_file_order::workers();
        in_file_order::in_order(
            total,
            workers,
            workers * 4,
            || self.for_worker(),
            |search, i, buf: &mut BoundedBuffer| {
                buf.bytes.clear();
                buf.overflowed = false;
                // A cancelled search starts no further file (those under way end first).
                (!cancel.load(Ordering::Relaxed)).then(|| output.file(search, &sources[i], buf))
            },
            |i, buf, r| {
                let Some(r) = r else {
                    return Err(Error::Interrupted);
                };
                let s = &sources[i];
                progress(i, total);
                if buf.overflowed {
                    let r = output.file(self, s, out);
                    note(s, r)
                } else {
                    out.write_all(&buf.bytes)?;
                    note(s, r)
                }
            },
        )?;
        Ok(streamed)
    }
}

impl JournalSearch {
    /// The journal's matching entries (and their context) to `output` in journalctl's order.
    pub fn stream(
        &self,
        output: &mut dyn EntryOutput,
        notice: Notices,
        cancel: &AtomicBool,
    ) -> Result<Streamed, Error> {
        let mut q = self.query.clone();
        if (!self.everything || self.invert) && !self.context {
            q.message = Some(MessageFilter(self.test.clone()));
        }
        q.fields = output.fields();
        let test = &self.test;
        let paths = &self.files.paths;
        let mut window = ContextWindow::new(self.before, self.after);
        let mut n: u64 = 0;
        let mut error: Option<io::Error> = None;
        let outcome = crate::journal::search(paths, &q, &mut |e| {
            if cancel.load(Ordering::Relaxed) {
                return false;
            }
            let full = self.max_count.is_some_and(|m| n >= m);
            if full && !window.in_after_context() {
                return false;
            }
            if !self.context {
                n += 1;
                if !self.count {
                    let path = paths[e.file].display().to_string();
                    if let Err(err) = output.entry(&e, &path) {
                        error = Some(err);
                        return false;
                    }
                }
                return true;
            }
            // After the -m'th match, what follows is only its after-context.
            let matched = !full
                && (self.everything && !self.invert || e.field("MESSAGE").is_some_and(|m| test(m)));
            n += u64::from(matched);
            window.push(e, matched, &mut |show| {
                let r = match show {
                    Show::Separator => output.separator(),
                    Show::Item(e, _) => {
                        let path = paths[e.file].display().to_string();
                        output.entry(&e, &path)
                    }
                };
                r.map_err(|err| error = Some(err)).is_ok()
            })
        });
        if let Some(e) = error {
            return Err(Error::Io(e));
        }
        if cancel.load(Ordering::Relaxed) {
            return Err(Error::Interrupted);
        }
        if self.count {
            output.count(n)?;
        }
        output.flush()?;
        let failed = logs_journal::file_notices(&outcome, &self.files, notice);
        Ok(Streamed {
            matched_lines: n,
            failed,
            files: paths.len(),
            matches_per_file: Vec::new(),
        })
    }
}

/// The output of one file searched in parallel, held until its turn. Past
/// `PARALLEL_OUTPUT_BYTES` it refuses more (the search stops with that error) and says so.
#[derive(Default)]
struct BoundedBuffer {
    bytes: Vec<u8>,
    overflowed: bool,
}

/// Per file searched in a parallel batch: batch × this bounds the memory held for ordering.
const PARALLEL_OUTPUT_BYTES: usize = 1 << 20;

impl Write for BoundedBuffer {
    fn write(&mut self, data: &[u8]) -> io::Result<usize> {
        if self.overflowed || self.bytes.len() + data.len() > PARALLEL_OUTPUT_BYTES {
            self.overflowed = true;
            return Err(io::Error::other("output held for ordering is full"));
        }
        self.bytes.extend_from_slice(data);
        Ok(data.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

/// The CLI's `--json` lines of a text file: the printer `oncall logs grep --json` uses.
struct JsonText;

impl TextOutput for JsonText {
    fn file(
        &self,
        search: &TextSearch,
        source: &Source,
        out: &mut dyn Write,
    ) -> io::Result<SourceResult> {
        let ui = Ui::plain(Format::Json);
        if search.grep.opts.mode != Mode::Lines {
            return search
                .grep
                .search(source, &mut crate::logs::search::Discard);
        }
        let path = source.path.as_path();
        let mut printer =
            crate::render::logs::LinePrinter::new(out, &ui, path, search.show_path, None);
        if container_formats::name_suggests(path) {
            printer = printer.owned_by(container_files::owner_of(path));
        }
        search
            .grep
            .search(source, &mut printer as &mut dyn LineSink)
    }
}

/// Keeps the first `room` JSON lines written to it, drops the rest (their matches are still
/// counted by the search).
struct FirstLines {
    bytes: Vec<u8>,
    lines: usize,
    room: usize,
}

impl Write for FirstLines {
    fn write(&mut self, data: &[u8]) -> io::Result<usize> {
        let mut rest = data;
        while self.lines < self.room && !rest.is_empty() {
            let end = memchr::memchr(b'\n', rest).map_or(rest.len(), |i| i + 1);
            self.bytes.extend_from_slice(&rest[..end]);
            self.lines += usize::from(rest[end - 1] == b'\n');
            rest = &rest[end..];
        }
        Ok(data.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

/// Journal entries as oncall's JSON lines, the first `room` of them.
struct JsonEntries {
    lines: Vec<ReportLine>,
    room: usize,
}

impl EntryOutput for JsonEntries {
    fn fields(&self) -> Fields {
        Fields::Only(JSON_FIELDS.iter().map(|s| s.to_string()).collect())
    }

    fn entry(&mut self, e: &Entry, path: &str) -> io::Result<()> {
        if self.lines.len() < self.room {
            self.lines.push(ReportLine::Entry(JournalLine::of(e, path)));
        }
        Ok(())
    }

    fn separator(&mut self) -> io::Result<()> {
        Ok(())
    }

    fn count(&mut self, _: u64) -> io::Result<()> {
        Ok(())
    }
}

pub fn run(req: &LogsGrepRequest) -> Result<LogsGrepReport, Error> {
    run_with(req, &AtomicBool::new(false), &mut |_, _| {})
}

/// The stream gathered into a report: `progress(done, of)` per file; `cancel` set stops it
/// at the next file (`Error::Interrupted`).
pub fn run_with(
    req: &LogsGrepRequest,
    cancel: &AtomicBool,
    progress: &mut dyn FnMut(usize, usize),
) -> Result<LogsGrepReport, Error> {
    let mut notices: Vec<Notice> = Vec::new();
    let plan = plan(req, true, &mut |n| notices.push(n))?;
    let (streamed, lines) = match plan {
        Plan::Text(search) => {
            if search.found.sources.is_empty() {
                if let Some(r) = search.found.refused.first() {
                    return Err(Error::usage(r.path.display(), &r.why));
                }
            }
            let mut kept = FirstLines {
                bytes: Vec::new(),
                lines: 0,
                room: if req.count || req.files_with_matches {
                    0
                } else {
                    req.max_lines
                },
            };
            let streamed = search.stream(
                &JsonText,
                &mut kept,
                &mut |n| notices.push(n),
                cancel,
                progress,
            )?;
            let lines = kept
                .bytes
                .split(|&b| b == b'\n')
                .filter(|l| !l.is_empty())
                .filter_map(|l| serde_json::from_slice(l).ok().map(ReportLine::Text))
                .collect();
            (streamed, lines)
        }
        Plan::Journal(search) => {
            let mut kept = JsonEntries {
                lines: Vec::new(),
                room: if req.count { 0 } else { req.max_lines },
            };
            let streamed = search.stream(&mut kept, &mut |n| notices.push(n), cancel)?;
            (streamed, kept.lines)
        }
    };
    Ok(LogsGrepReport {
        files: streamed.files,
        matched_lines: streamed.matched_lines,
        matches_per_file: streamed.matches_per_file,
        lines,
        warnings: notices.into_iter().map(|n| n.text).collect(),
    })
}
