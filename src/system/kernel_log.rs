//! OOM-kill lines from the kernel ring buffer (`/dev/kmsg`, what `dmesg` reads), with the time
//! and the victim. Reading needs privileges where `dmesg_restrict` is set: that is said, not hidden.

use super::timestamps;
use serde::Serialize;

#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct OomKill {
    /// When the kernel logged it (RFC 3339 UTC), from the record's time since boot.
    pub time: Option<String>,
    pub pid: Option<i32>,
    #[schemars(extend("x-oncall-untrusted" = true))]
    pub process: String,
    #[schemars(extend("x-oncall-untrusted" = true))]
    pub line: String,
}

/// OOM kills in the ring buffer, oldest first, or why they could not be read.
pub fn oom_kills(boot_time_unix: u64) -> Result<Vec<OomKill>, String> {
    let mut kills = Vec::new();
    for_each_record(|record| {
        if let Some(k) = parse_record(record, boot_time_unix) {
            kills.push(k);
        }
    })?;
    Ok(kills)
}

/// Messages at error level or worse (emerg, alert, crit, err) logged in the last
/// `within_seconds`, oldest first, each prefixed with its time: what
/// `dmesg --level=err,crit,alert,emerg` shows for that span.
pub fn recent_errors(boot_time_unix: u64, within_seconds: u64) -> Result<Vec<String>, String> {
    let uptime_usec = std::fs::read_to_string("/proc/uptime")
        .ok()
        .and_then(|s| s.split_whitespace().next()?.parse::<f64>().ok())
        .map_or(0, |secs| (secs * 1e6) as u64);
    let since = uptime_usec.saturating_sub(within_seconds * 1_000_000);
    let mut out = Vec::new();
    for_each_record(|record| {
        if let Some((usec, line)) = error_record(record) {
            if usec >= since {
                let when = timestamps::rfc3339_utc(boot_time_unix + usec / 1_000_000);
                out.push(format!("{when} {line}"));
            }
        }
    })?;
    Ok(out)
}

/// An error-level record's time since boot (µs) and message.
pub fn error_record(record: &str) -> Option<(u64, &str)> {
    let (header, message) = record.split_once(';')?;
    let mut fields = header.split(',');
    let prio: u32 = fields.next()?.parse().ok()?;
    let usec: u64 = fields.nth(1)?.parse().ok()?;
    (prio & 7 <= 3).then(|| (usec, message.lines().next().unwrap_or("").trim_end()))
}

/// Calls `visit` with each record of `/dev/kmsg`, oldest first, without blocking; the
/// records this process read before are not read again (kernel_ring.rs).
pub fn for_each_record(visit: impl FnMut(&str)) -> Result<(), String> {
    super::kernel_ring::for_each_record(visit)
}

/// One `/dev/kmsg` record: `prio,seq,usec,flags;message`. Only "Killed process" lines count.
pub fn parse_record(record: &str, boot_time_unix: u64) -> Option<OomKill> {
    // Nearly no record is one: a searcher built once rejects them in one pass over the bytes
    // (`str::find` built a two-way searcher per record: 4 % of an MCP memory call, perf).
    static KILLED: std::sync::LazyLock<memchr::memmem::Finder<'static>> =
        std::sync::LazyLock::new(|| memchr::memmem::Finder::new("Killed process "));
    KILLED.find(record.as_bytes())?;
    let (header, message) = record.split_once(';')?;
    let message = message.lines().next()?.trim_end();
    let at = message.find("Killed process ")?;
    let rest = &message[at + "Killed process ".len()..];
    let digits: String = rest.chars().take_while(|c| c.is_ascii_digit()).collect();
    let pid = digits.parse().ok();
    let process = rest
        .split_once('(')
        .and_then(|(_, r)| r.split_once(')'))
        .map(|(name, _)| name.to_string())
        .unwrap_or_default();
    let usec: Option<u64> = header.split(',').nth(2).and_then(|u| u.parse().ok());
    let time = usec.map(|u| timestamps::rfc3339_utc(boot_time_unix + u / 1_000_000));
    Some(OomKill {
        time,
        pid,
        process,
        line: message.to_string(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_kill_record() {
        let k = parse_record(
            "3,1234,5000000,-;Out of memory: Killed process 4242 (java) total-vm:100kB, anon-rss:50kB\n SUBSYSTEM=x",
            1_000,
        )
        .unwrap();
        assert_eq!(k.pid, Some(4242));
        assert_eq!(k.process, "java");
        assert_eq!(k.time.as_deref(), Some("1970-01-01T00:16:45Z"));
        assert!(!k.line.contains("SUBSYSTEM"));
        assert!(parse_record("6,1,2,-;eth0: link up", 0).is_none());
        assert!(parse_record("no separator", 0).is_none());
    }

    #[test]
    fn error_records_by_priority() {
        assert_eq!(
            error_record("3,7,5000000,-;blk_update_request: I/O error, dev sdb\n DEVICE=b8:16"),
            Some((5_000_000, "blk_update_request: I/O error, dev sdb"))
        );
        assert!(
            error_record("6,8,1,-;eth0: link up").is_none(),
            "info is not an error"
        );
        assert!(
            error_record("11,9,1,-;user err").is_some(),
            "facility 1, level err"
        );
        assert!(error_record("garbage").is_none());
    }
}
