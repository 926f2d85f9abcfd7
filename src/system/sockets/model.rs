//! The plain data a socket listing is made of: what `ss` shows per line, ready for JSON.

use super::state::State;
use serde::{Serialize, Serializer};
use std::net::SocketAddr;

/// The protocol column, spelled as `ss` spells its Netid column.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, schemars::JsonSchema,
)]
pub enum Proto {
    #[serde(rename = "tcp")]
    Tcp,
    #[serde(rename = "udp")]
    Udp,
    /// UNIX stream socket.
    #[serde(rename = "u_str")]
    UnixStream,
    /// UNIX datagram socket.
    #[serde(rename = "u_dgr")]
    UnixDgram,
    /// UNIX seqpacket socket.
    #[serde(rename = "u_seq")]
    UnixSeqpacket,
}

impl Proto {
    pub fn name(self) -> &'static str {
        match self {
            Proto::Tcp => "tcp",
            Proto::Udp => "udp",
            Proto::UnixStream => "u_str",
            Proto::UnixDgram => "u_dgr",
            Proto::UnixSeqpacket => "u_seq",
        }
    }

    pub fn is_unix(self) -> bool {
        matches!(
            self,
            Proto::UnixStream | Proto::UnixDgram | Proto::UnixSeqpacket
        )
    }
}

#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, schemars::JsonSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum Family {
    Ipv4,
    Ipv6,
    Unix,
}

/// One end of a socket. Inet ends print as `ip:port` (`[ip]:port` for IPv6, std's
/// `SocketAddr` display); a UNIX end is its path (`@name` when abstract) or `*` when unnamed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Endpoint {
    Inet(SocketAddr),
    Unix(Option<String>),
}

impl Endpoint {
    pub fn port(&self) -> Option<u16> {
        match self {
            Endpoint::Inet(a) => Some(a.port()),
            Endpoint::Unix(_) => None,
        }
    }
}

impl std::fmt::Display for Endpoint {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Endpoint::Inet(a) => a.fmt(f),
            Endpoint::Unix(Some(name)) => f.write_str(name),
            Endpoint::Unix(None) => f.write_str("*"),
        }
    }
}

/// `address:port`, a UNIX path or name, or `*`: the text `Serialize` writes.
impl schemars::JsonSchema for Endpoint {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        "Endpoint".into()
    }

    fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
        schemars::json_schema!({"type": "string"})
    }
}

impl Serialize for Endpoint {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        // Formatted straight into the output: no String per address.
        s.collect_str(self)
    }
}

/// One socket, as one line of `ss -tanp`.
#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct Socket {
    pub proto: Proto,
    pub family: Family,
    pub state: State,
    #[schemars(extend("x-oncall-untrusted" = true))]
    pub local: Endpoint,
    #[schemars(extend("x-oncall-untrusted" = true))]
    pub remote: Endpoint,
    /// Bytes not yet read by the application; for a listener, connections waiting in
    /// the accept queue.
    pub recv_q: u32,
    /// Bytes not yet acknowledged by the peer; for a listener, the accept backlog.
    pub send_q: u32,
    /// The socket's owner uid as the kernel reports it (not known for UNIX sockets).
    pub uid: Option<u32>,
    /// The socket inode (`socket:[inode]` in /proc/PID/fd); 0 for time-wait and other
    /// sockets no file refers to.
    pub inode: u64,
    /// The owning process, only with `--processes`; null when not found.
    pub pid: Option<u32>,
    #[schemars(extend("x-oncall-untrusted" = true))]
    pub process: Option<String>,
    /// The owner's container, pod or unit (`container web`, `unit nginx.service`), only with
    /// `--processes`.
    pub runs_in: Option<String>,
}

impl Socket {
    /// Whether `port` is this socket's local or remote port.
    pub fn has_port(&self, port: u16) -> bool {
        self.local.port() == Some(port) || self.remote.port() == Some(port)
    }
}
