//! Probing targets: one attempt (HTTP with redirects, TCP, gRPC), retries and the
//! Kubernetes thresholds around it, `--each-ip` expansion, and the concurrent run.

use super::checks::{self, HttpEvidence};
use super::deadline::Deadline;
use super::dial::{self, DialSpec, Dialed};
use super::http::{Conn, SendError};
use super::report::{CheckResult, Hop, ProbeReport, ProbeResult};
use super::resolve;
use super::secrets::Secrets;
use super::target::{self, Scheme};
use super::{close_notify, grpc, request, Ctx, RequestShape, TargetSpec};
use hyper::Method;
use std::net::IpAddr;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Instant;

pub const ALPN_HTTP: &[&[u8]] = &[b"h2", b"http/1.1"];

/// A result filled with what dialing learnt; the caller adds the exchange and checks.
pub fn from_dial(spec: &TargetSpec, d: &Dialed) -> ProbeResult {
    ProbeResult {
        target: spec.target.text.clone(),
        kind: spec.target.scheme.kind(),
        ok: false,
        status: None,
        error: None,
        remote: d.remote.as_ref().map(resolve::show),
        ip_family: d.remote.as_ref().map(resolve::family_of),
        resolved: d.resolved.iter().map(resolve::show).collect(),
        failed_addresses: d
            .failed
            .iter()
            .map(|(a, e)| format!("{}: {e}", resolve::show(a)))
            .collect(),
        http_version: None,
        phases_ms: d.phases,
        body_bytes: None,
        content_length: None,
        body_truncated: false,
        checks: Vec::new(),
        tls: d.tls.clone(),
        redirects: Vec::new(),
        grpc: None,
        attempts: 1,
        attempts_ok: 0,
    }
}

/// The `connect` and `tls` checks every kind of probe starts with.
pub fn transport_checks(r: &mut ProbeResult, d: &Dialed) {
    match (&d.remote, &d.stream) {
        (Some(remote), _) => {
            let mut detail = format!("{} in {:.1}ms", resolve::show(remote), d.phases.connect);
            if !d.failed.is_empty() {
                detail.push_str(&format!(
                    " (after {} refused)",
                    r.failed_addresses.join(", ")
                ));
            }
            r.checks.push(CheckResult::new("connect", true, detail));
        }
        (None, Err(e)) => r.checks.push(CheckResult::new("connect", false, e.clone())),
        (None, Ok(_)) => {}
    }
    if let Some(tls) = &d.tls {
        let (ok, detail) = if tls.insecure && d.stream.is_ok() {
            (true, "not verified (--insecure)".to_string())
        } else if tls.verified {
            (
                true,
                format!(
                    "verified {}{}",
                    tls.version.as_deref().unwrap_or(""),
                    tls.alpn
                        .as_deref()
                        .map(|a| format!(" ({a})"))
                        .unwrap_or_default()
                ),
            )
        } else {
            (false, tls.error.clone().unwrap_or_else(|| "failed".into()))
        };
        r.checks.push(CheckResult::new("tls", ok, detail));
    }
}

pub fn dial_spec<'a>(
    ctx: &'a Ctx,
    t: &'a target::Target,
    pin: Option<IpAddr>,
    alpn: &'a [&'a [u8]],
    deadline: Deadline,
) -> DialSpec<'a> {
    DialSpec {
        target: t,
        pin,
        resolver: &ctx.opts.resolver,
        connect_timeout: ctx.opts.connect_timeout,
        deadline,
        tls: t.scheme.tls().then_some((&ctx.tls, alpn)),
    }
}

async fn tcp_attempt(
    ctx: &Ctx,
    spec: &TargetSpec,
    pin: Option<IpAddr>,
    deadline: Deadline,
) -> ProbeResult {
    let d = dial::dial(dial_spec(ctx, &spec.target, pin, &[], deadline)).await;
    let mut r = from_dial(spec, &d);
    transport_checks(&mut r, &d);
    if let Err(e) = &d.stream {
        r.error = Some(e.clone());
    }
    r
}

fn is_redirect(status: u16) -> bool {
    matches!(status, 301 | 302 | 303 | 307 | 308)
}

async fn http_attempt(
    ctx: &Ctx,
    spec: &TargetSpec,
    pin: Option<IpAddr>,
    deadline: Deadline,
) -> ProbeResult {
    let overall = Instant::now();
    let mut current = spec.target.clone();
    let mut hops: Vec<Hop> = Vec::new();
    // The first other origin the user's headers were withheld from (curl's rule).
    let mut withheld_from: Option<String> = None;
    let mut shape = ctx.opts.request.clone();
    loop {
        // -H and --bearer go to the origin they were given for, never to one a redirect names
        // (another host, port or scheme): that origin has no claim on them.
        let headers: &[_] = if target::same_origin(&current, &spec.target) {
            &ctx.opts.headers
        } else {
            if !ctx.opts.headers.is_empty() && withheld_from.is_none() {
                withheld_from = Some(target::origin(&current));
            }
            &[]
        };
        // A pinned address holds for hops to the same host only.
        let hop_pin = pin.filter(|_| current.host == spec.target.host);
        let d = dial::dial(dial_spec(ctx, &current, hop_pin, ALPN_HTTP, deadline)).await;
        let mut r = from_dial(spec, &d);
        r.redirects = std::mem::take(&mut hops);
        transport_checks(&mut r, &d);
        let h2 = d.alpn_h2();
        let close_notify = d.close_notify_missing.clone();
        let progress = d.progress();
        let stream = match d.stream {
            Ok(s) => s,
            Err(ref e) => {
                r.error = Some(e.clone());
                r.phases_ms.total = dial::since_ms(overall);
                return r;
            }
        };
        let exchange = async {
            let mut conn = Conn::handshake(stream, h2).await?;
            let req = request::build(
                &current,
                shape.method.clone(),
                &current.path,
                conn.is_h2(),
                headers,
                shape.body.clone(),
            )?;
            let version = conn.version();
            conn.send(req, ctx.opts.body_cap, d.start, &deadline)
                .await
                .map(|resp| (version, resp))
        };
        let (version, resp) = match exchange.await {
            Ok(x) => x,
            Err(SendError::TimedOut(doing)) => {
                let e = deadline.message(&format!("{progress}, {doing}"));
                r.error = Some(e.clone());
                r.checks.push(CheckResult::new("timeout", false, e));
                r.phases_ms.total = dial::since_ms(overall);
                return r;
            }
            Err(SendError::Failed(mut e)) => {
                if close_notify::was_missing(&close_notify) {
                    e.push_str(" (the server closed the connection without TLS close_notify)");
                }
                r.error = Some(e.clone());
                r.checks.push(CheckResult::new("response", false, e));
                r.phases_ms.total = dial::since_ms(overall);
                return r;
            }
        };
        let close_delimited = version == "HTTP/1.1"
            && !resp.headers.contains_key(hyper::header::CONTENT_LENGTH)
            && !resp.headers.contains_key(hyper::header::TRANSFER_ENCODING);
        if close_delimited && close_notify::was_missing(&close_notify) {
            // hyper accepted the end of the stream, so the framing was the close itself.
            if let Some(c) = r.checks.iter_mut().find(|c| c.name == "tls") {
                c.detail.push_str(
                    "; the body ended with the connection, closed without TLS close_notify \
                     (accepted, as curl does)",
                );
            }
        }
        r.http_version = Some(version);
        r.status = Some(resp.status);
        r.phases_ms.ttfb = ms(resp.ttfb);
        r.phases_ms.total = ms(resp.total);
        let location = resp
            .headers
            .get(hyper::header::LOCATION)
            .and_then(|v| v.to_str().ok())
            .map(str::to_string);
        if let (true, Some(loc)) = (is_redirect(resp.status), &location) {
            if r.redirects.len() < ctx.opts.max_redirects {
                match target::follow(&current, loc) {
                    Ok(next) => {
                        r.redirects.push(Hop {
                            url: current.text.clone(),
                            status: resp.status,
                            location: Some(loc.clone()),
                            phases_ms: r.phases_ms,
                        });
                        hops = std::mem::take(&mut r.redirects);
                        current = next;
                        if matches!(resp.status, 301..=303) && shape.method != Method::HEAD {
                            shape = RequestShape::default();
                        }
                        continue;
                    }
                    Err(e) => {
                        r.checks
                            .push(CheckResult::new("redirect", false, e.to_string()));
                    }
                }
            } else {
                r.checks.push(CheckResult::new(
                    "redirects",
                    false,
                    format!(
                        "more than {} redirects (--max-redirects)",
                        ctx.opts.max_redirects
                    ),
                ));
            }
        }
        r.body_bytes = Some(resp.body_bytes);
        r.content_length = resp
            .headers
            .get(hyper::header::CONTENT_LENGTH)
            .and_then(|v| v.to_str().ok()?.trim().parse().ok());
        r.body_truncated = resp.truncated;
        r.checks.extend(checks::http_checks(
            &spec.checks,
            &HttpEvidence {
                status: resp.status,
                headers: &resp.headers,
                body: &resp.body,
                body_truncated: resp.truncated,
            },
        ));
        if !r.redirects.is_empty() {
            // The result's phases are the final hop's; `total` covers the whole chain.
            r.phases_ms.total = dial::since_ms(overall);
        }
        if current.text != spec.target.text {
            let mut detail = format!("{} hop(s), final {}", r.redirects.len(), current.text);
            if let Some(o) = &withheld_from {
                detail.push_str(&format!("; -H/--bearer not sent to {o} (another origin)"));
            }
            r.checks.push(CheckResult::new("redirected", true, detail));
        }
        return r;
    }
}

fn ms(d: std::time::Duration) -> f64 {
    (d.as_secs_f64() * 1e6).round() / 1e3
}

/// Past the deadline, the steps bound by it have reported; this only catches an await that
/// is not (it should never fire).
const SAFETY_GRACE: std::time::Duration = std::time::Duration::from_millis(500);

/// One attempt of any kind, bounded by `--timeout`, with the result-wide checks and verdict.
pub async fn attempt(ctx: &Ctx, spec: &TargetSpec, pin: Option<IpAddr>) -> ProbeResult {
    let start = Instant::now();
    let deadline = Deadline::after(ctx.opts.timeout);
    let work = async {
        match spec.target.scheme {
            Scheme::Http | Scheme::Https => http_attempt(ctx, spec, pin, deadline).await,
            Scheme::Tcp => tcp_attempt(ctx, spec, pin, deadline).await,
            Scheme::Grpc | Scheme::Grpcs => grpc::attempt(ctx, spec, pin, deadline).await,
        }
    };
    let mut r = match tokio::time::timeout(ctx.opts.timeout + SAFETY_GRACE, work).await {
        Ok(r) => r,
        Err(_) => {
            let msg = format!(
                "timed out after {}ms (--timeout)",
                ctx.opts.timeout.as_millis()
            );
            let mut r = timed_out(spec, &msg);
            r.phases_ms.total = dial::since_ms(start);
            r
        }
    };
    if r.error.is_none() {
        let extra = checks::result_checks(&spec.checks, &r);
        r.checks.extend(extra);
    }
    r.ok = r.error.is_none() && r.checks.iter().all(|c| c.ok);
    r.attempts_ok = u32::from(r.ok);
    // What the server sent may echo the -H/--bearer values: hidden before any renderer.
    Secrets::from_headers(&ctx.opts.headers).scrub(&mut r);
    r
}

fn timed_out(spec: &TargetSpec, msg: &str) -> ProbeResult {
    ProbeResult {
        target: spec.target.text.clone(),
        kind: spec.target.scheme.kind(),
        ok: false,
        status: None,
        error: Some(msg.to_string()),
        remote: None,
        ip_family: None,
        resolved: Vec::new(),
        failed_addresses: Vec::new(),
        http_version: None,
        phases_ms: Default::default(),
        body_bytes: None,
        content_length: None,
        body_truncated: false,
        checks: vec![CheckResult::new("timeout", false, msg)],
        tls: None,
        redirects: Vec::new(),
        grpc: None,
        attempts: 1,
        attempts_ok: 0,
    }
}

/// Attempts until the verdict is known, with Kubernetes' meaning of the thresholds:
/// healthy after `success_threshold` consecutive passes; unhealthy after
/// `max(failure_threshold, retries + 1)` consecutive failures. Attempts are `--interval`
/// apart and bounded, so alternating answers still end. The last attempt is reported.
pub async fn probe_target(ctx: &Ctx, spec: &TargetSpec, pin: Option<IpAddr>) -> ProbeResult {
    let o = &ctx.opts;
    let fail_after = o.failure_threshold.max(o.retries.saturating_add(1)).max(1);
    let pass_after = o.success_threshold.max(1);
    let budget = fail_after
        .saturating_add(pass_after)
        .saturating_sub(1)
        .max(1);
    let (mut passes, mut fails, mut total_ok) = (0u32, 0u32, 0u32);
    let mut n = 0;
    loop {
        n += 1;
        let mut r = attempt(ctx, spec, pin).await;
        if r.ok {
            passes += 1;
            fails = 0;
            total_ok += 1;
        } else {
            fails += 1;
            passes = 0;
        }
        let verdict = if passes >= pass_after {
            Some(true)
        } else if fails >= fail_after || n >= budget {
            Some(false)
        } else {
            None
        };
        if let Some(ok) = verdict {
            if r.ok && !ok {
                r.checks.push(CheckResult::new(
                    "success_threshold",
                    false,
                    format!("{passes} consecutive passes, {pass_after} needed"),
                ));
            } else if ok && pass_after > 1 {
                r.checks.push(CheckResult::new(
                    "success_threshold",
                    true,
                    format!("{passes} consecutive passes"),
                ));
            }
            r.ok = ok;
            r.attempts = n;
            r.attempts_ok = total_ok;
            return r;
        }
        tokio::time::sleep(o.interval).await;
    }
}

/// One job: a target, and with `--each-ip` the address it is pinned to.
struct Job {
    spec: TargetSpec,
    pin: Option<IpAddr>,
}

async fn expand(ctx: &Ctx, specs: Vec<TargetSpec>) -> Vec<Job> {
    let mut jobs = Vec::new();
    for spec in specs {
        if !ctx.opts.each_ip || spec.target.host.parse::<IpAddr>().is_ok() {
            jobs.push(Job { spec, pin: None });
            continue;
        }
        let (addrs, _) = ctx
            .opts
            .resolver
            .resolve(&spec.target.host, spec.target.port)
            .await;
        match addrs {
            Ok(addrs) => jobs.extend(addrs.into_iter().map(|a| Job {
                spec: spec.clone(),
                pin: Some(a.ip()),
            })),
            // Probing it unpinned reports the resolver's error like any other failure.
            Err(_) => jobs.push(Job { spec, pin: None }),
        }
    }
    jobs
}

/// `(progress, total, message)`: hears each target as it finishes (`oncall mcp`'s progress).
pub type Tell = crate::triage::watch::Tell;

/// Probes every target, `--concurrency` at a time, results in the targets' order.
pub async fn probe_all(ctx: Arc<Ctx>, specs: Vec<TargetSpec>) -> ProbeReport {
    probe_all_told(ctx, specs, None).await
}

/// `probe_all`, telling `tell` "N of M targets" as each finishes.
pub async fn probe_all_told(
    ctx: Arc<Ctx>,
    specs: Vec<TargetSpec>,
    tell: Option<Arc<Tell>>,
) -> ProbeReport {
    let jobs = Arc::new(expand(&ctx, specs).await);
    let results: Arc<Mutex<Vec<Option<ProbeResult>>>> =
        Arc::new(Mutex::new(vec![None; jobs.len()]));
    let next = Arc::new(AtomicUsize::new(0));
    let finished = Arc::new(AtomicUsize::new(0));
    let failed = Arc::new(AtomicUsize::new(0));
    let workers = ctx.opts.concurrency.clamp(1, jobs.len().max(1));
    let mut set = tokio::task::JoinSet::new();
    for _ in 0..workers {
        let (ctx, jobs, results, next) = (ctx.clone(), jobs.clone(), results.clone(), next.clone());
        let (tell, finished, failed) = (tell.clone(), finished.clone(), failed.clone());
        set.spawn(async move {
            loop {
                let i = next.fetch_add(1, Ordering::Relaxed);
                let Some(job) = jobs.get(i) else { break };
                let r = probe_target(&ctx, &job.spec, job.pin).await;
                let ok = r.ok;
                results.lock().unwrap_or_else(|p| p.into_inner())[i] = Some(r);
                if let Some(tell) = &tell {
                    let done = finished.fetch_add(1, Ordering::Relaxed) + 1;
                    let bad =
                        failed.fetch_add(usize::from(!ok), Ordering::Relaxed) + usize::from(!ok);
                    let of = jobs.len();
                    tell(
                        done as f64,
                        Some(of as f64),
                        format!("{done} of {of} targets probed, {bad} failed"),
                    );
                }
            }
        });
    }
    while set.join_next().await.is_some() {}
    let results = std::mem::take(&mut *results.lock().unwrap_or_else(|p| p.into_inner()));
    ProbeReport {
        results: results.into_iter().flatten().collect(),
        insecure: ctx.tls.insecure(),
    }
}
