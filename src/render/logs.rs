//! Rendering for `oncall logs`: matching lines grep-style (`path:line:text`, `path-line-text`
//! for context, `--` between groups, matches highlighted), JSON Lines for scripts and streams,
//! counts, file lists, the follow stream and the signature table.

use crate::logs::container_files::Owner;
use crate::logs::search::{LineKind, LineSink, RecordLine};
use crate::logs::timestamps;
use crate::render::{Format, Ui};
use grep_matcher::Matcher;
use grep_regex::RegexMatcher;
use serde::Serialize;
use std::borrow::Cow;
use std::io::{self, Write};
use std::path::Path;

/// One JSON Lines object per line: DESIGN.md's `{path, line_number, timestamp, text}`.
#[derive(Serialize, schemars::JsonSchema)]
struct JsonLine<'a> {
    path: &'a str,
    line_number: Option<u64>,
    timestamp: Option<String>,
    text: Cow<'a, str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    context: Option<bool>,
    /// A container record's stream (`text` is then its message).
    #[serde(skip_serializing_if = "Option::is_none")]
    stream: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pod: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    container: Option<&'a str>,
}

impl<'a> JsonLine<'a> {
    /// A line as JSON holds it: invalid UTF-8 becomes U+FFFD there (and only there).
    fn new(
        path: &'a str,
        line_number: Option<u64>,
        timestamp: Option<i64>,
        text: &'a [u8],
    ) -> Self {
        JsonLine {
            path,
            line_number,
            timestamp: timestamp.map(timestamps::rfc3339),
            text: String::from_utf8_lossy(text),
            context: None,
            stream: None,
            pod: None,
            container: None,
        }
    }

    /// One JSON Lines record.
    fn write(&self, out: &mut dyn Write) -> io::Result<()> {
        serde_json::to_writer(&mut *out, self).map_err(io::Error::from)?;
        out.write_all(b"\n")
    }
}

/// The bytes of a log line or a file name as they go out: untouched into a pipe or a file
/// (invalid UTF-8 included, as grep and rg print it); on a terminal, invalid UTF-8 becomes
/// U+FFFD, so a stray byte never reaches the terminal as a C1 control (the terminal guard
/// then shows the control characters that remain).
fn out_bytes<'a>(ui: &Ui, bytes: &'a [u8]) -> Cow<'a, [u8]> {
    if !ui.terminal {
        return Cow::Borrowed(bytes);
    }
    match String::from_utf8_lossy(bytes) {
        Cow::Borrowed(_) => Cow::Borrowed(bytes),
        Cow::Owned(s) => Cow::Owned(s.into_bytes()),
    }
}

/// A path's own bytes (a file name need not be UTF-8).
fn path_bytes(path: &Path) -> &[u8] {
    use std::os::unix::ffi::OsStrExt;
    path.as_os_str().as_bytes()
}

/// Writes `bytes` in a style (`Style::command`, `good`, `bad`…), which works on `&str`: its
/// sequences are taken from around a marker, so raw bytes keep the style's exact colours.
fn write_styled(
    out: &mut dyn Write,
    paint: impl Fn(&str) -> String,
    bytes: &[u8],
) -> io::Result<()> {
    let (before, after) = style_codes(paint);
    out.write_all(before.as_bytes())?;
    out.write_all(bytes)?;
    out.write_all(after.as_bytes())
}

/// The codes a style puts before and after a text.
fn style_codes(paint: impl Fn(&str) -> String) -> (String, String) {
    let marked = paint("\u{1}");
    let (before, after) = marked.split_once('\u{1}').unwrap_or(("", ""));
    (before.to_string(), after.to_string())
}

/// Prints lines as they arrive, into any writer (stdout, or a per-file buffer when files are
/// searched in parallel and printed in order).
pub struct LinePrinter<'w> {
    pub out: &'w mut dyn Write,
    ui: Ui,
    /// For JSON, which holds text: the path made valid UTF-8.
    path: String,
    /// For grep-style lines: the path's own bytes, in its colour (styled once, not per line).
    path_lead: Vec<u8>,
    /// The line number's colour codes, before and after (empty without colour).
    number_style: (String, String),
    show_path: bool,
    highlight: Option<RegexMatcher>,
    /// Flush after every line (follow mode: each line is seen as it comes).
    pub flush_each: bool,
    /// The pod and container a container log belongs to (JSON output names them).
    owner: Owner,
    /// The line being put together (kept: one allocation per file, not per line).
    line: Vec<u8>,
}

impl<'w> LinePrinter<'w> {
    pub fn new(
        out: &'w mut dyn Write,
        ui: &Ui,
        path: &Path,
        show_path: bool,
        highlight: Option<RegexMatcher>,
    ) -> LinePrinter<'w> {
        LinePrinter {
            out,
            ui: *ui,
            path: path.display().to_string(),
            path_lead: {
                let mut lead = Vec::new();
                let style = ui.style;
                let _ = write_styled(
                    &mut lead,
                    |t| style.command(t),
                    &out_bytes(ui, path_bytes(path)),
                );
                lead
            },
            number_style: style_codes(|t| ui.style.good(t)),
            show_path,
            highlight: highlight.filter(|_| ui.style.enabled),
            flush_each: false,
            owner: Owner::default(),
            line: Vec::new(),
        }
    }

    /// The file is a container's log: its records' JSON lines name the pod and container.
    pub fn owned_by(mut self, owner: Owner) -> LinePrinter<'w> {
        self.owner = owner;
        self
    }

    /// `path:line:` (or `-` for context) before a line's text.
    fn lead(&self, line: &mut Vec<u8>, kind: LineKind, line_number: Option<u64>) {
        let sep: &[u8] = if kind == LineKind::Match { b":" } else { b"-" };
        if self.show_path {
            line.extend_from_slice(&self.path_lead);
            line.extend_from_slice(sep);
        }
        if let Some(n) = line_number {
            // Per printed line: no allocation, no formatting machinery.
            let mut digits = [0u8; 20];
            let mut at = digits.len();
            let mut rest = n;
            loop {
                at -= 1;
                digits[at] = b'0' + (rest % 10) as u8;
                rest /= 10;
                if rest == 0 {
                    break;
                }
            }
            let (before, after) = &self.number_style;
            line.extend_from_slice(before.as_bytes());
            line.extend_from_slice(&digits[at..]);
            line.extend_from_slice(after.as_bytes());
            line.extend_from_slice(sep);
        }
    }

    /// One grep-style line, `path:line:` + `time ` (a record's) + the text, written with one
    /// call: the writer is a parallel file's held buffer or stdout, behind a `dyn Write`.
    fn text_line(
        &mut self,
        kind: LineKind,
        line_number: Option<u64>,
        time: Option<&[u8]>,
        text: &[u8],
    ) -> io::Result<()> {
        let mut line = std::mem::take(&mut self.line);
        line.clear();
        self.lead(&mut line, kind, line_number);
        if let Some(time) = time {
            line.extend_from_slice(&out_bytes(&self.ui, time));
            line.push(b' ');
        }
        match (&self.highlight, kind) {
            (Some(m), LineKind::Match) => write_highlighted(&mut line, &self.ui, m, text)?,
            _ => line.extend_from_slice(&out_bytes(&self.ui, text)),
        }
        line.push(b'\n');
        let written = self.out.write_all(&line);
        self.line = line;
        written
    }
}

/// The line with every match in the error colour.
fn write_highlighted(
    out: &mut dyn Write,
    ui: &Ui,
    m: &RegexMatcher,
    text: &[u8],
) -> io::Result<()> {
    let mut last = 0;
    let mut result = Ok(());
    let _ = m.find_iter(text, |mat| {
        if mat.start() < mat.end() {
            result = out
                .write_all(&out_bytes(ui, &text[last..mat.start()]))
                .and_then(|_| {
                    write_styled(
                        out,
                        |t| ui.style.bad(t),
                        &out_bytes(ui, &text[mat.start()..mat.end()]),
                    )
                });
            last = mat.end();
        }
        result.is_ok()
    });
    result?;
    out.write_all(&out_bytes(ui, &text[last..]))
}

impl LineSink for LinePrinter<'_> {
    fn line(
        &mut self,
        kind: LineKind,
        line_number: Option<u64>,
        text: &[u8],
        timestamp: Option<i64>,
    ) -> io::Result<bool> {
        if self.ui.format == Format::Json {
            JsonLine {
                context: (kind == LineKind::Context).then_some(true),
                ..JsonLine::new(&self.path, line_number, timestamp, text)
            }
            .write(self.out)?;
        } else {
            self.text_line(kind, line_number, None, text)?;
        }
        if self.flush_each {
            self.out.flush()?;
        }
        Ok(true)
    }

    /// A container record as `kubectl logs --timestamps` shows it: the record's time, then
    /// its message (the prefix and the JSON are not the log's text).
    fn record(
        &mut self,
        kind: LineKind,
        line_number: Option<u64>,
        record: &RecordLine<'_>,
        timestamp: Option<i64>,
    ) -> io::Result<bool> {
        if self.ui.format == Format::Json {
            JsonLine {
                context: (kind == LineKind::Context).then_some(true),
                stream: Some(record.stream),
                pod: self.owner.pod.as_deref(),
                container: self.owner.container.as_deref(),
                ..JsonLine::new(&self.path, line_number, timestamp, record.message)
            }
            .write(self.out)?;
        } else {
            self.text_line(kind, line_number, Some(record.time), record.message)?;
        }
        if self.flush_each {
            self.out.flush()?;
        }
        Ok(true)
    }

    fn context_break(&mut self) -> io::Result<()> {
        if self.ui.format != Format::Json {
            writeln!(self.out, "{}", self.ui.style.dim("--"))?;
        }
        Ok(())
    }
}

/// `-c`: the bare number for one file, `path:count` for several.
pub fn count(
    ui: &Ui,
    out: &mut dyn Write,
    path: &Path,
    show_path: bool,
    count: u64,
) -> io::Result<()> {
    if ui.format == Format::Json {
        #[derive(Serialize, schemars::JsonSchema)]
        struct C<'a> {
            path: &'a str,
            count: u64,
        }
        let path = path.display().to_string();
        serde_json::to_writer(&mut *out, &C { path: &path, count }).map_err(io::Error::from)?;
        writeln!(out)
    } else {
        if show_path {
            out.write_all(&out_bytes(ui, path_bytes(path)))?;
            out.write_all(b":")?;
        }
        writeln!(out, "{count}")
    }
}

/// `-c` with several patterns: one line per pattern, `[path:]pattern:count`.
pub fn pattern_counts(
    ui: &Ui,
    out: &mut dyn Write,
    path: &Path,
    show_path: bool,
    counts: &[(String, u64)],
) -> io::Result<()> {
    let text_path = path.display().to_string();
    for (pattern, count) in counts {
        if ui.format == Format::Json {
            #[derive(Serialize, schemars::JsonSchema)]
            struct C<'a> {
                path: &'a str,
                pattern: &'a str,
                count: u64,
            }
            serde_json::to_writer(
                &mut *out,
                &C {
                    path: &text_path,
                    pattern,
                    count: *count,
                },
            )
            .map_err(io::Error::from)?;
            writeln!(out)?;
        } else {
            if show_path {
                out.write_all(&out_bytes(ui, path_bytes(path)))?;
                out.write_all(b":")?;
            }
            writeln!(out, "{pattern}:{count}")?;
        }
    }
    Ok(())
}

/// `-l`: the path of a file with a match, its own bytes (`xargs` must find the file).
pub fn file_with_match(ui: &Ui, out: &mut dyn Write, path: &Path) -> io::Result<()> {
    if ui.format == Format::Json {
        #[derive(Serialize, schemars::JsonSchema)]
        struct P<'a> {
            path: &'a str,
        }
        let path = path.display().to_string();
        serde_json::to_writer(&mut *out, &P { path: &path }).map_err(io::Error::from)?;
        writeln!(out)
    } else {
        let style = ui.style;
        write_styled(out, |t| style.command(t), &out_bytes(ui, path_bytes(path)))?;
        writeln!(out)
    }
}

/// `logs tail` and `logs tail -f`: one line per line, `path: ` before it when several files
/// are followed, JSON Lines with `--json`; notices (rotation, truncation, NUL holes) go to
/// stderr so they never mix with the log's own lines.
pub struct TailPrinter<'w> {
    pub out: &'w mut dyn Write,
    ui: Ui,
    show_path: bool,
    /// The descriptor `out` ends in (stdout), when the caller knows it: see `reader_fd`.
    reader: Option<std::os::fd::RawFd>,
    /// Whose log each followed container file is (found once per file: Docker's name is
    /// read from the config beside it).
    owners: std::collections::HashMap<std::path::PathBuf, Owner>,
}

impl<'w> TailPrinter<'w> {
    pub fn new(out: &'w mut dyn Write, ui: &Ui, show_path: bool) -> TailPrinter<'w> {
        TailPrinter {
            out,
            ui: *ui,
            show_path,
            reader: None,
            owners: std::collections::HashMap::new(),
        }
    }

    /// `out` writes to `fd`: a follower polls it to end when the reader goes away.
    pub fn writes_to(mut self, fd: std::os::fd::RawFd) -> TailPrinter<'w> {
        self.reader = Some(fd);
        self
    }

    pub fn line(
        &mut self,
        path: &str,
        line_number: Option<u64>,
        text: &[u8],
        timestamp: Option<i64>,
    ) -> io::Result<()> {
        if self.ui.format == Format::Json {
            JsonLine::new(path, line_number, timestamp, text).write(self.out)
        } else {
            if self.show_path {
                write!(self.out, "{}: ", self.ui.style.command(path))?;
            }
            self.out
                .write_all(&String::from_utf8_lossy(text).into_owned().into_bytes())?;
            self.out.write_all(b"\n")
        }
    }
}

impl TailPrinter<'_> {
    /// A container record: its time and message (JSON: the message, with its stream, pod
    /// and container, as `logs grep --json` names them).
    pub fn record_line(
        &mut self,
        path: &str,
        line_number: Option<u64>,
        record: &RecordLine<'_>,
        timestamp: Option<i64>,
        owner: &Owner,
    ) -> io::Result<()> {
        if self.ui.format == Format::Json {
            JsonLine {
                stream: Some(record.stream),
                pod: owner.pod.as_deref(),
                container: owner.container.as_deref(),
                ..JsonLine::new(path, line_number, timestamp, record.message)
            }
            .write(self.out)
        } else {
            if self.show_path {
                write!(self.out, "{}: ", self.ui.style.command(path))?;
            }
            let mut text = record.time.to_vec();
            text.push(b' ');
            text.extend_from_slice(record.message);
            self.out
                .write_all(String::from_utf8_lossy(&text).as_bytes())?;
            self.out.write_all(b"\n")
        }
    }
}

impl crate::logs::container_tail::RecordSink for TailPrinter<'_> {
    fn record(
        &mut self,
        path: &std::path::Path,
        line_number: Option<u64>,
        record: &RecordLine<'_>,
        timestamp: Option<i64>,
    ) -> io::Result<()> {
        let owner = match self.owners.get(path) {
            Some(o) => o.clone(),
            None if self.ui.format == Format::Json => {
                let o = crate::logs::container_files::owner_of(path);
                self.owners.insert(path.to_path_buf(), o.clone());
                o
            }
            None => Owner::default(),
        };
        let label = path.display().to_string();
        self.record_line(&label, line_number, record, timestamp, &owner)
    }
}

impl crate::logs::follow::FollowSink for TailPrinter<'_> {
    fn line(
        &mut self,
        path: &std::path::Path,
        line_number: Option<u64>,
        text: &[u8],
        timestamp: Option<i64>,
    ) -> io::Result<()> {
        TailPrinter::line(
            self,
            &path.display().to_string(),
            line_number,
            text,
            timestamp,
        )
    }

    fn notice(&mut self, path: &std::path::Path, notice: crate::logs::follow::Notice) {
        use crate::logs::follow::Notice;
        let what = match notice {
            Notice::Appeared => "appeared; following it from the start".to_string(),
            Notice::Rotated => "rotated; draining the old file, following the new one".into(),
            Notice::Vanished => "gone (renamed or deleted); waiting for it to reappear".into(),
            Notice::Truncated => "truncated; reading again from the start".into(),
            Notice::NulHole(n) => format!("{n} NUL bytes skipped (a hole left by a truncation)"),
            Notice::LineCut(n) => {
                let cap = crate::render::units::bytes(crate::logs::line_cap::MAX_LINE_BYTES as u64);
                let which = n.map_or("a line".to_string(), |n| format!("line {n}"));
                format!("{which} longer than {cap}: its first {cap} shown, the rest skipped")
            }
            Notice::NotRegular => {
                "not a regular file (a device, pipe or socket); not read".to_string()
            }
            Notice::Polling(why) => format!("no inotify ({why}); polling"),
        };
        let _ = self.out.flush();
        crate::render::stderr::line(format_args!("oncall: {}: {what}", path.display()));
    }

    fn flush(&mut self) -> io::Result<()> {
        self.out.flush()
    }

    fn reader_fd(&self) -> Option<std::os::fd::RawFd> {
        self.reader
    }
}

/// The warning for lines `logs tail` cut at `MAX_LINE_BYTES` (stderr: stdout keeps the log).
pub fn cut_lines(count: u64) -> String {
    let cap = crate::render::units::bytes(crate::logs::line_cap::MAX_LINE_BYTES as u64);
    format!("{count} line(s) longer than {cap}: only their first {cap} shown")
}

// The report lives beside its collector; the name is kept here for the `logs` commands.
pub use crate::logs::signatures::TopReport;

/// `logs top`: the signature table (table, JSON, Markdown).
pub fn top(ui: &Ui, out: &mut dyn Write, report: &TopReport) -> io::Result<()> {
    let short = |t: &Option<String>| {
        t.as_deref()
            .map(|s| s.get(..19).unwrap_or(s).replace('T', " "))
            .unwrap_or_else(|| "-".into())
    };
    let header = ["COUNT", "LEVEL", "FIRST (UTC)", "LAST (UTC)", "SIGNATURE"];
    let rows: Vec<Vec<String>> = report
        .signatures
        .iter()
        .map(|s| {
            vec![
                s.count.to_string(),
                s.level.as_str().to_string(),
                short(&s.first_seen),
                short(&s.last_seen),
                // A table row: a control character would break it.
                super::printable::printable(&s.signature).into_owned(),
            ]
        })
        .collect();
    match ui.format {
        Format::Json => crate::render::json::write(out, report),
        Format::Markdown => crate::render::markdown::table(out, &header, &rows),
        _ => {
            let files = crate::render::units::plural(report.files as u64, "file", "files");
            if rows.is_empty() && report.error_and_warning_lines > 0 {
                // Cut to nothing by --top 0: the lines are there, just not shown.
                writeln!(
                    out,
                    "no signature shown: --top 0 (of {} in {files})",
                    crate::render::units::plural(
                        report.error_and_warning_lines,
                        "error or warning line",
                        "error and warning lines"
                    )
                )?;
            } else if rows.is_empty() {
                writeln!(out, "no error or warning line in {files}")?;
            } else {
                let mut t = crate::render::table::new(ui, &header);
                for (row, s) in rows.into_iter().zip(&report.signatures) {
                    let level = match s.level {
                        crate::logs::levels::Level::Error => ui.style.bad(&row[1]),
                        _ => ui.style.warn(&row[1]),
                    };
                    t.add_row(vec![
                        row[0].clone(),
                        level,
                        row[2].clone(),
                        row[3].clone(),
                        row[4].clone(),
                    ]);
                }
                crate::render::table::write(out, &t)?;
                writeln!(
                    out,
                    "{}",
                    ui.style.dim(&format!(
                        "{} in {}; numbers, hex ids, UUIDs, IPs and quoted strings masked",
                        crate::render::units::plural(
                            report.error_and_warning_lines,
                            "error or warning line",
                            "error and warning lines"
                        ),
                        crate::render::units::plural(report.files as u64, "file", "files")
                    ))
                )?;
            }
            ui.hint(
                out,
                "same as: grep -hE 'ERROR|WARN' FILE | sed -E 's/[0-9]+/N/g' | sort | uniq -c | sort -rn | head",
            )
        }
    }
}
