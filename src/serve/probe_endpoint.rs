//! `/probe?target=…&module=…[&debug=true]`, as blackbox_exporter answers it: the module's
//! context and the target as a request layer `Plan`, probed by `Plan::probe` (what `oncall
//! probe` and the MCP probe tool run: one attempt, as a module has no retries), rendered
//! with blackbox's names by render::probe::blackbox. Only the config's modules run, only on
//! targets the policy admits.

use super::blackbox_config::{Module, Prober};
use super::target_policy::TargetPolicy;
use crate::probe::report::{CheckResult, Hop, ProbeResult};
use crate::probe::{target, TargetSpec};
use crate::render;
use crate::request::probe::Plan;
use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::Duration;

/// blackbox's defaults: a scrape without the header has 120 s, and the probe gives back
/// half a second of it for the answer to travel (`--timeout-offset`).
const DEFAULT_SCRAPE_TIMEOUT: Duration = Duration::from_secs(120);
const TIMEOUT_OFFSET: Duration = Duration::from_millis(500);

pub struct Answer {
    pub status: u16,
    pub content_type: &'static str,
    pub body: String,
}

fn bad(status: u16, why: String) -> Answer {
    Answer {
        status,
        content_type: "text/plain; charset=utf-8",
        body: why + "\n",
    }
}

/// `a=b&c=d` with percent-decoding and `+` as space.
pub fn query_pairs(q: &str) -> Vec<(String, String)> {
    q.split('&')
        .filter(|p| !p.is_empty())
        .map(|p| {
            let (k, v) = p.split_once('=').unwrap_or((p, ""));
            (decode(k), decode(v))
        })
        .collect()
}

fn decode(s: &str) -> String {
    let b = s.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        match b[i] {
            b'+' => out.push(b' '),
            b'%' if i + 2 < b.len() => {
                let hex = |c: u8| (c as char).to_digit(16);
                match (hex(b[i + 1]), hex(b[i + 2])) {
                    (Some(h), Some(l)) => {
                        out.push((h * 16 + l) as u8);
                        i += 2;
                    }
                    _ => out.push(b'%'),
                }
            }
            c => out.push(c),
        }
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// The probe's deadline: the scrape's timeout less the offset, or the module's if shorter.
pub fn deadline(scrape_timeout: Option<&str>, module: Option<Duration>) -> Duration {
    let scrape = scrape_timeout
        .and_then(|s| s.trim().parse::<f64>().ok())
        .filter(|s| s.is_finite() && *s > 0.0)
        .map(Duration::from_secs_f64)
        .unwrap_or(DEFAULT_SCRAPE_TIMEOUT);
    let mut t = scrape.saturating_sub(TIMEOUT_OFFSET);
    if t.is_zero() {
        t = scrape;
    }
    match module {
        Some(m) if !m.is_zero() && m < t => m,
        _ => t,
    }
}

/// blackbox's target forms: a URL for http (scheme optional), `host:port` for tcp and grpc.
fn target_text(m: &Module, t: &str) -> String {
    match m.prober {
        Prober::Http if t.contains("://") => t.to_string(),
        Prober::Http => format!("http://{t}"),
        Prober::Tcp => format!("tcp://{t}"),
        Prober::Grpc { tls } => {
            let scheme = if tls { "grpcs" } else { "grpc" };
            if m.grpc_service.is_empty() {
                format!("{scheme}://{t}")
            } else {
                format!("{scheme}://{t}/{}", m.grpc_service)
            }
        }
    }
}

/// A module that does not follow redirects takes the redirect as the answer: the probe's
/// "more than 0 redirects" check (the CLI's `--max-redirects 0` failing) does not apply,
/// and the status decides, as in blackbox.
fn redirect_rule(m: &Module, r: &mut ProbeResult) {
    if m.follow_redirects {
        return;
    }
    r.checks.retain(|c| c.name != "redirects");
    r.ok = r.error.is_none() && r.checks.iter().all(|c| c.ok);
    // blackbox counts the redirect it met and did not follow (its CheckRedirect runs).
    if let Some(status @ (301 | 302 | 303 | 307 | 308)) = r.status {
        r.redirects.push(Hop {
            url: r.target.clone(),
            status,
            location: None,
            phases_ms: r.phases_ms,
        });
    }
}

/// fail_if_ssl / fail_if_not_ssl, judged on the final hop as blackbox does.
fn ssl_rules(m: &Module, r: &mut ProbeResult) {
    let ssl = r.tls.is_some();
    if m.fail_if_ssl && ssl {
        r.checks.push(CheckResult::new(
            "fail_if_ssl",
            false,
            "the final hop used TLS",
        ));
        r.ok = false;
    }
    if m.fail_if_not_ssl && !ssl && r.error.is_none() {
        r.checks.push(CheckResult::new(
            "fail_if_not_ssl",
            false,
            "the final hop did not use TLS",
        ));
        r.ok = false;
    }
}

pub async fn answer(
    query: &str,
    scrape_timeout: Option<&str>,
    modules: &BTreeMap<String, Arc<Module>>,
    policy: &TargetPolicy,
) -> Answer {
    let params = query_pairs(query);
    let get = |k: &str| params.iter().find(|(n, _)| n == k).map(|(_, v)| v.as_str());
    let module_name = get("module").unwrap_or("http_2xx");
    let Some(m) = modules.get(module_name) else {
        return bad(400, format!("Unknown module \"{module_name}\""));
    };
    let Some(t) = get("target").filter(|t| !t.is_empty()) else {
        return bad(400, "Target parameter is missing".into());
    };
    let debug = get("debug").is_some_and(|d| d == "true");
    let spec = match target::parse(&target_text(m, t)) {
        Ok(t) => TargetSpec {
            target: t,
            checks: m.checks.clone(),
        },
        Err(e) => return bad(400, format!("Invalid target: {e}")),
    };
    if let Err(why) = policy.admits_host(&spec.target.host) {
        return bad(403, why);
    }
    let timeout = deadline(scrape_timeout, m.timeout);
    let mut ctx = m.ctx.clone();
    ctx.opts.timeout = timeout;
    ctx.opts.connect_timeout = timeout;
    let mut r = if m.prober == Prober::Tcp && (m.tcp_tls || !m.tcp_steps.is_empty()) {
        // blackbox's query_response dialogue: the exporter's own prober, not a CLI probe.
        super::tcp_dialogue::attempt(&ctx, &spec, m.tcp_tls, &m.tcp_steps).await
    } else {
        let plan = Plan {
            ctx: Arc::new(ctx),
            specs: vec![spec.clone()],
        };
        // One target (no --each-ip expansion), so one result.
        match plan.probe(None).await.results.pop() {
            Some(r) => r,
            None => return bad(500, "the probe gave no result".into()),
        }
    };
    redirect_rule(m, &mut r);
    ssl_rules(m, &mut r);
    let metrics = render::probe::blackbox(&r);
    if !debug {
        return Answer {
            status: 200,
            content_type: "text/plain; version=0.0.4; charset=utf-8",
            body: metrics,
        };
    }
    // blackbox's debug page: the probe's log, the metrics, the module.
    let mut body = String::from("Logs for the probe:\n");
    body.push_str(&format!(
        "target={} module={} timeout_seconds={}\n",
        spec.target.text,
        m.name,
        timeout.as_secs_f64()
    ));
    for addr in &r.resolved {
        body.push_str(&format!("resolved {addr}\n"));
    }
    for c in &r.checks {
        let verdict = if c.ok { "ok" } else { "FAILED" };
        body.push_str(&format!("{} {verdict}: {}\n", c.name, c.detail));
    }
    if let Some(e) = &r.error {
        body.push_str(&format!("error: {e}\n"));
    }
    body.push_str(if r.ok {
        "Probe succeeded\n"
    } else {
        "Probe failed\n"
    });
    body.push_str("\n\n\nMetrics that would have been returned:\n");
    body.push_str(&metrics);
    body.push_str("\n\n\nModule configuration:\n");
    body.push_str(&m.shown);
    Answer {
        status: 200,
        content_type: "text/plain; charset=utf-8",
        body,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn query_and_deadline() {
        let q = query_pairs("target=http%3A%2F%2F127.0.0.1%3A80%2F&module=http_2xx&x");
        assert_eq!(q[0].1, "http://127.0.0.1:80/");
        assert_eq!(q[1].1, "http_2xx");
        assert_eq!(q[2], ("x".into(), "".into()));
        assert_eq!(decode("a+b%2"), "a b%2");
        assert_eq!(deadline(Some("10"), None), Duration::from_millis(9500));
        assert_eq!(
            deadline(Some("10"), Some(Duration::from_secs(2))),
            Duration::from_secs(2)
        );
        assert_eq!(
            deadline(Some("3"), Some(Duration::from_secs(5))),
            Duration::from_millis(2500)
        );
        assert_eq!(deadline(None, None), Duration::from_millis(119_500));
    }
}
