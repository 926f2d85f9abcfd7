//! Searching one log source with ripgrep's searcher: memory-mapped (`mapped.rs`, safe against
//! truncation) or buffered reads, the
//! regex run over whole buffers (no per-line allocation), binary detection off so that NUL
//! bytes never make a log "binary" and skipped. Lines go to a `LineSink`; this module never
//! formats or prints.

use crate::logs::capped_reader::CappedLines;
use crate::logs::container_formats::{self, Format};
use crate::logs::container_stream::Normalized;
use crate::logs::cri_direct::{self, CriDirect};
use crate::logs::levels;
use crate::logs::line_cap::MAX_LINE_BYTES;
use crate::logs::mapped::MappedLog;
use crate::logs::matcher::{FilteredMatcher, LineFilter, PatternSpec};
use crate::logs::message_matcher::MessageMatcher;
use crate::logs::sources::{Compression, Source};
use crate::logs::time_range::{self, FileHay, TimeRange, WindowReader};
use crate::logs::timestamps::{self, Clock, Parser};
use grep_matcher::Matcher;
use grep_regex::RegexMatcher;
use grep_searcher::{
    BinaryDetection, Searcher, SearcherBuilder, Sink, SinkContext, SinkContextKind, SinkMatch,
};
use std::fs::File;
use std::io::{self, BufReader, Read, Seek, SeekFrom};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::SystemTime;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    /// Matching lines (and context) go to the sink.
    Lines,
    /// Only counts.
    Count,
    /// Stop at the first match: only whether the file matches.
    FilesWithMatches,
}

#[derive(Debug, Clone)]
pub struct GrepOptions {
    pub patterns: PatternSpec,
    pub filter: LineFilter,
    pub invert: bool,
    pub before: usize,
    pub after: usize,
    pub max_count: Option<u64>,
    pub mode: Mode,
    /// Number the lines (Mode::Lines only): a count of every byte before each match.
    pub line_numbers: bool,
    pub range: TimeRange,
    /// Parse each printed line's timestamp (for JSON output).
    pub timestamps: bool,
}

impl GrepOptions {
    /// Whether printed lines carry their numbers.
    pub fn numbered(&self) -> bool {
        self.mode == Mode::Lines && self.line_numbers
    }

    /// Lines at `level` or worse within `range`, with their timestamps: what `logs top` and
    /// triage's error-burst scan read (the level words prefilter, `levels::detect` decides).
    pub fn at_level(level: levels::Level, range: TimeRange) -> GrepOptions {
        GrepOptions {
            patterns: PatternSpec {
                patterns: vec![levels::PREFILTER.to_string()],
                ..PatternSpec::default()
            },
            filter: LineFilter {
                level: Some(level),
                fields: Vec::new(),
            },
            invert: false,
            before: 0,
            after: 0,
            max_count: None,
            mode: Mode::Lines,
            line_numbers: true,
            range,
            timestamps: true,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LineKind {
    Match,
    Context,
}

/// Where matching lines go (a renderer, a counter, a signature table …).
pub trait LineSink {
    /// `text` has no line terminator. Return false to stop searching this source.
    fn line(
        &mut self,
        kind: LineKind,
        line_number: Option<u64>,
        text: &[u8],
        timestamp: Option<i64>,
    ) -> io::Result<bool>;
    /// A container log record (CRI, Docker json-file): its time as written, its stream and
    /// its message (joined when the runtime split it). By default the message is the line.
    fn record(
        &mut self,
        kind: LineKind,
        line_number: Option<u64>,
        record: &RecordLine<'_>,
        timestamp: Option<i64>,
    ) -> io::Result<bool> {
        self.line(kind, line_number, record.message, timestamp)
    }
    /// A gap between two groups of context.
    fn context_break(&mut self) -> io::Result<()> {
        Ok(())
    }
    /// False for a sink that only counts: a container record's time and stream are then not
    /// worked out per match.
    fn wants_lines(&self) -> bool {
        true
    }
}

/// One container record as the sink gets it.
#[derive(Debug, Clone, Copy)]
pub struct RecordLine<'a> {
    pub time: &'a [u8],
    pub stream: &'a str,
    pub message: &'a [u8],
}

/// A sink that keeps nothing (count and -l modes).
pub struct Discard;
impl LineSink for Discard {
    fn line(&mut self, _: LineKind, _: Option<u64>, _: &[u8], _: Option<i64>) -> io::Result<bool> {
        Ok(true)
    }
    fn wants_lines(&self) -> bool {
        false
    }
}

/// What one source yielded.
#[derive(Debug, Clone, Default)]
pub struct SourceResult {
    pub matched_lines: u64,
    /// With several patterns in count mode: matching lines per pattern.
    pub per_pattern: Vec<u64>,
    /// `--since/--until` given but no timestamp format recognised: the whole file was searched.
    pub no_timestamps: bool,
    /// Skipped whole: its times lie outside the window.
    pub outside_range: bool,
    /// The file was cut short while it was searched (copytruncate): only its bytes before
    /// this offset were searched.
    pub truncated_at: Option<u64>,
    /// Lines longer than `MAX_LINE_BYTES`, cut there: the rest of each was neither searched
    /// (streams) nor printed.
    pub lines_cut: u64,
}

/// A compiled search, shared by all sources (a clone has regex caches of its own).
#[derive(Clone)]
pub struct Grep {
    pub opts: GrepOptions,
    pub matcher: FilteredMatcher,
    /// The same, over a container record's message only (container_formats.rs).
    messages: MessageMatcher,
    /// Record times are RFC 3339 in both formats.
    iso: Parser,
    each: Vec<RegexMatcher>,
    pub clock: Clock,
}

/// Smaller files are read: mapping and unmapping costs more than copying a few pages.
const MAP_FROM_BYTES: u64 = 1 << 20;

impl Grep {
    pub fn new(opts: GrepOptions, clock: Clock) -> Result<Grep, String> {
        let inner = opts.patterns.build()?;
        let each = if opts.mode == Mode::Count && opts.patterns.patterns.len() > 1 && !opts.invert {
            opts.patterns.build_each()?
        } else {
            Vec::new()
        };
        let matcher = FilteredMatcher {
            inner,
            filter: opts.filter.clone(),
            invert: opts.invert,
        };
        Ok(Grep {
            messages: MessageMatcher::new(matcher.clone(), &opts.patterns),
            iso: Parser::with_format(timestamps::Format::Iso, &clock),
            matcher,
            each,
            opts,
            clock,
        })
    }

    /// A plain file opened at the first line of a time range, and how many bytes the range
    /// holds. Such files are being written right now (`--since 15m`) and logrotate may
    /// copytruncate them under us: read with pread, never mapped. In lines mode the lines
    /// before the range are counted, so line numbers stay the file's own.
    fn open_in_range(
        &self,
        path: &std::path::Path,
        parser: &Parser,
        range: &TimeRange,
        line_offset: &AtomicU64,
    ) -> io::Result<(File, u64)> {
        let mut file = File::open(path)?;
        let hay = FileHay {
            len: file.metadata()?.len(),
            file: &file,
        };
        let r = time_range::hay_range(&hay, range, parser)?;
        if self.opts.numbered() {
            line_offset.store(count_lines_before(&file, r.start)?, Ordering::Relaxed);
        }
        file.seek(SeekFrom::Start(r.start))?;
        Ok((file, r.end - r.start))
    }

    fn searcher(&self) -> Searcher {
        let mut b = SearcherBuilder::new();
        b.binary_detection(BinaryDetection::none())
            .line_number(self.opts.numbered())
            .invert_match(self.opts.invert)
            .max_matches(if self.opts.mode == Mode::FilesWithMatches {
                Some(1)
            } else {
                self.opts.max_count
            });
        if self.opts.mode == Mode::Lines {
            b.before_context(self.opts.before)
                .after_context(self.opts.after);
        }
        b.build()
    }

    /// Searches one source; lines go to `sink`.
    pub fn search(&self, source: &Source, sink: &mut dyn LineSink) -> io::Result<SourceResult> {
        let mut result = SourceResult {
            per_pattern: vec![0; self.each.len()],
            ..SourceResult::default()
        };
        let parser = if self.opts.timestamps || !self.opts.range.is_open() {
            detect_parser(source, &self.clock)?
        } else {
            None
        };
        let range = match (&parser, self.opts.range.is_open()) {
            (_, true) => None,
            (None, false) => {
                result.no_timestamps = true;
                None
            }
            (Some(p), false) => {
                if outside(source, p, &self.opts.range) {
                    result.outside_range = true;
                    return Ok(result);
                }
                Some((p.clone(), self.opts.range))
            }
        };
        if let Some(format) = container_format(source) {
            let parser = parser.as_ref().filter(|_| self.opts.timestamps);
            self.search_records(source, format, range, sink, parser, &mut result)?;
            return Ok(result);
        }
        let line_offset = Arc::new(AtomicU64::new(0));
        let mut adapter = Adapter {
            sink,
            parser: if self.opts.timestamps {
                parser.as_ref()
            } else {
                None
            },
            line_offset: line_offset.clone(),
            result: &mut result,
            each: &self.each,
            cut_short: None,
            records: None,
        };
        // Every read goes through the line cap (only a map, which costs no heap, does not).
        let mut cut = None;
        match (source.compression, range) {
            (Compression::None, None) => {
                let file = File::open(&source.path)?;
                let len = file.metadata()?.len();
                let mapped = if len >= MAP_FROM_BYTES {
                    MappedLog::map(&file, len)?
                } else {
                    None
                };
                match &mapped {
                    Some(m) => {
                        adapter.cut_short = Some(m);
                        self.searcher()
                            .search_slice(&self.matcher, m.bytes(), &mut adapter)?;
                    }
                    None => self.searcher().search_reader(
                        &self.matcher,
                        capped(&file, &mut cut),
                        &mut adapter,
                    )?,
                }
                drop(adapter);
                result.truncated_at = mapped.as_ref().and_then(MappedLog::truncated_at);
            }
            (Compression::None, Some((parser, range))) => {
                let (file, len) =
                    self.open_in_range(&source.path, &parser, &range, &line_offset)?;
                self.searcher().search_reader(
                    &self.matcher,
                    capped((&file).take(len), &mut cut),
                    &mut adapter,
                )?;
            }
            (_, None) => {
                self.searcher().search_reader(
                    &self.matcher,
                    capped(source.open()?, &mut cut),
                    &mut adapter,
                )?;
            }
            (_, Some((parser, range))) => {
                let reader = windowed(source, parser, range, &mut cut, &line_offset)?;
                self.searcher()
                    .search_reader(&self.matcher, reader, &mut adapter)?;
            }
        }
        if let Some(cut) = cut {
            result.lines_cut += cut.load(Ordering::Relaxed);
        }
        Ok(result)
    }
}

impl Grep {
    /// A container log: records normalised (container_stream.rs) and searched by message.
    /// Returns the lines cut at the cap; the rest of the result is in `adapter`.
    fn search_records(
        &self,
        source: &Source,
        format: Format,
        range: Option<(Parser, TimeRange)>,
        sink: &mut dyn LineSink,
        parser: Option<&Parser>,
        result: &mut SourceResult,
    ) -> io::Result<()> {
        let m = &self.messages;
        let line_offset = Arc::new(AtomicU64::new(0));
        let mut cut = None;
        let mut joined = None;
        let mapped;
        let mut adapter = Adapter {
            sink,
            parser,
            line_offset: line_offset.clone(),
            result,
            each: &self.each,
            cut_short: None,
            records: Some(&self.iso),
        };
        match (source.compression, range) {
            (Compression::None, None) => {
                let file = File::open(&source.path)?;
                let len = file.metadata()?.len();
                // A big CRI file without `P` records needs no normalising: searched in place.
                mapped = if len >= MAP_FROM_BYTES && format == Format::Cri {
                    MappedLog::map(&file, len)?.filter(|m| !has_partial(m.bytes()))
                } else {
                    None
                };
                match &mapped {
                    Some(map) => {
                        adapter.cut_short = Some(map);
                        self.searcher().search_slice(m, map.bytes(), &mut adapter)?;
                        adapter.result.truncated_at = map.truncated_at();
                    }
                    // Read as ripgrep reads: straight into the searcher's buffer, each read
                    // scanned for `P` while it is in cache; only from a `P` record on is
                    // the file normalised (cri_direct.rs).
                    None if format == Format::Cri => {
                        let r = CriDirect::new(&file);
                        joined = Some(r.cut.clone());
                        self.searcher().search_reader(m, r, &mut adapter)?;
                    }
                    None => {
                        let r = normalized(format, &mut joined, Box::new(capped(&file, &mut cut)));
                        self.searcher().search_reader(m, r, &mut adapter)?;
                    }
                }
            }
            (Compression::None, Some((parser, range))) => {
                let (file, len) =
                    self.open_in_range(&source.path, &parser, &range, &line_offset)?;
                let r = normalized(
                    format,
                    &mut joined,
                    Box::new(capped((&file).take(len), &mut cut)),
                );
                self.searcher().search_reader(m, r, &mut adapter)?;
            }
            (_, None) => {
                let r = normalized(
                    format,
                    &mut joined,
                    Box::new(capped(source.open()?, &mut cut)),
                );
                self.searcher().search_reader(m, r, &mut adapter)?;
            }
            (_, Some((parser, range))) => {
                let reader = windowed(source, parser, range, &mut cut, &adapter.line_offset)?;
                let r = normalized(format, &mut joined, Box::new(reader));
                self.searcher().search_reader(m, r, &mut adapter)?;
            }
        }
        let load = |c: Option<Arc<AtomicU64>>| c.map_or(0, |c| c.load(Ordering::Relaxed));
        adapter.result.lines_cut += load(cut) + load(joined);
        Ok(())
    }
}

/// `r` normalised as container records; `joined` gets the counter of joined lines cut.
fn normalized<'r>(
    format: Format,
    joined: &mut Option<Arc<AtomicU64>>,
    r: Box<dyn Read + 'r>,
) -> Normalized<BufReader<Box<dyn Read + 'r>>> {
    let n = Normalized::new(BufReader::with_capacity(256 * 1024, r), format);
    *joined = Some(n.cut.clone());
    n
}

/// Whether a CRI file may hold `P` records (a message quoting one costs only the slower path):
/// one pass for both tags (`cri_direct::first_partial_tag`).
fn has_partial(bytes: &[u8]) -> bool {
    cri_direct::first_partial_tag(&memchr::memmem::Finder::new(b" P"), bytes).is_some()
}

/// A container log's format, for files whose name says they may be one (the rest are not
/// opened for it): its first records decide.
pub fn container_format(source: &Source) -> Option<Format> {
    if let Some(known) = source.container_head {
        return known; // read with the magic bytes (sources.rs)
    }
    if !container_formats::name_suggests(&source.path) {
        return None;
    }
    let mut r = source.open().ok()?;
    let mut head = Vec::with_capacity(container_formats::HEAD);
    let _ = (&mut r)
        .take(container_formats::HEAD as u64)
        .read_to_end(&mut head);
    container_formats::sniff_head(&mut head, r)
}

/// `r` behind the line cap; `cut` gets the counter of lines it cuts.
fn capped<R: Read>(r: R, cut: &mut Option<Arc<AtomicU64>>) -> CappedLines<R> {
    let c = CappedLines::new(r);
    *cut = Some(c.cut.clone());
    c
}

type Windowed = WindowReaderCounting<BufReader<CappedLines<Box<dyn Read + Send>>>>;

/// A compressed source read through the line cap and a time window (streams cannot be
/// bisected), publishing the lines skipped before the window in `skipped`.
fn windowed(
    source: &Source,
    parser: Parser,
    range: TimeRange,
    cut: &mut Option<Arc<AtomicU64>>,
    skipped: &Arc<AtomicU64>,
) -> io::Result<Windowed> {
    Ok(WindowReaderCounting {
        inner: WindowReader::new(
            BufReader::with_capacity(256 * 1024, capped(source.open()?, cut)),
            parser,
            range,
        ),
        skipped: skipped.clone(),
    })
}

/// Publishes the lines skipped before the window so line numbers stay the file's own.
struct WindowReaderCounting<R> {
    inner: WindowReader<R>,
    skipped: Arc<AtomicU64>,
}

impl<R: io::BufRead> Read for WindowReaderCounting<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.skipped
            .store(self.inner.skipped_lines, Ordering::Relaxed);
        Ok(n)
    }
}

/// Newlines in a slice; LLVM vectorises this loop.
pub fn count_lines(bytes: &[u8]) -> u64 {
    bytes.iter().filter(|b| **b == b'\n').count() as u64
}

/// Newlines in the first `len` bytes of a file (line numbers of a ranged search stay the
/// file's own).
fn count_lines_before(file: &File, len: u64) -> io::Result<u64> {
    use std::os::unix::fs::FileExt;
    let mut buf = vec![0u8; 256 * 1024];
    let (mut at, mut lines) = (0u64, 0u64);
    while at < len {
        let want = (len - at).min(buf.len() as u64) as usize;
        let n = file.read_at(&mut buf[..want], at)?;
        if n == 0 {
            break;
        }
        lines += count_lines(&buf[..n]);
        at += n as u64;
    }
    Ok(lines)
}

/// Detects a source's timestamp format from its first 64 KiB (decompressed).
pub fn detect_parser(source: &Source, clock: &Clock) -> io::Result<Option<Parser>> {
    let mut sample = Vec::with_capacity(64 * 1024);
    source
        .open()?
        .take(64 * 1024)
        .read_to_end(&mut sample)
        .or_else(|e| {
            // A damaged stream still has a usable head.
            if sample.is_empty() {
                Err(e)
            } else {
                Ok(0)
            }
        })?;
    Ok(Parser::detect(&sample, clock))
}

/// Whether a whole file lies outside the window: it starts after `until`, or (compressed, so
/// its end is unknown without reading it) it was last written before `since`.
fn outside(source: &Source, parser: &Parser, range: &TimeRange) -> bool {
    let mut head = Vec::new();
    if let Ok(r) = source.open() {
        let _ = r.take(64 * 1024).read_to_end(&mut head);
    }
    let first = head.split(|b| *b == b'\n').find_map(|l| parser.parse(l));
    if let (Some(f), Some(u)) = (first, range.until) {
        if f >= u {
            return true;
        }
    }
    if source.compression != Compression::None {
        if let (Some(m), Some(s)) = (source.modified, range.since) {
            let mtime_ms = m
                .duration_since(SystemTime::UNIX_EPOCH)
                .map(|d| d.as_millis() as i64)
                .unwrap_or(i64::MAX);
            // A minute of slack for clocks and buffered writers.
            return mtime_ms + 60_000 < s;
        }
    }
    false
}

struct Adapter<'a> {
    sink: &'a mut dyn LineSink,
    parser: Option<&'a Parser>,
    line_offset: Arc<AtomicU64>,
    result: &'a mut SourceResult,
    each: &'a [RegexMatcher],
    /// The map being searched, which may find its file cut short: lines from the cut on are
    /// zeros, not the file's, and end the search.
    cut_short: Option<&'a MappedLog>,
    /// A container log (lines are normalised records): each goes to the sink as a record,
    /// its time read with this parser; holes are skipped.
    records: Option<&'a Parser>,
}

fn strip_eol(b: &[u8]) -> &[u8] {
    let b = b.strip_suffix(b"\n").unwrap_or(b);
    b.strip_suffix(b"\r").unwrap_or(b)
}

/// A mapped line longer than the cap is printed cut, as a streamed one is (streams are cut by
/// `CappedLines` before the searcher sees them, so they never reach this).
fn capped_line<'b>(text: &'b [u8], result: &mut SourceResult) -> &'b [u8] {
    if text.len() > MAX_LINE_BYTES {
        result.lines_cut += 1;
        &text[..MAX_LINE_BYTES]
    } else {
        text
    }
}

impl Adapter<'_> {
    fn number(&self, n: Option<u64>) -> Option<u64> {
        n.map(|n| n + self.line_offset.load(Ordering::Relaxed))
    }

    fn past_the_cut(&self, offset: u64) -> bool {
        self.cut_short
            .and_then(MappedLog::truncated_at)
            .is_some_and(|cut| offset >= cut)
    }

    /// A line that starts before the cut runs on into the zeros after it: only its part
    /// before the cut is the file's (the zeros are not a line longer than the cap).
    fn before_the_cut<'b>(&self, offset: u64, line: &'b [u8]) -> &'b [u8] {
        match self.cut_short.and_then(MappedLog::truncated_at) {
            Some(cut) => {
                let keep = usize::try_from(cut.saturating_sub(offset)).unwrap_or(usize::MAX);
                &line[..line.len().min(keep)]
            }
            None => line,
        }
    }
}

impl Adapter<'_> {
    /// A normalised container line: a record to the sink by its message, a line that is no
    /// record as it is, a hole (the lines a joined record took) not at all.
    fn record(&mut self, kind: LineKind, n: Option<u64>, text: &[u8]) -> io::Result<bool> {
        if text.is_empty() {
            return Ok(true); // a hole: never a match, never context
        }
        if kind == LineKind::Match && self.each.is_empty() && !self.sink.wants_lines() {
            self.result.matched_lines += 1;
            return Ok(true);
        }
        let record = crate::logs::container_tail::record_of(text);
        let message = record.map_or(text, |r| r.message);
        if kind == LineKind::Match {
            self.result.matched_lines += 1;
            for (i, each) in self.each.iter().enumerate() {
                if each.is_match(message).unwrap_or(false) {
                    self.result.per_pattern[i] += 1;
                }
            }
        }
        let n = self.number(n);
        let Some(record) = record else {
            let ts = self.parser.and_then(|p| p.parse(text));
            return self.sink.line(kind, n, text, ts);
        };
        let ts = self
            .parser
            .and(self.records)
            .and_then(|p| p.parse(record.time));
        self.sink.record(kind, n, &record, ts)
    }
}

impl Sink for Adapter<'_> {
    type Error = io::Error;

    fn matched(&mut self, _: &Searcher, m: &SinkMatch<'_>) -> Result<bool, io::Error> {
        if self.past_the_cut(m.absolute_byte_offset()) {
            return Ok(false);
        }
        let line = self.before_the_cut(m.absolute_byte_offset(), m.bytes());
        let text = capped_line(strip_eol(line), self.result);
        if self.records.is_some() {
            return self.record(LineKind::Match, m.line_number(), text);
        }
        self.result.matched_lines += 1;
        for (i, each) in self.each.iter().enumerate() {
            if each.is_match(text).unwrap_or(false) {
                self.result.per_pattern[i] += 1;
            }
        }
        let ts = self.parser.and_then(|p| p.parse(text));
        let n = self.number(m.line_number());
        self.sink.line(LineKind::Match, n, text, ts)
    }

    fn context(&mut self, _: &Searcher, c: &SinkContext<'_>) -> Result<bool, io::Error> {
        if matches!(c.kind(), SinkContextKind::Other) {
            return Ok(true);
        }
        if self.past_the_cut(c.absolute_byte_offset()) {
            return Ok(false);
        }
        let line = self.before_the_cut(c.absolute_byte_offset(), c.bytes());
        let text = capped_line(strip_eol(line), self.result);
        if self.records.is_some() {
            return self.record(LineKind::Context, c.line_number(), text);
        }
        let ts = self.parser.and_then(|p| p.parse(text));
        let n = self.number(c.line_number());
        self.sink.line(LineKind::Context, n, text, ts)
    }

    fn context_break(&mut self, _: &Searcher) -> Result<bool, io::Error> {
        self.sink.context_break()?;
        Ok(true)
    }
}

#[cfg(test)]
mod tests {
    use super::has_partial;

    #[test]
    fn a_partial_tag_is_found_and_a_p_in_a_message_is_not_one() {
        let f =
            b"2026-12-01T10:00:00Z stdout F GET /x P 200\n2026-12-01T10:00:01Z stdout F Pod ok\n";
        assert!(!has_partial(f), "` P` inside messages is no tag");
        let p = b"2026-12-01T10:00:00Z stdout F a\n2026-12-01T10:00:01Z stderr P half\n";
        assert!(has_partial(p));
        assert!(has_partial(b"2026-12-01T10:00:01Z stdout P:x half"));
        assert!(!has_partial(b" P at the start"));
        assert!(!has_partial(b""));
    }
}
