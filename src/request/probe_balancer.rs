//! `probe_balancer` (`oncall probe --balancer N URL`): N requests through a load balancer,
//! which backend answered each, the spread, stickiness and latency.

use super::probe::{Connection, FileContent};
use super::Span;
use crate::error::Error;
use crate::probe::balancer::{self, BalancerOptions, BalancerReport, Identify};
use crate::probe::checks::StatusSet;
use crate::probe::resolve::AddressGate;
use crate::probe::target::{self, Target};
use crate::probe::{self, Ctx};
use crate::triage::watch::Watch;
use schemars::JsonSchema;
use serde::Deserialize;

/// Enough to see a distribution and stickiness; more is a load test, which this is not.
pub const MAX_REQUESTS: usize = 10_000;

#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, default)]
pub struct ProbeBalancerRequest {
    /// The http:// or https:// URL behind the load balancer.
    pub url: String,
    /// Requests to send (1 to 10000).
    pub requests: usize,
    /// Keep connections alive between requests (shows stickiness per connection).
    pub reuse: bool,
    /// Response header that names the backend.
    pub backend_header: Option<String>,
    /// JSON body pointer that names the backend.
    pub backend_field: Option<String>,
    /// Cookie that names the backend.
    pub backend_cookie: Option<String>,
    /// Accepted status codes (default 200-399).
    pub expect_status: Option<String>,
    /// Time allowed to connect.
    pub connect_timeout: Span,
    /// Time allowed per request.
    pub timeout: Span,
    /// Do not verify TLS certificates.
    pub insecure: bool,
    /// Extra request headers, "Name: value" (values are never shown).
    pub headers: Vec<String>,
    /// IPv4 only.
    pub ipv4: bool,
    /// IPv6 only.
    pub ipv6: bool,
    /// Addresses for a name instead of DNS, "HOST:PORT:ADDR[,ADDR…]" (curl's --resolve);
    /// the address gate still judges every pinned address.
    pub resolve: Vec<String>,
    /// `--cacert FILE`, read by the CLI (never an MCP argument: no file is read for one).
    #[serde(skip)]
    #[schemars(skip)]
    pub cacert: Option<FileContent>,
    /// Bearer token (never shown).
    pub bearer: Option<String>,
}

impl Default for ProbeBalancerRequest {
    fn default() -> Self {
        ProbeBalancerRequest {
            url: String::new(),
            requests: 10,
            reuse: false,
            backend_header: None,
            backend_field: None,
            backend_cookie: None,
            expect_status: None,
            connect_timeout: Span::secs(5),
            timeout: Span::secs(10),
            insecure: false,
            headers: Vec::new(),
            ipv4: false,
            ipv6: false,
            resolve: Vec::new(),
            cacert: None,
            bearer: None,
        }
    }
}

/// An http(s) URL, as the balancer and gateway views take.
pub fn http_target(url: &str) -> Result<Target, Error> {
    let t = target::parse(url)?;
    if t.scheme.kind() != "http" {
        return Err(Error::usage("url", "takes an http:// or https:// URL"));
    }
    Ok(t)
}

pub fn expect_status(text: Option<&str>) -> Result<StatusSet, Error> {
    text.map(StatusSet::parse)
        .transpose()
        .map(|s| s.unwrap_or_else(StatusSet::default_set))
}

impl ProbeBalancerRequest {
    fn context(&self, gate: Option<AddressGate>) -> Result<Ctx, Error> {
        Connection {
            ipv4: self.ipv4,
            ipv6: self.ipv6,
            resolve: &self.resolve,
            cacert: self.cacert.as_ref(),
            ..Connection::single_shot(
                self.connect_timeout,
                self.timeout,
                self.insecure,
                &self.headers,
                self.bearer.as_deref(),
            )
        }
        .context(gate)
    }

    pub fn validate(&self) -> Result<(), Error> {
        http_target(&self.url)?;
        if self.requests == 0 {
            return Err(Error::usage("requests", "needs at least 1 request"));
        }
        if self.requests > MAX_REQUESTS {
            return Err(Error::usage(
                "requests",
                format!("at most {MAX_REQUESTS} requests (a probe, not a load test)"),
            ));
        }
        expect_status(self.expect_status.as_deref())?;
        self.context(None).map(|_| ())
    }
}

/// With a watch (`oncall mcp`), a cancel ends the run within 100 ms (an error).
pub fn run_with(
    req: &ProbeBalancerRequest,
    gate: Option<AddressGate>,
    progress: &mut dyn FnMut(usize, usize),
    watch: Option<&Watch>,
) -> Result<BalancerReport, Error> {
    req.validate()?;
    let target = http_target(&req.url)?;
    let ctx = req.context(gate)?;
    let identify = match (&req.backend_header, &req.backend_field, &req.backend_cookie) {
        (Some(h), _, _) => Identify::Header(h.to_ascii_lowercase()),
        (None, Some(f), _) => Identify::Field(f.clone()),
        (None, None, Some(c)) => Identify::Cookie(c.clone()),
        (None, None, None) => Identify::Default,
    };
    let o = BalancerOptions {
        requests: req.requests,
        reuse: req.reuse,
        identify,
        expect_status: expect_status(req.expect_status.as_deref())?,
    };
    let rt = probe::runtime()?;
    let work = balancer::run_with_progress(&ctx, &target, &o, progress);
    match watch {
        None => Ok(rt.block_on(work)),
        Some(w) => rt.block_on(super::probe::until_cancelled(w, work)),
    }
}

pub fn run(req: &ProbeBalancerRequest) -> Result<BalancerReport, Error> {
    run_with(req, None, &mut |_, _| {}, None)
}
