//! `probe` (`oncall probe`, curl -w): HTTP(S), TCP and gRPC health probes with phase timings
//! and checks. Also the connection settings the balancer and gateway views share.

use super::Span;
use crate::error::Error;
use crate::probe::checks::CheckSpec;
use crate::probe::report::ProbeReport;
use crate::probe::resolve::{AddressGate, Family, Resolver};
use crate::probe::{self, run, target, Ctx, ProbeOptions, TargetSpec};
use hyper::header::{HeaderName, HeaderValue, AUTHORIZATION};
use schemars::JsonSchema;
use serde::Deserialize;
use std::sync::Arc;

/// The most targets one request probes.
pub const MAX_TARGETS: usize = 64;

#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, default)]
pub struct ProbeRequest {
    /// Targets: http(s)://…, tcp://host:port or grpc(s)://host:port[/service].
    pub targets: Vec<String>,
    /// Accepted status codes, e.g. "200-299,401" (default 200-399).
    pub expect_status: Option<String>,
    /// The body must match this regex.
    pub expect_body: Option<String>,
    /// JSON pointers that must equal a value, e.g. "/status=UP".
    pub expect_json: Vec<String>,
    /// Headers that must match, e.g. "Content-Type: json".
    pub expect_header: Vec<String>,
    /// Fail when slower than this.
    pub max_latency: Option<Span>,
    /// Fail when a certificate expires in fewer days.
    pub min_cert_days: Option<i64>,
    /// Time allowed to connect.
    pub connect_timeout: Span,
    /// Time allowed for the whole probe of one target.
    pub timeout: Span,
    /// Redirects to follow.
    pub max_redirects: usize,
    /// Retries before a target counts as failed.
    pub retries: u32,
    /// Pause between retries.
    pub interval: Span,
    /// IPv4 only.
    pub ipv4: bool,
    /// IPv6 only.
    pub ipv6: bool,
    /// Probe every address the name resolves to.
    pub each_ip: bool,
    /// Do not verify TLS certificates (the report says so).
    pub insecure: bool,
    /// Extra request headers, "Name: value" (values are never shown).
    pub headers: Vec<String>,
    /// Bearer token sent as Authorization (never shown).
    pub bearer: Option<String>,
}

impl Default for ProbeRequest {
    fn default() -> Self {
        ProbeRequest {
            targets: Vec::new(),
            expect_status: None,
            expect_body: None,
            expect_json: Vec::new(),
            expect_header: Vec::new(),
            max_latency: None,
            min_cert_days: None,
            connect_timeout: Span::secs(5),
            timeout: Span::secs(10),
            max_redirects: 5,
            retries: 0,
            interval: Span::secs(1),
            ipv4: false,
            ipv6: false,
            each_ip: false,
            insecure: false,
            headers: Vec::new(),
            bearer: None,
        }
    }
}

/// How to connect: what every probe view needs besides its target.
pub struct Connection<'a> {
    pub connect_timeout: Span,
    pub timeout: Span,
    pub max_redirects: usize,
    pub retries: u32,
    pub interval: Span,
    pub ipv4: bool,
    pub ipv6: bool,
    pub each_ip: bool,
    pub insecure: bool,
    pub headers: &'a [String],
    pub bearer: Option<&'a str>,
}

impl<'a> Connection<'a> {
    /// One attempt per request, no redirects, any address family: what the balancer and
    /// gateway checks send (their own requests decide what to repeat).
    pub fn single_shot(
        connect_timeout: Span,
        timeout: Span,
        insecure: bool,
        headers: &'a [String],
        bearer: Option<&'a str>,
    ) -> Connection<'a> {
        Connection {
            connect_timeout,
            timeout,
            max_redirects: 0,
            retries: 0,
            interval: Span::secs(1),
            ipv4: false,
            ipv6: false,
            each_ip: false,
            insecure,
            headers,
            bearer,
        }
    }

    /// The run's context; `gate` refuses addresses (every hop's) before any connect.
    pub fn context(&self, gate: Option<AddressGate>) -> Result<Ctx, Error> {
        for (what, zero) in [
            ("timeout", self.timeout.is_zero()),
            ("connect_timeout", self.connect_timeout.is_zero()),
        ] {
            if zero {
                return Err(Error::usage(what, "must be above zero (e.g. 500ms, 2s)"));
            }
        }
        if self.ipv4 && self.ipv6 {
            return Err(Error::usage("ipv4", "give ipv4 or ipv6, not both"));
        }
        let family = if self.ipv4 {
            Family::V4
        } else if self.ipv6 {
            Family::V6
        } else {
            Family::Any
        };
        let opts = ProbeOptions {
            resolver: Resolver {
                family,
                overrides: Vec::new(),
                gate,
            },
            each_ip: self.each_ip,
            connect_timeout: self.connect_timeout.0,
            timeout: self.timeout.0,
            max_redirects: self.max_redirects,
            body_cap: probe::BODY_CAP,
            retries: self.retries,
            interval: self.interval.0,
            failure_threshold: 1,
            success_threshold: 1,
            concurrency: 32,
            headers: request_headers(self.headers, self.bearer)?,
            request: Default::default(),
        };
        let tls = probe::tls::TlsSettings::new(self.insecure, None)?;
        Ok(Ctx { opts, tls })
    }
}

/// `Name: value` headers and a bearer token; values are marked sensitive and never printed.
pub fn request_headers(
    raw: &[String],
    bearer: Option<&str>,
) -> Result<Vec<(HeaderName, HeaderValue)>, Error> {
    let mut out = Vec::new();
    for h in raw {
        let (name, value) = h
            .split_once(':')
            .ok_or_else(|| Error::usage("header", "expected 'Name: value'"))?;
        let name = HeaderName::from_bytes(name.trim().as_bytes()).map_err(|_| {
            Error::usage("header", format!("'{}' is not a header name", name.trim()))
        })?;
        let mut value = HeaderValue::from_str(value.trim()).map_err(|_| {
            Error::usage(
                "header",
                format!("the value of {name} is not a valid header value"),
            )
        })?;
        value.set_sensitive(true);
        out.push((name, value));
    }
    if let Some(token) = bearer {
        let mut value = HeaderValue::from_str(&format!("Bearer {}", token.trim()))
            .map_err(|_| Error::usage("bearer", "the token is not a valid header value"))?;
        value.set_sensitive(true);
        out.push((AUTHORIZATION, value));
    }
    Ok(out)
}

impl ProbeRequest {
    fn connection(&self) -> Connection<'_> {
        Connection {
            connect_timeout: self.connect_timeout,
            timeout: self.timeout,
            max_redirects: self.max_redirects,
            retries: self.retries,
            interval: self.interval,
            ipv4: self.ipv4,
            ipv6: self.ipv6,
            each_ip: self.each_ip,
            insecure: self.insecure,
            headers: &self.headers,
            bearer: self.bearer.as_deref(),
        }
    }

    /// The targets with their checks, refusing bad input before anything connects.
    pub fn specs(&self) -> Result<Vec<TargetSpec>, Error> {
        if self.targets.is_empty() {
            return Err(Error::usage(
                "targets",
                "no target (give URLs, tcp://host:port or grpc://host:port)",
            ));
        }
        if self.targets.len() > MAX_TARGETS {
            return Err(Error::usage(
                "targets",
                format!("at most {MAX_TARGETS} at once"),
            ));
        }
        let checks = CheckSpec::parse(
            self.expect_status.as_deref(),
            self.expect_body.as_deref(),
            &self.expect_json,
            &self.expect_header,
            self.max_latency.map(|s| s.0),
            self.min_cert_days,
        )?;
        self.targets
            .iter()
            .map(|t| {
                Ok(TargetSpec {
                    target: target::parse(t)?,
                    checks: checks.clone(),
                })
            })
            .collect()
    }

    pub fn validate(&self) -> Result<(), Error> {
        self.specs()?;
        self.connection().context(None).map(|_| ())
    }
}

/// Probes every target on a runtime of its own (the caller's thread blocks).
pub fn run_with(req: &ProbeRequest, gate: Option<AddressGate>) -> Result<ProbeReport, Error> {
    let specs = req.specs()?;
    let ctx = Arc::new(req.connection().context(gate)?);
    let rt = probe::runtime()?;
    Ok(rt.block_on(run::probe_all(ctx, specs)))
}

pub fn run(req: &ProbeRequest) -> Result<ProbeReport, Error> {
    run_with(req, None)
}
