//! The rules that turn observed numbers into findings, in the USE spirit (utilisation,
//! saturation, errors). Every threshold is named here, in one place, and every rule has a
//! test on recorded numbers below.

use super::model::*;
use crate::cheat::shell_words::quote;
use crate::render::units::bytes;

/// Thresholds, in the units the rules think in.
pub mod limits {
    /// Load average per CPU: above this the run queue outgrows the CPUs.
    pub const LOAD_PER_CPU_WARN: f64 = 1.0;
    pub const LOAD_PER_CPU_CRIT: f64 = 2.0;
    pub const IOWAIT_WARN: f64 = 20.0;
    pub const IOWAIT_CRIT: f64 = 40.0;
    pub const STEAL_WARN: f64 = 10.0;
    pub const CPU_IDLE_WARN: f64 = 10.0;
    /// One CPU this busy while the average is below `IMBALANCE_AVG` means a single hot thread.
    pub const IMBALANCE_HOT: f64 = 90.0;
    pub const IMBALANCE_AVG: f64 = 50.0;
    pub const MEM_AVAILABLE_WARN: f64 = 10.0;
    pub const MEM_AVAILABLE_CRIT: f64 = 5.0;
    pub const SWAP_OUT_PAGES_WARN: f64 = 100.0;
    pub const PSI_SOME_WARN: f64 = 10.0;
    pub const PSI_FULL_CRIT: f64 = 5.0;
    /// A process using this much of one CPU is named.
    pub const PROCESS_CPU_WARN: f64 = 90.0;
    pub const DISK_UTIL_WARN: f64 = 90.0;
    pub const DISK_AWAIT_WARN_MS: f64 = 100.0;
    pub const FS_USED_WARN: f64 = 85.0;
    pub const FS_USED_CRIT: f64 = 95.0;
    pub const INODES_WARN: f64 = 85.0;
    pub const INODES_CRIT: f64 = 95.0;
    pub const DELETED_WARN_BYTES: u64 = 1 << 30;
    pub const RETRANS_WARN: f64 = 2.0;
    pub const RETRANS_CRIT: f64 = 5.0;
    /// Below this many segments a second, a retransmit ratio is noise.
    pub const RETRANS_MIN_SEGMENTS: f64 = 50.0;
    pub const CLOSE_WAIT_WARN: u64 = 100;
    pub const TIME_WAIT_INFO: u64 = 20_000;
    /// Orphaned sockets as a share of `tcp_max_orphans`: past the limit the kernel resets
    /// connections and logs "too many orphaned sockets".
    pub const ORPHANS_WARN_PERCENT: u64 = 50;
    pub const ORPHANS_CRIT_PERCENT: u64 = 90;
    pub const CGROUP_MEM_WARN: f64 = 90.0;
    pub const THROTTLED_WARN: f64 = 10.0;
    /// Inside a container: the share of its CPU quota used over the window that saturates it
    /// (the rest of a period is lost to throttling).
    pub const QUOTA_USED_WARN: f64 = 90.0;
    /// …or the share of its periods in which the quota held it back (on a busy host a
    /// container may get less than its quota and still be held to it in most periods).
    pub const QUOTA_THROTTLED_SATURATED: f64 = 50.0;
    /// Error lines in the last 15 minutes that make a burst, and how much above the
    /// earlier rate they must be.
    pub const LOG_BURST_MIN: u64 = 50;
    pub const LOG_BURST_FACTOR: u64 = 3;
}

use limits::*;

mod containers;
mod journal_units;

fn finding(severity: Severity, title: String, runbook: Option<&'static str>) -> Finding {
    Finding {
        rule: "",
        subject: String::new(),
        severity,
        title,
        detail: String::new(),
        evidence: Vec::new(),
        next: Vec::new(),
        runbook,
    }
}

impl Finding {
    fn subject(mut self, s: impl Into<String>) -> Finding {
        self.subject = s.into();
        self
    }
    fn detail(mut self, d: impl Into<String>) -> Finding {
        self.detail = d.into();
        self
    }
    fn evidence(mut self, e: impl IntoIterator<Item = String>) -> Finding {
        self.evidence.extend(e);
        self
    }
    fn next(mut self, n: &[&str]) -> Finding {
        self.next.extend(n.iter().map(|s| s.to_string()));
        self
    }
}

/// The severity of something already past its warning limit.
fn graded(critical: bool) -> Severity {
    if critical {
        Severity::Critical
    } else {
        Severity::Warning
    }
}

fn pct(v: f64) -> String {
    format!("{v:.0}%")
}

type Rule = fn(&Observations, &mut Vec<Finding>);

/// Every rule set by name, in evaluation order: a finding's `rule`, and one alert each in
/// `oncall rules prometheus`.
const RULES: [(&str, Rule); 14] = [
    ("load", load),
    ("cpu", cpu),
    ("memory", memory),
    ("pressure", pressure),
    ("processes", processes),
    ("disks", disks),
    ("filesystems", filesystems),
    ("network", network),
    ("sockets", sockets),
    ("cgroup", cgroup),
    ("containers", containers::groups),
    ("kernel", kernel),
    ("logs", logs),
    ("probes", probes),
];

/// The rule sets' names (a finding's `rule` label).
pub fn names() -> impl Iterator<Item = &'static str> {
    RULES.iter().map(|(n, _)| *n)
}

/// All rules, findings sorted by severity (critical first).
pub fn evaluate(o: &Observations) -> Vec<Finding> {
    let mut out = Vec::new();
    for (name, rule) in RULES {
        let first = out.len();
        rule(o, &mut out);
        for f in &mut out[first..] {
            f.rule = name;
        }
    }
    out.sort_by_key(|f| std::cmp::Reverse(f.severity));
    out
}

fn load(o: &Observations, out: &mut Vec<Finding>) {
    let Some(l) = o.load else { return };
    // Inside a container with a CPU quota below the host's CPUs, that quota is the CPUs its
    // work has (what a container-aware runtime's CPU count says): the load average is the
    // kernel's, host-wide, and the title says so beside the host's CPUs.
    let quota = o.container_limits.as_ref().and_then(|c| c.cpus(o.cpus));
    let cpus = quota.unwrap_or(o.cpus.max(1) as f64);
    let per_cpu = l.one / cpus;
    if per_cpu <= LOAD_PER_CPU_WARN {
        return;
    }
    let sev = graded(per_cpu > LOAD_PER_CPU_CRIT);
    let trend = if l.one > l.fifteen * 1.2 {
        "rising"
    } else if l.one < l.fifteen * 0.8 {
        "falling"
    } else {
        "steady"
    };
    let title = match quota {
        Some(q) => format!(
            "Load {:.2} (host-wide) on the container's CPU quota of {q:.2} CPUs ({:.1} per CPU), \
             {trend} (5m {:.2}, 15m {:.2}); the host has {} CPUs ({:.1} per CPU)",
            l.one,
            per_cpu,
            l.five,
            l.fifteen,
            o.cpus,
            l.one / o.cpus.max(1) as f64
        ),
        None => format!(
            "Load {:.2} on {} CPUs ({:.1} per CPU), {trend} (5m {:.2}, 15m {:.2})",
            l.one, o.cpus, per_cpu, l.five, l.fifteen
        ),
    };
    out.push(
        finding(sev, title, Some("high-load"))
            .detail("More runnable or uninterruptible tasks than CPUs: work is queueing.")
            .evidence([format!(
                "load averages: {:.2} {:.2} {:.2}",
                l.one, l.five, l.fifteen
            )])
            .next(&["vmstat 1 5", "oncall ps --sort cpu", "oncall ps --state D"]),
    );
}

fn cpu(o: &Observations, out: &mut Vec<Finding>) {
    let Some(c) = &o.cpu else { return };
    if c.iowait_percent > IOWAIT_WARN {
        let sev = graded(c.iowait_percent > IOWAIT_CRIT);
        out.push(
            finding(
                sev,
                format!(
                    "CPUs wait on I/O {} of the time; {} tasks blocked",
                    pct(c.iowait_percent),
                    c.blocked
                ),
                Some("slow-disk-io"),
            )
            .evidence([format!("iowait: {}", pct(c.iowait_percent))])
            .next(&[
                "iostat -xz 1 3",
                "oncall ps --state D",
                "oncall ps --sort io",
            ]),
        );
    }
    if c.steal_percent > STEAL_WARN {
        out.push(
            finding(
                Severity::Warning,
                format!("Hypervisor steals {} of CPU time", pct(c.steal_percent)),
                Some("high-load"),
            )
            .detail("Another guest on the same host is taking CPU this VM was promised.")
            .next(&["mpstat -P ALL 1 3", "vmstat 1 5"]),
        );
    }
    let cpus = o.cpus.max(1) as u64;
    let quota = o.container_limits.as_ref().and_then(|l| {
        let q = l.cpus(o.cpus)?;
        Some((
            q,
            l.cpu_used_cpus?,
            l.cpu_quota_file.clone().unwrap_or_default(),
        ))
    });
    if let Some((q, used, file)) = quota {
        // Inside a container with a quota, saturation is its quota used up, whatever the
        // host's idle time: the host's figures are beside it.
        let share = 100.0 * used / q;
        let throttled = o.cgroup.as_ref().and_then(|c| c.throttled_percent);
        if share >= QUOTA_USED_WARN || throttled.is_some_and(|t| t >= QUOTA_THROTTLED_SATURATED) {
            let held = throttled
                .map(|t| format!(", throttled in {} of periods", pct(t)))
                .unwrap_or_default();
            out.push(
                finding(
                    Severity::Warning,
                    format!(
                        "CPU saturated in the container: {used:.2} of its {q:.2}-CPU quota used \
                         ({}){held}; the host is {} idle on {cpus} CPUs",
                        pct(share),
                        pct(c.idle_percent)
                    ),
                Some("high-cpu"),
                )
                .detail("The container's work is held to its quota: it queues while the host may look idle.")
                .evidence([
                    format!("quota: {q:.2} CPUs ({file})"),
                    format!("host: user {}, system {}", pct(c.user_percent), pct(c.system_percent)),
                ])
                .next(&[&format!("cat {file}"), "oncall ps --sort cpu", "top -o %CPU"]),
            );
        }
    } else if c.idle_percent < CPU_IDLE_WARN && c.run_queue > 2 * cpus {
        out.push(
            finding(
                Severity::Warning,
                format!(
                    "CPU saturated: {} idle, {} runnable tasks for {} CPUs",
                    pct(c.idle_percent),
                    c.run_queue,
                    cpus
                ),
                Some("high-cpu"),
            )
            .evidence([
                format!("user {}", pct(c.user_percent)),
                format!("system {}", pct(c.system_percent)),
            ])
            .next(&["oncall ps --sort cpu", "pidstat 1 5", "top -o %CPU"]),
        );
    }
    let n = c.per_cpu_busy_percent.len() as f64;
    if n > 1.0 {
        let avg = c.per_cpu_busy_percent.iter().sum::<f64>() / n;
        if let Some((hot, busy)) = c
            .per_cpu_busy_percent
            .iter()
            .enumerate()
            .max_by(|a, b| a.1.total_cmp(b.1))
        {
            if *busy > IMBALANCE_HOT && avg < IMBALANCE_AVG {
                out.push(
                    finding(
                        Severity::Info,
                        format!(
                            "CPU {hot} is {} busy while the average is {}: one hot thread or IRQ",
                            pct(*busy),
                            pct(avg)
                        ),
                        Some("high-cpu"),
                    )
                    .next(&[
                        "mpstat -P ALL 1 3",
                        "oncall ps --sort cpu",
                        "cat /proc/interrupts",
                    ]),
                );
            }
        }
    }
    if c.swap_out_pages_per_second > SWAP_OUT_PAGES_WARN {
        out.push(
            finding(
                Severity::Warning,
                format!(
                    "Swapping out {:.0} pages/s (in {:.0}/s)",
                    c.swap_out_pages_per_second, c.swap_in_pages_per_second
                ),
                Some("memory-pressure"),
            )
            .next(&["vmstat 1 5", "oncall mem", "oncall ps --sort mem"]),
        );
    }
}

fn memory(o: &Observations, out: &mut Vec<Finding>) {
    let Some(m) = &o.memory else { return };
    if m.oom_kills_in_window > 0 {
        out.push(
            finding(
                Severity::Critical,
                format!(
                    "The kernel OOM-killed {} process(es) during triage",
                    m.oom_kills_in_window
                ),
                Some("memory-pressure"),
            )
            .next(&["dmesg -T | grep -i 'killed process'", "oncall mem"]),
        );
    }
    if m.total_bytes == 0 {
        return;
    }
    let host_avail = 100.0 * m.available_bytes as f64 / m.total_bytes as f64;
    // Inside a container with a memory limit below the host's RAM, that limit is its memory:
    // judged on the working set (usage less inactive page cache), the host's beside it.
    let limited = o.container_limits.as_ref().and_then(|c| {
        let limit = c.memory_limit_bytes.filter(|l| *l < m.total_bytes)?;
        Some((
            limit,
            c.memory_available_bytes?,
            c.memory_working_set_bytes?,
        ))
    });
    if let Some((limit, available, working_set)) = limited {
        // memory.stat beside the events file the cgroup collector found.
        let stat_cmd = o
            .cgroup
            .as_ref()
            .and_then(|c| c.memory_events_file.as_deref())
            .and_then(|f| std::path::Path::new(f).parent())
            .map_or("cat /sys/fs/cgroup/memory.stat".to_string(), |d| {
                format!(
                    "cat {}",
                    quote(&d.join("memory.stat").display().to_string())
                )
            });
        let avail = 100.0 * available as f64 / limit.max(1) as f64;
        if avail < MEM_AVAILABLE_WARN {
            out.push(
                finding(
                    graded(avail < MEM_AVAILABLE_CRIT),
                    format!(
                        "Memory {} available in the container ({} of its {} limit); host: {} of {} available",
                        pct(avail),
                        bytes(available),
                        bytes(limit),
                        bytes(m.available_bytes),
                        bytes(m.total_bytes)
                    ),
                    Some("memory-pressure"),
                )
                .detail("At its limit the kernel reclaims the container's cache, then OOM-kills inside it, whatever the host has free.")
                .evidence([
                    format!("working set (usage less inactive file cache): {}", bytes(working_set)),
                    format!("host available: {}", pct(host_avail)),
                ])
                .next(&["oncall mem", &stat_cmd, "oncall ps --sort mem --top 10"]),
            );
        }
        return;
    }
    let avail = host_avail;
    if avail < MEM_AVAILABLE_WARN {
        let sev = graded(avail < MEM_AVAILABLE_CRIT);
        let top = o
            .top_mem
            .first()
            .map(|p| {
                format!(
                    "; largest: {} (pid {}) {}",
                    p.name,
                    p.pid,
                    p.rss_bytes.map_or("?".into(), bytes)
                )
            })
            .unwrap_or_default();
        out.push(
            finding(
                sev,
                format!(
                    "Memory {} available ({} of {}){top}",
                    pct(avail),
                    bytes(m.available_bytes),
                    bytes(m.total_bytes)
                ),
                Some("memory-pressure"),
            )
            .evidence([format!(
                "swap used: {} of {}",
                bytes(m.swap_used_bytes),
                bytes(m.swap_total_bytes)
            )])
            .next(&["free -m", "oncall mem", "oncall ps --sort mem --top 10"]),
        );
    }
}

fn pressure(o: &Observations, out: &mut Vec<Finding>) {
    let Some(p) = o.pressure else { return };
    if let Some(full) = p.memory_full_avg10.filter(|v| *v > PSI_FULL_CRIT) {
        out.push(
            finding(
                Severity::Critical,
                format!("All tasks stalled on memory {full:.1}% of the last 10 s (PSI full)"),
                Some("memory-pressure"),
            )
            .next(&["cat /proc/pressure/memory", "oncall mem"]),
        );
    }
    for (what, v, runbook, next) in [
        ("CPU", p.cpu_some_avg10, "high-load", "oncall ps --sort cpu"),
        (
            "memory",
            p.memory_some_avg10,
            "memory-pressure",
            "oncall mem",
        ),
        ("I/O", p.io_some_avg10, "slow-disk-io", "iostat -xz 1 3"),
    ] {
        if let Some(v) = v.filter(|v| *v > PSI_SOME_WARN) {
            out.push(
                finding(
                    Severity::Warning,
                    format!("Tasks stalled on {what} {v:.1}% of the last 10 s (PSI some)"),
                    Some(runbook),
                )
                .next(&["cat /proc/pressure/*", next]),
            );
        }
    }
}

fn processes(o: &Observations, out: &mut Vec<Finding>) {
    for p in &o.top_cpu {
        if let Some(c) = p.cpu_percent.filter(|c| *c > PROCESS_CPU_WARN) {
            out.push(
                finding(
                    Severity::Warning,
                    format!("{} (pid {}) uses {:.0}% CPU", p.name, p.pid, c),
                    Some("high-cpu"),
                )
                .subject(p.pid.to_string())
                .evidence([format!("user: {}", p.user.as_deref().unwrap_or("?"))])
                .next(&[
                    &format!("pidstat -p {} 1 5", p.pid),
                    &format!("oncall ps --pid {}", p.pid),
                    &format!("top -H -p {}", p.pid),
                ]),
            );
        }
    }
}

fn disks(o: &Observations, out: &mut Vec<Finding>) {
    for d in &o.disks_io {
        if d.util_percent > DISK_UTIL_WARN || d.await_ms > DISK_AWAIT_WARN_MS {
            out.push(
                finding(
                    Severity::Warning,
                    format!(
                        "{} is {} busy, await {:.0} ms ({:.0} r/s, {:.0} w/s)",
                        d.device,
                        pct(d.util_percent),
                        d.await_ms,
                        d.reads_per_second,
                        d.writes_per_second
                    ),
                    Some("slow-disk-io"),
                )
                .subject(d.device.clone())
                .next(&["iostat -xz 1 3", "oncall ps --sort io", "iotop -o"]),
            );
        }
    }
}

fn filesystems(o: &Observations, out: &mut Vec<Finding>) {
    for fs in &o.filesystems {
        if fs.not_responding {
            out.push(
                finding(
                    Severity::Critical,
                    format!(
                        "{} ({}) does not respond: statvfs timed out",
                        fs.mount, fs.source
                    ),
                    Some("mount-hung"),
                )
                .subject(fs.mount.clone())
                .detail("A dead network mount hangs every process that touches it.")
                .next(&[
                    &format!("findmnt -T {}", quote(&fs.mount)),
                    "ps -eo pid,stat,wchan:32,args | awk '$2 ~ /D/'",
                    "dmesg -T | grep -i 'not responding' | tail",
                    "oncall disk",
                ]),
            );
            continue;
        }
        if fs.used_percent >= FS_USED_WARN {
            let sev = graded(fs.used_percent >= FS_USED_CRIT);
            // Only the deleted files on this filesystem pin its space.
            let pinned = o
                .deleted
                .iter()
                .flat_map(|d| &d.filesystems)
                .find(|d| d.mount == fs.mount && d.bytes >= DELETED_WARN_BYTES)
                .and_then(|d| {
                    d.top_holder.as_ref().map(|(pid, name, _)| {
                        format!(
                            "; {} pinned by deleted files held by {name} (pid {pid})",
                            bytes(d.bytes)
                        )
                    })
                })
                .unwrap_or_default();
            out.push(
                finding(
                    sev,
                    format!(
                        "{} is {} full: {} left{pinned}",
                        fs.mount,
                        pct(fs.used_percent),
                        bytes(fs.avail_bytes)
                    ),
                    Some(if pinned.is_empty() {
                        "disk-full"
                    } else {
                        "deleted-files-pin-space"
                    }),
                )
                .subject(fs.mount.clone())
                .evidence([format!(
                    "{} on {}, size {}",
                    fs.source,
                    fs.mount,
                    bytes(fs.size_bytes)
                )])
                .next(&[
                    &format!(
                        "du -xh --max-depth=2 {} | sort -rh | head",
                        quote(&fs.mount)
                    ),
                    &format!("oncall disk usage {} -x", quote(&fs.mount)),
                    "oncall disk deleted",
                ]),
            );
        }
        if let Some(i) = fs.inodes_used_percent.filter(|i| *i >= INODES_WARN) {
            let sev = graded(i >= INODES_CRIT);
            out.push(
                finding(
                    sev,
                    format!("{} has used {} of its inodes", fs.mount, pct(i)),
                    Some("inodes-exhausted"),
                )
                .subject(fs.mount.clone())
                .next(&[&format!("df -i {}", quote(&fs.mount)), "oncall disk"]),
            );
        }
    }
    if let Some(d) = &o.deleted {
        let already = out
            .iter()
            .any(|f| f.runbook == Some("deleted-files-pin-space"));
        if d.total_bytes >= DELETED_WARN_BYTES && !already {
            let holder = d
                .holders
                .first()
                .map(|(pid, name, b)| format!(" (most by {name}, pid {pid}: {})", bytes(*b)))
                .unwrap_or_default();
            out.push(
                finding(
                    Severity::Warning,
                    format!(
                        "{} pinned by deleted files still open{holder}",
                        bytes(d.total_bytes)
                    ),
                    Some("deleted-files-pin-space"),
                )
                .next(&["lsof +L1", "oncall disk deleted"]),
            );
        }
    }
}

fn network(o: &Observations, out: &mut Vec<Finding>) {
    let Some(n) = &o.network else { return };
    for (name, rate) in &n.interface_errors {
        out.push(
            finding(
                Severity::Warning,
                format!("{name}: {rate:.1} errors or drops per second"),
                Some("packet-loss-retransmits"),
            )
            .subject(name.clone())
            .next(&["ip -s link", "ethtool -S IFACE", "oncall net stats"]),
        );
    }
    if n.out_segments_per_second >= RETRANS_MIN_SEGMENTS && n.retransmit_percent > RETRANS_WARN {
        let sev = graded(n.retransmit_percent > RETRANS_CRIT);
        out.push(
            finding(
                sev,
                format!(
                    "TCP retransmits {:.1}% of {:.0} segments/s",
                    n.retransmit_percent, n.out_segments_per_second
                ),
                Some("packet-loss-retransmits"),
            )
            .next(&["nstat -az | grep -i retrans", "ss -ti", "oncall net stats"]),
        );
    }
    if n.listen_overflows_in_window > 0 || n.listen_drops_in_window > 0 {
        out.push(
            finding(
                Severity::Critical,
                format!(
                    "{} accept-queue overflows ({} SYNs dropped) during triage",
                    n.listen_overflows_in_window, n.listen_drops_in_window
                ),
                Some("backend-unhealthy"),
            )
            .detail("A listener is not accepting fast enough: clients see timeouts or resets.")
            .next(&["ss -tlnp", "oncall net --listen --processes"]),
        );
    }
}

fn sockets(o: &Observations, out: &mut Vec<Finding>) {
    let Some(s) = &o.sockets else { return };
    for (addr, queued, backlog, owner) in &s.filling_listeners {
        let full = queued >= backlog;
        let who = owner
            .as_deref()
            .map(|o| format!(" ({o})"))
            .unwrap_or_default();
        out.push(
            finding(
                if full {
                    Severity::Critical
                } else {
                    Severity::Warning
                },
                format!(
                    "Listener {addr}{who}: accept queue {queued} of {backlog}{}",
                    if full { ", full" } else { "" }
                ),
                Some("backend-unhealthy"),
            )
            .subject(addr.clone())
            .next(&["ss -tlnp", "oncall net --listen --processes"]),
        );
    }
    if s.close_wait >= CLOSE_WAIT_WARN {
        out.push(
            finding(
                Severity::Warning,
                format!(
                    "{} sockets in CLOSE-WAIT: an application is not closing connections",
                    s.close_wait
                ),
                Some("too-many-open-files"),
            )
            .next(&[
                "ss -tanp state close-wait",
                "oncall net --state close-wait --processes",
            ]),
        );
    }
    if let Some(max) = s.max_orphans.filter(|m| *m > 0) {
        let pct = s.orphaned * 100 / max;
        if pct >= ORPHANS_WARN_PERCENT {
            out.push(
                finding(
                    graded(pct >= ORPHANS_CRIT_PERCENT),
                    format!(
                        "{} orphaned TCP sockets, {pct}% of tcp_max_orphans ({max}): peers not \
                         finishing their close",
                        s.orphaned
                    ),
                    None,
                )
                .evidence([
                    "/proc/net/sockstat: TCP orphan; sysctl net.ipv4.tcp_max_orphans".to_string(),
                ])
                .next(&["ss -s", "oncall net --summary", "dmesg | grep -i orphan"]),
            );
        }
    }
    // Over the pressure mark the kernel shrinks buffers; at the high mark it drops
    // segments ("TCP: out of memory -- consider tuning tcp_mem").
    if let Some(pressure) = s.tcp_mem_pressure_pages.filter(|p| *p > 0) {
        if s.tcp_memory_pages >= pressure {
            let high = s.tcp_mem_high_pages.unwrap_or(u64::MAX);
            out.push(
                finding(
                    graded(s.tcp_memory_pages >= high),
                    format!(
                        "TCP buffers use {} pages, over tcp_mem's pressure mark ({pressure}){}",
                        s.tcp_memory_pages,
                        if s.tcp_memory_pages >= high {
                            " and at its high mark: segments are dropped"
                        } else {
                            ""
                        }
                    ),
                    Some("memory-pressure"),
                )
                .evidence([
                    "/proc/net/sockstat: TCP mem (pages); sysctl net.ipv4.tcp_mem".to_string(),
                ])
                .next(&[
                    "ss -tm",
                    "oncall net --summary",
                    "sysctl net.ipv4.tcp_mem",
                ]),
            );
        }
    }
    if s.time_wait >= TIME_WAIT_INFO {
        out.push(
            finding(
                Severity::Info,
                format!(
                    "{} sockets in TIME-WAIT: many short connections",
                    s.time_wait
                ),
                None,
            )
            .next(&["ss -s", "oncall net --summary"]),
        );
    }
}

fn cgroup(o: &Observations, out: &mut Vec<Finding>) {
    let Some(c) = &o.cgroup else { return };
    // "container web (cgroup /docker/…)" where the path is a container's, pod's or unit's.
    let who = |path: &str| match &c.label {
        Some(l) => format!("{l} (cgroup {path})"),
        None => format!("cgroup {path}"),
    };
    let events_cmd = format!(
        "cat {}",
        c.memory_events_file
            .as_deref()
            .unwrap_or("/sys/fs/cgroup/memory.events")
    );
    if let (Some(limit), Some(cur)) = (c.memory_limit_bytes, c.memory_current_bytes) {
        let used = 100.0 * cur as f64 / limit.max(1) as f64;
        if used >= CGROUP_MEM_WARN {
            out.push(
                finding(
                    Severity::Warning,
                    format!(
                        "{} uses {} of its {} memory limit",
                        who(&c.path),
                        pct(used),
                        bytes(limit)
                    ),
                    Some("memory-pressure"),
                )
                .next(&["oncall mem", &events_cmd]),
            );
        }
    }
    if let Some(n) = c.memory_oom_kills.filter(|n| *n > 0) {
        out.push(
            finding(
                Severity::Critical,
                format!("{} has had {n} OOM kill(s)", who(&c.path)),
                Some("memory-pressure"),
            )
            .next(&[&events_cmd, "oncall mem"]),
        );
    }
    if let Some(t) = c.throttled_percent.filter(|t| *t > THROTTLED_WARN) {
        out.push(
            finding(
                Severity::Warning,
                format!(
                    "{} was CPU-throttled in {} of periods",
                    who(c.cpu_path.as_deref().unwrap_or(&c.path)),
                    pct(t)
                ),
                Some("high-cpu"),
            )
            .detail("The container hits its CPU quota: latency rises while the host may look idle.")
            .next(&[
                &format!(
                    "cat {}",
                    c.cpu_stat_file
                        .as_deref()
                        .unwrap_or("/sys/fs/cgroup/cpu.stat")
                ),
                "oncall ps --sort cpu",
            ]),
        );
    }
}

fn kernel(o: &Observations, out: &mut Vec<Finding>) {
    let Some(k) = &o.kernel else { return };
    // A kill put on a container or pod is the containers rule's finding.
    let placed = |pid: &u32| {
        o.group_oom_kills
            .iter()
            .any(|g| g.group.is_some() && g.pid == Some(*pid))
    };
    for (when, pid, name) in k.oom_victims.iter().filter(|(_, p, _)| !placed(p)).take(3) {
        out.push(
            finding(
                Severity::Warning,
                format!("OOM killer killed {name} (pid {pid}) at {when}"),
                Some("memory-pressure"),
            )
            .subject(pid.to_string())
            .next(&["dmesg -T | grep -i -A5 'out of memory'", "oncall mem"]),
        );
    }
    if !k.recent_errors.is_empty() {
        out.push(
            finding(
                Severity::Warning,
                format!(
                    "{} kernel errors in the last 15 minutes",
                    k.recent_errors.len()
                ),
                None,
            )
            .evidence(k.recent_errors.iter().rev().take(3).cloned())
            .next(&["dmesg -T --level=err,crit,alert,emerg | tail -20"]),
        );
    }
}

/// Log bursts, and the units the journal says failed, were OOM-killed or crashed.
fn logs(o: &Observations, out: &mut Vec<Finding>) {
    journal_units::troubles(o, out);
    for b in &o.log_bursts {
        if b.errors_last_15m >= LOG_BURST_MIN
            && b.errors_last_15m >= LOG_BURST_FACTOR * b.errors_before.max(1)
        {
            if let Some(unit) = &b.unit {
                out.push(journal_burst(b, unit));
                continue;
            }
            out.push(
                finding(
                    Severity::Warning,
                    format!(
                        "{}: {} error lines in the last 15 minutes (before: {})",
                        b.path, b.errors_last_15m, b.errors_before
                    ),
                    Some("service-wont-start"),
                )
                .subject(b.path.clone())
                .evidence(
                    b.top_signature
                        .iter()
                        .map(|s| format!("most frequent: {s}")),
                )
                .next(&[
                    &format!("oncall logs top {} --since 15m", quote(&b.path)),
                    // An empty pattern: every line at error level, as `grep ''` prints all.
                    &format!(
                        "oncall logs grep --level error --since 15m '' {}",
                        quote(&b.path)
                    ),
                ]),
            );
        }
    }
}

/// A unit's error burst in the journal: journalctl's command and ours, on the same files.
fn journal_burst(b: &LogBurst, unit: &str) -> Finding {
    let (dir_j, dir_o) = match &b.journal_dir {
        Some(d) => (
            format!(" -D {}", quote(d)),
            format!(" --journal-dir {}", quote(d)),
        ),
        None => (String::new(), String::new()),
    };
    let u = quote(unit);
    finding(
        Severity::Warning,
        format!(
            "{unit}: {} error entries in the journal in the last 15 minutes (before: {})",
            b.errors_last_15m, b.errors_before
        ),
        Some("service-wont-start"),
    )
    .subject(unit.to_string())
    .evidence(
        b.top_signature
            .iter()
            .map(|s| format!("most frequent: {s}")),
    )
    .next(&[
        &format!("journalctl{dir_j} -u {u} -p err --since '15 min ago'"),
        &format!("oncall logs tail -u {u} -p err{dir_o}"),
        &format!("oncall logs grep -u {u} -p err --since 15m ''{dir_o}"),
    ])
}

fn probes(o: &Observations, out: &mut Vec<Finding>) {
    for p in o.probes.iter().filter(|p| !p.ok) {
        let runbook = if p.certificate_failed {
            "tls-expired"
        } else {
            "backend-unhealthy"
        };
        // The classic client for the kind: curl speaks neither tcp:// nor gRPC.
        let classic = match p.kind {
            "tcp" => format!("nc -vz {} {}", quote(&p.host), p.port),
            "grpc" => format!(
                "grpcurl -plaintext {}:{} grpc.health.v1.Health/Check",
                quote(&p.host),
                p.port
            ),
            _ => format!("curl -v {}", quote(&p.target)),
        };
        out.push(
            finding(
                Severity::Critical,
                format!("Probe of {} failed: {}", p.target, p.detail),
                Some(runbook),
            )
            .subject(p.target.clone())
            .next(&[&format!("oncall probe {}", quote(&p.target)), &classic]),
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn titles(o: &Observations) -> Vec<(Severity, String)> {
        evaluate(o)
            .into_iter()
            .map(|f| (f.severity, f.title))
            .collect()
    }

    /// Every runbook a finding points to exists in the cheat sheet.
    #[test]
    fn every_runbook_named_exists() {
        let o = Observations {
            cpus: 1,
            load: Some(Load {
                one: 9.0,
                five: 1.0,
                fifteen: 1.0,
            }),
            cpu: Some(Cpu {
                iowait_percent: 50.0,
                steal_percent: 50.0,
                idle_percent: 0.0,
                run_queue: 9,
                per_cpu_busy_percent: vec![100.0, 0.0, 0.0],
                swap_out_pages_per_second: 1e4,
                ..Default::default()
            }),
            memory: Some(Memory {
                total_bytes: 100,
                available_bytes: 1,
                oom_kills_in_window: 1,
                ..Default::default()
            }),
            pressure: Some(PressureNow {
                cpu_some_avg10: Some(50.0),
                memory_some_avg10: Some(50.0),
                memory_full_avg10: Some(50.0),
                io_some_avg10: Some(50.0),
                io_full_avg10: Some(50.0),
            }),
            top_cpu: vec![ProcessUse {
                cpu_percent: Some(100.0),
                ..Default::default()
            }],
            disks_io: vec![DiskIo {
                util_percent: 100.0,
                ..Default::default()
            }],
            filesystems: vec![
                FilesystemUse {
                    mount: "/var/lib/my data".into(),
                    used_percent: 99.0,
                    inodes_used_percent: Some(99.0),
                    ..Default::default()
                },
                FilesystemUse {
                    mount: "/mnt/nfs".into(),
                    not_responding: true,
                    ..Default::default()
                },
            ],
            deleted: Some(DeletedSpace {
                total_bytes: 10 << 30,
                holders: vec![(1, "x".into(), 10 << 30)],
                ..Default::default()
            }),
            network: Some(Network {
                interface_errors: vec![("e".into(), 1.0)],
                retransmit_percent: 9.0,
                out_segments_per_second: 1e3,
                listen_overflows_in_window: 1,
                ..Default::default()
            }),
            sockets: Some(Sockets {
                close_wait: 1000,
                time_wait: 1 << 20,
                orphaned: 100,
                max_orphans: Some(100),
                tcp_memory_pages: 10,
                tcp_mem_pressure_pages: Some(5),
                tcp_mem_high_pages: Some(10),
                filling_listeners: vec![("a".into(), 9, 9, None)],
                ..Default::default()
            }),
            cgroup: Some(Cgroup {
                path: "/".into(),
                memory_limit_bytes: Some(1),
                memory_current_bytes: Some(1),
                memory_oom_kills: Some(1),
                throttled_percent: Some(99.0),
                ..Default::default()
            }),
            kernel: Some(Kernel {
                recent_errors: vec!["e".into()],
                oom_victims: vec![("t".into(), 1, "x".into())],
            }),
            log_bursts: vec![LogBurst {
                path: "/var/log/app.log".into(),
                errors_last_15m: 1000,
                ..Default::default()
            }],
            probes: vec![ProbeOutcome::default()],
            ..Default::default()
        };
        let sheet = crate::cheat::sheet::Sheet::builtin();
        let findings = evaluate(&o);
        assert!(findings.len() >= 25, "{}", findings.len());
        for f in findings {
            if let Some(id) = f.runbook {
                assert!(
                    sheet.runbooks.iter().any(|r| r.id == id),
                    "no runbook {id} for {}",
                    f.title
                );
            }
            assert!(!f.next.is_empty(), "{} has no next command", f.title);
            // The `oncall …` next steps must parse with the real CLI.
            for next in f.next.iter().filter(|n| n.starts_with("oncall ")) {
                let words: Vec<String> = crate::cheat::shell_words::split(next)
                    .unwrap()
                    .into_iter()
                    .map_while(|l| match l {
                        crate::cheat::shell_words::Lexeme::Word { value, .. } => Some(value),
                        _ => None,
                    })
                    .collect();
                let parsed = <crate::cli::Cli as clap::Parser>::try_parse_from(&words);
                assert!(parsed.is_ok(), "`{next}` ({}): {:?}", f.title, parsed.err());
            }
        }
    }

    #[test]
    fn a_quiet_host_has_no_findings() {
        let o = Observations {
            cpus: 4,
            load: Some(Load {
                one: 0.5,
                five: 0.4,
                fifteen: 0.3,
            }),
            cpu: Some(Cpu {
                idle_percent: 90.0,
                per_cpu_busy_percent: vec![10.0; 4],
                ..Default::default()
            }),
            memory: Some(Memory {
                total_bytes: 8 << 30,
                available_bytes: 6 << 30,
                ..Default::default()
            }),
            ..Default::default()
        };
        assert!(evaluate(&o).is_empty(), "{:?}", titles(&o));
    }

    #[test]
    fn load_per_cpu_sets_severity_and_trend() {
        let mut o = Observations {
            cpus: 2,
            load: Some(Load {
                one: 5.0,
                five: 3.0,
                fifteen: 1.0,
            }),
            ..Default::default()
        };
        let t = titles(&o);
        assert_eq!(t[0].0, Severity::Critical);
        assert!(
            t[0].1.contains("2.5 per CPU") && t[0].1.contains("rising"),
            "{t:?}"
        );
        o.load = Some(Load {
            one: 3.0,
            five: 3.0,
            fifteen: 3.0,
        });
        assert_eq!(titles(&o)[0].0, Severity::Warning);
    }

    #[test]
    fn iowait_steal_saturation_imbalance_swap() {
        let o = Observations {
            cpus: 2,
            cpu: Some(Cpu {
                iowait_percent: 45.0,
                steal_percent: 12.0,
                idle_percent: 2.0,
                run_queue: 9,
                per_cpu_busy_percent: vec![99.0, 1.0, 0.0, 0.0],
                swap_out_pages_per_second: 500.0,
                ..Default::default()
            }),
            ..Default::default()
        };
        let t = titles(&o);
        assert!(
            t.iter()
                .any(|(s, x)| *s == Severity::Critical && x.contains("wait on I/O 45%")),
            "{t:?}"
        );
        assert!(t.iter().any(|(_, x)| x.contains("steals 12%")));
        assert!(t
            .iter()
            .any(|(_, x)| x.contains("9 runnable tasks for 2 CPUs")));
        assert!(t.iter().any(|(_, x)| x.starts_with("CPU 0 is 99% busy")));
        assert!(t
            .iter()
            .any(|(_, x)| x.contains("Swapping out 500 pages/s")));
    }

    #[test]
    fn memory_low_names_the_largest_process_and_oom() {
        let o = Observations {
            memory: Some(Memory {
                total_bytes: 100 << 20,
                available_bytes: 4 << 20,
                oom_kills_in_window: 1,
                ..Default::default()
            }),
            top_mem: vec![ProcessUse {
                pid: 812,
                name: "java".into(),
                rss_bytes: Some(90 << 20),
                ..Default::default()
            }],
            ..Default::default()
        };
        let t = titles(&o);
        assert!(
            t.iter().any(|(s, x)| *s == Severity::Critical
                && x.starts_with("Memory 4% available")
                && x.contains("java (pid 812)")),
            "{t:?}"
        );
        assert!(t.iter().any(|(_, x)| x.contains("OOM-killed 1")));
    }

    #[test]
    fn pressure_thresholds() {
        let o = Observations {
            pressure: Some(PressureNow {
                memory_full_avg10: Some(7.0),
                io_some_avg10: Some(30.0),
                cpu_some_avg10: Some(1.0),
                ..Default::default()
            }),
            ..Default::default()
        };
        let t = titles(&o);
        assert!(t
            .iter()
            .any(|(s, x)| *s == Severity::Critical && x.contains("PSI full")));
        assert!(t.iter().any(|(_, x)| x.contains("I/O 30.0%")));
        assert!(!t.iter().any(|(_, x)| x.contains("CPU 1.0%")));
    }

    #[test]
    fn a_burning_process_is_named() {
        let o = Observations {
            top_cpu: vec![ProcessUse {
                pid: 42,
                name: "burner".into(),
                cpu_percent: Some(99.0),
                ..Default::default()
            }],
            ..Default::default()
        };
        assert_eq!(titles(&o)[0].1, "burner (pid 42) uses 99% CPU");
    }

    #[test]
    fn busy_disk() {
        let o = Observations {
            disks_io: vec![DiskIo {
                device: "sda".into(),
                util_percent: 97.0,
                await_ms: 20.0,
                ..Default::default()
            }],
            ..Default::default()
        };
        assert!(titles(&o)[0].1.starts_with("sda is 97% busy"));
    }

    #[test]
    fn full_filesystem_carries_the_pinned_deleted_space() {
        let o = Observations {
            filesystems: vec![FilesystemUse {
                mount: "/var".into(),
                source: "/dev/sda2".into(),
                size_bytes: 40 << 30,
                avail_bytes: 1288490189,
                used_percent: 97.0,
                inodes_used_percent: Some(96.0),
                ..Default::default()
            }],
            deleted: Some(DeletedSpace {
                total_bytes: 32 << 30,
                holders: vec![(812, "java".into(), 31 << 30)],
                filesystems: vec![
                    DeletedOnFilesystem {
                        mount: "/var".into(),
                        device: "8:2".into(),
                        bytes: 31 << 30,
                        top_holder: Some((812, "java".into(), 31 << 30)),
                    },
                    // Elsewhere: not blamed on /var.
                    DeletedOnFilesystem {
                        mount: "/".into(),
                        device: "8:1".into(),
                        bytes: 1 << 30,
                        top_holder: Some((9, "tail".into(), 1 << 30)),
                    },
                ],
            }),
            ..Default::default()
        };
        let f = evaluate(&o);
        assert_eq!(f[0].severity, Severity::Critical);
        assert_eq!(f[0].title, "/var is 97% full: 1.2 GiB left; 31.0 GiB pinned by deleted files held by java (pid 812)");
        assert_eq!(f[0].runbook, Some("deleted-files-pin-space"));
        assert!(f.iter().any(|x| x.title.contains("96% of its inodes")));
        assert!(
            !f.iter()
                .any(|x| x.title.contains("pinned by deleted files still open")),
            "not said twice"
        );
    }

    #[test]
    fn a_full_filesystem_is_not_blamed_on_deleted_files_elsewhere() {
        let o = Observations {
            filesystems: vec![FilesystemUse {
                mount: "/srv".into(),
                used_percent: 97.0,
                ..Default::default()
            }],
            deleted: Some(DeletedSpace {
                total_bytes: 2 << 30,
                holders: vec![(7, "nginx".into(), 2 << 30)],
                filesystems: vec![DeletedOnFilesystem {
                    mount: "/".into(),
                    device: "8:1".into(),
                    bytes: 2 << 30,
                    top_holder: Some((7, "nginx".into(), 2 << 30)),
                }],
            }),
            ..Default::default()
        };
        let f = evaluate(&o);
        let full = f.iter().find(|x| x.subject == "/srv").unwrap();
        assert_eq!(full.runbook, Some("disk-full"), "{}", full.title);
        assert!(!full.title.contains("pinned"), "{}", full.title);
        // The deleted space is its own finding.
        assert!(f
            .iter()
            .any(|x| x.title.contains("pinned by deleted files still open")));
    }

    #[test]
    fn deleted_space_alone_and_dead_mount() {
        let o = Observations {
            filesystems: vec![FilesystemUse {
                mount: "/mnt/nfs".into(),
                not_responding: true,
                ..Default::default()
            }],
            deleted: Some(DeletedSpace {
                total_bytes: 2 << 30,
                holders: vec![(7, "nginx".into(), 2 << 30)],
                ..Default::default()
            }),
            ..Default::default()
        };
        let t = titles(&o);
        assert!(t.iter().any(|(s, x)| *s == Severity::Critical
            && x.contains("/mnt/nfs")
            && x.contains("does not respond")));
        assert!(t
            .iter()
            .any(|(_, x)| x.contains("pinned by deleted files still open (most by nginx, pid 7")));
    }

    #[test]
    fn network_errors_retransmits_overflows() {
        let mut n = Network {
            interface_errors: vec![("eth0".into(), 3.0)],
            retransmit_percent: 6.0,
            out_segments_per_second: 1000.0,
            listen_overflows_in_window: 4,
            ..Default::default()
        };
        let o = Observations {
            network: Some(n.clone()),
            ..Default::default()
        };
        let t = titles(&o);
        assert!(t.iter().any(|(_, x)| x.starts_with("eth0: 3.0 errors")));
        assert!(t
            .iter()
            .any(|(s, x)| *s == Severity::Critical && x.starts_with("TCP retransmits 6.0%")));
        assert!(t
            .iter()
            .any(|(s, x)| *s == Severity::Critical && x.contains("4 accept-queue overflows")));
        n.out_segments_per_second = 10.0;
        let quiet = Observations {
            network: Some(Network {
                interface_errors: vec![],
                listen_overflows_in_window: 0,
                ..n
            }),
            ..Default::default()
        };
        assert!(
            evaluate(&quiet).is_empty(),
            "a ratio over a trickle is noise"
        );
    }

    #[test]
    fn full_accept_queue_and_close_wait() {
        let o = Observations {
            sockets: Some(Sockets {
                close_wait: 150,
                time_wait: 25_000,
                filling_listeners: vec![(
                    "127.0.0.1:8080".into(),
                    129,
                    128,
                    Some("python3".into()),
                )],
                ..Default::default()
            }),
            ..Default::default()
        };
        let t = titles(&o);
        assert_eq!(
            t[0],
            (
                Severity::Critical,
                "Listener 127.0.0.1:8080 (python3): accept queue 129 of 128, full".into()
            )
        );
        assert!(t
            .iter()
            .any(|(_, x)| x.starts_with("150 sockets in CLOSE-WAIT")));
        assert!(t
            .iter()
            .any(|(s, x)| *s == Severity::Info && x.contains("TIME-WAIT")));
    }

    #[test]
    fn orphans_and_tcp_memory_against_the_kernel_limits() {
        let sockets = |orphaned, pages| Sockets {
            orphaned,
            max_orphans: Some(1000),
            tcp_memory_pages: pages,
            tcp_mem_pressure_pages: Some(400),
            tcp_mem_high_pages: Some(800),
            ..Default::default()
        };
        let of = |s: Sockets| {
            titles(&Observations {
                sockets: Some(s),
                ..Default::default()
            })
        };
        assert!(of(sockets(499, 399)).is_empty(), "below both marks");
        let t = of(sockets(500, 400));
        assert_eq!(t.len(), 2, "{t:?}");
        assert_eq!(
            t[0],
            (
                Severity::Warning,
                "500 orphaned TCP sockets, 50% of tcp_max_orphans (1000): peers not finishing \
                 their close"
                    .into()
            )
        );
        assert_eq!(
            t[1],
            (
                Severity::Warning,
                "TCP buffers use 400 pages, over tcp_mem's pressure mark (400)".into()
            )
        );
        let t = of(sockets(950, 800));
        assert!(t.iter().all(|(s, _)| *s == Severity::Critical), "{t:?}");
        assert!(t[1].1.ends_with("at its high mark: segments are dropped"));
        // Unknown limits make no finding.
        let unknown = Sockets {
            orphaned: 1 << 20,
            tcp_memory_pages: 1 << 20,
            ..Default::default()
        };
        assert!(of(unknown).is_empty());
    }

    #[test]
    fn inside_a_container_its_limit_and_quota_judge() {
        const GIB: u64 = 1 << 30;
        let host_memory = Memory {
            total_bytes: 16 * GIB,
            available_bytes: 12 * GIB,
            ..Default::default()
        };
        let mut o = Observations {
            cpus: 8,
            load: Some(Load {
                one: 1.5,
                five: 1.5,
                fifteen: 1.5,
            }),
            cpu: Some(Cpu {
                idle_percent: 80.0,
                run_queue: 2,
                ..Default::default()
            }),
            memory: Some(host_memory),
            ..Default::default()
        };
        // On the host: 1.5 on 8 CPUs and 75 % free are fine.
        assert!(titles(&o).is_empty(), "{:?}", titles(&o));
        o.container_limits = Some(ContainerLimits {
            memory_cgroup: "/".into(),
            memory_limit_bytes: Some(GIB),
            memory_working_set_bytes: Some(GIB - GIB / 25),
            memory_available_bytes: Some(GIB / 25),
            cpu_quota_cpus: Some(1.0),
            cpu_quota_file: Some("/sys/fs/cgroup/cpu.max".into()),
            cpu_used_cpus: Some(0.97),
        });
        let t = titles(&o);
        assert!(
            t.iter().any(|(s, x)| *s == Severity::Critical
                && x.starts_with("Memory 4% available in the container (41.0 MiB of its 1.0 GiB limit); host: 12.0 GiB of 16.0 GiB")),
            "{t:?}"
        );
        assert!(
            t.iter().any(|(_, x)| x.starts_with(
                "Load 1.50 (host-wide) on the container's CPU quota of 1.00 CPUs (1.5 per CPU)"
            ) && x.ends_with("the host has 8 CPUs (0.2 per CPU)")),
            "{t:?}"
        );
        assert!(
            t.iter().any(|(_, x)| x.starts_with(
                "CPU saturated in the container: 0.97 of its 1.00-CPU quota used (97%); the host is 80% idle on 8 CPUs"
            )),
            "{t:?}"
        );
        // A quota at or above the host's CPUs changes nothing; nor a limit above its RAM.
        o.container_limits = Some(ContainerLimits {
            memory_limit_bytes: Some(32 * GIB),
            memory_working_set_bytes: Some(31 * GIB),
            memory_available_bytes: Some(GIB),
            cpu_quota_cpus: Some(8.0),
            cpu_used_cpus: Some(7.9),
            ..Default::default()
        });
        assert!(titles(&o).is_empty(), "{:?}", titles(&o));
    }

    #[test]
    fn cgroup_limits_ooms_and_throttling() {
        let o = Observations {
            cgroup: Some(Cgroup {
                path: "/app".into(),
                memory_limit_bytes: Some(100),
                memory_current_bytes: Some(95),
                memory_oom_kills: Some(2),
                throttled_percent: Some(40.0),
                ..Default::default()
            }),
            ..Default::default()
        };
        let t = titles(&o);
        assert!(t.iter().any(|(_, x)| x.contains("uses 95% of its")));
        assert!(t
            .iter()
            .any(|(s, x)| *s == Severity::Critical && x.contains("2 OOM kill")));
        assert!(t.iter().any(|(_, x)| x.contains("throttled in 40%")));
    }

    #[test]
    fn kernel_log_bursts_and_probes() {
        let o = Observations {
            kernel: Some(Kernel {
                recent_errors: vec!["I/O error, dev sdb".into()],
                oom_victims: vec![("2026-11-27T14:03:01Z".into(), 99, "java".into())],
            }),
            log_bursts: vec![
                LogBurst {
                    path: "/var/log/app.log".into(),
                    errors_last_15m: 400,
                    errors_before: 10,
                    top_signature: Some("timeout after <n> ms".into()),
                    ..Default::default()
                },
                LogBurst {
                    path: "/var/log/steady.log".into(),
                    errors_last_15m: 60,
                    errors_before: 50,
                    top_signature: None,
                    ..Default::default()
                },
                LogBurst {
                    path: "journal".into(),
                    unit: Some("nginx.service".into()),
                    journal_dir: Some("/srv/copy".into()),
                    errors_last_15m: 90,
                    errors_before: 3,
                    top_signature: Some("upstream timed out".into()),
                },
            ],
            probes: vec![ProbeOutcome {
                target: "http://127.0.0.1:1/".into(),
                ok: false,
                detail: "connection refused".into(),
                ..Default::default()
            }],
            ..Default::default()
        };
        let t = titles(&o);
        assert!(t.iter().any(|(_, x)| x.contains("killed java (pid 99)")));
        assert!(t.iter().any(|(_, x)| x.starts_with("1 kernel errors")));
        assert!(t
            .iter()
            .any(|(_, x)| x.starts_with("/var/log/app.log: 400 error lines")));
        assert!(
            !t.iter().any(|(_, x)| x.contains("steady.log")),
            "a steady rate is not a burst"
        );
        let unit = evaluate(&o)
            .into_iter()
            .find(|f| {
                f.title
                    .starts_with("nginx.service: 90 error entries in the journal")
            })
            .expect("a journal burst names its unit");
        assert!(unit
            .next
            .iter()
            .any(|n| n == "journalctl -D /srv/copy -u nginx.service -p err --since '15 min ago'"));
        assert!(unit
            .next
            .iter()
            .any(|n| n == "oncall logs tail -u nginx.service -p err --journal-dir /srv/copy"));
        assert_eq!(t[0].0, Severity::Critical, "probe failures sort first");
    }
}
