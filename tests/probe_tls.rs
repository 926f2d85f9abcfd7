//! TLS probes against loopback servers with certificates made in the test (rcgen): valid
//! with --cacert, untrusted, expired, wrong host, --insecure, and certificate-days checks.

mod support;

use serde_json::Value;
use support::oncall;
use support::servers::{Pki, Reply, Req, SelfSigned, TestServer};

fn probe(args: &[&str]) -> (i32, Value, String) {
    let out = oncall()
        .arg("probe")
        .args(args)
        .arg("--json")
        .output()
        .unwrap();
    let doc = serde_json::from_slice(&out.stdout)
        .unwrap_or_else(|e| panic!("no JSON ({e}): {}", String::from_utf8_lossy(&out.stdout)));
    (
        out.status.code().unwrap(),
        doc,
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

fn check<'a>(r: &'a Value, name: &str) -> &'a Value {
    r["checks"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["name"] == name)
        .unwrap_or_else(|| panic!("no check {name} in {r:#}"))
}

fn server(pki: &Pki, names: &[&str], from: i64, until: i64) -> TestServer {
    TestServer::https(pki.server(names, from, until), |_: &Req| {
        Reply::new(200, "secure")
    })
}

fn url(s: &TestServer) -> String {
    format!("https://localhost:{}/", s.port())
}

#[test]
fn a_valid_certificate_is_verified_and_described() {
    let pki = Pki::new();
    let s = server(&pki, &["localhost"], -1, 30);
    let (code, doc, err) = probe(&[&url(&s), "--cacert", pki.ca().to_str().unwrap()]);
    assert_eq!(code, 0, "{doc:#} {err}");
    let r = &doc["results"][0];
    let tls = &r["tls"];
    assert_eq!(tls["verified"], true);
    assert_eq!(tls["insecure"], false);
    assert_eq!(tls["version"], "TLSv1.3");
    assert_eq!(tls["alpn"], "http/1.1");
    assert_eq!(tls["subject"], "CN=localhost");
    assert_eq!(tls["issuer"], "CN=oncall test CA");
    let days = tls["days_left"].as_i64().unwrap();
    assert!((28..=30).contains(&days), "{days}");
    assert!(tls["not_after"].as_str().unwrap().ends_with('Z'));
    // The chain has the leaf and the CA; the leaf expires first.
    assert_eq!(tls["chain"].as_array().unwrap().len(), 2);
    assert_eq!(tls["earliest_not_after"], tls["not_after"]);
    assert!(r["phases_ms"]["tls"].as_f64().unwrap() > 0.0);
    assert_eq!(check(r, "tls")["ok"], true);
}

#[test]
fn an_untrusted_issuer_fails_but_still_shows_the_certificate() {
    let pki = Pki::new();
    let s = server(&pki, &["localhost"], -1, 30);
    let (code, doc, _) = probe(&[&url(&s)]);
    assert_eq!(code, 1);
    let r = &doc["results"][0];
    assert_eq!(r["ok"], false);
    let tls = &r["tls"];
    assert_eq!(tls["verified"], false);
    assert!(
        tls["error"]
            .as_str()
            .unwrap()
            .to_lowercase()
            .contains("issuer"),
        "{tls:#}"
    );
    assert_eq!(tls["subject"], "CN=localhost");
    assert!(tls["days_left"].is_i64());
    assert_eq!(check(r, "tls")["ok"], false);
}

#[test]
fn an_expired_certificate_fails_with_negative_days() {
    let pki = Pki::new();
    let s = server(&pki, &["localhost"], -400, -10);
    let (code, doc, _) = probe(&[&url(&s), "--cacert", pki.ca().to_str().unwrap()]);
    assert_eq!(code, 1);
    let tls = &doc["results"][0]["tls"];
    assert!(
        tls["error"]
            .as_str()
            .unwrap()
            .to_lowercase()
            .contains("expired"),
        "{tls:#}"
    );
    let days = tls["days_left"].as_i64().unwrap();
    assert!((-11..=-10).contains(&days), "{days}");
}

#[test]
fn a_certificate_for_another_host_fails() {
    let pki = Pki::new();
    let s = server(&pki, &["other.example"], -1, 30);
    let (code, doc, _) = probe(&[&url(&s), "--cacert", pki.ca().to_str().unwrap()]);
    assert_eq!(code, 1);
    let tls = &doc["results"][0]["tls"];
    let e = tls["error"].as_str().unwrap().to_lowercase();
    assert!(e.contains("name") || e.contains("other.example"), "{e}");
    assert_eq!(tls["subject"], "CN=other.example");
}

#[test]
fn insecure_skips_verification_and_says_so() {
    let pki = Pki::new();
    let s = server(&pki, &["other.example"], -400, -10);
    let (code, doc, _) = probe(&[&url(&s), "--insecure"]);
    assert_eq!(code, 0, "{doc:#}");
    assert_eq!(doc["insecure"], true);
    let r = &doc["results"][0];
    assert_eq!(r["tls"]["verified"], false);
    assert_eq!(r["tls"]["insecure"], true);
    assert!(check(r, "tls")["detail"]
        .as_str()
        .unwrap()
        .contains("--insecure"));
    let out = oncall()
        .args(["probe", &url(&s), "--insecure"])
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("NOT verified (--insecure)"), "{text}");
    // Expiry is still measured, so --min-cert-days still fails an expired certificate.
    let (code, doc, _) = probe(&[&url(&s), "--insecure", "--min-cert-days", "1"]);
    assert_eq!(code, 1);
    assert_eq!(check(&doc["results"][0], "cert_days")["ok"], false);
}

#[test]
fn min_cert_days_warns_before_expiry() {
    let pki = Pki::new();
    let s = server(&pki, &["localhost"], -1, 10);
    let ca = pki.ca().to_str().unwrap().to_string();
    let (code, doc, _) = probe(&[&url(&s), "--cacert", &ca, "--min-cert-days", "14"]);
    assert_eq!(code, 1);
    let c = check(&doc["results"][0], "cert_days");
    assert_eq!(c["ok"], false);
    let (code, _, _) = probe(&[&url(&s), "--cacert", &ca, "--min-cert-days", "5"]);
    assert_eq!(code, 0);
    // Nagios: certificate days alone are a WARNING; Prometheus gets the earliest expiry.
    let out = oncall()
        .args([
            "probe",
            &url(&s),
            "--cacert",
            &ca,
            "--min-cert-days",
            "14",
            "--nagios",
        ])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let line = String::from_utf8_lossy(&out.stdout);
    assert!(line.starts_with("PROBE WARNING"), "{line}");
    assert!(line.contains("cert_days'="), "{line}");
    let out = oncall()
        .args(["probe", &url(&s), "--cacert", &ca, "--format", "prometheus"])
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    let expiry = doc["results"][0]["tls"]["earliest_not_after"]
        .as_str()
        .unwrap()
        .to_string();
    assert!(text.contains("probe_ssl_earliest_cert_expiry{"), "{text}");
    // Verified against --cacert: the last verified chain's expiry is given too.
    assert!(
        text.contains("probe_ssl_last_chain_expiry_timestamp_seconds{"),
        "{text}"
    );
    assert!(
        text.contains("probe_tls_version_info{") && text.contains("version=\"TLS 1.3\"} 1"),
        "{text}"
    );
    assert!(text.contains("probe_http_ssl{"), "{text} {expiry}");
}

#[test]
fn a_bad_cacert_file_is_a_usage_error() {
    let dir = tempfile::tempdir().unwrap();
    let f = dir.path().join("junk.pem");
    std::fs::write(&f, "not a certificate").unwrap();
    for path in [f.to_str().unwrap(), "/nonexistent/ca.pem"] {
        let out = oncall()
            .args(["probe", "https://localhost:1/", "--cacert", path])
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(2), "{path}");
        assert!(String::from_utf8_lossy(&out.stderr).starts_with("oncall: --cacert"));
    }
}

#[test]
fn the_earliest_expiry_in_the_chain_is_reported() {
    // The CA expires before the leaf: blackbox's probe_ssl_earliest_cert_expiry is the CA's.
    let pki = Pki::with_ca_days(5);
    let s = server(&pki, &["localhost"], -1, 30);
    let ca = pki.ca().to_str().unwrap().to_string();
    let (_, doc, _) = probe(&[&url(&s), "--cacert", &ca, "--min-cert-days", "10"]);
    let tls = &doc["results"][0]["tls"];
    assert!(
        (28..=30).contains(&tls["days_left"].as_i64().unwrap()),
        "{tls:#}"
    );
    assert!(
        (4..=5).contains(&tls["earliest_days_left"].as_i64().unwrap()),
        "{tls:#}"
    );
    assert_ne!(tls["earliest_not_after"], tls["not_after"]);
    assert_eq!(tls["chain"][1]["subject"], "CN=oncall test CA");
    let c = check(&doc["results"][0], "cert_days");
    assert_eq!(c["ok"], false, "the CA's 5 days are under 10: {c}");
}

#[test]
fn nginx_over_tls_negotiates_http2_by_alpn() {
    let pki = Pki::new();
    let (cert, key) = pki.leaf_files(&["localhost"], -1, 60);
    let port = support::servers::free_port();
    let dir = tempfile::tempdir().unwrap();
    let http = format!(
        "  server {{\n    listen 127.0.0.1:{port} ssl http2;\n    ssl_certificate {};\n    ssl_certificate_key {};\n    \
         location / {{ default_type application/json; return 200 '{{\"status\":\"UP\"}}'; }}\n  }}",
        cert.display(),
        key.display()
    );
    let Some(_nginx) = support::servers::nginx(dir.path(), &http, port) else {
        return;
    };
    let url = format!("https://localhost:{port}/health");
    let ca = pki.ca().to_str().unwrap().to_string();
    let (code, doc, _) = probe(&[&url, "--cacert", &ca, "--expect-json", "/status=UP"]);
    assert_eq!(code, 0, "{doc:#}");
    let r = &doc["results"][0];
    assert_eq!(r["http_version"], "HTTP/2");
    assert_eq!(r["tls"]["alpn"], "h2");
    assert_eq!(r["tls"]["verified"], true);
    assert!(r["tls"]["version"].as_str().unwrap().starts_with("TLSv1."));
}

/// `curl --cacert self-signed.pem` trusts the server certificate itself, even when it is
/// marked CA:TRUE (which webpki alone refuses as an end entity); its name and dates are
/// still checked.
#[test]
fn a_self_signed_certificate_given_with_cacert_is_trusted() {
    let cert = SelfSigned::new(&["localhost"], -1, 30);
    let s = TestServer::https(cert.config.clone(), |_: &Req| Reply::new(200, "ok"));
    let pem = cert.pem.to_str().unwrap();
    let (code, doc, err) = probe(&[&url(&s), "--cacert", pem]);
    assert_eq!(code, 0, "{doc:#} {err}");
    let tls = &doc["results"][0]["tls"];
    assert_eq!(tls["verified"], true, "{tls:#}");
    assert_eq!(tls["subject"], "CN=localhost");
    assert_eq!(tls["issuer"], "CN=localhost");
    // Another name for the same server: the name check still applies.
    let by_ip = format!("https://127.0.0.1:{}/", s.port());
    let (code, doc, _) = probe(&[&by_ip, "--cacert", pem]);
    assert_eq!(code, 1, "{doc:#}");
    let tls = &doc["results"][0]["tls"];
    assert_eq!(tls["verified"], false);
    assert!(
        tls["error"].as_str().unwrap().contains("--cacert"),
        "{tls:#}"
    );
    // Without --cacert it is untrusted, as before.
    let (code, _, _) = probe(&[&url(&s)]);
    assert_eq!(code, 1);
    // An expired self-signed certificate is refused even when given.
    let old = SelfSigned::new(&["localhost"], -60, -1);
    let s = TestServer::https(old.config.clone(), |_: &Req| Reply::new(200, "ok"));
    let (code, doc, _) = probe(&[&url(&s), "--cacert", old.pem.to_str().unwrap()]);
    assert_eq!(code, 1, "{doc:#}");
    let error = doc["results"][0]["tls"]["error"].as_str().unwrap();
    assert!(error.contains("expired"), "{error}");
}

/// An HTTP/1.0 body delimited by the close, ended without TLS close_notify: curl reports the
/// 200, and so do we, with a note in the tls check. Where the framing says more bytes were
/// due (Content-Length, chunked), the missing close_notify stays an error.
#[test]
fn a_close_delimited_body_ended_without_close_notify_is_accepted() {
    use support::servers::tls_close_without_notify;
    let pki = Pki::new();
    let ca = pki.ca().to_str().unwrap().to_string();
    let cfg = pki.server(&["localhost"], -1, 30);
    let whole = tls_close_without_notify(cfg.clone(), b"HTTP/1.0 200 OK\r\n\r\nclose-marker-7");
    let (code, doc, err) = probe(&[
        &format!("https://localhost:{}/", whole.port()),
        "--cacert",
        &ca,
        "--expect-body",
        "close-marker-7",
    ]);
    assert_eq!(code, 0, "{doc:#} {err}");
    let r = &doc["results"][0];
    assert_eq!(r["status"], 200);
    let tls = check(r, "tls");
    assert_eq!(tls["ok"], true);
    assert!(
        tls["detail"].as_str().unwrap().contains("close_notify"),
        "{tls:#}"
    );
    for raw in [
        &b"HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\nshort"[..],
        &b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n64\r\nshort"[..],
    ] {
        let short = tls_close_without_notify(cfg.clone(), raw);
        let (code, doc, _) = probe(&[
            &format!("https://localhost:{}/", short.port()),
            "--cacert",
            &ca,
        ]);
        assert_eq!(code, 1, "{doc:#}");
        let r = &doc["results"][0];
        assert_eq!(r["ok"], false);
        let e = r["error"].as_str().unwrap();
        assert!(e.contains("close_notify"), "{e}");
    }
}

/// The case of the report: Python's http.server behind TLS.
#[test]
fn python_https_server_without_close_notify_passes() {
    let pki = Pki::new();
    let (cert, key) = pki.leaf_files(&["localhost"], -1, 30);
    let Some((_py, port)) = support::servers::python_https(&cert, &key, "py-marker-3") else {
        return;
    };
    let ca = pki.ca().to_str().unwrap().to_string();
    let url = format!("https://localhost:{port}/");
    let (code, doc, err) = probe(&[&url, "--cacert", &ca, "--expect-body", "py-marker-3"]);
    assert_eq!(code, 0, "{doc:#} {err}");
    assert!(check(&doc["results"][0], "tls")["detail"]
        .as_str()
        .unwrap()
        .contains("close_notify"));
}

/// TLS failures in words, and one handshake, one error: the summary (`error`) and the tls
/// check say the same thing, with and without `--resolve`.
#[test]
fn tls_failures_are_in_words_and_the_summary_agrees_with_the_tls_check() {
    fn same_words(url: &str, extra: &[&str]) -> String {
        let mut args = vec![url];
        args.extend_from_slice(extra);
        let (code, doc, _) = probe(&args);
        assert_eq!(code, 1, "{doc:#}");
        let r = &doc["results"][0];
        let e = r["error"].as_str().unwrap().to_string();
        assert_eq!(check(r, "tls")["detail"], e.as_str(), "{r:#}");
        assert_eq!(r["tls"]["error"], e.as_str(), "{r:#}");
        e
    }
    // A self-signed certificate marked CA:TRUE (webpki: CaUsedAsEndEntity).
    let own = SelfSigned::new(&["localhost"], -1, 30);
    let s = TestServer::https(own.config.clone(), |_: &Req| Reply::new(200, "ok"));
    let port = s.port().to_string();
    let pin = format!("localhost:{port}:127.0.0.1");
    for extra in [&[][..], &["--resolve", &pin][..]] {
        let e = same_words(&url(&s), extra);
        assert!(e.starts_with("self-signed certificate"), "{e}");
        assert!(!e.contains("CaUsedAsEndEntity"), "{e}");
    }
    // Expired: the date and the days, not seconds.
    let pki = Pki::new();
    let ca = pki.ca().to_str().unwrap().to_string();
    let old = server(&pki, &["localhost"], -400, -10);
    let pin = format!("localhost:{}:127.0.0.1", old.port());
    for extra in [
        &["--cacert", &ca][..],
        &["--cacert", &ca, "--resolve", &pin][..],
    ] {
        let e = same_words(&url(&old), extra);
        assert!(e.starts_with("certificate expired on 20"), "{e}");
        assert!(
            e.ends_with("(10 days ago)") || e.ends_with("(9 days ago)"),
            "{e}"
        );
        assert!(!e.contains("seconds"), "{e}");
    }
    // https:// to a plain-HTTP port.
    let plain = support::servers::plain_http_400();
    let e = same_words(&format!("https://127.0.0.1:{}/", plain.port()), &[]);
    assert_eq!(
        e, "the server answered in plain HTTP, not TLS (try http://)",
        "{e}"
    );
}

#[test]
fn a_handshake_that_never_finished_prints_no_empty_tls_line() {
    // The tls summary line lists version, ALPN and certificate; with none of them it was a bare
    // "tls" under the phases, saying nothing the tls check does not.
    let plain = support::servers::plain_http_400();
    let out = oncall()
        .args(["--color", "never", "probe"])
        .arg(format!("https://127.0.0.1:{}/", plain.port()))
        .assert()
        .code(1);
    let text = String::from_utf8_lossy(&out.get_output().stdout).to_string();
    assert!(text.contains("plain HTTP, not TLS"), "{text}");
    assert!(!text.lines().any(|l| l.trim() == "tls"), "{text}");
}
