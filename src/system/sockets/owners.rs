//! Which process owns each socket: walk /proc/PID/fd, read each link (`socket:[INODE]`),
//! and stop as soon as every socket is mapped. Only run when `--processes` asks for it.
//!
//! The walk uses directory descriptors (`openat`, `readlinkat`) so the kernel does not
//! resolve `/proc/PID/fd/N` from the root for each of tens of thousands of fds.

use super::model::Socket;
use crate::system::containers::names::{Names, Roots};
use crate::system::containers::{census, identity};
use serde::Serialize;
use std::collections::HashMap;
use std::ffi::{CStr, CString};
use std::os::fd::{AsRawFd, FromRawFd, OwnedFd};

/// How the owner scan went: what the listing cannot say about owners, said honestly.
#[derive(Debug, Clone, Default, Serialize, schemars::JsonSchema)]
pub struct OwnerScan {
    /// Sockets with an owning process found.
    pub mapped: usize,
    /// Sockets a file refers to (inode ≠ 0) whose process was not found: held by processes
    /// we may not read, in another PID namespace, or in flight between processes.
    pub unmapped: usize,
    /// Processes whose fd table we were not allowed to read (not root).
    pub unreadable_processes: usize,
}

pub fn assign(sockets: &mut [Socket]) -> OwnerScan {
    let mut wanted: HashMap<u64, usize> = sockets
        .iter()
        .enumerate()
        .filter(|(_, s)| s.inode != 0)
        .map(|(i, s)| (s.inode, i))
        .collect();
    let total = wanted.len();
    let mut scan = OwnerScan::default();
    let mut owners: Vec<u32> = Vec::new();
    if total > 0 {
        walk(sockets, &mut wanted, &mut owners, &mut scan);
    }
    let names: HashMap<u32, String> = owners
        .iter()
        .filter_map(|&pid| Some((pid, process_name(pid)?)))
        .collect();
    // Each owner's container, pod or unit, from its cgroup and the runtimes' files.
    let mut runtime_names = Names::new(Roots::from_env());
    let runs_in: HashMap<u32, String> = owners
        .iter()
        .filter_map(|&pid| {
            let text = crate::system::proc_text::read(format!("/proc/{pid}/cgroup")).ok()?;
            let id = identity::from_membership(&text);
            let path = id.container_cgroup.or(id.pod_cgroup).or(id.unit_cgroup)?;
            Some((pid, census::label_of(&path, &mut runtime_names)?))
        })
        .collect();
    for s in sockets.iter_mut() {
        if let Some(pid) = s.pid {
            s.process = names.get(&pid).cloned();
            s.runs_in = runs_in.get(&pid).cloned();
        }
    }
    scan.unmapped = wanted.len();
    scan.mapped = total - wanted.len();
    scan
}

fn walk(
    sockets: &mut [Socket],
    wanted: &mut HashMap<u64, usize>,
    owners: &mut Vec<u32>,
    scan: &mut OwnerScan,
) {
    let Ok(proc) = open_dir(None, c"/proc") else {
        return;
    };
    let Ok(pids) = std::fs::read_dir("/proc") else {
        return;
    };
    let mut link = [0u8; 64];
    for entry in pids.flatten() {
        if wanted.is_empty() {
            break;
        }
        let Some(pid) = entry
            .file_name()
            .to_str()
            .and_then(|n| n.parse::<u32>().ok())
        else {
            continue;
        };
        let Ok(path) = CString::new(format!("{pid}/fd")) else {
            continue;
        };
        let fd_dir = match open_dir(Some(&proc), &path) {
            Ok(d) => d,
            Err(e) => {
                if matches!(e.raw_os_error(), Some(libc::EACCES) | Some(libc::EPERM)) {
                    scan.unreadable_processes += 1;
                }
                continue; // gone, or a kernel quirk: nothing to map here
            }
        };
        let mut owns = false;
        for_each_entry(fd_dir, |dir_fd, name| {
            // SAFETY: name is NUL-terminated, link is a writable buffer of its length.
            let n = unsafe {
                libc::readlinkat(dir_fd, name.as_ptr(), link.as_mut_ptr().cast(), link.len())
            };
            if n <= 0 {
                return true;
            }
            if let Some(inode) = socket_inode(&link[..n as usize]) {
                if let Some(i) = wanted.remove(&inode) {
                    sockets[i].pid = Some(pid);
                    owns = true;
                }
            }
            !wanted.is_empty()
        });
        if owns {
            owners.push(pid);
        }
    }
}

/// `socket:[12345]` → 12345.
pub fn socket_inode(link: &[u8]) -> Option<u64> {
    let digits = link.strip_prefix(b"socket:[")?.strip_suffix(b"]")?;
    std::str::from_utf8(digits).ok()?.parse().ok()
}

fn process_name(pid: u32) -> Option<String> {
    let comm = std::fs::read_to_string(format!("/proc/{pid}/comm")).ok()?;
    Some(comm.trim_end_matches('\n').to_string())
}

fn open_dir(at: Option<&OwnedFd>, path: &CStr) -> std::io::Result<OwnedFd> {
    let base = at.map_or(libc::AT_FDCWD, |d| d.as_raw_fd());
    // SAFETY: path is NUL-terminated; the result is checked before it is owned.
    let fd = unsafe {
        libc::openat(
            base,
            path.as_ptr(),
            libc::O_RDONLY | libc::O_DIRECTORY | libc::O_CLOEXEC,
        )
    };
    if fd < 0 {
        return Err(std::io::Error::last_os_error());
    }
    // SAFETY: a fresh descriptor we own.
    Ok(unsafe { OwnedFd::from_raw_fd(fd) })
}

/// Calls `f(dir_fd, name)` for each entry but `.` and `..` until it returns false.
fn for_each_entry(dir: OwnedFd, mut f: impl FnMut(libc::c_int, &CStr) -> bool) {
    let raw = dir.as_raw_fd();
    // SAFETY: fdopendir takes ownership of the descriptor on success (closedir closes it).
    let stream = unsafe { libc::fdopendir(raw) };
    if stream.is_null() {
        return; // `dir` is dropped and closed
    }
    std::mem::forget(dir);
    loop {
        // SAFETY: stream is a valid DIR*; the entry lives until the next readdir.
        let entry = unsafe { libc::readdir(stream) };
        if entry.is_null() {
            break;
        }
        // SAFETY: d_name is a NUL-terminated array inside the entry.
        let name = unsafe { CStr::from_ptr((*entry).d_name.as_ptr()) };
        if name.to_bytes().first() == Some(&b'.') {
            continue;
        }
        if !f(raw, name) {
            break;
        }
    }
    // SAFETY: stream came from fdopendir and is closed once.
    unsafe { libc::closedir(stream) };
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn socket_links_give_their_inode() {
        assert_eq!(socket_inode(b"socket:[12345]"), Some(12345));
        assert_eq!(socket_inode(b"pipe:[12345]"), None);
        assert_eq!(socket_inode(b"/dev/null"), None);
        assert_eq!(socket_inode(b"socket:[]"), None);
    }
}
