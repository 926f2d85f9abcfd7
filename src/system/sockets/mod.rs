//! Sockets, as `ss` lists them: TCP and UDP over IPv4 and IPv6 from the kernel's
//! sock_diag netlink interface (filters applied by the kernel), UNIX sockets on request,
//! /proc/net as the fallback, owning processes only when asked, and a summary.
//!
//! ```text
//! Query ─▶ netlink (inet_diag / unix_diag, kernel-side state mask and port program)
//!            └─ unavailable for a protocol? ─▶ proc_net (parse, filter here) + a note
//!        ─▶ owners (only with --processes: /proc/PID/fd until every socket is mapped)
//!        ─▶ summary (counts, accept-queue pressure, sockstat's orphans and TCP memory)
//!        ─▶ SocketReport
//! ```
//!
//! For `triage`: `collect(&Query::default())?.summary` holds the counts by state and the
//! listeners whose accept queue is filling; `Query::tcp_listeners()` asks for those alone.

pub mod bytecode;
pub mod inet_diag;
pub mod model;
pub mod netlink;
pub mod owners;
pub mod proc_net;
pub mod query;
pub mod sockstat;
pub mod state;
pub mod summary;
pub mod unix_diag;

pub use model::{Endpoint, Family, Proto, Socket};
pub use owners::OwnerScan;
pub use query::Query;
pub use state::{State, StateSet};
pub use summary::{ListenerPressure, Summary};

use serde::Serialize;
use std::io;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Source {
    /// Everything came from sock_diag netlink.
    Netlink,
    /// At least one protocol had to be read from /proc/net (see `notes`).
    Proc,
}

#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct SocketReport {
    pub source: Source,
    pub sockets: Vec<Socket>,
    /// Only when owners were asked for.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub owners: Option<OwnerScan>,
    pub summary: Summary,
    /// What the reader should know about how the list was made (a fallback, and why).
    pub notes: Vec<String>,
}

/// Reading a source failed and no fallback was left.
#[derive(Debug)]
pub struct CollectError {
    pub what: String,
    pub error: io::Error,
}

impl std::fmt::Display for CollectError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}: {}", self.what, self.error)
    }
}

/// The inet (protocol, family) pairs a query asks for, in the order `ss` lists them.
fn inet_parts(q: &Query) -> Vec<(Proto, Family)> {
    let mut v = Vec::new();
    for (proto, on) in [(Proto::Tcp, q.tcp), (Proto::Udp, q.udp)] {
        for (family, fam_on) in [(Family::Ipv4, q.ipv4), (Family::Ipv6, q.ipv6)] {
            if on && fam_on {
                v.push((proto, family));
            }
        }
    }
    v
}

pub fn collect(q: &Query) -> Result<SocketReport, CollectError> {
    collect_from(q, false)
}

/// `force_proc` skips netlink (to test the fallback, or to compare the two sources).
pub fn collect_from(q: &Query, force_proc: bool) -> Result<SocketReport, CollectError> {
    let mut notes = Vec::new();
    let mut nl = if force_proc {
        notes.push("netlink not used (ONCALL_NET_SOURCE=proc): read /proc/net".to_string());
        None
    } else {
        match netlink::Netlink::open() {
            Ok(nl) => Some(nl),
            Err(e) => {
                notes.push(format!(
                    "sock_diag netlink unavailable ({e}): read /proc/net instead (slower, no kernel-side filters)"
                ));
                None
            }
        }
    };
    let mut source = if nl.is_some() {
        Source::Netlink
    } else {
        Source::Proc
    };
    let mut sockets = Vec::new();
    let mut parts = inet_parts(q);
    // Both TCP families asked: one kernel walk for the two (see dump_tcp_both_families);
    // where the kernel refuses it, each family is asked on its own below.
    if q.tcp && q.ipv4 && q.ipv6 {
        if let Some(nl) = nl.as_mut() {
            if inet_diag::dump_tcp_both_families(nl, q.states, q.port, &mut sockets).is_ok() {
                parts.retain(|(proto, _)| *proto != Proto::Tcp);
            }
        }
    }
    for (proto, family) in parts {
        let mut part = Vec::new();
        let from_netlink = nl
            .as_mut()
            .map(|nl| inet_diag::dump(nl, family, proto, q.states, q.port, &mut part));
        match from_netlink {
            Some(Ok(())) => sockets.append(&mut part),
            Some(Err(e))
                if e.raw_os_error() == Some(libc::EAFNOSUPPORT) && family == Family::Ipv6 =>
            {
                // IPv6 is disabled in this kernel: there are no IPv6 sockets to list.
            }
            other => {
                let path = proc_net::path(proto, family);
                if let Some(Err(e)) = other {
                    notes.push(format!(
                        "sock_diag netlink failed for {} over {} ({e}): read {path} instead",
                        proto.name(),
                        if family == Family::Ipv6 {
                            "IPv6"
                        } else {
                            "IPv4"
                        }
                    ));
                    source = Source::Proc;
                }
                let read = proc_net::read_inet(proto, family).map_err(|error| CollectError {
                    what: format!("reading {path}"),
                    error,
                })?;
                sockets.extend(read.into_iter().filter(|s| q.matches(s)));
            }
        }
    }
    if q.unix {
        let mut part = Vec::new();
        match nl
            .as_mut()
            .map(|nl| unix_diag::dump(nl, q.states, &mut part))
        {
            Some(Ok(())) => sockets.append(&mut part),
            other => {
                if let Some(Err(e)) = other {
                    notes.push(format!(
                        "sock_diag netlink failed for UNIX sockets ({e}): read /proc/net/unix instead"
                    ));
                    source = Source::Proc;
                }
                let read = proc_net::read_unix().map_err(|error| CollectError {
                    what: "reading /proc/net/unix".into(),
                    error,
                })?;
                sockets.extend(read.into_iter().filter(|s| q.matches(s)));
            }
        }
    }
    let owners = q.processes.then(|| owners::assign(&mut sockets));
    let mut summary = summary::summarize(&sockets);
    summary.kernel = sockstat::read();
    Ok(SocketReport {
        source,
        sockets,
        owners,
        summary,
        notes,
    })
}
