//! `oncall logs grep|tail|top` over the systemd journal: journal flags → sources and a
//! query (journal/selection.rs) → the reader → render/journal.rs. Chosen by any journal
//! flag, or when no path is named and the machine keeps no syslog file (no
//! /var/log/syslog or /var/log/messages) but has journal files: there the journal is where
//! the services' logs are (Debian 12's /var/log/README says as much).

use crate::cli::{JournalArgs, JournalOutput, LogsGrepArgs, LogsTailArgs, LogsTopArgs};
use crate::error::Error;
use crate::exit_codes;
use crate::journal::context::{ContextWindow, Show};
use crate::journal::query::operand_groups;
use crate::journal::query::MessageTest;
use crate::journal::selection::Selection;
use crate::journal::sources::{self, Sources, DEFAULT_ROOTS};
use crate::journal::{Fields, Match, MessageFilter, Outcome, Query, Seen};
use crate::logs::levels::Level;
use crate::logs::matcher::PatternSpec;
use crate::logs::signatures::SignatureTable;
use crate::logs::timestamps::{self, Clock};
use crate::render::journal::{self as render, EntryPrinter};
use crate::render::{Format, Ui};
use grep_matcher::Matcher;
use std::collections::{HashMap, HashSet};
use std::io::{self, Write};
use std::os::fd::AsRawFd;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::{Duration, SystemTime};

const SYSLOG_FILES: [&str; 2] = ["/var/log/syslog", "/var/log/messages"];

/// No path named, no syslog file, and journal files on this machine: read the journal.
/// `-b` takes an optional value, so `-b PATTERN` would take the pattern as the boot: a value
/// that is no boot (`all`, a number, a 32-digit id) is given back as an operand, and `-b`
/// means the current boot.
pub fn operand_taken_by_boot(j: &mut JournalArgs) -> Option<String> {
    let v = j.boot.as_deref()?;
    let hex: String = v.chars().filter(|&c| c != '-').collect();
    let is_boot = v == "all"
        || v.parse::<i64>().is_ok()
        || (hex.len() == 32 && hex.bytes().all(|b| b.is_ascii_hexdigit()));
    if is_boot {
        return None;
    }
    j.boot.replace("0".into())
}

/// Said on stderr when the journal was chosen because no path was named.
/// Whether this logs command reads the journal: a journal flag asks for it (and then a path
/// beside it is a usage error), or nothing is named and the host keeps its logs only there
/// (said on stderr).
pub fn chosen(journal: &JournalArgs, paths: &[PathBuf]) -> Result<bool, Error> {
    // journalctl's FIELD=VALUE operands are no paths.
    let paths_named = !paths.is_empty() && match_operands(paths).is_none();
    if !journal.wanted() && !by_default(paths_named) {
        return Ok(false);
    }
    if let Some(p) = paths.first().filter(|_| paths_named) {
        return Err(Error::usage(
            p.display(),
            "a path and the journal: name one (journal files with --journal-file)",
        ));
    }
    if !journal.wanted() {
        note_default();
    }
    Ok(true)
}

/// The operands as journalctl's `FIELD=VALUE` matches (`+` between groups), when every one
/// is such a match and names no existing file; None otherwise.
fn match_operands(paths: &[PathBuf]) -> Option<Result<Vec<Vec<Match>>, String>> {
    let ops: Vec<&str> = paths
        .iter()
        .map(|p| p.to_str().filter(|_| !p.exists()))
        .collect::<Option<_>>()?;
    operand_groups(&ops)
}

fn operands(paths: &[PathBuf]) -> Result<Vec<Vec<Match>>, Error> {
    match match_operands(paths) {
        None => Ok(Vec::new()),
        Some(r) => r.map_err(|why| Error::usage("FIELD=VALUE", why)),
    }
}

pub fn note_default() {
    crate::render::stderr::line(format_args!(
        "oncall: reading the systemd journal (no /var/log/syslog or /var/log/messages here); \
         name a path to read text logs"
    ));
}

pub fn by_default(paths_named: bool) -> bool {
    !paths_named
        && !SYSLOG_FILES
            .iter()
            .any(|p| std::path::Path::new(p).exists())
        && !sources::discover(&default_sources(None)).files.is_empty()
}

fn default_sources(namespace: Option<String>) -> Sources {
    Sources::Default {
        roots: DEFAULT_ROOTS.iter().map(PathBuf::from).collect(),
        namespace,
    }
}

/// The journal files to read, and whether they were named (`--journal-dir`,
/// `--journal-file`): a named source that cannot be read is exit 2, as a named text log.
struct Files {
    paths: Vec<PathBuf>,
    named: bool,
    /// A named source that gave nothing (a missing directory, a glob without a file).
    refused: bool,
}

fn files(j: &JournalArgs) -> Result<Files, Error> {
    files_saying(j, true)
}

/// `say`: discovery warnings on stderr (a follower looks again every 250 ms and says them
/// once, at the start).
fn files_saying(j: &JournalArgs, say: bool) -> Result<Files, Error> {
    if let Some(ns) = &j.namespace {
        let name = ns.trim_start_matches('+');
        if ns != "*"
            && (name.is_empty()
                || !name
                    .bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b"_-.".contains(&b))
                || name.starts_with('.'))
        {
            return Err(Error::usage(
                format!("--namespace '{ns}'"),
                "not a namespace name (letters, digits, _ - .; +NS adds the default, * is all)",
            ));
        }
    }
    let named = !j.journal_dir.is_empty() || !j.journal_file.is_empty();
    let mut paths = Vec::new();
    let mut refused = false;
    let mut take = |src: Sources| {
        let found = sources::discover(&src);
        for w in found.warnings.iter().filter(|_| say) {
            crate::render::stderr::line(format_args!("oncall: {w}"));
        }
        refused |= named && !found.warnings.is_empty();
        paths.extend(found.files);
    };
    if !j.journal_dir.is_empty() {
        take(Sources::Dirs(j.journal_dir.clone()));
    }
    if !j.journal_file.is_empty() {
        take(Sources::Files(j.journal_file.clone()));
    }
    if !named {
        take(default_sources(j.namespace.clone()));
    }
    paths.sort();
    paths.dedup();
    if paths.is_empty() {
        let where_ = if named {
            "the named journal sources".to_string()
        } else {
            DEFAULT_ROOTS.join(" or ")
        };
        return Err(Error::usage(
            "journal",
            format!("no journal files in {where_}"),
        ));
    }
    Ok(Files {
        paths,
        named,
        refused,
    })
}

fn micros(flag: &str, text: Option<&str>, clock: &Clock) -> Result<Option<u64>, Error> {
    text.map(|t| {
        crate::logs::time_range::parse_time(t, clock)
            .map(|ms| ms.max(0) as u64 * 1000)
            .map_err(|why| Error::usage(flag, why))
    })
    .transpose()
}

fn selection(
    j: &JournalArgs,
    paths: &[PathBuf],
    since: Option<&str>,
    until: Option<&str>,
    clock: &Clock,
) -> Result<Selection, Error> {
    Ok(Selection {
        operands: operands(paths)?,
        units: j.units.clone(),
        user_units: j.user_units.clone(),
        // SAFETY: getuid cannot fail. journalctl --user-unit matches its caller's uid.
        uid: unsafe { libc::getuid() },
        priority: j.priority.clone(),
        identifiers: j.identifiers.clone(),
        dmesg: j.dmesg,
        boot: j.boot.clone(),
        since_us: micros("--since", since, clock)?,
        // Inclusive, as journalctl's.
        until_us: micros("--until", until, clock)?,
    })
}

/// Warnings per file after a search, the permission hint, and whether a named source failed.
fn report(outcome: &Outcome, files: &Files) -> bool {
    let mut denied: Vec<&PathBuf> = Vec::new();
    let mut failed = files.refused;
    for f in &outcome.files {
        let Some(w) = &f.warning else { continue };
        if w.contains("Permission denied") {
            denied.push(&f.path);
            continue;
        }
        failed |= files.named && w.starts_with("not read");
        crate::render::stderr::line(format_args!("oncall: warning: {}: {w}", f.path.display()));
    }
    if let Some(first) = denied.first() {
        // journalctl's hint: the system journal is readable by the systemd-journal group
        // (and adm on Debian/Ubuntu); a user otherwise sees only their own user-UID files.
        crate::render::stderr::line(format_args!(
            "oncall: {} journal file(s) not readable as this user, e.g. {}: join the \
             'systemd-journal' or 'adm' group to read the system journal (sudo usermod -aG \
             systemd-journal $USER, then log in again), or run as root",
            denied.len(),
            first.display()
        ));
        failed |= files.named;
    }
    failed
}

fn local_zone() -> jiff::tz::TimeZone {
    jiff::tz::TimeZone::try_system().unwrap_or(jiff::tz::TimeZone::UTC)
}

fn output(j: &JournalArgs) -> JournalOutput {
    j.output.unwrap_or(JournalOutput::Short)
}

fn with_fields(mut q: Query, j: &JournalArgs, ui: &Ui) -> Query {
    q.fields = match render::fields_for(output(j), ui) {
        Some(names) => Fields::Only(names),
        None => Fields::All,
    };
    q
}

fn not_with_journal(flag: &str) -> Error {
    Error::usage(flag, "not supported with the journal (it reads text logs)")
}

/// `paths`: the operands after the pattern, which with the journal are journalctl's
/// `FIELD=VALUE` matches.
pub fn grep(
    args: &LogsGrepArgs,
    patterns: Vec<String>,
    paths: &[PathBuf],
    ui: &Ui,
    out: &mut dyn Write,
) -> Result<u8, Error> {
    if args.files_with_matches {
        return Err(not_with_journal("-l"));
    }
    if !args.field.is_empty() {
        return Err(not_with_journal("--field (use -t, -u or -p)"));
    }
    let j = &args.journal;
    let clock = Clock::system();
    let mut sel = selection(
        j,
        paths,
        args.since.as_deref(),
        args.until.as_deref(),
        &clock,
    )?;
    if sel.priority.is_none() {
        // --level as the journal's priorities: error = err and worse, warn = warning…
        sel.priority = args.level.map(|l| {
            match l {
                crate::cli::LogLevel::Error => "err",
                crate::cli::LogLevel::Warn => "warning",
                crate::cli::LogLevel::Info => "info",
                crate::cli::LogLevel::Debug => "debug",
            }
            .to_string()
        });
    }
    // journalctl -g's smart case: a pattern without a capital letter matches any case.
    let smart = !args.ignore_case
        && patterns
            .iter()
            .all(|p| !p.chars().any(|c| c.is_uppercase()));
    let spec = PatternSpec {
        patterns: patterns.clone(),
        fixed_strings: args.fixed_strings,
        ignore_case: args.ignore_case || smart,
        word: args.word_regexp,
    };
    let matcher = spec
        .build()
        .map_err(|why| Error::usage(format!("invalid pattern '{}'", patterns.join("' '")), why))?;
    let files = files(j)?;
    let mut q = sel
        .query(&files.paths)
        .map_err(|why| Error::usage("journal", why))?;
    let everything = patterns.iter().all(|p| p.is_empty());
    let invert = args.invert_match;
    let test: Arc<MessageTest> =
        Arc::new(move |m: &[u8]| matcher.is_match(m).unwrap_or(false) != invert);
    // -C/-A/-B: every entry of the selected stream is read and the pattern tested here, so
    // the entries around a match can be shown (context counted in entries; -c ignores it).
    let before = args.before_context.or(args.context).unwrap_or(0);
    let after = args.after_context.or(args.context).unwrap_or(0);
    let context = (before > 0 || after > 0) && !args.count;
    if (!everything || invert) && !context {
        q.message = Some(MessageFilter(test.clone()));
    }
    let q = with_fields(q, j, ui);
    let mut printer = EntryPrinter::new(out, ui, output(j), local_zone());
    // rg's `--` between stretches, except in JSON Lines (a line that is no JSON object).
    let separators = ui.format != Format::Json && output(j) != JournalOutput::Json;
    let mut window = ContextWindow::new(before, after);
    let mut n: u64 = 0;
    let mut error: Option<io::Error> = None;
    let max = args.max_count;
    let outcome = crate::journal::search(&files.paths, &q, &mut |e| {
        let full = max.is_some_and(|m| n >= m);
        if full && !window.in_after_context() {
            return false;
        }
        if !context {
            n += 1;
            if !args.count {
                let path = files.paths[e.file].display().to_string();
                if let Err(err) = printer.entry(&e, &path) {
                    error = Some(err);
                    return false;
                }
            }
            return true;
        }
        // After the -m'th match, what follows is only its after-context.
        let matched =
            !full && (everything && !invert || e.field("MESSAGE").is_some_and(|m| test(m)));
        n += u64::from(matched);
        window.push(e, matched, &mut |show| {
            let r = match show {
                Show::Separator if separators => printer.out.write_all(b"--\n"),
                Show::Separator => Ok(()),
                Show::Item(e, _) => {
                    let path = files.paths[e.file].display().to_string();
                    printer.entry(&e, &path)
                }
            };
            r.map_err(|err| error = Some(err)).is_ok()
        })
    });
    if let Some(e) = error {
        return Err(Error::Io(e));
    }
    if args.count {
        render::count(ui, printer.out, n)?;
    }
    printer.out.flush()?;
    let failed = report(&outcome, &files);
    Ok(if failed {
        exit_codes::USAGE
    } else if n > 0 {
        exit_codes::SUCCESS
    } else {
        exit_codes::FAILURE
    })
}

/// How often a follower looks at the journal when nothing else wakes it.
const FOLLOW_POLL: Duration = Duration::from_millis(250);

/// `logs tail --list-boots`: journalctl's table (or its JSON with `--json`), from the files'
/// `_BOOT_ID` indexes; an unreadable file is named on stderr and the others still listed.
pub fn list_boots(args: &LogsTailArgs, ui: &Ui, out: &mut dyn Write) -> Result<u8, Error> {
    let files = files(&args.journal)?;
    let (boots, problems) = crate::journal::boots::list(&files.paths);
    for (path, why) in &problems {
        crate::render::stderr::line(format_args!("oncall: warning: {}: {why}", path.display()));
    }
    crate::render::journal::boots(out, ui, &boots, &local_zone())?;
    Ok(if boots.is_empty() {
        exit_codes::FAILURE
    } else {
        exit_codes::SUCCESS
    })
}

pub fn tail(args: &LogsTailArgs, ui: &Ui, out: &mut dyn Write) -> Result<u8, Error> {
    let j = &args.journal;
    let clock = Clock::system();
    let sel = selection(
        j,
        &args.paths,
        args.since.as_deref(),
        args.until.as_deref(),
        &clock,
    )?;
    let files = files(j)?;
    let mut q = sel
        .query(&files.paths)
        .map_err(|why| Error::usage("journal", why))?;
    if let Some(p) = &args.grep {
        let m = PatternSpec {
            patterns: vec![p.clone()],
            ..PatternSpec::default()
        }
        .build()
        .map_err(|why| Error::usage(format!("--grep '{p}'"), why))?;
        q.message = Some(MessageFilter(Arc::new(move |msg: &[u8]| {
            m.is_match(msg).unwrap_or(false)
        })));
    }
    let mut q = with_fields(q, j, ui);
    q.last = Some(args.lines);
    let mut printer = EntryPrinter::new(out, ui, output(j), local_zone());
    printer.reader = Some(io::stdout().as_raw_fd());
    let mut seen = Seen::default();
    let mut error = None;
    let outcome = crate::journal::search_new(&files.paths, &q, &mut seen, &mut |e| {
        let path = files.paths[e.file].display().to_string();
        match printer.entry(&e, &path) {
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
    printer.out.flush()?;
    let failed = report(&outcome, &files);
    if !args.follow {
        return Ok(if failed {
            exit_codes::USAGE
        } else {
            exit_codes::SUCCESS
        });
    }
    q.last = None;
    follow(j, &q, seen, &mut printer)?;
    Ok(exit_codes::SUCCESS)
}

/// `tail -f` on the journal: every `FOLLOW_POLL` (or at once when the reader of stdout goes
/// away) the sources are found again (a rotation adds an archived name and a new
/// `system.journal`), the files that changed since the last look are searched for entries
/// beyond `seen`, and those are printed in journalctl's order: each entry once.
fn follow(
    j: &JournalArgs,
    q: &Query,
    mut seen: Seen,
    printer: &mut EntryPrinter,
) -> Result<(), Error> {
    let mut looked: HashMap<PathBuf, (u64, Option<SystemTime>)> = HashMap::new();
    let mut warned: HashSet<PathBuf> = HashSet::new();
    loop {
        if reader_gone(printer.reader, FOLLOW_POLL) {
            return Ok(());
        }
        let Ok(found) = files_saying(j, false) else {
            continue;
        };
        let changed: Vec<PathBuf> = found
            .paths
            .iter()
            .filter(|p| {
                let now = std::fs::metadata(p)
                    .map(|m| (m.len(), m.modified().ok()))
                    .unwrap_or((0, None));
                looked.insert((*p).clone(), now) != Some(now)
            })
            .cloned()
            .collect();
        if changed.is_empty() {
            continue;
        }
        let mut error = None;
        let outcome = crate::journal::search_new(&changed, q, &mut seen, &mut |e| {
            let path = changed[e.file].display().to_string();
            match printer.entry(&e, &path) {
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
        printer.out.flush()?;
        // A file being written may look cut short between two writes; it is read again at
        // the next change. Only a file that cannot be opened is said, once.
        for f in &outcome.files {
            if let Some(w) = &f.warning {
                if w.starts_with("not read") && warned.insert(f.path.clone()) {
                    crate::render::stderr::line(format_args!(
                        "oncall: warning: {}: {w}",
                        f.path.display()
                    ));
                }
            }
        }
    }
}

/// Sleeps up to `timeout`, or less when stdout's reader closes (POLLERR on a pipe whose
/// reader went, POLLHUP on a hung-up terminal): then true.
fn reader_gone(fd: Option<std::os::fd::RawFd>, timeout: Duration) -> bool {
    let mut pfd = libc::pollfd {
        fd: fd.unwrap_or(-1),
        events: 0,
        revents: 0,
    };
    // SAFETY: one valid pollfd for the duration of the call.
    unsafe { libc::poll(&mut pfd, 1, timeout.as_millis() as i32) };
    pfd.revents & (libc::POLLERR | libc::POLLHUP | libc::POLLNVAL) != 0
}

pub fn top(args: &LogsTopArgs, ui: &Ui, out: &mut dyn Write) -> Result<u8, Error> {
    let j = &args.journal;
    let clock = Clock::system();
    let mut sel = selection(j, &args.paths, args.since.as_deref(), None, &clock)?;
    if sel.priority.is_none() {
        sel.priority = Some("warning".into());
    }
    let files = files(j)?;
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
    let failed = report(&outcome, &files);
    let lines = table.lines;
    let mut signatures = table.top(args.top);
    for s in &mut signatures {
        s.first_seen = s.first_ms.map(timestamps::rfc3339);
        s.last_seen = s.last_ms.map(timestamps::rfc3339);
    }
    let report = crate::render::logs::TopReport {
        files: files.paths.len(),
        error_and_warning_lines: lines,
        signatures,
    };
    crate::render::logs::top(ui, out, &report)?;
    Ok(if failed {
        exit_codes::USAGE
    } else {
        exit_codes::SUCCESS
    })
}
