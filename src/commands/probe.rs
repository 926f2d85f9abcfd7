//! `oncall probe`: flags → the request (probe, probe_balancer or probe_gateway) → the
//! request layer's plan and run, the same ones `oncall mcp` calls → renderer → exit code
//! (0 all pass, 1 a failure, 2 bad input; `--nagios` 0/1/2/3). `--watch` and `--nagios` are
//! presentation around the same plan. Files named by flags (`--bearer @FILE`, `--cacert`,
//! `--targets`) are read here: requests carry their content, never a path.

use crate::cli::ProbeArgs;
use crate::error::Error;
use crate::exit_codes;
use crate::probe::{checks::CheckSpec, targets_file, watch};
use crate::render::probe::{self as view, NagiosState};
use crate::render::{Format, Ui};
use crate::request::probe::{FileContent, ProbeRequest};
use crate::request::probe_balancer::ProbeBalancerRequest;
use crate::request::probe_gateway::ProbeGatewayRequest;
use crate::request::{self, Span};
use std::io::Write;
use std::path::Path;

pub fn run(args: ProbeArgs, ui: &Ui, out: &mut dyn Write) -> Result<u8, Error> {
    let nagios = args.nagios;
    match run_inner(args, ui, out) {
        // A Nagios plugin reports bad input as UNKNOWN (3) on stdout, where Nagios reads it.
        Err(Error::Usage(msg)) if nagios => {
            writeln!(out, "PROBE UNKNOWN - {}", msg.replace('|', "/"))?;
            Ok(NagiosState::Unknown as u8)
        }
        other => other,
    }
}

fn read(flag: &str, path: &Path) -> Result<FileContent, Error> {
    let name = format!("{flag} {}", path.display());
    match std::fs::read(path) {
        Ok(bytes) => Ok(FileContent { name, bytes }),
        Err(e) => Err(Error::usage(name, e)),
    }
}

/// The health probe's request: every flag but the views', `--watch` and `--nagios`.
fn probe_request(args: &ProbeArgs, bearer: Option<String>) -> Result<ProbeRequest, Error> {
    let targets_file = match &args.targets_file {
        // The file's name in its errors is the path as given ("fleet.txt:3: …").
        Some(path) => Some(FileContent {
            name: path.display().to_string(),
            ..read("--targets", path)?
        }),
        None => None,
    };
    Ok(ProbeRequest {
        targets: args.targets.clone(),
        expect_status: args.expect_status.clone(),
        expect_body: args.expect_body.clone(),
        expect_json: args.expect_json.clone(),
        expect_header: args.expect_header.clone(),
        max_latency: args.max_latency.map(Span),
        min_cert_days: args.min_cert_days,
        connect_timeout: Span(args.connect_timeout),
        timeout: Span(args.timeout),
        max_redirects: args.max_redirects,
        retries: args.retries,
        interval: Span(args.interval),
        ipv4: args.ipv4,
        ipv6: args.ipv6,
        each_ip: args.each_ip,
        insecure: args.insecure,
        headers: args.headers.clone(),
        bearer,
        resolve: args.resolve.clone(),
        failure_threshold: args.failure_threshold,
        success_threshold: args.success_threshold,
        concurrency: args.concurrency,
        cacert: args
            .cacert
            .as_deref()
            .map(|p| read("--cacert", p))
            .transpose()?,
        targets_file,
        // The engineer names the targets here: no bound but theirs.
        max_targets: usize::MAX,
        shape: Default::default(),
    })
}

fn run_inner(args: ProbeArgs, ui: &Ui, out: &mut dyn Write) -> Result<u8, Error> {
    // `--bearer @FILE` keeps the token out of `ps` and shell history.
    let bearer = match args.bearer.as_deref().and_then(|b| b.strip_prefix('@')) {
        Some(path) => Some(
            std::fs::read_to_string(path)
                .map_err(|e| Error::usage(format!("--bearer @{path}"), e))?
                .trim()
                .to_string(),
        ),
        None => args.bearer.clone(),
    };
    if args.watch.is_some_and(|w| w.is_zero()) {
        return Err(Error::usage(
            "--watch",
            "must be above zero (e.g. 500ms, 2s)",
        ));
    }
    if args.balancer.is_some() || args.gateway {
        return views(&args, bearer, ui, out);
    }
    let req = probe_request(&args, bearer)?;
    if let Some(every) = args.watch {
        let plan = req.plan(None)?;
        let rt = crate::probe::runtime()?;
        return watch::run(&rt, plan.ctx, plan.specs, every, ui, out);
    }
    let report = request::probe::run(&req)?;
    if args.nagios {
        let (state, line) = view::nagios(&report, args.max_latency.map(|d| d.as_secs_f64()));
        out.write_all(line.as_bytes())?;
        return Ok(state as u8);
    }
    view::render(ui, out, &report)?;
    Ok(if report.all_ok() {
        exit_codes::SUCCESS
    } else {
        exit_codes::FAILURE
    })
}

/// "balancer: 120 of 5000 requests" on stderr, when it is a terminal and after a second.
struct Progress {
    enabled: bool,
    started: std::time::Instant,
    last: Option<std::time::Instant>,
}

impl Progress {
    fn new() -> Progress {
        Progress {
            enabled: crate::render::stderr::shows_progress(),
            started: std::time::Instant::now(),
            last: None,
        }
    }

    fn show(&mut self, done: usize, of: usize) {
        let now = std::time::Instant::now();
        let quiet = now.duration_since(self.started) < std::time::Duration::from_secs(1)
            || self
                .last
                .is_some_and(|l| now.duration_since(l) < std::time::Duration::from_millis(100));
        if !self.enabled || quiet {
            return;
        }
        self.last = Some(now);
        crate::render::stderr::progress(Some(format_args!("balancer: {done} of {of} requests")));
    }

    fn clear(&mut self) {
        if self.last.is_some() {
            crate::render::stderr::progress(None);
        }
    }
}

/// `--balancer N` and `--gateway`: one HTTP(S) URL, a report of their own.
fn views(
    args: &ProbeArgs,
    bearer: Option<String>,
    ui: &Ui,
    out: &mut dyn Write,
) -> Result<u8, Error> {
    let flag = if args.gateway {
        "--gateway"
    } else {
        "--balancer"
    };
    if args.gateway && args.balancer.is_some() {
        return Err(Error::usage(
            "--gateway",
            "give --balancer or --gateway, not both",
        ));
    }
    let mut urls = args.targets.clone();
    if let Some(path) = &args.targets_file {
        let f = read("--targets", path)?;
        let text = String::from_utf8_lossy(&f.bytes);
        let lines = targets_file::parse(&text, &path.display().to_string(), &CheckSpec::default())?;
        urls.extend(lines.into_iter().map(|l| l.target.text));
    }
    let [url] = &urls[..] else {
        return Err(Error::usage(flag, "takes exactly one URL"));
    };
    if args.nagios || ui.format == Format::Prometheus || args.watch.is_some() {
        return Err(Error::usage(
            flag,
            "--nagios, --watch and --format prometheus apply to health probes only",
        ));
    }
    let cacert = args
        .cacert
        .as_deref()
        .map(|p| read("--cacert", p))
        .transpose()?;
    // The requests name their fields; the engineer typed flags.
    let in_flags = |e: Error| match e {
        Error::Usage(m) => Error::Usage(match m.split_once(": ") {
            Some(("url" | "requests", why)) => format!("{flag}: {why}"),
            Some(("expect_status", why)) => format!("--expect-status: {why}"),
            Some(("header", why)) => format!("-H: {why}"),
            _ => m,
        }),
        e => e,
    };
    let ok = if let Some(n) = args.balancer {
        let req = ProbeBalancerRequest {
            url: url.clone(),
            requests: n,
            reuse: args.reuse,
            backend_header: args.backend_header.clone(),
            backend_field: args.backend_field.clone(),
            backend_cookie: args.backend_cookie.clone(),
            expect_status: args.expect_status.clone(),
            connect_timeout: Span(args.connect_timeout),
            timeout: Span(args.timeout),
            insecure: args.insecure,
            headers: args.headers.clone(),
            bearer,
            ipv4: args.ipv4,
            ipv6: args.ipv6,
            resolve: args.resolve.clone(),
            cacert,
        };
        let mut progress = Progress::new();
        let report = request::probe_balancer::run_with(
            &req,
            None,
            &mut |done, of| progress.show(done, of),
            None,
        )
        .map_err(in_flags)?;
        progress.clear();
        view::balancer::render(ui, out, &report)?;
        report.ok
    } else {
        let req = ProbeGatewayRequest {
            url: url.clone(),
            bearer,
            origin: args.origin.clone(),
            expect_status: args.expect_status.clone(),
            connect_timeout: Span(args.connect_timeout),
            timeout: Span(args.timeout),
            insecure: args.insecure,
            headers: args.headers.clone(),
            ipv4: args.ipv4,
            ipv6: args.ipv6,
            resolve: args.resolve.clone(),
            cacert,
        };
        let report = request::probe_gateway::run(&req).map_err(in_flags)?;
        view::gateway::render(ui, out, &report)?;
        report.ok
    };
    Ok(if ok {
        exit_codes::SUCCESS
    } else {
        exit_codes::FAILURE
    })
}
