//! `oncall disk usage PATH`: what fills a directory, by a parallel walk.
//!
//! Workers share a stack of directories still to read (LIFO keeps it small: roughly depth ×
//! fan-out, never the whole tree). Each reads a directory with `getdents64` into a reused
//! buffer and `fstatat`s every entry relative to the directory's fd, as `du` does, but on
//! every core. Memory stays bounded: per-worker totals, a top-N heap of files, one total per
//! child of PATH, and the (dev, inode) pairs of files with more than one link (so a hard link
//! is counted once, as `du` does; files with one link, the vast majority, are not remembered).

use crate::error::Error;
use rustix::fs::{AtFlags, FileType, Mode, OFlags, RawDir};
use serde::Serialize;
use std::cmp::Reverse;
use std::collections::{BinaryHeap, HashSet};
use std::ffi::{CStr, OsStr};
use std::mem::MaybeUninit;
use std::os::fd::OwnedFd;
use std::os::unix::ffi::OsStrExt;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{mpsc, Arc, Condvar, Mutex};
use std::time::{Duration, Instant};

#[derive(Debug, Clone)]
pub struct UsageOptions {
    pub path: PathBuf,
    pub one_file_system: bool,
    pub top: usize,
    /// Walker threads; 0 = one per core.
    pub threads: usize,
}

/// Counters so far, for a progress line.
#[derive(Debug, Clone, Copy)]
pub struct Progress {
    pub files: u64,
    pub dirs: u64,
    pub allocated_bytes: u64,
    pub elapsed: Duration,
}

#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct Largest {
    #[schemars(extend("x-oncall-untrusted" = true))]
    pub path: String,
    /// `dir` (a directory directly under PATH, with everything below it) or `file`.
    pub kind: &'static str,
    pub allocated_bytes: u64,
    pub apparent_bytes: u64,
}

#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct UsageReport {
    #[schemars(extend("x-oncall-untrusted" = true))]
    pub path: String,
    /// Space on disk (`du`, `du -B1`): blocks allocated, sparse holes not counted.
    pub allocated_bytes: u64,
    /// Sum of file sizes (`du -b`).
    pub apparent_bytes: u64,
    /// Everything that is not a directory: files, symlinks, sockets, devices.
    pub files: u64,
    pub dirs: u64,
    /// Largest directories directly under PATH, then largest files anywhere, each by allocated size.
    pub largest: Vec<Largest>,
    /// Directories we could not list (their contents are missing from the totals).
    pub unreadable_dirs: u64,
    /// A few of them, to say which.
    #[schemars(extend("x-oncall-untrusted" = true))]
    pub unreadable_examples: Vec<String>,
    /// Extra names of hard-linked files that were not counted again.
    pub hard_links_skipped: u64,
    pub one_file_system: bool,
}

/// A directory waiting to be read; `top` is the index of PATH's child it lies under.
struct Job {
    path: PathBuf,
    top: usize,
}

const NO_TOP: usize = usize::MAX;
const MAX_EXAMPLES: usize = 5;

struct Queue {
    jobs: Vec<Job>,
    busy: usize,
}

struct Shared {
    queue: Mutex<Queue>,
    ready: Condvar,
    linked: Mutex<HashSet<(u64, u64)>>,
    stop: Arc<AtomicBool>,
    counters: Arc<Counters>,
    root_dev: u64,
    one_fs: bool,
    top: usize,
}

/// What the walk has counted so far, bumped by the workers, read for the progress line.
#[derive(Default)]
struct Counters {
    files: AtomicU64,
    dirs: AtomicU64,
    bytes: AtomicU64,
}

/// One worker's sums; merged at the end.
#[derive(Default)]
struct Tally {
    allocated: u64,
    apparent: u64,
    files: u64,
    dirs: u64,
    links_skipped: u64,
    unreadable: u64,
    examples: Vec<String>,
    per_top: Vec<(u64, u64)>,
    largest_files: BinaryHeap<Reverse<(u64, u64, PathBuf)>>,
}

impl Tally {
    fn add_top(&mut self, top: usize, allocated: u64, apparent: u64) {
        if top == NO_TOP {
            return;
        }
        if self.per_top.len() <= top {
            self.per_top.resize(top + 1, (0, 0));
        }
        self.per_top[top].0 += allocated;
        self.per_top[top].1 += apparent;
    }

    fn offer_file(
        &mut self,
        n: usize,
        allocated: u64,
        apparent: u64,
        path: impl FnOnce() -> PathBuf,
    ) {
        if n == 0 {
            return;
        }
        if self.largest_files.len() < n {
            self.largest_files
                .push(Reverse((allocated, apparent, path())));
        } else if let Some(Reverse((smallest, ..))) = self.largest_files.peek() {
            if allocated > *smallest {
                self.largest_files.pop();
                self.largest_files
                    .push(Reverse((allocated, apparent, path())));
            }
        }
    }

    fn unreadable(&mut self, path: &Path) {
        self.unreadable += 1;
        if self.examples.len() < MAX_EXAMPLES {
            self.examples.push(path.display().to_string());
        }
    }
}

#[allow(clippy::unnecessary_cast, clippy::useless_conversion)]
fn sizes(st: &rustix::fs::Stat) -> (u64, u64) {
    // st_blocks is in 512-byte units whatever the filesystem block size.
    (
        (st.st_blocks as u64).saturating_mul(512),
        (st.st_size as i64).max(0) as u64,
    )
}

#[allow(clippy::unnecessary_cast, clippy::useless_conversion)]
fn identity(st: &rustix::fs::Stat) -> (u64, u64, u64) {
    (st.st_dev as u64, st.st_ino as u64, st.st_nlink as u64)
}

/// Walks `opts.path`. `cancel` is polled often (Ctrl-C → `Error::Interrupted` at once);
/// `progress` is called about ten times a second with the counters so far.
///
/// The walk runs on threads of its own, and this thread only waits for it: a walk stuck in
/// the kernel on a dead NFS mount (stat, getdents) cannot be interrupted or joined, so on
/// Ctrl-C it is left behind and the process exits without it.
pub fn walk(
    opts: &UsageOptions,
    cancel: &Arc<AtomicBool>,
    progress: &mut dyn FnMut(&Progress),
) -> Result<UsageReport, Error> {
    let started = Instant::now();
    let counters = Arc::new(Counters::default());
    let (done_tx, done_rx) = mpsc::channel();
    {
        let (opts, cancel, counters) = (opts.clone(), Arc::clone(cancel), Arc::clone(&counters));
        std::thread::spawn(move || {
            let _ = done_tx.send(walk_here(&opts, &cancel, counters));
        });
    }
    loop {
        match done_rx.recv_timeout(Duration::from_millis(100)) {
            Ok(result) => return result,
            Err(mpsc::RecvTimeoutError::Timeout) if cancel.load(Ordering::Relaxed) => {
                return Err(Error::Interrupted)
            }
            Err(mpsc::RecvTimeoutError::Timeout) => progress(&Progress {
                files: counters.files.load(Ordering::Relaxed),
                dirs: counters.dirs.load(Ordering::Relaxed),
                allocated_bytes: counters.bytes.load(Ordering::Relaxed),
                elapsed: started.elapsed(),
            }),
            Err(mpsc::RecvTimeoutError::Disconnected) => {
                return Err(Error::Usage("disk usage: the walk failed".into()))
            }
        }
    }
}

/// The walk itself, on the calling thread and `threads` workers.
fn walk_here(
    opts: &UsageOptions,
    cancel: &Arc<AtomicBool>,
    counters: Arc<Counters>,
) -> Result<UsageReport, Error> {
    let root = &opts.path;
    let shown = root.display().to_string();
    let st = rustix::fs::stat(root).map_err(|e| Error::usage(&shown, std::io::Error::from(e)))?;
    let (allocated, apparent) = sizes(&st);
    let (root_dev, _, _) = identity(&st);
    let mut report = UsageReport {
        path: shown.clone(),
        allocated_bytes: allocated,
        apparent_bytes: apparent,
        files: 0,
        dirs: 0,
        largest: Vec::new(),
        unreadable_dirs: 0,
        unreadable_examples: Vec::new(),
        hard_links_skipped: 0,
        one_file_system: opts.one_file_system,
    };
    if FileType::from_raw_mode(st.st_mode) != FileType::Directory {
        report.files = 1;
        return Ok(report);
    }
    report.dirs = 1;
    counters.dirs.store(1, Ordering::Relaxed);
    counters.bytes.store(allocated, Ordering::Relaxed);
    let shared = Arc::new(Shared {
        queue: Mutex::new(Queue {
            jobs: Vec::new(),
            busy: 0,
        }),
        ready: Condvar::new(),
        linked: Mutex::new(HashSet::new()),
        stop: Arc::clone(cancel),
        counters,
        root_dev,
        one_fs: opts.one_file_system,
        top: opts.top,
    });

    // PATH itself is read here, so that each child directory gets its index for the
    // "largest directories" list.
    let mut first = Tally::default();
    let mut children: Vec<PathBuf> = Vec::new();
    let fd = rustix::fs::open(
        root,
        OFlags::RDONLY | OFlags::DIRECTORY | OFlags::CLOEXEC,
        Mode::empty(),
    )
    .map_err(|e| Error::usage(&shown, std::io::Error::from(e)))?;
    let mut buf = vec![MaybeUninit::<u8>::uninit(); 64 * 1024];
    let mut jobs = Vec::new();
    read_dir(
        &shared,
        root,
        &fd,
        NO_TOP,
        &mut buf,
        &mut first,
        &mut jobs,
        Some(&mut children),
    );
    drop(fd);
    shared.queue.lock().map_err(poisoned)?.jobs = jobs;

    let threads = if opts.threads == 0 {
        // Two per core: on a cold cache each walker waits on the disk for inodes, and more
        // requests in flight keep an SSD busy; on a warm cache the extra threads cost a few
        // context switches, and on a busy host they keep the walk's share of the CPU.
        std::thread::available_parallelism()
            .map(|n| n.get() * 2)
            .unwrap_or(2)
            .clamp(2, 16)
    } else {
        opts.threads
    };
    let mut tallies = vec![first];
    // Plain threads, not a scope: a worker stuck in the kernel on a dead mount cannot be
    // joined (see `walk`).
    let (done_tx, done_rx) = mpsc::channel::<Tally>();
    for _ in 0..threads {
        let done_tx = done_tx.clone();
        let shared = Arc::clone(&shared);
        std::thread::spawn(move || {
            let _ = done_tx.send(worker(&shared));
        });
    }
    drop(done_tx);
    // Every worker sends its tally when the queue runs dry or the walk is cancelled.
    tallies.extend(done_rx.iter().take(threads));
    if cancel.load(Ordering::Relaxed) {
        return Err(Error::Interrupted);
    }

    let mut per_top = vec![(0u64, 0u64); children.len()];
    let mut files = Vec::new();
    for t in tallies {
        report.allocated_bytes += t.allocated;
        report.apparent_bytes += t.apparent;
        report.files += t.files;
        report.dirs += t.dirs;
        report.hard_links_skipped += t.links_skipped;
        report.unreadable_dirs += t.unreadable;
        for e in t.examples {
            if report.unreadable_examples.len() < MAX_EXAMPLES {
                report.unreadable_examples.push(e);
            }
        }
        for (i, (a, b)) in t.per_top.into_iter().enumerate() {
            per_top[i].0 += a;
            per_top[i].1 += b;
        }
        files.extend(t.largest_files.into_iter().map(|Reverse(f)| f));
    }
    let mut dirs: Vec<Largest> = children
        .into_iter()
        .zip(per_top)
        .map(|(p, (a, b))| Largest {
            path: p.display().to_string(),
            kind: "dir",
            allocated_bytes: a,
            apparent_bytes: b,
        })
        .collect();
    dirs.sort_by(|a, b| {
        b.allocated_bytes
            .cmp(&a.allocated_bytes)
            .then(a.path.cmp(&b.path))
    });
    dirs.truncate(opts.top);
    files.sort_by(|a, b| b.0.cmp(&a.0).then(a.2.cmp(&b.2)));
    files.truncate(opts.top);
    report.largest = dirs;
    report
        .largest
        .extend(files.into_iter().map(|(a, b, p)| Largest {
            path: p.display().to_string(),
            kind: "file",
            allocated_bytes: a,
            apparent_bytes: b,
        }));
    Ok(report)
}

fn poisoned<T>(_: T) -> Error {
    Error::Io(std::io::Error::other("a walker thread panicked"))
}

fn worker(shared: &Shared) -> Tally {
    let mut tally = Tally::default();
    let mut buf = vec![MaybeUninit::<u8>::uninit(); 64 * 1024];
    let mut found = Vec::new();
    loop {
        let job = {
            let Ok(mut q) = shared.queue.lock() else {
                return tally;
            };
            loop {
                if shared.stop.load(Ordering::Relaxed) {
                    shared.ready.notify_all();
                    return tally;
                }
                if let Some(job) = q.jobs.pop() {
                    q.busy += 1;
                    break job;
                }
                if q.busy == 0 {
                    // Nothing queued and nobody who could queue more: the walk is over.
                    shared.ready.notify_all();
                    return tally;
                }
                q = match shared.ready.wait_timeout(q, Duration::from_millis(50)) {
                    Ok((q, _)) => q,
                    Err(_) => return tally,
                };
            }
        };
        let flags = OFlags::RDONLY | OFlags::DIRECTORY | OFlags::NOFOLLOW | OFlags::CLOEXEC;
        match rustix::fs::open(&job.path, flags, Mode::empty()) {
            Ok(fd) => read_dir(
                shared, &job.path, &fd, job.top, &mut buf, &mut tally, &mut found, None,
            ),
            // Gone since its parent listed it: nothing to count.
            Err(rustix::io::Errno::NOENT) => {}
            Err(_) => tally.unreadable(&job.path),
        }
        let Ok(mut q) = shared.queue.lock() else {
            return tally;
        };
        q.busy -= 1;
        let more = !found.is_empty();
        q.jobs.append(&mut found);
        if more || q.busy == 0 {
            shared.ready.notify_all();
        }
    }
}

/// Reads one directory: counts every entry, queues subdirectories into `found`.
/// `children`, for PATH itself, collects the subdirectories so each gets a `top` index.
#[allow(clippy::too_many_arguments)]
fn read_dir(
    shared: &Shared,
    dir: &Path,
    fd: &OwnedFd,
    top: usize,
    buf: &mut [MaybeUninit<u8>],
    tally: &mut Tally,
    found: &mut Vec<Job>,
    mut children: Option<&mut Vec<PathBuf>>,
) {
    let mut entries = RawDir::new(fd, buf);
    let (mut files, mut dirs, mut bytes) = (0u64, 0u64, 0u64);
    let mut seen = 0u32;
    while let Some(entry) = entries.next() {
        let Ok(entry) = entry else {
            tally.unreadable(dir);
            break;
        };
        let name: &CStr = entry.file_name();
        let raw = name.to_bytes();
        if raw == b"." || raw == b".." {
            continue;
        }
        seen = seen.wrapping_add(1);
        if seen % 512 == 0 && shared.stop.load(Ordering::Relaxed) {
            break;
        }
        let st = match rustix::fs::statat(fd, name, AtFlags::SYMLINK_NOFOLLOW) {
            Ok(st) => st,
            Err(rustix::io::Errno::NOENT) => continue,
            Err(_) => {
                tally.unreadable(&dir.join(OsStr::from_bytes(raw)));
                continue;
            }
        };
        let (allocated, apparent) = sizes(&st);
        let (dev, ino, nlink) = identity(&st);
        let is_dir = FileType::from_raw_mode(st.st_mode) == FileType::Directory;
        if is_dir {
            if shared.one_fs && dev != shared.root_dev {
                continue;
            }
            let path = dir.join(OsStr::from_bytes(raw));
            let job_top = match children.as_deref_mut() {
                Some(list) => {
                    list.push(path.clone());
                    list.len() - 1
                }
                None => top,
            };
            tally.dirs += 1;
            dirs += 1;
            tally.allocated += allocated;
            tally.apparent += apparent;
            bytes += allocated;
            tally.add_top(job_top, allocated, apparent);
            found.push(Job { path, top: job_top });
            continue;
        }
        if nlink > 1 {
            let first = shared
                .linked
                .lock()
                .map(|mut set| set.insert((dev, ino)))
                .unwrap_or(true);
            if !first {
                tally.links_skipped += 1;
                continue;
            }
        }
        tally.files += 1;
        files += 1;
        tally.allocated += allocated;
        tally.apparent += apparent;
        bytes += allocated;
        tally.add_top(top, allocated, apparent);
        tally.offer_file(shared.top, allocated, apparent, || {
            dir.join(OsStr::from_bytes(raw))
        });
    }
    shared.counters.files.fetch_add(files, Ordering::Relaxed);
    shared.counters.dirs.fetch_add(dirs, Ordering::Relaxed);
    shared.counters.bytes.fetch_add(bytes, Ordering::Relaxed);
}
