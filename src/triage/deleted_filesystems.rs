//! Which filesystem the space of deleted-but-open files is on: the device of each file (a
//! stat through the holder's fd, which reaches the file itself) and the mount of that device
//! in oncall's own mount table, so `oncall serve` can say `…{mount="/var"}` next to that
//! filesystem's size, and a full filesystem is blamed only on the deleted files it holds.

use super::model::DeletedOnFilesystem;
use crate::system::deleted::DeletedFile;
use crate::system::disks::{self, Mount};
use std::collections::HashSet;

/// The held file's (device, inode), still deleted; None when the fd is gone or now names
/// a file with a link again (the fd was closed and reused since the scan).
pub fn held_file(f: &DeletedFile) -> Option<(u64, u64)> {
    let st = rustix::fs::stat(format!("/proc/{}/fd/{}", f.pid, f.fd)).ok()?;
    #[allow(clippy::unnecessary_cast, clippy::useless_conversion)]
    (st.st_nlink == 0).then_some((st.st_dev as u64, st.st_ino as u64))
}

/// (pid, process name, bytes).
type Holder = (u32, String, u64);

/// `major:minor` of a device number, as mountinfo writes it.
fn device_text(dev: u64) -> String {
    format!("{}:{}", rustix::fs::major(dev), rustix::fs::minor(dev))
}

/// The deleted files' space by filesystem, largest first; `held` gives a file's (device,
/// inode) (a parameter so tests can say where files are).
pub fn by_filesystem(
    files: &[DeletedFile],
    mounts: &[Mount],
    held: impl Fn(&DeletedFile) -> Option<(u64, u64)>,
) -> Vec<DeletedOnFilesystem> {
    // The mount `oncall disk` shows for a device (one per device, the shortest path); for
    // a device it hides (a pseudo filesystem), any mount of it.
    let shown = disks::select(mounts.to_vec(), false);
    let mount_of = |device: &str| {
        shown
            .iter()
            .chain(mounts)
            .find(|m| m.device == device)
            .map(|m| m.mount.clone())
            .unwrap_or_default()
    };
    let mut seen = HashSet::new();
    // Per device: the entry and its holders' bytes.
    let mut out: Vec<(DeletedOnFilesystem, Vec<Holder>)> = Vec::new();
    for f in files {
        let Some((dev, ino)) = held(f) else { continue };
        let device = device_text(dev);
        let i = match out.iter().position(|(e, _)| e.device == device) {
            Some(i) => i,
            None => {
                out.push((
                    DeletedOnFilesystem {
                        mount: mount_of(&device),
                        device,
                        ..Default::default()
                    },
                    Vec::new(),
                ));
                out.len() - 1
            }
        };
        let (entry, holders) = &mut out[i];
        // A file held by several processes or fds counts once (for the first holder seen).
        if !seen.insert((dev, ino)) {
            continue;
        }
        entry.bytes += f.allocated_bytes;
        let pid = f.pid.max(0) as u32;
        match holders.iter_mut().find(|(p, _, _)| *p == pid) {
            Some(h) => h.2 += f.allocated_bytes,
            None => holders.push((pid, f.process.clone(), f.allocated_bytes)),
        }
    }
    let mut out: Vec<DeletedOnFilesystem> = out
        .into_iter()
        .map(|(mut e, holders)| {
            e.top_holder = holders.into_iter().max_by_key(|h| h.2);
            e
        })
        .collect();
    out.sort_by(|a, b| b.bytes.cmp(&a.bytes).then(a.mount.cmp(&b.mount)));
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn file(pid: i32, fd: i32, process: &str, bytes: u64) -> DeletedFile {
        DeletedFile {
            pid,
            process: process.into(),
            user: None,
            fd,
            path: format!("/x/{pid}-{fd}"),
            size_bytes: bytes,
            allocated_bytes: bytes,
        }
    }

    #[test]
    fn space_goes_to_the_mount_of_each_files_device_once_per_file() {
        let mounts = disks::parse_mountinfo(
            "22 1 253:1 / / rw,relatime - ext4 /dev/vda1 rw\n\
             30 22 253:2 / /var rw,relatime - xfs /dev/vda2 rw\n\
             31 22 253:2 /log /srv/log rw,relatime - xfs /dev/vda2 rw\n\
             40 22 0:5 / /proc rw - proc proc rw\n",
        );
        let files = vec![
            file(10, 3, "java", 3 << 30),
            // The same file through another fd of another process: once.
            file(11, 4, "logrotate", 3 << 30),
            file(12, 5, "nginx", 1 << 20),
            file(13, 6, "app", 2 << 20),
            // Gone since the scan: left out.
            file(14, 7, "gone", 9 << 30),
            // On a device this mount namespace does not have (a container's).
            file(15, 8, "pod", 5 << 20),
        ];
        let dev = |maj, min| rustix::fs::makedev(maj, min);
        let held = |f: &DeletedFile| match f.pid {
            10 | 11 => Some((dev(253, 2), 100)),
            12 => Some((dev(253, 2), 101)),
            13 => Some((dev(253, 1), 7)),
            15 => Some((dev(0, 77), 1)),
            _ => None,
        };
        let by = by_filesystem(&files, &mounts, held);
        let got: Vec<_> = by
            .iter()
            .map(|e| (e.mount.as_str(), e.device.as_str(), e.bytes))
            .collect();
        assert_eq!(
            got,
            vec![
                ("/var", "253:2", (3 << 30) + (1 << 20)),
                ("", "0:77", 5 << 20),
                ("/", "253:1", 2 << 20),
            ]
        );
        assert_eq!(by[0].top_holder, Some((10, "java".into(), 3 << 30)));
    }
}
