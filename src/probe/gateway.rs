//! `--gateway`: how an API gateway treats a client. The request without credentials and
//! with them (`-H`, `--bearer`), the auth challenge (WWW-Authenticate parsed), rate-limit
//! state in every header dialect, 429 and Retry-After under a short burst, a CORS preflight
//! for `--origin`, and a JWT's times against the server's clock. Tokens are never printed.

use super::checks::{is_secret_header, StatusSet};
use super::clock;
use super::exchange::{fetch, Session};
use super::http::Response;
use super::jwt;
use super::report::CheckResult;
use super::target::Target;
use super::Ctx;
use hyper::header::{HeaderName, HeaderValue};
use hyper::{HeaderMap, Method};
use serde::Serialize;
use std::collections::BTreeMap;

/// Requests in the rate-limit burst: enough to meet a small limit, few enough to be polite.
pub const BURST: usize = 10;

#[derive(Debug, Clone, Default, Serialize, PartialEq, schemars::JsonSchema)]
pub struct Challenge {
    #[schemars(extend("x-oncall-untrusted" = true))]
    pub scheme: String,
    #[schemars(extend("x-oncall-untrusted" = true))]
    pub realm: Option<String>,
    #[schemars(extend("x-oncall-untrusted" = true))]
    pub error: Option<String>,
    #[schemars(extend("x-oncall-untrusted" = true))]
    pub error_description: Option<String>,
    #[schemars(extend("x-oncall-untrusted" = true))]
    pub scope: Option<String>,
}

#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct Answer {
    pub status: Option<u16>,
    #[schemars(extend("x-oncall-untrusted" = true))]
    pub error: Option<String>,
    pub challenge: Option<Challenge>,
    pub total_ms: f64,
}

#[derive(Debug, Clone, Default, Serialize, schemars::JsonSchema)]
pub struct RateLimit {
    /// Every rate-limit header seen (name → value), whatever its dialect.
    #[schemars(extend("x-oncall-untrusted" = true))]
    pub headers: BTreeMap<String, String>,
    pub limit: Option<u64>,
    pub remaining: Option<u64>,
    pub reset_seconds: Option<i64>,
    #[schemars(extend("x-oncall-untrusted" = true))]
    pub policy: Option<String>,
    pub retry_after_seconds: Option<i64>,
    pub burst_requests: usize,
    /// 1-based index of the first 429 in the burst.
    pub first_429_at: Option<usize>,
    pub statuses: BTreeMap<String, usize>,
}

#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct Cors {
    pub origin: String,
    pub status: Option<u16>,
    #[schemars(extend("x-oncall-untrusted" = true))]
    pub allow_origin: Option<String>,
    #[schemars(extend("x-oncall-untrusted" = true))]
    pub allow_methods: Option<String>,
    #[schemars(extend("x-oncall-untrusted" = true))]
    pub allow_headers: Option<String>,
    #[schemars(extend("x-oncall-untrusted" = true))]
    pub allow_credentials: Option<String>,
    #[schemars(extend("x-oncall-untrusted" = true))]
    pub max_age: Option<String>,
    pub allowed: bool,
}

#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct JwtReport {
    pub alg: Option<String>,
    #[schemars(extend("x-oncall-untrusted" = true))]
    pub iss: Option<String>,
    #[schemars(extend("x-oncall-untrusted" = true))]
    pub aud: Vec<String>,
    pub exp: Option<String>,
    pub nbf: Option<String>,
    pub iat: Option<String>,
    /// The server's Date header, when it sent one; times are judged against it.
    pub server_date: Option<String>,
    /// Our clock minus the server's (positive: we are ahead).
    pub clock_skew_seconds: Option<i64>,
    pub expires_in_seconds: Option<i64>,
    pub expired: bool,
    pub not_yet_valid: bool,
}

#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct GatewayReport {
    pub target: String,
    pub ok: bool,
    pub without_credentials: Answer,
    pub with_credentials: Option<Answer>,
    pub rate_limit: RateLimit,
    pub cors: Option<Cors>,
    pub jwt: Option<JwtReport>,
    pub checks: Vec<CheckResult>,
}

pub struct GatewayOptions {
    pub origin: Option<String>,
    pub bearer: Option<String>,
    pub expect_status: StatusSet,
}

fn header(h: &HeaderMap, name: &str) -> Option<String> {
    h.get(name)
        .and_then(|v| v.to_str().ok())
        .map(|v| v.trim().to_string())
}

/// `Bearer realm="api", error="invalid_token", error_description="…"` (the first challenge).
pub fn parse_challenge(text: &str) -> Challenge {
    let text = text.trim();
    let (scheme, mut rest) = text.split_once(' ').unwrap_or((text, ""));
    let mut c = Challenge {
        scheme: scheme.to_string(),
        ..Challenge::default()
    };
    loop {
        rest = rest.trim_start_matches([',', ' ']);
        let Some((key, after)) = rest.split_once('=') else {
            break;
        };
        let key = key.trim();
        if key.contains(' ') {
            break; // the next challenge begins
        }
        let after = after.trim_start();
        let (value, next) = if let Some(q) = after.strip_prefix('"') {
            let mut v = String::new();
            let mut chars = q.char_indices();
            let mut end = q.len();
            while let Some((i, ch)) = chars.next() {
                match ch {
                    '\\' => {
                        if let Some((_, e)) = chars.next() {
                            v.push(e);
                        }
                    }
                    '"' => {
                        end = i + 1;
                        break;
                    }
                    _ => v.push(ch),
                }
            }
            (v, &q[end.min(q.len())..])
        } else {
            let end = after.find(',').unwrap_or(after.len());
            (after[..end].trim().to_string(), &after[end..])
        };
        match key.to_ascii_lowercase().as_str() {
            "realm" => c.realm = Some(value),
            "error" => c.error = Some(value),
            "error_description" => c.error_description = Some(value),
            "scope" => c.scope = Some(value),
            _ => {}
        }
        rest = next;
    }
    c
}

fn leading_u64(s: &str) -> Option<u64> {
    let d: String = s.trim().chars().take_while(char::is_ascii_digit).collect();
    d.parse().ok()
}

/// A structured-field parameter of the RateLimit header: `limit=10` or `r=5` / `t=30`.
fn param(list: &str, keys: &[&str]) -> Option<u64> {
    list.split([',', ';']).find_map(|p| {
        let (k, v) = p.split_once('=')?;
        keys.contains(&k.trim()).then(|| leading_u64(v))?
    })
}

/// Reads every dialect into one view: X-RateLimit-*, X-Rate-Limit-*, RateLimit-Limit/
/// -Remaining/-Reset, RateLimit + RateLimit-Policy (IETF drafts), Retry-After.
pub fn read_rate_limit(h: &HeaderMap, into: &mut RateLimit, server_now: i64) {
    for (name, value) in h {
        let n = name.as_str();
        if (n.contains("ratelimit") || n.contains("rate-limit") || n == "retry-after")
            && !is_secret_header(n)
        {
            into.headers
                .insert(n.to_string(), value.to_str().unwrap_or("?").to_string());
        }
    }
    let first = |names: &[&str]| names.iter().find_map(|n| header(h, n));
    if let Some(v) = first(&["x-ratelimit-limit", "ratelimit-limit", "x-rate-limit-limit"]) {
        into.limit = leading_u64(&v);
    }
    if let Some(v) = first(&[
        "x-ratelimit-remaining",
        "ratelimit-remaining",
        "x-rate-limit-remaining",
    ]) {
        into.remaining = leading_u64(&v);
    }
    if let Some(v) = first(&["x-ratelimit-reset", "ratelimit-reset", "x-rate-limit-reset"]) {
        if let Some(r) = leading_u64(&v) {
            // Some dialects send an epoch time, others seconds to wait.
            let r = i64::try_from(r).unwrap_or(i64::MAX);
            into.reset_seconds = Some(if r > 1_000_000_000 {
                r.saturating_sub(server_now)
            } else {
                r
            });
        }
    }
    if let Some(v) = header(h, "ratelimit") {
        into.limit = into.limit.or(param(&v, &["limit"]));
        into.remaining = param(&v, &["remaining", "r"]).or(into.remaining);
        into.reset_seconds = param(&v, &["reset", "t"])
            .map(|r| i64::try_from(r).unwrap_or(i64::MAX))
            .or(into.reset_seconds);
    }
    if let Some(v) = header(h, "ratelimit-policy") {
        into.limit = into.limit.or(param(&v, &["q"])).or_else(|| leading_u64(&v));
        into.policy = Some(v);
    }
    if let Some(v) = header(h, "retry-after") {
        into.retry_after_seconds = leading_u64(&v)
            .map(|s| i64::try_from(s).unwrap_or(i64::MAX))
            .or_else(|| clock::parse_http_date(&v).map(|t| t.saturating_sub(server_now)));
    }
}

fn ms(d: std::time::Duration) -> f64 {
    (d.as_secs_f64() * 1e6).round() / 1e3
}

fn answer(r: &Result<Response, String>) -> Answer {
    match r {
        Ok(resp) => Answer {
            status: Some(resp.status),
            error: None,
            challenge: header(&resp.headers, "www-authenticate").map(|v| parse_challenge(&v)),
            total_ms: ms(resp.total),
        },
        Err(e) => Answer {
            status: None,
            error: Some(e.clone()),
            challenge: None,
            total_ms: 0.0,
        },
    }
}

fn describe_challenge(c: &Challenge) -> String {
    let mut s = c.scheme.clone();
    for (k, v) in [
        ("realm", &c.realm),
        ("error", &c.error),
        ("scope", &c.scope),
    ] {
        if let Some(v) = v {
            s.push_str(&format!(" {k}={v}"));
        }
    }
    s
}

pub async fn run(ctx: &Ctx, t: &Target, o: &GatewayOptions) -> GatewayReport {
    run_with_progress(ctx, t, o, &mut |_, _| {}).await
}

/// `run`, telling `progress(done, of)` after each request: the one without credentials,
/// the one with them, the burst (cut short by a 429) and the CORS preflight.
pub async fn run_with_progress(
    ctx: &Ctx,
    t: &Target,
    o: &GatewayOptions,
    progress: &mut dyn FnMut(usize, usize),
) -> GatewayReport {
    let creds = &ctx.opts.headers;
    let mut of = 1 + usize::from(!creds.is_empty()) + BURST + usize::from(o.origin.is_some());
    let mut done = 0;
    let mut tell = |done: &mut usize, of: usize| {
        *done += 1;
        progress(*done, of);
    };
    let mut session = Session::default();
    let anon = fetch(ctx, t, &mut session, Method::GET, &[]).await;
    tell(&mut done, of);
    let with = if creds.is_empty() {
        None
    } else {
        let r = fetch(ctx, t, &mut session, Method::GET, creds).await;
        tell(&mut done, of);
        Some(r)
    };
    let date_of = |r: &Result<Response, String>| {
        r.as_ref()
            .ok()
            .and_then(|resp| header(&resp.headers, "date"))
            .and_then(|d| clock::parse_http_date(&d))
    };
    let server_date = with.as_ref().and_then(date_of).or_else(|| date_of(&anon));
    let now = clock::now_unix();
    let server_now = server_date.unwrap_or(now);

    let mut rl = RateLimit::default();
    for r in std::iter::once(&anon).chain(with.iter()).flatten() {
        read_rate_limit(&r.headers, &mut rl, server_now);
    }
    let mut checks = Vec::new();
    let (without_credentials, with_credentials) = (answer(&anon), with.as_ref().map(answer));

    // The burst: as the client under test would call (with its credentials when given).
    for i in 1..=BURST {
        let r = fetch(ctx, t, &mut session, Method::GET, creds).await;
        rl.burst_requests = i;
        if matches!(&r, Ok(resp) if resp.status == 429) {
            // The burst ends here: the requests it will not send leave the total.
            of -= BURST - i;
        }
        tell(&mut done, of);
        let key = match &r {
            Ok(resp) => resp.status.to_string(),
            Err(_) => "error".to_string(),
        };
        *rl.statuses.entry(key).or_insert(0) += 1;
        if let Ok(resp) = &r {
            read_rate_limit(&resp.headers, &mut rl, server_now);
            if resp.status == 429 {
                rl.first_429_at = Some(i);
                break;
            }
        }
    }

    match (&without_credentials.status, &without_credentials.challenge) {
        (Some(s @ (401 | 407)), Some(c)) => checks.push(CheckResult::new(
            "auth_challenge",
            true,
            format!("{s} {}", describe_challenge(c)),
        )),
        (Some(s @ (401 | 407)), None) => checks.push(CheckResult::new(
            "auth_challenge",
            false,
            format!("{s} without WWW-Authenticate (RFC 9110 requires one)"),
        )),
        (Some(s), _) if *s < 500 => checks.push(CheckResult::new(
            "auth_challenge",
            true,
            format!("{s} without credentials (no challenge)"),
        )),
        (Some(s), _) => checks.push(CheckResult::new(
            "auth_challenge",
            false,
            format!("{s} without credentials"),
        )),
        (None, _) => checks.push(CheckResult::new(
            "auth_challenge",
            false,
            without_credentials.error.clone().unwrap_or_default(),
        )),
    }
    if let Some(a) = &with_credentials {
        let check = match a.status {
            Some(s) => CheckResult::new(
                "authenticated",
                o.expect_status.contains(s),
                format!(
                    "{s} with credentials{}",
                    a.challenge
                        .as_ref()
                        .map(|c| format!(" ({})", describe_challenge(c)))
                        .unwrap_or_default()
                ),
            ),
            None => CheckResult::new("authenticated", false, a.error.clone().unwrap_or_default()),
        };
        checks.push(check);
    }
    checks.push(match (rl.first_429_at, rl.retry_after_seconds) {
        (Some(i), Some(ra)) => CheckResult::new(
            "rate_limit",
            true,
            format!("429 at request {i} of the burst, Retry-After {ra}s"),
        ),
        (Some(i), None) => CheckResult::new(
            "rate_limit",
            false,
            format!("429 at request {i} of the burst without Retry-After"),
        ),
        (None, _) => CheckResult::new(
            "rate_limit",
            true,
            format!("no 429 in {} requests", rl.burst_requests),
        ),
    });

    let cors = match &o.origin {
        Some(origin) => {
            let c = preflight(ctx, t, origin, !creds.is_empty()).await;
            tell(&mut done, of);
            Some(c)
        }
        None => None,
    };
    if let Some(c) = &cors {
        checks.push(CheckResult::new(
            "cors",
            c.allowed,
            format!(
                "{} for {}: Access-Control-Allow-Origin {}",
                c.status
                    .map_or_else(|| "no answer".into(), |s| s.to_string()),
                c.origin,
                c.allow_origin.as_deref().unwrap_or("absent")
            ),
        ));
    }
    let jwt = o
        .bearer
        .as_deref()
        .and_then(jwt::decode)
        .map(|c| jwt_report(c, server_date, now));
    if let Some(j) = &jwt {
        let ok = !j.expired && !j.not_yet_valid;
        let detail = match (j.expired, j.not_yet_valid, j.expires_in_seconds) {
            (true, _, Some(s)) => format!("expired {}s ago by the server's clock", -s),
            (_, true, _) => "not yet valid (nbf) by the server's clock".into(),
            (_, _, Some(s)) => format!("valid, expires in {s}s"),
            _ => "valid, no exp claim".into(),
        };
        checks.push(CheckResult::new("jwt", ok, detail));
    }
    let mut report = GatewayReport {
        target: t.text.clone(),
        ok: checks.iter().all(|c| c.ok),
        without_credentials,
        with_credentials,
        rate_limit: rl,
        cors,
        jwt,
        checks,
    };
    // A challenge or rate-limit header may echo the credentials: hidden before rendering.
    super::secrets::Secrets::from_headers(creds).scrub(&mut report);
    report
}

async fn preflight(ctx: &Ctx, t: &Target, origin: &str, creds: bool) -> Cors {
    let mut headers: Vec<(HeaderName, HeaderValue)> = Vec::new();
    if let Ok(v) = HeaderValue::from_str(origin) {
        headers.push((HeaderName::from_static("origin"), v));
    }
    headers.push((
        HeaderName::from_static("access-control-request-method"),
        HeaderValue::from_static("GET"),
    ));
    if creds {
        headers.push((
            HeaderName::from_static("access-control-request-headers"),
            HeaderValue::from_static("authorization"),
        ));
    }
    let r = fetch(ctx, t, &mut Session::default(), Method::OPTIONS, &headers).await;
    let h = r.as_ref().ok().map(|resp| &resp.headers);
    let get = |n: &str| h.and_then(|h| header(h, n));
    let allow_origin = get("access-control-allow-origin");
    Cors {
        origin: origin.to_string(),
        status: r.as_ref().ok().map(|resp| resp.status),
        allowed: allow_origin
            .as_deref()
            .is_some_and(|a| a == "*" || a == origin),
        allow_origin,
        allow_methods: get("access-control-allow-methods"),
        allow_headers: get("access-control-allow-headers"),
        allow_credentials: get("access-control-allow-credentials"),
        max_age: get("access-control-max-age"),
    }
}

fn jwt_report(c: jwt::Claims, server_date: Option<i64>, now: i64) -> JwtReport {
    let judge = server_date.unwrap_or(now);
    JwtReport {
        alg: c.alg,
        iss: c.iss,
        aud: c.aud,
        exp: c.exp.map(clock::rfc3339),
        nbf: c.nbf.map(clock::rfc3339),
        iat: c.iat.map(clock::rfc3339),
        server_date: server_date.map(clock::rfc3339),
        clock_skew_seconds: server_date.map(|d| now.saturating_sub(d)),
        expires_in_seconds: c.exp.map(|e| e.saturating_sub(judge)),
        expired: c.exp.is_some_and(|e| e <= judge),
        not_yet_valid: c.nbf.is_some_and(|n| n > judge),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn challenges() {
        let c = parse_challenge(
            r#"Bearer realm="api", error="invalid_token", error_description="the token \"x\" expired""#,
        );
        assert_eq!(c.scheme, "Bearer");
        assert_eq!(c.realm.as_deref(), Some("api"));
        assert_eq!(c.error.as_deref(), Some("invalid_token"));
        assert_eq!(
            c.error_description.as_deref(),
            Some("the token \"x\" expired")
        );
        let c = parse_challenge("Basic realm=simple, charset=\"UTF-8\", Bearer realm=\"b\"");
        assert_eq!(
            (c.scheme.as_str(), c.realm.as_deref()),
            ("Basic", Some("simple"))
        );
        assert_eq!(parse_challenge("Negotiate").scheme, "Negotiate");
        let _ = parse_challenge("Bearer realm=\"unterminated");
    }

    #[test]
    fn rate_limit_dialects() {
        let mut h = HeaderMap::new();
        h.insert("x-ratelimit-limit", "100".parse().unwrap());
        h.insert("x-ratelimit-remaining", "7".parse().unwrap());
        h.insert("x-ratelimit-reset", "1000000060".parse().unwrap());
        let mut rl = RateLimit::default();
        read_rate_limit(&h, &mut rl, 1_000_000_000);
        assert_eq!(
            (rl.limit, rl.remaining, rl.reset_seconds),
            (Some(100), Some(7), Some(60))
        );

        let mut h = HeaderMap::new();
        h.insert(
            "ratelimit",
            "limit=10, remaining=3, reset=20".parse().unwrap(),
        );
        let mut rl = RateLimit::default();
        read_rate_limit(&h, &mut rl, 0);
        assert_eq!(
            (rl.limit, rl.remaining, rl.reset_seconds),
            (Some(10), Some(3), Some(20))
        );

        let mut h = HeaderMap::new();
        h.insert("ratelimit", "\"default\";r=5;t=30".parse().unwrap());
        h.insert(
            "ratelimit-policy",
            "\"default\";q=100;w=60".parse().unwrap(),
        );
        h.insert(
            "retry-after",
            "Thu, 01 Jan 1970 00:01:40 GMT".parse().unwrap(),
        );
        let mut rl = RateLimit::default();
        read_rate_limit(&h, &mut rl, 40);
        assert_eq!(
            (rl.limit, rl.remaining, rl.reset_seconds),
            (Some(100), Some(5), Some(30))
        );
        assert_eq!(rl.retry_after_seconds, Some(60));
        assert_eq!(rl.headers.len(), 3);
    }
}
