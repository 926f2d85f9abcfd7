//! Modules from a blackbox_exporter `blackbox.yml`, read once at start. Every struct refuses
//! keys it does not know (serde's `deny_unknown_fields`), so a key oncall does not support
//! — `query_response`, `fail_if_body_matches_regexp`, `body`, … — is an error that names it,
//! never a probe that silently checks less than the file says.

use super::tcp_dialogue::Step;
use crate::error::Error;
use crate::probe::checks::{CheckSpec, StatusSet};
use crate::probe::resolve::{AddressGate, Family, Resolver};
use crate::probe::{self, tls::TlsSettings, Ctx, ProbeOptions};
use hyper::header::{HeaderName, HeaderValue};
use regex::Regex;
use serde::Deserialize;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct File {
    #[serde(default)]
    modules: BTreeMap<String, ModuleText>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ModuleText {
    prober: String,
    #[serde(default)]
    timeout: Option<String>,
    #[serde(default)]
    http: Option<HttpText>,
    #[serde(default)]
    tcp: Option<TcpText>,
    #[serde(default)]
    grpc: Option<GrpcText>,
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct TlsText {
    #[serde(default)]
    insecure_skip_verify: bool,
    #[serde(default)]
    ca_file: Option<PathBuf>,
    #[serde(default)]
    server_name: Option<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct HeaderRule {
    header: String,
    regexp: String,
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct HttpText {
    #[serde(default)]
    valid_status_codes: Vec<u16>,
    #[serde(default)]
    method: Option<String>,
    #[serde(default)]
    headers: BTreeMap<String, String>,
    #[serde(default)]
    fail_if_ssl: bool,
    #[serde(default)]
    fail_if_not_ssl: bool,
    #[serde(default)]
    fail_if_body_not_matches_regexp: Vec<String>,
    #[serde(default)]
    fail_if_header_not_matches: Vec<HeaderRule>,
    #[serde(default)]
    fail_if_body_matches_regexp: Vec<String>,
    #[serde(default)]
    fail_if_header_matches: Vec<HeaderRule>,
    #[serde(default)]
    body: Option<String>,
    #[serde(default)]
    tls_config: TlsText,
    #[serde(default)]
    preferred_ip_protocol: Option<String>,
    #[serde(default)]
    ip_protocol_fallback: Option<bool>,
    #[serde(default)]
    follow_redirects: Option<bool>,
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct TcpText {
    #[serde(default)]
    preferred_ip_protocol: Option<String>,
    #[serde(default)]
    ip_protocol_fallback: Option<bool>,
    #[serde(default)]
    tls: bool,
    #[serde(default)]
    tls_config: TlsText,
    #[serde(default)]
    query_response: Vec<QueryText>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct QueryText {
    #[serde(default)]
    expect: Option<String>,
    #[serde(default)]
    send: Option<String>,
    #[serde(default)]
    starttls: bool,
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct GrpcText {
    #[serde(default)]
    service: String,
    #[serde(default)]
    tls: bool,
    #[serde(default)]
    tls_config: TlsText,
    #[serde(default)]
    preferred_ip_protocol: Option<String>,
    #[serde(default)]
    ip_protocol_fallback: Option<bool>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Prober {
    Http,
    Tcp,
    Grpc { tls: bool },
}

/// One module, ready to probe with: its own probe context (headers, family, TLS trust).
pub struct Module {
    pub name: String,
    pub prober: Prober,
    /// The module's `timeout`, if it set one (the scrape timeout bounds it further).
    pub timeout: Option<Duration>,
    pub checks: CheckSpec,
    pub fail_if_ssl: bool,
    pub fail_if_not_ssl: bool,
    /// `follow_redirects: false`: a redirect is the answer, judged by its status.
    pub follow_redirects: bool,
    pub grpc_service: String,
    /// tcp `tls: true`: the connection is TLS from the start.
    pub tcp_tls: bool,
    /// tcp `query_response`: the dialogue after connecting.
    pub tcp_steps: Vec<Step>,
    /// The module's text as read, for `debug=true`.
    pub shown: String,
    pub ctx: Ctx,
}

/// blackbox's `ip4`/`ip6` preference; with its fallback (the default) either family may
/// answer, as Happy Eyeballs then chooses; without, only the preferred one.
fn family(module: &str, preferred: Option<&str>, fallback: Option<bool>) -> Result<Family, Error> {
    let preferred = match preferred.unwrap_or("ip6") {
        "ip4" | "ipv4" => Family::V4,
        "ip6" | "ipv6" => Family::V6,
        other => {
            return Err(Error::usage(
                format!("module {module}: preferred_ip_protocol '{other}'"),
                "expected ip4 or ip6",
            ))
        }
    };
    Ok(if fallback.unwrap_or(true) {
        Family::Any
    } else {
        preferred
    })
}

fn tls_settings(module: &str, t: &TlsText) -> Result<TlsSettings, Error> {
    TlsSettings::new(t.insecure_skip_verify, t.ca_file.as_deref())
        .map(|s| s.with_server_name(t.server_name.clone().filter(|n| !n.is_empty())))
        .map_err(|e| Error::usage(format!("module {module}: tls_config"), e))
}

fn options(family: Family, gate: Option<AddressGate>, max_redirects: usize) -> ProbeOptions {
    ProbeOptions {
        resolver: Resolver {
            family,
            overrides: Vec::new(),
            gate,
        },
        each_ip: false,
        // Replaced per request by the scrape's deadline (see probe_endpoint).
        connect_timeout: Duration::from_secs(10),
        timeout: Duration::from_secs(10),
        max_redirects,
        body_cap: probe::BODY_CAP,
        retries: 0,
        interval: Duration::from_secs(1),
        failure_threshold: 1,
        success_threshold: 1,
        concurrency: 1,
        headers: Vec::new(),
        request: Default::default(),
    }
}

fn module(
    name: &str,
    m: ModuleText,
    gate: &Option<AddressGate>,
    shown: String,
) -> Result<Module, Error> {
    let at = |key: &str| format!("module {name}: {key}");
    let timeout = m
        .timeout
        .as_deref()
        .map(|t| crate::duration::parse(t).map_err(|e| Error::usage(at("timeout"), e)))
        .transpose()?;
    let mut checks = CheckSpec::default();
    let (mut fail_if_ssl, mut fail_if_not_ssl, mut grpc_service) = (false, false, String::new());
    let mut follow_redirects = true;
    let (mut tcp_tls, mut tcp_steps) = (false, Vec::new());
    let (prober, ctx) = match m.prober.as_str() {
        "http" => {
            let h = m.http.unwrap_or_default();
            // Go sends the method as written; an invalid token is refused here.
            let method = match h.method.as_deref() {
                None => hyper::Method::GET,
                Some(m) => hyper::Method::from_bytes(m.as_bytes())
                    .map_err(|e| Error::usage(at("http.method"), format!("{m}: {e}")))?,
            };
            // blackbox's default is any 2xx (redirects are followed first).
            checks.expect_status = Some(if h.valid_status_codes.is_empty() {
                StatusSet::parse("200-299")?
            } else {
                let text: Vec<String> = h.valid_status_codes.iter().map(u16::to_string).collect();
                StatusSet::parse(&text.join(","))
                    .map_err(|e| Error::usage(at("http.valid_status_codes"), e))?
            });
            if h.fail_if_body_not_matches_regexp.len() > 1 {
                return Err(Error::usage(
                    at("http.fail_if_body_not_matches_regexp"),
                    "more than one regexp is not supported by oncall serve",
                ));
            }
            checks.expect_body = h
                .fail_if_body_not_matches_regexp
                .first()
                .map(|r| {
                    Regex::new(r)
                        .map_err(|e| Error::usage(at("http.fail_if_body_not_matches_regexp"), e))
                })
                .transpose()?;
            for rule in &h.fail_if_header_not_matches {
                let re = Regex::new(&rule.regexp)
                    .map_err(|e| Error::usage(at("http.fail_if_header_not_matches"), e))?;
                checks.expect_header.push((rule.header.clone(), re));
            }
            for r in &h.fail_if_body_matches_regexp {
                let re = Regex::new(r)
                    .map_err(|e| Error::usage(at("http.fail_if_body_matches_regexp"), e))?;
                checks.refuse_body.push(re);
            }
            for rule in &h.fail_if_header_matches {
                let re = Regex::new(&rule.regexp)
                    .map_err(|e| Error::usage(at("http.fail_if_header_matches"), e))?;
                checks.refuse_header.push((rule.header.clone(), re));
            }
            fail_if_ssl = h.fail_if_ssl;
            fail_if_not_ssl = h.fail_if_not_ssl;
            let fam = family(
                name,
                h.preferred_ip_protocol.as_deref(),
                h.ip_protocol_fallback,
            )?;
            follow_redirects = h.follow_redirects.unwrap_or(true);
            let redirects = if follow_redirects { 10 } else { 0 };
            let mut opts = options(fam, gate.clone(), redirects);
            opts.request = probe::RequestShape {
                method,
                body: h.body.clone().unwrap_or_default().into(),
            };
            for (k, v) in &h.headers {
                let n = HeaderName::from_bytes(k.as_bytes())
                    .map_err(|e| Error::usage(at(&format!("http.headers.{k}")), e))?;
                let mut v = HeaderValue::from_str(v)
                    .map_err(|e| Error::usage(at(&format!("http.headers.{k}")), e))?;
                v.set_sensitive(true);
                opts.headers.push((n, v));
            }
            let tls = tls_settings(name, &h.tls_config)?;
            (Prober::Http, Ctx { opts, tls })
        }
        "tcp" => {
            let t = m.tcp.unwrap_or_default();
            let fam = family(
                name,
                t.preferred_ip_protocol.as_deref(),
                t.ip_protocol_fallback,
            )?;
            let tls = tls_settings(name, &t.tls_config)?;
            tcp_tls = t.tls;
            for (i, q) in t.query_response.iter().enumerate() {
                let key = at(&format!("tcp.query_response[{i}]"));
                if q.starttls {
                    return Err(Error::usage(
                        format!("{key}.starttls"),
                        "is not supported by oncall serve (tls: true speaks TLS from the start)",
                    ));
                }
                let expect = q
                    .expect
                    .as_deref()
                    .map(|r| Regex::new(r).map_err(|e| Error::usage(format!("{key}.expect"), e)))
                    .transpose()?;
                tcp_steps.push(Step {
                    expect,
                    send: q.send.clone(),
                });
            }
            (
                Prober::Tcp,
                Ctx {
                    opts: options(fam, gate.clone(), 0),
                    tls,
                },
            )
        }
        "grpc" => {
            let g = m.grpc.unwrap_or_default();
            let fam = family(
                name,
                g.preferred_ip_protocol.as_deref(),
                g.ip_protocol_fallback,
            )?;
            let tls = tls_settings(name, &g.tls_config)?;
            grpc_service = g.service.clone();
            (
                Prober::Grpc { tls: g.tls },
                Ctx {
                    opts: options(fam, gate.clone(), 0),
                    tls,
                },
            )
        }
        other => {
            return Err(Error::usage(
                at("prober"),
                format!("'{other}' is not supported by oncall serve (http, tcp, grpc)"),
            ))
        }
    };
    Ok(Module {
        name: name.to_string(),
        prober,
        timeout,
        checks,
        fail_if_ssl,
        fail_if_not_ssl,
        follow_redirects,
        grpc_service,
        tcp_tls,
        tcp_steps,
        shown,
        ctx,
    })
}

/// Every module of the file; the first problem (unknown key, bad value) is the error.
pub fn parse(
    text: &str,
    gate: Option<AddressGate>,
) -> Result<BTreeMap<String, Arc<Module>>, Error> {
    let file: File = serde_yaml::from_str(text).map_err(|e| Error::Usage(e.to_string()))?;
    // The raw modules again, only to show them with debug=true.
    let raw: serde_yaml::Value =
        serde_yaml::from_str(text).map_err(|e| Error::Usage(e.to_string()))?;
    let mut out = BTreeMap::new();
    for (name, m) in file.modules {
        let shown = raw
            .get("modules")
            .and_then(|ms| ms.get(name.as_str()))
            .and_then(|v| serde_yaml::to_string(v).ok())
            .unwrap_or_default();
        let module = module(&name, m, &gate, shown)?;
        out.insert(name, Arc::new(module));
    }
    Ok(out)
}

pub fn load(
    path: &Path,
    gate: Option<AddressGate>,
) -> Result<BTreeMap<String, Arc<Module>>, Error> {
    let text = std::fs::read_to_string(path)
        .map_err(|e| Error::usage(format!("--config.file {}", path.display()), e))?;
    parse(&text, gate).map_err(|e| Error::usage(format!("--config.file {}", path.display()), e))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_unsupported_key_is_named() {
        let text =
            "modules:\n  banner:\n    prober: tcp\n    tcp:\n      source_ip_address: 127.0.0.2\n";
        let e = parse(text, None).err().unwrap().to_string();
        assert!(e.contains("source_ip_address"), "{e}");
        let text = "modules:\n  banner:\n    prober: tcp\n    tcp:\n      query_response:\n        - starttls: true\n";
        let e = parse(text, None).err().unwrap().to_string();
        assert!(e.contains("query_response[0].starttls"), "{e}");
        let e = parse(
            "modules:\n  p:\n    prober: http\n    http:\n      method: 'PO ST'\n",
            None,
        )
        .err()
        .unwrap()
        .to_string();
        assert!(e.contains("http.method"), "{e}");
    }

    #[test]
    fn modules_read_as_blackbox_means_them() {
        let text = "modules:\n  http_2xx:\n    prober: http\n    timeout: 5s\n    http:\n      valid_status_codes: [200, 301]\n      preferred_ip_protocol: ip4\n      ip_protocol_fallback: false\n  tcp_connect:\n    prober: tcp\n";
        let m = parse(text, None).unwrap();
        let h = &m["http_2xx"];
        assert_eq!(h.prober, Prober::Http);
        assert_eq!(h.timeout, Some(Duration::from_secs(5)));
        let codes = h.checks.expect_status.as_ref().unwrap();
        assert!(codes.contains(301) && !codes.contains(302));
        assert_eq!(h.ctx.opts.resolver.family, Family::V4);
        assert_eq!(m["tcp_connect"].prober, Prober::Tcp);
    }
}
