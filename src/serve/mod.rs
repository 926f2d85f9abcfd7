//! `oncall serve`: a Prometheus exporter over the same library the CLI runs. `/metrics` is
//! the last triage window (sampler.rs, in the background; triage_metrics.rs renders it),
//! `/probe` answers as blackbox_exporter does (probe_endpoint.rs over probe::run, modules
//! from blackbox_config.rs, targets limited by target_policy.rs; tcp dialogues and tcp TLS
//! in tcp_dialogue.rs), `/triage` the last report. The HTTP side (server.rs) bounds slow
//! clients, probe concurrency and connections; web_config.rs and basic_auth.rs are
//! `--web.config.file` (TLS, basic auth). alert_rules.rs is `oncall rules prometheus`.

pub mod alert_rules;
pub mod basic_auth;
pub mod blackbox_config;
pub mod heap;
pub mod probe_endpoint;
pub mod sampler;
pub mod server;
pub mod startup_text;
pub mod target_policy;
pub mod tcp_dialogue;
pub mod triage_metrics;
pub mod web_config;
pub mod workers;

use crate::error::Error;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::time::Duration;

/// Runtime worker threads at most, whatever the core count.
const MAX_WORKERS: usize = 4;

pub struct ServeOptions {
    pub listen: SocketAddr,
    pub interval: Duration,
    pub config_file: Option<PathBuf>,
    pub allow: Vec<String>,
    pub logs: Vec<PathBuf>,
    pub probe_concurrency: usize,
    /// `--web.config.file`: TLS and basic auth in the exporter-toolkit's format.
    pub web_config: Option<PathBuf>,
}

/// Reads the config (a bad one is exit 2 before anything listens), binds, starts the
/// sampler, and serves until SIGTERM or SIGINT. The tokio runtime exists only here.
pub fn run(opts: ServeOptions) -> Result<u8, Error> {
    heap::one_arena();
    let policy = target_policy::TargetPolicy::parse(&opts.allow)?;
    let modules = match &opts.config_file {
        Some(p) => blackbox_config::load(p, Some(policy.gate()))?,
        None => Default::default(),
    };
    let web = match &opts.web_config {
        Some(p) => web_config::Live::load(p)?,
        None => web_config::Live::none(),
    };
    // One worker per core the process may use (cgroup quota included), at most
    // MAX_WORKERS: probes are mostly waiting on sockets, and a single thread left /probe at
    // concurrency 64 on one core while blackbox_exporter used them all (workers.rs).
    let workers = std::thread::available_parallelism()
        .map_or(1, |n| n.get())
        .min(MAX_WORKERS);
    let workers = workers::Workers::start(workers)?;
    // This thread accepts and handles signals; connections are served by the workers.
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_io()
        .enable_time()
        .build()?;
    let listener = rt
        .block_on(tokio::net::TcpListener::bind(opts.listen))
        .map_err(|e| Error::usage(format!("--web.listen-address {}", opts.listen), e))?;
    let latest = sampler::start(sampler::SamplerOptions {
        interval: opts.interval,
        logs: opts.logs,
    })?;
    let state = server::State {
        latest,
        modules,
        policy,
        probes: std::sync::Arc::new(tokio::sync::Semaphore::new(opts.probe_concurrency.max(1))),
        connections: std::sync::Arc::new(tokio::sync::Semaphore::new(server::MAX_CONNECTIONS)),
        web,
    };
    rt.block_on(server::serve(listener, std::sync::Arc::new(state), workers))?;
    Ok(crate::exit_codes::SUCCESS)
}
