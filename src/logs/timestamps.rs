//! Timestamps in log lines. A file's format is detected once, from its first lines, by locking
//! onto the first format that fits; after that every line is parsed with that one format, which
//! keeps per-line cost to a few comparisons. Values are Unix milliseconds (UTC).
//!
//! Formats: RFC 3339 / ISO 8601 with or without zone (anywhere in the first 64 bytes, so
//! `[2026-…]`, `level=… ts=2026-…` and JSON string fields work), common log format
//! `[27/Nov/2026:14:03:01 +0000]`, syslog `Nov 27 14:03:01` (no year: the current one, or the
//! previous one when that would be in the future), epoch seconds or milliseconds in a
//! JSON field (`ts`, `time`, `timestamp`, `@timestamp`, `t`), klog/glog's `I1130 10:00:00.000000`
//! (Kubernetes components; no year, as syslog), and epoch seconds (10 digits, optional
//! fraction) or milliseconds (13 digits) opening a line (`1795788181.120 …`, `[1795788181] …`).
//! Without a zone, local time.

use jiff::tz::TimeZone;
use std::sync::atomic::{AtomicI64, Ordering};
use std::sync::Arc;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// Docker's json-file: the record's `time`, written last (container_formats.rs).
    DockerJson,
    Iso,
    CommonLog,
    Syslog,
    JsonEpoch,
    Klog,
    LeadingEpoch,
}

const FORMATS: [Format; 7] = [
    Format::DockerJson,
    Format::Iso,
    Format::CommonLog,
    Format::Syslog,
    Format::JsonEpoch,
    Format::Klog,
    Format::LeadingEpoch,
];

/// How far into a line a timestamp may start.
const SCAN: usize = 64;

/// Parses one file's timestamps once its format is known.
#[derive(Debug, Clone)]
pub struct Parser {
    pub format: Format,
    clock: Clock,
}

/// What civil times without a zone need: the local zone, this year and now.
#[derive(Debug, Clone)]
pub struct Clock {
    tz: TimeZone,
    now_ms: i64,
    year: i32,
    /// Last local hour and its UTC offset, packed (`hour << 24 | offset + 2^23`): lines come
    /// in order, so one zone lookup serves many. One atomic so threads may share a clock.
    cached: Arc<AtomicI64>,
}

impl Clock {
    pub fn system() -> Clock {
        Clock::new(super::local_zone::system())
    }

    pub fn utc() -> Clock {
        Clock::new(TimeZone::UTC)
    }

    fn new(tz: TimeZone) -> Clock {
        let now = jiff::Timestamp::now();
        let year = now.to_zoned(tz.clone()).year() as i32;
        Clock {
            tz,
            now_ms: now.as_millisecond(),
            year,
            cached: Arc::new(AtomicI64::new(i64::MIN)),
        }
    }

    pub fn now_ms(&self) -> i64 {
        self.now_ms
    }

    pub fn this_year(&self) -> i32 {
        self.year
    }

    /// Local civil time to Unix ms.
    #[allow(clippy::too_many_arguments)]
    pub fn local_ms(
        &self,
        y: i32,
        mo: u32,
        d: u32,
        h: u32,
        mi: u32,
        s: u32,
        ms: u32,
    ) -> Option<i64> {
        let naive = civil_ms(y, mo, d, h, mi, s, ms)?;
        let key = naive.div_euclid(3_600_000);
        let packed = self.cached.load(Ordering::Relaxed);
        if packed != i64::MIN && packed >> 24 == key {
            let off = (packed & 0xFF_FFFF) - (1 << 23);
            return Some(naive - off * 1000);
        }
        let dt = jiff::civil::DateTime::new(
            i16::try_from(y).ok()?,
            mo as i8,
            d as i8,
            h as i8,
            mi as i8,
            s as i8,
            0,
        )
        .ok()?;
        let ts = self.tz.to_timestamp(dt).ok()?;
        let off = ((naive / 1000 - ms as i64 / 1000) - ts.as_second()) as i32;
        self.cached.store(
            (key << 24) | (i64::from(off) + (1 << 23)),
            Ordering::Relaxed,
        );
        Some(naive - i64::from(off) * 1000)
    }

    /// The start of the local day `days_ago` days before today, in Unix ms.
    pub fn local_midnight(&self, days_ago: i64) -> i64 {
        let z = jiff::Timestamp::from_millisecond(self.now_ms)
            .unwrap_or(jiff::Timestamp::UNIX_EPOCH)
            .to_zoned(self.tz.clone());
        let day = z.date();
        let target = day
            .checked_sub(jiff::Span::new().days(days_ago))
            .unwrap_or(day);
        target
            .to_zoned(self.tz.clone())
            .map(|z| z.timestamp().as_millisecond())
            .unwrap_or(self.now_ms)
    }
}

impl Parser {
    /// Locks onto the first format that fits one of the sample's first lines.
    pub fn detect(sample: &[u8], clock: &Clock) -> Option<Parser> {
        for line in sample.split(|b| *b == b'\n').take(100) {
            for format in FORMATS {
                let p = Parser {
                    format,
                    clock: clock.clone(),
                };
                if p.parse(line).is_some() {
                    return Some(p);
                }
            }
        }
        None
    }

    pub fn with_format(format: Format, clock: &Clock) -> Parser {
        Parser {
            format,
            clock: clock.clone(),
        }
    }

    /// The line's timestamp in Unix ms, if the line carries one in this file's format.
    pub fn parse(&self, line: &[u8]) -> Option<i64> {
        match self.format {
            Format::DockerJson => super::container_formats::docker_time_at(line)
                .and_then(|at| iso_at(line, at, &self.clock)),
            Format::Iso => find_iso(line, &self.clock),
            Format::CommonLog => common_log(line),
            Format::Syslog => syslog(line, &self.clock),
            Format::JsonEpoch => json_epoch(line),
            Format::Klog => klog(line, &self.clock),
            Format::LeadingEpoch => leading_epoch(line),
        }
    }
}

fn digits(b: &[u8], at: usize, n: usize) -> Option<u32> {
    let s = b.get(at..at + n)?;
    let mut v = 0u32;
    for &c in s {
        if !c.is_ascii_digit() {
            return None;
        }
        v = v * 10 + u32::from(c - b'0');
    }
    Some(v)
}

/// Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's algorithm).
fn days_from_civil(y: i32, m: u32, d: u32) -> i64 {
    let y = i64::from(y) - i64::from(m <= 2);
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let m = i64::from(m);
    let doy = (153 * (if m > 2 { m - 3 } else { m + 9 }) + 2) / 5 + i64::from(d) - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// A civil time read as UTC, in Unix ms; `None` when a field is out of range.
#[allow(clippy::too_many_arguments)]
pub fn civil_ms(y: i32, mo: u32, d: u32, h: u32, mi: u32, s: u32, ms: u32) -> Option<i64> {
    if !(1..=12).contains(&mo) || !(1..=31).contains(&d) || h > 23 || mi > 59 || s > 60 || ms > 999
    {
        return None;
    }
    let days = days_from_civil(y, mo, d);
    Some(
        ((days * 24 + i64::from(h)) * 60 + i64::from(mi)) * 60_000
            + i64::from(s) * 1000
            + i64::from(ms),
    )
}

fn find_iso(line: &[u8], clock: &Clock) -> Option<i64> {
    let end = line.len().min(SCAN);
    let mut i = 0;
    while i + 16 <= line.len() && i < end {
        if line[i].is_ascii_digit() && line.get(i + 4) == Some(&b'-') {
            if let Some(ms) = iso_at(line, i, clock) {
                return Some(ms);
            }
        }
        i += 1;
    }
    None
}

/// `YYYY-MM-DD[T ]HH:MM[:SS[.frac]][Z|±HH:MM|±HHMM]` at `i`.
fn iso_at(b: &[u8], i: usize, clock: &Clock) -> Option<i64> {
    if i > 0 && b[i - 1].is_ascii_digit() {
        return None;
    }
    let y = digits(b, i, 4)? as i32;
    if b.get(i + 7) != Some(&b'-') {
        return None;
    }
    let mo = digits(b, i + 5, 2)?;
    let d = digits(b, i + 8, 2)?;
    if !matches!(b.get(i + 10), Some(b'T' | b' ' | b't')) {
        return None;
    }
    let h = digits(b, i + 11, 2)?;
    if b.get(i + 13) != Some(&b':') {
        return None;
    }
    let mi = digits(b, i + 14, 2)?;
    let mut p = i + 16;
    let mut s = 0;
    let mut ms = 0;
    if b.get(p) == Some(&b':') {
        s = digits(b, p + 1, 2)?;
        p += 3;
        if matches!(b.get(p), Some(b'.' | b',')) {
            p += 1;
            let mut scale = 100;
            while let Some(c) = b.get(p).filter(|c| c.is_ascii_digit()) {
                ms += u32::from(c - b'0') * scale;
                scale /= 10;
                p += 1;
            }
        }
    }
    let utc = civil_ms(y, mo, d, h, mi, s, ms)?;
    match b.get(p) {
        Some(b'Z' | b'z') => Some(utc),
        Some(sign @ (b'+' | b'-')) => {
            let oh = digits(b, p + 1, 2)?;
            let om = if b.get(p + 3) == Some(&b':') {
                digits(b, p + 4, 2)?
            } else {
                digits(b, p + 3, 2).unwrap_or(0)
            };
            let off = i64::from(oh * 60 + om) * 60_000;
            Some(if *sign == b'+' { utc - off } else { utc + off })
        }
        _ if b[p..].starts_with(b" UTC") || b[p..].starts_with(b" GMT") => Some(utc),
        _ => clock.local_ms(y, mo, d, h, mi, s, ms),
    }
}

fn month(b: &[u8]) -> Option<u32> {
    const MONTHS: [&[u8; 3]; 12] = [
        b"Jan", b"Feb", b"Mar", b"Apr", b"May", b"Jun", b"Jul", b"Aug", b"Sep", b"Oct", b"Nov",
        b"Dec",
    ];
    let m = b.get(..3)?;
    MONTHS
        .iter()
        .position(|x| x[..] == *m)
        .map(|i| i as u32 + 1)
}

/// `[27/Nov/2026:14:03:01 +0000]`, after the first `[` of the line.
fn common_log(line: &[u8]) -> Option<i64> {
    let head = &line[..line.len().min(128)];
    let i = memchr::memchr(b'[', head)? + 1;
    let d = digits(line, i, 2)?;
    if line.get(i + 2) != Some(&b'/') || line.get(i + 6) != Some(&b'/') {
        return None;
    }
    let mo = month(line.get(i + 3..)?)?;
    let y = digits(line, i + 7, 4)? as i32;
    let h = digits(line, i + 12, 2)?;
    let mi = digits(line, i + 15, 2)?;
    let s = digits(line, i + 18, 2)?;
    let utc = civil_ms(y, mo, d, h, mi, s, 0)?;
    let sign = *line.get(i + 21)?;
    let oh = digits(line, i + 22, 2)?;
    let om = digits(line, i + 24, 2)?;
    let off = i64::from(oh * 60 + om) * 60_000;
    match sign {
        b'+' => Some(utc - off),
        b'-' => Some(utc + off),
        _ => None,
    }
}

/// `Nov 27 14:03:01` (day may be space-padded) at the start, or after a `<PRI>`.
fn syslog(line: &[u8], clock: &Clock) -> Option<i64> {
    let mut i = 0;
    if line.first() == Some(&b'<') {
        i = memchr::memchr(b'>', &line[..line.len().min(6)])? + 1;
    }
    let mo = month(line.get(i..)?)?;
    if line.get(i + 3) != Some(&b' ') {
        return None;
    }
    let d = if line.get(i + 4) == Some(&b' ') {
        digits(line, i + 5, 1)?
    } else {
        digits(line, i + 4, 2)?
    };
    if line.get(i + 6) != Some(&b' ') || line.get(i + 9) != Some(&b':') {
        return None;
    }
    let h = digits(line, i + 7, 2)?;
    let mi = digits(line, i + 10, 2)?;
    let s = digits(line, i + 13, 2)?;
    let mut ms = 0;
    if line.get(i + 15) == Some(&b'.') {
        ms = digits(line, i + 16, 3).unwrap_or(0);
    }
    without_year(clock, mo, d, h, mi, s, ms)
}

/// A civil time without a year (syslog, klog): this year's, or last year's when this year's
/// would be after tomorrow.
#[allow(clippy::too_many_arguments)]
fn without_year(clock: &Clock, mo: u32, d: u32, h: u32, mi: u32, s: u32, ms: u32) -> Option<i64> {
    let t = clock.local_ms(clock.year, mo, d, h, mi, s, ms)?;
    if t > clock.now_ms + 86_400_000 {
        clock.local_ms(clock.year - 1, mo, d, h, mi, s, ms)
    } else {
        Some(t)
    }
}

/// klog/glog: `Lmmdd hh:mm:ss.uuuuuu threadid file:line] msg`, L one of I W E F.
fn klog(line: &[u8], clock: &Clock) -> Option<i64> {
    if !matches!(line.first(), Some(b'I' | b'W' | b'E' | b'F')) {
        return None;
    }
    let mo = digits(line, 1, 2)?;
    let d = digits(line, 3, 2)?;
    if line.get(5) != Some(&b' ') || line.get(8) != Some(&b':') || line.get(11) != Some(&b':') {
        return None;
    }
    let h = digits(line, 6, 2)?;
    let mi = digits(line, 9, 2)?;
    let s = digits(line, 12, 2)?;
    let ms = if line.get(14) == Some(&b'.') {
        digits(line, 15, 3)?
    } else {
        0
    };
    without_year(clock, mo, d, h, mi, s, ms)
}

/// Epoch seconds (10 digits, optional `.fraction`) or milliseconds (13 digits) opening the
/// line, bare or in `[…]`. Exactly those lengths: other leading numbers (pids, counters,
/// dmesg's seconds since boot) are not times.
fn leading_epoch(line: &[u8]) -> Option<i64> {
    let at = usize::from(line.first() == Some(&b'['));
    let n = line[at..].iter().take_while(|c| c.is_ascii_digit()).count();
    let value: i64 = std::str::from_utf8(&line[at..at + n]).ok()?.parse().ok()?;
    let after = line.get(at + n).copied();
    let mut frac_ms = 0;
    if after == Some(b'.') {
        let f = &line[at + n + 1..];
        let k = f.iter().take_while(|c| c.is_ascii_digit()).count();
        if k == 0 {
            return None;
        }
        for (i, c) in f[..k.min(3)].iter().enumerate() {
            frac_ms += i64::from(c - b'0') * [100, 10, 1][i];
        }
        if f.get(k).is_some_and(|c| c.is_ascii_alphanumeric()) {
            return None;
        }
    } else if after.is_some_and(|c| c.is_ascii_alphanumeric()) {
        return None;
    }
    match n {
        10 => Some(value * 1000 + frac_ms),
        13 if after != Some(b'.') => Some(value),
        _ => None,
    }
}

/// Epoch seconds or milliseconds in a JSON line's time field.
fn json_epoch(line: &[u8]) -> Option<i64> {
    let start = line.iter().position(|b| !b.is_ascii_whitespace())?;
    if line[start] != b'{' {
        return None;
    }
    for key in [
        &b"\"ts\""[..],
        b"\"time\"",
        b"\"timestamp\"",
        b"\"@timestamp\"",
        b"\"t\"",
    ] {
        let Some(k) = memchr::memmem::find(line, key) else {
            continue;
        };
        let mut p = k + key.len();
        while matches!(line.get(p), Some(b' ' | b':')) {
            p += 1;
        }
        let num_start = p;
        while matches!(line.get(p), Some(c) if c.is_ascii_digit()) {
            p += 1;
        }
        if p == num_start {
            continue;
        }
        let whole: i64 = std::str::from_utf8(&line[num_start..p])
            .ok()?
            .parse()
            .ok()?;
        let mut frac_ms = 0;
        if line.get(p) == Some(&b'.') {
            frac_ms = digits(line, p + 1, 3).map(i64::from).unwrap_or(0);
        }
        return Some(match whole {
            w if w < 100_000_000_000 => w * 1000 + frac_ms, // seconds
            w if w < 100_000_000_000_000 => w,              // milliseconds
            w if w < 100_000_000_000_000_000 => w / 1000,   // microseconds
            w => w / 1_000_000,                             // nanoseconds
        });
    }
    None
}

/// RFC 3339 in UTC, always with milliseconds (one fixed width is easier to sort and parse).
pub fn rfc3339(ms: i64) -> String {
    match jiff::Timestamp::from_millisecond(ms) {
        Ok(t) => t.strftime("%Y-%m-%dT%H:%M:%S%.3fZ").to_string(),
        Err(_) => String::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn utc(line: &str) -> Option<i64> {
        let clock = Clock::utc();
        Parser::detect(line.as_bytes(), &clock).and_then(|p| p.parse(line.as_bytes()))
    }

    const T: i64 = 1_795_788_181_000; // 2026-11-27T14:03:01Z

    #[test]
    fn formats() {
        assert_eq!(utc("2026-11-27T14:03:01Z INFO x"), Some(T));
        assert_eq!(utc("2026-11-27T16:03:01+02:00 x"), Some(T));
        assert_eq!(utc("2026-11-27 14:03:01.250 x"), Some(T + 250));
        assert_eq!(utc("[2026-11-27T14:03:01Z] x"), Some(T));
        assert_eq!(
            utc("127.0.0.1 - - [27/Nov/2026:15:03:01 +0100] \"GET / HTTP/1.1\" 200"),
            Some(T)
        );
        assert_eq!(utc("{\"ts\":1795788181,\"msg\":\"x\"}"), Some(T));
        assert_eq!(utc("{\"time\": 1795788181000}"), Some(T));
        assert_eq!(utc("{\"time\":\"2026-11-27T14:03:01Z\"}"), Some(T));
        assert_eq!(utc("no time here"), None);
        assert_eq!(utc("1795788181 GET / 200"), Some(T));
        assert_eq!(utc("1795788181.250 TCP_MISS/200"), Some(T + 250));
        assert_eq!(utc("[1795788181] x"), Some(T));
        assert_eq!(utc("1795788181000 x"), Some(T));
        // Not epochs: dmesg's uptime, a pid, a longer or glued number.
        assert_eq!(utc("[12345.678901] usb 1-1: new device"), None);
        assert_eq!(utc("4242 worker started"), None);
        assert_eq!(utc("17957881810 x"), None);
        assert_eq!(utc("1795788181abc x"), None);
    }

    #[test]
    fn klog_has_no_year() {
        let clock = Clock::utc();
        let line = b"I1127 14:03:01.250000   12345 controller.go:42] synced";
        let p = Parser::detect(line, &clock).expect("klog detected");
        assert_eq!(p.format, Format::Klog);
        let t = p.parse(line).unwrap();
        assert!(t <= clock.now_ms() + 86_400_000);
        assert_eq!(rfc3339(t).get(4..), Some("-11-27T14:03:01.250Z"));
        assert!(p
            .parse(b"E0230 10:00:00.000000 1 x.go:1] bad date")
            .is_none());
        assert!(p.parse(b"X1127 14:03:01.250000 1 x.go:1]").is_none());
    }

    #[test]
    fn syslog_has_no_year() {
        let clock = Clock::utc();
        let p = Parser::with_format(Format::Syslog, &clock);
        let t = p.parse(b"Nov  7 14:03:01 host app[1]: x").unwrap();
        assert!(t <= clock.now_ms() + 86_400_000);
        assert!(p.parse(b"Foo  7 14:03:01 host").is_none());
    }

    #[test]
    fn civil_matches_known_dates() {
        assert_eq!(civil_ms(1970, 1, 1, 0, 0, 0, 0), Some(0));
        assert_eq!(civil_ms(2026, 11, 27, 14, 3, 1, 0), Some(T));
        assert_eq!(rfc3339(T), "2026-11-27T14:03:01.000Z");
        assert_eq!(rfc3339(T + 5), "2026-11-27T14:03:01.005Z");
    }
}
