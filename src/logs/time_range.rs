//! `--since` / `--until`: reading the bounds people type, and finding where they fall in a log.
//!
//! Logs are appended in time order, so a plain file's start and end offsets are found by binary
//! search over byte offsets (a probe reads a few KiB with `pread` where it lands mid-line and
//! steps to the next line with a timestamp), never by a scan. Compressed streams cannot seek:
//! `WindowReader` skips lines until the start and stops at the end. A line without a timestamp
//! belongs to the line before it.

use crate::duration;
use crate::logs::timestamps::{Clock, Format, Parser};
use std::borrow::Cow;
use std::fs::File;
use std::io::{self, BufRead, Read};
use std::os::unix::fs::FileExt;

/// A half-open window [since, until) in Unix ms.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct TimeRange {
    pub since: Option<i64>,
    pub until: Option<i64>,
}

impl TimeRange {
    pub fn is_open(&self) -> bool {
        self.since.is_none() && self.until.is_none()
    }

    pub fn contains(&self, t: i64) -> bool {
        self.since.is_none_or(|s| t >= s) && self.until.is_none_or(|u| t < u)
    }
}

/// `2026-11-27T14:00:00Z`, `2026-11-27 14:00`, `2026-11-27`, `30m`, `2h`, `1d`, `now`,
/// `today`, `yesterday`, and journalctl's relative forms (`-1h`, `+5min`, `1 hour ago`,
/// `5 min ago`, `tomorrow`), so a command copied from a runbook works.
pub fn parse_time(text: &str, clock: &Clock) -> Result<i64, String> {
    let t = text.trim();
    match t {
        "now" => return Ok(clock.now_ms()),
        "today" => return Ok(clock.local_midnight(0)),
        "yesterday" => return Ok(clock.local_midnight(1)),
        "tomorrow" => return Ok(clock.local_midnight(-1)),
        _ => {}
    }
    if let Some(ms) = relative(t) {
        return Ok(clock.now_ms().saturating_add(ms));
    }
    if let Some(ms) = epoch(t) {
        return Ok(ms);
    }
    if let Ok(d) = duration::parse(t) {
        return Ok(clock.now_ms() - d.as_millis() as i64);
    }
    let b = t.as_bytes();
    if b.len() == 10 && b[4] == b'-' && b[7] == b'-' {
        let num = |r: std::ops::Range<usize>| t.get(r).and_then(|s| s.parse::<u32>().ok());
        if let (Some(y), Some(m), Some(d)) = (num(0..4), num(5..7), num(8..10)) {
            if let Some(ms) = clock.local_ms(y as i32, m, d, 0, 0, 0, 0) {
                return Ok(ms);
            }
        }
    }
    if let Some(ms) = Parser::with_format(Format::Iso, clock).parse(b) {
        if b.first().is_some_and(u8::is_ascii_digit) {
            return Ok(ms);
        }
    }
    Err(format!(
        "'{text}' is not a time (write 2026-11-27T14:00:00Z, '2026-11-27 14:00', 30m, 2h, yesterday, \
         or epoch seconds @1795788181)"
    ))
}

/// systemd's relative times (`parse_timestamp`): `-SPAN` and `SPAN ago` are in the past,
/// `+SPAN` in the future; a span is numbers with units, spaces allowed (`1h 30min`,
/// `2 hours`). The offset from now in ms. Plain `30m` stays ours (handled by the caller as a
/// duration ago); this takes only the signed and `ago` forms.
fn relative(t: &str) -> Option<i64> {
    let (sign, span) = if let Some(r) = t.strip_prefix('-') {
        (-1, r)
    } else if let Some(r) = t.strip_prefix('+') {
        (1, r)
    } else if let Some(r) = t.strip_suffix("ago") {
        (-1, r.trim_end())
    } else {
        return None;
    };
    Some(sign * systemd_span_ms(span.trim())?)
}

/// A systemd time span (`man systemd.time`) in ms: `1h30min`, `2 hours 5 s`, `90`
/// (seconds), bounded to about 31 years as our durations are.
fn systemd_span_ms(span: &str) -> Option<i64> {
    let mut rest = span;
    let mut total: f64 = 0.0;
    let mut any = false;
    while !rest.is_empty() {
        let num_len = rest
            .find(|c: char| !(c.is_ascii_digit() || c == '.'))
            .unwrap_or(rest.len());
        if num_len == 0 {
            return None;
        }
        let value: f64 = rest[..num_len].parse().ok()?;
        rest = rest[num_len..].trim_start();
        let unit_len = rest
            .find(|c: char| !c.is_ascii_alphabetic())
            .unwrap_or(rest.len());
        let secs = match &rest[..unit_len] {
            "" | "s" | "sec" | "second" | "seconds" => 1.0,
            "us" | "usec" | "µs" => 1e-6,
            "ms" | "msec" => 1e-3,
            "m" | "min" | "minute" | "minutes" => 60.0,
            "h" | "hr" | "hour" | "hours" => 3600.0,
            "d" | "day" | "days" => 86400.0,
            "w" | "week" | "weeks" => 7.0 * 86400.0,
            "M" | "month" | "months" => 30.44 * 86400.0,
            "y" | "year" | "years" => 365.25 * 86400.0,
            _ => return None,
        };
        total += value * secs;
        any = true;
        rest = rest[unit_len..].trim_start();
    }
    (any && total.is_finite() && total <= 1e9).then_some((total * 1000.0) as i64)
}

/// Epoch time as `date -d @N` reads it (`@1795788181`, `@1795788181.5`), or bare epoch
/// seconds (10 digits) or milliseconds (13): a bare shorter number is a duration ("3600" is
/// an hour ago), and one this long could not be (over 31 years).
fn epoch(t: &str) -> Option<i64> {
    let (marked, num) = match t.strip_prefix('@') {
        Some(n) => (true, n),
        None => (false, t),
    };
    let (whole, frac) = num.split_once('.').unwrap_or((num, ""));
    if whole.is_empty()
        || !whole.bytes().all(|c| c.is_ascii_digit())
        || !frac.bytes().all(|c| c.is_ascii_digit())
        || (num.contains('.') && frac.is_empty())
    {
        return None;
    }
    let value: i64 = whole.parse().ok()?;
    let frac_ms: i64 = frac
        .bytes()
        .take(3)
        .zip([100, 10, 1])
        .map(|(c, m)| i64::from(c - b'0') * m)
        .sum();
    match (marked, whole.len()) {
        (true, _) | (false, 10) => value.checked_mul(1000)?.checked_add(frac_ms),
        (false, 13) if frac.is_empty() => Some(value),
        _ => None,
    }
}

/// How far a probe may walk to find a line with a timestamp before giving up.
const PROBE_LIMIT: usize = 1 << 20;
/// The first read of a probe; most lines carry a timestamp, so one read usually does.
const PROBE_FIRST_READ: usize = 16 * 1024;

/// Bytes that can be read at any offset: a slice in memory, or a plain file read with
/// `pread` — not mapped, so a log truncated under us (copytruncate) ends the search
/// early instead of faulting the process with SIGBUS.
pub trait Haystack {
    fn size(&self) -> u64;
    /// Up to `max` bytes from `at` (fewer at the end, or when the file shrank).
    fn bytes_at(&self, at: u64, max: usize) -> io::Result<Cow<'_, [u8]>>;
}

impl Haystack for [u8] {
    fn size(&self) -> u64 {
        <[u8]>::len(self) as u64
    }

    fn bytes_at(&self, at: u64, max: usize) -> io::Result<Cow<'_, [u8]>> {
        let at = (at as usize).min(<[u8]>::len(self));
        let end = at.saturating_add(max).min(<[u8]>::len(self));
        Ok(Cow::Borrowed(&self[at..end]))
    }
}

/// A plain file of the length it had when the search began.
pub struct FileHay<'a> {
    pub file: &'a File,
    pub len: u64,
}

impl Haystack for FileHay<'_> {
    fn size(&self) -> u64 {
        self.len
    }

    fn bytes_at(&self, at: u64, max: usize) -> io::Result<Cow<'_, [u8]>> {
        let want = (self.len.saturating_sub(at)).min(max as u64) as usize;
        let mut buf = vec![0u8; want];
        let mut got = 0;
        while got < want {
            match self.file.read_at(&mut buf[got..], at + got as u64) {
                Ok(0) => break, // truncated meanwhile: what is left is all there is
                Ok(n) => got += n,
                Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                Err(e) => return Err(e),
            }
        }
        buf.truncate(got);
        Ok(Cow::Owned(buf))
    }
}

/// A line found by a probe: where it starts, where the next one starts, and its time.
struct Probed {
    start: u64,
    next: u64,
    time: i64,
}

/// The first line start at or after `pos` whose line carries a timestamp. Reads a little
/// and more only when needed; a line cut by the end of a read is not judged until it is
/// whole (or the haystack ends).
fn probe<H: Haystack + ?Sized>(hay: &H, pos: u64, parser: &Parser) -> io::Result<Option<Probed>> {
    let base = pos.saturating_sub(1);
    let mut want = PROBE_FIRST_READ;
    loop {
        let chunk = hay.bytes_at(base, want)?;
        let at_end = base + chunk.len() as u64 >= hay.size() || chunk.len() < want;
        let mut start = if pos == 0 {
            0
        } else {
            match memchr::memchr(b'\n', &chunk) {
                Some(i) => i + 1,
                None if at_end || want >= PROBE_LIMIT * 2 => return Ok(None),
                None => {
                    want *= 2;
                    continue;
                }
            }
        };
        let first_start = start;
        while start < chunk.len() {
            let Some(end) = memchr::memchr(b'\n', &chunk[start..]).map(|i| start + i) else {
                if at_end {
                    return Ok(parser.parse(&chunk[start..]).map(|time| Probed {
                        start: base + start as u64,
                        next: base + chunk.len() as u64,
                        time,
                    }));
                }
                break; // a line cut by this read: read more
            };
            if let Some(time) = parser.parse(&chunk[start..end]) {
                return Ok(Some(Probed {
                    start: base + start as u64,
                    next: base + end as u64 + 1,
                    time,
                }));
            }
            start = end + 1;
        }
        if at_end || start - first_start >= PROBE_LIMIT || want >= PROBE_LIMIT * 2 {
            return Ok(None);
        }
        want *= 2;
    }
}

/// The offset of the first line whose (inherited) time is at or after `target`;
/// the haystack's length when there is none.
pub fn first_at_or_after<H: Haystack + ?Sized>(
    hay: &H,
    target: i64,
    parser: &Parser,
) -> io::Result<u64> {
    let (mut lo, mut hi) = (0u64, hay.size());
    // Invariant: every timestamped line starting before `lo` is earlier than target.
    while hi - lo > 64 * 1024 {
        let mid = lo + (hi - lo) / 2;
        match probe(hay, mid, parser)? {
            Some(p) if p.time < target && p.start < hi => lo = p.start,
            _ => hi = mid,
        }
    }
    // Finish with a short scan from `lo`.
    let mut pos = lo;
    loop {
        match probe(hay, pos, parser)? {
            Some(p) if p.time < target => {
                pos = p.next;
                if pos >= hay.size() {
                    return Ok(hay.size());
                }
            }
            Some(p) => return Ok(p.start),
            None => return Ok(hay.size()),
        }
    }
}

/// The byte range of a plain file's contents that lies in `range`.
pub fn hay_range<H: Haystack + ?Sized>(
    hay: &H,
    range: &TimeRange,
    parser: &Parser,
) -> io::Result<std::ops::Range<u64>> {
    let start = match range.since {
        Some(s) => first_at_or_after(hay, s, parser)?,
        None => 0,
    };
    let end = match range.until {
        Some(u) => first_at_or_after(hay, u, parser)?,
        None => hay.size(),
    }
    .max(start);
    Ok(start..end)
}

/// `hay_range` over bytes in memory.
pub fn slice_range(hay: &[u8], range: &TimeRange, parser: &Parser) -> std::ops::Range<usize> {
    // Reading a slice cannot fail.
    let r = hay_range(hay, range, parser).unwrap_or(0..0);
    r.start as usize..r.end as usize
}

/// Streams only the lines of a (decompressed) log that lie in the window; counts the lines
/// skipped before it so line numbers stay those of the file.
pub struct WindowReader<R> {
    inner: R,
    parser: Parser,
    range: TimeRange,
    line: Vec<u8>,
    line_pos: usize,
    started: bool,
    done: bool,
    pub skipped_lines: u64,
}

impl<R: BufRead> WindowReader<R> {
    pub fn new(inner: R, parser: Parser, range: TimeRange) -> WindowReader<R> {
        WindowReader {
            inner,
            parser,
            range,
            line: Vec::new(),
            line_pos: 0,
            started: range.since.is_none(),
            done: false,
            skipped_lines: 0,
        }
    }

    /// Loads the next line into `self.line`; false at the end of the window.
    fn next_line(&mut self) -> io::Result<bool> {
        loop {
            self.line.clear();
            self.line_pos = 0;
            if self.inner.read_until(b'\n', &mut self.line)? == 0 {
                return Ok(false);
            }
            let t = self.parser.parse(&self.line);
            if !self.started {
                match t {
                    Some(t) if self.range.since.is_none_or(|s| t >= s) => self.started = true,
                    _ => {
                        self.skipped_lines += 1;
                        continue;
                    }
                }
            }
            if let (Some(t), Some(u)) = (t, self.range.until) {
                if t >= u {
                    return Ok(false);
                }
            }
            return Ok(true);
        }
    }
}

impl<R: BufRead> Read for WindowReader<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        if self.done {
            return Ok(0);
        }
        // Past the start with no end bound: hand the stream through untouched (fast path).
        if self.started && self.range.until.is_none() && self.line_pos >= self.line.len() {
            return self.inner.read(buf);
        }
        if self.line_pos >= self.line.len() && !self.next_line()? {
            self.done = true;
            return Ok(0);
        }
        let n = (self.line.len() - self.line_pos).min(buf.len());
        buf[..n].copy_from_slice(&self.line[self.line_pos..self.line_pos + n]);
        self.line_pos += n;
        Ok(n)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn log(n: i64) -> (Vec<u8>, Parser) {
        let clock = Clock::utc();
        let mut s = String::new();
        for i in 0..n {
            let t = 1_795_788_181_000 + i * 1000;
            s.push_str(&crate::logs::timestamps::rfc3339(t));
            s.push_str(&format!(" INFO line {i}\n"));
            if i % 7 == 0 {
                s.push_str("  continuation without time\n");
            }
        }
        (s.into_bytes(), Parser::with_format(Format::Iso, &clock))
    }

    #[test]
    fn journalctl_relative_forms_are_read() {
        let clock = Clock::utc();
        let now = clock.now_ms();
        assert_eq!(parse_time("-1h", &clock), Ok(now - 3_600_000));
        assert_eq!(parse_time("+5min", &clock), Ok(now + 300_000));
        assert_eq!(parse_time("1 hour ago", &clock), Ok(now - 3_600_000));
        assert_eq!(parse_time("5 min ago", &clock), Ok(now - 300_000));
        assert_eq!(parse_time("1h 30min ago", &clock), Ok(now - 5_400_000));
        assert_eq!(parse_time("-2 days", &clock), Ok(now - 172_800_000));
        assert_eq!(
            parse_time("tomorrow", &clock),
            Ok(clock.local_midnight(0) + 86_400_000)
        );
        assert!(parse_time("ago", &clock).is_err());
        assert!(parse_time("-1 fortnight", &clock).is_err());
        assert!(parse_time("-99999999h", &clock).is_err());
    }

    #[test]
    fn epoch_bounds_as_date_reads_them() {
        let clock = Clock::utc();
        let t = 1_795_788_181_000;
        assert_eq!(parse_time("@1795788181", &clock), Ok(t));
        assert_eq!(parse_time("@1795788181.25", &clock), Ok(t + 250));
        assert_eq!(parse_time("1795788181", &clock), Ok(t));
        assert_eq!(parse_time("1795788181000", &clock), Ok(t));
        // A short bare number is still "that many seconds ago".
        assert_eq!(parse_time("3600", &clock), Ok(clock.now_ms() - 3_600_000));
        assert!(parse_time("@", &clock).is_err());
        assert!(parse_time("@12x", &clock).is_err());
        assert!(parse_time("17957881810", &clock).is_err());
    }

    #[test]
    fn binary_search_finds_the_same_lines_as_a_scan() {
        let (hay, p) = log(20_000);
        for k in [0i64, 1, 6, 7, 8, 5000, 19_999, 20_000, 30_000] {
            let target = 1_795_788_181_000 + k * 1000;
            let at = first_at_or_after(&hay[..], target, &p).unwrap() as usize;
            let scan = hay
                .split_inclusive(|b| *b == b'\n')
                .scan(0usize, |off, l| {
                    let s = *off;
                    *off += l.len();
                    Some((s, l))
                })
                .find(|(_, l)| p.parse(l).is_some_and(|t| t >= target))
                .map_or(hay.len(), |(s, _)| s);
            assert_eq!(at, scan, "k={k}");
        }
    }

    #[test]
    fn a_file_read_with_pread_gives_the_same_offsets_as_memory() {
        use std::io::Write;
        let (hay, p) = log(50_000);
        let mut f = tempfile::tempfile().unwrap();
        f.write_all(&hay).unwrap();
        let file = FileHay {
            file: &f,
            len: hay.len() as u64,
        };
        for k in [0i64, 7, 12_345, 49_999, 60_000] {
            let target = 1_795_788_181_000 + k * 1000;
            assert_eq!(
                first_at_or_after(&file, target, &p).unwrap(),
                first_at_or_after(&hay[..], target, &p).unwrap(),
                "k={k}"
            );
        }
        // Truncated after its length was taken: offsets stay within what was there, no
        // panic, no error.
        f.set_len(1000).unwrap();
        let r = hay_range(
            &file,
            &TimeRange {
                since: Some(1_795_788_181_000 + 30_000_000),
                until: None,
            },
            &p,
        )
        .unwrap();
        assert!(r.start <= r.end && r.end <= hay.len() as u64, "{r:?}");
    }

    #[test]
    fn window_reader_matches_slice_range() {
        let (hay, p) = log(3000);
        let range = TimeRange {
            since: Some(1_795_788_181_000 + 700_000),
            until: Some(1_795_788_181_000 + 1_400_000),
        };
        let r = slice_range(&hay, &range, &p);
        let mut w = WindowReader::new(&hay[..], p, range);
        let mut got = Vec::new();
        w.read_to_end(&mut got).unwrap();
        assert_eq!(got, &hay[r]);
    }

    #[test]
    fn relative_and_absolute() {
        let c = Clock::utc();
        assert_eq!(parse_time("2h", &c).unwrap(), c.now_ms() - 7_200_000);
        assert_eq!(
            parse_time("2026-11-27T14:03:01Z", &c).unwrap(),
            1_795_788_181_000
        );
        assert_eq!(
            parse_time("2026-11-27 14:03", &c).unwrap(),
            1_795_788_180_000
        );
        assert!(parse_time("soon", &c).is_err());
    }
}
