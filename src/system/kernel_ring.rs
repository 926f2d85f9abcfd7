//! The kernel ring buffer (`/dev/kmsg`) as this process has read it so far. One read of
//! /dev/kmsg returns one record, so reading the ring costs a syscall per record: 1,600
//! records here were ~4 ms, most of an `oncall mem`. A long-lived process (`oncall mcp`,
//! `oncall serve`'s sampler) and triage, which looks at the ring three times, need not read
//! it again each time: the records read are kept with the open descriptor, and a later look
//! reads only the records logged since (usually none: one read that says EAGAIN).
//!
//! What a visit sees is what a fresh read would see: records the kernel has overwritten since
//! are dropped (a fresh descriptor's first record says which sequence number the ring starts
//! at now), and an EPIPE (our position was overwritten) drops everything kept, as all of it
//! is older. Bounded: at most `MAX_KEPT_BYTES` of record text; the ring itself is usually far
//! smaller (log_buf_len, 128 KiB to a few MiB).

use std::collections::VecDeque;
use std::fs::File;
use std::io::{ErrorKind, Read};
use std::os::unix::fs::OpenOptionsExt;
use std::sync::Mutex;

/// More than any ring buffer this is likely to meet holds as text.
const MAX_KEPT_BYTES: usize = 16 << 20;

struct Ring {
    file: File,
    /// (sequence number, record text), oldest first.
    records: VecDeque<(u64, Box<str>)>,
    bytes: usize,
}

static RING: Mutex<Option<Ring>> = Mutex::new(None);

fn open() -> Result<File, String> {
    std::fs::OpenOptions::new()
        .read(true)
        .custom_flags(rustix::fs::OFlags::NONBLOCK.bits() as i32)
        .open("/dev/kmsg")
        .map_err(|e| match e.kind() {
            ErrorKind::PermissionDenied => {
                "kernel log not readable (dmesg_restrict): run as root".to_string()
            }
            ErrorKind::NotFound => {
                "no kernel log here (/dev/kmsg is absent, as in many containers)".to_string()
            }
            _ => format!("kernel log not readable: {e}"),
        })
}

/// A record's sequence number: the second field of `prio,seq,usec,flags;message`.
fn seq_of(record: &str) -> Option<u64> {
    let header = record.split_once(';')?.0;
    header.split(',').nth(1)?.parse().ok()
}

enum Next {
    Record(String),
    /// Records were overwritten before this descriptor read them.
    Lost,
    End,
}

fn read_one(f: &mut File, buf: &mut [u8]) -> Result<Next, String> {
    loop {
        return match f.read(buf) {
            Ok(0) => Ok(Next::End),
            Ok(n) => Ok(Next::Record(
                String::from_utf8_lossy(&buf[..n]).into_owned(),
            )),
            Err(e) if e.kind() == ErrorKind::WouldBlock => Ok(Next::End),
            Err(e) if e.raw_os_error() == Some(rustix::io::Errno::PIPE.raw_os_error()) => {
                Ok(Next::Lost)
            }
            Err(e) if e.kind() == ErrorKind::Interrupted => continue,
            Err(e) => Err(format!("kernel log not readable: {e}")),
        };
    }
}

impl Ring {
    /// Reads what was logged since the last read.
    fn catch_up(&mut self) -> Result<(), String> {
        // One record is at most 8 KiB (a smaller buffer is EINVAL).
        let mut buf = vec![0u8; 8192];
        // Bounded anyway: the ring holds a finite number of records.
        for _ in 0..1_000_000 {
            match read_one(&mut self.file, &mut buf)? {
                Next::End => break,
                Next::Lost => {
                    self.records.clear();
                    self.bytes = 0;
                }
                Next::Record(r) => {
                    let seq = seq_of(&r)
                        .or_else(|| self.records.back().map(|b| b.0))
                        .unwrap_or(0);
                    self.bytes += r.len();
                    self.records.push_back((seq, r.into_boxed_str()));
                    while self.bytes > MAX_KEPT_BYTES {
                        let Some((_, old)) = self.records.pop_front() else {
                            break;
                        };
                        self.bytes -= old.len();
                    }
                }
            }
        }
        Ok(())
    }

    /// Drops the records the kernel no longer holds.
    fn forget_overwritten(&mut self) -> Result<(), String> {
        let mut probe = open()?;
        let mut buf = vec![0u8; 8192];
        let first = loop {
            match read_one(&mut probe, &mut buf)? {
                Next::Record(r) => break seq_of(&r),
                Next::Lost => continue,
                // An empty ring: nothing kept is there any more.
                Next::End => break Some(u64::MAX),
            }
        };
        let Some(first) = first else {
            return Ok(());
        };
        while self.records.front().is_some_and(|r| r.0 < first) {
            if let Some((_, old)) = self.records.pop_front() {
                self.bytes -= old.len();
            }
        }
        Ok(())
    }
}

/// Calls `visit` with each record of `/dev/kmsg`, oldest first, without blocking.
pub fn for_each_record(mut visit: impl FnMut(&str)) -> Result<(), String> {
    let mut guard = RING.lock().unwrap_or_else(|p| p.into_inner());
    let kept = guard.is_some();
    let ring = match guard.as_mut() {
        Some(r) => r,
        None => guard.insert(Ring {
            file: open()?,
            records: VecDeque::new(),
            bytes: 0,
        }),
    };
    let caught_up = ring.catch_up().and_then(|()| {
        // A descriptor opened just now started at the ring's first record.
        if kept {
            ring.forget_overwritten()
        } else {
            Ok(())
        }
    });
    if let Err(e) = caught_up {
        // Start afresh next time (the log may have become readable, or not).
        *guard = None;
        return Err(e);
    }
    for (_, record) in &ring.records {
        visit(record);
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write;

    fn fresh_read() -> Vec<(u64, String)> {
        let mut f = open().unwrap();
        let mut buf = vec![0u8; 8192];
        let mut out = Vec::new();
        loop {
            match read_one(&mut f, &mut buf).unwrap() {
                Next::Record(r) => out.push((seq_of(&r).unwrap(), r)),
                Next::Lost => continue,
                Next::End => return out,
            }
        }
    }

    fn visited() -> Vec<(u64, String)> {
        let mut out = Vec::new();
        for_each_record(|r| out.push((seq_of(r).unwrap(), r.to_string()))).unwrap();
        out
    }

    /// The real ring: a record logged between two looks is seen once, and what a look
    /// visits is exactly what a descriptor opened afterwards reads, up to that look's last
    /// record (other processes may log meanwhile).
    #[test]
    fn a_later_look_sees_what_a_fresh_read_sees() {
        if open().is_err() {
            eprintln!("skipped: /dev/kmsg is not readable here");
            return;
        }
        let marker = format!(
            "oncall-kernel-ring-test-{}-{:?}",
            std::process::id(),
            std::time::SystemTime::now()
        );
        let first = visited();
        let wrote = std::fs::OpenOptions::new()
            .write(true)
            .open("/dev/kmsg")
            .and_then(|mut k| k.write_all(format!("<6>{marker}\n").as_bytes()));
        let second = visited();
        let fresh = fresh_read();
        if wrote.is_ok() {
            let seen = second.iter().filter(|r| r.1.contains(&marker)).count();
            assert_eq!(seen, 1, "the record logged between the looks, once");
            assert!(!first.iter().any(|r| r.1.contains(&marker)));
        }
        let last = second.last().map_or(0, |r| r.0);
        let upto: Vec<_> = fresh.into_iter().filter(|r| r.0 <= last).collect();
        assert_eq!(second, upto, "kept + new = a fresh read");
        assert!(
            second.windows(2).all(|w| w[0].0 < w[1].0),
            "in order, once each"
        );
    }

    #[test]
    fn sequence_numbers() {
        assert_eq!(seq_of("6,1234,5000,-;x"), Some(1234));
        assert_eq!(seq_of("6,x,5000,-;x"), None);
        assert_eq!(seq_of("no header"), None);
    }
}
