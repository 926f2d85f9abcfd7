//! `sockets` (`oncall net`, ss -tanp): TCP/UDP/UNIX sockets, states, owning processes.

use crate::error::Error;
use crate::system::sockets::{self, state, Query, SocketReport, StateSet};
use schemars::JsonSchema;
use serde::Deserialize;

/// Set to `proc` to read /proc/net even where netlink works (tests of the fallback).
const SOURCE_ENV: &str = "ONCALL_NET_SOURCE";

#[derive(Debug, Clone, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, default)]
pub struct SocketsRequest {
    /// Listening sockets only (ss -l).
    pub listen: bool,
    /// Only sockets in these states, comma-separated (established, time-wait, close-wait,
    /// listen, syn-sent, …).
    pub state: Option<String>,
    /// Only sockets with this local or remote port.
    pub port: Option<u16>,
    /// Show the owning process of each socket (ss -p; a scan of /proc).
    pub processes: bool,
    /// IPv4 only.
    pub ipv4: bool,
    /// IPv6 only.
    pub ipv6: bool,
    /// TCP sockets (with none of tcp, udp, unix: TCP and UDP).
    pub tcp: bool,
    /// UDP sockets.
    pub udp: bool,
    /// UNIX sockets.
    pub unix: bool,
    /// Every state, listening ones included (wins over listen, as ss -la).
    pub all: bool,
}

impl SocketsRequest {
    pub fn validate(&self) -> Result<(), Error> {
        self.query().map(|_| ())
    }

    /// The collector's query, refusing combinations that cannot mean anything.
    pub fn query(&self) -> Result<Query, Error> {
        if self.ipv4 && self.ipv6 {
            return Err(Error::usage("-4", "give IPv4 or IPv6 only, not both"));
        }
        let any_proto = self.tcp || self.udp || self.unix;
        let mut q = Query {
            tcp: self.tcp || !any_proto,
            udp: self.udp || !any_proto,
            unix: self.unix,
            ipv4: !self.ipv6,
            ipv6: !self.ipv4,
            states: StateSet::ALL,
            port: self.port,
            processes: self.processes,
        };
        if self.unix && (self.ipv4 || self.ipv6) {
            let flag = if self.ipv4 { "-4" } else { "-6" };
            return Err(Error::usage(
                flag,
                "UNIX sockets are neither IPv4 nor IPv6 (drop --unix, or drop the family)",
            ));
        }
        if self.unix && self.port.is_some() {
            return Err(Error::usage(
                "--port",
                "UNIX sockets have no ports (drop --unix, or drop --port)",
            ));
        }
        if let Some(text) = &self.state {
            q.states = state::parse_states(text).map_err(|why| Error::usage("--state", why))?;
        }
        // ss's -a asks for every state; with -l too (`ss -tlna`), every state it is.
        if self.listen && !self.all {
            q.states = if self.state.is_some() {
                q.states.union(Query::listen_states())
            } else {
                Query::listen_states()
            };
        }
        Ok(q)
    }
}

pub fn run(req: &SocketsRequest) -> Result<SocketReport, Error> {
    let q = req.query()?;
    let force_proc = std::env::var(SOURCE_ENV).is_ok_and(|v| v == "proc");
    sockets::collect_from(&q, force_proc).map_err(|e| Error::usage(&e.what, &e.error))
}
