//! Which targets `/probe` may reach (SSRF): `--probe.allow` lists CIDRs and host globs. A
//! target's host must match a glob, or be an IP literal inside a CIDR (with no list, any
//! host). Link-local and cloud metadata addresses are refused at every hop, resolved names
//! and redirects included (the resolver's gate), unless a CIDR names them.

use crate::error::Error;
use crate::probe::resolve::AddressGate;
use std::net::IpAddr;
use std::sync::Arc;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Cidr {
    net: IpAddr,
    bits: u8,
}

impl Cidr {
    fn parse(s: &str) -> Option<Cidr> {
        let (ip, bits) = match s.split_once('/') {
            Some((ip, b)) => (ip.parse::<IpAddr>().ok()?, b.parse::<u8>().ok()?),
            None => {
                let ip = s.parse::<IpAddr>().ok()?;
                (ip, if ip.is_ipv4() { 32 } else { 128 })
            }
        };
        let max = if ip.is_ipv4() { 32 } else { 128 };
        (bits <= max).then_some(Cidr { net: ip, bits })
    }

    fn contains(&self, ip: &IpAddr) -> bool {
        match (self.net, ip) {
            (IpAddr::V4(n), IpAddr::V4(a)) => prefix_eq(&n.octets(), &a.octets(), self.bits),
            (IpAddr::V6(n), IpAddr::V6(a)) => prefix_eq(&n.octets(), &a.octets(), self.bits),
            (IpAddr::V6(n), IpAddr::V4(a)) => {
                prefix_eq(&n.octets(), &a.to_ipv6_mapped().octets(), self.bits)
            }
            (IpAddr::V4(_), IpAddr::V6(a)) => a
                .to_ipv4_mapped()
                .is_some_and(|a| self.contains(&IpAddr::V4(a))),
        }
    }
}

fn prefix_eq(a: &[u8], b: &[u8], bits: u8) -> bool {
    let (whole, rest) = ((bits / 8) as usize, bits % 8);
    if a[..whole] != b[..whole] {
        return false;
    }
    if rest == 0 {
        return true;
    }
    let mask = 0xffu8 << (8 - rest);
    a[whole] & mask == b[whole] & mask
}

/// Link-local (169.254/16, fe80::/10: where cloud metadata services answer) and the
/// metadata addresses that are not link-local (AWS's IPv6 one, Alibaba's).
fn is_metadata_or_link_local(ip: &IpAddr) -> bool {
    match ip {
        IpAddr::V4(a) => a.is_link_local() || a.octets() == [100, 100, 100, 200],
        IpAddr::V6(a) => {
            if let Some(v4) = a.to_ipv4_mapped() {
                return is_metadata_or_link_local(&IpAddr::V4(v4));
            }
            (a.segments()[0] & 0xffc0) == 0xfe80
                || a.segments() == [0xfd00, 0xec2, 0, 0, 0, 0, 0, 0x254]
        }
    }
}

/// `*` matches any run of characters; case does not matter, as in host names.
fn glob_match(glob: &str, text: &str) -> bool {
    let (g, t) = (glob.to_ascii_lowercase(), text.to_ascii_lowercase());
    let parts: Vec<&str> = g.split('*').collect();
    if parts.len() == 1 {
        return g == t;
    }
    let mut rest = t.as_str();
    for (i, p) in parts.iter().enumerate() {
        if i == 0 {
            match rest.strip_prefix(p) {
                Some(r) => rest = r,
                None => return false,
            }
        } else if i == parts.len() - 1 {
            return rest.ends_with(p);
        } else {
            match rest.find(p) {
                Some(at) => rest = &rest[at + p.len()..],
                None => return false,
            }
        }
    }
    true
}

#[derive(Debug, Clone, Default)]
pub struct TargetPolicy {
    cidrs: Vec<Cidr>,
    globs: Vec<String>,
}

impl TargetPolicy {
    /// `--probe.allow` values, each a comma list of CIDRs (or addresses) and host globs.
    pub fn parse(values: &[String]) -> Result<TargetPolicy, Error> {
        let mut p = TargetPolicy::default();
        for item in values.iter().flat_map(|v| v.split(',')) {
            let item = item.trim();
            if item.is_empty() {
                continue;
            }
            if let Some(c) = Cidr::parse(item) {
                p.cidrs.push(c);
            } else if item.contains('/') {
                return Err(Error::usage(
                    format!("--probe.allow '{item}'"),
                    "not a CIDR (e.g. 10.0.0.0/8, ::1/128) nor a host glob (*.svc.example)",
                ));
            } else {
                p.globs.push(item.to_string());
            }
        }
        Ok(p)
    }

    /// Whether `/probe` may start on this host (`Err`: why not).
    pub fn admits_host(&self, host: &str) -> Result<(), String> {
        let refused = || format!("target host {host} is not allowed by --probe.allow");
        if let Ok(ip) = host.parse::<IpAddr>() {
            if self.cidrs.iter().any(|c| c.contains(&ip)) {
                return Ok(());
            }
            if is_metadata_or_link_local(&ip) {
                return Err(metadata_refusal(&ip));
            }
            if self.cidrs.is_empty() && self.globs.is_empty() {
                return Ok(());
            }
            return Err(refused());
        }
        if (self.cidrs.is_empty() && self.globs.is_empty())
            || self.globs.iter().any(|g| glob_match(g, host))
        {
            Ok(())
        } else {
            Err(refused())
        }
    }

    /// The check every resolved address of every hop passes through.
    pub fn gate(&self) -> AddressGate {
        let cidrs = self.cidrs.clone();
        AddressGate(Arc::new(move |ip: &IpAddr| {
            if is_metadata_or_link_local(ip) && !cidrs.iter().any(|c| c.contains(ip)) {
                Err(metadata_refusal(ip))
            } else {
                Ok(())
            }
        }))
    }
}

fn metadata_refusal(ip: &IpAddr) -> String {
    format!("{ip} is a link-local or metadata address, refused unless --probe.allow names it")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cidrs_globs_and_metadata() {
        let open = TargetPolicy::parse(&[]).unwrap();
        assert!(open.admits_host("127.0.0.1").is_ok());
        assert!(open.admits_host("example.internal").is_ok());
        assert!(open.admits_host("169.254.169.254").is_err());
        assert!(open.admits_host("fe80::1").is_err());
        assert!(open.admits_host("::ffff:169.254.169.254").is_err());
        let gate = open.gate();
        assert!((gate.0)(&"169.254.169.254".parse().unwrap()).is_err());
        assert!((gate.0)(&"10.1.2.3".parse().unwrap()).is_ok());

        let p = TargetPolicy::parse(&["127.0.0.0/8,*.svc.test".into(), "169.254.0.0/16".into()])
            .unwrap();
        assert!(p.admits_host("127.9.9.9").is_ok());
        assert!(p.admits_host("10.0.0.1").is_err());
        assert!(p.admits_host("api.svc.test").is_ok());
        assert!(p.admits_host("API.SVC.TEST").is_ok());
        assert!(p.admits_host("svc.test.evil").is_err());
        assert!(p.admits_host("169.254.169.254").is_ok());
        assert!(TargetPolicy::parse(&["10.0.0.0/99".into()]).is_err());
    }

    #[test]
    fn globs() {
        assert!(glob_match("*.a.b", "x.a.b"));
        assert!(!glob_match("*.a.b", "a.b"));
        assert!(glob_match("web-*-prod", "web-12-prod"));
        assert!(glob_match("exact", "EXACT"));
        assert!(!glob_match("exact", "exact2"));
    }
}
