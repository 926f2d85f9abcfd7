//! The memory limit of the cgroup this process runs in (what a container sees as its RAM):
//! cgroup v2 `memory.max`/`memory.current`/`memory.events`, or v1 `memory.limit_in_bytes`;
//! and its CPU throttling counters (`cpu.stat`, the same keys in v2 and v1).

use serde::Serialize;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct CgroupMemory {
    /// The cgroup as `/proc/self/cgroup` names it.
    #[schemars(extend("x-oncall-untrusted" = true))]
    pub path: String,
    pub version: u8,
    pub limit_bytes: u64,
    pub usage_bytes: Option<u64>,
    /// v2 `memory.events` (low, high, max, oom, oom_kill) or v1 `failcnt` and `oom_kill`.
    pub events: BTreeMap<String, u64>,
    /// Page cache the kernel reclaims first (`memory.stat` v2 `inactive_file`, v1
    /// `total_inactive_file`): usage less this is the working set kubelet evicts on.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub inactive_file_bytes: Option<u64>,
    /// Where the cgroup's files are, for the next command to run.
    pub dir: PathBuf,
}

impl CgroupMemory {
    /// Usage less the inactive page cache (what `docker stats` and kubelet call memory).
    pub fn working_set_bytes(&self) -> Option<u64> {
        let usage = self.usage_bytes?;
        Some(usage.saturating_sub(self.inactive_file_bytes.unwrap_or(0)))
    }
}

/// The current cgroup's CPU quota: v2 `cpu.max`, v1 `cpu.cfs_quota_us` / `cpu.cfs_period_us`.
#[derive(Debug, Clone, Serialize)]
pub struct CpuQuota {
    /// The cgroup as `/proc/self/cgroup` names it.
    pub path: String,
    /// The file that sets it, for the next command.
    pub file: PathBuf,
    pub quota_us: u64,
    pub period_us: u64,
}

impl CpuQuota {
    /// The quota in CPUs (`50000 100000` is 0.5).
    pub fn cpus(&self) -> f64 {
        self.quota_us as f64 / self.period_us.max(1) as f64
    }
}

/// The CPU controller's counters of the current cgroup.
#[derive(Debug, Clone)]
pub struct CpuThrottling {
    /// The cgroup as `/proc/self/cgroup` names it (v1's cpu hierarchy may differ from memory's).
    pub path: String,
    pub stat_file: PathBuf,
    pub nr_periods: u64,
    pub nr_throttled: u64,
}

/// Limits above this are "no limit" (v1 writes PAGE_COUNTER_MAX pages as bytes).
const UNLIMITED: u64 = 1 << 60;

/// The current cgroup's memory limit, when there is one; `None` when unlimited or unreadable.
pub fn current_limit() -> Option<CgroupMemory> {
    let membership = std::fs::read_to_string("/proc/self/cgroup").ok()?;
    let mountinfo = crate::system::proc_text::read("/proc/self/mountinfo").ok()?;
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

/// The current cgroup's CPU quota, when one is set (`max` / `-1` is none).
pub fn cpu_quota() -> Option<CpuQuota> {
    let (membership, mountinfo) = own_files()?;
    if let Some((dir, path)) = v2_dir(&membership, &mountinfo) {
        if let Ok(text) = std::fs::read_to_string(dir.join("cpu.max")) {
            let (quota_us, period_us) = parse_cpu_max(&text)?;
            return Some(CpuQuota {
                path,
                file: dir.join("cpu.max"),
                quota_us,
                period_us,
            });
        }
    }
    let (dir, path) = v1_dir(&membership, &mountinfo, "cpu")?;
    let quota: i64 = read_u64_or_signed(&dir, "cpu.cfs_quota_us")?;
    let period = read_u64(&dir, "cpu.cfs_period_us")?;
    (quota > 0 && period > 0).then(|| CpuQuota {
        path,
        file: dir.join("cpu.cfs_quota_us"),
        quota_us: quota as u64,
        period_us: period,
    })
}

/// The CPU time the current cgroup has used, in ns: v1 `cpuacct.usage` where the cpuacct
/// controller is bound to v1, else v2 `cpu.stat` `usage_usec`. Read at both ends of a window
/// it is the group's CPUs in use. (A hybrid host's unified tree counts usage too, but of the
/// group the process has there, which runtimes on v1 leave at the host's root.)
pub fn cpu_usage_ns() -> Option<u64> {
    let (membership, mountinfo) = own_files()?;
    if membership_of(&membership, |c| c.split(',').any(|x| x == "cpuacct"), false).is_some() {
        let (dir, _) = v1_dir(&membership, &mountinfo, "cpuacct")?;
        return read_u64(&dir, "cpuacct.usage");
    }
    let (dir, _) = v2_dir(&membership, &mountinfo)?;
    let stat = std::fs::read_to_string(dir.join("cpu.stat")).ok()?;
    stat.lines()
        .find_map(|l| l.strip_prefix("usage_usec ")?.trim().parse::<u64>().ok())
        .map(|us| us * 1000)
}

fn own_files() -> Option<(String, String)> {
    Some((
        std::fs::read_to_string("/proc/self/cgroup").ok()?,
        crate::system::proc_text::read("/proc/self/mountinfo").ok()?,
    ))
}

fn v2_dir(membership: &str, mountinfo: &str) -> Option<(PathBuf, String)> {
    let path = membership_of(membership, |c| c.is_empty(), true)?;
    Some((locate(mountinfo, "cgroup2", None, &path)?, path))
}

fn v1_dir(membership: &str, mountinfo: &str, controller: &str) -> Option<(PathBuf, String)> {
    let path = membership_of(membership, |c| c.split(',').any(|x| x == controller), false)?;
    Some((locate(mountinfo, "cgroup", Some(controller), &path)?, path))
}

/// (quota, period) from v2 `cpu.max`; `max 100000` is no quota.
fn parse_cpu_max(text: &str) -> Option<(u64, u64)> {
    let mut it = text.split_whitespace();
    let quota = it.next()?.parse::<u64>().ok()?;
    let period = it.next()?.parse::<u64>().ok()?;
    (quota > 0 && period > 0).then_some((quota, period))
}

fn read_u64_or_signed(dir: &Path, file: &str) -> Option<i64> {
    std::fs::read_to_string(dir.join(file))
        .ok()?
        .trim()
        .parse()
        .ok()
}

/// `memory.stat`'s value for `key`.
fn memory_stat(dir: &Path, key: &str) -> Option<u64> {
    let text = std::fs::read_to_string(dir.join("memory.stat")).ok()?;
    text.lines().find_map(|l| {
        let (k, v) = l.split_once(' ')?;
        (k == key).then(|| v.trim().parse().ok())?
    })
}

/// The current cgroup's `cpu.stat` counters (v2, else v1's cpu hierarchy), when the file has
/// them. Read at both ends of a window they tell how often the quota held the group back;
/// without a quota `nr_periods` does not move.
pub fn cpu_throttling() -> Option<CpuThrottling> {
    let membership = std::fs::read_to_string("/proc/self/cgroup").ok()?;
    let mountinfo = crate::system::proc_text::read("/proc/self/mountinfo").ok()?;
    let v2 = membership_of(&membership, |c| c.is_empty(), true)
        .and_then(|path| Some((locate(&mountinfo, "cgroup2", None, &path)?, path)));
    let v1 = || {
        let path = membership_of(&membership, |c| c.split(',').any(|x| x == "cpu"), false)?;
        Some((locate(&mountinfo, "cgroup", Some("cpu"), &path)?, path))
    };
    // A hybrid host has a v2 tree without the cpu controller: its cpu.stat lacks nr_periods.
    v2.into_iter().chain(v1()).find_map(|(dir, path)| {
        let stat_file = dir.join("cpu.stat");
        let stat = std::fs::read_to_string(&stat_file).ok()?;
        let (nr_periods, nr_throttled) = parse_cpu_stat(&stat)?;
        Some(CpuThrottling {
            path,
            stat_file,
            nr_periods,
            nr_throttled,
        })
    })
}

/// (nr_periods, nr_throttled) from a `cpu.stat`.
fn parse_cpu_stat(stat: &str) -> Option<(u64, u64)> {
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
/// The mount's own root is taken off the path, as inside a cgroup namespace. A later mount on
/// the same hierarchy shadows an earlier one (a container's own cgroupfs over the host's), so
/// the last usable line wins; a root outside our cgroup namespace (`/..`) cannot place us.
fn locate(mountinfo: &str, fs_type: &str, option: Option<&str>, path: &str) -> Option<PathBuf> {
    let mut found = None;
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
        if root == "/.." || root.starts_with("/../") {
            continue;
        }
        let rel = path
            .strip_prefix(root)
            .unwrap_or(path)
            .trim_start_matches('/');
        let dir = mount.join(rel);
        found = Some(if dir.is_dir() {
            dir
        } else {
            mount.to_path_buf()
        });
    }
    found
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
        inactive_file_bytes: memory_stat(dir, "inactive_file"),
        dir: dir.to_path_buf(),
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
        inactive_file_bytes: memory_stat(dir, "total_inactive_file"),
        dir: dir.to_path_buf(),
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
    fn cpu_stat_in_both_versions() {
        let v1 = "nr_periods 120\nnr_throttled 30\nthrottled_time 912000000\n";
        assert_eq!(parse_cpu_stat(v1), Some((120, 30)));
        let v2 = "usage_usec 5\nuser_usec 3\nsystem_usec 2\nnr_periods 7\nnr_throttled 1\nthrottled_usec 9\n";
        assert_eq!(parse_cpu_stat(v2), Some((7, 1)));
        // A v2 cgroup without the cpu controller has only the usage lines.
        assert_eq!(parse_cpu_stat("usage_usec 5\nuser_usec 3\n"), None);
    }

    #[test]
    fn a_later_mount_shadows_and_a_root_outside_the_namespace_places_nothing() {
        let dir = tempfile::tempdir().unwrap();
        let m = dir.path().display();
        // Inside a new cgroup namespace: the host's mount shows `/..`, the container's own
        // bind (or cgroupfs) mount over it `/`.
        let shadowed = format!(
            "54 50 0:32 /.. {m} rw,relatime - cgroup cgroup rw,memory\n\
             66 54 0:32 / {m} rw,relatime - cgroup cgroup rw,memory\n"
        );
        assert_eq!(
            locate(&shadowed, "cgroup", Some("memory"), "/"),
            Some(dir.path().to_path_buf())
        );
        let outside = format!("54 50 0:32 /.. {m} rw,relatime - cgroup cgroup rw,memory\n");
        assert_eq!(locate(&outside, "cgroup", Some("memory"), "/"), None);
    }

    #[test]
    fn cpu_max_quota() {
        assert_eq!(parse_cpu_max("50000 100000\n"), Some((50000, 100000)));
        assert_eq!(parse_cpu_max("max 100000\n"), None);
    }

    #[test]
    fn reading_here_does_not_panic() {
        let _ = current_limit();
    }
}
