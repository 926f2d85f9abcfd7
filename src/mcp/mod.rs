//! `oncall mcp`: the diagnostics, cheat sheet and runbooks as a Model Context Protocol server
//! over stdio (newline-delimited JSON-RPC: stdout carries only protocol messages, diagnostics
//! go to stderr; it ends when stdin closes), or Streamable HTTP with `--http` (http.rs). Built
//! on the official Rust SDK, rmcp; its tokio runtime is built here alone, so no other command
//! pays for it.
//!
//! Read-only by construction: every tool calls a request's `run` (request/), which reads;
//! paths are checked against an allowlist, probe targets against the metadata gate; host
//! text is cleaned and its fields named; results fit a page and a byte budget.

pub mod allowlist;
pub mod budget;
mod cheat_shapes;
pub mod client_roots;
pub mod env;
#[cfg(test)]
mod fuzz_tests;
pub mod http;
pub mod logs_paths;
mod output;
pub mod prompts;
pub mod resources;
pub mod server;
pub mod targets;
pub mod tools;
pub mod untrusted;

use crate::error::Error;
use crate::exit_codes;
use rmcp::ServiceExt;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

/// What `oncall mcp`'s flags decide.
#[derive(Debug, Clone)]
pub struct McpOptions {
    pub allow_paths: Vec<PathBuf>,
    pub allow_targets: Vec<String>,
    pub budget: usize,
    pub tool_timeout: Duration,
    /// `--http ADDR`: Streamable HTTP instead of stdio.
    pub http: Option<http::HttpOptions>,
}

/// The server's policy, shared by every call.
pub struct McpSettings {
    pub allow: Arc<allowlist::Allowlist>,
    pub targets: Arc<targets::Targets>,
    pub budget: usize,
    pub tool_timeout: Duration,
}

pub fn run(opts: McpOptions) -> Result<u8, Error> {
    if opts.budget < 1024 {
        return Err(Error::usage("--max-result-bytes", "at least 1024"));
    }
    if opts.tool_timeout.is_zero() {
        return Err(Error::usage(
            "--tool-timeout",
            "must be above zero (e.g. 60s)",
        ));
    }
    for p in &opts.allow_paths {
        if !p.is_dir() {
            return Err(Error::usage(
                format!("--allow-path {}", p.display()),
                "not a directory",
            ));
        }
    }
    let settings = McpSettings {
        allow: Arc::new(allowlist::Allowlist::new(&opts.allow_paths)),
        targets: Arc::new(targets::Targets::new(&opts.allow_targets)?),
        budget: opts.budget,
        tool_timeout: opts.tool_timeout,
    };
    let sheet = crate::request::sheet::load(None);
    for w in &sheet.warnings {
        crate::render::stderr::line(format_args!("oncall: warning: {w}"));
    }
    let server = server::OncallServer::new(sheet, settings);
    // One thread for the protocol; tools run on tokio's blocking threads.
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()?;
    if let Some(http) = opts.http {
        rt.block_on(http::serve(server, http))?;
        rt.shutdown_timeout(Duration::from_millis(100));
        return Ok(exit_codes::SUCCESS);
    }
    rt.block_on(async move {
        let running = match server.serve(rmcp::transport::stdio()).await {
            Ok(r) => r,
            // stdin closed before any client spoke: nothing to serve, a quiet end.
            Err(rmcp::service::ServerInitializeError::ConnectionClosed(_)) => return Ok(()),
            Err(e) => return Err(Error::usage("mcp", e)),
        };
        running
            .waiting()
            .await
            .map_err(|e| Error::usage("mcp", e))?;
        Ok::<(), Error>(())
    })?;
    // Blocking work a client abandoned (a walk on a dead mount) must not hold the exit.
    rt.shutdown_timeout(Duration::from_millis(100));
    Ok(exit_codes::SUCCESS)
}
