//! The kernel's own socket accounting (/proc/net/sockstat, sockstat6, and the limits in
//! /proc/sys/net/ipv4): what `ss -s` adds to its counts — orphaned sockets, time-wait
//! buckets, and the TCP memory in pages against `tcp_mem`. Orphans near `tcp_max_orphans`
//! and TCP memory over the pressure mark make the kernel drop and reset connections
//! ("too many orphaned sockets", "out of memory -- consider tuning tcp_mem").

use serde::Serialize;
use std::path::Path;

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, schemars::JsonSchema)]
pub struct SockStat {
    /// TCP sockets in use (IPv4 and IPv6).
    pub tcp_in_use: u64,
    /// Closed by the application, still held by the kernel to finish the close.
    pub tcp_orphaned: u64,
    pub tcp_time_wait: u64,
    pub tcp_allocated: u64,
    /// TCP buffer memory in pages (4 KiB), the figure `tcp_mem` limits.
    pub tcp_memory_pages: u64,
    pub udp_in_use: u64,
    pub udp_memory_pages: u64,
    /// `net.ipv4.tcp_max_orphans`.
    pub tcp_max_orphans: Option<u64>,
    /// `net.ipv4.tcp_mem`: low, pressure, high, in pages.
    pub tcp_mem_limits: Option<[u64; 3]>,
}

impl SockStat {
    /// TCP memory as a percentage of the pressure mark, once the limits are known.
    pub fn tcp_memory_pressure_percent(&self) -> Option<u64> {
        let pressure = self.tcp_mem_limits?[1];
        (pressure > 0).then(|| self.tcp_memory_pages * 100 / pressure)
    }
}

/// Reads the counters; `None` when /proc/net/sockstat is not there (no procfs, or another
/// network namespace without it).
pub fn read() -> Option<SockStat> {
    read_from(Path::new("/proc"))
}

pub fn read_from(proc: &Path) -> Option<SockStat> {
    let v4 = std::fs::read_to_string(proc.join("net/sockstat")).ok()?;
    let v6 = std::fs::read_to_string(proc.join("net/sockstat6")).unwrap_or_default();
    let mut s = parse(&v4, &v6);
    let sys = |name: &str| std::fs::read_to_string(proc.join("sys/net/ipv4").join(name)).ok();
    s.tcp_max_orphans = sys("tcp_max_orphans").and_then(|t| t.trim().parse().ok());
    s.tcp_mem_limits = sys("tcp_mem").and_then(|t| {
        let n: Vec<u64> = t
            .split_whitespace()
            .filter_map(|x| x.parse().ok())
            .collect();
        (n.len() == 3).then(|| [n[0], n[1], n[2]])
    });
    Some(s)
}

/// `TCP: inuse 1 orphan 0 tw 651 alloc 1 mem 0` and friends; unknown words are skipped so
/// a newer kernel's extra fields do no harm.
pub fn parse(sockstat: &str, sockstat6: &str) -> SockStat {
    let mut s = SockStat::default();
    for line in sockstat.lines().chain(sockstat6.lines()) {
        let Some((proto, rest)) = line.split_once(':') else {
            continue;
        };
        let words: Vec<&str> = rest.split_whitespace().collect();
        for pair in words.chunks(2) {
            let [key, value] = pair else { continue };
            let Ok(n) = value.parse::<u64>() else {
                continue;
            };
            match (proto, *key) {
                ("TCP" | "TCP6", "inuse") => s.tcp_in_use += n,
                ("TCP", "orphan") => s.tcp_orphaned = n,
                ("TCP", "tw") => s.tcp_time_wait = n,
                ("TCP", "alloc") => s.tcp_allocated = n,
                ("TCP", "mem") => s.tcp_memory_pages = n,
                ("UDP" | "UDP6", "inuse") => s.udp_in_use += n,
                ("UDP", "mem") => s.udp_memory_pages = n,
                _ => {}
            }
        }
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_a_recorded_sockstat_pair() {
        let v4 = "sockets: used 7\nTCP: inuse 12 orphan 3 tw 651 alloc 20 mem 9\n\
                  UDP: inuse 2 mem 1\nUDPLITE: inuse 0\nRAW: inuse 0\nFRAG: inuse 0 memory 0\n";
        let v6 = "TCP6: inuse 4\nUDP6: inuse 1\nUDPLITE6: inuse 0\n";
        let s = parse(v4, v6);
        assert_eq!(s.tcp_in_use, 16);
        assert_eq!(s.tcp_orphaned, 3);
        assert_eq!(s.tcp_time_wait, 651);
        assert_eq!(s.tcp_allocated, 20);
        assert_eq!(s.tcp_memory_pages, 9);
        assert_eq!(s.udp_in_use, 3);
        assert_eq!(s.udp_memory_pages, 1);
    }

    #[test]
    fn pressure_is_against_the_middle_tcp_mem_figure() {
        let s = SockStat {
            tcp_memory_pages: 300,
            tcp_mem_limits: Some([100, 400, 800]),
            ..SockStat::default()
        };
        assert_eq!(s.tcp_memory_pressure_percent(), Some(75));
        assert_eq!(SockStat::default().tcp_memory_pressure_percent(), None);
    }

    #[test]
    fn this_host_has_the_files() {
        let s = read().expect("/proc/net/sockstat");
        assert!(s.tcp_mem_limits.is_some() && s.tcp_max_orphans.is_some());
    }
}
