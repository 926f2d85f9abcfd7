//! The plain data a probe run produces: what the renderers print and `--json` serialises.

use serde::Serialize;

#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct ProbeReport {
    pub results: Vec<ProbeResult>,
    /// `--insecure` was given: certificates were not verified.
    pub insecure: bool,
}

impl ProbeReport {
    pub fn all_ok(&self) -> bool {
        self.results.iter().all(|r| r.ok)
    }
}

/// Phase durations in milliseconds, as `curl -w` reports them: `dns`, `connect` and `tls`
/// are each phase's own duration; `ttfb` (response headers) and `total` count from the start.
#[derive(Debug, Clone, Copy, Default, Serialize, PartialEq, schemars::JsonSchema)]
pub struct Phases {
    pub dns: f64,
    pub connect: f64,
    pub tls: f64,
    pub ttfb: f64,
    pub total: f64,
}

#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct CheckResult {
    pub name: String,
    pub ok: bool,
    #[schemars(extend("x-oncall-untrusted" = true))]
    pub detail: String,
    /// A warning-class check (latency, certificate days): `--nagios` says WARNING, not CRITICAL.
    #[serde(skip)]
    pub warning_only: bool,
}

impl CheckResult {
    pub fn new(name: impl Into<String>, ok: bool, detail: impl Into<String>) -> CheckResult {
        CheckResult {
            name: name.into(),
            ok,
            detail: detail.into(),
            warning_only: false,
        }
    }
}

#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct CertSummary {
    #[schemars(extend("x-oncall-untrusted" = true))]
    pub subject: String,
    #[schemars(extend("x-oncall-untrusted" = true))]
    pub issuer: String,
    pub not_after: String,
    pub days_left: i64,
    #[serde(skip)]
    pub not_after_unix: i64,
}

#[derive(Debug, Clone, Default, Serialize, schemars::JsonSchema)]
pub struct TlsReport {
    /// "TLSv1.3", "TLSv1.2"; absent when the handshake failed.
    pub version: Option<String>,
    /// Negotiated ALPN protocol ("h2", "http/1.1").
    pub alpn: Option<String>,
    pub verified: bool,
    /// Verification was skipped (`--insecure`).
    pub insecure: bool,
    /// Why verification or the handshake failed.
    #[schemars(extend("x-oncall-untrusted" = true))]
    pub error: Option<String>,
    #[schemars(extend("x-oncall-untrusted" = true))]
    pub subject: Option<String>,
    #[schemars(extend("x-oncall-untrusted" = true))]
    pub issuer: Option<String>,
    /// The leaf's expiry, RFC 3339 UTC.
    pub not_after: Option<String>,
    pub days_left: Option<i64>,
    /// The earliest expiry in the chain the server sent (blackbox's probe_ssl_earliest_cert_expiry).
    pub earliest_not_after: Option<String>,
    pub earliest_days_left: Option<i64>,
    #[serde(skip)]
    pub earliest_not_after_unix: Option<i64>,
    pub chain: Vec<CertSummary>,
    /// The leaf as blackbox's `probe_ssl_last_chain_info` labels it (for `oncall serve`).
    #[serde(skip)]
    pub leaf_identity: Option<LeafIdentity>,
}

/// The leaf certificate's SHA-256 fingerprint (lower-case hex), subject and issuer in Go's
/// `pkix.Name.String()` form and the SAN's DNS names, as blackbox_exporter reports them.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct LeafIdentity {
    pub fingerprint_sha256: String,
    pub subject: String,
    pub issuer: String,
    pub dns_names: Vec<String>,
}

/// One hop of a redirect chain.
#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct Hop {
    #[schemars(extend("x-oncall-untrusted" = true))]
    pub url: String,
    pub status: u16,
    #[schemars(extend("x-oncall-untrusted" = true))]
    pub location: Option<String>,
    pub phases_ms: Phases,
}

#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct GrpcReport {
    pub service: String,
    /// SERVING, NOT_SERVING, UNKNOWN, SERVICE_UNKNOWN; absent when no answer came.
    pub serving_status: Option<String>,
    /// The gRPC status code (0 OK, 12 UNIMPLEMENTED …) from the trailers.
    pub grpc_status: Option<u32>,
    #[schemars(extend("x-oncall-untrusted" = true))]
    pub grpc_message: Option<String>,
}

#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct ProbeResult {
    pub target: String,
    /// "http", "tcp" or "grpc".
    pub kind: &'static str,
    pub ok: bool,
    /// HTTP status of the final response.
    pub status: Option<u16>,
    #[schemars(extend("x-oncall-untrusted" = true))]
    pub error: Option<String>,
    /// The address that answered (`ip:port`, IPv6 as `[ip]:port`).
    pub remote: Option<String>,
    /// "ipv4" or "ipv6".
    pub ip_family: Option<&'static str>,
    /// Every address the name resolved to, in the order they were tried.
    pub resolved: Vec<String>,
    /// Addresses that were tried and refused before `remote` answered.
    pub failed_addresses: Vec<String>,
    /// "HTTP/1.1" or "HTTP/2".
    pub http_version: Option<&'static str>,
    pub phases_ms: Phases,
    pub body_bytes: Option<u64>,
    /// The final response's Content-Length header, when it has one.
    pub content_length: Option<u64>,
    /// The body was longer than the cap and was not read to its end.
    pub body_truncated: bool,
    pub checks: Vec<CheckResult>,
    pub tls: Option<TlsReport>,
    pub redirects: Vec<Hop>,
    pub grpc: Option<GrpcReport>,
    /// How many attempts ran (retries and thresholds), and how many passed.
    pub attempts: u32,
    pub attempts_ok: u32,
}

impl ProbeResult {
    /// The failed checks as `name: detail`, joined by `; ` (empty when all passed).
    pub fn failed_checks(&self) -> String {
        let failed: Vec<String> = self
            .checks
            .iter()
            .filter(|c| !c.ok)
            .map(|c| format!("{}: {}", c.name, c.detail))
            .collect();
        failed.join("; ")
    }
}
