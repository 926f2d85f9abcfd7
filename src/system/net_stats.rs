//! Network health over a window: per-interface throughput, errors and drops
//! (/proc/net/dev) and the TCP counters that tell a sick service (/proc/net/snmp,
//! /proc/net/netstat): what `sar -n DEV,TCP,ETCP` and `netstat -s` show.
//!
//! Shaped for one shared sampling window (`oncall triage` samples every collector at once):
//! `snapshot()` now, `snapshot()` later, `rates(&first, &second)`.

use serde::Serialize;
use std::collections::HashMap;
use std::io;
use std::time::Instant;

/// Raw counters of one moment. Counters only grow (until they wrap, or an interface
/// is re-created), so a rate is the difference of two snapshots over the time between.
#[derive(Debug, Clone)]
pub struct NetSnapshot {
    pub taken: Instant,
    pub interfaces: Vec<InterfaceCounters>,
    pub tcp: TcpCounters,
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct InterfaceCounters {
    pub name: String,
    pub rx_bytes: u64,
    pub rx_packets: u64,
    pub rx_errors: u64,
    pub rx_drops: u64,
    pub tx_bytes: u64,
    pub tx_packets: u64,
    pub tx_errors: u64,
    pub tx_drops: u64,
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TcpCounters {
    pub active_opens: u64,
    pub passive_opens: u64,
    pub attempt_fails: u64,
    /// Connections reset by the peer while established or in close-wait.
    pub estab_resets: u64,
    /// A gauge: connections established now.
    pub curr_estab: u64,
    pub in_segs: u64,
    pub out_segs: u64,
    pub retrans_segs: u64,
    pub in_errs: u64,
    pub out_rsts: u64,
    /// Accept queue full: the SYN or the final ACK was dropped (TcpExt).
    pub listen_overflows: u64,
    pub listen_drops: u64,
}

/// What happened during the window, per second.
#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct NetRates {
    pub window_ms: u64,
    pub interfaces: Vec<InterfaceRates>,
    pub tcp: TcpRates,
}

#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct InterfaceRates {
    #[schemars(extend("x-oncall-untrusted" = true))]
    pub name: String,
    pub rx_bytes_per_second: f64,
    pub tx_bytes_per_second: f64,
    pub rx_packets_per_second: f64,
    pub tx_packets_per_second: f64,
    pub rx_errors_per_second: f64,
    pub tx_errors_per_second: f64,
    pub rx_drops_per_second: f64,
    pub tx_drops_per_second: f64,
}

#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct TcpRates {
    pub active_opens_per_second: f64,
    pub passive_opens_per_second: f64,
    pub failed_attempts_per_second: f64,
    pub segments_in_per_second: f64,
    pub segments_out_per_second: f64,
    pub retransmitted_segments_per_second: f64,
    /// Retransmitted segments over segments sent in the window (0 when none were sent).
    pub retransmit_ratio: f64,
    pub resets_sent_per_second: f64,
    pub resets_received_per_second: f64,
    pub in_errors_per_second: f64,
    pub listen_overflows_per_second: f64,
    pub listen_drops_per_second: f64,
    /// Established connections at the end of the window.
    pub established: u64,
}

pub fn snapshot() -> io::Result<NetSnapshot> {
    let dev = std::fs::read_to_string("/proc/net/dev")?;
    let snmp = std::fs::read_to_string("/proc/net/snmp")?;
    // TcpExt lives here; some sandboxes hide it: the listen counters then stay 0.
    let netstat = std::fs::read_to_string("/proc/net/netstat").unwrap_or_default();
    Ok(NetSnapshot {
        taken: Instant::now(),
        interfaces: parse_dev(&dev),
        tcp: tcp_counters(&parse_table(&snmp), &parse_table(&netstat)),
    })
}

/// Parses /proc/net/dev: two header lines, then `name: 8 rx fields 8 tx fields`.
pub fn parse_dev(text: &str) -> Vec<InterfaceCounters> {
    text.lines()
        .filter_map(|line| {
            let (name, rest) = line.split_once(':')?;
            let v: Vec<u64> = rest
                .split_whitespace()
                .map(|f| f.parse().ok())
                .collect::<Option<_>>()?;
            if v.len() < 16 {
                return None;
            }
            Some(InterfaceCounters {
                name: name.trim().to_string(),
                rx_bytes: v[0],
                rx_packets: v[1],
                rx_errors: v[2],
                rx_drops: v[3],
                tx_bytes: v[8],
                tx_packets: v[9],
                tx_errors: v[10],
                tx_drops: v[11],
            })
        })
        .collect()
}

/// Parses the `Prefix: Name Name …` / `Prefix: value value …` line pairs of
/// /proc/net/snmp and /proc/net/netstat into `"Prefix.Name" → value`.
pub fn parse_table(text: &str) -> HashMap<String, i64> {
    let mut out = HashMap::new();
    let mut lines = text.lines();
    while let (Some(names), Some(values)) = (lines.next(), lines.next()) {
        let (Some((p1, names)), Some((p2, values))) =
            (names.split_once(':'), values.split_once(':'))
        else {
            continue;
        };
        if p1 != p2 {
            continue;
        }
        for (n, v) in names.split_whitespace().zip(values.split_whitespace()) {
            if let Ok(v) = v.parse::<i64>() {
                out.insert(format!("{p1}.{n}"), v);
            }
        }
    }
    out
}

fn tcp_counters(snmp: &HashMap<String, i64>, netstat: &HashMap<String, i64>) -> TcpCounters {
    let get = |t: &HashMap<String, i64>, k: &str| t.get(k).copied().unwrap_or(0).max(0) as u64;
    TcpCounters {
        active_opens: get(snmp, "Tcp.ActiveOpens"),
        passive_opens: get(snmp, "Tcp.PassiveOpens"),
        attempt_fails: get(snmp, "Tcp.AttemptFails"),
        estab_resets: get(snmp, "Tcp.EstabResets"),
        curr_estab: get(snmp, "Tcp.CurrEstab"),
        in_segs: get(snmp, "Tcp.InSegs"),
        out_segs: get(snmp, "Tcp.OutSegs"),
        retrans_segs: get(snmp, "Tcp.RetransSegs"),
        in_errs: get(snmp, "Tcp.InErrs"),
        out_rsts: get(snmp, "Tcp.OutRsts"),
        listen_overflows: get(netstat, "TcpExt.ListenOverflows"),
        listen_drops: get(netstat, "TcpExt.ListenDrops"),
    }
}

/// Rates between two snapshots. Interfaces present in only one are left out; a counter
/// that went backwards (wrapped, or the interface was re-created) counts as 0.
pub fn rates(first: &NetSnapshot, second: &NetSnapshot) -> NetRates {
    let elapsed = second.taken.saturating_duration_since(first.taken);
    let secs = elapsed.as_secs_f64().max(1e-9);
    let per_s = |a: u64, b: u64| b.saturating_sub(a) as f64 / secs;
    let interfaces = second
        .interfaces
        .iter()
        .filter_map(|b| {
            let a = first.interfaces.iter().find(|a| a.name == b.name)?;
            Some(InterfaceRates {
                name: b.name.clone(),
                rx_bytes_per_second: per_s(a.rx_bytes, b.rx_bytes),
                tx_bytes_per_second: per_s(a.tx_bytes, b.tx_bytes),
                rx_packets_per_second: per_s(a.rx_packets, b.rx_packets),
                tx_packets_per_second: per_s(a.tx_packets, b.tx_packets),
                rx_errors_per_second: per_s(a.rx_errors, b.rx_errors),
                tx_errors_per_second: per_s(a.tx_errors, b.tx_errors),
                rx_drops_per_second: per_s(a.rx_drops, b.rx_drops),
                tx_drops_per_second: per_s(a.tx_drops, b.tx_drops),
            })
        })
        .collect();
    let (a, b) = (&first.tcp, &second.tcp);
    let out = b.out_segs.saturating_sub(a.out_segs);
    let retrans = b.retrans_segs.saturating_sub(a.retrans_segs);
    NetRates {
        window_ms: elapsed.as_millis() as u64,
        interfaces,
        tcp: TcpRates {
            active_opens_per_second: per_s(a.active_opens, b.active_opens),
            passive_opens_per_second: per_s(a.passive_opens, b.passive_opens),
            failed_attempts_per_second: per_s(a.attempt_fails, b.attempt_fails),
            segments_in_per_second: per_s(a.in_segs, b.in_segs),
            segments_out_per_second: per_s(a.out_segs, b.out_segs),
            retransmitted_segments_per_second: per_s(a.retrans_segs, b.retrans_segs),
            retransmit_ratio: if out == 0 {
                0.0
            } else {
                retrans as f64 / out as f64
            },
            resets_sent_per_second: per_s(a.out_rsts, b.out_rsts),
            resets_received_per_second: per_s(a.estab_resets, b.estab_resets),
            in_errors_per_second: per_s(a.in_errs, b.in_errs),
            listen_overflows_per_second: per_s(a.listen_overflows, b.listen_overflows),
            listen_drops_per_second: per_s(a.listen_drops, b.listen_drops),
            established: b.curr_estab,
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    const DEV: &str = "Inter-|   Receive                                                |  Transmit
 face |bytes    packets errs drop fifo frame compressed multicast|bytes    packets errs drop fifo colls carrier compressed
    lo: 1000      10    0    0    0     0          0         0     1000      10    0    0    0     0       0          0
  eth0: 5000      50    1    2    0     0          0         0     7000      70    3    4    0     0       0          0
";

    const SNMP: &str = "Ip: Forwarding DefaultTTL
Ip: 1 64
Tcp: RtoAlgorithm RtoMin RtoMax MaxConn ActiveOpens PassiveOpens AttemptFails EstabResets CurrEstab InSegs OutSegs RetransSegs InErrs OutRsts InCsumErrors
Tcp: 1 200 120000 -1 100 50 3 4 7 1000 2000 20 1 5 0
";

    const NETSTAT: &str = "TcpExt: SyncookiesSent ListenOverflows ListenDrops
TcpExt: 0 8 9
";

    #[test]
    fn parses_dev_snmp_and_netstat() {
        let ifs = parse_dev(DEV);
        assert_eq!(ifs.len(), 2);
        assert_eq!(ifs[1].name, "eth0");
        assert_eq!((ifs[1].rx_errors, ifs[1].rx_drops), (1, 2));
        assert_eq!(
            (ifs[1].tx_bytes, ifs[1].tx_errors, ifs[1].tx_drops),
            (7000, 3, 4)
        );
        let t = tcp_counters(&parse_table(SNMP), &parse_table(NETSTAT));
        assert_eq!(
            (
                t.active_opens,
                t.passive_opens,
                t.curr_estab,
                t.retrans_segs,
                t.out_rsts
            ),
            (100, 50, 7, 20, 5)
        );
        assert_eq!((t.listen_overflows, t.listen_drops), (8, 9));
    }

    #[test]
    fn cut_or_corrupted_counters_never_panic() {
        for text in [DEV, SNMP, NETSTAT] {
            for cut in 0..=text.len() {
                parse_dev(&text[..cut]);
                parse_table(&text[..cut]);
            }
            let mut seed = 11u32;
            for _ in 0..2000 {
                seed = seed.wrapping_mul(1_103_515_245).wrapping_add(12345);
                let mut b = text.as_bytes().to_vec();
                let at = seed as usize % b.len();
                b[at] = (seed >> 16) as u8;
                let t = String::from_utf8_lossy(&b);
                parse_dev(&t);
                tcp_counters(&parse_table(&t), &parse_table(&t));
            }
        }
    }

    #[test]
    fn rates_are_differences_over_the_window() {
        let t0 = Instant::now();
        let first = NetSnapshot {
            taken: t0,
            interfaces: parse_dev(DEV),
            tcp: tcp_counters(&parse_table(SNMP), &parse_table(NETSTAT)),
        };
        let mut second = first.clone();
        second.taken = t0 + Duration::from_secs(2);
        second.interfaces[1].rx_bytes += 4000;
        second.interfaces[0].tx_bytes -= 1; // went backwards: counts as 0
        second.interfaces.push(InterfaceCounters {
            name: "new0".into(),
            ..Default::default()
        });
        second.tcp.out_segs += 1000;
        second.tcp.retrans_segs += 10;
        second.tcp.active_opens += 6;
        second.tcp.listen_overflows += 2;
        let r = rates(&first, &second);
        assert_eq!(r.window_ms, 2000);
        assert_eq!(r.interfaces.len(), 2, "an interface seen once has no rate");
        assert_eq!(r.interfaces[1].rx_bytes_per_second, 2000.0);
        assert_eq!(r.interfaces[0].tx_bytes_per_second, 0.0);
        assert_eq!(r.tcp.segments_out_per_second, 500.0);
        assert_eq!(r.tcp.retransmit_ratio, 0.01);
        assert_eq!(r.tcp.active_opens_per_second, 3.0);
        assert_eq!(r.tcp.listen_overflows_per_second, 1.0);
        assert_eq!(r.tcp.established, 7);
    }
}
