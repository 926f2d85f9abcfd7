//! `oncall serve --web.config.file` in the exporter-toolkit's format, with real parts: the
//! bcrypt hash is made by Apache's `htpasswd -B` (what Prometheus' docs suggest), the
//! certificate by a test CA, the scraper is Debian's Prometheus over TLS with basic auth,
//! and curl is the client that gives a wrong password or speaks plain HTTP to the TLS port.

mod support;

use std::path::Path;
use std::process::Command;
use support::oncall;
use support::prometheus::{poll, prometheus_with, query};
use support::servers::{find_binary, oncall_serve, Pki};

/// `user:hash` from htpasswd (bcrypt, cost `cost`); None when htpasswd is not installed.
fn htpasswd(user: &str, password: &str, cost: u32) -> Option<String> {
    let Some(bin) = find_binary("htpasswd") else {
        assert!(
            std::env::var_os("CI").is_none(),
            "htpasswd must be installed under CI (.ci/run installs apache2-utils)"
        );
        eprintln!("skipped: htpasswd is not installed (apt-get install apache2-utils)");
        return None;
    };
    let out = Command::new(bin)
        .args(["-nbBC", &cost.to_string(), user, password])
        .output()
        .unwrap();
    assert!(out.status.success());
    let line = String::from_utf8(out.stdout).unwrap();
    Some(line.trim().split_once(':').unwrap().1.to_string())
}

/// curl to 127.0.0.1:port over https with the test CA: (status, headers and body).
fn curl(args: &[&str], url: &str) -> (String, String) {
    let out = Command::new("curl")
        .args(["-s", "-i", "--max-time", "60", "-w", "\n%{http_code}"])
        .args(args)
        .arg(url)
        .output()
        .expect("curl runs");
    let text = String::from_utf8_lossy(&out.stdout).into_owned();
    let (body, code) = text.rsplit_once('\n').unwrap_or(("", ""));
    (code.trim().to_string(), body.to_string())
}

struct Setup {
    pki: Pki,
    ca: String,
    config: std::path::PathBuf,
}

/// A web config with a certificate for 127.0.0.1 and user alice (htpasswd's hash).
fn setup(dir: &Path) -> Option<Setup> {
    let hash = htpasswd("alice", "correct horse", 10)?;
    let pki = Pki::new();
    let (cert, key) = pki.leaf_files(&["127.0.0.1"], -1, 30);
    let config = dir.join("web.yml");
    std::fs::write(
        &config,
        format!(
            "tls_server_config:\n  cert_file: {}\n  key_file: {}\n  min_version: TLS12\n\
             http_server_config:\n  headers:\n    X-Content-Type-Options: nosniff\n\
             basic_auth_users:\n  alice: '{hash}'\n",
            cert.display(),
            key.display()
        ),
    )
    .unwrap();
    let ca = pki.ca().display().to_string();
    Some(Setup { pki, ca, config })
}

#[test]
fn prometheus_scrapes_over_tls_with_basic_auth_and_a_wrong_password_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let Some(s) = setup(dir.path()) else { return };
    let (_serve, port) = oncall_serve(&[
        "--interval",
        "1s",
        "--web.config.file",
        s.config.to_str().unwrap(),
    ]);
    let url = format!("https://127.0.0.1:{port}/metrics");

    // curl: the right password is 200 with the configured header; a wrong one, a wrong
    // user and none at all are 401 with the challenge.
    let (code, text) = curl(&["--cacert", &s.ca, "-u", "alice:correct horse"], &url);
    assert_eq!(code, "200", "{text}");
    assert!(text.contains("oncall_build_info"), "{text}");
    assert!(
        text.to_ascii_lowercase()
            .contains("x-content-type-options: nosniff"),
        "{text}"
    );
    for auth in [
        &["-u", "alice:wrong horse"][..],
        &["-u", "mallory:correct horse"],
        &[],
    ] {
        let mut args = vec!["--cacert", s.ca.as_str()];
        args.extend_from_slice(auth);
        let (code, text) = curl(&args, &url);
        assert_eq!(code, "401", "{auth:?}: {text}");
        assert!(
            text.to_ascii_lowercase()
                .contains("www-authenticate: basic"),
            "{text}"
        );
        assert!(!text.contains("oncall_build_info"), "{text}");
    }

    // Prometheus: one job with the password (up 1), one with a wrong one (up 0).
    let scrape = |job: &str, password: &str| {
        format!(
            "  - job_name: {job}\n    scheme: https\n    tls_config:\n      ca_file: {}\n\
             \x20   basic_auth:\n      username: alice\n      password: '{password}'\n\
             \x20   static_configs:\n      - targets: ['127.0.0.1:{port}']\n",
            s.ca
        )
    };
    let config = format!(
        "global:\n  scrape_interval: 1s\n  scrape_timeout: 1s\nscrape_configs:\n{}{}",
        scrape("oncall", "correct horse"),
        scrape("intruder", "wrong horse")
    );
    let Some((_prom, prom)) = prometheus_with(dir.path(), &config) else {
        return;
    };
    let up = |job: &str, v: &str| {
        poll(240, || {
            let r = query(prom, &format!("up{{job=\"{job}\"}} == {v}"));
            (!r.is_empty()).then_some(())
        })
        .is_some()
    };
    assert!(
        up("oncall", "1"),
        "Prometheus never scraped over TLS with auth"
    );
    assert!(up("intruder", "0"), "a wrong password was not refused");
    // The samples arrived through TLS: a series only /metrics has.
    let stored = poll(240, || {
        let r = query(prom, "oncall_build_info{job=\"oncall\"}");
        (!r.is_empty()).then_some(())
    });
    assert!(stored.is_some(), "no oncall_build_info in Prometheus");
}

#[test]
fn plain_http_to_the_tls_port_is_refused_cleanly() {
    let dir = tempfile::tempdir().unwrap();
    let Some(s) = setup(dir.path()) else { return };
    let (_serve, port) = oncall_serve(&[
        "--interval",
        "15s",
        "--web.config.file",
        s.config.to_str().unwrap(),
    ]);
    // Go's answer, as node_exporter with a web config gives it.
    let out = Command::new("curl")
        .args(["-s", "--max-time", "60", "-w", "\n%{http_code}"])
        .arg(format!("http://127.0.0.1:{port}/metrics"))
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        text.contains("Client sent an HTTP request to an HTTPS server."),
        "{text}"
    );
    assert!(text.trim_end().ends_with("400"), "{text}");
    // And the server goes on: /-/healthy over TLS with the password.
    let (code, text) = curl(
        &["--cacert", &s.ca, "-u", "alice:correct horse"],
        &format!("https://127.0.0.1:{port}/-/healthy"),
    );
    assert_eq!(code, "200", "{text}");
}

#[test]
fn a_web_config_key_oncall_does_not_support_is_an_error_naming_it() {
    let dir = tempfile::tempdir().unwrap();
    let cases = [
        (
            "tls_server_config:\n  cert_file: a.pem\n  key_file: a.key\n  cipher_suites: [TLS_AES_128_GCM_SHA256]\n",
            "cipher_suites",
        ),
        ("basic_auth_users:\n  alice: hunter2\n", "basic_auth_users.alice"),
        (
            "tls_server_config:\n  cert_file: missing.pem\n  key_file: missing.key\n",
            "missing.pem",
        ),
    ];
    for (text, named) in cases {
        let cfg = dir.path().join("web.yml");
        std::fs::write(&cfg, text).unwrap();
        let out = oncall()
            .args([
                "serve",
                "--web.listen-address",
                "127.0.0.1:0",
                "--web.config.file",
            ])
            .arg(&cfg)
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(2), "{text}");
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(err.starts_with("oncall: --web.config.file"), "{err}");
        assert_eq!(err.trim_end().lines().count(), 1, "{err}");
        assert!(err.contains(named), "{named}: {err}");
    }
}

/// The leaf certificate's notAfter as `openssl x509 -enddate` prints it, from a new TLS
/// connection to 127.0.0.1:port.
fn served_not_after(port: u16) -> String {
    let shown = Command::new("sh")
        .arg("-c")
        .arg(format!(
            "openssl s_client -connect 127.0.0.1:{port} -servername 127.0.0.1 </dev/null 2>/dev/null \
             | openssl x509 -noout -enddate"
        ))
        .output()
        .unwrap();
    String::from_utf8_lossy(&shown.stdout).trim().to_string()
}

#[test]
fn a_changed_password_and_a_rotated_certificate_apply_to_new_connections_without_a_restart() {
    let dir = tempfile::tempdir().unwrap();
    let Some(s) = setup(dir.path()) else { return };
    let Some(new_hash) = htpasswd("alice", "battery staple", 10) else {
        return;
    };
    let (mut serve, port) = oncall_serve(&[
        "--interval",
        "15s",
        "--web.config.file",
        s.config.to_str().unwrap(),
    ]);
    let url = format!("https://127.0.0.1:{port}/-/healthy");
    let with = |password: &str| {
        let user = format!("alice:{password}");
        curl(&["--cacert", &s.ca, "-u", &user], &url).0
    };
    assert_eq!(with("correct horse"), "200");
    assert_eq!(with("battery staple"), "401");

    // The password changes in the file: the next connection (each curl is one) sees it.
    let text = std::fs::read_to_string(&s.config).unwrap();
    let old_hash = text
        .lines()
        .find_map(|l| l.trim().strip_prefix("alice: '"))
        .and_then(|l| l.strip_suffix('\''))
        .unwrap()
        .to_string();
    std::fs::write(&s.config, text.replace(&old_hash, &new_hash)).unwrap();
    assert_eq!(with("battery staple"), "200");
    assert_eq!(with("correct horse"), "401");

    // The certificate is rotated in place (same file names, a later notAfter): a new
    // connection is served the new one.
    let before = served_not_after(port);
    assert!(before.starts_with("notAfter="), "{before}");
    let (cert, _key) = s.pki.leaf_files(&["127.0.0.1"], -1, 90);
    assert!(std::fs::read_to_string(&s.config)
        .unwrap()
        .contains(cert.to_str().unwrap()));
    let after = served_not_after(port);
    assert!(after.starts_with("notAfter="), "{after}");
    assert_ne!(before, after, "the rotated certificate was not served");
    assert_eq!(with("battery staple"), "200");

    // A file that no longer parses keeps the last good settings (TLS and the password
    // stay on) and says so on stderr.
    std::fs::write(&s.config, "tls_server_config: [not, a, map]\n").unwrap();
    assert_eq!(with("battery staple"), "200");
    assert_eq!(with("correct horse"), "401");
    let _ = serve.0.kill();
    let _ = serve.0.wait();
    let mut err = String::new();
    use std::io::Read;
    serve
        .0
        .stderr
        .take()
        .unwrap()
        .read_to_string(&mut err)
        .unwrap();
    assert!(
        err.contains("keeping the previous web configuration"),
        "{err}"
    );
    assert_eq!(
        err.matches("keeping the previous").count(),
        1,
        "said once per change: {err}"
    );
}
