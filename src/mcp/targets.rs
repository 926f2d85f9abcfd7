//! Which probe targets `oncall mcp` may reach: http, https, tcp and grpc(s) only (the probe's
//! own parser knows no other scheme); link-local and cloud metadata addresses refused at
//! every resolved address of every hop unless `--allow-target` names them (the exporter's
//! `--probe.allow` policy, reused); redirects are not followed, so no hop goes to a host the
//! caller did not name.

use crate::error::Error;
use crate::probe::resolve::AddressGate;
use crate::serve::target_policy::TargetPolicy;
use std::net::IpAddr;

#[derive(Debug, Clone, Default)]
pub struct Targets {
    policy: TargetPolicy,
}

impl Targets {
    pub fn new(allow: &[String]) -> Result<Targets, Error> {
        let policy = TargetPolicy::parse(allow)
            .map_err(|e| Error::Usage(e.to_string().replace("--probe.allow", "--allow-target")))?;
        Ok(Targets { policy })
    }

    /// Refuses a literal address the gate refuses before any work (a named host is checked
    /// by the gate once it resolves).
    pub fn admits(&self, target: &str) -> Result<(), String> {
        let t = crate::probe::target::parse(target).map_err(|e| e.to_string())?;
        let host = t.host.trim_start_matches('[').trim_end_matches(']');
        if let Ok(ip) = host.parse::<IpAddr>() {
            (self.gate().0)(&ip).map_err(|why| why.replace("--probe.allow", "--allow-target"))?;
        }
        Ok(())
    }

    pub fn gate(&self) -> AddressGate {
        self.policy.gate()
    }
}
