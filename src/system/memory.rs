//! `oncall mem`: memory as procps `free` computes it, swap, PSI, the top consumers by RSS,
//! OOM-kill evidence and the cgroup limit of a container.

use super::cgroup::{self, CgroupMemory};
use super::containers::census::{self, GroupState};
use super::containers::hierarchy::Hierarchies;
use super::containers::inside::{self, Inside};
use super::containers::names::{Names, Roots};
use super::kernel_log::{self, OomKill};
use super::pressure::{self, Pressure};
use super::processes::{self, SnapshotOptions};
use super::users::UserNames;
use procfs::{Current, Meminfo};
use serde::Serialize;

/// The numbers of `free -b`, computed as procps-ng 4 does.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, schemars::JsonSchema)]
pub struct FreeFigures {
    pub total_bytes: u64,
    pub used_bytes: u64,
    pub free_bytes: u64,
    pub shared_bytes: u64,
    pub buff_cache_bytes: u64,
    pub available_bytes: u64,
    pub swap_total_bytes: u64,
    pub swap_used_bytes: u64,
    pub swap_free_bytes: u64,
}

#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct Consumer {
    pub pid: i32,
    #[schemars(extend("x-oncall-untrusted" = true))]
    pub user: Option<String>,
    #[schemars(extend("x-oncall-untrusted" = true))]
    pub name: String,
    pub rss_bytes: u64,
    pub percent_of_total: f64,
}

#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct OomEvidence {
    /// `oom_kill` in `/proc/vmstat`: kills since boot (Linux 4.13+).
    pub kills_since_boot: Option<u64>,
    /// Kills found in the kernel log; `None` when it could not be read (see `kernel_log_note`).
    pub kernel_log: Option<Vec<OomKill>>,
    pub kernel_log_note: Option<String>,
}

#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct MemReport {
    #[serde(flatten)]
    pub free: FreeFigures,
    pub pressure: Option<Pressure>,
    pub top: Vec<Consumer>,
    pub oom: OomEvidence,
    /// The current cgroup's limit, when it has one (containers).
    pub cgroup: Option<CgroupMemory>,
    /// Containers, pods and units with a memory limit, OOM kills or throttling, nearest
    /// their limit first (`top` of them).
    pub groups: Vec<GroupState>,
    /// Set when oncall runs inside a container: `cgroup` is then the container's limit.
    pub inside_container: Option<Inside>,
}

/// The figures of `free` from `/proc/meminfo` (procps-ng 4: used = total − available).
pub fn free_figures(m: &Meminfo) -> FreeFigures {
    let total = m.mem_total;
    // No MemAvailable (Linux < 3.14), or a container where it exceeds the total: procps falls
    // back to MemFree, and so do we.
    let available = match m.mem_available {
        Some(a) if a <= total => a,
        _ => m.mem_free,
    };
    let used = total
        .checked_sub(available)
        .unwrap_or(total.saturating_sub(m.mem_free));
    FreeFigures {
        total_bytes: total,
        used_bytes: used,
        free_bytes: m.mem_free,
        shared_bytes: m.shmem.unwrap_or(0),
        buff_cache_bytes: m.buffers + m.cached + m.s_reclaimable.unwrap_or(0),
        available_bytes: available,
        swap_total_bytes: m.swap_total,
        swap_used_bytes: m.swap_total.saturating_sub(m.swap_free),
        swap_free_bytes: m.swap_free,
    }
}

pub fn read_free() -> std::io::Result<FreeFigures> {
    let m = Meminfo::current().map_err(std::io::Error::other)?;
    Ok(free_figures(&m))
}

/// Everything `oncall mem` shows; `top` is how many consumers to list.
pub fn collect(top: usize) -> std::io::Result<MemReport> {
    // The host-wide reads below do not depend on the processes: they run on a thread of
    // their own while this one walks /proc with the snapshot's workers. One after the other
    // they were a third of a call's time (perf, 71 processes), with the second core idle.
    let (snap, host) = std::thread::scope(|s| {
        let host = s.spawn(HostWide::read);
        // The cgroup files are read in the snapshot's parallel pass, for the groups below.
        let snap = processes::snapshot(SnapshotOptions {
            details: false,
            cmdline: false,
            membership: true,
        });
        (snap, host.join())
    });
    let snap = snap?;
    let host = host.map_err(|_| std::io::Error::other("the host-wide reads failed"))?;
    let free = host.free?;
    let mut by_rss: Vec<_> = snap.processes.iter().collect();
    by_rss.sort_by_key(|p| std::cmp::Reverse(p.rss_bytes));
    let consumers = by_rss
        .into_iter()
        .take(top)
        .map(|p| Consumer {
            pid: p.pid,
            user: p.uid.map(|u| host.users.name(u)),
            name: p.name.clone(),
            rss_bytes: p.rss_bytes,
            percent_of_total: percent(p.rss_bytes, free.total_bytes),
        })
        .collect();
    let (kernel_log, kernel_log_note) = match host.oom_kills {
        Ok(kills) => (Some(kills), None),
        Err(why) => (None, Some(why)),
    };
    Ok(MemReport {
        free,
        pressure: host.pressure,
        top: consumers,
        oom: OomEvidence {
            kills_since_boot: host.kills_since_boot,
            kernel_log,
            kernel_log_note,
        },
        cgroup: host.cgroup,
        groups: limited_groups(&snap, &host.hierarchies, top),
        inside_container: host.inside,
    })
}

/// What `collect` reads that is not per process.
struct HostWide {
    free: std::io::Result<FreeFigures>,
    users: UserNames,
    kills_since_boot: Option<u64>,
    oom_kills: Result<Vec<OomKill>, String>,
    pressure: Option<Pressure>,
    cgroup: Option<CgroupMemory>,
    hierarchies: Hierarchies,
    inside: Option<Inside>,
}

impl HostWide {
    fn read() -> HostWide {
        HostWide {
            free: read_free(),
            users: UserNames::load(),
            kills_since_boot: procfs::vmstat()
                .ok()
                .and_then(|v| v.get("oom_kill").copied())
                .map(|k| k.max(0) as u64),
            // The snapshot reads the same boot time (btime of /proc/stat).
            oom_kills: kernel_log::oom_kills(procfs::boot_time_secs().unwrap_or(0)),
            pressure: pressure::read("memory"),
            cgroup: cgroup::current_limit(),
            hierarchies: Hierarchies::detect(),
            inside: inside::detect(),
        }
    }
}

/// The groups worth a line: limited, OOM-killed, throttled, or (v2) stalled on memory now.
fn limited_groups(
    snap: &processes::Snapshot,
    hierarchies: &Hierarchies,
    top: usize,
) -> Vec<GroupState> {
    let census = census::of_snapshot(hierarchies, snap);
    let mut names = Names::new(Roots::from_env());
    let mut groups: Vec<GroupState> = census::states(None, &census, &mut names)
        .into_iter()
        .filter(|g| {
            let c = &g.counters;
            c.memory_limit_bytes.is_some()
                || c.oom_kills.unwrap_or(0) > 0
                || c.nr_throttled.unwrap_or(0) > 0
                || c.memory_pressure.is_some_and(|p| p.some.avg10 > 0.0)
        })
        .collect();
    groups.sort_by(|a, b| {
        let p = |g: &GroupState| g.percent_of_limit.unwrap_or(-1.0);
        p(b).total_cmp(&p(a)).then(a.name.cmp(&b.name))
    });
    groups.truncate(top);
    groups
}

fn percent(part: u64, whole: u64) -> f64 {
    if whole == 0 {
        0.0
    } else {
        (part as f64 * 1000.0 / whole as f64).round() / 10.0
    }
}
