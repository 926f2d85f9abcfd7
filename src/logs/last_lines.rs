//! `logs tail -n N [--grep P]`: the last N lines (that match). A plain file is read backwards
//! from its end in blocks, so a 10 GB log costs a few reads; a compressed one must be decoded,
//! keeping only N lines. With a filter, N counts matching lines: reading goes back until N of
//! them are found (or the file's start), keeping only those.
//!
//! Memory is bounded by N lines of at most `MAX_LINE_BYTES` each: a longer line keeps its first
//! `MAX_LINE_BYTES` (marked `cut`), and the backward scan keeps offsets, not the lines it passes.

use crate::logs::line_cap::MAX_LINE_BYTES;
use crate::logs::sources::{Compression, Source};
use std::collections::VecDeque;
use std::fs::File;
use std::io::{self, BufRead, BufReader};
use std::os::unix::fs::FileExt;

/// One line shown by `tail -n`.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Line {
    /// Without its newline; at most `MAX_LINE_BYTES`.
    pub text: Vec<u8>,
    /// 1-based, when counted.
    pub number: Option<u64>,
    /// The line was longer than `MAX_LINE_BYTES`: `text` is its start.
    pub cut: bool,
}

#[derive(Debug, Default)]
pub struct LastLines {
    /// Oldest first.
    pub lines: Vec<Line>,
    /// Offset just past the last complete line: where following starts.
    pub end_offset: u64,
    /// Lines before `end_offset` (the number of the last complete line), when counted.
    pub lines_before_end: Option<u64>,
    /// Up to 64 bytes just before `end_offset`, as read: a follower compares them later to
    /// notice a file truncated and rewritten before it started.
    pub bytes_before_end: Vec<u8>,
}

/// What to read.
pub struct Want<'a> {
    /// How many lines (that pass `keep`).
    pub n: usize,
    /// Only lines this accepts count and are kept (`--grep`).
    pub keep: &'a dyn Fn(&[u8]) -> bool,
    /// Also number the lines (costs a pass over the file before them).
    pub count_numbers: bool,
    /// A last line without its newline counts (as `tail -n` shows it); a follower leaves it
    /// out and finishes it when the writer does.
    pub include_partial: bool,
}

const BLOCK: u64 = 64 * 1024;

pub fn read(source: &Source, want: &Want) -> io::Result<LastLines> {
    match source.compression {
        Compression::None => plain(source, want),
        _ => streamed(source, want),
    }
}

/// Reads a file backwards a block at a time, remembering only the block last read.
struct Backwards<'f> {
    file: &'f File,
    buf: Vec<u8>,
    /// Offset of `buf[0]`; `buf` is empty before the first read.
    start: u64,
}

impl Backwards<'_> {
    /// The offset of the last `\n` before `before`, if any.
    fn newline_before(&mut self, before: u64) -> io::Result<Option<u64>> {
        let mut limit = before;
        loop {
            let end = self.start + self.buf.len() as u64;
            if self.buf.is_empty() || limit <= self.start || limit > end {
                if limit == 0 {
                    return Ok(None);
                }
                let start = limit.saturating_sub(BLOCK);
                self.buf.resize((limit - start) as usize, 0);
                self.file.read_exact_at(&mut self.buf, start)?;
                self.start = start;
            }
            let upto = (limit - self.start) as usize;
            if let Some(i) = memchr::memrchr(b'\n', &self.buf[..upto]) {
                return Ok(Some(self.start + i as u64));
            }
            if self.start == 0 {
                return Ok(None);
            }
            limit = self.start;
        }
    }

    /// The bytes `[from, to)`, at most `MAX_LINE_BYTES` of them, and whether that cut them.
    fn bytes(&self, from: u64, to: u64) -> io::Result<(Vec<u8>, bool)> {
        let cut = to - from > MAX_LINE_BYTES as u64;
        let to = if cut {
            from + MAX_LINE_BYTES as u64
        } else {
            to
        };
        let end = self.start + self.buf.len() as u64;
        if from >= self.start && to <= end {
            let a = (from - self.start) as usize;
            return Ok((self.buf[a..a + (to - from) as usize].to_vec(), cut));
        }
        let mut v = vec![0u8; (to - from) as usize];
        self.file.read_exact_at(&mut v, from)?;
        Ok((v, cut))
    }
}

fn plain(source: &Source, want: &Want) -> io::Result<LastLines> {
    let file = File::open(&source.path)?;
    let len = file.metadata()?.len();
    let mut back = Backwards {
        file: &file,
        buf: Vec::new(),
        start: 0,
    };
    // Where the shown lines end: the file's end, or (following) just past its last newline.
    let ends_with_newline = len > 0 && back.bytes(len - 1, len)?.0 == b"\n";
    let end = if want.include_partial || ends_with_newline {
        len
    } else {
        back.newline_before(len)?.map_or(0, |i| i + 1)
    };
    // Lines backwards from `end`: [start, text_end), keeping the ones wanted.
    let mut kept: Vec<(u64, Vec<u8>, bool)> = Vec::new(); // (index from the end, text, cut)
    let mut passed = 0u64;
    let mut window_start = end;
    if end > 0 && want.n > 0 {
        let mut text_end = if back.bytes(end - 1, end)?.0 == b"\n" {
            end - 1
        } else {
            end
        };
        loop {
            let start = back.newline_before(text_end)?.map_or(0, |i| i + 1);
            let (text, cut) = back.bytes(start, text_end)?;
            if (want.keep)(&text) {
                kept.push((passed, text, cut));
            }
            passed += 1;
            window_start = start;
            if kept.len() >= want.n || start == 0 {
                break;
            }
            text_end = start - 1;
        }
    }
    let bytes_before_end = back.bytes(end.saturating_sub(64), end)?.0;
    let before_window = if want.count_numbers {
        let mut count = 0u64;
        let mut off = 0u64;
        let mut buf = vec![0u8; BLOCK as usize];
        while off < window_start {
            let k = BLOCK.min(window_start - off) as usize;
            file.read_exact_at(&mut buf[..k], off)?;
            count += memchr::memchr_iter(b'\n', &buf[..k]).count() as u64;
            off += k as u64;
        }
        Some(count)
    } else {
        None
    };
    let lines = kept
        .into_iter()
        .rev()
        .map(|(from_end, text, cut)| Line {
            text,
            number: before_window.map(|c| c + passed - from_end),
            cut,
        })
        .collect();
    // Following starts past the last complete line; every line in the window is complete.
    Ok(LastLines {
        lines,
        end_offset: end,
        lines_before_end: before_window.map(|c| c + passed),
        bytes_before_end,
    })
}

/// Reads one line into `line` (without its newline), keeping at most `MAX_LINE_BYTES` and
/// skipping the rest. `None` at the end of the stream; else whether the line was cut.
pub fn read_capped_line(r: &mut dyn BufRead, line: &mut Vec<u8>) -> io::Result<Option<bool>> {
    line.clear();
    let mut cut = false;
    let mut any = false;
    loop {
        let buf = match r.fill_buf() {
            Ok(b) => b,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(e),
        };
        if buf.is_empty() {
            return Ok(any.then_some(cut));
        }
        any = true;
        let (take, done) = match memchr::memchr(b'\n', buf) {
            Some(i) => (i, true),
            None => (buf.len(), false),
        };
        let room = MAX_LINE_BYTES - line.len();
        if take > room {
            cut = true;
        }
        line.extend_from_slice(&buf[..take.min(room)]);
        r.consume(if done { take + 1 } else { take });
        if done {
            return Ok(Some(cut));
        }
    }
}

fn streamed(source: &Source, want: &Want) -> io::Result<LastLines> {
    let mut r = BufReader::with_capacity(256 * 1024, source.open()?);
    let mut ring: VecDeque<Line> = VecDeque::with_capacity(want.n.min(1 << 16) + 1);
    let mut total = 0u64;
    let mut text = Vec::new();
    while let Some(cut) = read_capped_line(&mut r, &mut text)? {
        total += 1;
        if want.n == 0 || !(want.keep)(&text) {
            continue;
        }
        let mut line = if ring.len() == want.n {
            ring.pop_front().unwrap_or_default()
        } else {
            Line::default()
        };
        line.text.clear();
        line.text.extend_from_slice(&text);
        line.number = Some(total);
        line.cut = cut;
        ring.push_back(line);
    }
    Ok(LastLines {
        lines: ring.into(),
        end_offset: source.len,
        lines_before_end: Some(total),
        bytes_before_end: Vec::new(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn source(dir: &std::path::Path, name: &str, data: &[u8]) -> Source {
        let p = dir.join(name);
        std::fs::write(&p, data).unwrap();
        Source::from_path(&p).unwrap()
    }

    fn texts(l: &LastLines) -> Vec<String> {
        l.lines
            .iter()
            .map(|l| String::from_utf8_lossy(&l.text).into_owned())
            .collect()
    }

    #[test]
    fn last_matching_lines_with_their_numbers() {
        let dir = tempfile::tempdir().unwrap();
        let mut data = String::new();
        for i in 1..=50_000 {
            let word = if i % 1000 == 0 { "timed out" } else { "ok" };
            data.push_str(&format!("line {i} {word}\n"));
        }
        let s = source(dir.path(), "a.log", data.as_bytes());
        let keep = |l: &[u8]| memchr::memmem::find(l, b"timed").is_some();
        let want = Want {
            n: 3,
            keep: &keep,
            count_numbers: true,
            include_partial: true,
        };
        let l = read(&s, &want).unwrap();
        assert_eq!(
            texts(&l),
            [
                "line 48000 timed out",
                "line 49000 timed out",
                "line 50000 timed out"
            ]
        );
        let numbers: Vec<_> = l.lines.iter().map(|l| l.number).collect();
        assert_eq!(numbers, [Some(48000), Some(49000), Some(50000)]);
        assert_eq!(l.lines_before_end, Some(50_000));
        assert_eq!(l.end_offset, data.len() as u64);
    }

    #[test]
    fn a_line_longer_than_the_cap_is_cut_and_memory_stays_bounded() {
        let dir = tempfile::tempdir().unwrap();
        let mut data = b"first\n".to_vec();
        data.extend(std::iter::repeat_n(b'x', 3 * MAX_LINE_BYTES));
        data.extend_from_slice(b"\nlast\n");
        let s = source(dir.path(), "long.log", &data);
        let all = |_: &[u8]| true;
        let want = Want {
            n: 3,
            keep: &all,
            count_numbers: true,
            include_partial: true,
        };
        let l = read(&s, &want).unwrap();
        assert_eq!(l.lines.len(), 3);
        assert_eq!(l.lines[1].text.len(), MAX_LINE_BYTES);
        assert!(l.lines[1].cut && !l.lines[0].cut && !l.lines[2].cut);
        assert_eq!(texts(&l)[2], "last");
        // Compressed streams cut the same way.
        let mut r = io::Cursor::new(&data);
        let mut line = Vec::new();
        let mut got = Vec::new();
        while let Some(cut) = read_capped_line(&mut r, &mut line).unwrap() {
            got.push((line.len(), cut));
        }
        assert_eq!(got, [(5, false), (MAX_LINE_BYTES, true), (4, false)]);
    }

    #[test]
    fn a_follower_starts_after_the_last_complete_line() {
        let dir = tempfile::tempdir().unwrap();
        let s = source(dir.path(), "p.log", b"one\ntwo\nthree without newline");
        let all = |_: &[u8]| true;
        let want = Want {
            n: 5,
            keep: &all,
            count_numbers: true,
            include_partial: false,
        };
        let l = read(&s, &want).unwrap();
        assert_eq!(texts(&l), ["one", "two"]);
        assert_eq!(l.end_offset, 8);
        assert_eq!(l.lines_before_end, Some(2));
        assert_eq!(l.bytes_before_end, b"one\ntwo\n");
    }
}
