//! `oncall disk`: mounted filesystems from `/proc/self/mountinfo`, sized with `statvfs`.
//! A `statvfs` on a dead NFS server blocks in the kernel, so each one runs in its own thread
//! and we stop waiting at the deadline: that mount is shown as not responding, the rest as usual.

use serde::Serialize;
use std::path::PathBuf;
use std::sync::mpsc;
use std::time::{Duration, Instant};

#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct Filesystem {
    #[schemars(extend("x-oncall-untrusted" = true))]
    pub mount: String,
    #[schemars(extend("x-oncall-untrusted" = true))]
    pub source: String,
    pub fs_type: String,
    pub size_bytes: Option<u64>,
    pub used_bytes: Option<u64>,
    pub avail_bytes: Option<u64>,
    /// used / (used + avail), rounded up as `df` does.
    pub use_percent: Option<u64>,
    /// `None` where the filesystem has no inode limit (btrfs, vfat) or did not answer.
    pub inodes_total: Option<u64>,
    pub inodes_used: Option<u64>,
    pub inodes_percent: Option<u64>,
    pub read_only: bool,
    /// False when `statvfs` did not answer within the timeout (a dead network mount).
    pub responding: bool,
}

#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct DiskReport {
    pub filesystems: Vec<Filesystem>,
}

/// Filesystem types with no storage of their own (what `df` calls dummy), hidden without `--all`.
const PSEUDO: &[&str] = &[
    "autofs",
    "binfmt_misc",
    "bpf",
    "cgroup",
    "cgroup2",
    "configfs",
    "debugfs",
    "devpts",
    "efivarfs",
    "fusectl",
    "hugetlbfs",
    "mqueue",
    "nsfs",
    "proc",
    "pstore",
    "rpc_pipefs",
    "securityfs",
    "selinuxfs",
    "sysfs",
    "tracefs",
    "rootfs",
    "none",
];

/// Filesystems whose `statvfs` answers from in-kernel counters, with no server to wait for:
/// asked inline (a thread each costs more than the call). Everything else (nfs, cifs, fuse.*,
/// 9p, ceph, …) gets its own thread and the deadline.
const LOCAL: &[&str] = &[
    "ext2", "ext3", "ext4", "xfs", "btrfs", "tmpfs", "devtmpfs", "ramfs", "overlay", "vfat",
    "exfat", "f2fs", "squashfs", "iso9660",
];

/// Whether `path` lies under one of `mounts` (its lookup would cross that mount).
fn below_any(path: &str, mounts: &[&str]) -> bool {
    mounts.iter().any(|m| {
        *m == "/" && path != "/"
            || path
                .strip_prefix(m)
                .is_some_and(|rest| rest.starts_with('/'))
    })
}

/// One line of mountinfo, the parts we use.
#[derive(Debug, Clone, PartialEq)]
pub struct Mount {
    pub device: String,
    pub mount: String,
    pub fs_type: String,
    pub source: String,
    pub read_only: bool,
}

/// Parses `/proc/self/mountinfo` text; malformed lines are skipped.
pub fn parse_mountinfo(text: &str) -> Vec<Mount> {
    text.lines()
        .filter_map(|line| {
            let (left, right) = line.split_once(" - ")?;
            let left: Vec<&str> = left.split_whitespace().collect();
            let mut right = right.split_whitespace();
            let fs_type = right.next()?;
            let source = right.next().unwrap_or("none");
            Some(Mount {
                device: left.get(2)?.to_string(),
                mount: unescape(left.get(4)?),
                fs_type: fs_type.to_string(),
                source: unescape(source),
                read_only: left.get(5)?.split(',').any(|o| o == "ro"),
            })
        })
        .collect()
}

/// mountinfo writes space, tab, newline and backslash as `\040`-style octal escapes.
fn unescape(field: &str) -> String {
    let bytes = field.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'\\' && i + 3 < bytes.len() {
            let oct = &bytes[i + 1..i + 4];
            if oct.iter().all(|d| (b'0'..=b'7').contains(d)) {
                let v = oct
                    .iter()
                    .fold(0u32, |acc, d| acc * 8 + u32::from(d - b'0'));
                if let Ok(v) = u8::try_from(v) {
                    out.push(v);
                    i += 4;
                    continue;
                }
            }
        }
        out.push(bytes[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// Which mounts to show. Without `all`: no pseudo filesystems, one entry per mount point (the
/// one on top, which `statvfs` reaches) and one per device (the shortest path, as `df` hides
/// bind mounts of the same filesystem).
pub fn select(mounts: Vec<Mount>, all: bool) -> Vec<Mount> {
    if all {
        return mounts;
    }
    let real: Vec<Mount> = mounts
        .into_iter()
        .filter(|m| !PSEUDO.contains(&m.fs_type.as_str()))
        .collect();
    // Last mount on a path wins (it hides the ones under it).
    let mut by_path: Vec<Mount> = Vec::new();
    for m in real {
        by_path.retain(|k| k.mount != m.mount);
        by_path.push(m);
    }
    let mut out: Vec<Mount> = Vec::new();
    for m in by_path {
        match out.iter_mut().find(|k| k.device == m.device) {
            Some(k) if m.mount.len() < k.mount.len() => *k = m,
            Some(_) => {}
            None => out.push(m),
        }
    }
    out
}

/// Sizes every selected mount, each `statvfs` in its own thread, waiting at most `timeout`.
pub fn collect(all: bool, timeout: Duration) -> std::io::Result<DiskReport> {
    let text = crate::system::proc_text::read("/proc/self/mountinfo")?;
    let mounts = select(parse_mountinfo(&text), all);
    Ok(size_all(mounts, all, timeout, |p| rustix::fs::statvfs(p)))
}

type StatvfsResult = Result<rustix::fs::StatVfs, rustix::io::Errno>;

/// Mounts with a statvfs thread still waiting in the kernel, process-wide.
fn in_flight() -> std::sync::MutexGuard<'static, std::collections::HashSet<PathBuf>> {
    static IN_FLIGHT: std::sync::OnceLock<std::sync::Mutex<std::collections::HashSet<PathBuf>>> =
        std::sync::OnceLock::new();
    IN_FLIGHT
        .get_or_init(Default::default)
        .lock()
        .unwrap_or_else(|p| p.into_inner())
}

/// Sizes `mounts` with `statvfs` (a parameter so tests can play a dead server).
pub fn size_all(
    mounts: Vec<Mount>,
    all: bool,
    timeout: Duration,
    statvfs: fn(&std::path::Path) -> StatvfsResult,
) -> DiskReport {
    let (tx, rx) = mpsc::channel();
    let remote: Vec<&str> = mounts
        .iter()
        .filter(|m| !LOCAL.contains(&m.fs_type.as_str()))
        .map(|m| m.mount.as_str())
        .collect();
    let mut skipped = 0;
    for (i, m) in mounts.iter().enumerate() {
        let path = PathBuf::from(&m.mount);
        if LOCAL.contains(&m.fs_type.as_str()) && !below_any(&m.mount, &remote) {
            let _ = tx.send((i, statvfs(&path)));
            continue;
        }
        // A mount whose earlier statvfs has not returned yet is still hung: not asked again,
        // so a long-running caller (`oncall serve`, a window every 15 s) keeps one stuck
        // thread per dead mount instead of one per window.
        if !in_flight().insert(path.clone()) {
            skipped += 1;
            continue;
        }
        let thread_tx = tx.clone();
        // A small stack: these threads only make one system call. A thread stuck on a dead
        // mount is abandoned; the process exit ends it.
        let spawned = std::thread::Builder::new()
            .stack_size(64 * 1024)
            .spawn(move || {
                let r = statvfs(&path);
                in_flight().remove(&path);
                let _ = thread_tx.send((i, r));
            });
        if spawned.is_err() {
            in_flight().remove(&PathBuf::from(&m.mount));
            let _ = tx.send((i, Err(rustix::io::Errno::AGAIN)));
        }
    }
    drop(tx);
    let deadline = Instant::now() + timeout;
    let mut answers: Vec<Option<StatvfsResult>> = (0..mounts.len()).map(|_| None).collect();
    let mut pending = mounts.len() - skipped;
    while pending > 0 {
        let left = deadline.saturating_duration_since(Instant::now());
        match rx.recv_timeout(left) {
            Ok((i, r)) => {
                answers[i] = Some(r);
                pending -= 1;
            }
            Err(_) => break,
        }
    }
    let mut filesystems = Vec::new();
    for (m, answer) in mounts.into_iter().zip(answers) {
        let fs = match answer {
            None => unanswered(m),
            Some(Ok(st)) => sized(m, &st),
            // Gone or not ours to see (a mount in another namespace): skipped, unless --all.
            Some(Err(_)) if !all => continue,
            Some(Err(_)) => unanswered(m),
        };
        // No blocks at all: a pseudo filesystem we did not know by type (df hides these too).
        if !all && fs.responding && fs.size_bytes == Some(0) {
            continue;
        }
        filesystems.push(fs);
    }
    DiskReport { filesystems }
}

fn unanswered(m: Mount) -> Filesystem {
    Filesystem {
        mount: m.mount,
        source: m.source,
        fs_type: m.fs_type,
        size_bytes: None,
        used_bytes: None,
        avail_bytes: None,
        use_percent: None,
        inodes_total: None,
        inodes_used: None,
        inodes_percent: None,
        read_only: m.read_only,
        responding: false,
    }
}

/// df's arithmetic: size = blocks, used = blocks − free, avail = blocks available to users.
fn sized(m: Mount, st: &rustix::fs::StatVfs) -> Filesystem {
    let unit = if st.f_frsize > 0 {
        st.f_frsize
    } else {
        st.f_bsize
    };
    let size = st.f_blocks.saturating_mul(unit);
    let used = st.f_blocks.saturating_sub(st.f_bfree).saturating_mul(unit);
    let avail = st.f_bavail.saturating_mul(unit);
    let (inodes_total, inodes_used) = if st.f_files > 0 {
        (
            Some(st.f_files),
            Some(st.f_files.saturating_sub(st.f_ffree)),
        )
    } else {
        (None, None)
    };
    let read_only = m.read_only || st.f_flag.contains(rustix::fs::StatVfsMountFlags::RDONLY);
    Filesystem {
        mount: m.mount,
        source: m.source,
        fs_type: m.fs_type,
        size_bytes: Some(size),
        used_bytes: Some(used),
        avail_bytes: Some(avail),
        use_percent: percent_up(used, used + avail),
        inodes_total,
        inodes_used,
        inodes_percent: inodes_used.and_then(|u| percent_up(u, inodes_total.unwrap_or(0))),
        read_only,
        responding: true,
    }
}

/// Percent rounded up, as df prints Use% (a disk 99.1% full is not "99%").
fn percent_up(part: u64, whole: u64) -> Option<u64> {
    if whole == 0 {
        return None;
    }
    let p = part as u128 * 100;
    let w = whole as u128;
    Some(p.div_ceil(w) as u64)
}

#[cfg(test)]
mod tests {
    use super::*;

    const SAMPLE: &str = "\
22 27 0:21 / /proc rw,relatime - proc proc rw
27 1 254:0 / / rw,relatime - ext4 /dev/vda rw,discard
25 24 0:23 / /dev/shm rw,relatime - tmpfs tmpfs rw
30 25 0:27 / /dev/shm rw,relatime - tmpfs tmpfs rw
40 27 254:0 /etc/hosts /etc/hosts ro,relatime - ext4 /dev/vda rw
41 27 0:50 / /mnt/with\\040space ro - nfs server:/export rw
garbage line
";

    #[test]
    fn parses_and_unescapes() {
        let m = parse_mountinfo(SAMPLE);
        assert_eq!(m.len(), 6);
        assert_eq!(m[5].mount, "/mnt/with space");
        assert_eq!(m[5].source, "server:/export");
        assert!(m[5].read_only);
        assert!(!m[1].read_only);
    }

    #[test]
    fn selection_hides_pseudo_overmounted_and_bind_mounts() {
        let shown: Vec<String> = select(parse_mountinfo(SAMPLE), false)
            .into_iter()
            .map(|m| format!("{} {}", m.mount, m.device))
            .collect();
        assert_eq!(shown, ["/ 254:0", "/dev/shm 0:27", "/mnt/with space 0:50"]);
        assert_eq!(select(parse_mountinfo(SAMPLE), true).len(), 6);
    }

    #[test]
    fn paths_below_a_remote_mount_are_not_asked_inline() {
        assert!(below_any("/mnt/nfs/sub", &["/mnt/nfs"]));
        assert!(!below_any("/mnt/nfs2", &["/mnt/nfs"]));
        assert!(!below_any("/mnt/nfs", &["/mnt/nfs"]));
        assert!(below_any("/home", &["/"]));
        assert!(!below_any("/", &["/"]));
    }

    #[test]
    fn percent_rounds_up() {
        assert_eq!(percent_up(991, 1000), Some(100));
        assert_eq!(percent_up(0, 1000), Some(0));
        assert_eq!(percent_up(1, 0), None);
    }

    /// A dead NFS server: statvfs never returns. The mount is reported, the others sized.
    #[test]
    fn a_hung_mount_is_shown_as_not_responding() {
        fn hangs_on_nfs(p: &std::path::Path) -> StatvfsResult {
            if p == std::path::Path::new("/mnt/with space") {
                loop {
                    std::thread::park();
                }
            }
            rustix::fs::statvfs("/")
        }
        let mounts = select(parse_mountinfo(SAMPLE), false);
        let r = size_all(mounts, false, Duration::from_millis(300), hangs_on_nfs);
        let dead: Vec<&Filesystem> = r.filesystems.iter().filter(|f| !f.responding).collect();
        assert_eq!(dead.len(), 1);
        assert_eq!(dead[0].mount, "/mnt/with space");
        assert_eq!(dead[0].size_bytes, None, "unknown, never 0");
        assert!(r.filesystems.iter().any(|f| f.mount == "/" && f.responding));
    }

    #[test]
    fn root_is_sized() {
        let r = collect(false, Duration::from_secs(5)).unwrap();
        let root = r.filesystems.iter().find(|f| f.mount == "/").unwrap();
        assert!(root.responding);
        assert!(root.size_bytes.unwrap() > 0);
    }
}
