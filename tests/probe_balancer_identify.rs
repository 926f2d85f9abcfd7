//! `--balancer` without a --backend-… flag behind nginx, which gives every response its own
//! `Server: nginx`: the candidate whose value varies (X-Served-By) names the backends, the
//! report says which one was used, and the stickiness verdict follows it; when no header
//! varies, a JSON body field (`node`) does.

mod support;

use serde_json::Value;
use support::oncall;
use support::servers::{free_port, nginx, Reply, Req, TestServer};

fn balancer(args: &[&str]) -> Value {
    let out = oncall()
        .args(["probe", "--json"])
        .args(args)
        .output()
        .unwrap();
    serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
        panic!(
            "no JSON ({e}): {} {}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        )
    })
}

fn names(doc: &Value) -> Vec<String> {
    let mut v: Vec<String> = doc["backends"]
        .as_array()
        .unwrap()
        .iter()
        .map(|b| b["backend"].as_str().unwrap().to_string())
        .collect();
    v.sort();
    v
}

/// nginx round-robin over `backends` on a quiet port.
fn front(backends: &[TestServer]) -> Option<(support::servers::Daemon, u16, tempfile::TempDir)> {
    let port = free_port();
    let dir = tempfile::tempdir().unwrap();
    let servers: String = backends
        .iter()
        .map(|b| format!("    server 127.0.0.1:{};\n", b.port()))
        .collect();
    let http = format!(
        "  upstream be {{\n{servers}  }}\n  server {{\n    listen 127.0.0.1:{port};\n    \
         location / {{ proxy_pass http://be; }}\n  }}"
    );
    let daemon = nginx(dir.path(), &http, port)?;
    Some((daemon, port, dir))
}

#[test]
fn the_header_that_varies_names_the_backends_behind_nginx() {
    let backends: Vec<TestServer> = ["n1", "n2", "n3"]
        .into_iter()
        .map(|name| {
            TestServer::http(move |_: &Req| {
                Reply::new(200, "ok")
                    .header("X-Served-By", name)
                    .header("Set-Cookie", "session=s1; Path=/")
            })
        })
        .collect();
    let Some((_nginx, port, _dir)) = front(&backends) else {
        return;
    };
    let url = format!("http://127.0.0.1:{port}/");
    let doc = balancer(&["--balancer", "9", &url]);
    assert_eq!(names(&doc), ["n1", "n2", "n3"], "{doc:#}");
    let by = doc["identified_by"].as_str().unwrap();
    assert!(by.starts_with("header x-served-by"), "{by}");
    assert!(by.contains("varies"), "{by}");
    // The cookie does not pin a backend here: round robin goes on, and the verdict says so.
    let sticky = &doc["stickiness"];
    assert_eq!(sticky["sticky"], false, "{sticky:#}");
    assert!(
        sticky["backends"].as_array().unwrap().len() > 1,
        "{sticky:#}"
    );
}

#[test]
fn a_json_field_names_the_backends_when_no_header_varies() {
    let backends: Vec<TestServer> = ["j1", "j2"]
        .into_iter()
        .map(|name| {
            TestServer::http(move |_: &Req| {
                Reply::new(200, &format!("{{\"node\":\"{name}\",\"status\":\"UP\"}}"))
            })
        })
        .collect();
    let Some((_nginx, port, _dir)) = front(&backends) else {
        return;
    };
    let url = format!("http://127.0.0.1:{port}/");
    let doc = balancer(&["--balancer", "6", &url]);
    assert_eq!(names(&doc), ["j1", "j2"], "{doc:#}");
    let by = doc["identified_by"].as_str().unwrap();
    assert!(by.starts_with("JSON field /node"), "{by}");
}
