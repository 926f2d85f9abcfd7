//! Which sockets to list: the filters of `oncall net`, already checked, in the shape the
//! kernel's sock_diag requests take them (protocol, family, state mask, port).

use super::model::{Family, Proto, Socket};
use super::state::{State, StateSet};

#[derive(Debug, Clone)]
pub struct Query {
    pub tcp: bool,
    pub udp: bool,
    pub unix: bool,
    pub ipv4: bool,
    pub ipv6: bool,
    pub states: StateSet,
    /// Local or remote port.
    pub port: Option<u16>,
    /// Map sockets to their owning processes (a /proc scan: only when asked).
    pub processes: bool,
}

impl Default for Query {
    /// TCP and UDP over IPv4 and IPv6, every state: `ss -tuan`.
    fn default() -> Query {
        Query {
            tcp: true,
            udp: true,
            unix: false,
            ipv4: true,
            ipv6: true,
            states: StateSet::ALL,
            port: None,
            processes: false,
        }
    }
}

impl Query {
    /// Listening sockets, as `ss -l` means it: TCP listeners and unconnected datagram sockets.
    pub fn listen_states() -> StateSet {
        StateSet::of(&[State::Listen, State::Unconn])
    }

    /// Every TCP listener with its accept queue: what the accept-queue check needs.
    pub fn tcp_listeners() -> Query {
        Query {
            udp: false,
            states: StateSet::of(&[State::Listen]),
            ..Query::default()
        }
    }

    pub fn wants_family(&self, f: Family) -> bool {
        match f {
            Family::Ipv4 => self.ipv4,
            Family::Ipv6 => self.ipv6,
            Family::Unix => self.unix,
        }
    }

    pub fn wants_proto(&self, p: Proto) -> bool {
        match p {
            Proto::Tcp => self.tcp,
            Proto::Udp => self.udp,
            _ => self.unix,
        }
    }

    /// The same filters in user space, for sources that cannot filter in the kernel
    /// (/proc/net).
    pub fn matches(&self, s: &Socket) -> bool {
        self.wants_proto(s.proto)
            && (s.proto.is_unix() || self.wants_family(s.family))
            && self.states.contains(s.state)
            && self.port.is_none_or(|p| s.has_port(p))
    }
}
