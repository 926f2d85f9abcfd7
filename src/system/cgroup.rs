//! The memory limit of the cgroup this process runs in (what a container sees as its RAM):
//! cgroup v2 `memory.max`/`memory.current`/`memory.events`, or v1 `memory.limit_in_bytes`.

use serde::Serialize;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

#[derive(Debug, Clone, Serialize)]
pub struct CgroupMemory {
    /// The cgroup as `/proc/self/cgroup` names it.
    pub path: String,
    pub version: u8,
    pub limit_bytes: u64,
    pub usage_bytes: Option<u64>,
    /// v2 `memory.events` (low, high, max, oom, oom_kill) or v1 `failcnt` and `oom_kill`.
    pub events: BTreeMap<String, u64>,
}

/// Limits above this are "no limit" (v1 writes PAGE_COUNTER_MAX pages as bytes).
const UNLIMITED: u64 = 1 << 60;

/// The current cgroup's memory limit, when there is one; `None` when unlimited or unreadable.
pub fn current_limit() -> Option<CgroupMemory> {
    let membership = std::fs::read_to_string("/proc/self/cgroup").ok()?;
    let mountinfo = std::fs::read_to_string("/proc/self/mountinfo").ok()?;
    if let Some(path) = membership_of(&membership, |c| c.is_empty(), true) {
        if let Some(dir) = locate(&mountinfo, "cgroup2", None, &path) {
            if let Some(found) = read_v2(&dir, &path) {
                return Some(found);
            }
        }
    }
    let path = membership_of(&membership, |c| c.split(',').any(|x| x == "memory"), false)?;
    let dir = locate(&mountinfo, "cgroup", Some("memory"), &path)?;
    read_v1(&dir, &path)
}

/// (nr_periods, nr_throttled) of the current cgroup v2 `cpu.stat`, when it has a CPU quota:
/// read at both ends of a window, they tell how often the quota held the group back.
pub fn cpu_throttling() -> Option<(u64, u64)> {
    let membership = std::fs::read_to_string("/proc/self/cgroup").ok()?;
    let mountinfo = std::fs::read_to_string("/proc/self/mountinfo").ok()?;
    let path = membership_of(&membership, |c| c.is_empty(), true)?;
    let dir = locate(&mountinfo, "cgroup2", None, &path)?;
    let stat = std::fs::read_to_string(dir.join("cpu.stat")).ok()?;
    let value = |key: &str| {
        stat.lines()
            .find_map(|l| l.strip_prefix(key)?.trim().parse::<u64>().ok())
    };
    Some((value("nr_periods ")?, value("nr_throttled ")?))
}

/// The path of the hierarchy whose controller list satisfies `pick`.
fn membership_of(text: &str, pick: impl Fn(&str) -> bool, v2: bool) -> Option<String> {
    text.lines().find_map(|line| {
        let mut parts = line.splitn(3, ':');
        let (id, controllers, path) = (parts.next()?, parts.next()?, parts.next()?);
        ((id == "0") == v2 && pick(controllers)).then(|| path.to_string())
    })
}

/// The directory of `path` under the mount of `fs_type` (with `option` among its super options).
/// The mount's own root is taken off the path, as inside a cgroup namespace.
fn locate(mountinfo: &str, fs_type: &str, option: Option<&str>, path: &str) -> Option<PathBuf> {
    for line in mountinfo.lines() {
        let Some((left, right)) = line.split_once(" - ") else {
            continue;
        };
        let left: Vec<&str> = left.split_whitespace().collect();
        let right: Vec<&str> = right.split_whitespace().collect();
        if left.len() < 5 || right.len() < 3 || right[0] != fs_type {
            continue;
        }
        if let Some(opt) = option {
            if !right[2].split(',').any(|o| o == opt) {
                continue;
            }
        }
        let (root, mount) = (left[3], Path::new(left[4]));
        let rel = path
            .strip_prefix(root)
            .unwrap_or(path)
            .trim_start_matches('/');
        let dir = mount.join(rel);
        return Some(if dir.is_dir() {
            dir
        } else {
            mount.to_path_buf()
        });
    }
    None
}

fn read_u64(dir: &Path, file: &str) -> Option<u64> {
    std::fs::read_to_string(dir.join(file))
        .ok()?
        .trim()
        .parse()
        .ok()
}

fn read_v2(dir: &Path, path: &str) -> Option<CgroupMemory> {
    let limit = read_u64(dir, "memory.max")?; // "max" does not parse: no limit
    let mut events = BTreeMap::new();
    if let Ok(text) = std::fs::read_to_string(dir.join("memory.events")) {
        for line in text.lines() {
            if let Some((k, v)) = line.split_once(' ') {
                if let Ok(v) = v.trim().parse() {
                    events.insert(k.to_string(), v);
                }
            }
        }
    }
    Some(CgroupMemory {
        path: path.to_string(),
        version: 2,
        limit_bytes: limit,
        usage_bytes: read_u64(dir, "memory.current"),
        events,
    })
}

fn read_v1(dir: &Path, path: &str) -> Option<CgroupMemory> {
    let limit = read_u64(dir, "memory.limit_in_bytes").filter(|l| *l < UNLIMITED)?;
    let mut events = BTreeMap::new();
    if let Some(f) = read_u64(dir, "memory.failcnt") {
        events.insert("failcnt".to_string(), f);
    }
    if let Ok(text) = std::fs::read_to_string(dir.join("memory.oom_control")) {
        for line in text.lines() {
            if let Some(v) = line.strip_prefix("oom_kill ") {
                if let Ok(v) = v.trim().parse() {
                    events.insert("oom_kill".to_string(), v);
                }
            }
        }
    }
    Some(CgroupMemory {
        path: path.to_string(),
        version: 1,
        limit_bytes: limit,
        usage_bytes: read_u64(dir, "memory.usage_in_bytes"),
        events,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn membership_lines() {
        let text = "4:memory:/docker/abc\n0::/system.slice/x\n";
        assert_eq!(
            membership_of(text, |c| c.is_empty(), true).as_deref(),
            Some("/system.slice/x")
        );
        assert_eq!(
            membership_of(text, |c| c.split(',').any(|x| x == "memory"), false).as_deref(),
            Some("/docker/abc")
        );
    }

    #[test]
    fn reading_here_does_not_panic() {
        let _ = current_limit();
    }
}
