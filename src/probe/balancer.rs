//! `--balancer N`: N requests through a load balancer; which backend answered each (a
//! header, a JSON body field or a cookie), the distribution, per-backend statuses and
//! latency percentiles, the failures and who served them, and whether a session cookie
//! keeps a client on one backend.

use super::checks::StatusSet;
use super::exchange::{fetch, Session};
use super::http::Response;
use super::target::Target;
use super::Ctx;
use hyper::header::{HeaderValue, COOKIE, SET_COOKIE};
use hyper::Method;
use serde::Serialize;
use std::collections::BTreeMap;

/// The candidates when neither --backend-header, --backend-field nor --backend-cookie is
/// given, most specific first: the one whose value varies across the responses names the
/// backends. `Server` alone would not do: a proxy in front (nginx, haproxy's
/// `http-response set-header`, Python) gives every response the same one.
pub const DEFAULT_HEADERS: [&str; 5] = [
    "x-served-by",
    "x-backend-server",
    "x-upstream",
    "via",
    "server",
];

/// JSON body fields tried when no candidate header varies.
pub const DEFAULT_FIELDS: [&str; 6] = [
    "/backend",
    "/node",
    "/server",
    "/hostname",
    "/host",
    "/instance",
];

#[derive(Debug, Clone)]
pub enum Identify {
    Header(String),
    Field(String),
    Cookie(String),
    Default,
}

#[derive(Clone)]
pub struct BalancerOptions {
    pub requests: usize,
    pub reuse: bool,
    pub identify: Identify,
    pub expect_status: StatusSet,
}

#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct Sample {
    pub n: usize,
    #[schemars(extend("x-oncall-untrusted" = true))]
    pub backend: Option<String>,
    pub status: Option<u16>,
    pub ok: bool,
    pub total_ms: f64,
    #[schemars(extend("x-oncall-untrusted" = true))]
    pub error: Option<String>,
}

#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct BackendStats {
    /// "(unidentified)" when no identifying header, field or cookie came back.
    #[schemars(extend("x-oncall-untrusted" = true))]
    pub backend: String,
    pub requests: usize,
    pub share_percent: f64,
    /// Status code → count ("error" for requests that got no response).
    pub statuses: BTreeMap<String, usize>,
    pub failed: usize,
    pub p50_ms: f64,
    pub p90_ms: f64,
    pub p99_ms: f64,
    pub max_ms: f64,
}

#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct Stickiness {
    /// The session cookie's name (its value, a session id, is never printed).
    #[schemars(extend("x-oncall-untrusted" = true))]
    pub cookie: String,
    pub requests: usize,
    /// The backends that answered while the cookie was sent.
    #[schemars(extend("x-oncall-untrusted" = true))]
    pub backends: Vec<String>,
    pub sticky: bool,
}

#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct BalancerReport {
    pub target: String,
    pub identified_by: String,
    pub requests: usize,
    pub reuse: bool,
    pub ok: bool,
    pub failed: usize,
    pub unidentified: usize,
    pub backends: Vec<BackendStats>,
    /// Absent when no response set a cookie.
    pub stickiness: Option<Stickiness>,
    pub samples: Vec<Sample>,
}

pub const UNIDENTIFIED: &str = "(unidentified)";

fn identify(how: &Identify, resp: &Response) -> Option<String> {
    identify_uncapped(how, resp).map(cap_name)
}

fn identify_uncapped(how: &Identify, resp: &Response) -> Option<String> {
    let header = |name: &str| {
        resp.headers
            .get(name)
            .and_then(|v| v.to_str().ok())
            .map(|v| v.trim().to_string())
            .filter(|v| !v.is_empty())
    };
    match how {
        Identify::Header(name) => header(name),
        Identify::Field(pointer) => {
            let v: serde_json::Value = serde_json::from_slice(&resp.body).ok()?;
            match v.pointer(pointer)? {
                serde_json::Value::String(s) => Some(s.clone()),
                serde_json::Value::Null => None,
                other => Some(other.to_string()),
            }
        }
        Identify::Cookie(name) => cookies(resp)
            .into_iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v),
        Identify::Default => DEFAULT_HEADERS.iter().find_map(|h| header(h)),
    }
}

/// Every default candidate: the headers, then the JSON fields.
fn candidates() -> Vec<Identify> {
    DEFAULT_HEADERS
        .iter()
        .map(|h| Identify::Header(h.to_string()))
        .chain(
            DEFAULT_FIELDS
                .iter()
                .map(|f| Identify::Field(f.to_string())),
        )
        .collect()
}

/// A backend name is a label: a longer value (a JSON field holding a document) is cut.
const NAME_CAP: usize = 200;

fn cap_name(mut v: String) -> String {
    if v.len() > NAME_CAP {
        let mut end = NAME_CAP;
        while !v.is_char_boundary(end) {
            end -= 1;
        }
        v.truncate(end);
    }
    v
}

/// What each default candidate says in `resp`, in `candidates()` order.
fn candidate_values(resp: &Response) -> Vec<Option<String>> {
    candidates().iter().map(|c| identify(c, resp)).collect()
}

/// Of the default candidates, the first whose value varies across the responses (two or
/// more values); when none varies, the first one any response carried. `None` when none
/// did. `values[i][c]` is what response `i` said for candidate `c`.
fn choose(values: &[Vec<Option<String>>]) -> Option<(usize, bool)> {
    let mut first_present = None;
    for c in 0..candidates().len() {
        let mut seen: Vec<&String> = values.iter().filter_map(|v| v[c].as_ref()).collect();
        if seen.is_empty() {
            continue;
        }
        seen.sort();
        seen.dedup();
        if seen.len() > 1 {
            return Some((c, true));
        }
        first_present.get_or_insert(c);
    }
    first_present.map(|c| (c, false))
}

/// (name, value) of every Set-Cookie.
fn cookies(resp: &Response) -> Vec<(String, String)> {
    resp.headers
        .get_all(SET_COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .filter_map(|v| {
            let first = v.split(';').next()?;
            let (n, val) = first.split_once('=')?;
            Some((n.trim().to_string(), val.trim().to_string()))
        })
        .collect()
}

fn describe(how: &Identify) -> String {
    match how {
        Identify::Header(h) => format!("header {h}"),
        Identify::Field(f) => format!("JSON field {f}"),
        Identify::Cookie(c) => format!("cookie {c}"),
        Identify::Default => format!(
            "none of headers {} or JSON fields {}",
            DEFAULT_HEADERS.join(", "),
            DEFAULT_FIELDS.join(", ")
        ),
    }
}

/// Nearest-rank percentile of sorted values.
pub fn percentile(sorted: &[f64], p: f64) -> f64 {
    if sorted.is_empty() {
        return 0.0;
    }
    let rank = ((p / 100.0) * sorted.len() as f64).ceil() as usize;
    sorted[rank.clamp(1, sorted.len()) - 1]
}

fn ms(d: std::time::Duration) -> f64 {
    (d.as_secs_f64() * 1e6).round() / 1e3
}

pub async fn run(ctx: &Ctx, t: &Target, o: &BalancerOptions) -> BalancerReport {
    run_with_progress(ctx, t, o, &mut |_, _| {}).await
}

/// `run`, calling `progress(done, of)` after each request (the command draws it on stderr).
pub async fn run_with_progress(
    ctx: &Ctx,
    t: &Target,
    o: &BalancerOptions,
    progress: &mut dyn FnMut(usize, usize),
) -> BalancerReport {
    let mut session = Session::new(o.reuse);
    let mut samples = Vec::new();
    let mut session_cookie: Option<(String, String)> = None;
    // With the default, what every candidate said is kept (short strings, not responses)
    // until the one that names the backends is chosen; with a flag each is named as it comes.
    let mut kept: Vec<Vec<Option<String>>> = Vec::new();
    let deciding = matches!(o.identify, Identify::Default);
    for n in 1..=o.requests {
        let r = fetch(ctx, t, &mut session, Method::GET, &ctx.opts.headers).await;
        progress(n, o.requests);
        samples.push(match r {
            Ok(resp) => {
                if session_cookie.is_none() {
                    let found = cookies(&resp);
                    session_cookie = match &o.identify {
                        Identify::Cookie(name) => found.into_iter().find(|(c, _)| c == name),
                        _ => found.into_iter().next(),
                    };
                }
                let s = Sample {
                    n,
                    backend: identify(&o.identify, &resp),
                    status: Some(resp.status),
                    ok: o.expect_status.contains(resp.status),
                    total_ms: ms(resp.total),
                    error: None,
                };
                if deciding {
                    kept.push(candidate_values(&resp));
                }
                s
            }
            Err(e) => Sample {
                n,
                backend: None,
                status: None,
                ok: false,
                total_ms: 0.0,
                error: Some(e),
            },
        });
    }
    let mut o = o.clone();
    let mut varied = None;
    if deciding {
        if let Some((c, varies)) = choose(&kept) {
            let mut answered = kept.iter();
            for s in samples.iter_mut().filter(|s| s.status.is_some()) {
                s.backend = answered.next().and_then(|v| v[c].clone());
            }
            o.identify = candidates().swap_remove(c);
            varied = Some(varies);
        }
    }
    let stickiness = match session_cookie {
        Some((name, value)) => Some(sticky(ctx, t, &o, &name, &value).await),
        None => None,
    };
    let mut report = summarise(t, &o, samples, stickiness);
    report.identified_by = match varied {
        Some(true) => format!(
            "{} (its value varies across responses)",
            report.identified_by
        ),
        Some(false) => format!(
            "{} (the same on every response: one backend, or none of the candidates names them)",
            report.identified_by
        ),
        None => report.identified_by,
    };
    // A backend named by a header that echoes the credentials: hidden before rendering.
    super::secrets::Secrets::from_headers(&ctx.opts.headers).scrub(&mut report);
    report
}

/// Sends the session cookie back on fresh connections and sees whether one backend answers.
async fn sticky(ctx: &Ctx, t: &Target, o: &BalancerOptions, name: &str, value: &str) -> Stickiness {
    let n = o.requests.clamp(2, 10);
    let mut backends = Vec::new();
    let mut cookie = HeaderValue::from_str(&format!("{name}={value}"))
        .unwrap_or_else(|_| HeaderValue::from_static(""));
    cookie.set_sensitive(true);
    let mut session = Session::default();
    let mut headers = ctx.opts.headers.clone();
    headers.push((COOKIE, cookie));
    for _ in 0..n {
        let r = fetch(ctx, t, &mut session, Method::GET, &headers).await;
        let b = r
            .ok()
            .and_then(|resp| identify(&o.identify, &resp))
            .unwrap_or_else(|| UNIDENTIFIED.to_string());
        backends.push(b);
    }
    let sticky = backends
        .iter()
        .all(|b| b == &backends[0] && b != UNIDENTIFIED);
    backends.dedup();
    Stickiness {
        cookie: name.to_string(),
        requests: n,
        backends,
        sticky,
    }
}

fn summarise(
    t: &Target,
    o: &BalancerOptions,
    samples: Vec<Sample>,
    stickiness: Option<Stickiness>,
) -> BalancerReport {
    let mut by: BTreeMap<String, Vec<&Sample>> = BTreeMap::new();
    for s in &samples {
        by.entry(s.backend.clone().unwrap_or_else(|| UNIDENTIFIED.into()))
            .or_default()
            .push(s);
    }
    let total = samples.len().max(1);
    let backends = by
        .into_iter()
        .map(|(backend, list)| {
            let mut times: Vec<f64> = list
                .iter()
                .filter(|s| s.status.is_some())
                .map(|s| s.total_ms)
                .collect();
            times.sort_by(|a, b| a.total_cmp(b));
            let mut statuses = BTreeMap::new();
            for s in &list {
                let key = s
                    .status
                    .map_or_else(|| "error".to_string(), |c| c.to_string());
                *statuses.entry(key).or_insert(0) += 1;
            }
            BackendStats {
                requests: list.len(),
                share_percent: (list.len() as f64 * 1000.0 / total as f64).round() / 10.0,
                statuses,
                failed: list.iter().filter(|s| !s.ok).count(),
                p50_ms: percentile(&times, 50.0),
                p90_ms: percentile(&times, 90.0),
                p99_ms: percentile(&times, 99.0),
                max_ms: times.last().copied().unwrap_or(0.0),
                backend,
            }
        })
        .collect();
    let failed = samples.iter().filter(|s| !s.ok).count();
    BalancerReport {
        target: t.text.clone(),
        identified_by: describe(&o.identify),
        requests: samples.len(),
        reuse: o.reuse,
        ok: failed == 0,
        failed,
        unidentified: samples.iter().filter(|s| s.backend.is_none()).count(),
        backends,
        stickiness,
        samples,
    }
}

#[cfg(test)]
mod tests {
    use super::percentile;

    #[test]
    fn nearest_rank() {
        let v = [1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0, 8.0, 9.0, 10.0];
        assert_eq!(percentile(&v, 50.0), 5.0);
        assert_eq!(percentile(&v, 90.0), 9.0);
        assert_eq!(percentile(&v, 99.0), 10.0);
        assert_eq!(percentile(&[], 50.0), 0.0);
        assert_eq!(percentile(&[3.0], 1.0), 3.0);
    }
}
