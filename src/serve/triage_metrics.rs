//! A triage report as Prometheus text exposition (format 0.0.4): every finding as
//! `oncall_finding{rule,severity,subject,runbook} 1`, the numbers behind the rules in base
//! units (bytes, seconds, ratios 0–1), counters as `_total`, and the collector's own health.
//! Renders plain data; reads nothing of the system.

use crate::triage::TriageReport;
use std::collections::BTreeMap;
use std::fmt::Write;
use std::time::Duration;

/// What adds up across windows: in-window counts of the kernel's counters (the windows
/// tile time, so their sum is the count since `oncall serve` started) and collector errors.
#[derive(Default)]
pub struct Totals {
    pub samples: u64,
    pub listen_overflows: u64,
    pub listen_drops: u64,
    pub collector_errors: BTreeMap<&'static str, u64>,
    pub last_duration: Duration,
}

impl Totals {
    pub fn add(&mut self, r: &TriageReport, took: Duration) {
        self.samples += 1;
        self.last_duration = took;
        if let Some(n) = &r.sections.observed.network {
            self.listen_overflows += n.listen_overflows_in_window;
            self.listen_drops += n.listen_drops_in_window;
        }
        for c in &r.sections.collectors {
            let e = self.collector_errors.entry(c.name).or_default();
            if c.status != "ok" {
                *e += 1;
            }
        }
    }
}

/// A label value escaped as the exposition format wants: `\`, `"` and newline.
fn esc(v: &str) -> String {
    v.replace('\\', "\\\\")
        .replace('"', "\\\"")
        .replace('\n', "\\n")
}

/// One metric family: HELP, TYPE and its samples, written only when it has samples.
struct Family<'a> {
    out: &'a mut String,
}

impl Family<'_> {
    fn family(&mut self, name: &str, kind: &str, help: &str, samples: &[(String, f64)]) {
        if samples.is_empty() {
            return;
        }
        let _ = writeln!(self.out, "# HELP {name} {help}");
        let _ = writeln!(self.out, "# TYPE {name} {kind}");
        for (labels, v) in samples {
            let _ = writeln!(self.out, "{name}{labels} {}", number(*v));
        }
    }

    fn one(&mut self, name: &str, kind: &str, help: &str, v: Option<f64>) {
        if let Some(v) = v {
            self.family(name, kind, help, &[(String::new(), v)]);
        }
    }
}

fn number(v: f64) -> String {
    if v.is_nan() {
        "NaN".into()
    } else if v.is_infinite() {
        if v > 0.0 { "+Inf" } else { "-Inf" }.into()
    } else {
        // Four decimals in ratios and seconds are far finer than any rule's threshold, and
        // keep the text short and stable.
        let r = (v * 1e6).round() / 1e6;
        format!("{r}")
    }
}

fn l1(k: &str, v: &str) -> String {
    format!("{{{k}=\"{}\"}}", esc(v))
}

pub fn render(r: &TriageReport, t: &Totals) -> String {
    let mut text = String::new();
    let mut f = Family { out: &mut text };
    let o = &r.sections.observed;

    f.family(
        "oncall_build_info",
        "gauge",
        "The oncall build answering, by version",
        &[(l1("version", env!("CARGO_PKG_VERSION")), 1.0)],
    );

    // One series per finding; two findings with the same labels are one series.
    let mut findings: Vec<(String, f64)> = Vec::new();
    for x in &r.findings {
        let labels = format!(
            "{{rule=\"{}\",severity=\"{}\",subject=\"{}\",runbook=\"{}\"}}",
            esc(x.rule),
            x.severity.label(),
            esc(&x.subject),
            esc(x.runbook.unwrap_or(""))
        );
        if !findings.iter().any(|(l, _)| *l == labels) {
            findings.push((labels, 1.0));
        }
    }
    // No finding, no oncall_finding series; oncall_findings says the window ran and found
    // none (0), which an absent series could not.
    f.family(
        "oncall_finding",
        "gauge",
        "An active triage finding (1 while the last window shows it)",
        &findings,
    );
    let count = |s: crate::triage::model::Severity| {
        r.findings.iter().filter(|x| x.severity == s).count() as f64
    };
    use crate::triage::model::Severity::*;
    f.family(
        "oncall_findings",
        "gauge",
        "Active triage findings by severity",
        &[
            (l1("severity", "critical"), count(Critical)),
            (l1("severity", "warning"), count(Warning)),
            (l1("severity", "info"), count(Info)),
        ],
    );

    // The collector's own health.
    f.one(
        "oncall_sample_duration_seconds",
        "gauge",
        "How long the last triage window took, collectors included",
        Some(t.last_duration.as_secs_f64()),
    );
    f.one(
        "oncall_samples_total",
        "counter",
        "Triage windows completed since start",
        Some(t.samples as f64),
    );
    let durations: Vec<(String, f64)> = r
        .sections
        .collectors
        .iter()
        .map(|c| (l1("collector", c.name), c.elapsed_ms as f64 / 1e3))
        .collect();
    f.family(
        "oncall_collector_duration_seconds",
        "gauge",
        "How long each triage collector took in the last window",
        &durations,
    );
    let errors: Vec<(String, f64)> = t
        .collector_errors
        .iter()
        .map(|(n, v)| (l1("collector", n), *v as f64))
        .collect();
    f.family(
        "oncall_collector_errors_total",
        "counter",
        "Windows in which a triage collector failed or timed out",
        &errors,
    );

    // Host.
    if let Some(l) = o.load {
        f.family(
            "oncall_load_average",
            "gauge",
            "Load averages over 1, 5 and 15 minutes",
            &[
                (l1("period", "1m"), l.one),
                (l1("period", "5m"), l.five),
                (l1("period", "15m"), l.fifteen),
            ],
        );
    }
    f.one("oncall_cpus", "gauge", "Online CPUs", Some(o.cpus as f64));
    if let Some(c) = &o.cpu {
        f.family(
            "oncall_cpu_ratio",
            "gauge",
            "Share of CPU time in the last window by mode",
            &[
                (l1("mode", "user"), c.user_percent / 100.0),
                (l1("mode", "system"), c.system_percent / 100.0),
                (l1("mode", "iowait"), c.iowait_percent / 100.0),
                (l1("mode", "steal"), c.steal_percent / 100.0),
                (l1("mode", "idle"), c.idle_percent / 100.0),
            ],
        );
        f.one(
            "oncall_procs_running",
            "gauge",
            "Runnable tasks",
            Some(c.run_queue as f64),
        );
        f.one(
            "oncall_procs_blocked",
            "gauge",
            "Tasks blocked on I/O",
            Some(c.blocked as f64),
        );
    }
    if let Some(m) = &o.memory {
        f.one(
            "oncall_memory_total_bytes",
            "gauge",
            "MemTotal",
            Some(m.total_bytes as f64),
        );
        f.one(
            "oncall_memory_available_bytes",
            "gauge",
            "MemAvailable",
            Some(m.available_bytes as f64),
        );
        f.one(
            "oncall_swap_used_bytes",
            "gauge",
            "Swap in use",
            Some(m.swap_used_bytes as f64),
        );
        f.one(
            "oncall_oom_kills_total",
            "counter",
            "OOM kills since boot (/proc/vmstat oom_kill)",
            Some(m.oom_kills_total as f64),
        );
    }
    if let Some(p) = o.pressure {
        let mut s = Vec::new();
        for (res, kind, v) in [
            ("cpu", "some", p.cpu_some_avg10),
            ("memory", "some", p.memory_some_avg10),
            ("memory", "full", p.memory_full_avg10),
            ("io", "some", p.io_some_avg10),
            ("io", "full", p.io_full_avg10),
        ] {
            if let Some(v) = v {
                s.push((format!("{{resource=\"{res}\",kind=\"{kind}\"}}"), v / 100.0));
            }
        }
        f.family(
            "oncall_pressure_avg10_ratio",
            "gauge",
            "PSI: share of the last 10 s in which tasks stalled",
            &s,
        );
    }

    // Disks and filesystems.
    let util: Vec<_> = o
        .disks_io
        .iter()
        .map(|d| (l1("device", &d.device), d.util_percent / 100.0))
        .collect();
    f.family(
        "oncall_disk_utilization_ratio",
        "gauge",
        "Share of the window the device was busy",
        &util,
    );
    let wait: Vec<_> = o
        .disks_io
        .iter()
        .map(|d| (l1("device", &d.device), d.await_ms / 1e3))
        .collect();
    f.family(
        "oncall_disk_await_seconds",
        "gauge",
        "Average time an I/O took in the window",
        &wait,
    );
    let fs = |v: &dyn Fn(&crate::triage::model::FilesystemUse) -> Option<f64>| -> Vec<_> {
        o.filesystems
            .iter()
            .filter_map(|x| v(x).map(|n| (l1("mount", &x.mount), n)))
            .collect()
    };
    f.family(
        "oncall_filesystem_responding",
        "gauge",
        "1 if statvfs of the mount answered within its budget, 0 if it hung",
        &fs(&|x| Some(f64::from(u8::from(!x.not_responding)))),
    );
    f.family(
        "oncall_filesystem_size_bytes",
        "gauge",
        "Filesystem size",
        &fs(&|x| (!x.not_responding).then_some(x.size_bytes as f64)),
    );
    f.family(
        "oncall_filesystem_avail_bytes",
        "gauge",
        "Space available to unprivileged users",
        &fs(&|x| (!x.not_responding).then_some(x.avail_bytes as f64)),
    );
    f.family(
        "oncall_filesystem_inodes_used_ratio",
        "gauge",
        "Share of inodes in use",
        &fs(&|x| x.inodes_used_percent.map(|p| p / 100.0)),
    );
    if let Some(d) = &o.deleted {
        f.one(
            "oncall_deleted_open_bytes",
            "gauge",
            "Space pinned by deleted files still held open",
            Some(d.total_bytes as f64),
        );
        let by_fs: Vec<_> = d
            .filesystems
            .iter()
            .map(|x| {
                (
                    format!(
                        "{{mount=\"{}\",device=\"{}\"}}",
                        esc(&x.mount),
                        esc(&x.device)
                    ),
                    x.bytes as f64,
                )
            })
            .collect();
        f.family(
            "oncall_filesystem_deleted_open_bytes",
            "gauge",
            "Space pinned by deleted files still held open, by the filesystem they are on (mount empty: not mounted where oncall runs)",
            &by_fs,
        );
    }

    // Network and sockets.
    if let Some(n) = &o.network {
        f.one(
            "oncall_tcp_retransmit_ratio",
            "gauge",
            "Share of TCP segments sent in the window that were retransmits",
            Some(n.retransmit_percent / 100.0),
        );
    }
    f.one(
        "oncall_tcp_listen_overflows_total",
        "counter",
        "Accept-queue overflows (TcpExt ListenOverflows) since oncall serve started",
        Some(t.listen_overflows as f64),
    );
    f.one(
        "oncall_tcp_listen_drops_total",
        "counter",
        "SYNs dropped at listeners (TcpExt ListenDrops) since oncall serve started",
        Some(t.listen_drops as f64),
    );
    if let Some(s) = &o.sockets {
        f.family(
            "oncall_tcp_sockets",
            "gauge",
            "TCP sockets by state",
            &[
                (l1("state", "established"), s.established as f64),
                (l1("state", "time-wait"), s.time_wait as f64),
                (l1("state", "close-wait"), s.close_wait as f64),
                (l1("state", "syn-recv"), s.syn_recv as f64),
            ],
        );
        let fill: Vec<_> = s
            .filling_listeners
            .iter()
            .map(|(a, q, b, _)| (l1("listener", a), *q as f64 / (*b).max(1) as f64))
            .collect();
        f.family(
            "oncall_listener_accept_queue_fill_ratio",
            "gauge",
            "Accept queue over backlog of listeners at least half full",
            &fill,
        );
        let queued: Vec<_> = s
            .filling_listeners
            .iter()
            .map(|(a, q, _, _)| (l1("listener", a), *q as f64))
            .collect();
        f.family(
            "oncall_listener_accept_queue_length",
            "gauge",
            "Connections waiting in the accept queue of listeners at least half full",
            &queued,
        );
    }

    // cgroup and logs.
    if let Some(c) = &o.cgroup {
        f.one(
            "oncall_cgroup_cpu_throttled_ratio",
            "gauge",
            "Share of CPU periods in the window in which oncall's cgroup was throttled",
            c.throttled_percent.map(|p| p / 100.0),
        );
        f.one(
            "oncall_cgroup_memory_oom_kills_total",
            "counter",
            "OOM kills in oncall's memory cgroup (memory.events oom_kill)",
            c.memory_oom_kills.map(|n| n as f64),
        );
        f.one(
            "oncall_cgroup_memory_limit_bytes",
            "gauge",
            "The memory cgroup's limit",
            c.memory_limit_bytes.map(|n| n as f64),
        );
        f.one(
            "oncall_cgroup_memory_current_bytes",
            "gauge",
            "The memory cgroup's usage",
            c.memory_current_bytes.map(|n| n as f64),
        );
    }
    let logs: Vec<_> = o
        .log_bursts
        .iter()
        .map(|b| (l1("source", &b.path), b.errors_last_15m as f64))
        .collect();
    f.family(
        "oncall_log_error_lines_last_15m",
        "gauge",
        "Error-level lines in the last 15 minutes per log source",
        &logs,
    );
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn label_values_are_escaped_and_numbers_short() {
        assert_eq!(esc("a\"b\\c\nd"), "a\\\"b\\\\c\\nd");
        assert_eq!(number(0.1 + 0.2), "0.3");
        assert_eq!(number(1.0), "1");
        assert_eq!(number(f64::NAN), "NaN");
    }
}
