//! Processes from `/proc/<pid>`: a [`Snapshot`] holds cumulative counters at one instant;
//! rates (CPU%, I/O per second) come from two snapshots and the time between them
//! ([`rates`]), or from one snapshot and each process's age ([`lifetime`], as `ps` does).
//! `oncall triage` takes its snapshots inside its own window, so all three are public.

use super::containers::identity::{self, Identity};
use super::containers::placement::Placement;
use super::timestamps;
use super::users::UserNames;
use procfs::process::{Io, Stat, StatM};
use procfs::FromRead;
use rustix::fs::{AtFlags, Mode, OFlags, RawDir};
use rustix::io::Errno;
use serde::Serialize;
use std::collections::HashMap;
use std::ffi::CStr;
use std::mem::MaybeUninit;
use std::os::fd::OwnedFd;
use std::time::Instant;

/// What to read besides `stat`: fds, I/O counters (`details`), the command line and the
/// cgroup (`membership`: the path and the container, pod or unit it names) cost a file each
/// per process.
#[derive(Debug, Clone, Copy)]
pub struct SnapshotOptions {
    pub details: bool,
    pub cmdline: bool,
    pub membership: bool,
}

impl Default for SnapshotOptions {
    fn default() -> Self {
        SnapshotOptions {
            details: true,
            cmdline: true,
            membership: true,
        }
    }
}

/// One process at one instant: counters as the kernel keeps them, no rates.
/// `None` means "hidden from us" (permissions), never zero.
#[derive(Debug, Clone)]
pub struct ProcSample {
    pub pid: i32,
    pub ppid: i32,
    pub name: String,
    /// Arguments joined by spaces; empty for kernel threads and zombies.
    pub cmdline: Option<String>,
    pub state: char,
    pub uid: Option<u32>,
    /// utime + stime, in clock ticks.
    pub cpu_ticks: u64,
    /// Start time in clock ticks after boot.
    pub start_ticks: u64,
    pub rss_bytes: u64,
    pub vsize_bytes: u64,
    pub threads: u64,
    pub fds: Option<u64>,
    pub read_bytes: Option<u64>,
    pub write_bytes: Option<u64>,
    pub cgroup: Option<String>,
    /// Container, pod and unit as the whole `/proc/<pid>/cgroup` says (every hierarchy).
    pub identity: Identity,
}

/// Every readable process at one instant.
#[derive(Debug, Clone)]
pub struct Snapshot {
    pub taken: Instant,
    /// Seconds since boot when the snapshot was taken.
    pub uptime_seconds: f64,
    pub boot_time_unix: u64,
    pub ticks_per_second: u64,
    pub processes: Vec<ProcSample>,
    /// Processes whose fds or I/O counters we may not read (another user's, not root).
    pub partly_hidden: usize,
    /// Processes we could not read at all (neither `stat` nor gone).
    pub unreadable: usize,
}

/// A process with its rates: the report row of `oncall ps` (DESIGN.md's `ps --json` fields first).
#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct Process {
    pub pid: i32,
    pub ppid: i32,
    #[schemars(extend("x-oncall-untrusted" = true))]
    pub user: Option<String>,
    #[schemars(extend("x-oncall-untrusted" = true))]
    pub name: String,
    #[schemars(extend("x-oncall-untrusted" = true))]
    pub cmdline: Option<String>,
    pub state: String,
    pub cpu_percent: f64,
    pub rss_bytes: u64,
    pub threads: u64,
    pub uid: Option<u32>,
    pub vsize_bytes: u64,
    pub fds: Option<u64>,
    pub read_bytes_per_second: Option<f64>,
    pub write_bytes_per_second: Option<f64>,
    pub start_time: String,
    pub elapsed_seconds: u64,
    #[schemars(extend("x-oncall-untrusted" = true))]
    pub cgroup: Option<String>,
    pub container_id: Option<String>,
    /// Container runtime and name, pod, QoS class, systemd unit (names filled by the caller
    /// from the runtimes' files: `Placement::name`).
    #[serde(flatten)]
    pub placement: Placement,
    /// Depth in `--tree` output; absent otherwise.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub depth: Option<usize>,
}

/// Reads every process in `/proc`, in parallel over a few threads (each process costs a few
/// small files; `ps` reads them one by one).
pub fn snapshot(opts: SnapshotOptions) -> std::io::Result<Snapshot> {
    let pids = list_pids()?;
    let ticks = procfs::ticks_per_second().max(1);
    let workers = std::thread::available_parallelism()
        .map(|n| n.get())
        .unwrap_or(1)
        .clamp(1, 4);
    // Equal parts of at least PER_THREAD pids (a thread costs about what reading a few
    // dozen processes does), the first read on this thread: 71 pids were 64 + 7 before, and
    // the wait was for the 64.
    const PER_THREAD: usize = 32;
    let parts = workers.min(pids.len().div_ceil(PER_THREAD)).max(1);
    let chunk = pids.len().div_ceil(parts).max(1);
    let results: Vec<(Vec<ProcSample>, usize, usize)> = std::thread::scope(|s| {
        let mut chunks = pids.chunks(chunk);
        let first = chunks.next().unwrap_or_default();
        let handles: Vec<_> = chunks
            .map(|part| s.spawn(move || read_many(part, opts)))
            .collect();
        let mut all = vec![read_many(first, opts)];
        all.extend(handles.into_iter().map(|h| h.join().unwrap_or_default()));
        all
    });
    let taken = Instant::now();
    let uptime_seconds = read_uptime().unwrap_or(0.0);
    let boot_time_unix = procfs::boot_time_secs().unwrap_or(0);
    let mut processes = Vec::with_capacity(pids.len());
    let (mut partly_hidden, mut unreadable) = (0, 0);
    for (p, hidden, bad) in results {
        processes.extend(p);
        partly_hidden += hidden;
        unreadable += bad;
    }
    Ok(Snapshot {
        taken,
        uptime_seconds,
        boot_time_unix,
        ticks_per_second: ticks,
        processes,
        partly_hidden,
        unreadable,
    })
}

fn list_pids() -> std::io::Result<Vec<i32>> {
    let mut pids = Vec::new();
    for entry in std::fs::read_dir("/proc")? {
        let entry = entry?;
        if let Some(pid) = entry.file_name().to_str().and_then(|s| s.parse().ok()) {
            pids.push(pid);
        }
    }
    Ok(pids)
}

fn read_uptime() -> Option<f64> {
    let text = std::fs::read_to_string("/proc/uptime").ok()?;
    text.split_whitespace().next()?.parse().ok()
}

/// Reads a slice of pids; returns the samples, how many were partly hidden, how many unreadable.
fn read_many(pids: &[i32], opts: SnapshotOptions) -> (Vec<ProcSample>, usize, usize) {
    let page = procfs::page_size();
    let mut buf = vec![0u8; 4096];
    let mut out = Vec::with_capacity(pids.len());
    let (mut hidden, mut unreadable) = (0, 0);
    for &pid in pids {
        match read_one(pid, page, opts, &mut buf) {
            Ok(Some(sample)) => {
                if opts.details && (sample.fds.is_none() || sample.read_bytes.is_none()) {
                    hidden += 1;
                }
                out.push(sample);
            }
            // Gone between the directory listing and now: skipped, as DESIGN.md asks.
            Ok(None) => {}
            Err(_) => unreadable += 1,
        }
    }
    (out, hidden, unreadable)
}

/// The process ended while we read it.
fn gone(e: Errno) -> bool {
    e == Errno::NOENT || e == Errno::SRCH
}

/// Longest file we read whole (a command line can be long; beyond this it is cut).
const MAX_FILE: usize = 1 << 20;

/// Reads a small `/proc/<pid>` file relative to the process directory. The kernel generates
/// these whole, so a read that does not fill the buffer is the end: one `read` per file
/// instead of std's `statx` + `lseek` + reads until 0 (a third of the system calls).
fn read_at<'b>(dir: &OwnedFd, name: &CStr, buf: &'b mut Vec<u8>) -> Result<&'b [u8], Errno> {
    let fd = rustix::fs::openat(dir, name, OFlags::RDONLY | OFlags::CLOEXEC, Mode::empty())?;
    let mut len = 0;
    loop {
        if len == buf.len() {
            if buf.len() >= MAX_FILE {
                break;
            }
            buf.resize(buf.len() * 2, 0);
        }
        let n = rustix::io::read(&fd, &mut buf[len..])?;
        len += n;
        if n == 0 || len < buf.len() {
            break;
        }
    }
    Ok(&buf[..len])
}

fn read_one(
    pid: i32,
    page: u64,
    opts: SnapshotOptions,
    buf: &mut Vec<u8>,
) -> Result<Option<ProcSample>, Errno> {
    let dir = match rustix::fs::open(
        format!("/proc/{pid}"),
        OFlags::PATH | OFlags::DIRECTORY | OFlags::CLOEXEC,
        Mode::empty(),
    ) {
        Ok(d) => d,
        Err(e) if gone(e) => return Ok(None),
        Err(e) => return Err(e),
    };
    let stat = match read_at(&dir, c"stat", buf) {
        // An exiting process can leave an empty file behind.
        Ok([]) => return Ok(None),
        Ok(bytes) => Stat::from_read(bytes).map_err(|_| Errno::INVAL)?,
        Err(e) if gone(e) => return Ok(None),
        Err(e) => return Err(e),
    };
    let uid = rustix::fs::fstat(&dir).ok().map(|st| st.st_uid);
    // stat's rss comes from per-CPU counters the kernel syncs lazily (it lags by pages);
    // statm sums them, and is what ps and top print.
    let rss_pages = match read_at(&dir, c"statm", buf) {
        Ok(bytes) => StatM::from_read(bytes)
            .map(|m| m.resident)
            .unwrap_or(stat.rss),
        Err(e) if gone(e) => return Ok(None),
        Err(_) => stat.rss,
    };
    let cmdline = if opts.cmdline {
        read_at(&dir, c"cmdline", buf).ok().map(cmdline_text)
    } else {
        None
    };
    // Permission errors leave a field unknown; "not found" means the process ended while we
    // read it, and a process that ended is skipped as a whole.
    let (fds, io) = if opts.details {
        let fds = match count_fds(&dir) {
            Ok(n) => Some(n),
            Err(e) if gone(e) => return Ok(None),
            Err(_) => None,
        };
        let io = match read_at(&dir, c"io", buf) {
            Ok(bytes) => Io::from_read(bytes).ok(),
            Err(e) if gone(e) => return Ok(None),
            Err(_) => None,
        };
        (fds, io)
    } else {
        (None, None)
    };
    let (read_bytes, write_bytes) = (io.as_ref().map(|i| i.read_bytes), io.map(|i| i.write_bytes));
    let raw_cgroup = if opts.membership {
        read_at(&dir, c"cgroup", buf).ok()
    } else {
        None
    };
    let (cgroup, identity) = match raw_cgroup {
        Some(raw) => (
            cgroup_path(raw),
            identity::from_membership(&String::from_utf8_lossy(raw)),
        ),
        None => (None, Identity::default()),
    };
    Ok(Some(ProcSample {
        pid,
        ppid: stat.ppid,
        name: stat.comm,
        cmdline,
        state: stat.state,
        uid,
        cpu_ticks: stat.utime + stat.stime,
        start_ticks: stat.starttime,
        rss_bytes: rss_pages * page,
        vsize_bytes: stat.vsize,
        threads: stat.num_threads.max(0) as u64,
        fds,
        read_bytes,
        write_bytes,
        cgroup,
        identity,
    }))
}

/// Open fds: Linux 6.2+ gives the count as the size of `/proc/<pid>/fd`; older kernels need
/// the directory listed.
fn count_fds(dir: &OwnedFd) -> Result<u64, Errno> {
    let st = rustix::fs::statat(dir, c"fd", AtFlags::empty())?;
    if st.st_size > 0 {
        return Ok(st.st_size as u64);
    }
    list_fds(dir)
}

fn list_fds(dir: &OwnedFd) -> Result<u64, Errno> {
    let fd_dir = rustix::fs::openat(
        dir,
        c"fd",
        OFlags::RDONLY | OFlags::DIRECTORY | OFlags::CLOEXEC,
        Mode::empty(),
    )?;
    let mut scratch = vec![MaybeUninit::<u8>::uninit(); 8192];
    let mut entries = RawDir::new(&fd_dir, &mut scratch);
    let mut n = 0;
    while let Some(entry) = entries.next() {
        let entry = entry?;
        let name = entry.file_name().to_bytes();
        if name != b"." && name != b".." {
            n += 1;
        }
    }
    Ok(n)
}

pub fn cmdline_text(raw: &[u8]) -> String {
    let trimmed = raw.strip_suffix(b"\0").unwrap_or(raw);
    let joined: Vec<u8> = trimmed
        .iter()
        .map(|&b| if b == 0 { b' ' } else { b })
        .collect();
    String::from_utf8_lossy(&joined).into_owned()
}

/// The cgroup v2 path (`0::/…`), else the v1 memory controller's, else the first one. A v2
/// line at the root on a hybrid host (v1 controllers, an empty unified tree) says nothing: the
/// memory controller's path is taken.
pub fn cgroup_path(raw: &[u8]) -> Option<String> {
    let text = String::from_utf8_lossy(raw);
    let mut first = None;
    let mut memory = None;
    for line in text.lines() {
        let mut parts = line.splitn(3, ':');
        let (Some(id), Some(controllers), Some(path)) = (parts.next(), parts.next(), parts.next())
        else {
            continue;
        };
        if id == "0" && controllers.is_empty() && path != "/" {
            return Some(path.to_string());
        }
        if controllers.split(',').any(|c| c == "memory") {
            memory = Some(path.to_string());
        }
        first.get_or_insert_with(|| path.to_string());
    }
    memory.or(first)
}

/// A container id in a cgroup path: the first run of 64 hex digits (docker, containerd,
/// cri-o, podman all name their scopes with one), shortened to 12 as `docker ps` does.
pub fn container_id(cgroup: &str) -> Option<String> {
    // A runtime's monitor (`libpod-conmon-<id>.scope`, `crio-conmon-<id>.scope`) carries its
    // container's id but is not in it: identity.rs says no container, and so does this.
    if cgroup.split('/').any(|seg| seg.contains("-conmon-")) {
        return None;
    }
    let bytes = cgroup.as_bytes();
    let mut run = 0;
    for (i, b) in bytes.iter().enumerate() {
        if b.is_ascii_hexdigit() && !b.is_ascii_uppercase() {
            run += 1;
            if run == 64 {
                let start = i + 1 - 64;
                let after = bytes.get(i + 1);
                if after.is_none_or(|c| !c.is_ascii_hexdigit()) {
                    return Some(cgroup[start..start + 12].to_string());
                }
            }
        } else {
            run = 0;
        }
    }
    None
}

/// Rates over the window between two snapshots of the same processes. A process born inside
/// the window is measured from its start; one that died is not in `after` and not shown.
pub fn rates(before: &Snapshot, after: &Snapshot, users: &UserNames) -> Vec<Process> {
    let window = after
        .taken
        .saturating_duration_since(before.taken)
        .as_secs_f64();
    let earlier: HashMap<i32, &ProcSample> = before.processes.iter().map(|p| (p.pid, p)).collect();
    after
        .processes
        .iter()
        .map(|p| {
            // A pid reused inside the window is a new process: it has no "before".
            let prev = earlier
                .get(&p.pid)
                .filter(|b| b.start_ticks == p.start_ticks);
            let age = process_age(after, p);
            let seconds = if prev.is_some() {
                window
            } else {
                age.min(window)
            };
            let delta = |now: Option<u64>, then: Option<Option<u64>>| -> Option<f64> {
                let now = now?;
                let then = match then {
                    Some(t) => t?,
                    None => 0,
                };
                Some(rate(now.saturating_sub(then), seconds))
            };
            let cpu_then = prev.map(|b| b.cpu_ticks).unwrap_or(0);
            let cpu = ticks_percent(
                p.cpu_ticks.saturating_sub(cpu_then),
                seconds,
                after.ticks_per_second,
            );
            let read = delta(p.read_bytes, prev.map(|b| b.read_bytes));
            let write = delta(p.write_bytes, prev.map(|b| b.write_bytes));
            row(after, p, cpu, read, write, users)
        })
        .collect()
}

/// Lifetime averages from one snapshot: CPU% as `ps` computes it (CPU time / age).
pub fn lifetime(snap: &Snapshot, users: &UserNames) -> Vec<Process> {
    snap.processes
        .iter()
        .map(|p| {
            let age = process_age(snap, p);
            let cpu = ticks_percent(p.cpu_ticks, age, snap.ticks_per_second);
            let read = p.read_bytes.map(|b| rate(b, age));
            let write = p.write_bytes.map(|b| rate(b, age));
            row(snap, p, cpu, read, write, users)
        })
        .collect()
}

fn process_age(snap: &Snapshot, p: &ProcSample) -> f64 {
    (snap.uptime_seconds - p.start_ticks as f64 / snap.ticks_per_second as f64).max(0.0)
}

fn ticks_percent(ticks: u64, seconds: f64, per_second: u64) -> f64 {
    if seconds <= 0.0 {
        return 0.0;
    }
    let pct = ticks as f64 / per_second as f64 / seconds * 100.0;
    (pct * 10.0).round() / 10.0
}

fn rate(bytes: u64, seconds: f64) -> f64 {
    if seconds <= 0.0 {
        0.0
    } else {
        (bytes as f64 / seconds).round()
    }
}

fn row(
    snap: &Snapshot,
    p: &ProcSample,
    cpu_percent: f64,
    read: Option<f64>,
    write: Option<f64>,
    users: &UserNames,
) -> Process {
    let start_unix = snap.boot_time_unix + p.start_ticks / snap.ticks_per_second;
    Process {
        pid: p.pid,
        ppid: p.ppid,
        user: p.uid.map(|u| users.name(u)),
        name: p.name.clone(),
        cmdline: p.cmdline.clone(),
        state: p.state.to_string(),
        cpu_percent,
        rss_bytes: p.rss_bytes,
        threads: p.threads,
        uid: p.uid,
        vsize_bytes: p.vsize_bytes,
        fds: p.fds,
        read_bytes_per_second: read,
        write_bytes_per_second: write,
        start_time: timestamps::rfc3339_utc(start_unix),
        elapsed_seconds: process_age(snap, p) as u64,
        container_id: match &p.identity.container_id {
            Some(id) => Some(identity::short_id(id).to_string()),
            None => p.cgroup.as_deref().and_then(container_id),
        },
        cgroup: p.cgroup.clone(),
        placement: Placement::of(p.identity.clone()),
        depth: None,
    }
}

/// Counts by state over a set of processes, for the footer.
#[derive(Debug, Clone, Default, Serialize, schemars::JsonSchema)]
pub struct StateCounts {
    pub total: usize,
    pub running: usize,
    pub sleeping: usize,
    pub uninterruptible: usize,
    pub zombie: usize,
    pub stopped: usize,
    pub idle: usize,
    pub threads: u64,
}

pub fn count_states(processes: &[Process]) -> StateCounts {
    let mut c = StateCounts {
        total: processes.len(),
        ..StateCounts::default()
    };
    for p in processes {
        c.threads += p.threads;
        match p.state.as_str() {
            "R" => c.running += 1,
            "S" => c.sleeping += 1,
            "D" => c.uninterruptible += 1,
            "Z" => c.zombie += 1,
            "T" | "t" => c.stopped += 1,
            "I" => c.idle += 1,
            _ => {}
        }
    }
    c
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cmdline_nuls_become_spaces() {
        assert_eq!(cmdline_text(b"sleep\x0010\x00"), "sleep 10");
        assert_eq!(cmdline_text(b""), "");
        assert_eq!(cmdline_text(b"a\xff\x00b"), "a\u{fffd} b");
    }

    #[test]
    fn cgroup_v2_wins_then_memory() {
        assert_eq!(
            cgroup_path(b"4:memory:/a\n0::/system.slice/x.service\n").as_deref(),
            Some("/system.slice/x.service")
        );
        assert_eq!(
            cgroup_path(b"9:name=systemd:/\n4:memory:/docker/abc\n").as_deref(),
            Some("/docker/abc")
        );
        assert_eq!(cgroup_path(b"garbage"), None);
    }

    #[test]
    fn container_ids_from_cgroup_paths() {
        let id = "4f1e2d3c4b5a69788796a5b4c3d2e1f00f1e2d3c4b5a69788796a5b4c3d2e1f0";
        assert_eq!(
            container_id(&format!("/system.slice/docker-{id}.scope")).as_deref(),
            Some("4f1e2d3c4b5a")
        );
        assert_eq!(
            container_id(&format!("/kubepods/burstable/pod1/{id}")).as_deref(),
            Some("4f1e2d3c4b5a")
        );
        assert_eq!(container_id("/user.slice/user-1000.slice"), None);
        assert_eq!(
            container_id(&format!("/machine.slice/libpod-conmon-{id}.scope")),
            None
        );
        assert_eq!(
            container_id(&format!("/x/{id}0")),
            None,
            "65 digits is no id"
        );
    }

    #[test]
    fn percent_of_ticks() {
        assert_eq!(ticks_percent(50, 1.0, 100), 50.0);
        assert_eq!(ticks_percent(300, 1.5, 100), 200.0);
        assert_eq!(ticks_percent(10, 0.0, 100), 0.0);
    }

    #[test]
    fn fd_count_by_size_and_by_listing_agree() {
        let dir = rustix::fs::open(
            "/proc/self",
            OFlags::PATH | OFlags::DIRECTORY | OFlags::CLOEXEC,
            Mode::empty(),
        )
        .unwrap();
        let listed = list_fds(&dir).unwrap();
        assert!(listed >= 3, "stdin, stdout, stderr at least: {listed}");
        // Other test threads open files meanwhile: close, not equal.
        assert!(count_fds(&dir).unwrap().abs_diff(listed) < 50);
    }

    #[test]
    fn this_process_is_in_a_snapshot() {
        let snap = snapshot(SnapshotOptions::default()).unwrap();
        let me = std::process::id() as i32;
        let p = snap.processes.iter().find(|p| p.pid == me).unwrap();
        assert!(p.rss_bytes > 0);
        assert!(p.threads >= 1);
        assert!(p.fds.unwrap() >= 3);
    }
}
