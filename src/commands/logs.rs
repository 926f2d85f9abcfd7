//! `oncall logs grep|tail|top`: flags → the request (`request::logs_*`) → its stream →
//! renderers. What is searched and how is the request layer's; here the operands are read
//! as a person means them, and what the stream finds is printed as it comes.

use crate::cli::{LogLevel, LogsGrepArgs, LogsTailArgs, LogsTopArgs};
use crate::commands::logs_journal;
use crate::error::Error;
use crate::exit_codes;
use crate::logs::container_files::{self, Owner};
use crate::logs::container_formats;
use crate::logs::container_tail;
use crate::logs::follow::{FollowOptions, Follower};
use crate::logs::search::{Discard, LineSink, Mode, RecordLine, SourceResult};
use crate::logs::sources::Source;
use crate::logs::timestamps::Clock;
use crate::render::logs as render;
use crate::render::{Format, Ui};
use crate::request::logs_grep::{self, LogsGrepRequest, TextOutput, TextSearch};
use crate::request::logs_source::Notice;
use crate::request::logs_tail::{self, LogsTailRequest, TailOutput};
use crate::request::logs_top::{self, LogsTopRequest};
use std::io::{self, Write};
use std::os::fd::AsRawFd;
use std::path::{Path, PathBuf};
use std::sync::atomic::AtomicBool;

/// A notice as the CLI says it: on stderr, as it comes.
pub fn say(n: Notice) {
    crate::render::stderr::line(format_args!("{}", n.line()));
}

fn level(l: LogLevel) -> logs_grep::LogLevel {
    match l {
        LogLevel::Error => logs_grep::LogLevel::Error,
        LogLevel::Warn => logs_grep::LogLevel::Warn,
        LogLevel::Info => logs_grep::LogLevel::Info,
        LogLevel::Debug => logs_grep::LogLevel::Debug,
    }
}

/// With `--level`/`--field` the pattern may be left out: `logs grep --level error app.log`
/// reads as a person means it, every error line of app.log. So without `-e`, a first operand
/// that names an existing file, or a directory written with a `/` (`/var/log`, `logs/`), is a
/// path when a filter is given; `.` stays the regex it usually is (`--level debug .`). With
/// no pattern left, every line the filter accepts matches.
fn patterns_and_paths(args: &mut LogsGrepArgs) -> Result<(Vec<String>, Vec<PathBuf>), Error> {
    let mut paths = std::mem::take(&mut args.paths);
    let mut patterns = std::mem::take(&mut args.regexp);
    let filtered = args.level.is_some() || !args.field.is_empty();
    if let Some(p) = args.pattern.take() {
        if !patterns.is_empty() || (filtered && names_a_path(&p)) {
            // With -e, every operand is a path (as in grep).
            paths.insert(0, PathBuf::from(p));
        } else {
            patterns.push(p);
        }
    }
    let patterns = patterns
        .into_iter()
        .map(pattern_text)
        .collect::<Result<Vec<_>, _>>()?;
    Ok((patterns, paths))
}

/// An operand that reads as a path rather than a regex: an existing file, or an existing
/// directory written with a slash.
fn names_a_path(operand: &std::ffi::OsStr) -> bool {
    use std::os::unix::ffi::OsStrExt;
    let path = Path::new(operand);
    path.is_file() || (path.is_dir() && operand.as_bytes().contains(&b'/'))
}

/// Patterns are text (the regex syntax is); a byte that is not UTF-8 is written as an escape.
fn pattern_text(p: std::ffi::OsString) -> Result<String, Error> {
    p.into_string().map_err(|raw| {
        Error::usage(
            format!("pattern '{}'", raw.to_string_lossy()),
            "not valid UTF-8; write raw bytes as escapes, e.g. '(?-u:\\xff)' for the byte 0xff",
        )
    })
}

impl TryFrom<LogsGrepArgs> for LogsGrepRequest {
    type Error = Error;

    fn try_from(mut args: LogsGrepArgs) -> Result<Self, Error> {
        if let Some(operand) = logs_journal::operand_taken_by_boot(&mut args.journal) {
            if let Some(p) = args.pattern.take() {
                args.paths.insert(0, PathBuf::from(p));
            }
            args.pattern = Some(operand.into());
        }
        let (patterns, paths) = patterns_and_paths(&mut args)?;
        let (paths, selectors) = logs_journal::selectors(&args.journal, paths);
        Ok(LogsGrepRequest {
            patterns,
            paths,
            fixed_strings: args.fixed_strings,
            ignore_case: args.ignore_case,
            word_regexp: args.word_regexp,
            invert_match: args.invert_match,
            before_context: args.before_context.or(args.context).unwrap_or(0),
            after_context: args.after_context.or(args.context).unwrap_or(0),
            count: args.count,
            line_numbers: !args.no_line_number,
            files_with_matches: args.files_with_matches,
            max_count: args.max_count,
            since: args.since,
            until: args.until,
            level: args.level.map(level),
            field: args.field,
            pod: args.pod,
            container: args.container,
            ..LogsGrepRequest::default()
        }
        .with_selectors(selectors))
    }
}

impl TryFrom<LogsTailArgs> for LogsTailRequest {
    type Error = Error;

    fn try_from(mut args: LogsTailArgs) -> Result<Self, Error> {
        if let Some(operand) = logs_journal::operand_taken_by_boot(&mut args.journal) {
            args.paths.insert(0, PathBuf::from(operand));
        }
        let (paths, selectors) = logs_journal::selectors(&args.journal, args.paths);
        Ok(LogsTailRequest {
            paths,
            lines: args.lines,
            grep: args.grep,
            since: args.since,
            until: args.until,
            pod: args.pod,
            container: args.container,
            ..LogsTailRequest::default()
        }
        .with_selectors(selectors))
    }
}

impl TryFrom<LogsTopArgs> for LogsTopRequest {
    type Error = Error;

    fn try_from(mut args: LogsTopArgs) -> Result<Self, Error> {
        if let Some(operand) = logs_journal::operand_taken_by_boot(&mut args.journal) {
            args.paths.insert(0, PathBuf::from(operand));
        }
        let (paths, selectors) = logs_journal::selectors(&args.journal, args.paths);
        Ok(LogsTopRequest {
            paths,
            since: args.since,
            top: args.top,
            pod: args.pod,
            container: args.container,
            ..LogsTopRequest::default()
        }
        .with_selectors(selectors))
    }
}

/// A text file's lines as grep prints them (or as JSON Lines), then its count (-c) or its
/// name (-l).
struct Printed<'u> {
    ui: &'u Ui,
}

impl TextOutput for Printed<'_> {
    fn file(
        &self,
        search: &TextSearch,
        source: &Source,
        out: &mut dyn Write,
    ) -> io::Result<SourceResult> {
        let (ui, grep, show_path) = (self.ui, &search.grep, search.show_path);
        let path = source.path.as_path();
        let mode = grep.opts.mode;
        let result = if mode == Mode::Lines {
            let highlight = (!grep.opts.invert).then(|| grep.matcher.inner.clone());
            let mut printer = render::LinePrinter::new(out, ui, path, show_path, highlight);
            if ui.format == Format::Json && container_formats::name_suggests(path) {
                printer = printer.owned_by(container_files::owner_of(path));
            }
            grep.search(source, &mut printer as &mut dyn LineSink)?
        } else {
            grep.search(source, &mut Discard)?
        };
        match mode {
            Mode::Count if result.per_pattern.len() > 1 => {
                let counts: Vec<(String, u64)> = search
                    .patterns
                    .iter()
                    .cloned()
                    .zip(result.per_pattern.iter().copied())
                    .collect();
                if !show_path || result.matched_lines > 0 {
                    render::pattern_counts(ui, out, path, show_path, &counts)?;
                }
            }
            // Several files: like rg -c, only files with a match.
            Mode::Count if !show_path || result.matched_lines > 0 => {
                render::count(ui, out, path, show_path, result.matched_lines)?
            }
            Mode::FilesWithMatches if result.matched_lines > 0 => {
                render::file_with_match(ui, out, path)?
            }
            _ => {}
        }
        Ok(result)
    }
}

pub fn grep(args: LogsGrepArgs, ui: &Ui, out: &mut dyn Write) -> Result<u8, Error> {
    let asked = args.line_number || args.no_line_number;
    let mut req = LogsGrepRequest::try_from(args)?;
    // rg's rule: lines into a pipe carry no numbers unless -n asks (counting them is a pass
    // over every byte before each match); a terminal, --json and Markdown keep them.
    if !asked && !ui.terminal && ui.format == Format::Table {
        req.line_numbers = false;
    }
    let streamed = match logs_grep::plan(&req, ui.format == Format::Json, &mut say)? {
        logs_grep::Plan::Text(search) => search.stream(
            &Printed { ui },
            out,
            &mut say,
            &AtomicBool::new(false),
            &mut |_, _| {},
        )?,
        logs_grep::Plan::Journal(search) => {
            let mut entries = logs_journal::Entries::new(out, ui, req.output);
            search.stream(&mut entries, &mut say, &AtomicBool::new(false))?
        }
    };
    // As grep: an error anywhere is 2, even when other files matched.
    Ok(if streamed.failed {
        exit_codes::USAGE
    } else if streamed.matched_lines > 0 {
        exit_codes::SUCCESS
    } else {
        exit_codes::FAILURE
    })
}

/// The tail's lines printed, container records with whose log they are.
struct Tail<'p, 'w> {
    printer: &'p mut render::TailPrinter<'w>,
}

impl TailOutput for Tail<'_, '_> {
    fn line(
        &mut self,
        path: &str,
        line_number: Option<u64>,
        text: &[u8],
        timestamp: Option<i64>,
    ) -> io::Result<()> {
        self.printer.line(path, line_number, text, timestamp)
    }

    fn record(
        &mut self,
        path: &str,
        line_number: Option<u64>,
        record: &RecordLine<'_>,
        timestamp: Option<i64>,
        owner: &Owner,
    ) -> io::Result<()> {
        self.printer
            .record_line(path, line_number, record, timestamp, owner)
    }

    fn flush(&mut self) -> io::Result<()> {
        self.printer.out.flush()
    }
}

pub fn tail(args: LogsTailArgs, ui: &Ui, out: &mut dyn Write) -> Result<u8, Error> {
    if args.list_boots {
        return logs_journal::list_boots(&args, ui, out);
    }
    let follow = args.follow;
    let req = LogsTailRequest::try_from(args)?;
    let tail = match logs_tail::plan(&req, &mut say)? {
        logs_tail::Plan::Text(tail) => tail,
        logs_tail::Plan::Journal(tail) => return logs_journal::tail(*tail, follow, &req, ui, out),
    };
    let json = ui.format == Format::Json;
    let show_path = tail.paths().len() > 1;
    // `out` is stdout (main.rs), buffered or guarded: its reader going away ends a follow.
    let mut printer =
        render::TailPrinter::new(out, ui, show_path).writes_to(io::stdout().as_raw_fd());
    let view = logs_tail::View { follow, json };
    let tailed = tail.stream(
        view,
        &mut Tail {
            printer: &mut printer,
        },
        &mut say,
    )?;
    if !follow {
        return Ok(exit_codes::SUCCESS);
    }
    printer.out.flush()?;
    let formats = tailed.formats;
    // Container files: --grep sees the joined message, so the joining sink applies it.
    let (grep, joining_grep) = if formats.is_empty() {
        (tailed.grep, None)
    } else {
        (None, tailed.grep)
    };
    let opts = FollowOptions {
        grep,
        timestamps: json.then(Clock::system),
        // For filesystems whose changes inotify never reports, and to test the fallback.
        force_poll: std::env::var_os("ONCALL_FOLLOW_POLL").is_some_and(|v| v == "1"),
        ..FollowOptions::default()
    };
    if formats.is_empty() {
        Follower::new(tailed.starts, opts).run(&mut printer)?;
    } else {
        let mut joining = container_tail::Joining::new(&mut printer, joining_grep, formats);
        Follower::new(tailed.starts, opts).run(&mut joining)?;
    }
    Ok(exit_codes::SUCCESS)
}

pub fn top(args: LogsTopArgs, ui: &Ui, out: &mut dyn Write) -> Result<u8, Error> {
    let req = LogsTopRequest::try_from(args)?;
    let topped = logs_top::run_with(&req, &mut say)?;
    render::top(ui, out, &topped.report)?;
    // What could be read is shown; a file that could not be is still an error at the end.
    Ok(if topped.failed {
        exit_codes::USAGE
    } else {
        exit_codes::SUCCESS
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cli::{Cli, Command, LogsAction};
    use clap::Parser;

    fn action(args: &[&str]) -> LogsAction {
        let cli = Cli::try_parse_from([&["oncall", "logs"], args].concat()).unwrap();
        match cli.command {
            Command::Logs(l) => l.action,
            _ => unreachable!("a logs command"),
        }
    }

    fn grep(args: &[&str]) -> LogsGrepRequest {
        match action(&[&["grep"], args].concat()) {
            LogsAction::Grep(a) => LogsGrepRequest::try_from(a).unwrap(),
            _ => unreachable!(),
        }
    }

    /// The CLI's defaults are the request's (what an MCP call without arguments gets).
    #[test]
    fn cli_defaults_are_the_requests() {
        assert_eq!(
            grep(&["needle"]),
            LogsGrepRequest {
                patterns: vec!["needle".into()],
                ..LogsGrepRequest::default()
            }
        );
        let LogsAction::Tail(t) = action(&["tail"]) else {
            unreachable!()
        };
        assert_eq!(
            LogsTailRequest::try_from(t).unwrap(),
            LogsTailRequest::default()
        );
        let LogsAction::Top(t) = action(&["top"]) else {
            unreachable!()
        };
        assert_eq!(
            LogsTopRequest::try_from(t).unwrap(),
            LogsTopRequest::default()
        );
    }

    #[test]
    fn flags_land_in_the_request() {
        let r = grep(&[
            "-i", "-F", "-w", "-v", "-C", "2", "-A", "5", "-c", "-m", "3", "--since", "1h",
            "--level", "warn", "x", "a.log",
        ]);
        assert!(r.ignore_case && r.fixed_strings && r.word_regexp && r.invert_match);
        assert_eq!((r.before_context, r.after_context), (2, 5));
        assert!(r.count);
        assert_eq!(r.max_count, Some(3));
        assert_eq!(r.since.as_deref(), Some("1h"));
        assert_eq!(r.level, Some(logs_grep::LogLevel::Warn));
        assert_eq!(r.paths, [PathBuf::from("a.log")]);
        let j = grep(&[
            "-u",
            "nginx",
            "--user-unit",
            "app",
            "-p",
            "err",
            "-k",
            "-t",
            "cron",
            "-o",
            "short-iso",
            "--journal-dir",
            "/tmp/j",
            "",
            "_PID=1",
            "+",
            "_TRANSPORT=kernel",
        ]);
        assert_eq!(j.unit, ["nginx"]);
        assert_eq!(j.user_unit, ["app"]);
        assert_eq!(j.priority.as_deref(), Some("err"));
        assert!(j.dmesg);
        assert_eq!(j.identifier, ["cron"]);
        assert_eq!(j.output, Some(crate::cli::JournalOutput::ShortIso));
        assert_eq!(j.journal_dir, [PathBuf::from("/tmp/j")]);
        // journalctl's matches are no paths when the journal is read.
        assert!(j.paths.is_empty());
        assert_eq!(j.matches, ["_PID=1", "+", "_TRANSPORT=kernel"]);
        // `-b PATTERN`: the pattern given back, -b the current boot.
        let b = grep(&["-b", "timeout"]);
        assert_eq!(b.patterns, ["timeout"]);
        assert_eq!(b.boot.as_deref(), Some("0"));
    }

    /// A request refuses what it does not know, as the MCP tools need.
    #[test]
    fn unknown_fields_are_refused() {
        let e = serde_json::from_value::<LogsGrepRequest>(serde_json::json!({"units": ["x"]}))
            .unwrap_err();
        assert!(e.to_string().contains("units"), "{e}");
        let ok: LogsTailRequest =
            serde_json::from_value(serde_json::json!({"unit": ["nginx"], "boot": "-1"})).unwrap();
        assert!(ok.selectors().wanted());
    }
}
