//! `logs tail -f`: follow files by name, as `tail -F`, without losing lines.
//!
//! One inotify watch per parent directory (so renames, creations and deletions of the file
//! are seen, not only writes), plus a short poll as a safety net for filesystems that send no
//! events (NFS, FUSE) or when watches run out. On every wake-up each followed name is checked:
//! - the open handle is read to its end first, so lines written before a rename come first;
//! - the name now points to another inode (rename, create): the old handle is kept and drained
//!   until it has been quiet for a grace period (a writer keeps its old handle a moment after
//!   logrotate's rename), and the new file is read from its start;
//! - the file shrank, or the bytes just before our offset changed (copytruncate, then new
//!   writes): read again from the start; lines written between our last read and the
//!   truncation are lost to every reader, the known limit of copytruncate;
//! - a file that does not exist yet is picked up when it appears;
//! - NUL bytes at the start of a line (a writer without O_APPEND after a truncation leaves a
//!   hole) are reported, not printed.
//!
//! The sink may name the descriptor its reader is on (`FollowSink::reader_fd`): it is polled
//! with the watch, so a closed pipe (`| head -1`: POLLERR on the write end) or a hung-up
//! terminal ends the follow within one wake-up, with no line needed to fail on.

use crate::logs::timestamps::{Clock, Parser};
use grep_matcher::Matcher;
use grep_regex::RegexMatcher;
use inotify::{Inotify, WatchMask};
use std::fs::{self, File};
use std::io;
use std::os::fd::{AsRawFd, RawFd};
use std::os::unix::fs::{FileExt, MetadataExt};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

#[derive(Debug, Clone)]
pub enum Notice {
    Appeared,
    Rotated,
    Vanished,
    Truncated,
    NulHole(u64),
    /// No inotify: following by polling.
    Polling(String),
}

/// Where followed lines go. Implemented by the renderer.
pub trait FollowSink {
    fn line(
        &mut self,
        path: &Path,
        line_number: Option<u64>,
        text: &[u8],
        timestamp: Option<i64>,
    ) -> io::Result<()>;
    fn notice(&mut self, path: &Path, notice: Notice);
    /// End of one wake-up: a good moment to flush.
    fn flush(&mut self) -> io::Result<()>;
    /// The descriptor the lines are written to, if the sink can tell (stdout): when its reader
    /// goes away, following ends.
    fn reader_fd(&self) -> Option<RawFd> {
        None
    }
}

#[derive(Debug, Clone)]
pub struct FollowOptions {
    pub grep: Option<RegexMatcher>,
    /// How long a rotated-away file must be quiet before we stop reading it.
    pub drain_grace: Duration,
    /// The safety-net poll with inotify, and the poll interval without it.
    pub poll: Duration,
    /// Parse each line's timestamp (JSON output) with this clock.
    pub timestamps: Option<Clock>,
    /// Poll only, no inotify (what happens anyway when inotify is unavailable).
    pub force_poll: bool,
}

impl Default for FollowOptions {
    fn default() -> Self {
        FollowOptions {
            grep: None,
            drain_grace: Duration::from_secs(2),
            poll: Duration::from_millis(250),
            timestamps: None,
            force_poll: false,
        }
    }
}

/// Where to start on a file that is already open.
#[derive(Debug, Clone)]
pub struct Start {
    pub path: PathBuf,
    /// Offset just past the lines already shown; `None`: the file does not exist yet.
    pub offset: Option<u64>,
    pub line_number: Option<u64>,
    /// The bytes just before `offset` as they were read (see `Handle::check`).
    pub bytes_before: Vec<u8>,
}

/// Bytes kept from just before our offset, to notice a file rewritten under us.
const CHECK_LEN: usize = 64;

struct Handle {
    file: File,
    ino: (u64, u64),
    offset: u64,
    partial: Vec<u8>,
    check: Vec<u8>,
    line_number: Option<u64>,
    last_growth: Instant,
}

impl Handle {
    /// `seen`: the bytes before `offset` as the caller read them; empty: read them now.
    fn open(path: &Path, offset: u64, line_number: Option<u64>, seen: &[u8]) -> io::Result<Handle> {
        let file = File::open(path)?;
        let m = file.metadata()?;
        let mut h = Handle {
            file,
            ino: (m.dev(), m.ino()),
            offset,
            partial: Vec::new(),
            check: Vec::new(),
            line_number,
            last_growth: Instant::now(),
        };
        if !seen.is_empty() {
            h.check = seen[seen.len().saturating_sub(CHECK_LEN)..].to_vec();
        } else if offset > 0 {
            let start = offset.saturating_sub(CHECK_LEN as u64);
            let mut buf = vec![0u8; (offset - start) as usize];
            if h.file.read_exact_at(&mut buf, start).is_ok() {
                h.check = buf;
            }
        }
        Ok(h)
    }

    fn restart(&mut self) {
        self.offset = 0;
        self.partial.clear();
        self.check.clear();
        self.line_number = Some(0);
    }
}

struct Followed {
    path: PathBuf,
    current: Option<Handle>,
    draining: Vec<Handle>,
    stamps: Stamps,
}

/// A followed name's timestamp format, detected from the first lines that carry one.
#[derive(Default)]
struct Stamps {
    parser: Option<Parser>,
    tries: u32,
}

impl Stamps {
    fn of(&mut self, line: &[u8], clock: Option<&Clock>) -> Option<i64> {
        let clock = clock?;
        if self.parser.is_none() && self.tries < 1000 {
            self.tries += 1;
            self.parser = Parser::detect(line, clock);
        }
        self.parser.as_ref()?.parse(line)
    }
}

pub struct Follower {
    files: Vec<Followed>,
    opts: FollowOptions,
    buf: Vec<u8>,
}

impl Follower {
    pub fn new(starts: Vec<Start>, opts: FollowOptions) -> Follower {
        let files = starts
            .into_iter()
            .map(|s| Followed {
                current: s
                    .offset
                    .and_then(|o| Handle::open(&s.path, o, s.line_number, &s.bytes_before).ok()),
                path: s.path,
                draining: Vec::new(),
                stamps: Stamps::default(),
            })
            .collect();
        Follower {
            files,
            opts,
            buf: vec![0u8; 256 * 1024],
        }
    }

    /// Follows until the sink's reader is gone (a closed pipe), the sink fails, or the process
    /// is interrupted.
    pub fn run(&mut self, sink: &mut dyn FollowSink) -> io::Result<()> {
        let watched = if self.opts.force_poll {
            Err(io::Error::other("polling requested"))
        } else {
            self.watch()
        };
        let mut inotify = match watched {
            Ok(i) => Some(i),
            Err(e) => {
                if let Some(f) = self.files.first() {
                    sink.notice(&f.path, Notice::Polling(e.to_string()));
                }
                None
            }
        };
        let mut events = vec![0u8; 64 * 1024];
        let reader = sink.reader_fd();
        loop {
            self.check_all(sink)?;
            sink.flush()?;
            match inotify.as_mut() {
                Some(ino) => {
                    if wait(Some(ino.as_raw_fd()), reader, self.opts.poll) == Woke::ReaderGone {
                        return Ok(());
                    }
                    // Drain the queue; which event it was does not matter, every name is
                    // checked (there are few).
                    loop {
                        match ino.read_events(&mut events) {
                            Ok(mut evs) => {
                                if evs.next().is_none() {
                                    break;
                                }
                            }
                            Err(e) if e.kind() == io::ErrorKind::WouldBlock => break,
                            Err(_) => break,
                        }
                    }
                }
                None => {
                    let interval = self.opts.poll.min(Duration::from_millis(100));
                    if wait(None, reader, interval) == Woke::ReaderGone {
                        return Ok(());
                    }
                }
            }
        }
    }

    fn watch(&self) -> io::Result<Inotify> {
        let ino = Inotify::init()?;
        let mut dirs: Vec<PathBuf> = Vec::new();
        for f in &self.files {
            let dir = match f.path.parent() {
                Some(d) if !d.as_os_str().is_empty() => d.to_path_buf(),
                _ => PathBuf::from("."),
            };
            if !dirs.contains(&dir) {
                ino.watches().add(
                    &dir,
                    WatchMask::MODIFY
                        | WatchMask::CREATE
                        | WatchMask::MOVED_TO
                        | WatchMask::MOVED_FROM
                        | WatchMask::DELETE
                        | WatchMask::CLOSE_WRITE
                        | WatchMask::ATTRIB,
                )?;
                dirs.push(dir);
            }
        }
        Ok(ino)
    }

    /// One pass over every followed name. Public so tests can drive it step by step.
    pub fn check_all(&mut self, sink: &mut dyn FollowSink) -> io::Result<()> {
        for i in 0..self.files.len() {
            self.check(i, sink)?;
        }
        Ok(())
    }

    fn check(&mut self, i: usize, sink: &mut dyn FollowSink) -> io::Result<()> {
        let opts = self.opts.clone();
        let buf = &mut self.buf;
        let f = &mut self.files[i];
        // 1. What the open handle has, first: lines written before a rename come first.
        if let Some(h) = f.current.as_mut() {
            read_new(h, &f.path, buf, &opts, &mut f.stamps, sink)?;
        }
        // 2. Where the name points now.
        match fs::metadata(&f.path) {
            Ok(m) => {
                let ino = (m.dev(), m.ino());
                let switched = f.current.as_ref().is_none_or(|h| h.ino != ino);
                if switched {
                    if let Ok(mut h) = Handle::open(&f.path, 0, Some(0), &[]) {
                        if h.ino == ino {
                            let had = f.current.take();
                            sink.notice(
                                &f.path,
                                if had.is_some() {
                                    Notice::Rotated
                                } else {
                                    Notice::Appeared
                                },
                            );
                            if let Some(old) = had {
                                f.draining.push(old);
                            }
                            h.last_growth = Instant::now();
                            read_new(&mut h, &f.path, buf, &opts, &mut f.stamps, sink)?;
                            f.current = Some(h);
                        }
                    }
                }
            }
            Err(_) => {
                if let Some(old) = f.current.take() {
                    sink.notice(&f.path, Notice::Vanished);
                    f.draining.push(old);
                }
            }
        }
        // 3. Rotated-away handles: read what the writer still adds, until it goes quiet.
        let grace = opts.drain_grace;
        let mut k = 0;
        while k < f.draining.len() {
            read_new(&mut f.draining[k], &f.path, buf, &opts, &mut f.stamps, sink)?;
            if f.draining[k].last_growth.elapsed() >= grace {
                let mut h = f.draining.remove(k);
                flush_partial(&mut h, &f.path, &opts, &mut f.stamps, sink)?;
            } else {
                k += 1;
            }
        }
        Ok(())
    }
}

#[derive(Debug, PartialEq, Eq)]
enum Woke {
    /// An event, the timeout, or a signal: look at the files.
    Look,
    /// The reader's end of our output is closed (or the terminal hung up).
    ReaderGone,
}

/// Waits until `watch` is readable, `reader` reports an error or hang-up, or the timeout
/// passes. `reader` is polled for no event: POLLERR/POLLHUP are always reported, and a pipe's
/// write end shows POLLERR once its last reader closed.
fn wait(watch: Option<RawFd>, reader: Option<RawFd>, timeout: Duration) -> Woke {
    let mut pfds = [
        libc::pollfd {
            fd: watch.unwrap_or(-1),
            events: libc::POLLIN,
            revents: 0,
        },
        libc::pollfd {
            fd: reader.unwrap_or(-1),
            events: 0,
            revents: 0,
        },
    ];
    // A negative fd is ignored by poll(2): with neither, this is a plain sleep.
    // SAFETY: two valid pollfds for the duration of the call.
    unsafe {
        libc::poll(
            pfds.as_mut_ptr(),
            pfds.len() as libc::nfds_t,
            timeout.as_millis().min(i32::MAX as u128) as i32,
        );
    }
    if pfds[1].revents & (libc::POLLERR | libc::POLLHUP | libc::POLLNVAL) != 0 {
        Woke::ReaderGone
    } else {
        Woke::Look
    }
}

/// Reads everything past the handle's offset and emits the complete lines.
fn read_new(
    h: &mut Handle,
    path: &Path,
    buf: &mut [u8],
    opts: &FollowOptions,
    stamps: &mut Stamps,
    sink: &mut dyn FollowSink,
) -> io::Result<()> {
    let size = h.file.metadata()?.len();
    if size < h.offset || (size > h.offset && rewritten(h)) {
        sink.notice(path, Notice::Truncated);
        h.restart();
    }
    loop {
        let n = match h.file.read_at(buf, h.offset) {
            Ok(0) => break,
            Ok(n) => n,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(e),
        };
        h.last_growth = Instant::now();
        let data = &buf[..n];
        h.offset += n as u64;
        // Keep the last bytes read, to recognise the file later.
        if n >= CHECK_LEN {
            h.check.clear();
            h.check.extend_from_slice(&data[n - CHECK_LEN..]);
        } else {
            h.check.extend_from_slice(data);
            let over = h.check.len().saturating_sub(CHECK_LEN);
            h.check.drain(..over);
        }
        let mut start = 0;
        for nl in memchr::memchr_iter(b'\n', data) {
            if h.partial.is_empty() {
                emit(h, path, &data[start..nl], opts, stamps, sink)?;
            } else {
                let mut line = std::mem::take(&mut h.partial);
                line.extend_from_slice(&data[start..nl]);
                emit(h, path, &line, opts, stamps, sink)?;
            }
            start = nl + 1;
        }
        h.partial.extend_from_slice(&data[start..]);
    }
    Ok(())
}

/// Whether the bytes just before our offset are no longer what we read there.
fn rewritten(h: &Handle) -> bool {
    if h.check.is_empty() {
        return false;
    }
    let mut now = vec![0u8; h.check.len()];
    let at = h.offset - h.check.len() as u64;
    match h.file.read_exact_at(&mut now, at) {
        Ok(()) => now != h.check,
        Err(_) => true,
    }
}

fn emit(
    h: &mut Handle,
    path: &Path,
    line: &[u8],
    opts: &FollowOptions,
    stamps: &mut Stamps,
    sink: &mut dyn FollowSink,
) -> io::Result<()> {
    if let Some(n) = h.line_number.as_mut() {
        *n += 1;
    }
    let holes = line.iter().take_while(|b| **b == 0).count();
    if holes > 0 {
        sink.notice(path, Notice::NulHole(holes as u64));
    }
    let mut text = &line[holes..];
    if holes > 0 && text.is_empty() {
        return Ok(());
    }
    if let Some(stripped) = text.strip_suffix(b"\r") {
        text = stripped;
    }
    if let Some(m) = &opts.grep {
        if !m.is_match(text).unwrap_or(false) {
            return Ok(());
        }
    }
    let ts = stamps.of(text, opts.timestamps.as_ref());
    sink.line(path, h.line_number, text, ts)
}

/// A rotated-away file that ends without a newline: its last line is still a line.
fn flush_partial(
    h: &mut Handle,
    path: &Path,
    opts: &FollowOptions,
    stamps: &mut Stamps,
    sink: &mut dyn FollowSink,
) -> io::Result<()> {
    if h.partial.is_empty() {
        return Ok(());
    }
    let line = std::mem::take(&mut h.partial);
    emit(h, path, &line, opts, stamps, sink)
}
