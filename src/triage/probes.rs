//! `oncall triage --probe TARGET…`: the probe module's default checks on each target, folded
//! into pass/fail outcomes for the rules.

use super::model::ProbeOutcome;
use crate::probe::checks::CheckSpec;
use crate::probe::resolve::{Family, Resolver};
use crate::probe::{self, run, target, Ctx, ProbeOptions, TargetSpec};
use std::sync::Arc;
use std::time::Duration;

pub fn run(targets: &[String], timeout: Duration) -> Result<Vec<ProbeOutcome>, String> {
    let checks = CheckSpec::parse(None, None, &[], &[], None, None).map_err(|e| e.to_string())?;
    let specs = targets
        .iter()
        .map(|t| {
            Ok(TargetSpec {
                target: target::parse(t).map_err(|e| e.to_string())?,
                checks: checks.clone(),
            })
        })
        .collect::<Result<Vec<_>, String>>()?;
    let hosts: Vec<(String, u16)> = specs
        .iter()
        .map(|s| (s.target.host.clone(), s.target.port))
        .collect();
    let opts = ProbeOptions {
        resolver: Resolver::new(Family::Any),
        each_ip: false,
        connect_timeout: timeout.min(Duration::from_secs(2)),
        // Each target has this deadline of its own, inside the collector's.
        timeout,
        max_redirects: 5,
        body_cap: probe::BODY_CAP,
        retries: 0,
        interval: Duration::from_secs(1),
        failure_threshold: 1,
        success_threshold: 1,
        // All at once: a hung target must not hold back the ones queued behind it.
        concurrency: specs.len().clamp(1, 256),
        headers: Vec::new(),
        request: Default::default(),
    };
    let tls = probe::tls::TlsSettings::new(false, None).map_err(|e| e.to_string())?;
    let rt = probe::runtime().map_err(|e| e.to_string())?;
    let report = rt.block_on(run::probe_all(Arc::new(Ctx { opts, tls }), specs));
    Ok(report
        .results
        .into_iter()
        .zip(hosts)
        .map(|(r, (host, port))| {
            let failed = r.failed_checks();
            let detail = match (&r.error, failed.is_empty()) {
                (Some(e), _) => e.clone(),
                (None, false) => failed,
                (None, true) => format!(
                    "status {} in {:.0} ms",
                    r.status.map_or("-".into(), |s| s.to_string()),
                    r.phases_ms.total
                ),
            };
            let certificate_failed = r
                .tls
                .as_ref()
                .is_some_and(|t| !t.verified && !t.insecure && !t.chain.is_empty());
            ProbeOutcome {
                target: r.target,
                kind: r.kind,
                host,
                port,
                ok: r.ok,
                detail,
                certificate_failed,
            }
        })
        .collect())
}
