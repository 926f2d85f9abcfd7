//! A container log file as the searcher should see it: one line per record, each
//! `TIME STREAM TAG MESSAGE`, with the runtime's splits undone. A CRI `P` run (a line the
//! runtime cut at 16 KiB) becomes one line holding the first record's prefix and the joined
//! message; a Docker json-file record becomes `TIME STREAM F MESSAGE` (its `log` decoded, and
//! records whose `log` has no trailing `\n` joined with the next ones the same way).
//!
//! Line numbers stay the file's own: a run of k physical lines gives its joined line then k-1
//! empty lines ("holes"), which `MessageMatcher` never matches and the search never prints.
//! Lines that are no record (a damaged line, invalid JSON) pass through as they are and are
//! searched whole, as a plain log's line would be.
//!
//! Cost: CRI records without `P` are copied through in chunks, looked at only by two `memmem`
//! scans for ` stdout P` / ` stderr P` (no per-line work); json-file is decoded per line.
//! Bounded: a joined message stops growing at `MAX_LINE_BYTES` (counted in `cut`), holes are
//! a counter, not bytes held, so a `P` run that never ends costs at most one capped line.

use crate::logs::container_formats::{self, Format};
use crate::logs::line_cap::MAX_LINE_BYTES;
use memchr::memmem::Finder;
use std::io::{self, BufRead, Read};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;

pub struct Normalized<R> {
    inner: R,
    format: Format,
    /// Output in order: `out`, then `holes` empty lines, then `after`.
    out: Vec<u8>,
    out_at: usize,
    holes: u64,
    after: Vec<u8>,
    join: Option<Join>,
    scratch: Vec<u8>,
    eof: bool,
    stdout_p: Finder<'static>,
    stderr_p: Finder<'static>,
    /// Joined messages cut at the cap; shared so the search can read it afterwards.
    pub cut: Arc<AtomicU64>,
}

/// A record being joined: its line so far (prefix + message), and how many lines it took.
struct Join {
    line: Vec<u8>,
    lines: u64,
    cut: bool,
}

impl Join {
    fn push(&mut self, message: &[u8]) {
        // The whole line (prefix included) stays within the cap the search applies.
        let room = MAX_LINE_BYTES.saturating_sub(self.line.len());
        if message.len() > room {
            self.cut = true;
        }
        self.line
            .extend_from_slice(&message[..message.len().min(room)]);
        self.lines += 1;
    }
}

impl<R: BufRead> Normalized<R> {
    pub fn new(inner: R, format: Format) -> Normalized<R> {
        Normalized {
            inner,
            format,
            out: Vec::new(),
            out_at: 0,
            holes: 0,
            after: Vec::new(),
            join: None,
            scratch: Vec::new(),
            eof: false,
            stdout_p: Finder::new(b" stdout P").into_owned(),
            stderr_p: Finder::new(b" stderr P").into_owned(),
            cut: Arc::new(AtomicU64::new(0)),
        }
    }

    /// Ends the record being joined: its line, then the holes for the lines it took.
    fn finish_join(&mut self) {
        if let Some(j) = self.join.take() {
            if j.cut {
                self.cut.fetch_add(1, Ordering::Relaxed);
            }
            self.out.extend_from_slice(&j.line);
            self.out.push(b'\n');
            self.holes += j.lines.saturating_sub(1);
        }
    }

    /// A line that is no record: it ends any join and goes out as it is.
    fn raw(&mut self, line: &[u8]) {
        if self.join.is_some() {
            self.finish_join();
            self.after.extend_from_slice(line);
        } else {
            self.out.extend_from_slice(line);
        }
    }

    fn cri_line(&mut self, line: &[u8]) {
        let body = line.strip_suffix(b"\n").unwrap_or(line);
        match container_formats::prefix_len(body) {
            Some((start, true)) => {
                let j = self.join.get_or_insert_with(|| Join {
                    line: body[..start].to_vec(),
                    lines: 0,
                    cut: false,
                });
                j.push(&body[start..]);
            }
            Some((start, false)) if self.join.is_some() => {
                if let Some(j) = self.join.as_mut() {
                    j.push(&body[start..]);
                }
                self.finish_join();
            }
            _ => self.raw(line),
        }
    }

    fn docker_line(&mut self, line: &[u8]) {
        let body = line.strip_suffix(b"\n").unwrap_or(line);
        let Some(r) = container_formats::docker_record(body) else {
            return self.raw(line);
        };
        let (message, partial) = match r.log.strip_suffix('\n') {
            Some(m) => (m, false),
            None => (&*r.log, true),
        };
        // A newline inside a message would split the record: kept as the escape it was.
        let message = message.replace('\n', "\\n");
        if self.join.is_none() {
            let stream = match r.stream.as_deref() {
                Some("stderr") => "stderr",
                _ => "stdout",
            };
            let prefix = format!("{} {stream} F ", r.time);
            self.join = Some(Join {
                line: prefix.into_bytes(),
                lines: 0,
                cut: false,
            });
        }
        if let Some(j) = self.join.as_mut() {
            j.push(message.as_bytes());
        }
        if !partial {
            self.finish_join();
        }
    }

    /// One line pushed (a follower's, as it comes): the normalised lines it completes,
    /// without their newlines; holes are left out (a follower numbers lines itself).
    pub fn push(&mut self, line: &[u8]) -> Vec<Vec<u8>> {
        match self.format {
            Format::Cri => self.cri_line(line),
            Format::DockerJson => self.docker_line(line),
        }
        self.holes = 0;
        let mut done = Vec::new();
        for part in [
            std::mem::take(&mut self.out),
            std::mem::take(&mut self.after),
        ] {
            if !part.is_empty() {
                done.push(part.strip_suffix(b"\n").unwrap_or(&part).to_vec());
            }
        }
        done
    }

    /// A record is being joined (its end has not come yet).
    pub fn joining(&self) -> bool {
        self.join.is_some()
    }

    /// CRI without a join in progress: the chunk's whole lines up to the first that may be a
    /// `P` record, straight into `buf`. `None` when the next line needs a look of its own.
    fn copy_through(&mut self, buf: &mut [u8]) -> io::Result<Option<usize>> {
        let chunk = self.inner.fill_buf()?;
        let Some(last) = memchr::memrchr(b'\n', chunk) else {
            return Ok(None);
        };
        let region = &chunk[..=last];
        let p = match (self.stdout_p.find(region), self.stderr_p.find(region)) {
            (Some(a), Some(b)) => Some(a.min(b)),
            (a, b) => a.or(b),
        };
        let clean = match p {
            Some(p) => memchr::memrchr(b'\n', &region[..p]).map_or(0, |nl| nl + 1),
            None => region.len(),
        };
        let n = if clean <= buf.len() {
            clean
        } else {
            memchr::memrchr(b'\n', &region[..buf.len()]).map_or(0, |nl| nl + 1)
        };
        if n == 0 {
            return Ok(None);
        }
        buf[..n].copy_from_slice(&region[..n]);
        self.inner.consume(n);
        Ok(Some(n))
    }
}

impl<R: BufRead> Read for Normalized<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        if buf.is_empty() {
            return Ok(0);
        }
        loop {
            if self.out_at < self.out.len() {
                let n = (self.out.len() - self.out_at).min(buf.len());
                buf[..n].copy_from_slice(&self.out[self.out_at..self.out_at + n]);
                self.out_at += n;
                return Ok(n);
            }
            if self.holes > 0 {
                let n = usize::try_from(self.holes)
                    .unwrap_or(usize::MAX)
                    .min(buf.len());
                buf[..n].fill(b'\n');
                self.holes -= n as u64;
                return Ok(n);
            }
            self.out.clear();
            self.out_at = 0;
            if !self.after.is_empty() {
                std::mem::swap(&mut self.out, &mut self.after);
                continue;
            }
            if self.eof {
                return Ok(0);
            }
            if self.format == Format::Cri && self.join.is_none() {
                if let Some(n) = self.copy_through(buf)? {
                    return Ok(n);
                }
            }
            let mut line = std::mem::take(&mut self.scratch);
            line.clear();
            // The reader below is behind the line cap, so one line is bounded.
            if self.inner.read_until(b'\n', &mut line)? == 0 {
                self.eof = true;
                self.finish_join();
            } else {
                match self.format {
                    Format::Cri => self.cri_line(&line),
                    Format::DockerJson => self.docker_line(&line),
                }
            }
            self.scratch = line;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn normalize(input: &[u8], format: Format) -> (String, u64) {
        let mut n = Normalized::new(io::BufReader::with_capacity(64, input), format);
        let mut out = Vec::new();
        n.read_to_end(&mut out).unwrap();
        (
            String::from_utf8(out).unwrap(),
            n.cut.load(Ordering::Relaxed),
        )
    }

    #[test]
    fn partial_runs_become_one_line_and_keep_the_line_count() {
        let input = b"2026-12-01T10:00:00Z stdout F first\n\
            2026-12-01T10:00:01Z stderr P one \n\
            2026-12-01T10:00:01Z stderr P two \n\
            2026-12-01T10:00:01Z stderr F three\n\
            2026-12-01T10:00:02Z stdout F last\n";
        let (out, cut) = normalize(input, Format::Cri);
        assert_eq!(
            out,
            "2026-12-01T10:00:00Z stdout F first\n\
             2026-12-01T10:00:01Z stderr P one two three\n\n\n\
             2026-12-01T10:00:02Z stdout F last\n"
        );
        assert_eq!(cut, 0);
    }

    #[test]
    fn a_run_without_its_end_is_emitted_at_the_end_and_a_stray_line_ends_it() {
        let (out, _) = normalize(
            b"2026-12-01T10:00:01Z stdout P a\n2026-12-01T10:00:01Z stdout P b",
            Format::Cri,
        );
        assert_eq!(out, "2026-12-01T10:00:01Z stdout P ab\n\n");
        let (out, _) = normalize(
            b"2026-12-01T10:00:01Z stdout P a\ngarbage\n2026-12-01T10:00:02Z stdout F z\n",
            Format::Cri,
        );
        assert_eq!(
            out,
            "2026-12-01T10:00:01Z stdout P a\ngarbage\n2026-12-01T10:00:02Z stdout F z\n"
        );
    }

    #[test]
    fn docker_records_are_decoded_and_split_ones_joined() {
        let input = br#"{"log":"ERROR \u001b[31mred\u001b[0m \"q\"\n","stream":"stderr","time":"2026-12-01T10:00:00.5Z"}
{"log":"part one ","stream":"stdout","time":"2026-12-01T10:00:01Z"}
{"log":"part two\n","stream":"stdout","time":"2026-12-01T10:00:01Z"}
{"log": not json
"#;
        let (out, _) = normalize(input, Format::DockerJson);
        assert_eq!(
            out,
            "2026-12-01T10:00:00.5Z stderr F ERROR \u{1b}[31mred\u{1b}[0m \"q\"\n\
             2026-12-01T10:00:01Z stdout F part one part two\n\n\
             {\"log\": not json\n"
        );
    }
}
