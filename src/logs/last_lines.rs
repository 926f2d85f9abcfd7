//! `logs tail -n N`: the last N lines. A plain file is read backwards from its end in blocks,
//! so a 10 GB log costs a few reads; a compressed one must be decoded, keeping only N lines.

use crate::logs::sources::{Compression, Source};
use std::collections::VecDeque;
use std::fs::File;
use std::io::{self, BufRead, BufReader};
use std::os::unix::fs::FileExt;

#[derive(Debug, Default)]
pub struct LastLines {
    /// Complete lines, oldest first, without their newline.
    pub lines: Vec<Vec<u8>>,
    /// Line number of the first of them (1-based), when known.
    pub first_line_number: Option<u64>,
    /// Offset just past the last complete line: where following starts.
    pub end_offset: u64,
    /// Up to 64 bytes just before `end_offset`, as read: a follower compares them later to
    /// notice a file truncated and rewritten before it started.
    pub bytes_before_end: Vec<u8>,
}

const BLOCK: u64 = 64 * 1024;

/// `count_numbers`: also count the lines before them (costs a pass over the file).
/// `include_partial`: a last line without its newline counts (as `tail -n` shows it); a
/// follower leaves it out and finishes it when the writer does.
pub fn read(
    source: &Source,
    n: usize,
    count_numbers: bool,
    include_partial: bool,
) -> io::Result<LastLines> {
    match source.compression {
        Compression::None => plain(source, n, count_numbers, include_partial),
        _ => streamed(source, n),
    }
}

fn plain(
    source: &Source,
    n: usize,
    count_numbers: bool,
    include_partial: bool,
) -> io::Result<LastLines> {
    let file = File::open(&source.path)?;
    let len = file.metadata()?.len();
    // Only complete lines: a partial last line is left for the follower to finish.
    let mut end = len;
    let mut buf = vec![0u8; BLOCK as usize];
    let mut pos = len;
    let mut data: Vec<u8> = Vec::new();
    let mut newlines = 0usize;
    let mut found_end = include_partial;
    while pos > 0 {
        let start = pos.saturating_sub(BLOCK);
        let chunk = &mut buf[..(pos - start) as usize];
        file.read_exact_at(chunk, start)?;
        let mut chunk_vec = chunk.to_vec();
        if !found_end {
            match memchr::memrchr(b'\n', &chunk_vec) {
                Some(i) => {
                    end = start + i as u64 + 1;
                    chunk_vec.truncate(i + 1);
                    found_end = true;
                }
                None => {
                    pos = start;
                    continue;
                }
            }
        }
        newlines += memchr::memchr_iter(b'\n', &chunk_vec).count();
        chunk_vec.extend_from_slice(&data);
        data = chunk_vec;
        pos = start;
        if newlines > n {
            break;
        }
    }
    if !found_end || len == 0 {
        return Ok(LastLines {
            first_line_number: Some(1),
            ..LastLines::default()
        });
    }
    let bytes_before_end = data[data.len().saturating_sub(64)..].to_vec();
    let mut lines: Vec<Vec<u8>> = data
        .strip_suffix(b"\n")
        .unwrap_or(&data)
        .split(|b| *b == b'\n')
        .map(<[u8]>::to_vec)
        .collect();
    let drop = lines.len().saturating_sub(n);
    // The first piece may be a partial line when we stopped mid-file; it is dropped here.
    let consumed: u64 = lines[..drop].iter().map(|l| l.len() as u64 + 1).sum();
    lines.drain(..drop);
    let first_line_number = if count_numbers {
        let prefix_end = pos + consumed;
        let mut count = 0u64;
        let mut off = 0u64;
        while off < prefix_end {
            let k = BLOCK.min(prefix_end - off) as usize;
            file.read_exact_at(&mut buf[..k], off)?;
            count += buf[..k].iter().filter(|b| **b == b'\n').count() as u64;
            off += k as u64;
        }
        Some(count + 1)
    } else {
        None
    };
    Ok(LastLines {
        lines,
        first_line_number,
        end_offset: end,
        bytes_before_end,
    })
}

fn streamed(source: &Source, n: usize) -> io::Result<LastLines> {
    let mut r = BufReader::with_capacity(256 * 1024, source.open()?);
    let mut ring: VecDeque<Vec<u8>> = VecDeque::with_capacity(n + 1);
    let mut total = 0u64;
    let mut line = Vec::new();
    loop {
        line.clear();
        if r.read_until(b'\n', &mut line)? == 0 {
            break;
        }
        if line.last() == Some(&b'\n') {
            line.pop();
        }
        total += 1;
        if n == 0 {
            continue;
        }
        if ring.len() == n {
            let mut old = ring.pop_front().unwrap_or_default();
            old.clear();
            old.extend_from_slice(&line);
            ring.push_back(old);
        } else {
            ring.push_back(line.clone());
        }
    }
    let lines: Vec<Vec<u8>> = ring.into_iter().collect();
    Ok(LastLines {
        first_line_number: Some(total - lines.len() as u64 + 1),
        lines,
        end_offset: source.len,
        bytes_before_end: Vec::new(),
    })
}
