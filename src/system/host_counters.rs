//! Host-wide counters the "first 60 seconds" checklist reads: load averages (`uptime`),
//! CPU time by kind overall and per CPU (`vmstat`, `mpstat`), swap and paging activity
//! (`vmstat`), and per-device I/O (`iostat -xz`, from /proc/diskstats).
//!
//! Shaped for one shared sampling window: `snapshot()` now, `snapshot()` later,
//! `rates(&first, &second)`.

use serde::Serialize;
use std::fs;
use std::time::Instant;

#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize, schemars::JsonSchema)]
pub struct LoadAverage {
    pub one: f64,
    pub five: f64,
    pub fifteen: f64,
    pub runnable: u64,
    pub threads: u64,
}

/// Jiffies by kind, as /proc/stat's cpu lines give them.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct CpuTimes {
    pub user: u64,
    pub nice: u64,
    pub system: u64,
    pub idle: u64,
    pub iowait: u64,
    pub irq: u64,
    pub softirq: u64,
    pub steal: u64,
}

impl CpuTimes {
    fn total(&self) -> u64 {
        self.user
            + self.nice
            + self.system
            + self.idle
            + self.iowait
            + self.irq
            + self.softirq
            + self.steal
    }
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct DiskCounters {
    pub reads: u64,
    pub sectors_read: u64,
    pub read_ms: u64,
    pub writes: u64,
    pub sectors_written: u64,
    pub write_ms: u64,
    pub in_flight: u64,
    pub io_ms: u64,
}

#[derive(Debug, Clone)]
pub struct HostSnapshot {
    pub taken: Instant,
    pub load: LoadAverage,
    pub cpu: CpuTimes,
    pub per_cpu: Vec<CpuTimes>,
    /// procs_running and procs_blocked (vmstat's r and b).
    pub running: u64,
    pub blocked: u64,
    pub ctxt: u64,
    pub pswpin: u64,
    pub pswpout: u64,
    pub pgmajfault: u64,
    pub oom_kill: u64,
    pub disks: Vec<(String, DiskCounters)>,
}

#[derive(Debug, Clone, Copy, Default, Serialize, schemars::JsonSchema)]
pub struct CpuPercent {
    pub user: f64,
    pub system: f64,
    pub iowait: f64,
    pub steal: f64,
    pub idle: f64,
}

#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct DiskRates {
    pub device: String,
    pub reads_per_second: f64,
    pub writes_per_second: f64,
    pub read_bytes_per_second: f64,
    pub write_bytes_per_second: f64,
    /// Average time an I/O took, queue included (iostat's await).
    pub await_ms: f64,
    /// Share of the window the device was busy (iostat's %util).
    pub util_percent: f64,
}

#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct HostRates {
    pub window_ms: u64,
    pub cpus: usize,
    pub load: LoadAverage,
    pub cpu: CpuPercent,
    pub per_cpu: Vec<CpuPercent>,
    pub running: u64,
    pub blocked: u64,
    pub context_switches_per_second: f64,
    pub swap_in_pages_per_second: f64,
    pub swap_out_pages_per_second: f64,
    pub major_faults_per_second: f64,
    /// OOM kills since boot (/proc/vmstat oom_kill), and during the window.
    pub oom_kills_total: u64,
    pub oom_kills_in_window: u64,
    pub disks: Vec<DiskRates>,
}

pub fn parse_loadavg(text: &str) -> Option<LoadAverage> {
    let mut f = text.split_whitespace();
    let one = f.next()?.parse().ok()?;
    let five = f.next()?.parse().ok()?;
    let fifteen = f.next()?.parse().ok()?;
    let (runnable, threads) = f.next()?.split_once('/')?;
    Some(LoadAverage {
        one,
        five,
        fifteen,
        runnable: runnable.parse().ok()?,
        threads: threads.parse().ok()?,
    })
}

fn parse_cpu_line(rest: &str) -> CpuTimes {
    let v: Vec<u64> = rest
        .split_whitespace()
        .map(|x| x.parse().unwrap_or(0))
        .collect();
    let at = |i: usize| v.get(i).copied().unwrap_or(0);
    CpuTimes {
        user: at(0),
        nice: at(1),
        system: at(2),
        idle: at(3),
        iowait: at(4),
        irq: at(5),
        softirq: at(6),
        steal: at(7),
    }
}

/// /proc/stat: the total cpu line, each cpuN line, procs_running, procs_blocked, ctxt.
pub fn parse_stat(text: &str) -> (CpuTimes, Vec<CpuTimes>, u64, u64, u64) {
    let (mut total, mut per, mut running, mut blocked, mut ctxt) =
        (CpuTimes::default(), Vec::new(), 0, 0, 0);
    for line in text.lines() {
        let (key, rest) = line.split_once(' ').unwrap_or((line, ""));
        match key {
            "cpu" => total = parse_cpu_line(rest),
            k if k.starts_with("cpu") => per.push(parse_cpu_line(rest)),
            "procs_running" => running = rest.trim().parse().unwrap_or(0),
            "procs_blocked" => blocked = rest.trim().parse().unwrap_or(0),
            "ctxt" => ctxt = rest.trim().parse().unwrap_or(0),
            _ => {}
        }
    }
    (total, per, running, blocked, ctxt)
}

/// /proc/vmstat counters by name.
pub fn vmstat_value(text: &str, name: &str) -> u64 {
    text.lines()
        .find_map(|l| {
            let (k, v) = l.split_once(' ')?;
            (k == name).then(|| v.trim().parse().ok())?
        })
        .unwrap_or(0)
}

/// /proc/diskstats, whole devices only (partitions and idle pseudo devices left out, as
/// `iostat -xz` shows them).
pub fn parse_diskstats(text: &str) -> Vec<(String, DiskCounters)> {
    text.lines()
        .filter_map(|l| {
            let f: Vec<&str> = l.split_whitespace().collect();
            if f.len() < 14 {
                return None;
            }
            let name = f[2];
            if is_partition_or_pseudo(name) {
                return None;
            }
            let n = |i: usize| f[i].parse::<u64>().unwrap_or(0);
            Some((
                name.to_string(),
                DiskCounters {
                    reads: n(3),
                    sectors_read: n(5),
                    read_ms: n(6),
                    writes: n(7),
                    sectors_written: n(9),
                    write_ms: n(10),
                    in_flight: n(11),
                    io_ms: n(12),
                },
            ))
        })
        .collect()
}

fn is_partition_or_pseudo(name: &str) -> bool {
    if name.starts_with("loop") || name.starts_with("ram") || name.starts_with("zram") {
        return true;
    }
    // sda1, vdb2, xvda1 are partitions; nvme0n1p1 and mmcblk0p1 too (but not nvme0n1).
    if name.starts_with("nvme") || name.starts_with("mmcblk") {
        return name.contains('p')
            && name
                .rsplit('p')
                .next()
                .is_some_and(|s| s.parse::<u32>().is_ok());
    }
    (name.starts_with("sd")
        || name.starts_with("vd")
        || name.starts_with("xvd")
        || name.starts_with("hd"))
        && name.ends_with(|c: char| c.is_ascii_digit())
}

pub fn snapshot() -> std::io::Result<HostSnapshot> {
    let load = parse_loadavg(&fs::read_to_string("/proc/loadavg")?).unwrap_or_default();
    let (cpu, per_cpu, running, blocked, ctxt) = parse_stat(&fs::read_to_string("/proc/stat")?);
    let vm = fs::read_to_string("/proc/vmstat").unwrap_or_default();
    let disks = parse_diskstats(&fs::read_to_string("/proc/diskstats").unwrap_or_default());
    Ok(HostSnapshot {
        taken: Instant::now(),
        load,
        cpu,
        per_cpu,
        running,
        blocked,
        ctxt,
        pswpin: vmstat_value(&vm, "pswpin"),
        pswpout: vmstat_value(&vm, "pswpout"),
        pgmajfault: vmstat_value(&vm, "pgmajfault"),
        oom_kill: vmstat_value(&vm, "oom_kill"),
        disks,
    })
}

fn percent(before: &CpuTimes, after: &CpuTimes) -> CpuPercent {
    let total = after.total().saturating_sub(before.total()).max(1) as f64;
    let share = |a: u64, b: u64| 100.0 * a.saturating_sub(b) as f64 / total;
    CpuPercent {
        user: share(after.user + after.nice, before.user + before.nice),
        system: share(
            after.system + after.irq + after.softirq,
            before.system + before.irq + before.softirq,
        ),
        iowait: share(after.iowait, before.iowait),
        steal: share(after.steal, before.steal),
        idle: share(after.idle, before.idle),
    }
}

pub fn rates(before: &HostSnapshot, after: &HostSnapshot) -> HostRates {
    let secs = after
        .taken
        .duration_since(before.taken)
        .as_secs_f64()
        .max(1e-3);
    let per_s = |a: u64, b: u64| a.saturating_sub(b) as f64 / secs;
    let disks = after
        .disks
        .iter()
        .filter_map(|(name, a)| {
            let (_, b) = before.disks.iter().find(|(n, _)| n == name)?;
            let ios = (a.reads + a.writes).saturating_sub(b.reads + b.writes);
            let io_time = (a.read_ms + a.write_ms).saturating_sub(b.read_ms + b.write_ms);
            Some(DiskRates {
                device: name.clone(),
                reads_per_second: per_s(a.reads, b.reads),
                writes_per_second: per_s(a.writes, b.writes),
                read_bytes_per_second: per_s(a.sectors_read, b.sectors_read) * 512.0,
                write_bytes_per_second: per_s(a.sectors_written, b.sectors_written) * 512.0,
                await_ms: if ios > 0 {
                    io_time as f64 / ios as f64
                } else {
                    0.0
                },
                util_percent: (100.0 * a.io_ms.saturating_sub(b.io_ms) as f64 / (secs * 1000.0))
                    .min(100.0),
            })
        })
        // iostat -z: leave out devices that did nothing.
        .filter(|d| d.reads_per_second + d.writes_per_second > 0.0)
        .collect();
    HostRates {
        window_ms: (secs * 1000.0).round() as u64,
        cpus: after.per_cpu.len().max(1),
        load: after.load,
        cpu: percent(&before.cpu, &after.cpu),
        per_cpu: before
            .per_cpu
            .iter()
            .zip(&after.per_cpu)
            .map(|(b, a)| percent(b, a))
            .collect(),
        running: after.running,
        blocked: after.blocked,
        context_switches_per_second: per_s(after.ctxt, before.ctxt),
        swap_in_pages_per_second: per_s(after.pswpin, before.pswpin),
        swap_out_pages_per_second: per_s(after.pswpout, before.pswpout),
        major_faults_per_second: per_s(after.pgmajfault, before.pgmajfault),
        oom_kills_total: after.oom_kill,
        oom_kills_in_window: after.oom_kill.saturating_sub(before.oom_kill),
        disks,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn loadavg_parses() {
        let l = parse_loadavg("3.10 2.05 1.00 4/812 12345\n").unwrap();
        assert_eq!((l.one, l.runnable, l.threads), (3.10, 4, 812));
        assert!(parse_loadavg("garbage").is_none());
    }

    #[test]
    fn stat_and_percentages() {
        let a = parse_stat("cpu  100 0 50 800 50 0 0 0 0 0\ncpu0 50 0 25 400 25 0 0 0\ncpu1 50 0 25 400 25 0 0 0\nctxt 10\nprocs_running 3\nprocs_blocked 1\n");
        assert_eq!(a.1.len(), 2);
        assert_eq!((a.2, a.3, a.4), (3, 1, 10));
        let b = parse_stat("cpu  200 0 50 850 100 0 0 0 0 0\n");
        let p = percent(&a.0, &b.0);
        assert_eq!((p.user, p.iowait, p.idle), (50.0, 25.0, 25.0));
    }

    #[test]
    fn diskstats_keep_whole_devices() {
        let text = "   8       0 sda 100 0 800 50 10 0 80 20 0 60 70 0 0 0 0\n   8       1 sda1 1 0 8 1 1 0 8 1 0 1 1 0 0 0 0\n 259 0 nvme0n1 5 0 40 3 5 0 40 3 0 5 6\n 259 1 nvme0n1p1 5 0 40 3 5 0 40 3 0 5 6\n   7 0 loop0 1 0 1 1 1 0 1 1 0 1 1\n";
        let names: Vec<String> = parse_diskstats(text).into_iter().map(|(n, _)| n).collect();
        assert_eq!(names, ["sda", "nvme0n1"]);
    }

    #[test]
    fn mangled_text_never_panics() {
        for text in [
            "",
            "cpu",
            "cpu x y",
            "1 2 3",
            "\0\0",
            "procs_running x",
            "   8 0",
        ] {
            let _ = parse_loadavg(text);
            let _ = parse_stat(text);
            let _ = parse_diskstats(text);
            let _ = vmstat_value(text, "oom_kill");
        }
    }

    #[test]
    fn real_proc_reads() {
        let a = snapshot().unwrap();
        std::thread::sleep(std::time::Duration::from_millis(50));
        let b = snapshot().unwrap();
        let r = rates(&a, &b);
        assert!(r.cpus >= 1);
        let sum = r.cpu.user + r.cpu.system + r.cpu.iowait + r.cpu.steal + r.cpu.idle;
        assert!(sum <= 100.5, "{sum}");
    }
}
