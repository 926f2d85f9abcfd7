//! `--balancer` against a real haproxy (Debian package `haproxy`) in front of three loopback
//! backends, one failing, with cookie stickiness; and backend identification by JSON field.
//! Skips with a reason when haproxy is missing, except under CI, where it must run.

mod support;

use serde_json::Value;
use std::process::{Command, Stdio};
use support::oncall;
use support::servers::{find_binary, free_port, wait_for_port, Daemon, Reply, Req, TestServer};

fn backend(name: &'static str, status: u16) -> TestServer {
    TestServer::http(move |_: &Req| {
        Reply::new(status, &format!("{{\"node\":\"{name}\"}}")).header("X-Served-By", name)
    })
}

/// haproxy round-robin over three backends (b3 answers 500), inserting cookie SRV.
fn haproxy() -> Option<(Daemon, u16, Vec<TestServer>, tempfile::TempDir)> {
    let Some(bin) = find_binary("haproxy") else {
        assert!(
            std::env::var_os("CI").is_none(),
            "haproxy must be installed under CI (.ci/run installs it)"
        );
        eprintln!("skipped: haproxy is not installed (apt-get install haproxy)");
        return None;
    };
    let backends = vec![backend("b1", 200), backend("b2", 200), backend("b3", 500)];
    let port = free_port();
    let dir = tempfile::tempdir().unwrap();
    let mut cfg = format!(
        "global\n  maxconn 256\n\
         defaults\n  mode http\n  timeout connect 2s\n  timeout client 10s\n  timeout server 10s\n\
         frontend fe\n  bind 127.0.0.1:{port}\n  default_backend be\n\
         backend be\n  balance roundrobin\n  cookie SRV insert indirect nocache\n"
    );
    for (i, b) in backends.iter().enumerate() {
        cfg.push_str(&format!(
            "  server b{n} 127.0.0.1:{p} cookie b{n}\n",
            n = i + 1,
            p = b.port()
        ));
    }
    let path = dir.path().join("haproxy.cfg");
    std::fs::write(&path, cfg).unwrap();
    let child = Command::new(bin)
        .args(["-db", "-f"])
        .arg(&path)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let daemon = Daemon(child);
    assert!(wait_for_port(port), "haproxy did not listen on {port}");
    Some((daemon, port, backends, dir))
}

fn balancer(args: &[&str]) -> (i32, Value) {
    let out = oncall()
        .args(["probe", "--json"])
        .args(args)
        .output()
        .unwrap();
    let doc = serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
        panic!(
            "no JSON ({e}): {} {}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        )
    });
    (out.status.code().unwrap(), doc)
}

fn backend_row<'a>(doc: &'a Value, name: &str) -> &'a Value {
    doc["backends"]
        .as_array()
        .unwrap()
        .iter()
        .find(|b| b["backend"] == name)
        .unwrap_or_else(|| panic!("no backend {name}: {doc:#}"))
}

#[test]
fn haproxy_distribution_failures_and_stickiness() {
    let Some((_haproxy, port, _backends, _dir)) = haproxy() else {
        return;
    };
    let url = format!("http://127.0.0.1:{port}/");
    let (code, doc) = balancer(&["--balancer", "9", &url]);
    assert_eq!(code, 1, "b3 fails: {doc:#}");
    assert_eq!(doc["requests"], 9);
    assert_eq!(doc["failed"], 3);
    assert_eq!(doc["unidentified"], 0);
    for b in ["b1", "b2"] {
        let row = backend_row(&doc, b);
        assert_eq!(row["requests"], 3, "{b}");
        assert_eq!(row["failed"], 0);
        assert_eq!(row["statuses"]["200"], 3);
    }
    let b3 = backend_row(&doc, "b3");
    assert_eq!(b3["failed"], 3);
    assert_eq!(b3["statuses"]["500"], 3);
    // Every failed sample names b3.
    for s in doc["samples"].as_array().unwrap() {
        assert_eq!(s["ok"] == false, s["backend"] == "b3", "{s}");
    }
    let sticky = &doc["stickiness"];
    assert_eq!(sticky["cookie"], "SRV");
    assert_eq!(sticky["sticky"], true, "{sticky:#}");
    assert_eq!(sticky["backends"].as_array().unwrap().len(), 1);

    // The cookie itself can name the backend.
    let (_, doc) = balancer(&["--balancer", "6", "--backend-cookie", "SRV", &url]);
    assert_eq!(backend_row(&doc, "b1")["requests"], 2);
    assert_eq!(doc["identified_by"], "cookie SRV");

    // Keep-alive through haproxy still answers every request.
    let (_, doc) = balancer(&["--balancer", "6", "--reuse", &url]);
    let total: u64 = doc["backends"]
        .as_array()
        .unwrap()
        .iter()
        .map(|b| b["requests"].as_u64().unwrap())
        .sum();
    assert_eq!(total, 6);
    assert_eq!(doc["reuse"], true);

    // The table names the backends and the stickiness verdict.
    let out = oncall()
        .args(["probe", "--balancer", "6", &url])
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    for want in [
        "b1",
        "b2",
        "b3",
        "sticky: cookie SRV",
        "2 of 6 requests failed",
    ] {
        assert!(text.contains(want), "{want}: {text}");
    }
}

#[test]
fn backend_named_by_a_json_field() {
    let s = backend("n7", 200);
    let (code, doc) = balancer(&["--balancer", "3", "--backend-field", "/node", &s.url("/")]);
    assert_eq!(code, 0, "{doc:#}");
    assert_eq!(backend_row(&doc, "n7")["requests"], 3);
    assert!(doc["stickiness"].is_null());
}

#[test]
fn balancer_usage_errors() {
    for args in [
        vec!["--balancer", "0", "http://127.0.0.1:1/"],
        vec![
            "--balancer",
            "3",
            "http://127.0.0.1:1/",
            "http://127.0.0.1:2/",
        ],
        vec!["--balancer", "3", "tcp://127.0.0.1:1"],
        vec!["--balancer", "3", "--nagios", "http://127.0.0.1:1/"],
    ] {
        let out = oncall().arg("probe").args(&args).output().unwrap();
        assert!(
            matches!(out.status.code(), Some(2) | Some(3)),
            "{args:?}: {:?}",
            out.status
        );
    }
}
