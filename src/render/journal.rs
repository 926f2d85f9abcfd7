//! Journal entries as `oncall logs` shows them: journalctl's `short` (local time, host,
//! `IDENTIFIER[PID]: MESSAGE`, continuation lines of a multi-line message indented under
//! its first, `-- Boot … --` where the boot changes), `short-iso`, `cat`, `json`
//! (journalctl's field names and value rules) and `verbose` (every field, as journalctl -o
//! verbose), and oncall's own JSON Lines with `--json`
//! (`path, unit, priority, timestamp, message`). The entries arrive read; nothing here
//! touches the journal.

use crate::cli::JournalOutput;
use crate::journal::Entry;
use crate::render::{Format, Ui};
use serde::Serialize;
use std::io::{self, Write};

/// The fields each output needs (the reader then reads no other).
pub fn fields_for(output: JournalOutput, ui: &Ui) -> Option<Vec<String>> {
    if ui.format == Format::Json {
        return Some(names(&crate::request::logs_journal::JSON_FIELDS));
    }
    match output {
        JournalOutput::Json | JournalOutput::Verbose => None,
        JournalOutput::Cat => Some(names(&["MESSAGE"])),
        JournalOutput::Short | JournalOutput::ShortIso => Some(names(&[
            "MESSAGE",
            "_HOSTNAME",
            "SYSLOG_IDENTIFIER",
            "_COMM",
            "_PID",
            "SYSLOG_PID",
        ])),
    }
}

fn names(n: &[&str]) -> Vec<String> {
    n.iter().map(|s| s.to_string()).collect()
}

pub struct EntryPrinter<'w> {
    pub out: &'w mut dyn Write,
    ui: Ui,
    output: JournalOutput,
    tz: jiff::tz::TimeZone,
    previous_boot: Option<[u8; 16]>,
    /// The descriptor `out` ends in (stdout), polled by a follower for a closed reader.
    pub reader: Option<std::os::fd::RawFd>,
}

impl<'w> EntryPrinter<'w> {
    /// `tz` is the zone the times are shown in (the caller's local zone, as journalctl).
    pub fn new(
        out: &'w mut dyn Write,
        ui: &Ui,
        output: JournalOutput,
        tz: jiff::tz::TimeZone,
    ) -> EntryPrinter<'w> {
        EntryPrinter {
            out,
            ui: *ui,
            output,
            tz,
            previous_boot: None,
            reader: None,
        }
    }

    pub fn entry(&mut self, e: &Entry, path: &str) -> io::Result<()> {
        if self.ui.format == Format::Json {
            return self.oncall_json(e, path);
        }
        match self.output {
            JournalOutput::Cat => {
                if let Some(m) = e.field("MESSAGE") {
                    self.out.write_all(m)?;
                }
                self.out.write_all(b"\n")
            }
            JournalOutput::Json => self.journalctl_json(e),
            JournalOutput::Verbose => self.verbose(e),
            JournalOutput::Short | JournalOutput::ShortIso => self.short(e),
        }
    }

    /// journalctl's `-- Boot ID --` line where the boot changes (short and verbose).
    fn boot_separator(&mut self, e: &Entry) -> io::Result<()> {
        if self.previous_boot.is_some_and(|b| b != e.boot_id) {
            writeln!(self.out, "-- Boot {} --", hex(&e.boot_id))?;
        }
        self.previous_boot = Some(e.boot_id);
        Ok(())
    }

    /// journalctl -o verbose (systemd 252's output_verbose): `Fri 2026-11-27 14:03:01.000000
    /// UTC [CURSOR]`, then every field in stored order indented four spaces; a value's
    /// further lines are indented under its first (a trailing newline is dropped); a value
    /// that is not printable UTF-8 (journalctl's rule: controls other than newline and tab,
    /// invalid UTF-8) is `NAME=[5B blob data]`.
    fn verbose(&mut self, e: &Entry) -> io::Result<()> {
        self.boot_separator(e)?;
        let time = jiff::Timestamp::from_microsecond(e.realtime as i64)
            .map(|t| {
                t.to_zoned(self.tz.clone())
                    .strftime("%a %Y-%m-%d %H:%M:%S%.6f %Z")
                    .to_string()
            })
            .unwrap_or_default();
        writeln!(self.out, "{time} [{}]", cursor(e))?;
        for (name, value) in &e.fields {
            write!(self.out, "    {name}=")?;
            if !printable(value) {
                writeln!(self.out, "[{} blob data]", format_bytes(value.len() as u64))?;
                continue;
            }
            let value = value.strip_suffix(b"\n").unwrap_or(value);
            let indent = 4 + name.len() + 1;
            for (k, line) in value.split(|&b| b == b'\n').enumerate() {
                if k > 0 {
                    write!(self.out, "{:indent$}", "")?;
                }
                self.out.write_all(line)?;
                self.out.write_all(b"\n")?;
            }
        }
        Ok(())
    }

    fn short(&mut self, e: &Entry) -> io::Result<()> {
        self.boot_separator(e)?;
        let format = match self.output {
            JournalOutput::ShortIso => "%Y-%m-%dT%H:%M:%S%z",
            _ => "%b %d %H:%M:%S",
        };
        let time = jiff::Timestamp::from_microsecond(e.realtime as i64)
            .map(|t| t.to_zoned(self.tz.clone()).strftime(format).to_string())
            .unwrap_or_default();
        let mut prefix = Vec::with_capacity(64);
        prefix.extend_from_slice(time.as_bytes());
        if let Some(h) = e.field("_HOSTNAME") {
            prefix.push(b' ');
            prefix.extend_from_slice(h);
        }
        prefix.push(b' ');
        // journalctl: the identifier, else the command, else "unknown"; _PID before
        // SYSLOG_PID.
        let ident = e
            .field("SYSLOG_IDENTIFIER")
            .or_else(|| e.field("_COMM"))
            .unwrap_or(b"unknown");
        prefix.extend_from_slice(ident);
        if let Some(pid) = e.field("_PID").or_else(|| e.field("SYSLOG_PID")) {
            prefix.push(b'[');
            prefix.extend_from_slice(pid);
            prefix.push(b']');
        }
        prefix.extend_from_slice(b": ");
        // short shows the last MESSAGE of an entry that has several, as journalctl does.
        let message = e
            .fields
            .iter()
            .rev()
            .find(|(n, _)| n == "MESSAGE")
            .map(|(_, v)| v.as_slice())
            .unwrap_or(b"");
        self.out.write_all(&prefix)?;
        let width = String::from_utf8_lossy(&prefix).chars().count();
        for (k, line) in message.split(|&b| b == b'\n').enumerate() {
            if k > 0 {
                write!(self.out, "{:width$}", "")?;
            }
            self.out.write_all(line)?;
            self.out.write_all(b"\n")?;
        }
        Ok(())
    }

    /// oncall's JSON line for an entry: the request layer's, so a report's entries are
    /// these lines.
    fn oncall_json(&mut self, e: &Entry, path: &str) -> io::Result<()> {
        let line = crate::request::logs_journal::JournalLine::of(e, path);
        serde_json::to_writer(&mut *self.out, &line).map_err(io::Error::from)?;
        self.out.write_all(b"\n")
    }

    /// journalctl -o json: `__CURSOR`, the two timestamps and `_BOOT_ID`, then every field;
    /// a value is a string when it is printable UTF-8 (newlines and tabs allowed), else an
    /// array of its bytes; a field that occurs more than once is an array of its values.
    fn journalctl_json(&mut self, e: &Entry) -> io::Result<()> {
        use serde_json::{Map, Value};
        let mut obj = Map::new();
        obj.insert("__CURSOR".into(), Value::String(cursor(e)));
        obj.insert(
            "__REALTIME_TIMESTAMP".into(),
            Value::String(e.realtime.to_string()),
        );
        obj.insert(
            "__MONOTONIC_TIMESTAMP".into(),
            Value::String(e.monotonic.to_string()),
        );
        obj.insert("_BOOT_ID".into(), Value::String(hex(&e.boot_id)));
        for (name, value) in &e.fields {
            if name == "_BOOT_ID" {
                continue;
            }
            let v = json_value(value);
            match obj.get_mut(name) {
                None => {
                    obj.insert(name.clone(), v);
                }
                Some(Value::Array(a)) if a.first().is_some_and(|x| !x.is_number()) => a.push(v),
                Some(old) => {
                    let first = old.take();
                    *old = Value::Array(vec![first, v]);
                }
            }
        }
        serde_json::to_writer(&mut *self.out, &Value::Object(obj)).map_err(io::Error::from)?;
        self.out.write_all(b"\n")
    }
}

/// journalctl's cursor of an entry: `s=SEQNUM_ID;i=SEQNUM;b=BOOT;m=MONO;t=REAL;x=XOR`.
fn cursor(e: &Entry) -> String {
    format!(
        "s={};i={:x};b={};m={:x};t={:x};x={:x}",
        hex(&e.seqnum_id),
        e.seqnum,
        hex(&e.boot_id),
        e.monotonic,
        e.realtime,
        e.xor_hash
    )
}

/// systemd's `utf8_is_printable` with newlines allowed: valid UTF-8 without control
/// characters other than newline and tab (C1 controls and DEL count as control).
fn printable(v: &[u8]) -> bool {
    std::str::from_utf8(v)
        .is_ok_and(|s| s.chars().all(|c| c == '\n' || c == '\t' || !c.is_control()))
}

/// systemd's FORMAT_BYTES (252): `1023B`, `1.0K`, `9.7K`, `1.5M`, base 1024, one decimal
/// truncated, computed as systemd does (the decimal of M and above from the next unit down).
fn format_bytes(t: u64) -> String {
    const TABLE: [(&str, u64); 6] = [
        ("E", 1 << 60),
        ("P", 1 << 50),
        ("T", 1 << 40),
        ("G", 1 << 30),
        ("M", 1 << 20),
        ("K", 1 << 10),
    ];
    let last = TABLE.len() - 1;
    for (i, &(suffix, factor)) in TABLE.iter().enumerate() {
        if t >= factor {
            let decimal = if i != last {
                (t / TABLE[i + 1].1 * 10 / TABLE[last].1) % 10
            } else {
                (t * 10 / factor) % 10
            };
            return format!("{}.{decimal}{suffix}", t / factor);
        }
    }
    format!("{t}B")
}

fn json_value(v: &[u8]) -> serde_json::Value {
    if printable(v) {
        return serde_json::Value::String(String::from_utf8_lossy(v).into_owned());
    }
    serde_json::Value::Array(v.iter().map(|&b| b.into()).collect())
}

pub fn hex(id: &[u8; 16]) -> String {
    id.iter().map(|b| format!("{b:02x}")).collect()
}

/// `logs grep -c` over the journal: one number, or `{"count": N}`.
pub fn count(ui: &Ui, out: &mut dyn Write, n: u64) -> io::Result<()> {
    if ui.format == Format::Json {
        writeln!(out, "{}", serde_json::json!({ "count": n }))
    } else {
        writeln!(out, "{n}")
    }
}

/// `--list-boots` as journalctl prints it: offsets from the oldest (-N) to the current boot (0),
/// the id, the first and last entry in `tz`; `--json` is journalctl's own JSON for it.
pub fn boots(
    out: &mut dyn Write,
    ui: &Ui,
    boots: &[crate::journal::boots::Boot],
    tz: &jiff::tz::TimeZone,
) -> io::Result<()> {
    let index = |i: usize| i as i64 - (boots.len() as i64 - 1);
    if ui.format == Format::Json {
        #[derive(Serialize)]
        struct Row {
            index: i64,
            boot_id: String,
            first_entry: u64,
            last_entry: u64,
        }
        let rows: Vec<Row> = boots
            .iter()
            .enumerate()
            .map(|(i, b)| Row {
                index: index(i),
                boot_id: b.id_hex(),
                first_entry: b.first_realtime,
                last_entry: b.last_realtime,
            })
            .collect();
        serde_json::to_writer(&mut *out, &rows)?;
        return writeln!(out);
    }
    if boots.is_empty() {
        return writeln!(out, "no boots in the journal");
    }
    let time = |us: u64| {
        jiff::Timestamp::from_microsecond(us as i64)
            .map(|t| {
                t.to_zoned(tz.clone())
                    .strftime("%a %Y-%m-%d %H:%M:%S %Z")
                    .to_string()
            })
            .unwrap_or_default()
    };
    let width = boots.len().saturating_sub(1).to_string().len() + 1;
    writeln!(
        out,
        "{:>width$} {:32} {:27} LAST ENTRY",
        "IDX",
        "BOOT ID",
        "FIRST ENTRY",
        width = width.max(3)
    )?;
    for (i, b) in boots.iter().enumerate() {
        writeln!(
            out,
            "{:>width$} {} {:27} {}",
            index(i),
            b.id_hex(),
            time(b.first_realtime),
            time(b.last_realtime),
            width = width.max(3)
        )?;
    }
    Ok(())
}
