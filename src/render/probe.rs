//! `oncall probe` output: a block per target with its verdict (terminal), JSON, Markdown,
//! Prometheus text with blackbox_exporter's metric names, and the Nagios plugin line.

pub mod balancer;
pub mod gateway;

use super::{json, markdown, table, Format, Ui};
use crate::probe::report::{ProbeReport, ProbeResult};
use std::fmt::Write as _;
use std::io::{self, Write};

pub fn render(ui: &Ui, out: &mut dyn Write, report: &ProbeReport) -> io::Result<()> {
    match ui.format {
        Format::Json => json::write(out, report),
        Format::Markdown => markdown_report(out, report),
        Format::Prometheus => out.write_all(prometheus(report).as_bytes()),
        Format::Table => terminal(ui, out, report),
    }
}

fn ms(v: f64) -> String {
    if v >= 100.0 {
        format!("{v:.0}ms")
    } else {
        format!("{v:.1}ms")
    }
}

fn headline(r: &ProbeResult) -> String {
    let mut s = String::new();
    if let Some(st) = r.status {
        let _ = write!(s, "{st} ");
    }
    if let Some(v) = r.http_version {
        let _ = write!(s, "{v} ");
    }
    if let Some(g) = r.grpc.as_ref().and_then(|g| g.serving_status.as_deref()) {
        let _ = write!(s, "{g} ");
    }
    if let Some(remote) = &r.remote {
        let _ = write!(s, "from {remote} ({})", r.ip_family.unwrap_or(""));
    }
    if let Some(e) = &r.error {
        if !s.is_empty() {
            s.push_str("; ");
        }
        s.push_str(e);
    }
    s
}

fn terminal(ui: &Ui, out: &mut dyn Write, report: &ProbeReport) -> io::Result<()> {
    let st = &ui.style;
    if report.insecure {
        writeln!(
            out,
            "{}",
            st.warn("TLS certificates are NOT verified (--insecure)")
        )?;
    }
    for r in &report.results {
        let verdict = if r.ok {
            st.good("OK  ")
        } else {
            st.bad("FAIL")
        };
        writeln!(out, "{verdict}  {}", st.bold(&r.target))?;
        writeln!(out, "      {}", headline(r))?;
        let p = &r.phases_ms;
        let mut phases = format!("dns {}  connect {}", ms(p.dns), ms(p.connect));
        if r.tls.is_some() {
            let _ = write!(phases, "  tls {}", ms(p.tls));
        }
        if r.kind != "tcp" && r.status.is_some() {
            let _ = write!(phases, "  ttfb {}", ms(p.ttfb));
        }
        let _ = write!(phases, "  total {}", ms(p.total));
        if let Some(b) = r.body_bytes {
            let _ = write!(
                phases,
                "  body {b} B{}",
                if r.body_truncated {
                    " (cut at cap)"
                } else {
                    ""
                }
            );
        }
        writeln!(out, "      {}", st.dim(&phases))?;
        if let Some(t) = &r.tls {
            let mut line = String::from("tls ");
            if let Some(v) = &t.version {
                let _ = write!(line, "{v} ");
            }
            if let Some(a) = &t.alpn {
                let _ = write!(line, "alpn {a} ");
            }
            if let Some(s) = &t.subject {
                let _ = write!(
                    line,
                    "· {s} issued by {} ",
                    t.issuer.as_deref().unwrap_or("?")
                );
            }
            if let (Some(na), Some(d)) = (&t.not_after, t.days_left) {
                let _ = write!(line, "· expires {na} ({d} days)");
            }
            if t.earliest_not_after != t.not_after {
                if let (Some(na), Some(d)) = (&t.earliest_not_after, t.earliest_days_left) {
                    let _ = write!(line, " · earliest in chain {na} ({d} days)");
                }
            }
            // A handshake that never finished has nothing to say here: the tls check says why.
            if line.trim_end() != "tls" {
                writeln!(out, "      {}", ui.wrap(line.trim_end(), 10))?;
            }
        }
        for hop in &r.redirects {
            writeln!(
                out,
                "      {}",
                st.dim(&format!(
                    "redirect {} {} → {} ({})",
                    hop.status,
                    hop.url,
                    hop.location.as_deref().unwrap_or("?"),
                    ms(hop.phases_ms.total)
                ))
            )?;
        }
        if r.attempts > 1 {
            writeln!(
                out,
                "      {} attempts, {} passed",
                r.attempts, r.attempts_ok
            )?;
        }
        let mut t = table::new(ui, &["", "check", "result", "detail"]);
        for c in &r.checks {
            let res = if c.ok { st.good("ok") } else { st.bad("FAIL") };
            t.add_row(vec![
                "    ".to_string(),
                c.name.clone(),
                res,
                c.detail.clone(),
            ]);
        }
        table::write(out, &t)?;
    }
    let ok = report.results.iter().filter(|r| r.ok).count();
    let n = report.results.len();
    let summary = format!("{ok} of {n} target{} OK", if n == 1 { "" } else { "s" });
    writeln!(
        out,
        "{}",
        if ok == n {
            st.good(&summary)
        } else {
            st.bad(&summary)
        }
    )?;
    ui.hint(
        out,
        "same as: curl -s -o /dev/null -w '%{http_code} dns %{time_namelookup} connect %{time_connect} tls %{time_appconnect} ttfb %{time_starttransfer} total %{time_total}\\n' URL",
    )
}

fn markdown_report(out: &mut dyn Write, report: &ProbeReport) -> io::Result<()> {
    let rows: Vec<Vec<String>> = report
        .results
        .iter()
        .map(|r| {
            vec![
                markdown::code(&r.target),
                if r.ok { "OK".into() } else { "**FAIL**".into() },
                r.status.map(|s| s.to_string()).unwrap_or_default(),
                r.remote.clone().unwrap_or_default(),
                format!("{:.1}", r.phases_ms.total),
                r.tls
                    .as_ref()
                    .and_then(|t| t.days_left)
                    .map(|d| d.to_string())
                    .unwrap_or_default(),
                r.failed_checks(),
            ]
        })
        .collect();
    markdown::table(
        out,
        &[
            "target",
            "verdict",
            "status",
            "remote",
            "total ms",
            "cert days",
            "failed checks",
        ],
        &rows,
    )
}

/// Go's `time.Time{}.Unix()`: what blackbox reports as the expiry of a chain it has not.
const GO_ZERO_TIME_UNIX: f64 = -62_135_596_800.0;

/// A label value in the exposition format: backslash, double quote and newline escaped.
fn label(v: &str) -> String {
    v.replace('\\', "\\\\")
        .replace('"', "\\\"")
        .replace('\n', "\\n")
}

struct Metric {
    name: &'static str,
    help: &'static str,
    samples: Vec<(String, f64)>,
}

/// blackbox_exporter's names, one series per target (plus `address` with `--each-ip`).
pub fn prometheus(report: &ProbeReport) -> String {
    let dup = |t: &str| report.results.iter().filter(|r| r.target == t).count() > 1;
    let rows = report.results.iter().map(|r| {
        let mut base = format!("target=\"{}\"", label(&r.target));
        if dup(&r.target) {
            let _ = write!(
                base,
                ",address=\"{}\"",
                label(r.remote.as_deref().unwrap_or(""))
            );
        }
        (base, r)
    });
    exposition(rows.collect(), false)
}

/// One probe as blackbox_exporter's `/probe` answers it: no target label (Prometheus adds
/// `instance` from the scrape), for `oncall serve`.
pub fn blackbox(r: &ProbeResult) -> String {
    exposition(vec![(String::new(), r)], true)
}

/// blackbox's `probe_ip_addr_hash`: FNV-1a (32 bits) of the address's bytes (4 for IPv4,
/// 16 for IPv6), so a series shows when a name starts resolving elsewhere.
fn ip_addr_hash(ip: std::net::IpAddr) -> f64 {
    let bytes = match ip {
        std::net::IpAddr::V4(a) => a.octets().to_vec(),
        std::net::IpAddr::V6(a) => a.octets().to_vec(),
    };
    let mut h: u32 = 0x811c_9dc5;
    for b in bytes {
        h = (h ^ u32::from(b)).wrapping_mul(0x0100_0193);
    }
    f64::from(h)
}

/// The metrics of each result under its base labels (empty: no labels of its own);
/// `blackbox` adds the series only blackbox_exporter's `/probe` has.
fn exposition(rows: Vec<(String, &ProbeResult)>, blackbox: bool) -> String {
    let mut metrics: Vec<Metric> = Vec::new();
    let mut add = |name: &'static str, help: &'static str, labels: String, v: f64| {
        if let Some(m) = metrics.iter_mut().find(|m| m.name == name) {
            m.samples.push((labels, v));
        } else {
            metrics.push(Metric {
                name,
                help,
                samples: vec![(labels, v)],
            });
        }
    };
    for (base, r) in rows {
        let with = |extra: &str| {
            if base.is_empty() {
                format!("{{{extra}}}")
            } else {
                format!("{{{base},{extra}}}")
            }
        };
        let plain = if base.is_empty() {
            String::new()
        } else {
            format!("{{{base}}}")
        };
        let p = &r.phases_ms;
        // Phases are whole microseconds: µs / 1e6 is the double nearest the decimal, which
        // prints in its short form (0.001136, not ms / 1000's 0.0011359999999999999).
        let s = |v: f64| (v * 1000.0).round() / 1e6;
        add(
            "probe_success",
            "Whether the probe succeeded",
            plain.clone(),
            f64::from(u8::from(r.ok)),
        );
        add(
            "probe_duration_seconds",
            "How long the probe took",
            plain.clone(),
            s(p.total),
        );
        add(
            "probe_dns_lookup_time_seconds",
            "Time taken for the DNS lookup",
            plain.clone(),
            s(p.dns),
        );
        // blackbox reports the address it chose at resolution, connected or not.
        let chosen = r
            .remote
            .iter()
            .chain(r.resolved.iter())
            .find_map(|a| a.parse::<std::net::SocketAddr>().ok());
        if let (true, Some(addr)) = (blackbox, chosen) {
            add(
                "probe_ip_addr_hash",
                "Hash of the IP address used, to see it change",
                plain.clone(),
                ip_addr_hash(addr.ip()),
            );
        }
        let family = match (blackbox, chosen) {
            (true, Some(a)) => Some(if a.is_ipv4() { "ipv4" } else { "ipv6" }),
            _ => r.ip_family,
        };
        if let Some(fam) = family {
            add(
                "probe_ip_protocol",
                "IP protocol of the address used (4 or 6)",
                plain.clone(),
                if fam == "ipv4" { 4.0 } else { 6.0 },
            );
        }
        if r.kind == "http" {
            add(
                "probe_http_status_code",
                "Response HTTP status code",
                plain.clone(),
                f64::from(r.status.unwrap_or(0)),
            );
            let processing = (p.ttfb - p.dns - p.connect - p.tls).max(0.0);
            let transfer = (p.total - p.ttfb).max(0.0);
            for (phase, v) in [
                ("resolve", p.dns),
                ("connect", p.connect),
                ("tls", p.tls),
                ("processing", processing),
                ("transfer", transfer),
            ] {
                add(
                    "probe_http_duration_seconds",
                    "Duration of the HTTP request by phase",
                    with(&format!("phase=\"{phase}\"")),
                    s(v),
                );
            }
            add(
                "probe_http_redirects",
                "The number of redirects",
                plain.clone(),
                r.redirects.len() as f64,
            );
            add(
                "probe_http_ssl",
                "Whether TLS was used for the final hop",
                plain.clone(),
                f64::from(u8::from(r.tls.is_some())),
            );
            // With no response, blackbox's /probe still has these series, at 0.
            let none = blackbox && r.status.is_none();
            if let Some(v) = r.http_version.or(none.then_some("")) {
                add(
                    "probe_http_version",
                    "The HTTP version of the response",
                    plain.clone(),
                    match v {
                        "HTTP/2" => 2.0,
                        "" => 0.0,
                        _ => 1.1,
                    },
                );
            }
            if let Some(b) = r.body_bytes.or(none.then_some(0)) {
                add(
                    "probe_http_uncompressed_body_length",
                    "Length of the body read (up to the cap)",
                    plain.clone(),
                    b as f64,
                );
            }
            // blackbox says -1 when the response has no Content-Length.
            add(
                "probe_http_content_length",
                "Length of the response content (Content-Length, -1 when absent)",
                plain.clone(),
                if none {
                    0.0
                } else {
                    r.content_length.map_or(-1.0, |n| n as f64)
                },
            );
            let regex_failed = r
                .checks
                .iter()
                .any(|c| !c.ok && (c.name == "body" || c.name.starts_with("header ")));
            add(
                "probe_failed_due_to_regex",
                "Whether a body or header regex failed",
                plain.clone(),
                f64::from(u8::from(regex_failed)),
            );
        }
        if blackbox && r.kind == "tcp" {
            // blackbox's TCP prober has it too: its query_response regexps (serve's
            // tcp_dialogue records a line that never matched as a failed `query_response`).
            let failed = r.checks.iter().any(|c| !c.ok && c.name == "query_response");
            add(
                "probe_failed_due_to_regex",
                "Whether a body or header regex failed",
                plain.clone(),
                f64::from(u8::from(failed)),
            );
        }
        if let Some(t) = &r.tls {
            if let Some(e) = t.earliest_not_after_unix {
                add(
                    "probe_ssl_earliest_cert_expiry",
                    "Earliest expiry in the certificate chain (Unix seconds)",
                    plain.clone(),
                    e as f64,
                );
                // blackbox's last verified chain; here, the chain the server sent, once
                // verification passed (one chain, so the earliest expiry is its expiry).
                if t.verified {
                    add(
                        "probe_ssl_last_chain_expiry_timestamp_seconds",
                        "Earliest expiry in the last verified chain (Unix seconds)",
                        plain.clone(),
                        e as f64,
                    );
                } else if blackbox && t.version.is_some() {
                    // Not verified (insecure_skip_verify): blackbox has no verified chain
                    // and reports Go's zero time, 0001-01-01, as Unix seconds.
                    add(
                        "probe_ssl_last_chain_expiry_timestamp_seconds",
                        "Earliest expiry in the last verified chain (Unix seconds)",
                        plain.clone(),
                        GO_ZERO_TIME_UNIX,
                    );
                }
            }
            // blackbox's leaf labels, once the handshake completed (Go has no TLS state
            // before).
            if let (true, Some(id), Some(_)) = (blackbox, &t.leaf_identity, &t.version) {
                add(
                    "probe_ssl_last_chain_info",
                    "Contains SSL leaf certificate information",
                    with(&format!(
                        "fingerprint_sha256=\"{}\",issuer=\"{}\",subject=\"{}\",subjectalternative=\"{}\"",
                        label(&id.fingerprint_sha256),
                        label(&id.issuer),
                        label(&id.subject),
                        label(&id.dns_names.join(","))
                    )),
                    1.0,
                );
            }
            if let Some(v) = &t.version {
                let v = v.replace("TLSv", "TLS ");
                add(
                    "probe_tls_version_info",
                    "The TLS version used",
                    with(&format!("version=\"{}\"", label(&v))),
                    1.0,
                );
            }
        }
        if let Some(g) = &r.grpc {
            for st in ["UNKNOWN", "SERVING", "NOT_SERVING", "SERVICE_UNKNOWN"] {
                let v = f64::from(u8::from(g.serving_status.as_deref() == Some(st)));
                add(
                    "probe_grpc_healthcheck_response",
                    "Response of the gRPC health check",
                    with(&format!("serving_status=\"{st}\"")),
                    v,
                );
            }
            if let Some(c) = g.grpc_status {
                add(
                    "probe_grpc_status_code",
                    "The gRPC status code of the response",
                    plain.clone(),
                    f64::from(c),
                );
            }
            add(
                "probe_grpc_ssl",
                "Whether the gRPC connection used TLS",
                plain.clone(),
                f64::from(u8::from(r.tls.is_some())),
            );
        }
    }
    let mut text = String::new();
    for m in metrics {
        let _ = writeln!(text, "# HELP {} {}", m.name, m.help);
        let _ = writeln!(text, "# TYPE {} gauge", m.name);
        for (labels, v) in m.samples {
            let _ = writeln!(text, "{}{labels} {v}", m.name);
        }
    }
    text
}

/// Nagios plugin states.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum NagiosState {
    Ok = 0,
    Warning = 1,
    Critical = 2,
    Unknown = 3,
}

impl NagiosState {
    pub fn word(self) -> &'static str {
        match self {
            NagiosState::Ok => "OK",
            NagiosState::Warning => "WARNING",
            NagiosState::Critical => "CRITICAL",
            NagiosState::Unknown => "UNKNOWN",
        }
    }
}

/// A failed latency or certificate-days check warns; any other failure is critical.
pub fn nagios_state(r: &ProbeResult) -> NagiosState {
    if r.ok {
        NagiosState::Ok
    } else if r.error.is_none() && r.checks.iter().filter(|c| !c.ok).all(|c| c.warning_only) {
        NagiosState::Warning
    } else {
        NagiosState::Critical
    }
}

/// A perfdata label: single-quoted, without `=` or quotes inside.
fn perf_label(s: &str) -> String {
    format!("'{}'", s.replace(['=', '\''], "_"))
}

/// `PROBE OK - 2 of 2 targets OK | 'url time'=0.0012s;0.3;;0 …` and the state for the exit code.
pub fn nagios(report: &ProbeReport, max_latency_s: Option<f64>) -> (NagiosState, String) {
    let state = report
        .results
        .iter()
        .map(nagios_state)
        .max()
        .unwrap_or(NagiosState::Unknown);
    let ok = report.results.iter().filter(|r| r.ok).count();
    let mut line = format!(
        "PROBE {} - {ok} of {} targets OK",
        state.word(),
        report.results.len()
    );
    for r in report.results.iter().filter(|r| !r.ok) {
        let why: Vec<String> = r
            .checks
            .iter()
            .filter(|c| !c.ok)
            .map(|c| format!("{}: {}", c.name, c.detail))
            .collect();
        let why = if why.is_empty() {
            r.error.clone().unwrap_or_default()
        } else {
            why.join(", ")
        };
        let _ = write!(line, "; {} {} ({why})", nagios_state(r).word(), r.target);
    }
    line = line.replace('|', "/");
    let warn = max_latency_s.map(|s| s.to_string()).unwrap_or_default();
    let mut perf = Vec::new();
    for r in &report.results {
        let name = match &r.remote {
            Some(a)
                if report
                    .results
                    .iter()
                    .filter(|x| x.target == r.target)
                    .count()
                    > 1 =>
            {
                format!("{} {a}", r.target)
            }
            _ => r.target.clone(),
        };
        perf.push(format!(
            "{}={:.6}s;{warn};;0",
            perf_label(&format!("{name} time")),
            r.phases_ms.total / 1000.0
        ));
        if let Some(d) = r.tls.as_ref().and_then(|t| t.earliest_days_left) {
            perf.push(format!(
                "{}={d};;;",
                perf_label(&format!("{name} cert_days"))
            ));
        }
    }
    (state, format!("{line} | {}\n", perf.join(" ")))
}
