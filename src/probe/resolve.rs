//! Name → addresses, timed. The system resolver (getaddrinfo via tokio's blocking pool) so
//! /etc/hosts, nsswitch and search domains behave as they do for curl; `--resolve` pins a
//! name and port to chosen addresses first, as curl's option of the same name does.

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
    pub fn admits(self, ip: &IpAddr) -> bool {
        match self {
            Family::Any => true,
            Family::V4 => ip.is_ipv4(),
            Family::V6 => ip.is_ipv6(),
        }
    }
}

/// `--resolve HOST:PORT:ADDR[,ADDR…]`: the addresses this name and port resolve to, in
/// this order, without asking DNS (probing one node, or a name DNS does not know yet).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Override {
    /// Lower case: host names compare without case.
    pub host: String,
    pub port: u16,
    pub addrs: Vec<IpAddr>,
}

impl Override {
    /// Parses curl's form; IPv6 addresses may be bracketed (`[::1]`).
    pub fn parse(s: &str) -> Result<Override, String> {
        let bad = |why: &str| format!("--resolve {s:?}: {why} (expected HOST:PORT:ADDR[,ADDR…])");
        let (host, rest) = s.split_once(':').ok_or_else(|| bad("no port"))?;
        let (port, addrs) = rest.split_once(':').ok_or_else(|| bad("no address"))?;
        if host.is_empty() {
            return Err(bad("no host"));
        }
        let port: u16 = port.parse().map_err(|_| bad("the port is not a number"))?;
        let addrs = addrs
            .split(',')
            .map(|a| {
                let a = a.trim();
                let a = a
                    .strip_prefix('[')
                    .and_then(|a| a.strip_suffix(']'))
                    .unwrap_or(a);
                a.parse::<IpAddr>()
                    .map_err(|_| bad(&format!("{a:?} is not an IP address")))
            })
            .collect::<Result<Vec<_>, _>>()?;
        Ok(Override {
            host: host.to_ascii_lowercase(),
            port,
            addrs,
        })
    }
}

/// Which addresses a probe may connect to, asked of every address a name resolves to (each
/// hop of a redirect chain too): `oncall serve`'s `--probe.allow`, so a target or a redirect
/// cannot reach the metadata service. `Err` says why the address is refused.
pub type AddressCheck = dyn Fn(&IpAddr) -> Result<(), String> + Send + Sync;

#[derive(Clone)]
pub struct AddressGate(pub std::sync::Arc<AddressCheck>);

impl std::fmt::Debug for AddressGate {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("AddressGate")
    }
}

/// How names become addresses for one run: the family allowed and the `--resolve` pins.
#[derive(Debug, Clone, Default)]
pub struct Resolver {
    pub family: Family,
    pub overrides: Vec<Override>,
    /// Addresses refused by this check are dropped; none left is a failed resolution.
    pub gate: Option<AddressGate>,
}

impl Resolver {
    pub fn new(family: Family) -> Resolver {
        Resolver {
            family,
            overrides: Vec::new(),
            gate: None,
        }
    }

    /// Every address of `host` the gate (if any) admits; else why none is.
    pub async fn resolve(
        &self,
        host: &str,
        port: u16,
    ) -> (Result<Vec<SocketAddr>, String>, Duration) {
        let (found, took) = self.resolve_ungated(host, port).await;
        let Some(AddressGate(check)) = &self.gate else {
            return (found, took);
        };
        let found = found.and_then(|addrs| {
            let mut refused = None;
            let kept: Vec<SocketAddr> = addrs
                .into_iter()
                .filter(|a| match check(&a.ip()) {
                    Ok(()) => true,
                    Err(why) => {
                        refused.get_or_insert(why);
                        false
                    }
                })
                .collect();
            match (kept.is_empty(), refused) {
                (true, Some(why)) => Err(why),
                _ => Ok(kept),
            }
        });
        (found, took)
    }

    /// Every address of `host` (in the resolver's order, duplicates dropped) and the time
    /// taken. An IP literal is not looked up (0 ms), nor is a pinned name.
    async fn resolve_ungated(
        &self,
        host: &str,
        port: u16,
    ) -> (Result<Vec<SocketAddr>, String>, Duration) {
        let pinned = self
            .overrides
            .iter()
            .find(|o| o.port == port && o.host.eq_ignore_ascii_case(host));
        match pinned {
            Some(o) => {
                let addrs: Vec<SocketAddr> = o
                    .addrs
                    .iter()
                    .filter(|ip| self.family.admits(ip))
                    .map(|ip| SocketAddr::new(*ip, port))
                    .collect();
                let r = if addrs.is_empty() {
                    Err(format!(
                        "{host} is pinned by --resolve to no {} address",
                        family_name(self.family)
                    ))
                } else {
                    Ok(addrs)
                };
                (r, Duration::ZERO)
            }
            None => resolve(host, port, self.family).await,
        }
    }
}

/// Every address of `host` from the system resolver (in its order, duplicates dropped)
/// and the time taken. An IP literal is not looked up (0 ms).
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn resolve_overrides_parse_as_curl_writes_them() {
        let o = Override::parse("API.example.com:443:10.0.0.1,[::1],127.0.0.2").unwrap();
        assert_eq!(o.host, "api.example.com");
        assert_eq!(o.port, 443);
        let want: Vec<IpAddr> = vec![
            "10.0.0.1".parse().unwrap(),
            "::1".parse().unwrap(),
            "127.0.0.2".parse().unwrap(),
        ];
        assert_eq!(o.addrs, want);
        for bad in [
            "host",
            "host:80",
            ":80:1.2.3.4",
            "h:http:1.2.3.4",
            "h:80:nope",
            "h:80:",
        ] {
            assert!(Override::parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn a_pinned_name_skips_dns_and_keeps_the_family() {
        let r = Resolver {
            family: Family::V4,
            overrides: vec![Override::parse("svc.test:8080:[::1],127.0.0.3").unwrap()],
            gate: None,
        };
        let rt = crate::probe::runtime().unwrap();
        let (addrs, took) = rt.block_on(r.resolve("SVC.test", 8080));
        assert_eq!(took, Duration::ZERO);
        assert_eq!(addrs.unwrap(), vec!["127.0.0.3:8080".parse().unwrap()]);
        // Another port of the same name is not pinned.
        let (other, _) = rt.block_on(r.resolve("svc.test", 8081));
        assert!(other.is_err());
        let v6only = Resolver {
            family: Family::V6,
            overrides: vec![Override::parse("svc.test:80:127.0.0.1").unwrap()],
            gate: None,
        };
        let (none, _) = rt.block_on(v6only.resolve("svc.test", 80));
        assert!(none.unwrap_err().contains("no IPv6 address"));
    }
}
