//! A cgroup's own counters, wherever this host mounts them: the v2 tree, or v1's memory, cpu
//! and cpuacct hierarchies (separate or co-mounted). Each counter is read from v2 when the
//! group's v2 directory has the file, else from v1: a hybrid host keeps memory and CPU in v1
//! while the unified tree holds only systemd's units.

use crate::system::pressure::{self, Pressure};
use serde::Serialize;
use std::path::{Path, PathBuf};

/// Limits above this are "no limit" (v1 writes PAGE_COUNTER_MAX pages as bytes).
const UNLIMITED: u64 = 1 << 60;

#[derive(Debug, Clone)]
struct Mount {
    /// The mount's root inside the hierarchy (not `/` inside a cgroup namespace's view).
    root: String,
    dir: PathBuf,
}

impl Mount {
    fn dir_of(&self, path: &str) -> PathBuf {
        let rel = path
            .strip_prefix(self.root.as_str())
            .unwrap_or(path)
            .trim_start_matches('/');
        self.dir.join(rel)
    }
}

/// The cgroup mounts of this host.
#[derive(Debug, Clone, Default)]
pub struct Hierarchies {
    v2: Option<Mount>,
    memory: Option<Mount>,
    cpu: Option<Mount>,
    cpuacct: Option<Mount>,
}

/// One group's counters at one instant; `None` = this host does not keep it (or we may not
/// read it), never zero.
#[derive(Debug, Clone, Default, Serialize, schemars::JsonSchema)]
pub struct GroupCounters {
    /// The group's own charge: v2 `memory.current`, v1 `memory.usage_in_bytes`.
    pub memory_bytes: Option<u64>,
    /// `None` when unlimited.
    pub memory_limit_bytes: Option<u64>,
    /// CPU time of the whole group, ns (v2 `cpu.stat` usage_usec, v1 `cpuacct.usage`).
    #[serde(skip)]
    pub cpu_usage_ns: Option<u64>,
    pub nr_periods: Option<u64>,
    pub nr_throttled: Option<u64>,
    pub throttled_seconds: Option<f64>,
    /// v2 `memory.events` oom_kill, v1 `memory.oom_control` oom_kill.
    pub oom_kills: Option<u64>,
    /// v2 `memory.events` oom (the limit was hit and reclaim failed).
    pub oom_events: Option<u64>,
    /// v1 `memory.failcnt`: times usage hit the limit.
    pub failcnt: Option<u64>,
    /// v2 `memory.pressure` some avg10 (%); `memory_pressure.some.avg10`, kept for readers
    /// of the earlier field.
    pub memory_pressure_some_avg10: Option<f64>,
    /// The group's own PSI (v2 `memory.pressure`, `cpu.pressure`, `io.pressure`): the share
    /// of time its tasks stalled. Every v2 group has these files, controllers or not (a
    /// hybrid host's unified tree too); v1 keeps no PSI per group, so `null` there, never 0.
    pub memory_pressure: Option<Pressure>,
    pub cpu_pressure: Option<Pressure>,
    pub io_pressure: Option<Pressure>,
    /// Where the memory files are, for the next command to run.
    pub memory_dir: Option<PathBuf>,
}

impl Hierarchies {
    /// From `/proc/self/mountinfo`; empty when unreadable (every counter then unknown).
    pub fn detect() -> Hierarchies {
        crate::system::proc_text::read("/proc/self/mountinfo")
            .map(|t| Hierarchies::parse(&t))
            .unwrap_or_default()
    }

    pub fn parse(mountinfo: &str) -> Hierarchies {
        let mut out = Hierarchies::default();
        for line in mountinfo.lines() {
            let Some((left, right)) = line.split_once(" - ") else {
                continue;
            };
            let left: Vec<&str> = left.split_whitespace().collect();
            let right: Vec<&str> = right.split_whitespace().collect();
            if left.len() < 5 || right.len() < 3 {
                continue;
            }
            let mount = Mount {
                root: left[3].to_string(),
                dir: PathBuf::from(left[4]),
            };
            match right[0] {
                "cgroup2" => {
                    out.v2.get_or_insert(mount);
                }
                "cgroup" => {
                    let opts: Vec<&str> = right[2].split(',').collect();
                    if opts.contains(&"memory") {
                        out.memory.get_or_insert(mount.clone());
                    }
                    if opts.contains(&"cpu") {
                        out.cpu.get_or_insert(mount.clone());
                    }
                    if opts.contains(&"cpuacct") {
                        out.cpuacct.get_or_insert(mount);
                    }
                }
                _ => {}
            }
        }
        out
    }

    /// The counters of the group at `path` (as `/proc/PID/cgroup` names it).
    pub fn counters(&self, path: &str) -> GroupCounters {
        let mut c = GroupCounters::default();
        let v2 = self.v2.as_ref().map(|m| m.dir_of(path));
        let v2_memory = v2.as_ref().filter(|d| d.join("memory.current").exists());
        if let Some(dir) = v2_memory {
            c.memory_bytes = read_u64(dir, "memory.current");
            c.memory_limit_bytes = read_u64(dir, "memory.max").filter(|l| *l < UNLIMITED);
            let events = read_text(dir, "memory.events").unwrap_or_default();
            c.oom_kills = key_value(&events, "oom_kill");
            c.oom_events = key_value(&events, "oom");
            c.memory_dir = Some(dir.clone());
        } else if let Some(dir) = self.memory.as_ref().map(|m| m.dir_of(path)) {
            if dir.join("memory.usage_in_bytes").exists() {
                c.memory_bytes = read_u64(&dir, "memory.usage_in_bytes");
                c.memory_limit_bytes =
                    read_u64(&dir, "memory.limit_in_bytes").filter(|l| *l < UNLIMITED);
                c.failcnt = read_u64(&dir, "memory.failcnt");
                c.oom_kills =
                    read_text(&dir, "memory.oom_control").and_then(|t| key_value(&t, "oom_kill"));
                c.memory_dir = Some(dir);
            }
        }
        if let Some(dir) = &v2 {
            let psi = |f: &str| read_text(dir, f).as_deref().and_then(pressure::parse);
            c.memory_pressure = psi("memory.pressure");
            c.cpu_pressure = psi("cpu.pressure");
            c.io_pressure = psi("io.pressure");
            c.memory_pressure_some_avg10 = c.memory_pressure.map(|p| p.some.avg10);
        }
        let v2_stat = v2.as_ref().and_then(|d| read_text(d, "cpu.stat"));
        let v2_usage = v2_stat.as_deref().and_then(|s| key_value(s, "usage_usec"));
        c.cpu_usage_ns = v2_usage.map(|us| us * 1000).or_else(|| {
            let dir = self.cpuacct.as_ref()?.dir_of(path);
            read_u64(&dir, "cpuacct.usage")
        });
        // v2's cpu.stat has the throttling keys only where the cpu controller is enabled.
        let v2_throttle = v2_stat
            .as_deref()
            .filter(|s| key_value(s, "nr_periods").is_some());
        if let Some(stat) = v2_throttle {
            c.nr_periods = key_value(stat, "nr_periods");
            c.nr_throttled = key_value(stat, "nr_throttled");
            c.throttled_seconds = key_value(stat, "throttled_usec").map(|us| us as f64 / 1e6);
        } else if let Some(dir) = self.cpu.as_ref().map(|m| m.dir_of(path)) {
            if let Some(stat) = read_text(&dir, "cpu.stat") {
                c.nr_periods = key_value(&stat, "nr_periods");
                c.nr_throttled = key_value(&stat, "nr_throttled");
                c.throttled_seconds = key_value(&stat, "throttled_time").map(|ns| ns as f64 / 1e9);
            }
        }
        c
    }
}

fn read_text(dir: &Path, file: &str) -> Option<String> {
    std::fs::read_to_string(dir.join(file)).ok()
}

fn read_u64(dir: &Path, file: &str) -> Option<u64> {
    read_text(dir, file)?.trim().parse().ok()
}

/// `key N` from a flat-keyed cgroup file (`cpu.stat`, `memory.events`, `memory.oom_control`).
pub fn key_value(text: &str, key: &str) -> Option<u64> {
    text.lines().find_map(|l| {
        let (k, v) = l.split_once(' ')?;
        (k == key).then(|| v.trim().parse().ok())?
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn v1_hierarchies_separate_and_comounted() {
        let text = "32 31 0:29 / /sys/fs/cgroup/cpu,cpuacct rw - cgroup cgroup rw,cpu,cpuacct\n\
                    35 31 0:32 /docker/abc /sys/fs/cgroup/memory rw - cgroup cgroup rw,memory\n\
                    41 31 0:38 / /sys/fs/cgroup/unified rw - cgroup2 cgroup2 rw\n";
        let h = Hierarchies::parse(text);
        let cpu = h.cpu.as_ref().unwrap();
        assert_eq!(cpu.dir, Path::new("/sys/fs/cgroup/cpu,cpuacct"));
        assert_eq!(h.cpuacct.as_ref().unwrap().dir, cpu.dir);
        // Inside a cgroup namespace the mount's root is taken off the path.
        let mem = h.memory.unwrap();
        assert_eq!(
            mem.dir_of("/docker/abc/sub"),
            Path::new("/sys/fs/cgroup/memory/sub")
        );
        assert_eq!(
            h.v2.unwrap().dir_of("/a.slice"),
            Path::new("/sys/fs/cgroup/unified/a.slice")
        );
    }

    #[test]
    fn flat_keys() {
        let events = "low 0\nhigh 3\nmax 9\noom 2\noom_kill 1\noom_group_kill 0\n";
        assert_eq!(key_value(events, "oom"), Some(2));
        assert_eq!(key_value(events, "oom_kill"), Some(1));
        assert_eq!(key_value(events, "nope"), None);
        assert_eq!(key_value("oom_kill x\n", "oom_kill"), None);
    }

    /// v2 files as the kernel writes them, in a directory standing for the cgroup2 mount
    /// (this host's controllers are bound to v1: no real v2 memory group can be made here).
    #[test]
    fn v2_counters_from_recorded_files() {
        let root = tempfile::tempdir().unwrap();
        let dir = root.path().join("system.slice/docker-x.scope");
        std::fs::create_dir_all(&dir).unwrap();
        let files = [
            ("memory.current", "7340032\n"),
            ("memory.max", "67108864\n"),
            ("memory.events", "low 0\nhigh 0\nmax 12\noom 3\noom_kill 2\noom_group_kill 0\n"),
            ("memory.pressure", "some avg10=4.20 avg60=1.00 avg300=0.10 total=99\nfull avg10=0.00 avg60=0.00 avg300=0.00 total=0\n"),
            ("cpu.stat", "usage_usec 2500000\nuser_usec 2000000\nsystem_usec 500000\nnr_periods 40\nnr_throttled 9\nthrottled_usec 1500000\n"),
        ];
        for (f, t) in files {
            std::fs::write(dir.join(f), t).unwrap();
        }
        let mountinfo = format!(
            "30 1 0:26 / {} rw - cgroup2 cgroup2 rw\n",
            root.path().display()
        );
        let c = Hierarchies::parse(&mountinfo).counters("/system.slice/docker-x.scope");
        assert_eq!(c.memory_bytes, Some(7340032));
        assert_eq!(c.memory_limit_bytes, Some(64 << 20));
        assert_eq!((c.oom_events, c.oom_kills), (Some(3), Some(2)));
        assert_eq!(c.memory_pressure_some_avg10, Some(4.2));
        assert_eq!(c.memory_pressure.unwrap().some.avg60, 1.0);
        // No cpu.pressure / io.pressure written: unknown, not zero.
        assert!(c.cpu_pressure.is_none() && c.io_pressure.is_none());
        assert_eq!(c.cpu_usage_ns, Some(2_500_000_000));
        assert_eq!((c.nr_periods, c.nr_throttled), (Some(40), Some(9)));
        assert_eq!(c.throttled_seconds, Some(1.5));
        // "max" is no limit; a cpu.stat without the cpu controller has no throttling keys.
        std::fs::write(dir.join("memory.max"), "max\n").unwrap();
        std::fs::write(
            dir.join("cpu.stat"),
            "usage_usec 5\nuser_usec 5\nsystem_usec 0\n",
        )
        .unwrap();
        let c = Hierarchies::parse(&mountinfo).counters("/system.slice/docker-x.scope");
        assert_eq!(c.memory_limit_bytes, None);
        assert_eq!(c.nr_throttled, None);
        assert_eq!(c.cpu_usage_ns, Some(5000));
    }

    #[test]
    fn a_missing_group_is_all_unknown() {
        let c = Hierarchies::detect().counters("/oncall-no-such-group/\u{1b}x");
        assert!(c.memory_bytes.is_none() && c.cpu_usage_ns.is_none() && c.nr_throttled.is_none());
    }
}
