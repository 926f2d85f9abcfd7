//! Name → addresses, timed. The system resolver (getaddrinfo via tokio's blocking pool) so
//! /etc/hosts, nsswitch and search domains behave as they do for curl.

use std::net::{IpAddr, SocketAddr};
use std::time::{Duration, Instant};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Family {
    #[default]
    Any,
    V4,
    V6,
}

impl Family {
    fn admits(self, ip: &IpAddr) -> bool {
        match self {
            Family::Any => true,
            Family::V4 => ip.is_ipv4(),
            Family::V6 => ip.is_ipv6(),
        }
    }
}

/// Every address of `host` (in the resolver's order, duplicates dropped) and the time taken.
/// An IP literal is not looked up (0 ms).
pub async fn resolve(
    host: &str,
    port: u16,
    family: Family,
) -> (Result<Vec<SocketAddr>, String>, Duration) {
    let start = Instant::now();
    if let Ok(ip) = host.parse::<IpAddr>() {
        let r = if family.admits(&ip) {
            Ok(vec![SocketAddr::new(ip, port)])
        } else {
            Err(format!("{host} is not an {} address", family_name(family)))
        };
        return (r, Duration::ZERO);
    }
    let looked = tokio::net::lookup_host((host, port)).await;
    let took = start.elapsed();
    let addrs = match looked {
        Ok(a) => a,
        Err(e) => return (Err(format!("cannot resolve {host}: {e}")), took),
    };
    let mut out: Vec<SocketAddr> = Vec::new();
    for a in addrs {
        if family.admits(&a.ip()) && !out.contains(&a) {
            out.push(a);
        }
    }
    if out.is_empty() {
        let what = match family {
            Family::Any => String::from("no address"),
            f => format!("no {} address", family_name(f)),
        };
        return (Err(format!("{host} has {what}")), took);
    }
    (Ok(out), took)
}

fn family_name(f: Family) -> &'static str {
    match f {
        Family::V6 => "IPv6",
        _ => "IPv4",
    }
}

/// `ip:port`, IPv6 as `[ip]:port` (DESIGN.md's address form).
pub fn show(addr: &SocketAddr) -> String {
    addr.to_string()
}

pub fn family_of(addr: &SocketAddr) -> &'static str {
    if addr.is_ipv4() {
        "ipv4"
    } else {
        "ipv6"
    }
}
