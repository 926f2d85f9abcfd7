//! `oncall triage --probe`: every target has its own deadline and its own result (a hung one
//! no longer discards the others), bad targets are exit 2, and each failed probe points to
//! the right runbook and a next command that fits its kind.

mod support;

use serde_json::Value;
use std::net::TcpListener;
use support::oncall;
use support::servers::{Pki, RefusingPort, Reply, Req, TestServer};

fn triage(extra: &[&str]) -> Value {
    let mut args = vec!["triage", "--json", "--window", "1s"];
    args.extend_from_slice(extra);
    let out = oncall().args(&args).output().unwrap();
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).expect("triage prints one JSON document")
}

fn probe_finding<'a>(r: &'a Value, target: &str) -> &'a Value {
    r["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| {
            f["title"]
                .as_str()
                .unwrap()
                .starts_with(&format!("Probe of {target} failed"))
        })
        .unwrap_or_else(|| panic!("no finding for {target}: {:#}", r["findings"]))
}

#[test]
fn a_hung_target_does_not_discard_the_other_results() {
    // Accepts (the kernel's backlog) and never answers.
    let hung = TcpListener::bind("127.0.0.1:0").unwrap();
    let hung_url = format!(
        "http://127.0.0.1:{}/hung",
        hung.local_addr().unwrap().port()
    );
    let refusing = RefusingPort::new();
    let refused = format!("http://127.0.0.1:{}/refused", refusing.port);
    let good = TestServer::http(|_: &Req| Reply::new(200, "ok"));
    let good_url = good.url("/fine");
    let r = triage(&["--probe", &hung_url, &refused, &good_url]);
    let collectors = r["sections"]["collectors"].as_array().unwrap();
    let probes_section = collectors
        .iter()
        .find(|c| c["name"] == "probes")
        .expect("a probes collector status");
    assert_eq!(probes_section["status"], "ok", "{probes_section:#}");
    let probes = r["sections"]["probes"].as_array().unwrap();
    assert_eq!(probes.len(), 3, "{probes:#?}");
    let by = |t: &str| probes.iter().find(|p| p["target"] == t).unwrap();
    assert_eq!(by(&good_url)["ok"], true);
    assert_eq!(by(&refused)["ok"], false);
    assert_eq!(by(&hung_url)["ok"], false);
    let hung_detail = by(&hung_url)["detail"].as_str().unwrap();
    assert!(
        hung_detail.contains("waiting for the response head"),
        "{hung_detail}"
    );
    // A refused target is a finding of its own.
    let f = probe_finding(&r, &refused);
    assert_eq!(f["severity"], "critical");
    probe_finding(&r, &hung_url);
}

#[test]
fn a_bad_probe_target_is_a_usage_error() {
    let out = oncall()
        .args(["triage", "--window", "1s", "--probe", "notaurl"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.starts_with("oncall: ") && err.contains("notaurl"),
        "{err}"
    );
    assert_eq!(err.lines().count(), 1, "{err}");
    assert!(out.stdout.is_empty());
}

#[test]
fn a_refused_tcp_target_suggests_nc_not_curl() {
    let refusing = RefusingPort::new();
    let port = refusing.port;
    let target = format!("tcp://127.0.0.1:{port}");
    let r = triage(&["--probe", &target]);
    let f = probe_finding(&r, &target);
    let next: Vec<&str> = f["next"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c.as_str().unwrap())
        .collect();
    assert!(
        next.contains(&format!("nc -vz 127.0.0.1 {port}").as_str()),
        "{next:?}"
    );
    assert!(!next.iter().any(|c| c.starts_with("curl")), "{next:?}");
    assert_eq!(f["runbook"], "backend-unhealthy");
}

#[test]
fn an_expired_certificate_links_the_tls_runbook() {
    let pki = Pki::new();
    let s = TestServer::https(pki.server(&["localhost"], -400, -10), |_: &Req| {
        Reply::new(200, "ok")
    });
    let target = format!("https://localhost:{}/", s.port());
    let r = triage(&["--probe", &target]);
    let f = probe_finding(&r, &target);
    assert_eq!(f["runbook"], "tls-expired", "{f:#}");
}
