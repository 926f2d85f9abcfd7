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
//!   hole) are reported, not printed;
//! - a line longer than `MAX_LINE_BYTES` is shown cut (and said so), the rest of it skipped: a
//!   writer that never ends a line costs bounded memory;
//! - the name pointing to something other than a regular file (a device, a FIFO) is said once
//!   and not read: it has no end.
//!
//! One wake-up reads at most `PASS_BYTES` per handle, then looks again at once: a file growing
//! faster than we read never keeps the loop from its other names and the reader check.
//!
//! The sink may name the descriptor its reader is on (`FollowSink::reader_fd`): it is polled
//! with the watch, so a closed pipe (`| head -1`: POLLERR on the write end) or a hung-up
//! terminal ends the follow within one wake-up, with no line needed to fail on.

use crate::logs::line_cap::MAX_LINE_BYTES;
use crate::logs::timestamps::{Clock, Parser};
use grep_matcher::Matcher;
use grep_regex::RegexMatcher;
use inotify::{Inotify, WatchMask};
use std::fs::{self, File};
use std::io;
use std::os::fd::{AsRawFd, RawFd};
use std::os::unix::fs::{FileExt, MetadataExt, OpenOptionsExt};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

#[derive(Debug, Clone)]
pub enum Notice {
    Appeared,
    Rotated,
    Vanished,
    Truncated,
    NulHole(u64),
    /// A line longer than `MAX_LINE_BYTES` (its number, when counted): its start was shown.
    LineCut(Option<u64>),
    /// The name is not a regular file (device, FIFO, socket): not read.
    NotRegular,
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
/// The most one wake-up reads from one handle before looking at the others again.
const PASS_BYTES: u64 = 16 << 20;

struct Handle {
    file: File,
    ino: (u64, u64),
    offset: u64,
    partial: Vec<u8>,
    check: Vec<u8>,
    line_number: Option<u64>,
    last_growth: Instant,
    /// Skipping the rest of a line that was cut at `MAX_LINE_BYTES`.
    skipping: bool,
}

impl Handle {
    /// `seen`: the bytes before `offset` as the caller read them; empty: read them now.
    fn open(path: &Path, offset: u64, line_number: Option<u64>, seen: &[u8]) -> io::Result<Handle> {
        // Non-blocking: a FIFO put in the file's place must not hang the open (regular files
        // ignore the flag); it is then refused as not a regular file.
        let file = fs::OpenOptions::new()
            .read(true)
            .custom_flags(libc::O_NONBLOCK)
            .open(path)?;
        let m = file.metadata()?;
        if !m.is_file() {
            return Err(io::Error::other("not a regular file"));
        }
        let mut h = Handle {
            file,
            ino: (m.dev(), m.ino()),
            offset,
            partial: Vec::new(),
            check: Vec::new(),
            line_number,
            last_growth: Instant::now(),
            skipping: false,
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
        self.skipping = false;
    }
}

struct Followed {
    path: PathBuf,
    current: Option<Handle>,
    draining: Vec<Handle>,
    stamps: Stamps,
    /// The name was found not to be a regular file (said once until it changes).
    refused: bool,
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
    /// The last pass stopped at `PASS_BYTES` with more to read: look again without waiting.
    behind: bool,
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
                refused: false,
            })
            .collect();
        Follower {
            files,
            opts,
            buf: vec![0u8; 256 * 1024],
            behind: false,
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
            let timeout = if self.behind {
                Duration::ZERO
            } else {
                self.opts.poll
            };
            match inotify.as_mut() {
                Some(ino) => {
                    if wait(Some(ino.as_raw_fd()), reader, timeout) == Woke::ReaderGone {
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
                    let interval = timeout.min(Duration::from_millis(100));
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
        self.behind = false;
        for i in 0..self.files.len() {
            self.check(i, sink)?;
        }
        Ok(())
    }

    fn check(&mut self, i: usize, sink: &mut dyn FollowSink) -> io::Result<()> {
        let opts = self.opts.clone();
        let buf = &mut self.buf;
        let f = &mut self.files[i];
        let mut behind = false;
        // 1. What the open handle has, first: lines written before a rename come first.
        if let Some(h) = f.current.as_mut() {
            behind |= read_new(h, &f.path, buf, &opts, &mut f.stamps, sink)?;
        }
        // 2. Where the name points now.
        match fs::metadata(&f.path) {
            Ok(m) if !m.is_file() => {
                if !f.refused {
                    f.refused = true;
                    sink.notice(&f.path, Notice::NotRegular);
                }
                if let Some(old) = f.current.take() {
                    f.draining.push(old);
                }
            }
            Ok(m) => {
                f.refused = false;
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
                            behind |= read_new(&mut h, &f.path, buf, &opts, &mut f.stamps, sink)?;
                            f.current = Some(h);
                        }
                    }
                }
            }
            Err(_) => {
                f.refused = false;
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
            behind |= read_new(&mut f.draining[k], &f.path, buf, &opts, &mut f.stamps, sink)?;
            if f.draining[k].last_growth.elapsed() >= grace {
                let mut h = f.draining.remove(k);
                flush_partial(&mut h, &f.path, &opts, &mut f.stamps, sink)?;
            } else {
                k += 1;
            }
        }
        self.behind |= behind;
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

/// Reads past the handle's offset (up to `PASS_BYTES`) and emits the complete lines. Returns
/// whether it stopped with more to read.
fn read_new(
    h: &mut Handle,
    path: &Path,
    buf: &mut [u8],
    opts: &FollowOptions,
    stamps: &mut Stamps,
    sink: &mut dyn FollowSink,
) -> io::Result<bool> {
    let size = h.file.metadata()?.len();
    if size < h.offset || (size > h.offset && rewritten(h)) {
        sink.notice(path, Notice::Truncated);
        h.restart();
    }
    let mut this_pass = 0u64;
    loop {
        if this_pass >= PASS_BYTES {
            return Ok(true);
        }
        let n = match h.file.read_at(buf, h.offset) {
            Ok(0) => break,
            Ok(n) => n,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(e),
        };
        this_pass += n as u64;
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
            piece(h, path, &data[start..nl], true, opts, stamps, sink)?;
            start = nl + 1;
        }
        piece(h, path, &data[start..], false, opts, stamps, sink)?;
    }
    Ok(false)
}

/// One piece of a line as read: the rest of a line (`ends_line`) or its start so far. Lines
/// are kept to `MAX_LINE_BYTES`: a longer one is emitted cut when it reaches that, and the rest
/// of it skipped.
fn piece(
    h: &mut Handle,
    path: &Path,
    piece: &[u8],
    ends_line: bool,
    opts: &FollowOptions,
    stamps: &mut Stamps,
    sink: &mut dyn FollowSink,
) -> io::Result<()> {
    if h.skipping {
        h.skipping = !ends_line;
        return Ok(());
    }
    let room = MAX_LINE_BYTES - h.partial.len();
    if piece.len() > room {
        let mut line = std::mem::take(&mut h.partial);
        line.extend_from_slice(&piece[..room]);
        if emit(h, path, &line, opts, stamps, sink)? {
            sink.notice(path, Notice::LineCut(h.line_number));
        }
        h.skipping = !ends_line;
    } else if !ends_line {
        h.partial.extend_from_slice(piece);
    } else if h.partial.is_empty() {
        emit(h, path, piece, opts, stamps, sink)?;
    } else {
        let mut line = std::mem::take(&mut h.partial);
        line.extend_from_slice(piece);
        emit(h, path, &line, opts, stamps, sink)?;
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

/// Emits one line (unless --grep drops it); returns whether it went to the sink.
fn emit(
    h: &mut Handle,
    path: &Path,
    line: &[u8],
    opts: &FollowOptions,
    stamps: &mut Stamps,
    sink: &mut dyn FollowSink,
) -> io::Result<bool> {
    if let Some(n) = h.line_number.as_mut() {
        *n += 1;
    }
    let holes = line.iter().take_while(|b| **b == 0).count();
    if holes > 0 {
        sink.notice(path, Notice::NulHole(holes as u64));
    }
    let mut text = &line[holes..];
    if holes > 0 && text.is_empty() {
        return Ok(false);
    }
    if let Some(stripped) = text.strip_suffix(b"\r") {
        text = stripped;
    }
    if let Some(m) = &opts.grep {
        if !m.is_match(text).unwrap_or(false) {
            return Ok(false);
        }
    }
    let ts = stamps.of(text, opts.timestamps.as_ref());
    sink.line(path, h.line_number, text, ts)?;
    Ok(true)
}

/// A rotated-away file that ends without a newline: its last line is still a line.
fn flush_partial(
    h: &mut Handle,
    path: &Path,
    opts: &FollowOptions,
    stamps: &mut Stamps,
    sink: &mut dyn FollowSink,
) -> io::Result<()> {
    h.skipping = false;
    if h.partial.is_empty() {
        return Ok(());
    }
    let line = std::mem::take(&mut h.partial);
    emit(h, path, &line, opts, stamps, sink)?;
    Ok(())
}
