//! The checks a probe applies, each a named pass/fail with a detail: status, body regex,
//! JSON pointer, header regex, latency, certificate days, gRPC SERVING.

use super::report::{CheckResult, ProbeResult};
use crate::error::Error;
use regex::Regex;
use std::time::Duration;

#[derive(Debug, Clone, Default)]
pub struct CheckSpec {
    pub expect_status: Option<StatusSet>,
    pub expect_body: Option<Regex>,
    pub expect_json: Vec<(String, String)>,
    pub expect_header: Vec<(String, Regex)>,
    pub max_latency: Option<Duration>,
    pub min_cert_days: Option<i64>,
    /// The body must match none of these (blackbox's `fail_if_body_matches_regexp`).
    pub refuse_body: Vec<Regex>,
    /// The header must be present with no value matching (`fail_if_header_matches`).
    pub refuse_header: Vec<(String, Regex)>,
}

/// Accepted status codes: `200`, `200-299`, `2xx`, or a comma list of those.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StatusSet {
    ranges: Vec<(u16, u16)>,
    text: String,
}

impl StatusSet {
    /// Kubernetes' rule for HTTP probes: 200 ≤ status < 400.
    pub fn default_set() -> StatusSet {
        StatusSet {
            ranges: vec![(200, 399)],
            text: "200-399".into(),
        }
    }

    pub fn parse(text: &str) -> Result<StatusSet, Error> {
        let bad = || {
            Error::usage(
                format!("--expect-status '{text}'"),
                "expected codes like 200, 200-299, 2xx or 200,301",
            )
        };
        let code = |s: &str| -> Result<u16, Error> {
            s.trim()
                .parse::<u16>()
                .ok()
                .filter(|c| (100..=599).contains(c))
                .ok_or_else(bad)
        };
        let mut ranges = Vec::new();
        for part in text.split(',') {
            let part = part.trim();
            if let Some(class) = part.strip_suffix("xx").or_else(|| part.strip_suffix("XX")) {
                let c: u16 = class
                    .parse()
                    .ok()
                    .filter(|c| (1..=5).contains(c))
                    .ok_or_else(bad)?;
                ranges.push((c * 100, c * 100 + 99));
            } else if let Some((a, b)) = part.split_once('-') {
                let (a, b) = (code(a)?, code(b)?);
                if a > b {
                    return Err(bad());
                }
                ranges.push((a, b));
            } else {
                let c = code(part)?;
                ranges.push((c, c));
            }
        }
        Ok(StatusSet {
            ranges,
            text: text.to_string(),
        })
    }

    pub fn contains(&self, status: u16) -> bool {
        self.ranges.iter().any(|(a, b)| (*a..=*b).contains(&status))
    }
}

impl CheckSpec {
    /// Builds the spec from the flags' text; every malformed value is a usage error.
    pub fn parse(
        expect_status: Option<&str>,
        expect_body: Option<&str>,
        expect_json: &[String],
        expect_header: &[String],
        max_latency: Option<Duration>,
        min_cert_days: Option<i64>,
    ) -> Result<CheckSpec, Error> {
        let expect_status = expect_status.map(StatusSet::parse).transpose()?;
        let expect_body = expect_body
            .map(|r| {
                Regex::new(r).map_err(|e| {
                    Error::usage(format!("--expect-body '{r}'"), first_line(&e.to_string()))
                })
            })
            .transpose()?;
        let expect_json = expect_json
            .iter()
            .map(|j| {
                let (p, v) = j.split_once('=').ok_or_else(|| {
                    Error::usage(
                        format!("--expect-json '{j}'"),
                        "expected POINTER=VALUE, e.g. /status=UP",
                    )
                })?;
                if !(p.is_empty() || p.starts_with('/')) {
                    return Err(Error::usage(
                        format!("--expect-json '{j}'"),
                        "a JSON pointer starts with / (RFC 6901), e.g. /status=UP",
                    ));
                }
                Ok((p.to_string(), v.to_string()))
            })
            .collect::<Result<_, _>>()?;
        let expect_header = expect_header
            .iter()
            .map(|h| {
                let (n, r) = h.split_once(':').ok_or_else(|| {
                    Error::usage(format!("--expect-header '{h}'"), "expected 'Name: REGEX'")
                })?;
                let n = n.trim();
                if n.is_empty() || hyper::header::HeaderName::from_bytes(n.as_bytes()).is_err() {
                    return Err(Error::usage(
                        format!("--expect-header '{h}'"),
                        "not a header name",
                    ));
                }
                let re = Regex::new(r.trim()).map_err(|e| {
                    Error::usage(format!("--expect-header '{h}'"), first_line(&e.to_string()))
                })?;
                Ok((n.to_string(), re))
            })
            .collect::<Result<_, _>>()?;
        Ok(CheckSpec {
            expect_status,
            expect_body,
            expect_json,
            expect_header,
            max_latency,
            min_cert_days,
            refuse_body: Vec::new(),
            refuse_header: Vec::new(),
        })
    }

    /// A per-target line of `--targets FILE` adds its own checks; where both name the same
    /// check, the line wins.
    pub fn overridden_by(&self, line: &CheckSpec) -> CheckSpec {
        CheckSpec {
            expect_status: line
                .expect_status
                .clone()
                .or_else(|| self.expect_status.clone()),
            expect_body: line
                .expect_body
                .clone()
                .or_else(|| self.expect_body.clone()),
            expect_json: if line.expect_json.is_empty() {
                self.expect_json.clone()
            } else {
                line.expect_json.clone()
            },
            expect_header: if line.expect_header.is_empty() {
                self.expect_header.clone()
            } else {
                line.expect_header.clone()
            },
            max_latency: line.max_latency.or(self.max_latency),
            min_cert_days: line.min_cert_days.or(self.min_cert_days),
            refuse_body: if line.refuse_body.is_empty() {
                self.refuse_body.clone()
            } else {
                line.refuse_body.clone()
            },
            refuse_header: if line.refuse_header.is_empty() {
                self.refuse_header.clone()
            } else {
                line.refuse_header.clone()
            },
        }
    }
}

fn first_line(s: &str) -> String {
    s.lines()
        .rfind(|l| !l.trim().is_empty())
        .unwrap_or(s)
        .trim()
        .to_string()
}

/// What an HTTP response offers to the checks.
pub struct HttpEvidence<'a> {
    pub status: u16,
    pub headers: &'a hyper::HeaderMap,
    pub body: &'a [u8],
    pub body_truncated: bool,
}

pub fn http_checks(spec: &CheckSpec, ev: &HttpEvidence) -> Vec<CheckResult> {
    let mut out = Vec::new();
    let set = spec
        .expect_status
        .clone()
        .unwrap_or_else(StatusSet::default_set);
    out.push(CheckResult::new(
        "status",
        set.contains(ev.status),
        format!(
            "{} {} {}",
            ev.status,
            if set.contains(ev.status) {
                "in"
            } else {
                "not in"
            },
            set.text
        ),
    ));
    let body = String::from_utf8_lossy(ev.body);
    let cut = if ev.body_truncated {
        " (body cut at the read cap)"
    } else {
        ""
    };
    if let Some(re) = &spec.expect_body {
        let ok = re.is_match(&body);
        out.push(CheckResult::new(
            "body",
            ok,
            format!(
                "/{}/ {}{cut}",
                re.as_str(),
                if ok { "matched" } else { "not found" }
            ),
        ));
    }
    if !spec.expect_json.is_empty() {
        let parsed: Result<serde_json::Value, _> = serde_json::from_slice(ev.body);
        for (pointer, want) in &spec.expect_json {
            let name = format!("json {pointer}");
            let check = match &parsed {
                Err(e) => CheckResult::new(name, false, format!("body is not JSON: {e}{cut}")),
                Ok(v) => match v.pointer(pointer) {
                    None => {
                        CheckResult::new(name, false, format!("{pointer} absent (want {want})"))
                    }
                    Some(got) => {
                        let got = match got {
                            serde_json::Value::String(s) => s.clone(),
                            other => other.to_string(),
                        };
                        let ok = &got == want;
                        CheckResult::new(name, ok, format!("{got} (want {want})"))
                    }
                },
            };
            out.push(check);
        }
    }
    for (name, re) in &spec.expect_header {
        let values = header_values(ev, name);
        let check_name = format!("header {name}");
        let check = if values.is_empty() {
            CheckResult::new(check_name, false, "absent")
        } else {
            let ok = values.iter().any(|v| re.is_match(v));
            let shown = if is_secret_header(name) {
                "(value hidden)".to_string()
            } else {
                values.join(", ")
            };
            CheckResult::new(
                check_name,
                ok,
                format!(
                    "{shown} {} /{}/",
                    if ok { "matches" } else { "does not match" },
                    re.as_str()
                ),
            )
        };
        out.push(check);
    }
    // The negative forms, named as the positive ones ("body", "header NAME"), so a failure
    // counts as a regex failure where blackbox's names are rendered.
    for re in &spec.refuse_body {
        let hit = re.is_match(&body);
        out.push(CheckResult::new(
            "body",
            !hit,
            format!(
                "/{}/ {}{cut}",
                re.as_str(),
                if hit {
                    "matched (the body must not match)"
                } else {
                    "not found, as required"
                }
            ),
        ));
    }
    for (name, re) in &spec.refuse_header {
        let values = header_values(ev, name);
        let check_name = format!("header {name}");
        let check = if values.is_empty() {
            CheckResult::new(check_name, false, "absent")
        } else {
            let hit = values.iter().any(|v| re.is_match(v));
            CheckResult::new(
                check_name,
                !hit,
                format!(
                    "{} /{}/ (must not match)",
                    if hit {
                        "a value matches"
                    } else {
                        "no value matches"
                    },
                    re.as_str()
                ),
            )
        };
        out.push(check);
    }
    out
}

pub use crate::credentials::is_secret_header;

/// Checks that need the whole result: latency over the total time and certificate days.
pub fn result_checks(spec: &CheckSpec, r: &ProbeResult) -> Vec<CheckResult> {
    let mut out = Vec::new();
    if let Some(max) = spec.max_latency {
        let ms = r.phases_ms.total;
        let ok = ms <= max.as_secs_f64() * 1000.0;
        let mut c = CheckResult::new(
            "latency",
            ok,
            format!(
                "{ms:.1}ms {} {}ms",
                if ok { "≤" } else { ">" },
                max.as_millis()
            ),
        );
        c.warning_only = true;
        out.push(c);
    }
    if let (Some(min), Some(tls)) = (spec.min_cert_days, &r.tls) {
        let mut c = match tls.earliest_days_left {
            Some(days) => CheckResult::new(
                "cert_days",
                days >= min,
                format!(
                    "{days} days left (earliest in chain, {}) {} {min}",
                    tls.earliest_not_after.as_deref().unwrap_or("?"),
                    if days >= min { "≥" } else { "<" }
                ),
            ),
            None => CheckResult::new("cert_days", false, "no certificate was received"),
        };
        c.warning_only = tls.earliest_days_left.is_some();
        out.push(c);
    }
    out
}

/// Every value the response carried for this header, as text (one header may repeat).
fn header_values(ev: &HttpEvidence, name: &str) -> Vec<String> {
    ev.headers
        .get_all(name)
        .iter()
        .map(|v| String::from_utf8_lossy(v.as_bytes()).into_owned())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn status_sets() {
        let s = StatusSet::parse("200,204,3xx,401-403").unwrap();
        for c in [200, 204, 301, 399, 401, 403] {
            assert!(s.contains(c), "{c}");
        }
        for c in [201, 400, 404, 500] {
            assert!(!s.contains(c), "{c}");
        }
        for bad in ["", "abc", "99", "600", "300-200", "6xx", "2x"] {
            assert!(StatusSet::parse(bad).is_err(), "{bad}");
        }
        assert!(StatusSet::default_set().contains(302));
        assert!(!StatusSet::default_set().contains(404));
    }

    #[test]
    fn spec_errors() {
        assert!(CheckSpec::parse(None, Some("("), &[], &[], None, None).is_err());
        assert!(CheckSpec::parse(None, None, &["status".into()], &[], None, None).is_err());
        assert!(CheckSpec::parse(None, None, &["status=UP".into()], &[], None, None).is_err());
        assert!(CheckSpec::parse(None, None, &[], &["NoColon".into()], None, None).is_err());
        assert!(CheckSpec::parse(
            None,
            None,
            &["/status=UP".into()],
            &["Content-Type: json".into()],
            None,
            None
        )
        .is_ok());
    }
}
