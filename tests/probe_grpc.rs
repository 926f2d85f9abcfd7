//! gRPC health probes against a loopback grpc.health.v1 server that switches between
//! SERVING and NOT_SERVING.

mod support;

use serde_json::Value;
use support::oncall;
use support::servers::{GrpcHealth, NOT_SERVING, SERVING};

fn probe(args: &[&str]) -> (i32, Value) {
    let out = oncall()
        .arg("probe")
        .args(args)
        .arg("--json")
        .output()
        .unwrap();
    let doc = serde_json::from_slice(&out.stdout)
        .unwrap_or_else(|e| panic!("no JSON ({e}): {}", String::from_utf8_lossy(&out.stdout)));
    (out.status.code().unwrap(), doc)
}

#[test]
fn serving_passes_and_not_serving_fails() {
    let g = GrpcHealth::start();
    let url = format!("grpc://127.0.0.1:{}", g.port);
    let (code, doc) = probe(&[&url]);
    assert_eq!(code, 0, "{doc:#}");
    let r = &doc["results"][0];
    assert_eq!(r["kind"], "grpc");
    assert_eq!(r["http_version"], "HTTP/2");
    assert_eq!(r["grpc"]["serving_status"], "SERVING");
    assert_eq!(r["grpc"]["grpc_status"], 0);
    g.set(NOT_SERVING);
    let (code, doc) = probe(&[&url]);
    assert_eq!(code, 1);
    let r = &doc["results"][0];
    assert_eq!(r["grpc"]["serving_status"], "NOT_SERVING");
    let c = r["checks"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["name"] == "grpc_serving")
        .unwrap();
    assert_eq!(c["ok"], false);
    assert_eq!(c["detail"], "NOT_SERVING");
    let out = oncall()
        .args(["probe", &url, "--format", "prometheus"])
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        text.contains(&format!(
            "probe_grpc_healthcheck_response{{target=\"{url}\",serving_status=\"NOT_SERVING\"}} 1"
        )),
        "{text}"
    );
    assert!(
        text.contains(&format!(
            "probe_grpc_healthcheck_response{{target=\"{url}\",serving_status=\"SERVING\"}} 0"
        )),
        "{text}"
    );
    g.set(SERVING);
    assert_eq!(probe(&[&url]).0, 0);
}

#[test]
fn a_named_service_is_asked_for_and_an_unknown_one_fails() {
    let g = GrpcHealth::start();
    let (code, doc) = probe(&[&format!("grpc://127.0.0.1:{}/known.Service", g.port)]);
    assert_eq!(code, 0, "{doc:#}");
    assert_eq!(doc["results"][0]["grpc"]["service"], "known.Service");
    let (code, doc) = probe(&[&format!("grpc://127.0.0.1:{}/other.Service", g.port)]);
    assert_eq!(code, 1);
    let r = &doc["results"][0];
    assert_eq!(r["grpc"]["grpc_status"], 5);
    assert_eq!(r["grpc"]["grpc_message"], "unknown service");
}

#[test]
fn a_plain_http_server_is_not_mistaken_for_grpc() {
    let s = support::servers::TestServer::http(|_| support::servers::Reply::new(200, "hi"));
    let (code, doc) = probe(&[&format!("grpc://127.0.0.1:{}", s.port())]);
    assert_eq!(code, 1);
    assert_eq!(doc["results"][0]["ok"], false);
}

#[test]
fn grpcs_through_nginx_tls_reaches_the_health_server() {
    let g = GrpcHealth::start();
    let pki = support::servers::Pki::new();
    let (cert, key) = pki.leaf_files(&["localhost"], -1, 60);
    let port = support::servers::free_port();
    let dir = tempfile::tempdir().unwrap();
    let http = format!(
        "  server {{\n    listen 127.0.0.1:{port} ssl http2;\n    ssl_certificate {};\n    ssl_certificate_key {};\n    \
         location / {{ grpc_pass grpc://127.0.0.1:{}; }}\n  }}",
        cert.display(),
        key.display(),
        g.port
    );
    let Some(_nginx) = support::servers::nginx(dir.path(), &http, port) else {
        return;
    };
    let url = format!("grpcs://localhost:{port}");
    let ca = pki.ca().to_str().unwrap().to_string();
    let (code, doc) = probe(&[&url, "--cacert", &ca]);
    assert_eq!(code, 0, "{doc:#}");
    let r = &doc["results"][0];
    assert_eq!(r["grpc"]["serving_status"], "SERVING");
    assert_eq!(r["tls"]["alpn"], "h2");
    assert_eq!(r["tls"]["verified"], true);
    g.set(NOT_SERVING);
    let (code, doc) = probe(&[&url, "--cacert", &ca]);
    assert_eq!(code, 1);
    assert_eq!(doc["results"][0]["grpc"]["serving_status"], "NOT_SERVING");
}
