//! `logs tail` over a container log: the last N records (a `P` run or a split json-file record
//! is one), each by its message, and `-f` joining records as they come. `--grep` sees the
//! message, as in `logs grep`.
//!
//! The last N records come from the file's tail: a window read back from the end, begun at a
//! record's first line (the line after one that closes a record: a `P` run may be any
//! number of lines long, so a line alone does not say), then normalised forward through
//! `container_stream` as the whole file would be (a ring of N kept).

use crate::logs::capped_reader::CappedLines;
use crate::logs::container_formats::{self, Format};
use crate::logs::container_stream::Normalized;
use crate::logs::follow::{FollowSink, Notice};
use crate::logs::search::RecordLine;
use std::collections::{HashMap, VecDeque};
use std::fs::File;
use std::io::{self, BufRead, BufReader, Read};
use std::os::fd::RawFd;
use std::path::{Path, PathBuf};
use std::sync::atomic::Ordering;

/// One normalised line to show: a record (`TIME STREAM TAG MESSAGE`) or a line that is none.
#[derive(Debug, Clone)]
pub struct Shown {
    pub number: u64,
    pub text: Vec<u8>,
}

/// The record in a normalised line, if it is one: its prefix parsed once for the time, the
/// stream and the message (per printed match, in grep and tail).
pub fn record_of(text: &[u8]) -> Option<RecordLine<'_>> {
    let p = container_formats::prefix(text)?;
    Some(RecordLine {
        time: &text[..p.time_end],
        stream: p.stream,
        message: &text[p.message_start..],
    })
}

/// The message a `--grep` is matched against: the record's, or the whole line.
pub fn message_of(text: &[u8]) -> &[u8] {
    record_of(text).map_or(text, |r| r.message)
}

/// The last `n` records of the file's first `upto` bytes that `keep` accepts (by message),
/// oldest first, and how many joined records were cut at the line cap. `numbered`: the
/// records carry the file's own line numbers (which costs counting the lines before them).
///
/// Read from the end: a window of the file's tail, widened (×4) until it holds `n` kept
/// records or reaches the file's start, begins at a record's first line (the first line
/// after one that closes a record, `record_start_after`), and is normalised forward from
/// there exactly as the whole file would be. `tail -n 10` of a 212 MB file reads ~1 MiB.
pub fn last_records(
    path: &Path,
    format: Format,
    n: usize,
    upto: u64,
    keep: &dyn Fn(&[u8]) -> bool,
    numbered: bool,
) -> io::Result<(Vec<Shown>, u64)> {
    let mut back = FIRST_WINDOW;
    loop {
        let from = upto.saturating_sub(back);
        let start = if from == 0 {
            Some(0)
        } else {
            record_start_after(path, format, from, upto)?
        };
        if let Some(start) = start {
            let (ring, cut, kept) = records_between(path, format, n, start, upto, keep)?;
            if kept >= n || start == 0 {
                return Ok((number(path, ring, start, numbered)?, cut));
            }
        }
        back = back.saturating_mul(4);
    }
}

/// The first window read back from the end; a record is at most `MAX_LINE_BYTES` joined.
const FIRST_WINDOW: u64 = 1 << 20;

/// Whether a line leaves its record open (a CRI `P` line, a json-file `log` without its
/// `\n`): the next line continues it.
fn opens_a_run(format: Format, line: &[u8]) -> bool {
    match format {
        Format::Cri => container_formats::cri(line).is_some_and(|r| r.partial),
        Format::DockerJson => {
            container_formats::docker_record(line).is_some_and(|r| !r.log.ends_with('\n'))
        }
    }
}

/// The offset of the first line in `(from, upto)` that starts a record: the line after a
/// whole line (the first one after `from` is skipped, as it may be a line's tail) that
/// closes its record. `None` when none does before `upto` (a `P` run longer than the window).
fn record_start_after(
    path: &Path,
    format: Format,
    from: u64,
    upto: u64,
) -> io::Result<Option<u64>> {
    use std::io::{Seek, SeekFrom};
    let mut file = File::open(path)?;
    file.seek(SeekFrom::Start(from))?;
    let mut r = BufReader::with_capacity(64 * 1024, file.take(upto - from));
    let mut line = Vec::new();
    let mut at = from + r.read_until(b'\n', &mut line)? as u64;
    loop {
        line.clear();
        let k = r.read_until(b'\n', &mut line)?;
        if k == 0 || !line.ends_with(b"\n") {
            return Ok(None);
        }
        at += k as u64;
        if !opens_a_run(format, &line[..k - 1]) {
            return Ok((at < upto).then_some(at));
        }
    }
}

/// The normalised records of `[start, upto)` (`start` a record's first line): the last `n`
/// kept, numbered from 1 at `start`, the joined ones cut, and how many were kept in all.
fn records_between(
    path: &Path,
    format: Format,
    n: usize,
    start: u64,
    upto: u64,
    keep: &dyn Fn(&[u8]) -> bool,
) -> io::Result<(VecDeque<Shown>, u64, usize)> {
    use std::io::{Seek, SeekFrom};
    let mut file = File::open(path)?;
    file.seek(SeekFrom::Start(start))?;
    let capped = CappedLines::new(file.take(upto - start));
    let cut = capped.cut.clone();
    let normalized = Normalized::new(BufReader::with_capacity(256 * 1024, capped), format);
    let joined = normalized.cut.clone();
    let mut lines = BufReader::with_capacity(256 * 1024, normalized);
    let mut ring = VecDeque::with_capacity(n.min(4096));
    let (mut number, mut kept, mut line) = (0u64, 0usize, Vec::new());
    loop {
        line.clear();
        if lines.read_until(b'\n', &mut line)? == 0 {
            break;
        }
        number += 1;
        let text = line.strip_suffix(b"\n").unwrap_or(&line);
        if text.is_empty() || n == 0 || !keep(message_of(text)) {
            continue;
        }
        kept += 1;
        if ring.len() == n {
            ring.pop_front();
        }
        ring.push_back(Shown {
            number,
            text: text.to_vec(),
        });
    }
    let cut = cut.load(Ordering::Relaxed) + joined.load(Ordering::Relaxed);
    Ok((ring, cut, kept))
}

/// Window-relative numbers made the file's own: plus the lines before `start`.
fn number(
    path: &Path,
    ring: VecDeque<Shown>,
    start: u64,
    numbered: bool,
) -> io::Result<Vec<Shown>> {
    let before = if numbered && start > 0 {
        let mut r = BufReader::with_capacity(256 * 1024, File::open(path)?.take(start));
        let mut count = 0u64;
        loop {
            let buf = r.fill_buf()?;
            if buf.is_empty() {
                break;
            }
            count += memchr::memchr_iter(b'\n', buf).count() as u64;
            let k = buf.len();
            r.consume(k);
        }
        count
    } else {
        0
    };
    Ok(ring
        .into_iter()
        .map(|mut s| {
            s.number += before;
            s
        })
        .collect())
}

/// What the joining follower writes to: lines, and records by their message.
pub trait RecordSink: FollowSink {
    fn record(
        &mut self,
        path: &Path,
        line_number: Option<u64>,
        record: &RecordLine<'_>,
        timestamp: Option<i64>,
    ) -> io::Result<()>;
}

/// A follower's sink that joins container records per file before they are shown, and
/// applies `--grep` to their messages (plain files: to the line, as the follower would).
pub struct Joining<'s, S: RecordSink> {
    pub inner: &'s mut S,
    pub grep: Option<grep_regex::RegexMatcher>,
    formats: HashMap<PathBuf, Format>,
    /// Per container file: its joiner and the number of the first line of a pending record.
    state: HashMap<PathBuf, (Normalized<io::Empty>, Option<u64>)>,
}

impl<'s, S: RecordSink> Joining<'s, S> {
    pub fn new(
        inner: &'s mut S,
        grep: Option<grep_regex::RegexMatcher>,
        formats: HashMap<PathBuf, Format>,
    ) -> Joining<'s, S> {
        Joining {
            inner,
            grep,
            formats,
            state: HashMap::new(),
        }
    }

    fn kept(&self, message: &[u8]) -> bool {
        use grep_matcher::Matcher;
        self.grep
            .as_ref()
            .is_none_or(|m| m.is_match(message).unwrap_or(false))
    }
}

impl<S: RecordSink> FollowSink for Joining<'_, S> {
    fn line(
        &mut self,
        path: &Path,
        line_number: Option<u64>,
        text: &[u8],
        timestamp: Option<i64>,
    ) -> io::Result<()> {
        let Some(format) = self.formats.get(path).copied() else {
            if self.kept(text) {
                self.inner.line(path, line_number, text, timestamp)?;
            }
            return Ok(());
        };
        let (joiner, first) = self
            .state
            .entry(path.to_path_buf())
            .or_insert_with(|| (Normalized::new(io::empty(), format), None));
        let was_joining = joiner.joining();
        let done = joiner.push(text);
        let started = first.take().or(line_number);
        if joiner.joining() {
            *first = if was_joining { started } else { line_number };
        }
        for (k, line) in done.iter().enumerate() {
            // The first completed line is the pending record (from its first line on).
            let n = if k == 0 && was_joining {
                started
            } else {
                line_number
            };
            let message = message_of(line);
            if !self.kept(message) {
                continue;
            }
            match record_of(line) {
                Some(r) => {
                    let ts = crate::logs::timestamps::Parser::with_format(
                        crate::logs::timestamps::Format::Iso,
                        &crate::logs::timestamps::Clock::utc(),
                    )
                    .parse(r.time)
                    .or(timestamp);
                    self.inner.record(path, n, &r, ts)?
                }
                None => self.inner.line(path, n, line, timestamp)?,
            }
        }
        Ok(())
    }

    fn notice(&mut self, path: &Path, notice: Notice) {
        self.inner.notice(path, notice)
    }

    fn flush(&mut self) -> io::Result<()> {
        self.inner.flush()
    }

    fn reader_fd(&self) -> Option<RawFd> {
        self.inner.reader_fd()
    }
}

/// The most read back from a follow's start to find a record still open there: a `P` run
/// longer than the joined line's cap is cut anyway.
const PENDING_BACK_BYTES: u64 = crate::logs::line_cap::MAX_LINE_BYTES as u64;

/// Where the file's first `upto` bytes end in the middle of a record (a CRI `P` run, a
/// json-file `log` without its `\n`, not yet closed): the offset of the run's first line and
/// how many lines it has. A follow starts there, so the record is shown once, joined, when
/// its last part comes; `None` when the last record is complete (or the run is longer than
/// `PENDING_BACK_BYTES`).
pub fn pending_run(path: &Path, format: Format, upto: u64) -> io::Result<Option<(u64, u64)>> {
    use std::os::unix::fs::FileExt;
    let from = upto.saturating_sub(PENDING_BACK_BYTES + 1);
    let mut buf = vec![0u8; (upto - from) as usize];
    File::open(path)?.read_exact_at(&mut buf, from)?;
    let open = |line: &[u8]| opens_a_run(format, line);
    // Complete lines from the end: each ends at a '\n' (the last at `upto`).
    let body = buf.strip_suffix(b"\n").unwrap_or(&buf);
    let (mut start, mut lines) = (None, 0u64);
    let mut end = body.len();
    loop {
        let line_start = match memchr::memrchr(b'\n', &body[..end]) {
            Some(nl) => nl + 1,
            // The window's first line is whole only when the window starts the file.
            None if from == 0 => 0,
            None => return Ok(None),
        };
        if !open(&body[line_start..end]) {
            break;
        }
        start = Some(from + line_start as u64);
        lines += 1;
        if line_start == 0 {
            break;
        }
        end = line_start - 1;
    }
    Ok(start.map(|s| (s, lines)))
}
