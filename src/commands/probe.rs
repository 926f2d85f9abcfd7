//! `oncall probe`: flags → options and target specs → the probe run (its own runtime) →
//! renderer → exit code (0 all pass, 1 a failure, 2 bad input; `--nagios` 0/1/2/3).

use crate::cli::ProbeArgs;
use crate::error::Error;
use crate::exit_codes;
use crate::probe::balancer::{self, BalancerOptions, Identify};
use crate::probe::checks::{CheckSpec, StatusSet};
use crate::probe::gateway::{self, GatewayOptions};
use crate::probe::resolve::{Family, Override, Resolver};
use crate::probe::{self, run, target, targets_file, watch, Ctx, ProbeOptions, TargetSpec};
use crate::render::probe::{self as view, NagiosState};
use crate::render::{Format, Ui};
use std::io::Write;
use std::sync::Arc;

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

fn run_inner(mut args: ProbeArgs, ui: &Ui, out: &mut dyn Write) -> Result<u8, Error> {
    // `--bearer @FILE` keeps the token out of `ps` and shell history.
    if let Some(path) = args.bearer.as_deref().and_then(|b| b.strip_prefix('@')) {
        let token = std::fs::read_to_string(path)
            .map_err(|e| Error::usage(format!("--bearer @{path}"), e))?;
        args.bearer = Some(token.trim().to_string());
    }
    let checks = CheckSpec::parse(
        args.expect_status.as_deref(),
        args.expect_body.as_deref(),
        &args.expect_json,
        &args.expect_header,
        args.max_latency,
        args.min_cert_days,
    )?;
    let mut specs = Vec::new();
    for t in &args.targets {
        specs.push(TargetSpec {
            target: target::parse(t)?,
            checks: checks.clone(),
        });
    }
    if let Some(path) = &args.targets_file {
        let text = std::fs::read_to_string(path)
            .map_err(|e| Error::usage(format!("--targets {}", path.display()), e))?;
        specs.extend(targets_file::parse(
            &text,
            &path.display().to_string(),
            &checks,
        )?);
    }
    if specs.is_empty() {
        return Err(Error::usage(
            "probe",
            "no target (give URLs, tcp://host:port, grpc://host:port, or --targets FILE)",
        ));
    }
    if args.concurrency == 0 {
        return Err(Error::usage("--concurrency", "must be at least 1"));
    }
    // Zero has no meaning for these: a probe that may not take any time, a threshold met
    // before any attempt.
    for (flag, zero) in [
        ("--timeout", args.timeout.is_zero()),
        ("--connect-timeout", args.connect_timeout.is_zero()),
        ("--watch", args.watch.is_some_and(|w| w.is_zero())),
    ] {
        if zero {
            return Err(Error::usage(flag, "must be above zero (e.g. 500ms, 2s)"));
        }
    }
    for (flag, n) in [
        ("--failure-threshold", args.failure_threshold),
        ("--success-threshold", args.success_threshold),
    ] {
        if n == 0 {
            return Err(Error::usage(flag, "must be at least 1 (as in Kubernetes)"));
        }
    }
    let opts = ProbeOptions {
        resolver: Resolver {
            family: if args.ipv4 {
                Family::V4
            } else if args.ipv6 {
                Family::V6
            } else {
                Family::Any
            },
            overrides: args
                .resolve
                .iter()
                .map(|r| Override::parse(r))
                .collect::<Result<_, _>>()
                .map_err(Error::Usage)?,
            gate: None,
        },
        each_ip: args.each_ip,
        connect_timeout: args.connect_timeout,
        timeout: args.timeout,
        max_redirects: args.max_redirects,
        body_cap: probe::BODY_CAP,
        retries: args.retries,
        interval: args.interval,
        failure_threshold: args.failure_threshold,
        success_threshold: args.success_threshold,
        concurrency: args.concurrency,
        headers: crate::request::probe::request_headers(&args.headers, args.bearer.as_deref())?,
        request: Default::default(),
    };
    let tls = probe::tls::TlsSettings::new(args.insecure, args.cacert.as_deref())?;
    let ctx = Arc::new(Ctx { opts, tls });
    if args.balancer.is_some() || args.gateway {
        return views(&args, ui, out, &ctx, &specs, &checks);
    }
    let rt = probe::runtime()?;
    if let Some(every) = args.watch {
        return watch::run(&rt, ctx, specs, every, ui, out);
    }
    let report = rt.block_on(run::probe_all(ctx, specs));
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

/// Enough to see a distribution and stickiness; more is a load test, which this is not.
const MAX_BALANCER_REQUESTS: usize = 10_000;

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
    ui: &Ui,
    out: &mut dyn Write,
    ctx: &Ctx,
    specs: &[TargetSpec],
    checks: &CheckSpec,
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
    let [spec] = specs else {
        return Err(Error::usage(flag, "takes exactly one URL"));
    };
    if spec.target.scheme.kind() != "http" {
        return Err(Error::usage(flag, "takes an http:// or https:// URL"));
    }
    if args.nagios || ui.format == Format::Prometheus || args.watch.is_some() {
        return Err(Error::usage(
            flag,
            "--nagios, --watch and --format prometheus apply to health probes only",
        ));
    }
    let expect_status = checks
        .expect_status
        .clone()
        .unwrap_or_else(StatusSet::default_set);
    let rt = probe::runtime()?;
    let ok = if let Some(n) = args.balancer {
        if n == 0 {
            return Err(Error::usage("--balancer", "needs at least 1 request"));
        }
        if n > MAX_BALANCER_REQUESTS {
            return Err(Error::usage(
                "--balancer",
                format!("at most {MAX_BALANCER_REQUESTS} requests (a probe, not a load test)"),
            ));
        }
        let identify = match (
            &args.backend_header,
            &args.backend_field,
            &args.backend_cookie,
        ) {
            (Some(h), _, _) => Identify::Header(h.to_ascii_lowercase()),
            (None, Some(f), _) => Identify::Field(f.clone()),
            (None, None, Some(c)) => Identify::Cookie(c.clone()),
            (None, None, None) => Identify::Default,
        };
        let o = BalancerOptions {
            requests: n,
            reuse: args.reuse,
            identify,
            expect_status,
        };
        let mut progress = Progress::new();
        let report = rt.block_on(balancer::run_with_progress(
            ctx,
            &spec.target,
            &o,
            &mut |done, of| progress.show(done, of),
        ));
        progress.clear();
        view::balancer::render(ui, out, &report)?;
        report.ok
    } else {
        let o = GatewayOptions {
            origin: args.origin.clone(),
            bearer: args.bearer.clone(),
            expect_status,
        };
        let report = rt.block_on(gateway::run(ctx, &spec.target, &o));
        view::gateway::render(ui, out, &report)?;
        report.ok
    };
    Ok(if ok {
        exit_codes::SUCCESS
    } else {
        exit_codes::FAILURE
    })
}
