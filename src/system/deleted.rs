//! `oncall disk deleted`: files unlinked but still open (`lsof +L1`). Their space stays in use
//! until the last holder closes them: the classic "df says full, du says not".
//!
//! For every process, each `/proc/<pid>/fd/<n>` whose link text ends in " (deleted)" is
//! `stat`ed through the fd itself; a regular file with no links left is one. The space they
//! pin is counted once per file, however many processes or fds hold it.

use super::users::UserNames;
use rustix::fs::{AtFlags, FileType, Mode, OFlags, RawDir};
use serde::Serialize;
use std::collections::HashSet;
use std::ffi::CStr;
use std::mem::MaybeUninit;

#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct DeletedFile {
    pub pid: i32,
    #[schemars(extend("x-oncall-untrusted" = true))]
    pub process: String,
    #[schemars(extend("x-oncall-untrusted" = true))]
    pub user: Option<String>,
    pub fd: i32,
    #[schemars(extend("x-oncall-untrusted" = true))]
    pub path: String,
    pub size_bytes: u64,
    pub allocated_bytes: u64,
}

#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct DeletedReport {
    /// Largest first.
    pub files: Vec<DeletedFile>,
    /// Space the deleted files still hold on disk, each file counted once.
    pub pinned_bytes: u64,
    /// Processes whose open files we may not see (another user's, not root).
    pub processes_unreadable: usize,
}

pub fn collect() -> std::io::Result<DeletedReport> {
    let users = UserNames::load();
    let mut files = Vec::new();
    let mut unreadable = 0;
    let mut buf = vec![MaybeUninit::<u8>::uninit(); 16 * 1024];
    for entry in std::fs::read_dir("/proc")? {
        let Ok(entry) = entry else { continue };
        let Some(pid) = entry
            .file_name()
            .to_str()
            .and_then(|s| s.parse::<i32>().ok())
        else {
            continue;
        };
        match scan_process(pid, &mut buf) {
            Ok(found) => files.extend(found.into_iter().map(|(fd, path, st)| (pid, fd, path, st))),
            Err(rustix::io::Errno::NOENT) | Err(rustix::io::Errno::SRCH) => {}
            Err(_) => unreadable += 1,
        }
    }
    let mut pinned = HashSet::new();
    let mut pinned_bytes = 0;
    let mut out: Vec<DeletedFile> = Vec::new();
    for (pid, fd, path, st) in files {
        let (dev, ino, size, blocks) = facts(&st);
        if pinned.insert((dev, ino)) {
            pinned_bytes += blocks;
        }
        let (process, owner) = process_facts(pid);
        out.push(DeletedFile {
            pid,
            process,
            user: owner.map(|u| users.name(u)),
            fd,
            path,
            size_bytes: size,
            allocated_bytes: blocks,
        });
    }
    out.sort_by(|a, b| {
        b.allocated_bytes
            .cmp(&a.allocated_bytes)
            .then(a.pid.cmp(&b.pid))
            .then(a.fd.cmp(&b.fd))
    });
    Ok(DeletedReport {
        files: out,
        pinned_bytes,
        processes_unreadable: unreadable,
    })
}

#[allow(clippy::unnecessary_cast, clippy::useless_conversion)]
fn facts(st: &rustix::fs::Stat) -> (u64, u64, u64, u64) {
    (
        st.st_dev as u64,
        st.st_ino as u64,
        (st.st_size as i64).max(0) as u64,
        (st.st_blocks as u64).saturating_mul(512),
    )
}

/// The name (`comm`) and owner of a process; the owner is `None` when it cannot be read.
fn process_facts(pid: i32) -> (String, Option<u32>) {
    let name = std::fs::read_to_string(format!("/proc/{pid}/comm"))
        .map(|s| s.trim_end().to_string())
        .unwrap_or_else(|_| "?".into());
    let uid = rustix::fs::stat(format!("/proc/{pid}"))
        .ok()
        .map(|st| st.st_uid);
    (name, uid)
}

/// The deleted regular files one process holds open: (fd, path as the kernel shows it, stat).
fn scan_process(
    pid: i32,
    buf: &mut [MaybeUninit<u8>],
) -> Result<Vec<(i32, String, rustix::fs::Stat)>, rustix::io::Errno> {
    let dir = rustix::fs::open(
        format!("/proc/{pid}/fd"),
        OFlags::RDONLY | OFlags::DIRECTORY | OFlags::CLOEXEC,
        Mode::empty(),
    )?;
    let mut found = Vec::new();
    let mut entries = RawDir::new(&dir, buf);
    while let Some(entry) = entries.next() {
        let entry = entry?;
        let name: &CStr = entry.file_name();
        let Some(fd) = std::str::from_utf8(name.to_bytes())
            .ok()
            .and_then(|s| s.parse::<i32>().ok())
        else {
            continue;
        };
        let Ok(target) = rustix::fs::readlinkat(&dir, name, Vec::new()) else {
            continue;
        };
        let target = target.to_string_lossy().into_owned();
        let Some(path) = target.strip_suffix(" (deleted)") else {
            continue;
        };
        // Anonymous memory (memfd) pins RAM, not a disk; sockets and pipes never end so.
        if !path.starts_with('/') || path.starts_with("/memfd:") {
            continue;
        }
        // Following the fd link reaches the open file itself, even though its name is gone.
        let Ok(st) = rustix::fs::statat(&dir, name, AtFlags::empty()) else {
            continue;
        };
        if FileType::from_raw_mode(st.st_mode) == FileType::RegularFile && st.st_nlink == 0 {
            found.push((fd, path.to_string(), st));
        }
    }
    Ok(found)
}
