//! `oncall probe`: health probes of HTTP(S), TCP and gRPC targets with phase timings,
//! checks, TLS details, retries and thresholds; load-balancer and gateway views.
//!
//! Targets and options → `run` (one tokio runtime, built here and nowhere else) → plain
//! reports (`report`, `balancer::BalancerReport`, `gateway::GatewayReport`) → `render::probe`.

pub mod balancer;
pub mod cert;
pub mod checks;
pub mod clock;
pub mod close_notify;
pub mod connect;
pub mod deadline;
pub mod dial;
pub mod exchange;
pub mod gateway;
pub mod grpc;
pub mod http;
pub mod jwt;
pub mod report;
pub mod request;
pub mod resolve;
pub mod run;
pub mod secrets;
pub mod target;
pub mod targets_file;
pub mod tls;
pub mod tls_errors;
#[cfg(test)]
mod untrusted_input;
pub mod watch;

use checks::CheckSpec;
use hyper::header::{HeaderName, HeaderValue};
use resolve::Resolver;
use std::time::Duration;
use target::Target;

/// Everything a run needs, decided from the flags.
#[derive(Clone)]
pub struct ProbeOptions {
    /// `-4`/`-6` and `--resolve`.
    pub resolver: Resolver,
    pub each_ip: bool,
    pub connect_timeout: Duration,
    /// The whole probe of one target (all hops of a redirect chain).
    pub timeout: Duration,
    pub max_redirects: usize,
    pub body_cap: usize,
    pub retries: u32,
    pub interval: Duration,
    pub failure_threshold: u32,
    pub success_threshold: u32,
    pub concurrency: usize,
    /// `-H` and `--bearer`, sent with every request (values never printed).
    pub headers: Vec<(HeaderName, HeaderValue)>,
    /// The HTTP request's method and body: GET and none for the CLI; `oncall serve` sets
    /// them from a blackbox module (`method`, `body`).
    pub request: RequestShape,
}

/// Method and body of a probe's HTTP request. A redirect with 301, 302 or 303 turns it into
/// a GET without a body, as browsers, curl -L and Go's client do; 307 and 308 keep both.
#[derive(Debug, Clone)]
pub struct RequestShape {
    pub method: hyper::Method,
    pub body: bytes::Bytes,
}

impl Default for RequestShape {
    fn default() -> RequestShape {
        RequestShape {
            method: hyper::Method::GET,
            body: bytes::Bytes::new(),
        }
    }
}

/// One target with the checks that apply to it (the flags', or its `--targets` line's).
#[derive(Debug, Clone)]
pub struct TargetSpec {
    pub target: Target,
    pub checks: CheckSpec,
}

/// The run's shared state: options and TLS trust.
#[derive(Clone)]
pub struct Ctx {
    pub opts: ProbeOptions,
    pub tls: tls::TlsSettings,
}

/// The default read cap of a response body: enough for any health document, bounded memory.
pub const BODY_CAP: usize = 1 << 20;

/// A single-threaded runtime: probes wait on the network, not the CPU, and one thread keeps
/// start-up cheap. Only `oncall probe` builds it.
pub fn runtime() -> std::io::Result<tokio::runtime::Runtime> {
    tokio::runtime::Builder::new_current_thread()
        .enable_io()
        .enable_time()
        .build()
}
