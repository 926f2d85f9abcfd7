//! `oncall logs grep|tail|top` over the systemd journal, the CLI's side: journal flags →
//! the request's selectors (`request::logs_journal`), entries printed as the stream hands
//! them over (render/journal.rs), `--list-boots`, and `tail -f` (a CLI-only mode: the
//! journal's files looked at again every 250 ms).

use crate::cli::{JournalArgs, JournalOutput, LogsTailArgs};
use crate::commands::logs::say;
use crate::error::Error;
use crate::exit_codes;
use crate::journal::query::operand_groups;
use crate::journal::{Entry, Fields, Query, Seen};
use crate::render::journal::{self as render, EntryPrinter};
use crate::render::{Format, Ui};
use crate::request::logs_grep::EntryOutput;
use crate::request::logs_journal::{self as journal, JournalSelectors};
use crate::request::logs_tail::{JournalTail, LogsTailRequest};
use std::collections::{HashMap, HashSet};
use std::io::{self, Write};
use std::os::fd::AsRawFd;
use std::path::PathBuf;
use std::time::{Duration, SystemTime};

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

/// The journal flags as the request's selectors, and the operands: journalctl's
/// `FIELD=VALUE` matches when every one is such a match naming no existing file and the
/// journal is read (a flag asks for it, or it is this host's default source); else paths.
pub fn selectors(j: &JournalArgs, paths: Vec<PathBuf>) -> (Vec<PathBuf>, JournalSelectors) {
    let mut s = JournalSelectors {
        journal: j.journal,
        unit: j.units.clone(),
        user_unit: j.user_units.clone(),
        priority: j.priority.clone(),
        dmesg: j.dmesg,
        boot: j.boot.clone(),
        identifier: j.identifiers.clone(),
        journal_dir: j.journal_dir.clone(),
        journal_file: j.journal_file.clone(),
        namespace: j.namespace.clone(),
        matches: Vec::new(),
        output: j.output,
    };
    let ops: Option<Vec<&str>> = paths
        .iter()
        .map(|p| p.to_str().filter(|_| !p.exists()))
        .collect();
    let matches = !paths.is_empty()
        && ops.is_some_and(|ops| operand_groups(&ops).is_some())
        && (s.flags() || journal::by_default(false));
    if !matches {
        return (paths, s);
    }
    s.matches = paths
        .iter()
        .filter_map(|p| p.to_str().map(str::to_string))
        .collect();
    (Vec::new(), s)
}

fn local_zone() -> jiff::tz::TimeZone {
    crate::logs::local_zone::system()
}

/// Entries printed as journalctl's output modes (or oncall's JSON Lines), `--` between
/// stretches of context (none in JSON Lines, where a line must be an object), the count.
pub struct Entries<'w> {
    printer: EntryPrinter<'w>,
    ui: Ui,
    output: JournalOutput,
}

impl<'w> Entries<'w> {
    pub fn new(out: &'w mut dyn Write, ui: &Ui, output: Option<JournalOutput>) -> Entries<'w> {
        let output = output.unwrap_or(JournalOutput::Short);
        Entries {
            printer: EntryPrinter::new(out, ui, output, local_zone()),
            ui: *ui,
            output,
        }
    }
}

impl EntryOutput for Entries<'_> {
    fn fields(&self) -> Fields {
        match render::fields_for(self.output, &self.ui) {
            Some(names) => Fields::Only(names),
            None => Fields::All,
        }
    }

    fn entry(&mut self, e: &Entry, path: &str) -> io::Result<()> {
        self.printer.entry(e, path)
    }

    fn separator(&mut self) -> io::Result<()> {
        if self.ui.format != Format::Json && self.output != JournalOutput::Json {
            self.printer.out.write_all(b"--\n")?;
        }
        Ok(())
    }

    fn count(&mut self, n: u64) -> io::Result<()> {
        render::count(&self.ui, self.printer.out, n)
    }

    fn flush(&mut self) -> io::Result<()> {
        self.printer.out.flush()
    }
}

/// How often a follower looks at the journal when nothing else wakes it.
const FOLLOW_POLL: Duration = Duration::from_millis(250);

/// `logs tail --list-boots`: journalctl's table (or its JSON with `--json`), from the files'
/// `_BOOT_ID` indexes; an unreadable file is named on stderr and the others still listed.
pub fn list_boots(args: &LogsTailArgs, ui: &Ui, out: &mut dyn Write) -> Result<u8, Error> {
    let (_, selectors) = selectors(&args.journal, Vec::new());
    let files = selectors.files(Some(&mut say))?;
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

/// The journal's last entries, then with `follow` the new ones as they come.
pub fn tail(
    tail: JournalTail,
    follow: bool,
    req: &LogsTailRequest,
    ui: &Ui,
    out: &mut dyn Write,
) -> Result<u8, Error> {
    let selectors = tail.selectors.clone();
    let mut entries = Entries::new(out, ui, req.output);
    entries.printer.reader = Some(io::stdout().as_raw_fd());
    let tailed = tail.stream(&mut entries, &mut say)?;
    if !follow {
        return Ok(if tailed.failed {
            exit_codes::USAGE
        } else {
            exit_codes::SUCCESS
        });
    }
    self::follow(&selectors, &tailed.query, tailed.seen, &mut entries.printer)?;
    Ok(exit_codes::SUCCESS)
}

/// `tail -f` on the journal: every `FOLLOW_POLL` (or at once when the reader of stdout goes
/// away) the sources are found again (a rotation adds an archived name and a new
/// `system.journal`), the files that changed since the last look are searched for entries
/// beyond `seen`, and those are printed in journalctl's order: each entry once.
fn follow(
    j: &JournalSelectors,
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
        let Ok(found) = j.files(None) else {
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
