//! A reader that passes a byte stream through with every line cut to `MAX_LINE_BYTES`: the
//! rest of a longer line is dropped up to its newline (kept, so line numbers stay the file's
//! own) and the cut is counted. The searcher's buffer grows to the longest line it sees; behind
//! this reader it never grows past the cap, whatever the stream holds.
//!
//! Cost: one `memchr`/`memrchr` per read for the line boundaries at the ends of the chunk; the
//! bytes are copied only when a line is cut.

use crate::logs::line_cap::MAX_LINE_BYTES;
use std::io::{self, Read};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;

pub struct CappedLines<R> {
    inner: R,
    cap: usize,
    /// Bytes of the current (unfinished) line already passed on.
    current: usize,
    /// The current line was cut: drop bytes until its newline.
    dropping: bool,
    /// Lines cut so far; shared so the search can read it after the searcher took the reader.
    pub cut: Arc<AtomicU64>,
}

impl<R: Read> CappedLines<R> {
    pub fn new(inner: R) -> CappedLines<R> {
        CappedLines::with_cap(inner, MAX_LINE_BYTES)
    }

    pub fn with_cap(inner: R, cap: usize) -> CappedLines<R> {
        CappedLines {
            inner,
            cap: cap.max(1),
            current: 0,
            dropping: false,
            cut: Arc::new(AtomicU64::new(0)),
        }
    }

    /// Applies the cap to `buf[..n]` in place; returns the bytes kept.
    fn cap_chunk(&mut self, buf: &mut [u8], n: usize) -> usize {
        let Some(first_nl) = memchr::memchr(b'\n', &buf[..n]) else {
            // The whole chunk continues the current line.
            if self.dropping {
                return 0;
            }
            let room = self.cap - self.current;
            if n <= room {
                self.current += n;
                return n;
            }
            self.cut.fetch_add(1, Ordering::Relaxed);
            self.dropping = true;
            self.current = self.cap;
            return room;
        };
        // The chunk ends the current line at `first_nl`; lines after it are shorter than the
        // chunk (reads are never longer than the cap), so only its head can need cutting.
        let keep_head = if self.dropping {
            0
        } else if self.current + first_nl > self.cap {
            self.cut.fetch_add(1, Ordering::Relaxed);
            self.cap - self.current
        } else {
            first_nl
        };
        let mut n = n;
        if keep_head < first_nl {
            buf.copy_within(first_nl..n, keep_head);
            n -= first_nl - keep_head;
        }
        self.dropping = false;
        let last_nl = memchr::memrchr(b'\n', &buf[..n]).expect("the first newline was kept");
        self.current = n - last_nl - 1;
        n
    }
}

impl<R: Read> Read for CappedLines<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        if buf.is_empty() {
            return Ok(0);
        }
        let want = buf.len().min(self.cap);
        loop {
            let n = self.inner.read(&mut buf[..want])?;
            if n == 0 {
                return Ok(0);
            }
            let kept = self.cap_chunk(buf, n);
            // Everything dropped: read on (returning 0 would mean the end of the stream).
            if kept > 0 {
                return Ok(kept);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Reads everything through a cap, in reads of `chunk` bytes at most.
    fn through(input: &[u8], cap: usize, chunk: usize) -> (Vec<u8>, u64) {
        struct Chunked<'a>(&'a [u8], usize);
        impl Read for Chunked<'_> {
            fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
                let n = self.0.len().min(buf.len()).min(self.1);
                buf[..n].copy_from_slice(&self.0[..n]);
                self.0 = &self.0[n..];
                Ok(n)
            }
        }
        let mut r = CappedLines::with_cap(Chunked(input, chunk), cap);
        let mut out = Vec::new();
        let mut buf = vec![0u8; 7];
        loop {
            let n = r.read(&mut buf).unwrap();
            if n == 0 {
                break;
            }
            out.extend_from_slice(&buf[..n]);
        }
        (out, r.cut.load(Ordering::Relaxed))
    }

    /// The same, line by line, without streaming: what the reader must produce.
    fn expected(input: &[u8], cap: usize) -> (Vec<u8>, u64) {
        let mut out = Vec::new();
        let mut cut = 0;
        let mut lines: Vec<&[u8]> = input.split(|b| *b == b'\n').collect();
        let ends_with_nl = input.last() == Some(&b'\n');
        if ends_with_nl {
            lines.pop();
        }
        for (i, l) in lines.iter().enumerate() {
            if l.len() > cap {
                cut += 1;
            }
            out.extend_from_slice(&l[..l.len().min(cap)]);
            if i + 1 < lines.len() || ends_with_nl {
                out.push(b'\n');
            }
        }
        (out, cut)
    }

    #[test]
    fn lines_longer_than_the_cap_are_cut_at_any_chunking() {
        let inputs: [&[u8]; 7] = [
            b"short\nlines\nonly\n",
            b"exactly5\n12345\n123456\n",
            b"a very long line indeed\nok\nanother long one here\n",
            b"no newline at all, and long",
            b"\n\n\nlong long long\n\n",
            b"tail without newline that is long",
            b"x\nyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyy\nz",
        ];
        for input in inputs {
            for cap in [1, 3, 5, 8, 100] {
                for chunk in [1, 2, 3, 5, 7, 64] {
                    assert_eq!(
                        through(input, cap, chunk),
                        expected(input, cap),
                        "{:?} cap {cap} chunk {chunk}",
                        String::from_utf8_lossy(input)
                    );
                }
            }
        }
    }

    #[test]
    fn an_endless_line_is_read_in_bounded_memory() {
        // /dev/zero as a reader: never a newline, never an end. Reading 64 MiB of it through a
        // 1 KiB cap yields 1 KiB and then nothing, without ending the stream.
        let mut r = CappedLines::with_cap(io::repeat(0).take(64 << 20), 1024);
        let mut out = Vec::new();
        r.read_to_end(&mut out).unwrap();
        assert_eq!(out.len(), 1024);
        assert_eq!(r.cut.load(Ordering::Relaxed), 1);
    }
}
