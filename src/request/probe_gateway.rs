//! `probe_gateway` (`oncall probe --gateway URL`): an API gateway's behaviour: the auth
//! challenge, the token (decoded, never verified), rate limits, CORS.

use super::probe::{Connection, FileContent};
use super::probe_balancer::{expect_status, http_target};
use super::Span;
use crate::error::Error;
use crate::probe::gateway::{self, GatewayOptions, GatewayReport};
use crate::probe::resolve::AddressGate;
use crate::probe::{self, Ctx};
use crate::triage::watch::Watch;
use schemars::JsonSchema;
use serde::Deserialize;

#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, default)]
pub struct ProbeGatewayRequest {
    /// The http:// or https:// URL of an API behind the gateway.
    pub url: String,
    /// Bearer token to try (never shown; a JWT is decoded, not verified).
    pub bearer: Option<String>,
    /// Origin for a CORS preflight, e.g. "https://app.example".
    pub origin: Option<String>,
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
}

impl Default for ProbeGatewayRequest {
    fn default() -> Self {
        ProbeGatewayRequest {
            url: String::new(),
            bearer: None,
            origin: None,
            expect_status: None,
            connect_timeout: Span::secs(5),
            timeout: Span::secs(10),
            insecure: false,
            headers: Vec::new(),
            ipv4: false,
            ipv6: false,
            resolve: Vec::new(),
            cacert: None,
        }
    }
}

impl ProbeGatewayRequest {
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
        expect_status(self.expect_status.as_deref())?;
        self.context(None).map(|_| ())
    }
}

pub fn run_with(
    req: &ProbeGatewayRequest,
    gate: Option<AddressGate>,
    progress: &mut dyn FnMut(usize, usize),
    watch: Option<&Watch>,
) -> Result<GatewayReport, Error> {
    req.validate()?;
    let target = http_target(&req.url)?;
    let ctx = req.context(gate)?;
    let o = GatewayOptions {
        origin: req.origin.clone(),
        bearer: req.bearer.clone(),
        expect_status: expect_status(req.expect_status.as_deref())?,
    };
    let rt = probe::runtime()?;
    let work = gateway::run_with_progress(&ctx, &target, &o, progress);
    match watch {
        None => Ok(rt.block_on(work)),
        Some(w) => rt.block_on(super::probe::until_cancelled(w, work)),
    }
}

pub fn run(req: &ProbeGatewayRequest) -> Result<GatewayReport, Error> {
    run_with(req, None, &mut |_, _| {}, None)
}
