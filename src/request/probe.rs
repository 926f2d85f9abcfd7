//! `probe` (`oncall probe`, curl -w): HTTP(S), TCP and gRPC health probes with phase timings
//! and checks. Also the connection settings the balancer and gateway views share.

use super::Span;
use crate::error::Error;
use crate::probe::checks::CheckSpec;
use crate::probe::report::ProbeReport;
use crate::probe::resolve::Override;
use crate::probe::resolve::{AddressGate, Family, Resolver};
use crate::probe::{self, run, target, targets_file, Ctx, ProbeOptions, RequestShape, TargetSpec};
use crate::triage::watch::Watch;
use hyper::header::{HeaderName, HeaderValue, AUTHORIZATION};
use schemars::JsonSchema;
use serde::Deserialize;
use std::sync::Arc;
use std::time::Duration;

/// The most targets one request probes over MCP (`max_targets`' default); the CLI, where
/// the engineer types or lists them, lifts it.
pub const MAX_TARGETS: usize = 64;

/// A file's content read by the CLI, with the words that name it in errors ("--cacert
/// ca.pem"). Requests carry content, never a path: over MCP no argument makes oncall read
/// a host file (these fields are not in the schema, and serde refuses them as unknown).
#[derive(Debug, Clone)]
pub struct FileContent {
    pub name: String,
    pub bytes: Vec<u8>,
}

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
    /// Addresses for a name instead of DNS, "HOST:PORT:ADDR[,ADDR…]" (curl's --resolve);
    /// the address gate still judges every pinned address.
    pub resolve: Vec<String>,
    /// Consecutive failures before a target is unhealthy (as Kubernetes).
    pub failure_threshold: u32,
    /// Consecutive passes before a target is healthy (as Kubernetes).
    pub success_threshold: u32,
    /// Targets probed at once.
    pub concurrency: usize,
    /// `--cacert FILE`, read by the CLI: the CA bundle that replaces the system roots.
    #[serde(skip)]
    #[schemars(skip)]
    pub cacert: Option<FileContent>,
    /// `--targets FILE`, read by the CLI: one target a line, each with its own checks.
    #[serde(skip)]
    #[schemars(skip)]
    pub targets_file: Option<FileContent>,
    /// The most targets (`MAX_TARGETS` over MCP; the CLI sets no bound).
    #[serde(skip)]
    #[schemars(skip)]
    pub max_targets: usize,
    /// The HTTP method and body (GET and none; the exporter's modules set them).
    #[serde(skip)]
    #[schemars(skip)]
    pub shape: RequestShape,
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
            resolve: Vec::new(),
            failure_threshold: 1,
            success_threshold: 1,
            concurrency: 32,
            cacert: None,
            targets_file: None,
            max_targets: MAX_TARGETS,
            shape: RequestShape::default(),
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
    pub resolve: &'a [String],
    pub cacert: Option<&'a FileContent>,
    pub failure_threshold: u32,
    pub success_threshold: u32,
    pub concurrency: usize,
}

impl<'a> Connection<'a> {
    /// One attempt per request, no redirects: what the balancer and gateway checks send
    /// (their own requests decide what to repeat).
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
            resolve: &[],
            cacert: None,
            failure_threshold: 1,
            success_threshold: 1,
            concurrency: 1,
        }
    }

    /// The run's context; `gate` refuses addresses (every hop's, pinned ones too) before
    /// any connect. Every check of the connection's values is here, in the flags' words.
    pub fn context(&self, gate: Option<AddressGate>) -> Result<Ctx, Error> {
        if self.concurrency == 0 {
            return Err(Error::usage("--concurrency", "must be at least 1"));
        }
        // Zero has no meaning for these: a probe that may not take any time, a threshold met
        // before any attempt.
        for (what, zero) in [
            ("--timeout", self.timeout.is_zero()),
            ("--connect-timeout", self.connect_timeout.is_zero()),
        ] {
            if zero {
                return Err(Error::usage(what, "must be above zero (e.g. 500ms, 2s)"));
            }
        }
        for (what, n) in [
            ("--failure-threshold", self.failure_threshold),
            ("--success-threshold", self.success_threshold),
        ] {
            if n == 0 {
                return Err(Error::usage(what, "must be at least 1 (as in Kubernetes)"));
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
        let overrides = self
            .resolve
            .iter()
            .map(|r| Override::parse(r))
            .collect::<Result<_, _>>()
            .map_err(Error::Usage)?;
        let opts = ProbeOptions {
            resolver: Resolver {
                family,
                overrides,
                gate,
            },
            each_ip: self.each_ip,
            connect_timeout: self.connect_timeout.0,
            timeout: self.timeout.0,
            max_redirects: self.max_redirects,
            body_cap: probe::BODY_CAP,
            retries: self.retries,
            interval: self.interval.0,
            failure_threshold: self.failure_threshold,
            success_threshold: self.success_threshold,
            concurrency: self.concurrency,
            headers: request_headers(self.headers, self.bearer)?,
            request: Default::default(),
        };
        let cacert = self.cacert.map(|c| (c.name.as_str(), c.bytes.as_slice()));
        let tls = probe::tls::TlsSettings::from_pem(self.insecure, cacert)?;
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
            resolve: &self.resolve,
            cacert: self.cacert.as_ref(),
            failure_threshold: self.failure_threshold,
            success_threshold: self.success_threshold,
            concurrency: self.concurrency,
        }
    }

    /// The targets with their checks (the request's, then the targets file's lines with
    /// theirs), refusing bad input before anything connects.
    pub fn specs(&self) -> Result<Vec<TargetSpec>, Error> {
        let checks = CheckSpec::parse(
            self.expect_status.as_deref(),
            self.expect_body.as_deref(),
            &self.expect_json,
            &self.expect_header,
            self.max_latency.map(|s| s.0),
            self.min_cert_days,
        )?;
        let mut specs = self
            .targets
            .iter()
            .map(|t| {
                Ok(TargetSpec {
                    target: target::parse(t)?,
                    checks: checks.clone(),
                })
            })
            .collect::<Result<Vec<_>, Error>>()?;
        if let Some(f) = &self.targets_file {
            let text = std::str::from_utf8(&f.bytes)
                .map_err(|_| Error::usage(&f.name, "stream did not contain valid UTF-8"))?;
            specs.extend(targets_file::parse(text, &f.name, &checks)?);
        }
        if specs.is_empty() {
            return Err(Error::usage(
                "targets",
                "no target (give URLs, tcp://host:port or grpc://host:port)",
            ));
        }
        if specs.len() > self.max_targets {
            return Err(Error::usage(
                "targets",
                format!("at most {} at once", self.max_targets),
            ));
        }
        Ok(specs)
    }

    /// Everything a run needs, validated: the one place the CLI, MCP and the exporter's
    /// requests are checked and turned into the probe's context and targets.
    pub fn plan(&self, gate: Option<AddressGate>) -> Result<Plan, Error> {
        let specs = self.specs()?;
        let mut ctx = self.connection().context(gate)?;
        ctx.opts.request = self.shape.clone();
        Ok(Plan {
            ctx: Arc::new(ctx),
            specs,
        })
    }

    pub fn validate(&self) -> Result<(), Error> {
        self.plan(None).map(|_| ())
    }
}

/// A validated request: the probe's context and its targets.
pub struct Plan {
    pub ctx: Arc<Ctx>,
    pub specs: Vec<TargetSpec>,
}

impl Plan {
    /// Every target, `concurrency` at a time, results in the targets' order; `tell` hears
    /// each target as it finishes. For a caller inside a runtime (the exporter).
    pub async fn probe(self, tell: Option<Arc<run::Tell>>) -> ProbeReport {
        run::probe_all_told(self.ctx, self.specs, tell).await
    }
}

/// How often a watched run looks at its cancel flag.
const LOOK_EVERY: Duration = Duration::from_millis(100);

/// Probes every target on a runtime of its own (the caller's thread blocks). With a watch
/// (`oncall mcp`), each finished target is told and a cancel ends the run within 100 ms,
/// dropping its connections; a cancelled run is an error.
pub fn run_with(
    req: &ProbeRequest,
    gate: Option<AddressGate>,
    watch: Option<Watch>,
) -> Result<ProbeReport, Error> {
    let plan = req.plan(gate)?;
    let rt = probe::runtime()?;
    let Some(w) = watch else {
        return Ok(rt.block_on(plan.probe(None)));
    };
    let tell = Arc::clone(&w.tell);
    rt.block_on(until_cancelled(&w, plan.probe(Some(tell))))
}

/// `work`, unless the watch's cancel flag is set first.
pub async fn until_cancelled<T>(
    w: &Watch,
    work: impl std::future::Future<Output = T>,
) -> Result<T, Error> {
    let cancelled = async {
        while !w.cancelled() {
            tokio::time::sleep(LOOK_EVERY).await;
        }
    };
    tokio::select! {
        r = work => Ok(r),
        () = cancelled => Err(Error::Interrupted),
    }
}

pub fn run(req: &ProbeRequest) -> Result<ProbeReport, Error> {
    run_with(req, None, None)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::request::probe_balancer::ProbeBalancerRequest;
    use crate::request::probe_gateway::ProbeGatewayRequest;

    /// The fields that carry a file's content (and the exporter's and CLI's own settings) are
    /// neither in the MCP schema nor accepted from JSON: no argument makes oncall read a file.
    #[test]
    fn file_fields_are_not_arguments() {
        for schema in [
            crate::request::schema::portable::<ProbeRequest>(),
            crate::request::schema::portable::<ProbeBalancerRequest>(),
            crate::request::schema::portable::<ProbeGatewayRequest>(),
        ] {
            let props = schema["properties"].as_object().unwrap();
            for hidden in ["cacert", "targets_file", "max_targets", "shape"] {
                assert!(!props.contains_key(hidden), "{hidden} in {props:?}");
            }
            assert!(props.contains_key("resolve"), "{props:?}");
        }
        for field in ["cacert", "targets_file", "max_targets", "shape"] {
            let args = serde_json::json!({"targets": ["http://127.0.0.1/"], field: "/etc/passwd"});
            let e = serde_json::from_value::<ProbeRequest>(args).unwrap_err();
            assert!(e.to_string().contains("unknown field"), "{field}: {e}");
        }
        let args = serde_json::json!({"url": "http://127.0.0.1/", "cacert": "/etc/passwd"});
        assert!(serde_json::from_value::<ProbeBalancerRequest>(args.clone()).is_err());
        assert!(serde_json::from_value::<ProbeGatewayRequest>(args).is_err());
        let req: ProbeRequest =
            serde_json::from_value(serde_json::json!({"targets": ["http://127.0.0.1/"]})).unwrap();
        assert_eq!(req.max_targets, MAX_TARGETS);
        assert_eq!(req.concurrency, 32);
        assert_eq!(req.failure_threshold, 1);
    }

    #[test]
    fn one_plan_refuses_what_the_flags_refused() {
        let base = ProbeRequest {
            targets: vec!["http://127.0.0.1:1/".into()],
            ..Default::default()
        };
        let refused = |r: ProbeRequest| r.validate().unwrap_err().to_string();
        assert!(refused(ProbeRequest {
            concurrency: 0,
            ..base.clone()
        })
        .starts_with("--concurrency"));
        assert!(refused(ProbeRequest {
            failure_threshold: 0,
            ..base.clone()
        })
        .starts_with("--failure-threshold"));
        assert!(refused(ProbeRequest {
            success_threshold: 0,
            ..base.clone()
        })
        .starts_with("--success-threshold"));
        assert!(refused(ProbeRequest {
            timeout: Span::millis(0),
            ..base.clone()
        })
        .starts_with("--timeout"));
        assert!(refused(ProbeRequest {
            resolve: vec!["svc.test:80".into()],
            ..base.clone()
        })
        .starts_with("--resolve"));
        assert!(refused(ProbeRequest {
            targets: Vec::new(),
            ..base.clone()
        })
        .contains("no target"));
        assert!(refused(ProbeRequest {
            targets: vec!["http://127.0.0.1/".into(); MAX_TARGETS + 1],
            ..base.clone()
        })
        .contains("at most 64"));
        // A targets file's lines join the request's targets, each with its checks.
        let plan = ProbeRequest {
            targets_file: Some(FileContent {
                name: "fleet.txt".into(),
                bytes: b"# fleet\ntcp://127.0.0.1:1\nhttp://127.0.0.1:2/ --expect-status 204\n"
                    .to_vec(),
            }),
            max_targets: usize::MAX,
            ..base.clone()
        }
        .plan(None)
        .unwrap();
        assert_eq!(plan.specs.len(), 3);
        assert!(plan.specs[2].checks.expect_status.is_some());
        let bad = ProbeRequest {
            targets_file: Some(FileContent {
                name: "fleet.txt".into(),
                bytes: b"http://127.0.0.1/ --retries 3\n".to_vec(),
            }),
            ..base.clone()
        };
        assert!(refused(bad).starts_with("fleet.txt:1"));
        let junk = ProbeRequest {
            cacert: Some(FileContent {
                name: "--cacert junk.pem".into(),
                bytes: b"not a certificate".to_vec(),
            }),
            ..base
        };
        assert!(refused(junk).starts_with("--cacert junk.pem"));
    }

    /// `resolve` over MCP: the gate judges the pinned address as it judges a resolved one,
    /// so a name pinned to the metadata service is refused before any connect, while a name
    /// pinned to a loopback listener is probed.
    #[test]
    fn the_address_gate_judges_pinned_addresses() {
        let gate = crate::mcp::targets::Targets::new(&[]).unwrap().gate();
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let port = listener.local_addr().unwrap().port();
        let req = ProbeRequest {
            targets: vec![
                "tcp://meta.test:80".into(),
                format!("tcp://svc.test:{port}"),
            ],
            resolve: vec![
                "meta.test:80:169.254.169.254".into(),
                format!("svc.test:{port}:127.0.0.1"),
            ],
            timeout: Span::secs(5),
            ..Default::default()
        };
        let report = run_with(&req, Some(gate), None).unwrap();
        let meta = &report.results[0];
        assert!(!meta.ok);
        let why = meta.error.as_deref().unwrap_or_default();
        assert!(why.contains("link-local or metadata"), "{why}");
        assert!(meta.remote.is_none(), "{meta:?}");
        assert!(report.results[1].ok, "{:?}", report.results[1]);
    }

    /// A watched run tells each finished target and ends when cancelled, though a target
    /// still waits on a server that never answers.
    #[test]
    fn a_watched_run_tells_targets_and_stops_when_cancelled() {
        use std::sync::atomic::{AtomicBool, Ordering};
        use std::sync::Mutex;
        let hung = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let heard = Arc::new(Mutex::new(Vec::new()));
        let cancel = Arc::new(AtomicBool::new(false));
        let (h, c) = (Arc::clone(&heard), Arc::clone(&cancel));
        let watch = Watch {
            cancel: Arc::clone(&cancel),
            tell: Arc::new(move |p: f64, _t: Option<f64>, m: String| {
                let mut heard = h.lock().unwrap();
                heard.push(m);
                if p >= 2.0 {
                    c.store(true, Ordering::Relaxed);
                }
            }),
        };
        let fast = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let req = ProbeRequest {
            targets: vec![
                format!("tcp://{}", fast.local_addr().unwrap()),
                format!("tcp://{}", fast.local_addr().unwrap()),
                format!("http://{}/", hung.local_addr().unwrap()),
            ],
            timeout: Span::secs(3600),
            ..Default::default()
        };
        let started = std::time::Instant::now();
        let r = run_with(&req, None, Some(watch));
        assert!(matches!(r, Err(Error::Interrupted)), "{r:?}");
        assert!(started.elapsed() < std::time::Duration::from_secs(60));
        let heard = heard.lock().unwrap().clone();
        assert_eq!(heard.len(), 2, "{heard:?}");
        assert_eq!(heard[1], "2 of 3 targets probed, 0 failed");
    }
}
