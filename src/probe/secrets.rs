//! The values oncall was given to send (`--bearer`, `-H`) are never shown, wherever they come
//! back: a server that echoes request headers (many do: debug endpoints, error pages, a
//! `Location` with the token in its query) would otherwise have them printed in a check
//! detail, a redirect hop, a backend name or a rate-limit header, in every output format.
//! Each collector hands its report through `scrub` before returning it, so every renderer —
//! table, JSON, Markdown, Prometheus, the Nagios line, `--watch` — gets clean data, and the
//! replacement happens before any renderer escapes, wraps or truncates the text.

use super::balancer::{BackendStats, BalancerReport, Sample, Stickiness};
use super::gateway::{Answer, Challenge, Cors, GatewayReport, JwtReport, RateLimit};
use super::report::{CertSummary, CheckResult, GrpcReport, Hop, ProbeResult, TlsReport};
use hyper::header::{HeaderName, HeaderValue};
use std::collections::BTreeMap;

pub use crate::credentials::REDACTED;

/// Shorter values are not treated as secrets: no credential is that short, and replacing
/// "1" or "sre" would rewrite ordinary text (numbers, words). CircleCI draws the same line.
const MIN_SECRET_LEN: usize = 4;

/// Headers that carry no credential: their values (a Host name, a content type) are what the
/// engineer needs to read in the output, so they are not hidden.
const NOT_SECRET: [&str; 7] = [
    "host",
    "accept",
    "content-type",
    "user-agent",
    "connection",
    "cache-control",
    "pragma",
];

#[derive(Debug, Clone, Default)]
pub struct Secrets {
    /// Longest first, so a value is hidden whole before any part of it is looked for.
    values: Vec<String>,
}

impl Secrets {
    /// The secrets among the headers oncall sends: every value, and for credentials their
    /// parts a server may echo alone (the token after `Bearer `, each cookie's value).
    pub fn from_headers(headers: &[(HeaderName, HeaderValue)]) -> Secrets {
        let mut values = Vec::new();
        for (name, value) in headers {
            let name = name.as_str();
            if NOT_SECRET.contains(&name) || name.starts_with("accept-") {
                continue;
            }
            let value = String::from_utf8_lossy(value.as_bytes()).into_owned();
            if matches!(name, "authorization" | "proxy-authorization") {
                if let Some((_scheme, credential)) = value.split_once(' ') {
                    values.push(credential.trim().to_string());
                }
            }
            if name == "cookie" {
                for pair in value.split(';') {
                    if let Some((_, v)) = pair.split_once('=') {
                        values.push(v.trim().to_string());
                    }
                }
            }
            values.push(value);
        }
        values.retain(|v| v.len() >= MIN_SECRET_LEN);
        // Echoed in a URL (a `Location` query), a value is percent-encoded: `Bearer%20…`.
        let encoded: Vec<String> = values
            .iter()
            .map(|v| percent_encoded(v))
            .filter(|e| !values.contains(e))
            .collect();
        values.extend(encoded);
        values.sort_by(|a, b| b.len().cmp(&a.len()).then_with(|| a.cmp(b)));
        values.dedup();
        Secrets { values }
    }

    pub fn is_empty(&self) -> bool {
        self.values.is_empty()
    }

    /// `text` with every secret in it replaced by `[redacted]`.
    pub fn redact(&self, text: &mut String) {
        for v in &self.values {
            if text.contains(v.as_str()) {
                *text = text.replace(v.as_str(), REDACTED);
            }
        }
    }

    /// Hides every secret in every text of a report.
    pub fn scrub<T: Scrub>(&self, report: &mut T) {
        if !self.is_empty() {
            report.scrub(self);
        }
    }
}

/// `v` as a URL carries it: every byte outside RFC 3986's unreserved set as `%XX`.
fn percent_encoded(v: &str) -> String {
    let mut out = String::with_capacity(v.len());
    for b in v.bytes() {
        if b.is_ascii_alphanumeric() || b"-._~".contains(&b) {
            out.push(char::from(b));
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// Plain data whose texts may hold what a server sent.
pub trait Scrub {
    fn scrub(&mut self, s: &Secrets);
}

impl Scrub for String {
    fn scrub(&mut self, s: &Secrets) {
        s.redact(self);
    }
}

impl<T: Scrub> Scrub for Option<T> {
    fn scrub(&mut self, s: &Secrets) {
        if let Some(v) = self {
            v.scrub(s);
        }
    }
}

impl<T: Scrub> Scrub for Vec<T> {
    fn scrub(&mut self, s: &Secrets) {
        for v in self {
            v.scrub(s);
        }
    }
}

/// Keys too (a header echoed under its own name): rebuilt, since keys cannot change in place.
impl<T: Scrub> Scrub for BTreeMap<String, T> {
    fn scrub(&mut self, s: &Secrets) {
        *self = std::mem::take(self)
            .into_iter()
            .map(|(mut k, mut v)| {
                k.scrub(s);
                v.scrub(s);
                (k, v)
            })
            .collect();
    }
}

impl Scrub for usize {
    fn scrub(&mut self, _: &Secrets) {}
}

/// Every text field of a report type; numbers and flags are left out.
macro_rules! scrub_fields {
    ($($t:ty { $($f:ident),* })*) => {$(
        impl Scrub for $t {
            fn scrub(&mut self, s: &Secrets) {
                $(self.$f.scrub(s);)*
            }
        }
    )*};
}

scrub_fields! {
    ProbeResult { target, error, remote, resolved, failed_addresses, checks, tls, redirects, grpc }
    CheckResult { name, detail }
    TlsReport { version, alpn, error, subject, issuer, not_after, earliest_not_after, chain }
    CertSummary { subject, issuer, not_after }
    Hop { url, location }
    GrpcReport { service, serving_status, grpc_message }
    GatewayReport { target, without_credentials, with_credentials, rate_limit, cors, jwt, checks }
    Answer { error, challenge }
    Challenge { scheme, realm, error, error_description, scope }
    RateLimit { headers, policy, statuses }
    Cors { origin, allow_origin, allow_methods, allow_headers, allow_credentials, max_age }
    JwtReport { alg, iss, aud, exp, nbf, iat, server_date }
    BalancerReport { target, identified_by, backends, stickiness, samples }
    BackendStats { backend, statuses }
    Stickiness { cookie, backends }
    Sample { backend, error }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn secrets(headers: &[(&str, &str)]) -> Secrets {
        let h: Vec<(HeaderName, HeaderValue)> = headers
            .iter()
            .map(|(n, v)| {
                (
                    HeaderName::from_bytes(n.as_bytes()).unwrap(),
                    HeaderValue::from_str(v).unwrap(),
                )
            })
            .collect();
        Secrets::from_headers(&h)
    }

    #[test]
    fn credentials_and_their_parts_are_hidden_short_and_plain_values_are_not() {
        let s = secrets(&[
            ("authorization", "Bearer tok-9f2c"),
            ("cookie", "a=cookie-1x2y; b=zz"),
            ("x-api-key", "key-77aa"),
            ("x-team", "sre"),
            ("host", "api.example"),
            ("accept-language", "en-GB"),
        ]);
        let mut text = "echo Bearer tok-9f2c / tok-9f2c / a=cookie-1x2y; b=zz / key-77aa / sre \
                        api.example en-GB"
            .to_string();
        s.redact(&mut text);
        assert_eq!(
            text,
            "echo [redacted] / [redacted] / [redacted] / [redacted] / sre api.example en-GB"
        );
    }

    #[test]
    fn every_text_of_a_result_is_scrubbed() {
        let s = secrets(&[("authorization", "Bearer tok-9f2c")]);
        let mut c = vec![CheckResult::new(
            "header x-echo",
            true,
            "tok-9f2c matches /./",
        )];
        let mut m = BTreeMap::from([("x-echo".to_string(), "Bearer tok-9f2c".to_string())]);
        s.scrub(&mut c);
        s.scrub(&mut m);
        assert_eq!(c[0].detail, "[redacted] matches /./");
        assert_eq!(m["x-echo"], "[redacted]");
        let s = secrets(&[("authorization", "Bearer a+b/c=")]);
        let mut text = "/cb?t=Bearer%20a%2Bb%2Fc%3D".to_string();
        s.redact(&mut text);
        assert_eq!(text, "/cb?t=[redacted]");
    }
}
