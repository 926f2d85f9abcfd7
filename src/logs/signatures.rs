//! `logs top`: error and warning lines grouped by signature, the line with what varies between
//! occurrences masked (numbers, hex ids, UUIDs, IP addresses, quoted strings) and the leading
//! timestamp dropped, so "timeout after 1503 ms to 10.0.0.7:5432" and "timeout after 20 ms to
//! 10.0.0.9:5432" count as one problem. A signature is one level's: the same message logged
//! as a warning and as an error is two rows (JSON loggers often reuse one message for both).
//!
//! Bounded per line: only the first `MASK_INPUT_CHARS` characters of a message are masked and
//! a signature keeps `SIGNATURE_MAX` characters (then `…`), so a 10 MB line costs one pass
//! over its bytes and prints a short row. Messages that agree on their first `SIGNATURE_MAX`
//! masked characters are one signature.

use crate::logs::levels::{self, Level};
use crate::logs::search::{LineKind, LineSink};
use serde::Serialize;
use std::collections::HashMap;
use std::io;

#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct Signature {
    #[schemars(extend("x-oncall-untrusted" = true))]
    pub signature: String,
    pub level: Level,
    pub count: u64,
    /// Unix ms; rendered as RFC 3339.
    #[serde(skip)]
    pub first_ms: Option<i64>,
    #[serde(skip)]
    pub last_ms: Option<i64>,
    pub first_seen: Option<String>,
    pub last_seen: Option<String>,
    #[schemars(extend("x-oncall-untrusted" = true))]
    pub example: String,
    #[schemars(extend("x-oncall-untrusted" = true))]
    pub example_path: String,
}

/// Collects signatures from matched lines of one source.
#[derive(Debug, Default)]
pub struct SignatureTable {
    pub by_sig: HashMap<(Level, String), Signature>,
    pub lines: u64,
    path: String,
}

const EXAMPLE_MAX: usize = 400;
/// Characters of a signature: a table row, not the line (the example keeps more).
pub const SIGNATURE_MAX: usize = 200;
/// Characters of a message that are masked: enough for `SIGNATURE_MAX` after masking (which
/// shrinks ids and quoted strings), never a whole 10 MB line.
const MASK_INPUT_CHARS: usize = 4096;

impl SignatureTable {
    pub fn new(path: &str) -> SignatureTable {
        SignatureTable {
            path: path.to_string(),
            ..SignatureTable::default()
        }
    }

    pub fn add(&mut self, line: &[u8], ts: Option<i64>) {
        let Some(level) = levels::detect(line) else {
            return;
        };
        self.add_at(level, line, signature(line), ts);
    }

    /// A message whose level is known (a journal entry's PRIORITY), its signature under
    /// `source` (the unit), so one message from two units is two rows.
    pub fn add_message(&mut self, level: Level, source: &str, message: &[u8], ts: Option<i64>) {
        let sig = if source.is_empty() {
            signature(message)
        } else {
            format!("{source}: {}", signature(message))
        };
        self.add_at(level, message, sig, ts);
    }

    fn add_at(&mut self, level: Level, line: &[u8], sig: String, ts: Option<i64>) {
        if level > Level::Warn {
            return;
        }
        self.lines += 1;
        let entry = self.by_sig.entry((level, sig.clone())).or_insert_with(|| {
            let text = String::from_utf8_lossy(line);
            Signature {
                signature: sig,
                level,
                count: 0,
                first_ms: ts,
                last_ms: ts,
                first_seen: None,
                last_seen: None,
                example: text.chars().take(EXAMPLE_MAX).collect(),
                example_path: self.path.clone(),
            }
        });
        entry.count += 1;
        if let Some(t) = ts {
            entry.first_ms = Some(entry.first_ms.map_or(t, |f| f.min(t)));
            entry.last_ms = Some(entry.last_ms.map_or(t, |l| l.max(t)));
        }
    }

    /// Merges a later source's table into this one (sources come oldest first).
    pub fn merge(&mut self, other: SignatureTable) {
        self.lines += other.lines;
        for (k, v) in other.by_sig {
            match self.by_sig.get_mut(&k) {
                None => {
                    self.by_sig.insert(k, v);
                }
                Some(e) => {
                    e.count += v.count;
                    e.first_ms = match (e.first_ms, v.first_ms) {
                        (Some(a), Some(b)) => Some(a.min(b)),
                        (a, b) => a.or(b),
                    };
                    e.last_ms = match (e.last_ms, v.last_ms) {
                        (Some(a), Some(b)) => Some(a.max(b)),
                        (a, b) => a.or(b),
                    };
                }
            }
        }
    }

    /// The `n` most frequent, most frequent first (ties: worse level, then text).
    pub fn top(self, n: usize) -> Vec<Signature> {
        let mut all: Vec<Signature> = self.by_sig.into_values().collect();
        all.sort_by(|a, b| {
            b.count
                .cmp(&a.count)
                .then(a.level.cmp(&b.level))
                .then(a.signature.cmp(&b.signature))
        });
        all.truncate(n);
        all
    }
}

impl LineSink for SignatureTable {
    fn line(
        &mut self,
        kind: LineKind,
        _: Option<u64>,
        text: &[u8],
        ts: Option<i64>,
    ) -> io::Result<bool> {
        if kind == LineKind::Match {
            self.add(text, ts);
        }
        Ok(true)
    }
}

/// The message of a JSON line (`msg`, `message`, `error`), else the line; at most
/// `MASK_INPUT_CHARS` characters of it.
fn message(line: &[u8]) -> String {
    // A container log record (CRI, Docker json-file): its message, not the prefix or JSON.
    if let Some(m) = super::container_formats::message(line) {
        return m.chars().take(MASK_INPUT_CHARS).collect();
    }
    let t = line.trim_ascii();
    if t.first() == Some(&b'{') {
        if let Ok(serde_json::Value::Object(m)) = serde_json::from_slice(t) {
            for k in ["msg", "message", "error", "err", "event"] {
                if let Some(serde_json::Value::String(s)) = m.get(k) {
                    return s.chars().take(MASK_INPUT_CHARS).collect();
                }
            }
        }
    }
    // A UTF-8 character is at most 4 bytes: this many bytes hold the characters we mask.
    let head = &line[..line.len().min(MASK_INPUT_CHARS * 4)];
    String::from_utf8_lossy(head)
        .chars()
        .take(MASK_INPUT_CHARS)
        .collect()
}

/// The masked signature of a line, at most `SIGNATURE_MAX` characters (and `…` when cut).
pub fn signature(line: &[u8]) -> String {
    let masked = mask(&message(line));
    // Drop leading tokens that are only the (masked) time and date, or month names.
    let mut words = masked.split_whitespace().peekable();
    while let Some(w) = words.peek() {
        let stripped = w
            .replace("<n>", "")
            .replace("<hex>", "")
            .replace(['-', ':', '.', 'T', 'Z', '+', '/', '[', ']', ','], "");
        let month = matches!(
            *w,
            "Jan"
                | "Feb"
                | "Mar"
                | "Apr"
                | "May"
                | "Jun"
                | "Jul"
                | "Aug"
                | "Sep"
                | "Oct"
                | "Nov"
                | "Dec"
        );
        // klog's level letter and date, `E1127` masked.
        let klog = matches!(*w, "I<n>" | "W<n>" | "E<n>" | "F<n>");
        if stripped.is_empty() || month || klog {
            words.next();
        } else {
            break;
        }
    }
    let mut sig = String::new();
    let mut chars = 0;
    for (k, w) in words.enumerate() {
        if k > 0 {
            sig.push(' ');
        }
        sig.push_str(w);
        chars += w.chars().count() + usize::from(k > 0);
        if chars > SIGNATURE_MAX {
            break;
        }
    }
    if sig.chars().count() > SIGNATURE_MAX {
        sig = sig.chars().take(SIGNATURE_MAX).collect();
        sig.push('…');
    }
    sig
}

fn is_hex(c: char) -> bool {
    c.is_ascii_hexdigit()
}

/// Masks what varies between occurrences of the same message.
pub fn mask(text: &str) -> String {
    let c: Vec<char> = text.chars().collect();
    let mut out = String::with_capacity(text.len());
    let mut i = 0;
    let word_char = |ch: char| ch.is_alphanumeric() || ch == '_';
    while i < c.len() {
        let at_word_start = i == 0 || !word_char(c[i - 1]);
        // Quoted strings.
        if c[i] == '"' || c[i] == '\'' {
            let q = c[i];
            if let Some(len) = c[i + 1..].iter().take(200).position(|&x| x == q) {
                out.push(q);
                out.push('…');
                out.push(q);
                i += len + 2;
                continue;
            }
        }
        if at_word_start {
            // UUID: 8-4-4-4-12 hex.
            if uuid_at(&c, i) {
                out.push_str("<uuid>");
                i += 36;
                continue;
            }
            // IPv4, with an optional port.
            if let Some(len) = ipv4_at(&c, i) {
                out.push_str("<ip>");
                i += len;
                continue;
            }
            // 0x… and long hex ids with at least one digit.
            if c[i] == '0' && c.get(i + 1) == Some(&'x') {
                let len = c[i + 2..].iter().take_while(|&&x| is_hex(x)).count();
                if len > 0 {
                    out.push_str("<hex>");
                    i += 2 + len;
                    continue;
                }
            }
            let run = c[i..].iter().take_while(|&&x| is_hex(x)).count();
            let ends_word = c.get(i + run).is_none_or(|&x| !word_char(x));
            if run >= 8 && ends_word && c[i..i + run].iter().any(|x| x.is_ascii_digit()) {
                out.push_str("<hex>");
                i += run;
                continue;
            }
        }
        // Numbers (anywhere: `took=12ms`, `u42`, `v1.2`).
        if c[i].is_ascii_digit() {
            while i < c.len()
                && (c[i].is_ascii_digit()
                    || (c[i] == '.' && c.get(i + 1).is_some_and(|x| x.is_ascii_digit())))
            {
                i += 1;
            }
            out.push_str("<n>");
            continue;
        }
        out.push(c[i]);
        i += 1;
    }
    out
}

fn uuid_at(c: &[char], i: usize) -> bool {
    if i + 36 > c.len() {
        return false;
    }
    for (k, &ch) in c[i..i + 36].iter().enumerate() {
        let dash = matches!(k, 8 | 13 | 18 | 23);
        if dash != (ch == '-') || (!dash && !is_hex(ch)) {
            return false;
        }
    }
    c.get(i + 36).is_none_or(|x| !x.is_alphanumeric())
}

fn ipv4_at(c: &[char], i: usize) -> Option<usize> {
    let mut p = i;
    for part in 0..4 {
        let d = c[p..]
            .iter()
            .take(3)
            .take_while(|x| x.is_ascii_digit())
            .count();
        if d == 0 {
            return None;
        }
        p += d;
        if part < 3 {
            if c.get(p) != Some(&'.') {
                return None;
            }
            p += 1;
        }
    }
    if c.get(p)
        .is_some_and(|x| x.is_ascii_digit() || x.is_alphabetic())
    {
        return None;
    }
    if c.get(p) == Some(&':') && c.get(p + 1).is_some_and(|x| x.is_ascii_digit()) {
        p += 1;
        p += c[p..].iter().take_while(|x| x.is_ascii_digit()).count();
    }
    Some(p - i)
}

/// What `logs top` found.
#[derive(Debug, Serialize, schemars::JsonSchema)]
pub struct TopReport {
    pub files: usize,
    pub error_and_warning_lines: u64,
    pub signatures: Vec<Signature>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn what_varies_is_masked() {
        let a = signature(b"2026-11-27T14:03:01.120Z ERROR timeout after 1503 ms to 10.0.0.7:5432 req=9f3a2b1c4d5e6f70 id=123e4567-e89b-12d3-a456-426614174000 user=\"bob\"");
        let b = signature(b"2026-11-27T15:00:00.000Z ERROR timeout after 20 ms to 10.0.0.9:5432 req=0a1b2c3d4e5f6a7b id=00000000-e89b-12d3-a456-426614174999 user=\"alice\"");
        assert_eq!(a, b);
        assert_eq!(
            a,
            "ERROR timeout after <n> ms to <ip> req=<hex> id=<uuid> user=\"…\""
        );
        assert_eq!(
            signature(b"Nov 27 14:03:01 host sshd[123]: error: kex failed 0xdeadbeef"),
            "host sshd[<n>]: error: kex failed <hex>"
        );
        assert_eq!(
            signature(br#"{"level":"error","msg":"db pool exhausted (42 waiting)","ts":1}"#),
            "db pool exhausted (<n> waiting)"
        );
    }

    #[test]
    fn klog_lines_drop_their_header() {
        let a = signature(b"E1127 14:03:01.250000    4242 pod.go:7] sync pod web-1 failed");
        let b = signature(b"E1128 09:00:00.000001      17 pod.go:7] sync pod web-2 failed");
        assert_eq!(a, b);
        assert_eq!(a, "pod.go:<n>] sync pod web-<n> failed");
    }

    #[test]
    fn a_long_line_has_a_short_signature() {
        let mut line = b"2026-11-27T14:03:01Z ERROR ".to_vec();
        line.extend(std::iter::repeat_n(b'x', 10 << 20));
        let s = signature(&line);
        assert_eq!(s.chars().count(), SIGNATURE_MAX + 1, "{s}");
        assert!(s.starts_with("ERROR xxx") && s.ends_with('…'));
        // Words, and multi-byte characters: cut on a character, never inside one.
        let words = "ERROR é ".repeat(1 << 19);
        let s = signature(words.as_bytes());
        assert_eq!(s.chars().count(), SIGNATURE_MAX + 1);
        // A short one is left alone.
        assert_eq!(signature(b"ERROR short"), "ERROR short");
    }

    #[test]
    fn one_message_at_two_levels_is_two_signatures() {
        let mut t = SignatureTable::new("app.log");
        for _ in 0..3 {
            t.add(br#"{"level":"warn","msg":"upstream slow"}"#, None);
        }
        t.add(br#"{"level":"error","msg":"upstream slow"}"#, None);
        let top = t.top(10);
        let rows: Vec<(Level, u64)> = top.iter().map(|s| (s.level, s.count)).collect();
        assert_eq!(rows, [(Level::Warn, 3), (Level::Error, 1)]);
    }
}
