//! The foot of the listing (and `--summary` alone): counts by protocol and family as
//! `ss -s` gives them, counts by state, and the listeners whose accept queue is filling.

use super::model::{Endpoint, Family, Proto, Socket};
use super::state::State;
use serde::Serialize;
use std::collections::BTreeMap;

/// A listener is said to be filling once its accept queue holds half its backlog: the
/// application is not calling accept() fast enough, and at 100% new connections are
/// dropped (the kernel's ListenOverflows counter, see `oncall net stats`).
pub const FILLING_PERCENT: u32 = 50;

#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct Summary {
    pub total: usize,
    pub by_proto: Vec<ProtoCount>,
    pub by_state: Vec<StateCount>,
    pub accept_queue_filling: Vec<ListenerPressure>,
    /// The kernel's accounting for all sockets of the namespace, whatever the filters.
    pub kernel: Option<super::sockstat::SockStat>,
}

#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct ProtoCount {
    pub proto: Proto,
    pub ipv4: usize,
    pub ipv6: usize,
    pub total: usize,
}

#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct StateCount {
    pub proto: Proto,
    pub state: State,
    pub count: usize,
}

#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct ListenerPressure {
    #[schemars(extend("x-oncall-untrusted" = true))]
    pub local: Endpoint,
    /// Connections waiting in the accept queue (Recv-Q of a listener).
    pub queued: u32,
    /// The accept backlog (Send-Q of a listener).
    pub backlog: u32,
    pub fill_percent: u32,
    pub pid: Option<u32>,
    #[schemars(extend("x-oncall-untrusted" = true))]
    pub process: Option<String>,
}

pub fn summarize(sockets: &[Socket]) -> Summary {
    let mut protos: BTreeMap<Proto, ProtoCount> = BTreeMap::new();
    let mut states: BTreeMap<(Proto, State), usize> = BTreeMap::new();
    for s in sockets {
        let p = protos.entry(s.proto).or_insert(ProtoCount {
            proto: s.proto,
            ipv4: 0,
            ipv6: 0,
            total: 0,
        });
        p.total += 1;
        match s.family {
            Family::Ipv4 => p.ipv4 += 1,
            Family::Ipv6 => p.ipv6 += 1,
            Family::Unix => {}
        }
        *states.entry((s.proto, s.state)).or_default() += 1;
    }
    Summary {
        total: sockets.len(),
        by_proto: protos.into_values().collect(),
        by_state: states
            .into_iter()
            .map(|((proto, state), count)| StateCount {
                proto,
                state,
                count,
            })
            .collect(),
        accept_queue_filling: accept_queue_filling(sockets),
        kernel: None,
    }
}

/// TCP listeners whose accept queue holds at least `FILLING_PERCENT` of the backlog,
/// fullest first.
pub fn accept_queue_filling(sockets: &[Socket]) -> Vec<ListenerPressure> {
    let mut v: Vec<ListenerPressure> = sockets
        .iter()
        .filter(|s| s.proto == Proto::Tcp && s.state == State::Listen && s.recv_q > 0)
        .map(|s| ListenerPressure {
            local: s.local.clone(),
            queued: s.recv_q,
            backlog: s.send_q,
            fill_percent: fill_percent(s.recv_q, s.send_q),
            pid: s.pid,
            process: s.process.clone(),
        })
        .filter(|l| l.fill_percent >= FILLING_PERCENT)
        .collect();
    v.sort_by_key(|l| std::cmp::Reverse(l.fill_percent));
    v
}

/// The kernel lets the queue reach backlog + 1, so this can pass 100.
fn fill_percent(queued: u32, backlog: u32) -> u32 {
    if backlog == 0 {
        return 100;
    }
    (u64::from(queued) * 100 / u64::from(backlog)).min(u64::from(u32::MAX)) as u32
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::net::SocketAddr;

    fn tcp(state: State, recv_q: u32, send_q: u32, addr: &str) -> Socket {
        let a: SocketAddr = addr.parse().unwrap();
        Socket {
            proto: Proto::Tcp,
            family: if a.is_ipv4() {
                Family::Ipv4
            } else {
                Family::Ipv6
            },
            state,
            local: Endpoint::Inet(a),
            remote: Endpoint::Inet("0.0.0.0:0".parse().unwrap()),
            recv_q,
            send_q,
            uid: None,
            inode: 1,
            pid: None,
            process: None,
            runs_in: None,
        }
    }

    #[test]
    fn counts_by_proto_family_and_state() {
        let s = vec![
            tcp(State::Listen, 0, 128, "0.0.0.0:22"),
            tcp(State::Established, 0, 0, "[::1]:22"),
            tcp(State::Established, 0, 0, "127.0.0.1:22"),
        ];
        let sum = summarize(&s);
        assert_eq!(sum.total, 3);
        assert_eq!(
            (
                sum.by_proto[0].ipv4,
                sum.by_proto[0].ipv6,
                sum.by_proto[0].total
            ),
            (2, 1, 3)
        );
        let est = sum
            .by_state
            .iter()
            .find(|c| c.state == State::Established)
            .unwrap();
        assert_eq!(est.count, 2);
        assert!(sum.accept_queue_filling.is_empty());
    }

    #[test]
    fn listeners_at_half_their_backlog_are_filling() {
        let s = vec![
            tcp(State::Listen, 63, 128, "0.0.0.0:80"),
            tcp(State::Listen, 64, 128, "0.0.0.0:81"),
            tcp(State::Listen, 129, 128, "0.0.0.0:82"),
            tcp(State::Established, 500, 10, "127.0.0.1:83"),
        ];
        let f = accept_queue_filling(&s);
        let ports: Vec<String> = f.iter().map(|l| l.local.to_string()).collect();
        assert_eq!(ports, ["0.0.0.0:82", "0.0.0.0:81"]);
        assert_eq!(f[0].fill_percent, 100);
    }
}
