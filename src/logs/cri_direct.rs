//! A plain CRI file as the searcher should see it, read the way ripgrep reads a file: each
//! `read` goes from the file straight into the searcher's own buffer (no second buffer, no
//! copy), and only those bytes, still in cache, are scanned once for a `P` tag. Records
//! without `P` need no normalising, so whole lines pass as they are; the first line that may
//! be a `P` record (and everything after it) goes through `Normalized` instead, which joins
//! the run. Reading the file whole first and scanning it for `P` before the search was three
//! passes over memory that had left the cache (read, scan, search).
//!
//! Only whole lines are handed on: the partial line at the end of a read is kept (a few
//! hundred bytes) and put first in the next read, so a `P` tag is never split between two
//! scans. A line that does not fit the buffer the searcher offers, or a file's last line
//! without a newline, is left to `Normalized` as well: it is the one that caps lines.

use crate::logs::capped_reader::CappedLines;
use crate::logs::container_formats::Format;
use crate::logs::container_stream::Normalized;
use memchr::memmem::Finder;
use std::io::{self, BufReader, Cursor, Read};
use std::sync::atomic::AtomicU64;
use std::sync::Arc;

/// A read offered less room than this is served from lines read and checked here first (the
/// searcher's BOM sniffer reads 3 bytes before anything else, and no line fits in 3 bytes;
/// it also drops a UTF-8 BOM, as it did when the file was searched as one slice).
const SMALL_ROOM: usize = 1024;
const STAGING_BYTES: usize = 64 * 1024;

type Joining<R> = Normalized<BufReader<CappedLines<io::Chain<Cursor<Vec<u8>>, R>>>>;

pub struct CriDirect<R: Read> {
    state: State<R>,
    /// Bytes already checked (whole lines without a tag, or `Normalized`'s output) that a
    /// small read could not take: handed out first, in pieces.
    ready: Vec<u8>,
    ready_at: usize,
    partial_tag: Finder<'static>,
    /// Lines cut at the cap (by `Normalized` or the cap below it, once they took over).
    pub cut: Arc<AtomicU64>,
}

enum State<R: Read> {
    /// Whole lines straight from `file`; `tail` is the partial line read after the last one.
    Direct { file: R, tail: Vec<u8> },
    /// From the first line that may be a `P` record on: normalised.
    Joining(Box<Joining<R>>),
    /// Only while changing from one to the other.
    Changing,
}

impl<R: Read> CriDirect<R> {
    pub fn new(file: R) -> CriDirect<R> {
        CriDirect {
            state: State::Direct {
                file,
                tail: Vec::new(),
            },
            ready: Vec::new(),
            ready_at: 0,
            partial_tag: Finder::new(b" P").into_owned(),
            cut: Arc::new(AtomicU64::new(0)),
        }
    }

    /// `pending` (read from the file, starting at a line start) and the rest of the file
    /// from now on go through `Normalized`.
    fn join_from(&mut self, pending: Vec<u8>) {
        let State::Direct { file, .. } = std::mem::replace(&mut self.state, State::Changing) else {
            unreachable!("join_from is called in the direct state only")
        };
        let mut capped = CappedLines::new(Cursor::new(pending).chain(file));
        capped.cut = self.cut.clone();
        let mut n = Normalized::new(BufReader::with_capacity(256 * 1024, capped), Format::Cri);
        n.cut = self.cut.clone();
        self.state = State::Joining(Box::new(n));
    }

    /// Whole checked lines into `buf` (or, once joining, `Normalized`'s output).
    fn read_lines(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let (file, tail) = match &mut self.state {
            State::Joining(n) => return n.read(buf),
            State::Direct { file, tail } => (file, tail),
            State::Changing => unreachable!("never left changing"),
        };
        if tail.len() >= buf.len() {
            // Less room than the line read so far (the searcher keeps context lines).
            let pending = std::mem::take(tail);
            self.join_from(pending);
            return self.read_lines(buf);
        }
        let t = tail.len();
        buf[..t].copy_from_slice(tail);
        tail.clear();
        let mut n = 0;
        // Short reads (a file being written) are read on until a line ends or the room is full.
        while t + n < buf.len() {
            match file.read(&mut buf[t + n..]) {
                Ok(0) => break,
                Ok(k) => n += k,
                Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                Err(e) => {
                    tail.extend_from_slice(&buf[..t + n]);
                    return Err(e);
                }
            }
            if memchr::memchr(b'\n', &buf[t..t + n]).is_some() {
                break;
            }
        }
        let region = &buf[..t + n];
        // Whole lines up to the first that may hold a `P` tag; that line and the rest (a
        // last line without its newline, a line longer than the room) are normalised.
        let whole = memchr::memrchr(b'\n', region).map_or(0, |nl| nl + 1);
        let clean = match first_partial_tag(&self.partial_tag, &region[..whole]) {
            Some(at) => memchr::memrchr(b'\n', &region[..at]).map_or(0, |nl| nl + 1),
            None => whole,
        };
        if clean == 0 {
            if t + n == 0 {
                return Ok(0); // the end, after whole lines
            }
            let pending = region.to_vec();
            self.join_from(pending);
            return self.read_lines(buf);
        }
        tail.extend_from_slice(&region[clean..]);
        if clean < whole {
            let pending = std::mem::take(tail);
            self.join_from(pending);
        }
        Ok(clean)
    }
}

impl<R: Read> Read for CriDirect<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        if buf.is_empty() {
            return Ok(0);
        }
        if self.ready_at == self.ready.len() && buf.len() < SMALL_ROOM {
            let mut staging = std::mem::take(&mut self.ready);
            staging.clear();
            staging.resize(STAGING_BYTES, 0);
            let n = self.read_lines(&mut staging)?;
            staging.truncate(n);
            self.ready = staging;
            self.ready_at = 0;
        }
        if self.ready_at < self.ready.len() {
            let n = buf.len().min(self.ready.len() - self.ready_at);
            buf[..n].copy_from_slice(&self.ready[self.ready_at..self.ready_at + n]);
            self.ready_at += n;
            return Ok(n);
        }
        self.read_lines(buf)
    }
}

/// Where the first ` P` that follows a stream word (`stdout`/`stderr`) is in `bytes`: a line
/// that may be a CRI `P` record (a message quoting one only costs the slower path). One pass
/// for both tags: ` P` is rare outside a tag, where a multi-literal search keyed on ` st`
/// would stop on every line.
pub fn first_partial_tag(tag: &Finder<'_>, bytes: &[u8]) -> Option<usize> {
    let mut from = 0;
    while let Some(i) = tag.find(&bytes[from..]).map(|i| from + i) {
        let stream = i.checked_sub(6).map(|s| &bytes[s..i]);
        if matches!(stream, Some(b"stdout" | b"stderr")) {
            return Some(i);
        }
        from = i + 1;
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::Ordering;

    /// A reader that hands out at most `step` bytes per read, as a file may.
    struct Trickle<'a> {
        bytes: &'a [u8],
        step: usize,
    }

    impl Read for Trickle<'_> {
        fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
            let n = self.step.min(buf.len()).min(self.bytes.len());
            buf[..n].copy_from_slice(&self.bytes[..n]);
            self.bytes = &self.bytes[n..];
            Ok(n)
        }
    }

    fn through_direct(input: &[u8], step: usize, room: usize) -> (Vec<u8>, u64) {
        let mut r = CriDirect::new(Trickle { bytes: input, step });
        let mut out = Vec::new();
        let mut buf = vec![0u8; room];
        loop {
            let n = r.read(&mut buf).unwrap();
            if n == 0 {
                break;
            }
            out.extend_from_slice(&buf[..n]);
        }
        (out, r.cut.load(Ordering::Relaxed))
    }

    fn through_normalized(input: &[u8]) -> Vec<u8> {
        let mut n = Normalized::new(BufReader::new(input), Format::Cri);
        let mut out = Vec::new();
        n.read_to_end(&mut out).unwrap();
        out
    }

    #[test]
    fn the_same_lines_as_normalized_for_any_read_and_room_size() {
        let mut input = Vec::new();
        for i in 0..300 {
            let line = match i % 37 {
                5 => format!("2026-12-01T10:00:{:02}Z stderr P part {i} \n", i % 60),
                6 => format!("2026-12-01T10:00:{:02}Z stderr F end {i}\n", i % 60),
                11 => "not a record at all\n".to_string(),
                12 => format!("2026-12-01T10:00:00Z stdout F quoting stdout P {i}\n"),
                _ => format!("2026-12-01T10:00:{:02}.5Z stdout F message {i}\n", i % 60),
            };
            input.extend_from_slice(line.as_bytes());
        }
        input.extend_from_slice(b"2026-12-01T10:00:01Z stdout F no newline at the end");
        let want = through_normalized(&input);
        for (step, room) in [
            (1, 7),
            (3, 64),
            (100, 64),
            (64, 1000),
            (4096, 65536),
            (7, 33),
        ] {
            let (got, cut) = through_direct(&input, step, room);
            assert_eq!(
                String::from_utf8_lossy(&got),
                String::from_utf8_lossy(&want),
                "step {step}, room {room}"
            );
            assert_eq!(cut, 0);
        }
    }

    #[test]
    fn lines_without_p_pass_whole_and_a_run_at_the_end_is_joined() {
        let input = b"2026-12-01T10:00:00Z stdout F a\n2026-12-01T10:00:01Z stdout F b\n";
        assert_eq!(through_direct(input, 4096, 65536).0, input);
        let run = b"2026-12-01T10:00:00Z stdout F a\n\
            2026-12-01T10:00:01Z stdout P b\n2026-12-01T10:00:01Z stdout P c";
        assert_eq!(
            through_direct(run, 4096, 65536).0,
            b"2026-12-01T10:00:00Z stdout F a\n2026-12-01T10:00:01Z stdout P bc\n\n"
        );
        assert!(through_direct(b"", 4096, 65536).0.is_empty());
    }

    #[test]
    fn a_small_room_is_served_from_checked_lines() {
        // The searcher's BOM sniffer reads 3 bytes first: no line fits, none is lost, and the
        // file is still read straight into the rooms that follow.
        let input = b"2026-12-01T10:00:00Z stdout F a\n2026-12-01T10:00:01Z stdout F b\n";
        for (step, room) in [(4096, 3), (1, 3), (2, 1), (4096, 1023)] {
            assert_eq!(through_direct(input, step, room).0, input, "{step} {room}");
        }
        let mut r = CriDirect::new(Trickle {
            bytes: input,
            step: 4096,
        });
        let mut buf = [0u8; 3];
        assert_eq!(r.read(&mut buf).unwrap(), 3);
        assert!(
            matches!(r.state, State::Direct { .. }),
            "not normalised for it"
        );
    }

    #[test]
    fn a_partial_tag_is_found_and_a_p_in_a_message_is_not_one() {
        let tag = Finder::new(b" P");
        let f =
            b"2026-12-01T10:00:00Z stdout F GET /x P 200\n2026-12-01T10:00:01Z stdout F Pod ok\n";
        assert_eq!(
            first_partial_tag(&tag, f),
            None,
            "` P` inside messages is no tag"
        );
        let p = b"2026-12-01T10:00:00Z stdout F a\n2026-12-01T10:00:01Z stderr P half\n";
        assert_eq!(first_partial_tag(&tag, p), Some(59));
        assert!(first_partial_tag(&tag, b"2026-12-01T10:00:01Z stdout P:x half").is_some());
        assert_eq!(first_partial_tag(&tag, b" P at the start"), None);
        assert_eq!(first_partial_tag(&tag, b""), None);
    }
}
