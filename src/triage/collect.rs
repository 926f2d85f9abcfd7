//! Runs every collector for triage: the counters that need a window (CPU, processes, disks,
//! network) are sampled once at the start and once at the end of ONE window; the rest
//! (filesystems, deleted files, sockets, kernel log, logs, probes) run meanwhile on their own
//! threads, each with a time budget. A collector that fails or overruns is reported as such
//! and the rest of the report stands.

use super::model::*;
use crate::system::{
    cgroup, containers, deleted, disks, host_counters, kernel_log, memory, net_stats, pressure,
    processes, sockets, users,
};
use serde::Serialize;
use std::path::PathBuf;
use std::sync::mpsc;
use std::thread;
use std::time::{Duration, Instant};

#[derive(Debug, Clone)]
pub struct TriageOptions {
    pub window: Duration,
    pub logs: Vec<PathBuf>,
    /// Journal directories for error bursts per unit; empty: this machine's journal.
    pub journal_dirs: Vec<PathBuf>,
    pub probes: Vec<String>,
    /// Time a collector that does not need the window may take beyond it.
    pub budget: Duration,
    /// Who waits on this run (cancel, progress); None for the CLI and the exporter.
    pub watch: Option<super::watch::Watch>,
}

/// How one collector fared: its data, or why there is none.
#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct SectionStatus {
    pub name: &'static str,
    /// ok, failed, timed_out
    pub status: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schemars(extend("x-oncall-untrusted" = true))]
    pub error: Option<String>,
    pub elapsed_ms: u64,
}

type Outcome = (&'static str, Result<Part, String>, Duration);

/// What a background collector hands back.
enum Part {
    Filesystems(Vec<FilesystemUse>),
    Deleted(DeletedSpace),
    Sockets(Sockets),
    Kernel(Kernel),
    Cgroup(CgroupNow),
    Logs(Vec<LogBurst>),
    Units(Vec<UnitTrouble>),
    Probes(Vec<ProbeOutcome>),
}

/// The cgroup's memory figures; CPU throttling needs the window and is read apart.
struct CgroupNow {
    path: String,
    working_set: Option<u64>,
    limit: Option<u64>,
    current: Option<u64>,
    oom_kills: Option<u64>,
    events_file: Option<String>,
}

/// CPU throttling over the window, from the cgroup's `cpu.stat` at both ends.
struct CpuWindow {
    path: String,
    stat_file: String,
    throttled_percent: Option<f64>,
}

pub struct Collected {
    pub observations: Observations,
    pub sections: Vec<SectionStatus>,
    pub window_ms: u64,
}

fn spawn(
    tx: &mpsc::Sender<Outcome>,
    name: &'static str,
    job: impl FnOnce() -> Result<Part, String> + Send + 'static,
) {
    let tx = tx.clone();
    // A collector stuck in the kernel (statvfs on a dead NFS server) cannot be cancelled:
    // its thread is left behind and the process exits without waiting for it.
    thread::spawn(move || {
        let start = Instant::now();
        let result = job();
        let _ = tx.send((name, result, start.elapsed()));
    });
}

pub fn collect(opts: &TriageOptions) -> Collected {
    let started = Instant::now();
    let (tx, rx) = mpsc::channel::<Outcome>();
    let mut expected: Vec<&'static str> = Vec::new();

    expected.push("filesystems");
    // Each mount's statvfs gives up before the collector's own deadline (window + budget), so
    // one dead NFS mount is a "not responding" row among answers, not a lost section.
    let fs_timeout = opts.window + opts.budget / 2;
    spawn(&tx, "filesystems", move || {
        let report = disks::collect(false, fs_timeout).map_err(|e| e.to_string())?;
        Ok(Part::Filesystems(
            report.filesystems.iter().map(filesystem_use).collect(),
        ))
    });
    expected.push("deleted");
    spawn(&tx, "deleted", || {
        let r = deleted::collect().map_err(|e| e.to_string())?;
        Ok(Part::Deleted(deleted_space(&r)))
    });
    expected.push("sockets");
    spawn(&tx, "sockets", || {
        // TIME-WAIT sockets are left out of the dump (the kernel's filter) and counted from
        // /proc/net/sockstat instead: a busy host holds 100k+ of them, which would only cost
        // triage time and memory.
        let q = sockets::Query {
            states: sockets::state::StateSet::of(
                &sockets::state::ALL
                    .into_iter()
                    .filter(|s| *s != sockets::state::State::TimeWait)
                    .collect::<Vec<_>>(),
            ),
            ..sockets::Query::default()
        };
        let r = sockets::collect(&q).map_err(|e| e.to_string())?;
        Ok(Part::Sockets(socket_counts(&r.summary)))
    });
    expected.push("kernel");
    spawn(&tx, "kernel", || {
        let boot = procfs::boot_time_secs().unwrap_or(0);
        let oom = kernel_log::oom_kills(boot)?;
        let errors = kernel_log::recent_errors(boot, 15 * 60)?;
        Ok(Part::Kernel(Kernel {
            recent_errors: errors,
            oom_victims: oom
                .into_iter()
                .rev()
                .map(|k| {
                    (
                        k.time.unwrap_or_else(|| "?".into()),
                        k.pid.unwrap_or(0).max(0) as u32,
                        k.process,
                    )
                })
                .collect(),
        }))
    });
    expected.push("cgroup");
    spawn(&tx, "cgroup", || {
        Ok(Part::Cgroup(match cgroup::current_limit() {
            Some(c) => CgroupNow {
                events_file: Some(
                    c.dir
                        .join(if c.version == 2 {
                            "memory.events"
                        } else {
                            "memory.oom_control"
                        })
                        .display()
                        .to_string(),
                ),
                working_set: c.working_set_bytes(),
                path: c.path,
                limit: Some(c.limit_bytes),
                current: c.usage_bytes,
                oom_kills: c.events.get("oom_kill").copied(),
            },
            None => CgroupNow {
                path: String::new(),
                working_set: None,
                limit: None,
                current: None,
                oom_kills: None,
                events_file: None,
            },
        }))
    });
    expected.push("logs");
    let log_paths = opts.logs.clone();
    spawn(&tx, "logs", move || {
        super::log_bursts::scan(&log_paths).map(Part::Logs)
    });
    expected.push("journal");
    let journal_dirs = opts.journal_dirs.clone();
    spawn(&tx, "journal", move || {
        super::journal_bursts::scan(&journal_dirs).map(Part::Logs)
    });
    expected.push("journal-units");
    let journal_dirs = opts.journal_dirs.clone();
    spawn(&tx, "journal-units", move || {
        super::journal_units::scan(&journal_dirs).map(Part::Units)
    });
    if !opts.probes.is_empty() {
        expected.push("probes");
        let targets = opts.probes.clone();
        // Each target's own deadline ends before the collector's (window + budget), so a hung
        // target is one failed result among the others, not a lost section.
        let timeout = opts.window + opts.budget / 2;
        spawn(&tx, "probes", move || {
            super::probes::run(&targets, timeout).map(Part::Probes)
        });
    }
    drop(tx);

    // The window: every sampled collector reads once now and once at the end.
    let users = users::UserNames::load();
    let opts_p = processes::SnapshotOptions {
        details: false,
        cmdline: false,
        membership: true,
    };
    let host0 = host_counters::snapshot();
    let procs0 = processes::snapshot(opts_p);
    let net0 = net_stats::snapshot();
    let throttle0 = cgroup::cpu_throttling();
    let own_cpu0 = (cgroup::cpu_usage_ns(), Instant::now());
    let hier = containers::hierarchy::Hierarchies::detect();
    let census = |snap: &std::io::Result<processes::Snapshot>| match snap {
        Ok(s) => containers::census::of_snapshot(&hier, s),
        Err(_) => containers::census::take(&hier),
    };
    let groups0 = census(&procs0);
    let watch = opts.watch.as_ref();
    let full_window = super::watch::wait(opts.window, watch);
    let host1 = host_counters::snapshot();
    let procs1 = processes::snapshot(opts_p);
    let net1 = net_stats::snapshot();
    let throttle1 = cgroup::cpu_throttling();
    let own_cpu1 = (cgroup::cpu_usage_ns(), Instant::now());
    let groups1 = census(&procs1);
    let window_ms = opts.window.as_millis() as u64;

    let mut o = Observations::default();
    let mut names = containers::names::Names::new(containers::names::Roots::from_env());
    o.groups = containers::census::states(Some(&groups0), &groups1, &mut names);
    o.inside_container = containers::inside::detect();
    let own_cpus_used = match (own_cpu0, own_cpu1) {
        ((Some(a), t0), (Some(b), t1)) if b >= a && t1 > t0 => {
            Some((b - a) as f64 / (t1 - t0).as_nanos() as f64)
        }
        _ => None,
    };
    let boot = procs1.as_ref().map_or(0, |s| s.boot_time_unix);
    // Read inline: /dev/kmsg is read without blocking; unreadable is the kernel section's note.
    o.group_oom_kills = containers::oom_log::recent(boot, 15 * 60).unwrap_or_default();
    for k in &mut o.group_oom_kills {
        k.group = containers::census::label_of(&k.task_cgroup, &mut names);
    }
    let mut sections = Vec::new();
    let now_section = |name, r: Result<(), String>| SectionStatus {
        name,
        status: if r.is_ok() { "ok" } else { "failed" },
        error: r.err(),
        elapsed_ms: window_ms,
    };
    sections.push(now_section(
        "cpu",
        match (&host0, &host1) {
            (Ok(a), Ok(b)) => {
                let r = host_counters::rates(a, b);
                o.cpus = r.cpus;
                o.load = Some(Load {
                    one: r.load.one,
                    five: r.load.five,
                    fifteen: r.load.fifteen,
                });
                o.cpu = Some(Cpu {
                    user_percent: r.cpu.user,
                    system_percent: r.cpu.system,
                    iowait_percent: r.cpu.iowait,
                    steal_percent: r.cpu.steal,
                    idle_percent: r.cpu.idle,
                    run_queue: r.running,
                    blocked: r.blocked,
                    per_cpu_busy_percent: r
                        .per_cpu
                        .iter()
                        .map(|c| 100.0 - c.idle - c.iowait)
                        .collect(),
                    swap_in_pages_per_second: r.swap_in_pages_per_second,
                    swap_out_pages_per_second: r.swap_out_pages_per_second,
                });
                o.disks_io = r
                    .disks
                    .iter()
                    .map(|d| DiskIo {
                        device: d.device.clone(),
                        util_percent: d.util_percent,
                        await_ms: d.await_ms,
                        reads_per_second: d.reads_per_second,
                        writes_per_second: d.writes_per_second,
                    })
                    .collect();
                o.memory = memory::read_free().ok().map(|f| Memory {
                    total_bytes: f.total_bytes,
                    available_bytes: f.available_bytes,
                    swap_total_bytes: f.swap_total_bytes,
                    swap_used_bytes: f.swap_used_bytes,
                    oom_kills_total: r.oom_kills_total,
                    oom_kills_in_window: r.oom_kills_in_window,
                });
                Ok(())
            }
            (Err(e), _) | (_, Err(e)) => Err(e.to_string()),
        },
    ));
    let (cpu_psi, mem_psi, io_psi) = (
        pressure::read("cpu"),
        pressure::read("memory"),
        pressure::read("io"),
    );
    let full =
        |p: &Option<pressure::Pressure>| p.as_ref().and_then(|p| p.full.as_ref().map(|f| f.avg10));
    o.pressure = Some(PressureNow {
        cpu_some_avg10: cpu_psi.as_ref().map(|p| p.some.avg10),
        memory_some_avg10: mem_psi.as_ref().map(|p| p.some.avg10),
        memory_full_avg10: full(&mem_psi),
        io_some_avg10: io_psi.as_ref().map(|p| p.some.avg10),
        io_full_avg10: full(&io_psi),
    })
    .filter(|p| p.cpu_some_avg10.is_some() || p.memory_some_avg10.is_some());
    sections.push(now_section(
        "processes",
        match (&procs0, &procs1) {
            (Ok(a), Ok(b)) => {
                // Our own sampling is not the host's problem: leave this process out.
                let me = std::process::id() as i32;
                let mut list: Vec<_> = processes::rates(a, b, &users)
                    .into_iter()
                    .filter(|p| p.pid != me)
                    .collect();
                list.sort_by(|x, y| y.cpu_percent.total_cmp(&x.cpu_percent));
                o.top_cpu = list.iter().take(5).map(process_use).collect();
                list.sort_by_key(|p| std::cmp::Reverse(p.rss_bytes));
                o.top_mem = list.iter().take(5).map(process_use).collect();
                Ok(())
            }
            (Err(e), _) | (_, Err(e)) => Err(e.to_string()),
        },
    ));
    sections.push(now_section(
        "network",
        match (&net0, &net1) {
            (Ok(a), Ok(b)) => {
                let r = net_stats::rates(a, b);
                let secs = r.window_ms.max(1) as f64 / 1000.0;
                let all: Vec<(String, f64, f64)> = r
                    .interfaces
                    .iter()
                    .map(|i| (i.name.clone(), i.rx_bytes_per_second, i.tx_bytes_per_second))
                    .collect();
                let throughput = super::interfaces::busiest(&all, super::interfaces::is_virtual);
                o.network = Some(Network {
                    interface_throughput: throughput,
                    interface_errors: r
                        .interfaces
                        .iter()
                        .map(|i| {
                            let bad = i.rx_errors_per_second
                                + i.tx_errors_per_second
                                + i.rx_drops_per_second
                                + i.tx_drops_per_second;
                            (i.name.clone(), bad)
                        })
                        .filter(|(_, bad)| *bad > 0.0)
                        .collect(),
                    retransmit_percent: 100.0 * r.tcp.retransmit_ratio,
                    out_segments_per_second: r.tcp.segments_out_per_second,
                    resets_sent_per_second: r.tcp.resets_sent_per_second,
                    listen_overflows_in_window: (r.tcp.listen_overflows_per_second * secs).round()
                        as u64,
                    listen_drops_in_window: (r.tcp.listen_drops_per_second * secs).round() as u64,
                });
                Ok(())
            }
            (Err(e), _) | (_, Err(e)) => Err(e.to_string()),
        },
    ));
    let cpu_window = match (throttle0, throttle1) {
        (Some(a), Some(b)) => Some(CpuWindow {
            throttled_percent: (b.nr_periods > a.nr_periods).then(|| {
                100.0 * b.nr_throttled.saturating_sub(a.nr_throttled) as f64
                    / (b.nr_periods - a.nr_periods) as f64
            }),
            path: b.path,
            stat_file: b.stat_file.display().to_string(),
        }),
        _ => None,
    };

    // Collect what the background collectors found, within their budget.
    // Cancelled: nobody waits for the answer, so nor for the collectors still out.
    let deadline = if full_window {
        started + opts.window + opts.budget
    } else {
        Instant::now()
    };
    let mut pending = expected.clone();
    while !pending.is_empty() {
        let left = deadline.saturating_duration_since(Instant::now());
        match rx.recv_timeout(left) {
            Ok((name, result, took)) => {
                pending.retain(|n| *n != name);
                if let Some(w) = watch {
                    let done = expected.len() - pending.len();
                    (w.tell)(
                        opts.window.as_secs_f64() + done as f64,
                        None,
                        format!("collectors: {done} of {} ({name})", expected.len()),
                    );
                }
                let elapsed_ms = took.as_millis() as u64;
                match result {
                    Ok(part) => {
                        absorb(&mut o, part);
                        sections.push(SectionStatus {
                            name,
                            status: "ok",
                            error: None,
                            elapsed_ms,
                        });
                    }
                    Err(e) => sections.push(SectionStatus {
                        name,
                        status: "failed",
                        error: Some(e),
                        elapsed_ms,
                    }),
                }
            }
            Err(_) => break,
        }
    }
    for name in pending {
        sections.push(SectionStatus {
            name,
            status: "timed_out",
            error: Some(format!(
                "no answer within {} ms (a hung mount or a slow source)",
                (opts.window + opts.budget).as_millis()
            )),
            elapsed_ms: started.elapsed().as_millis() as u64,
        });
    }
    if let Some(w) = cpu_window.filter(|w| w.throttled_percent.is_some()) {
        let c = o.cgroup.get_or_insert_with(Cgroup::default);
        c.cpu_path = Some(w.path);
        c.cpu_stat_file = Some(w.stat_file);
        c.throttled_percent = w.throttled_percent;
    }
    if o.inside_container.is_some() {
        o.container_limits = container_limits(&o, own_cpus_used);
    }
    Collected {
        observations: o,
        sections,
        window_ms,
    }
}

/// Inside a container, its own cgroup's memory limit (read by the cgroup collector) and CPU
/// quota; `None` when it sets neither (then the host's figures are the container's too).
fn container_limits(o: &Observations, cpu_used: Option<f64>) -> Option<ContainerLimits> {
    let quota = cgroup::cpu_quota();
    let mem = o.cgroup.as_ref().filter(|c| c.memory_limit_bytes.is_some());
    if quota.is_none() && mem.is_none() {
        return None;
    }
    let limit = mem.and_then(|c| c.memory_limit_bytes);
    let working_set = mem.and_then(|c| c.memory_working_set_bytes);
    Some(ContainerLimits {
        memory_cgroup: mem.map(|c| c.path.clone()).unwrap_or_default(),
        memory_limit_bytes: limit,
        memory_working_set_bytes: working_set,
        memory_available_bytes: limit.zip(working_set).map(|(l, w)| l.saturating_sub(w)),
        cpu_quota_cpus: quota.as_ref().map(|q| q.cpus()),
        cpu_quota_file: quota.as_ref().map(|q| q.file.display().to_string()),
        cpu_used_cpus: quota.as_ref().and(cpu_used),
    })
}

fn absorb(o: &mut Observations, part: Part) {
    match part {
        Part::Filesystems(f) => o.filesystems = f,
        Part::Deleted(d) => o.deleted = Some(d),
        Part::Sockets(s) => o.sockets = Some(s),
        Part::Kernel(k) => o.kernel = Some(k),
        Part::Cgroup(c) => {
            let mut names = containers::names::Names::new(containers::names::Roots::from_env());
            o.cgroup = Some(Cgroup {
                label: containers::census::label_of(&c.path, &mut names),
                path: c.path,
                memory_limit_bytes: c.limit,
                memory_current_bytes: c.current,
                memory_working_set_bytes: c.working_set,
                memory_oom_kills: c.oom_kills,
                memory_events_file: c.events_file,
                ..Default::default()
            })
        }
        // Text logs and the journal each add theirs.
        Part::Logs(l) => o.log_bursts.extend(l),
        Part::Units(u) => o.unit_troubles = u,
        Part::Probes(p) => o.probes = p,
    }
}

fn filesystem_use(f: &disks::Filesystem) -> FilesystemUse {
    FilesystemUse {
        mount: f.mount.clone(),
        source: f.source.clone(),
        size_bytes: f.size_bytes.unwrap_or(0),
        avail_bytes: f.avail_bytes.unwrap_or(0),
        used_percent: f.use_percent.unwrap_or(0) as f64,
        inodes_used_percent: f.inodes_percent.map(|p| p as f64),
        read_only: f.read_only,
        not_responding: !f.responding,
    }
}

fn deleted_space(r: &deleted::DeletedReport) -> DeletedSpace {
    let mut by_pid: Vec<(u32, String, u64)> = Vec::new();
    for f in &r.files {
        let pid = f.pid.max(0) as u32;
        match by_pid.iter_mut().find(|(p, _, _)| *p == pid) {
            Some(e) => e.2 += f.allocated_bytes,
            None => by_pid.push((pid, f.process.clone(), f.allocated_bytes)),
        }
    }
    by_pid.sort_by_key(|h| std::cmp::Reverse(h.2));
    let mountinfo = std::fs::read_to_string("/proc/self/mountinfo").unwrap_or_default();
    DeletedSpace {
        total_bytes: r.pinned_bytes,
        holders: by_pid,
        filesystems: super::deleted_filesystems::by_filesystem(
            &r.files,
            &disks::parse_mountinfo(&mountinfo),
            super::deleted_filesystems::held_file,
        ),
    }
}

fn socket_counts(s: &sockets::Summary) -> Sockets {
    let count = |name: &str| {
        s.by_state
            .iter()
            .filter(|c| c.state.name() == name)
            .map(|c| c.count as u64)
            .sum()
    };
    // Without /proc/net/sockstat: zero counts and unknown limits, which no rule acts on.
    let kernel = s.kernel.clone().unwrap_or_default();
    Sockets {
        established: count("established"),
        time_wait: s
            .kernel
            .as_ref()
            .map_or(count("time-wait"), |k| k.tcp_time_wait),
        close_wait: count("close-wait"),
        syn_recv: count("syn-recv"),
        orphaned: kernel.tcp_orphaned,
        max_orphans: kernel.tcp_max_orphans,
        tcp_memory_pages: kernel.tcp_memory_pages,
        tcp_mem_pressure_pages: kernel.tcp_mem_limits.map(|l| l[1]),
        tcp_mem_high_pages: kernel.tcp_mem_limits.map(|l| l[2]),
        filling_listeners: s
            .accept_queue_filling
            .iter()
            .map(|l| {
                (
                    l.local.to_string(),
                    u64::from(l.queued),
                    u64::from(l.backlog),
                    l.process.clone(),
                )
            })
            .collect(),
    }
}

fn process_use(p: &processes::Process) -> ProcessUse {
    ProcessUse {
        pid: p.pid.max(0) as u32,
        name: p.name.clone(),
        user: p.user.clone(),
        cpu_percent: Some(p.cpu_percent),
        rss_bytes: Some(p.rss_bytes),
    }
}
