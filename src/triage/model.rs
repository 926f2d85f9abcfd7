//! What triage reports: the numbers it observed (plain data, one struct per subsystem, in
//! the units the rules think in) and the findings the rules draw from them.

use crate::system::containers::census::GroupState;
use crate::system::containers::oom_log::CgroupOomKill;

use serde::Serialize;

/// The limits of the container oncall runs in, from its own cgroup. `None` fields are not
/// set (no limit, no quota) or could not be read.
#[derive(Debug, Clone, Default, Serialize, schemars::JsonSchema)]
pub struct ContainerLimits {
    /// The memory cgroup as `/proc/self/cgroup` names it.
    #[schemars(extend("x-oncall-untrusted" = true))]
    pub memory_cgroup: String,
    pub memory_limit_bytes: Option<u64>,
    /// Usage less the inactive page cache (kubelet's and `docker stats`' figure).
    pub memory_working_set_bytes: Option<u64>,
    /// The limit less the working set.
    pub memory_available_bytes: Option<u64>,
    /// The CPU quota in CPUs (quota / period).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cpu_quota_cpus: Option<f64>,
    /// The file that sets it (`cpu.max`, `cpu.cfs_quota_us`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cpu_quota_file: Option<String>,
    /// CPUs the container's cgroup used over the window (`cpuacct.usage`, v2 `usage_usec`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cpu_used_cpus: Option<f64>,
}

impl ContainerLimits {
    /// The CPUs the container may use: its quota when it is below the host's CPUs.
    pub fn cpus(&self, host_cpus: usize) -> Option<f64> {
        self.cpu_quota_cpus.filter(|q| *q < host_cpus.max(1) as f64)
    }
}

#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    PartialOrd,
    Ord,
    Serialize,
    clap::ValueEnum,
    schemars::JsonSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum Severity {
    Info,
    Warning,
    Critical,
}

impl Severity {
    pub fn label(self) -> &'static str {
        match self {
            Severity::Info => "info",
            Severity::Warning => "warning",
            Severity::Critical => "critical",
        }
    }
}

#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct Finding {
    /// Which rule found it (the subsystem's rule set: `filesystems`, `sockets`, …): with
    /// `subject` and `runbook` it names one `oncall_finding` series of `oncall serve`.
    pub rule: &'static str,
    /// What it is about when a rule can find several (a mount, a listener, a pid, a log,
    /// a probe target); empty for host-wide findings.
    #[serde(skip_serializing_if = "String::is_empty")]
    #[schemars(extend("x-oncall-untrusted" = true))]
    pub subject: String,
    pub severity: Severity,
    /// One line that carries the numbers.
    pub title: String,
    #[schemars(extend("x-oncall-untrusted" = true))]
    pub detail: String,
    /// The figures the finding rests on, as `name: value` lines.
    #[schemars(extend("x-oncall-untrusted" = true))]
    pub evidence: Vec<String>,
    /// What to run next: classic and `oncall` commands.
    pub next: Vec<String>,
    /// The cheat sheet's runbook for this symptom (`oncall cheat --runbook ID`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub runbook: Option<&'static str>,
}

/// Everything the rules look at. A subsystem that could not be read is `None` (and the
/// report says why in its section), so a rule never mistakes "unknown" for "fine".
#[derive(Debug, Clone, Default, Serialize, schemars::JsonSchema)]
pub struct Observations {
    pub cpus: usize,
    pub load: Option<Load>,
    pub cpu: Option<Cpu>,
    pub memory: Option<Memory>,
    pub pressure: Option<PressureNow>,
    pub top_cpu: Vec<ProcessUse>,
    pub top_mem: Vec<ProcessUse>,
    pub disks_io: Vec<DiskIo>,
    pub filesystems: Vec<FilesystemUse>,
    pub deleted: Option<DeletedSpace>,
    pub network: Option<Network>,
    pub sockets: Option<Sockets>,
    pub cgroup: Option<Cgroup>,
    /// Every container, pod and (limited) unit group, over the window.
    pub groups: Vec<GroupState>,
    /// The kernel's OOM kills of the last 15 minutes that name a cgroup, with its group.
    pub group_oom_kills: Vec<CgroupOomKill>,
    /// Set when triage itself runs inside a container (its own cgroup's limits then count).
    pub inside_container: Option<crate::system::containers::inside::Inside>,
    /// Inside a container: its own memory limit and CPU quota, which the memory, load and
    /// CPU rules judge against (the host's totals stay in `memory`, `cpus`, `load`, `cpu`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub container_limits: Option<ContainerLimits>,
    pub kernel: Option<Kernel>,
    pub log_bursts: Vec<LogBurst>,
    /// Units the journal says failed, were OOM-killed or dumped core in the last 15 minutes.
    pub unit_troubles: Vec<UnitTrouble>,
    pub probes: Vec<ProbeOutcome>,
}

#[derive(Debug, Clone, Copy, Default, Serialize, schemars::JsonSchema)]
pub struct Load {
    pub one: f64,
    pub five: f64,
    pub fifteen: f64,
}

#[derive(Debug, Clone, Default, Serialize, schemars::JsonSchema)]
pub struct Cpu {
    pub user_percent: f64,
    pub system_percent: f64,
    pub iowait_percent: f64,
    pub steal_percent: f64,
    pub idle_percent: f64,
    pub run_queue: u64,
    pub blocked: u64,
    /// Busy share of each CPU, for imbalance (mpstat -P ALL).
    pub per_cpu_busy_percent: Vec<f64>,
    pub swap_in_pages_per_second: f64,
    pub swap_out_pages_per_second: f64,
}

#[derive(Debug, Clone, Default, Serialize, schemars::JsonSchema)]
pub struct Memory {
    pub total_bytes: u64,
    pub available_bytes: u64,
    pub swap_total_bytes: u64,
    pub swap_used_bytes: u64,
    pub oom_kills_total: u64,
    pub oom_kills_in_window: u64,
}

#[derive(Debug, Clone, Copy, Default, Serialize, schemars::JsonSchema)]
pub struct PressureNow {
    pub cpu_some_avg10: Option<f64>,
    pub memory_some_avg10: Option<f64>,
    pub memory_full_avg10: Option<f64>,
    pub io_some_avg10: Option<f64>,
    pub io_full_avg10: Option<f64>,
}

#[derive(Debug, Clone, Default, Serialize, schemars::JsonSchema)]
pub struct ProcessUse {
    pub pid: u32,
    #[schemars(extend("x-oncall-untrusted" = true))]
    pub name: String,
    #[schemars(extend("x-oncall-untrusted" = true))]
    pub user: Option<String>,
    pub cpu_percent: Option<f64>,
    pub rss_bytes: Option<u64>,
}

#[derive(Debug, Clone, Default, Serialize, schemars::JsonSchema)]
pub struct DiskIo {
    pub device: String,
    pub util_percent: f64,
    pub await_ms: f64,
    pub reads_per_second: f64,
    pub writes_per_second: f64,
}

#[derive(Debug, Clone, Default, Serialize, schemars::JsonSchema)]
pub struct FilesystemUse {
    #[schemars(extend("x-oncall-untrusted" = true))]
    pub mount: String,
    #[schemars(extend("x-oncall-untrusted" = true))]
    pub source: String,
    pub size_bytes: u64,
    pub avail_bytes: u64,
    pub used_percent: f64,
    pub inodes_used_percent: Option<f64>,
    pub read_only: bool,
    /// statvfs did not answer within its budget (a dead network mount).
    pub not_responding: bool,
}

#[derive(Debug, Clone, Default, Serialize, schemars::JsonSchema)]
pub struct DeletedSpace {
    pub total_bytes: u64,
    /// Largest holders: (pid, process name, bytes).
    pub holders: Vec<(u32, String, u64)>,
    /// The same space by the filesystem it is on, largest first (deleted_filesystems.rs).
    pub filesystems: Vec<DeletedOnFilesystem>,
}

/// Space pinned by deleted files on one filesystem.
#[derive(Debug, Clone, Default, Serialize, schemars::JsonSchema)]
pub struct DeletedOnFilesystem {
    /// Its mount point as oncall sees mounts (the `mount` of `oncall disk` and of the
    /// filesystem findings); empty when it is not mounted in oncall's mount namespace (a
    /// container's own filesystem).
    #[schemars(extend("x-oncall-untrusted" = true))]
    pub mount: String,
    /// The device number, `major:minor` as /proc/self/mountinfo writes it.
    pub device: String,
    /// Each file counted once, however many processes or fds hold it.
    pub bytes: u64,
    /// The process holding most of it there: (pid, process name, bytes).
    pub top_holder: Option<(u32, String, u64)>,
}

#[derive(Debug, Clone, Default, Serialize, schemars::JsonSchema)]
pub struct Network {
    /// Throughput of the busiest interfaces: (name, rx bytes/s, tx bytes/s).
    pub interface_throughput: Vec<(String, f64, f64)>,
    /// Interfaces with errors or drops during the window: (name, errors+drops per second).
    pub interface_errors: Vec<(String, f64)>,
    pub retransmit_percent: f64,
    pub out_segments_per_second: f64,
    pub resets_sent_per_second: f64,
    pub listen_overflows_in_window: u64,
    pub listen_drops_in_window: u64,
}

#[derive(Debug, Clone, Default, Serialize, schemars::JsonSchema)]
pub struct Sockets {
    pub established: u64,
    pub time_wait: u64,
    pub close_wait: u64,
    pub syn_recv: u64,
    /// From /proc/net/sockstat: sockets closed by the application and still closing, with
    /// the kernel's limit (`tcp_max_orphans`).
    pub orphaned: u64,
    pub max_orphans: Option<u64>,
    /// TCP buffer memory in pages against `tcp_mem`'s pressure and high marks.
    pub tcp_memory_pages: u64,
    pub tcp_mem_pressure_pages: Option<u64>,
    pub tcp_mem_high_pages: Option<u64>,
    /// Listeners whose accept queue is filling: (local address, queued, backlog, owner).
    pub filling_listeners: Vec<(String, u64, u64, Option<String>)>,
}

#[derive(Debug, Clone, Default, Serialize, schemars::JsonSchema)]
pub struct Cgroup {
    /// The memory cgroup (empty when the memory is not limited).
    #[schemars(extend("x-oncall-untrusted" = true))]
    pub path: String,
    /// The container, pod or unit that path is (`container web`), when it is one.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schemars(extend("x-oncall-untrusted" = true))]
    pub label: Option<String>,
    pub memory_limit_bytes: Option<u64>,
    pub memory_current_bytes: Option<u64>,
    /// Usage less the inactive page cache.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub memory_working_set_bytes: Option<u64>,
    pub memory_oom_kills: Option<u64>,
    /// The files that tell more: v2 `memory.events`, v1 `memory.oom_control`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub memory_events_file: Option<String>,
    /// The CPU cgroup (under cgroup v1 it may differ from the memory one).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cpu_path: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cpu_stat_file: Option<String>,
    /// Share of CPU periods in the window in which the group was throttled.
    pub throttled_percent: Option<f64>,
}

#[derive(Debug, Clone, Default, Serialize, schemars::JsonSchema)]
pub struct Kernel {
    /// Kernel log lines at error level or worse in the last 15 minutes.
    #[schemars(extend("x-oncall-untrusted" = true))]
    pub recent_errors: Vec<String>,
    /// OOM kills the kernel log names: (when, victim pid, victim name).
    pub oom_victims: Vec<(String, u32, String)>,
}

#[derive(Debug, Clone, Default, Serialize, schemars::JsonSchema)]
pub struct LogBurst {
    /// The source: a log path, or `journal:UNIT`.
    #[schemars(extend("x-oncall-untrusted" = true))]
    pub path: String,
    /// A burst in the journal: the unit (or identifier) whose entries these are.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schemars(extend("x-oncall-untrusted" = true))]
    pub unit: Option<String>,
    /// The journal directory that was read, when one was named (`triage --journal-dir`):
    /// the next commands must read the same files.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub journal_dir: Option<String>,
    pub errors_last_15m: u64,
    pub errors_before: u64,
    #[schemars(extend("x-oncall-untrusted" = true))]
    pub top_signature: Option<String>,
}

#[derive(Debug, Clone, Default, Serialize, schemars::JsonSchema)]
pub struct ProbeOutcome {
    #[schemars(extend("x-oncall-untrusted" = true))]
    pub target: String,
    /// "http", "tcp" or "grpc": which client the next command is.
    pub kind: &'static str,
    pub host: String,
    pub port: u16,
    pub ok: bool,
    #[schemars(extend("x-oncall-untrusted" = true))]
    pub detail: String,
    /// The server's certificate was refused (expired, untrusted, another name): the TLS
    /// runbook, not the sick-backend one.
    pub certificate_failed: bool,
}

/// What the journal of the last 15 minutes says went wrong with one unit (journal_units.rs):
/// PID 1's "Failed with result" messages (`UNIT_RESULT`), its and the kernel's OOM kills,
/// systemd-coredump's crashes. A kernel OOM kill of a process no entry ties to a unit has
/// no `unit`, and names the process instead.
#[derive(Debug, Clone, Default, Serialize, schemars::JsonSchema)]
pub struct UnitTrouble {
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schemars(extend("x-oncall-untrusted" = true))]
    pub unit: Option<String>,
    /// The victim or crashed process, `name (pid N)`, when the entries name one.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schemars(extend("x-oncall-untrusted" = true))]
    pub process: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub pid: Option<u32>,
    pub failures: u64,
    /// The distinct `UNIT_RESULT`s of those failures (`exit-code`, `oom-kill`, `signal`…).
    pub results: Vec<String>,
    pub oom_kills: u64,
    pub crashes: u64,
    /// The signals the crashes died of (`SIGSEGV`…).
    pub signals: Vec<String>,
    /// Realtime of the first and last of these entries, µs since the epoch.
    pub first_us: u64,
    pub last_us: u64,
    /// The entries' messages (first line), oldest first, at most a few.
    #[schemars(extend("x-oncall-untrusted" = true))]
    pub messages: Vec<String>,
    /// The journal directory that was read, when one was named (`triage --journal-dir`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub journal_dir: Option<String>,
}
