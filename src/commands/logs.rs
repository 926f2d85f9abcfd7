//! `oncall logs grep|tail|top`: flags → options → logs collectors → renderers.

use crate::cli::{LogLevel, LogsGrepArgs, LogsTailArgs, LogsTopArgs};
use crate::commands::logs_journal;
use crate::error::Error;
use crate::exit_codes;
use crate::logs::container_files;
use crate::logs::container_formats;
use crate::logs::container_tail;
use crate::logs::fields::FieldFilter;
use crate::logs::follow::{FollowOptions, Follower, Start};
use crate::logs::last_lines;
use crate::logs::levels::Level;
use crate::logs::line_cap::MAX_LINE_BYTES;
use crate::logs::matcher::{LineFilter, PatternSpec};
use crate::logs::search::{self, Discard, Grep, GrepOptions, LineSink, Mode, SourceResult};
use crate::logs::signatures::SignatureTable;
use crate::logs::sources::{self, Compression, Discovery, Source};
use crate::logs::time_range::{self, TimeRange};
use crate::logs::timestamps::{self, Clock};
use crate::render::logs as render;
use crate::render::{Format, Ui};
use grep_matcher::Matcher;
use rayon::prelude::*;
use std::io::{self, Write};
use std::os::fd::AsRawFd;
use std::path::{Path, PathBuf};

fn level(l: LogLevel) -> Level {
    match l {
        LogLevel::Error => Level::Error,
        LogLevel::Warn => Level::Warn,
        LogLevel::Info => Level::Info,
        LogLevel::Debug => Level::Debug,
    }
}

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

/// Named paths (or the default), expanded. A named path that cannot be searched is reported
/// here, one line each, and the rest are searched: the caller exits 2 at the end when
/// `refused` is not empty, as grep does.
fn discover(paths: &[PathBuf], default: &[&str]) -> Result<(Discovery, bool), Error> {
    let paths: Vec<PathBuf> = if paths.is_empty() {
        default
            .iter()
            .map(PathBuf::from)
            .filter(|p| p.exists())
            .take(1)
            .collect()
    } else {
        paths.to_vec()
    };
    if paths.is_empty() {
        return Err(Error::usage(
            default.join(" or "),
            "no such file or directory",
        ));
    }
    let any_dir = paths.iter().any(|p| p.is_dir());
    let found = sources::discover_all(&paths);
    for refused in &found.refused {
        crate::render::stderr::line(format_args!(
            "oncall: {}: {}",
            refused.path.display(),
            refused.why
        ));
    }
    if !found.unreadable.is_empty() {
        crate::render::stderr::line(format_args!(
            "oncall: warning: {} file(s) not readable, e.g. {} (run as root to include them)",
            found.unreadable.len(),
            found.unreadable[0].display()
        ));
    }
    Ok((found, any_dir))
}

/// Lines cut at the line cap (see logs/line_cap.rs): said, so a search is never silently
/// partial.
fn warn_lines_cut(path: &str, cut: u64) {
    if cut > 0 {
        crate::render::stderr::line(format_args!(
            "oncall: warning: {path}: {cut} line(s) longer than {} MiB cut there (the rest of \
             each was not searched)",
            MAX_LINE_BYTES >> 20
        ));
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
    let mut patterns = patterns
        .into_iter()
        .map(pattern_text)
        .collect::<Result<Vec<_>, _>>()?;
    if patterns.is_empty() {
        // Only reached with a filter (clap requires a pattern otherwise): match every line.
        patterns.push(String::new());
    }
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

/// `--pod` / `--container`: the containers' log directories (whole rotated sets) or, for
/// tail, their current files; nothing without the flags.
fn container_logs(
    pod: &Option<String>,
    container: &Option<String>,
    current: bool,
) -> Result<Vec<PathBuf>, Error> {
    if pod.is_none() && container.is_none() {
        return Ok(Vec::new());
    }
    let flag = match (pod, container) {
        (Some(p), _) => format!("--pod {p}"),
        (None, Some(c)) => format!("--container {c}"),
        _ => unreachable!("checked above"),
    };
    let found = container_files::select(pod.as_deref(), container.as_deref())
        .map_err(|why| Error::usage(flag, why))?;
    Ok(if current { found.current } else { found.dirs })
}

pub fn grep(mut args: LogsGrepArgs, ui: &Ui, out: &mut dyn Write) -> Result<u8, Error> {
    if let Some(operand) = logs_journal::operand_taken_by_boot(&mut args.journal) {
        if let Some(p) = args.pattern.take() {
            args.paths.insert(0, PathBuf::from(p));
        }
        args.pattern = Some(operand.into());
    }
    let (patterns, mut paths) = patterns_and_paths(&mut args)?;
    paths.extend(container_logs(&args.pod, &args.container, false)?);
    if logs_journal::chosen(&args.journal, &paths)? {
        return logs_journal::grep(&args, patterns, &paths, ui, out);
    }
    let fields = args
        .field
        .iter()
        .map(|f| FieldFilter::parse(f).map_err(|why| Error::usage("--field", why)))
        .collect::<Result<Vec<_>, _>>()?;
    let clock = Clock::system();
    let range = time_range(args.since.as_deref(), args.until.as_deref(), &clock)?;
    let mode = if args.count {
        Mode::Count
    } else if args.files_with_matches {
        Mode::FilesWithMatches
    } else {
        Mode::Lines
    };
    let opts = GrepOptions {
        patterns: PatternSpec {
            patterns: patterns.clone(),
            fixed_strings: args.fixed_strings,
            ignore_case: args.ignore_case,
            word: args.word_regexp,
        },
        filter: LineFilter {
            level: args.level.map(level),
            fields,
        },
        invert: args.invert_match,
        before: args.before_context.or(args.context).unwrap_or(0),
        after: args.after_context.or(args.context).unwrap_or(0),
        max_count: args.max_count,
        mode,
        range,
        timestamps: ui.format == Format::Json,
    };
    let grep = Grep::new(opts, clock)
        .map_err(|why| Error::usage(format!("invalid pattern '{}'", patterns.join("' '")), why))?;
    let (found, any_dir) = discover(&paths, &["/var/log"])?;
    // As grep: the path leads each line when more than one path was named (or walked).
    let show_path = any_dir || paths.len() > 1 || found.sources.len() > 1;
    let run_one = |source: &Source, out: &mut dyn Write| -> io::Result<SourceResult> {
        let path = source.path.as_path();
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
                let counts: Vec<(String, u64)> = patterns
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
    };
    let mut matched = false;
    let mut failed = false;
    let mut note = |source: &Source, r: io::Result<SourceResult>| -> Result<(), Error> {
        match r {
            Ok(r) => {
                matched |= r.matched_lines > 0;
                if r.no_timestamps {
                    crate::render::stderr::line(format_args!(
                        "oncall: warning: {}: no timestamp format recognised; searched whole",
                        source.display()
                    ));
                }
                if let Some(at) = r.truncated_at {
                    warn_truncated(&source.display(), at);
                }
                warn_lines_cut(&source.display(), r.lines_cut);
                Ok(())
            }
            Err(e) if e.kind() == io::ErrorKind::BrokenPipe => Err(Error::Io(e)),
            Err(e) => {
                failed = true;
                crate::render::stderr::line(format_args!("oncall: {}: {e}", source.display()));
                Ok(())
            }
        }
    };
    if found.sources.len() == 1 {
        let s = &found.sources[0];
        let r = run_one(s, out);
        note(s, r)?;
    } else {
        // Parallel within a bounded batch, each file into a bounded buffer, printed in order:
        // stable output, bounded memory. A file whose output outgrows its buffer (one that
        // matches everywhere, a .gz that expands 1000-fold) is searched again when its turn
        // comes, straight to the output.
        // The buffers are kept from batch to batch: grown once, their pages stay mapped.
        let batch = rayon::current_num_threads().max(1) * 4;
        let mut held: Vec<BoundedBuffer> = (0..batch).map(|_| BoundedBuffer::default()).collect();
        for chunk in found.sources.chunks(batch) {
            let results: Vec<io::Result<SourceResult>> = chunk
                .par_iter()
                .zip(held.par_iter_mut())
                .map(|(s, buf)| {
                    buf.bytes.clear();
                    buf.overflowed = false;
                    run_one(s, buf)
                })
                .collect();
            for ((s, r), buf) in chunk.iter().zip(results).zip(&held) {
                if buf.overflowed {
                    let r = run_one(s, out);
                    note(s, r)?;
                } else {
                    out.write_all(&buf.bytes)?;
                    note(s, r)?;
                }
            }
        }
    }
    // As grep: an error anywhere is 2, even when other files matched.
    Ok(if failed || !found.refused.is_empty() {
        exit_codes::USAGE
    } else if matched {
        exit_codes::SUCCESS
    } else {
        exit_codes::FAILURE
    })
}

const NOT_REGULAR: &str =
    "not a regular file (logs tail reads log files, not devices, pipes or sockets)";

pub fn tail(mut args: LogsTailArgs, ui: &Ui, out: &mut dyn Write) -> Result<u8, Error> {
    if args.list_boots {
        return logs_journal::list_boots(&args, ui, out);
    }
    args.paths
        .extend(container_logs(&args.pod, &args.container, true)?);
    if let Some(operand) = logs_journal::operand_taken_by_boot(&mut args.journal) {
        args.paths.insert(0, PathBuf::from(operand));
    }
    if logs_journal::chosen(&args.journal, &args.paths)? {
        return logs_journal::tail(&args, ui, out);
    }
    if args.since.is_some() || args.until.is_some() {
        return Err(Error::usage(
            "--since/--until",
            "logs tail takes them for the journal only (for text logs: logs grep --since)",
        ));
    }
    let paths: Vec<PathBuf> = if args.paths.is_empty() {
        let default = ["/var/log/syslog", "/var/log/messages"];
        match default.iter().map(PathBuf::from).find(|p| p.exists()) {
            Some(p) => vec![p],
            None => return Err(Error::usage(default.join(" or "), "no such file")),
        }
    } else {
        args.paths
    };
    let grep = args
        .grep
        .as_deref()
        .map(|p| {
            PatternSpec {
                patterns: vec![p.to_string()],
                ..PatternSpec::default()
            }
            .build()
            .map_err(|why| Error::usage(format!("--grep '{p}'"), why))
        })
        .transpose()?;
    let json = ui.format == Format::Json;
    let clock = Clock::system();
    let show_path = paths.len() > 1;
    let mut starts = Vec::new();
    let mut formats = std::collections::HashMap::new();
    // `out` is stdout (main.rs), buffered or guarded: its reader going away ends a follow.
    let mut printer =
        render::TailPrinter::new(out, ui, show_path).writes_to(io::stdout().as_raw_fd());
    for path in &paths {
        if path.is_dir() {
            return Err(Error::usage(path.display(), "is a directory (name a file)"));
        }
        // A device, pipe or socket has no end to read back from and no name to follow across
        // rotation (`tail -f /dev/zero` read forever); checked before anything opens it, since
        // opening a FIFO blocks until a writer comes.
        if std::fs::metadata(path).is_ok_and(|m| !m.is_file()) {
            return Err(Error::usage(path.display(), NOT_REGULAR));
        }
        let source = match Source::from_path(path) {
            Ok(s) => s,
            // tail -F waits for a file that does not exist yet; without -f it is an error.
            Err(e) if args.follow && e.kind() == io::ErrorKind::NotFound => {
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
        let want = last_lines::Want {
            n: args.lines,
            keep: &keep,
            count_numbers: json,
            include_partial: !args.follow,
        };
        let last = last_lines::read(&source, &want).map_err(|e| Error::usage(path.display(), e))?;
        let parser = if json {
            last.lines
                .iter()
                .find_map(|l| timestamps::Parser::detect(&l.text, &clock))
        } else {
            None
        };
        let label = path.display().to_string();
        let mut cut = 0;
        let format = match source.compression {
            Compression::None => search::container_format(&source),
            _ => None,
        };
        let mut resume = None;
        if let Some(format) = format {
            // Records, not lines: P runs joined, shown by time and message (container_tail.rs).
            formats.insert(path.clone(), format);
            // A follow that starts inside an open P run starts at its first line instead,
            // so the record is shown once, joined, when its F comes (container_tail.rs).
            let pending = if args.follow {
                container_tail::pending_run(path, format, last.end_offset)
                    .map_err(|e| Error::usage(path.display(), e))?
            } else {
                None
            };
            let upto = match pending {
                Some((start, _)) => start,
                None if args.follow => last.end_offset,
                None => source.len,
            };
            resume = pending;
            let keep_message = |m: &[u8]| keep(m);
            let (records, joined_cut) =
                container_tail::last_records(path, format, args.lines, upto, &keep_message)
                    .map_err(|e| Error::usage(path.display(), e))?;
            let iso = timestamps::Parser::with_format(timestamps::Format::Iso, &clock);
            for shown in &records {
                let number = json.then_some(shown.number);
                match container_tail::record_of(&shown.text) {
                    Some(r) => {
                        let ts = json.then(|| iso.parse(r.time)).flatten();
                        printer.record_line(&label, number, &r, ts)?
                    }
                    None => printer.line(&label, number, &shown.text, None)?,
                }
            }
            cut += joined_cut;
        } else {
            for line in &last.lines {
                let ts = parser.as_ref().and_then(|p| p.parse(&line.text));
                printer.line(&label, line.number, &line.text, ts)?;
                cut += u64::from(line.cut);
            }
        }
        if cut > 0 {
            printer.out.flush()?;
            crate::render::stderr::line(format_args!(
                "oncall: warning: {label}: {}",
                render::cut_lines(cut)
            ));
        }
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
    if !args.follow {
        return Ok(exit_codes::SUCCESS);
    }
    printer.out.flush()?;
    // Container files: --grep sees the joined message, so the joining sink applies it.
    let (grep, joining_grep) = if formats.is_empty() {
        (grep, None)
    } else {
        (None, grep)
    };
    let opts = FollowOptions {
        grep,
        timestamps: json.then_some(clock),
        // For filesystems whose changes inotify never reports, and to test the fallback.
        force_poll: std::env::var_os("ONCALL_FOLLOW_POLL").is_some_and(|v| v == "1"),
        ..FollowOptions::default()
    };
    if formats.is_empty() {
        Follower::new(starts, opts).run(&mut printer)?;
    } else {
        let mut joining = container_tail::Joining::new(&mut printer, joining_grep, formats);
        Follower::new(starts, opts).run(&mut joining)?;
    }
    Ok(exit_codes::SUCCESS)
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

/// One file's signatures, and where it was cut short if it was truncated under the search.
type FileSignatures = io::Result<(SignatureTable, Option<u64>)>;

/// A file cut short under a search (see logs/mapped.rs): what was searched stands.
fn warn_truncated(path: &str, searched_bytes: u64) {
    crate::render::stderr::line(format_args!(
        "oncall: warning: {path}: truncated while being searched (logrotate copytruncate?); \
         only its first {searched_bytes} bytes were searched"
    ));
}

pub fn top(mut args: LogsTopArgs, ui: &Ui, out: &mut dyn Write) -> Result<u8, Error> {
    let containers = container_logs(&args.pod, &args.container, false)?;
    args.paths.extend(containers);
    if let Some(operand) = logs_journal::operand_taken_by_boot(&mut args.journal) {
        args.paths.insert(0, PathBuf::from(operand));
    }
    if logs_journal::chosen(&args.journal, &args.paths)? {
        return logs_journal::top(&args, ui, out);
    }
    let clock = Clock::system();
    let range = time_range(args.since.as_deref(), None, &clock)?;
    let opts = GrepOptions::at_level(Level::Warn, range);
    let grep = Grep::new(opts, clock).map_err(|why| Error::usage("logs top", why))?;
    let (found, _) = discover(&args.paths, &["/var/log"])?;
    let tables: Vec<(String, FileSignatures)> = found
        .sources
        .par_iter()
        .map(|s| {
            let path = s.display();
            let mut table = SignatureTable::new(&path);
            let r = grep.search(s, &mut table).map(|r| {
                warn_lines_cut(&path, r.lines_cut);
                (table, r.truncated_at)
            });
            (path, r)
        })
        .collect();
    let mut all = SignatureTable::default();
    let mut failed = !found.refused.is_empty();
    for (path, t) in tables {
        match t {
            Ok((t, truncated_at)) => {
                if let Some(at) = truncated_at {
                    warn_truncated(&path, at);
                }
                all.merge(t)
            }
            Err(e) => {
                failed = true;
                crate::render::stderr::line(format_args!("oncall: {path}: {e}"))
            }
        }
    }
    let lines = all.lines;
    let mut signatures = all.top(args.top);
    for s in &mut signatures {
        s.first_seen = s.first_ms.map(timestamps::rfc3339);
        s.last_seen = s.last_ms.map(timestamps::rfc3339);
    }
    let report = render::TopReport {
        files: found.sources.len(),
        error_and_warning_lines: lines,
        signatures,
    };
    render::top(ui, out, &report)?;
    // What could be read is shown; a file that could not be is still an error at the end.
    Ok(if failed {
        exit_codes::USAGE
    } else {
        exit_codes::SUCCESS
    })
}
