//! The kernel's OOM-kill records that name a cgroup (`oom-kill:…,oom_memcg=…,task_memcg=…,
//! task=…,pid=…`, logged since Linux 4.19 beside "Killed process"), so a kill is put on the
//! container or pod it hit.

use crate::system::{kernel_log, timestamps};
use serde::Serialize;

#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct CgroupOomKill {
    pub time: String,
    /// Seconds since boot, to compare with a window.
    #[serde(skip)]
    pub usec: u64,
    /// The cgroup whose limit was hit (`oom_memcg`); for a host-wide OOM, `/`.
    #[schemars(extend("x-oncall-untrusted" = true))]
    pub oom_cgroup: String,
    /// The victim's own cgroup (`task_memcg`).
    #[schemars(extend("x-oncall-untrusted" = true))]
    pub task_cgroup: String,
    #[schemars(extend("x-oncall-untrusted" = true))]
    pub task: String,
    pub pid: Option<u32>,
    /// The container, pod or unit of `task_cgroup` (`container web`), filled by the caller.
    #[schemars(extend("x-oncall-untrusted" = true))]
    pub group: Option<String>,
}

/// Such records of the last `within_seconds`, oldest first.
pub fn recent(boot_time_unix: u64, within_seconds: u64) -> Result<Vec<CgroupOomKill>, String> {
    let uptime_usec = std::fs::read_to_string("/proc/uptime")
        .ok()
        .and_then(|s| s.split_whitespace().next()?.parse::<f64>().ok())
        .map_or(0, |secs| (secs * 1e6) as u64);
    let since = uptime_usec.saturating_sub(within_seconds * 1_000_000);
    let mut out = Vec::new();
    kernel_log::for_each_record(|record| {
        if let Some(k) = parse(record, boot_time_unix) {
            if k.usec >= since {
                out.push(k);
            }
        }
    })?;
    Ok(out)
}

/// One `/dev/kmsg` record, when it is an `oom-kill:` summary line.
pub fn parse(record: &str, boot_time_unix: u64) -> Option<CgroupOomKill> {
    let (header, message) = record.split_once(';')?;
    let message = message.lines().next()?.trim_end();
    let fields = message.strip_prefix("oom-kill:")?;
    let usec: u64 = header.split(',').nth(2)?.parse().ok()?;
    // Values hold no commas except task= (a comm may); take task last-but-pid-wise.
    let field = |key: &str| -> Option<&str> {
        let start = fields.find(&format!(",{key}="))? + key.len() + 2;
        let rest = &fields[start..];
        Some(rest.split(',').next().unwrap_or(rest))
    };
    Some(CgroupOomKill {
        time: timestamps::rfc3339_utc(boot_time_unix + usec / 1_000_000),
        usec,
        oom_cgroup: field("oom_memcg").unwrap_or("/").to_string(),
        task_cgroup: field("task_memcg")?.to_string(),
        task: field("task").unwrap_or("?").to_string(),
        pid: field("pid").and_then(|p| p.parse().ok()),
        group: None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn memcg_oom_record() {
        let rec = "6,2210,81234567,-;oom-kill:constraint=CONSTRAINT_MEMCG,nodemask=(null),cpuset=/,mems_allowed=0,oom_memcg=/docker/abc,task_memcg=/docker/abc,task=python3,pid=4242,uid=0\n";
        let k = parse(rec, 1000).unwrap();
        assert_eq!(k.oom_cgroup, "/docker/abc");
        assert_eq!(k.task_cgroup, "/docker/abc");
        assert_eq!((k.task.as_str(), k.pid), ("python3", Some(4242)));
        assert_eq!(k.usec, 81234567);
        // A host-wide OOM has no oom_memcg.
        let global = "6,1,5,-;oom-kill:constraint=CONSTRAINT_NONE,nodemask=(null),cpuset=/,mems_allowed=0,global_oom,task_memcg=/system.slice/x.service,task=java,pid=7,uid=0";
        assert_eq!(parse(global, 0).unwrap().oom_cgroup, "/");
        assert!(parse("6,1,5,-;Out of memory: Killed process 7 (java)", 0).is_none());
        assert!(parse("6,1,x,-;oom-kill:task_memcg=/a", 0).is_none());
        assert!(parse("garbage", 0).is_none());
    }
}
