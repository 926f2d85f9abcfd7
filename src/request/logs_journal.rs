//! The systemd journal as the source of a logs request: journalctl's selectors (the same
//! fields in `logs_grep`, `logs_tail` and `logs_top`), when the journal is read instead of
//! text files, which journal files, the `Selection` the selectors make, and what a search
//! said about the files (as notices).

use super::logs_source::{Notice, Notices};
use crate::error::Error;
use crate::journal::query::{operand_groups, parse_priorities};
use crate::journal::selection::Selection;
use crate::journal::sources::{self, Sources, DEFAULT_ROOTS};
use crate::journal::{Match, Outcome};
use crate::logs::timestamps::Clock;
use schemars::JsonSchema;
use serde::Deserialize;
use std::path::{Path, PathBuf};

/// How the CLI shows journal entries (journalctl -o); a report holds oncall's JSON lines.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum, Deserialize, JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum JournalOutput {
    /// journalctl's default: local time, host, IDENTIFIER[PID]: MESSAGE
    Short,
    /// short with an ISO 8601 time
    ShortIso,
    /// The message only
    Cat,
    /// journalctl's JSON, one entry a line
    Json,
    /// Every field of each entry, under a header with the full time and the cursor
    Verbose,
}

/// journalctl's selectors of one request.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct JournalSelectors {
    pub journal: bool,
    pub unit: Vec<String>,
    pub user_unit: Vec<String>,
    pub priority: Option<String>,
    pub dmesg: bool,
    pub boot: Option<String>,
    pub identifier: Vec<String>,
    pub journal_dir: Vec<PathBuf>,
    pub journal_file: Vec<String>,
    pub namespace: Option<String>,
    pub matches: Vec<String>,
    pub output: Option<JournalOutput>,
}

/// A logs request's struct, its `Default` (each field's given value) and the journal
/// selectors appended to its own fields: serde cannot flatten a struct into one that refuses
/// unknown fields, so the selectors are written into each request by this macro.
macro_rules! logs_request {
    (
        $(#[$meta:meta])*
        pub struct $name:ident {
            $($(#[$fmeta:meta])* pub $field:ident: $ty:ty = $default:expr,)*
        }
    ) => {
        $(#[$meta])*
        pub struct $name {
            $($(#[$fmeta])* pub $field: $ty,)*
            /// Read the systemd journal instead of text files (implied by every journal
            /// field below).
            pub journal: bool,
            /// journalctl -u: messages of these units (no suffix means .service; globs; OR'ed).
            pub unit: Vec<String>,
            /// journalctl --user-unit: these user units of the user running oncall.
            pub user_unit: Vec<String>,
            /// journalctl -p: this priority and worse, or a range: err, 3, warning..err.
            pub priority: Option<String>,
            /// journalctl -k: kernel messages of the current boot.
            pub dmesg: bool,
            /// journalctl -b: "0" the current boot, "-1" the one before, "1" the first, a
            /// boot ID, or "all".
            pub boot: Option<String>,
            /// journalctl -t: messages with these syslog identifiers.
            pub identifier: Vec<String>,
            /// journalctl -D: the journal files of these directories (default: this
            /// machine's journal, /var/log/journal and /run/log/journal).
            pub journal_dir: Vec<std::path::PathBuf>,
            /// journalctl --file: journal files matching these globs.
            pub journal_file: Vec<String>,
            /// journalctl --namespace: NS, +NS (with the default one) or * (every one).
            pub namespace: Option<String>,
            /// journalctl's FIELD=VALUE matches ("_PID=1", "+" between groups that OR).
            pub matches: Vec<String>,
            /// How the CLI shows journal entries (journalctl -o); a report holds oncall's
            /// JSON lines whatever this says.
            pub output: Option<$crate::request::logs_journal::JournalOutput>,
        }

        impl Default for $name {
            fn default() -> Self {
                $name {
                    $($field: $default,)*
                    journal: false,
                    unit: Vec::new(),
                    user_unit: Vec::new(),
                    priority: None,
                    dmesg: false,
                    boot: None,
                    identifier: Vec::new(),
                    journal_dir: Vec::new(),
                    journal_file: Vec::new(),
                    namespace: None,
                    matches: Vec::new(),
                    output: None,
                }
            }
        }

        impl $name {
            /// The journal selectors of this request.
            pub fn selectors(&self) -> $crate::request::logs_journal::JournalSelectors {
                $crate::request::logs_journal::JournalSelectors {
                    journal: self.journal,
                    unit: self.unit.clone(),
                    user_unit: self.user_unit.clone(),
                    priority: self.priority.clone(),
                    dmesg: self.dmesg,
                    boot: self.boot.clone(),
                    identifier: self.identifier.clone(),
                    journal_dir: self.journal_dir.clone(),
                    journal_file: self.journal_file.clone(),
                    namespace: self.namespace.clone(),
                    matches: self.matches.clone(),
                    output: self.output,
                }
            }

            /// Sets every journal selector (the CLI's conversion).
            pub fn with_selectors(
                mut self,
                s: $crate::request::logs_journal::JournalSelectors,
            ) -> Self {
                self.journal = s.journal;
                self.unit = s.unit;
                self.user_unit = s.user_unit;
                self.priority = s.priority;
                self.dmesg = s.dmesg;
                self.boot = s.boot;
                self.identifier = s.identifier;
                self.journal_dir = s.journal_dir;
                self.journal_file = s.journal_file;
                self.namespace = s.namespace;
                self.matches = s.matches;
                self.output = s.output;
                self
            }
        }
    };
}
pub(crate) use logs_request;

const SYSLOG_FILES: [&str; 2] = ["/var/log/syslog", "/var/log/messages"];

/// The journal files to read, and whether they were named (`journal_dir`, `journal_file`):
/// a named source that cannot be read is exit 2, as a named text log.
pub struct JournalFiles {
    pub paths: Vec<PathBuf>,
    pub named: bool,
    /// A named source that gave nothing (a missing directory, a glob without a file).
    pub refused: bool,
}

impl JournalSelectors {
    /// Whether any selector asks for the journal (FIELD=VALUE matches included).
    pub fn wanted(&self) -> bool {
        self.flags() || !self.matches.is_empty()
    }

    /// Whether a journal flag asks for it (the CLI's matches are operands, which alone read
    /// the journal only where it is the default source).
    pub fn flags(&self) -> bool {
        self.journal
            || !self.unit.is_empty()
            || !self.user_unit.is_empty()
            || self.priority.is_some()
            || self.dmesg
            || self.boot.is_some()
            || !self.identifier.is_empty()
            || !self.journal_dir.is_empty()
            || !self.journal_file.is_empty()
            || self.namespace.is_some()
            || self.output.is_some()
    }

    /// The selectors' own values: the namespace's name, the priority, the matches.
    pub fn validate(&self) -> Result<(), Error> {
        if let Some(ns) = &self.namespace {
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
                    "not a namespace name (letters, digits, _ - .; +NS adds the default, * is \
                     all)",
                ));
            }
        }
        if let Some(p) = &self.priority {
            parse_priorities(p).map_err(|why| Error::usage("journal", why))?;
        }
        self.operands().map(|_| ())
    }

    /// The FIELD=VALUE matches as groups (`+` between them).
    pub fn operands(&self) -> Result<Vec<Vec<Match>>, Error> {
        let ops: Vec<&str> = self.matches.iter().map(String::as_str).collect();
        match operand_groups(&ops) {
            None => Err(Error::usage(
                format!("'{}'", self.matches.join(" ")),
                "not journalctl matches (FIELD=VALUE, '+' between groups)",
            )),
            Some(r) => r.map_err(|why| Error::usage("FIELD=VALUE", why)),
        }
    }

    /// The journal files; `notice`: discovery warnings (a follower looks again every 250 ms
    /// and says them once, at the start, so it passes none).
    pub fn files(&self, mut notice: Option<Notices>) -> Result<JournalFiles, Error> {
        self.validate()?;
        let named = !self.journal_dir.is_empty() || !self.journal_file.is_empty();
        let mut paths = Vec::new();
        let mut refused = false;
        let mut take = |src: Sources| {
            let found = sources::discover(&src);
            if let Some(say) = notice.as_mut() {
                for w in &found.warnings {
                    say(Notice::error(w.clone()));
                }
            }
            refused |= named && !found.warnings.is_empty();
            paths.extend(found.files);
        };
        if !self.journal_dir.is_empty() {
            take(Sources::Dirs(self.journal_dir.clone()));
        }
        if !self.journal_file.is_empty() {
            take(Sources::Files(self.journal_file.clone()));
        }
        if !named {
            take(default_sources(self.namespace.clone()));
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
        Ok(JournalFiles {
            paths,
            named,
            refused,
        })
    }

    /// The selectors and a time window as the reader's `Selection`.
    pub fn selection(
        &self,
        since: Option<&str>,
        until: Option<&str>,
        clock: &Clock,
    ) -> Result<Selection, Error> {
        Ok(Selection {
            operands: self.operands()?,
            units: self.unit.clone(),
            user_units: self.user_unit.clone(),
            // SAFETY: getuid cannot fail. journalctl --user-unit matches its caller's uid.
            uid: unsafe { libc::getuid() },
            priority: self.priority.clone(),
            identifiers: self.identifier.clone(),
            dmesg: self.dmesg,
            boot: self.boot.clone(),
            since_us: micros("--since", since, clock)?,
            // Inclusive, as journalctl's.
            until_us: micros("--until", until, clock)?,
        })
    }
}

fn micros(flag: &str, text: Option<&str>, clock: &Clock) -> Result<Option<u64>, Error> {
    text.map(|t| {
        crate::logs::time_range::parse_time(t, clock)
            .map(|ms| ms.max(0) as u64 * 1000)
            .map_err(|why| Error::usage(flag, why))
    })
    .transpose()
}

fn default_sources(namespace: Option<String>) -> Sources {
    Sources::Default {
        roots: DEFAULT_ROOTS.iter().map(PathBuf::from).collect(),
        namespace,
    }
}

/// Whether a logs request reads the journal: a selector asks for it (and then a path beside
/// it is a usage error), or no path is named and the host keeps its logs only there: no
/// /var/log/syslog or /var/log/messages but journal files (Debian 12 without rsyslog; said
/// as a notice).
pub fn chosen(s: &JournalSelectors, paths: &[PathBuf], notice: Notices) -> Result<bool, Error> {
    let wanted = s.wanted();
    if !wanted && !by_default(!paths.is_empty()) {
        return Ok(false);
    }
    if let Some(p) = paths.first() {
        return Err(Error::usage(
            p.display(),
            "a path and the journal: name one (journal files with --journal-file)",
        ));
    }
    if !s.flags() {
        notice(Notice::error(
            "reading the systemd journal (no /var/log/syslog or /var/log/messages here); name \
             a path to read text logs",
        ));
    }
    Ok(true)
}

pub fn by_default(paths_named: bool) -> bool {
    !paths_named
        && !SYSLOG_FILES.iter().any(|p| Path::new(p).exists())
        && !sources::discover(&default_sources(None)).files.is_empty()
}

/// Warnings per file after a search and the permission hint, as notices; whether a named
/// source failed (exit 2).
pub fn file_notices(outcome: &Outcome, files: &JournalFiles, notice: Notices) -> bool {
    let mut denied: Vec<&PathBuf> = Vec::new();
    let mut failed = files.refused;
    for f in &outcome.files {
        let Some(w) = &f.warning else { continue };
        if w.contains("Permission denied") {
            denied.push(&f.path);
            continue;
        }
        failed |= files.named && w.starts_with("not read");
        notice(Notice::warning(format!("{}: {w}", f.path.display())));
    }
    if let Some(first) = denied.first() {
        // journalctl's hint: the system journal is readable by the systemd-journal group
        // (and adm on Debian/Ubuntu); a user otherwise sees only their own user-UID files.
        notice(Notice::error(format!(
            "{} journal file(s) not readable as this user, e.g. {}: join the \
             'systemd-journal' or 'adm' group to read the system journal (sudo usermod -aG \
             systemd-journal $USER, then log in again), or run as root",
            denied.len(),
            first.display()
        )));
        failed |= files.named;
    }
    failed
}

/// The fields oncall's JSON line of an entry needs (`render/journal.rs`, and the reports).
pub const JSON_FIELDS: [&str; 5] = [
    "MESSAGE",
    "PRIORITY",
    "_SYSTEMD_UNIT",
    "SYSLOG_IDENTIFIER",
    "_COMM",
];

/// One journal entry as oncall's `--json` prints it.
#[derive(Debug, Clone, serde::Serialize, schemars::JsonSchema)]
pub struct JournalLine {
    #[schemars(extend("x-oncall-untrusted" = true))]
    pub path: String,
    #[schemars(extend("x-oncall-untrusted" = true))]
    pub unit: Option<String>,
    pub priority: Option<u8>,
    pub timestamp: String,
    #[schemars(extend("x-oncall-untrusted" = true))]
    pub identifier: Option<String>,
    #[schemars(extend("x-oncall-untrusted" = true))]
    pub message: String,
}

impl JournalLine {
    pub fn of(e: &crate::journal::Entry, path: &str) -> JournalLine {
        let text = |n: &str| e.field(n).map(|v| String::from_utf8_lossy(v).into_owned());
        JournalLine {
            path: path.to_string(),
            unit: text("_SYSTEMD_UNIT"),
            priority: e
                .field("PRIORITY")
                .and_then(|p| std::str::from_utf8(p).ok()?.parse().ok()),
            timestamp: jiff::Timestamp::from_microsecond(e.realtime as i64)
                .map(|t| t.strftime("%Y-%m-%dT%H:%M:%S%.6fZ").to_string())
                .unwrap_or_default(),
            identifier: text("SYSLOG_IDENTIFIER").or_else(|| text("_COMM")),
            message: text("MESSAGE").unwrap_or_default(),
        }
    }
}
