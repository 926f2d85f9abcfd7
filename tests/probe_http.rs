//! `oncall probe` against real HTTP servers on loopback: phases, checks, redirects, slow and
//! huge responses, retries and thresholds, target files, output formats and exit codes.

mod support;

use serde_json::Value;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::Duration;
use support::oncall;
use support::servers::{Reply, Req, TestServer};

/// Runs `oncall probe ARGS --json`; returns the exit code and the document.
fn probe(args: &[&str]) -> (i32, Value) {
    let out = oncall()
        .arg("probe")
        .args(args)
        .arg("--json")
        .output()
        .unwrap();
    let doc = serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
        panic!(
            "no JSON ({e}): {}\nstderr: {}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        )
    });
    (out.status.code().unwrap(), doc)
}

fn check<'a>(result: &'a Value, name: &str) -> &'a Value {
    result["checks"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["name"] == name)
        .unwrap_or_else(|| panic!("no check {name} in {result:#}"))
}

fn app() -> TestServer {
    TestServer::http(|req: &Req| match req.path.split('?').next().unwrap_or("") {
        "/health" => Reply::new(200, r#"{"status":"UP","db":{"ok":true}}"#)
            .header("Content-Type", "application/json"),
        "/broken" => Reply::new(500, "boom"),
        "/host" => Reply::new(200, req.header("host").unwrap_or("")),
        "/moved" => Reply::new(302, "").header("Location", "/health"),
        "/loop" => Reply::new(301, "").header("Location", "/loop"),
        "/slow" => Reply {
            delay: Duration::from_millis(400),
            ..Reply::new(200, "late")
        },
        "/stuck" => Reply {
            delay: Duration::from_secs(5),
            ..Reply::new(200, "too late")
        },
        "/huge" => Reply {
            filler_bytes: 10 << 20,
            ..Reply::new(200, "")
        },
        "/secret" => match req.header("authorization") {
            Some("Bearer sekrit-123") if req.header("x-team") == Some("sre") => {
                Reply::new(200, "in")
            }
            _ => Reply::new(401, "").header("WWW-Authenticate", "Bearer realm=\"t\""),
        },
        _ => Reply::new(404, "not here"),
    })
}

#[test]
fn a_healthy_endpoint_reports_phases_and_passes() {
    let s = app();
    let (code, doc) = probe(&[&s.url("/health")]);
    assert_eq!(code, 0, "{doc:#}");
    let r = &doc["results"][0];
    assert_eq!(r["target"], s.url("/health"));
    assert_eq!(r["ok"], true);
    assert_eq!(r["status"], 200);
    assert_eq!(r["kind"], "http");
    assert_eq!(r["http_version"], "HTTP/1.1");
    assert_eq!(r["remote"], format!("127.0.0.1:{}", s.port()));
    assert_eq!(r["ip_family"], "ipv4");
    for phase in ["dns", "connect", "tls", "ttfb", "total"] {
        assert!(r["phases_ms"][phase].as_f64().unwrap() >= 0.0, "{phase}");
    }
    let p = &r["phases_ms"];
    assert!(p["ttfb"].as_f64() <= p["total"].as_f64());
    assert!(p["connect"].as_f64() <= p["total"].as_f64());
    assert_eq!(check(r, "status")["ok"], true);
    assert_eq!(check(r, "connect")["ok"], true);
    assert!(r["tls"].is_null());
}

#[test]
fn status_checks_follow_kubernetes_by_default_and_expect_status_overrides() {
    let s = app();
    let (code, doc) = probe(&[&s.url("/broken")]);
    assert_eq!(code, 1);
    let r = &doc["results"][0];
    assert_eq!(r["ok"], false);
    assert_eq!(r["status"], 500);
    assert_eq!(check(r, "status")["ok"], false);
    assert!(check(r, "status")["detail"]
        .as_str()
        .unwrap()
        .contains("200-399"));
    let (code, _) = probe(&[&s.url("/broken"), "--expect-status", "5xx"]);
    assert_eq!(code, 0);
    let (code, _) = probe(&[&s.url("/nope"), "--expect-status", "200,404"]);
    assert_eq!(code, 0);
}

#[test]
fn body_json_and_header_checks_pass_and_fail() {
    let s = app();
    let url = s.url("/health");
    let (code, doc) = probe(&[
        &url,
        "--expect-body",
        "\"status\":\\s*\"UP\"",
        "--expect-json",
        "/status=UP",
        "--expect-json",
        "/db/ok=true",
        "--expect-header",
        "Content-Type: ^application/json",
    ]);
    assert_eq!(code, 0, "{doc:#}");
    let r = &doc["results"][0];
    for name in ["body", "json /status", "json /db/ok", "header Content-Type"] {
        assert_eq!(check(r, name)["ok"], true, "{name}");
    }
    let (code, doc) = probe(&[
        &url,
        "--expect-body",
        "DOWN",
        "--expect-json",
        "/status=DOWN",
        "--expect-json",
        "/missing=1",
        "--expect-header",
        "Content-Type: xml",
        "--expect-header",
        "X-Absent: .",
    ]);
    assert_eq!(code, 1);
    let r = &doc["results"][0];
    for name in [
        "body",
        "json /status",
        "json /missing",
        "header Content-Type",
        "header X-Absent",
    ] {
        assert_eq!(check(r, name)["ok"], false, "{name}");
    }
    assert!(check(r, "json /status")["detail"]
        .as_str()
        .unwrap()
        .contains("UP"));
    // A non-JSON body fails the JSON check with a reason.
    let (code, doc) = probe(&[
        &s.url("/broken"),
        "--expect-status",
        "500",
        "--expect-json",
        "/a=1",
    ]);
    assert_eq!(code, 1);
    assert!(check(&doc["results"][0], "json /a")["detail"]
        .as_str()
        .unwrap()
        .contains("not JSON"));
}

#[test]
fn latency_check_fails_a_slow_answer() {
    let s = app();
    // The server waits 400ms; the limit is 100ms.
    let (code, doc) = probe(&[&s.url("/slow"), "--max-latency", "100ms"]);
    assert_eq!(code, 1);
    let r = &doc["results"][0];
    assert_eq!(check(r, "latency")["ok"], false);
    assert!(r["phases_ms"]["ttfb"].as_f64().unwrap() >= 400.0);
    let (code, _) = probe(&[&s.url("/health"), "--max-latency", "30s"]);
    assert_eq!(code, 0);
}

#[test]
fn timeout_ends_a_stuck_server() {
    let s = app();
    let (code, doc) = probe(&[&s.url("/stuck"), "--timeout", "300ms"]);
    assert_eq!(code, 1);
    let r = &doc["results"][0];
    assert!(r["error"].as_str().unwrap().contains("timed out"), "{r:#}");
}

#[test]
fn redirects_are_followed_with_each_hop_and_a_limit() {
    let s = app();
    let (code, doc) = probe(&[&s.url("/moved"), "--expect-json", "/status=UP"]);
    assert_eq!(code, 0, "{doc:#}");
    let r = &doc["results"][0];
    assert_eq!(r["status"], 200);
    let hops = r["redirects"].as_array().unwrap();
    assert_eq!(hops.len(), 1);
    assert_eq!(hops[0]["status"], 302);
    assert_eq!(hops[0]["location"], "/health");
    assert_eq!(hops[0]["url"], s.url("/moved"));
    // A redirect loop stops at --max-redirects and fails.
    let (code, doc) = probe(&[&s.url("/loop"), "--max-redirects", "3"]);
    assert_eq!(code, 1);
    let r = &doc["results"][0];
    assert_eq!(r["redirects"].as_array().unwrap().len(), 3);
    assert_eq!(check(r, "redirects")["ok"], false);
    // --max-redirects 0 reports the 302 itself (in 200-399: a pass, as Kubernetes counts it).
    let (code, doc) = probe(&[
        &s.url("/moved"),
        "--max-redirects",
        "0",
        "--expect-status",
        "302",
    ]);
    assert_eq!(code, 1, "the redirect limit itself fails: {doc:#}");
    assert_eq!(doc["results"][0]["status"], 302);
}

#[test]
fn a_huge_body_is_read_up_to_the_cap() {
    let s = app();
    let (code, doc) = probe(&[&s.url("/huge"), "--expect-body", "^x+$"]);
    assert_eq!(code, 0, "{doc:#}");
    let r = &doc["results"][0];
    assert_eq!(r["body_truncated"], true);
    let n = r["body_bytes"].as_u64().unwrap();
    assert!(n > 1 << 20 && n < 10 << 20, "{n}");
}

#[test]
fn tcp_targets_report_connect_only() {
    let s = app();
    let refusing = support::servers::RefusingPort::new();
    let (code, doc) = probe(&[
        &format!("tcp://127.0.0.1:{}", s.port()),
        &format!("tcp://127.0.0.1:{}", refusing.port),
    ]);
    assert_eq!(code, 1);
    let ok = &doc["results"][0];
    assert_eq!(ok["ok"], true);
    assert_eq!(ok["kind"], "tcp");
    assert!(ok["status"].is_null());
    let bad = &doc["results"][1];
    assert_eq!(bad["ok"], false);
    assert!(
        bad["error"].as_str().unwrap().contains("refused"),
        "{bad:#}"
    );
}

#[test]
fn bad_input_exits_2_with_one_line() {
    for args in [
        vec!["ftp://127.0.0.1/"],
        vec!["127.0.0.1:80"],
        vec!["tcp://127.0.0.1"],
        vec!["http://127.0.0.1:1/", "--expect-status", "abc"],
        vec!["http://127.0.0.1:1/", "--expect-body", "("],
        vec!["http://127.0.0.1:1/", "--expect-json", "status=UP"],
        vec!["http://127.0.0.1:1/", "-H", "NoColon"],
        vec!["--targets", "/nonexistent/targets.txt"],
        vec![],
    ] {
        let out = oncall().arg("probe").args(&args).output().unwrap();
        assert_eq!(out.status.code(), Some(2), "{args:?}");
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(err.starts_with("oncall: "), "{args:?}: {err}");
        assert_eq!(err.lines().count(), 1, "{args:?}: {err}");
        assert!(out.stdout.is_empty());
    }
}

/// Fails the first `n` requests with 503, then answers 200.
fn flaky(n: usize) -> TestServer {
    let count = Arc::new(AtomicUsize::new(0));
    TestServer::http(move |_req: &Req| {
        if count.fetch_add(1, Ordering::SeqCst) < n {
            Reply::new(503, "warming up")
        } else {
            Reply::new(200, "ok")
        }
    })
}

#[test]
fn retries_give_a_flaky_target_more_attempts() {
    let s = flaky(2);
    let (code, doc) = probe(&[&s.url("/"), "--retries", "2", "--interval", "10ms"]);
    assert_eq!(code, 0, "{doc:#}");
    assert_eq!(doc["results"][0]["attempts"], 3);
    assert_eq!(doc["results"][0]["attempts_ok"], 1);
    let s = flaky(2);
    let (code, doc) = probe(&[&s.url("/"), "--retries", "1", "--interval", "10ms"]);
    assert_eq!(code, 1);
    assert_eq!(doc["results"][0]["attempts"], 2);
    // --failure-threshold 3 tolerates two failures, as in Kubernetes.
    let s = flaky(2);
    let (code, _) = probe(&[
        &s.url("/"),
        "--failure-threshold",
        "3",
        "--interval",
        "10ms",
    ]);
    assert_eq!(code, 0);
}

#[test]
fn success_threshold_needs_consecutive_passes() {
    let s = app();
    let (code, doc) = probe(&[
        &s.url("/health"),
        "--success-threshold",
        "3",
        "--interval",
        "10ms",
    ]);
    assert_eq!(code, 0);
    assert_eq!(doc["results"][0]["attempts"], 3);
    assert_eq!(check(&doc["results"][0], "success_threshold")["ok"], true);
    // One failure resets the count: with no failures tolerated the target fails.
    let s = flaky(1);
    let (code, doc) = probe(&[
        &s.url("/"),
        "--success-threshold",
        "2",
        "--interval",
        "10ms",
    ]);
    assert_eq!(code, 1, "{doc:#}");
    assert_eq!(doc["results"][0]["attempts"], 1);
}

#[test]
fn targets_file_with_per_line_checks_keeps_order() {
    let s = app();
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("targets.txt");
    std::fs::write(
        &file,
        format!(
            "# fleet\n{}\n\n{} --expect-status 500\n{} --expect-json /status=DOWN\ntcp://127.0.0.1:{}\n",
            s.url("/health"),
            s.url("/broken"),
            s.url("/health"),
            s.port()
        ),
    )
    .unwrap();
    let (code, doc) = probe(&["--targets", file.to_str().unwrap(), "--concurrency", "2"]);
    assert_eq!(code, 1);
    let oks: Vec<bool> = doc["results"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["ok"].as_bool().unwrap())
        .collect();
    assert_eq!(oks, [true, true, false, true]);
    assert_eq!(doc["results"][3]["kind"], "tcp");
    // A bad line names the file and line.
    std::fs::write(&file, format!("{}\nnot-a-url\n", s.url("/"))).unwrap();
    let out = oncall()
        .args(["probe", "--targets", file.to_str().unwrap()])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("targets.txt:2"));
}

#[test]
fn an_unknown_flag_in_a_targets_file_is_named_unknown() {
    // A flag that takes no value, last on its line, was reported as "needs a value".
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("targets.txt");
    for line in [
        "tcp://127.0.0.1:9 --insecure",
        "tcp://127.0.0.1:9 --insecure --expect-status 200",
    ] {
        std::fs::write(&file, format!("# fleet\n{line}\n")).unwrap();
        let out = oncall()
            .args(["probe", "--targets", file.to_str().unwrap()])
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(2));
        assert!(out.stdout.is_empty());
        let err = String::from_utf8_lossy(&out.stderr).to_string();
        assert_eq!(err.lines().count(), 1, "{err}");
        assert!(err.contains("targets.txt:2"), "{err}");
        assert!(
            err.contains("--insecure: not a per-target check"),
            "{line}: {err}"
        );
        assert!(!err.contains("needs a value"), "{line}: {err}");
    }
    // A known check with nothing after it still says what it lacks.
    std::fs::write(&file, "tcp://127.0.0.1:9 --max-latency\n").unwrap();
    let out = oncall()
        .args(["probe", "--targets", file.to_str().unwrap()])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("--max-latency: needs a value"));
}

#[test]
fn many_targets_run_concurrently() {
    let s = app();
    let urls: Vec<String> = (0..200).map(|i| s.url(&format!("/health?i={i}"))).collect();
    let mut args: Vec<&str> = urls.iter().map(String::as_str).collect();
    args.extend(["--concurrency", "64"]);
    let (code, doc) = probe(&args);
    assert_eq!(code, 0);
    let results = doc["results"].as_array().unwrap();
    assert_eq!(results.len(), 200);
    for (i, r) in results.iter().enumerate() {
        assert_eq!(r["target"], urls[i]);
    }
}

#[test]
fn address_family_flags() {
    let s = app();
    let (code, _) = probe(&["-4", &s.url("/health")]);
    assert_eq!(code, 0);
    let (code, doc) = probe(&["-6", &s.url("/health")]);
    assert_eq!(code, 1);
    assert!(doc["results"][0]["error"]
        .as_str()
        .unwrap()
        .contains("IPv6"));
    // localhost resolves through /etc/hosts; -4 keeps its IPv4 address.
    let url = format!("http://localhost:{}/health", s.port());
    let (code, doc) = probe(&["-4", &url]);
    assert_eq!(code, 0, "{doc:#}");
    assert_eq!(
        doc["results"][0]["remote"],
        format!("127.0.0.1:{}", s.port())
    );
}

#[test]
fn each_ip_probes_every_address_with_the_same_host() {
    let s = app();
    let url = format!("http://localhost:{}/health", s.port());
    let (_, doc) = probe(&["--each-ip", &url]);
    let results = doc["results"].as_array().unwrap();
    let resolved = results[0]["resolved"].as_array().unwrap().len().max(1);
    assert_eq!(results.len(), resolved, "{doc:#}");
    let mut remotes: Vec<&str> = results
        .iter()
        .filter_map(|r| r["remote"].as_str())
        .collect();
    remotes.dedup();
    assert_eq!(
        remotes.len(),
        results.iter().filter(|r| r["remote"].is_string()).count()
    );
    assert!(results.iter().all(|r| r["target"] == url.as_str()));
    assert!(results.iter().any(|r| r["ok"] == true));
    // Pinned to an address, the request still carries the name's Host.
    let host_url = format!("http://localhost:{}/host", s.port());
    let want = format!("^localhost:{}$", s.port());
    let (code, doc) = probe(&["--each-ip", "-4", &host_url, "--expect-body", &want]);
    assert_eq!(code, 0, "{doc:#}");
}

/// Two nodes behind one name, as DNS round-robin would give them: 127.0.0.1 healthy and
/// 127.0.0.2 failing, on the same port, the name pinned to both with `--resolve`.
#[test]
fn each_ip_shows_the_one_bad_node_behind_a_name() {
    let good = TestServer::http(|r: &Req| Reply::new(200, r.header("host").unwrap_or("")));
    let port = good.port();
    let bad_addr: std::net::SocketAddr = format!("127.0.0.2:{port}").parse().unwrap();
    let _bad = match TestServer::http_on(bad_addr, |r: &Req| {
        Reply::new(503, r.header("host").unwrap_or(""))
    }) {
        Ok(s) => s,
        Err(e) => panic!("cannot listen on {bad_addr} (all of 127/8 is loopback on Linux): {e}"),
    };
    let pin = format!("svc.test:{port}:127.0.0.1,127.0.0.2");
    let url = format!("http://svc.test:{port}/health");
    let (code, doc) = probe(&["--resolve", &pin, "--each-ip", &url]);
    assert_eq!(code, 1, "one node fails: {doc:#}");
    let results = doc["results"].as_array().unwrap();
    assert_eq!(results.len(), 2, "{doc:#}");
    let by_remote = |addr: &str| {
        results
            .iter()
            .find(|r| r["remote"] == addr)
            .unwrap_or_else(|| panic!("no result from {addr}: {doc:#}"))
    };
    let ok = by_remote(&format!("127.0.0.1:{port}"));
    assert_eq!(ok["ok"], true);
    assert_eq!(ok["status"], 200);
    let failing = by_remote(&format!("127.0.0.2:{port}"));
    assert_eq!(failing["ok"], false);
    assert_eq!(failing["status"], 503);
    // Both carry the name, not the address, as Host.
    let want = format!("^svc.test:{port}$");
    let (code, doc) = probe(&[
        "--resolve",
        &pin,
        "--each-ip",
        &url,
        "--expect-body",
        &want,
        "--expect-status",
        "200-599",
    ]);
    assert_eq!(code, 0, "{doc:#}");
    assert_eq!(doc["results"].as_array().unwrap().len(), 2);
}

/// A name resolving to ::1 first and 127.0.0.1 second still reaches a server listening on
/// IPv4 only, and the report names the address used.
#[test]
fn a_name_with_a_refused_first_address_falls_through_to_the_next() {
    let s = app();
    let port = s.port();
    let pin = format!("svc.test:{port}:[::1],127.0.0.1");
    let url = format!("http://svc.test:{port}/health");
    let (code, doc) = probe(&["--resolve", &pin, &url]);
    assert_eq!(code, 0, "{doc:#}");
    let r = &doc["results"][0];
    assert_eq!(r["remote"], format!("127.0.0.1:{port}"));
    assert_eq!(r["ip_family"], "ipv4");
    let resolved: Vec<&str> = r["resolved"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a.as_str().unwrap())
        .collect();
    assert_eq!(
        resolved,
        [format!("[::1]:{port}"), format!("127.0.0.1:{port}")]
    );
    // -6 leaves only the refused address.
    let (code, doc) = probe(&["--resolve", &pin, "-6", &url]);
    assert_eq!(code, 1, "{doc:#}");
}

#[test]
fn a_malformed_resolve_is_bad_input() {
    let out = oncall()
        .args(["probe", "--resolve", "svc.test:80", "http://svc.test/"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.starts_with("oncall: --resolve") && err.lines().count() == 1,
        "{err}"
    );
}

#[test]
fn headers_and_bearer_are_sent_and_never_printed() {
    let s = app();
    let url = s.url("/secret");
    let (code, _) = probe(&[&url]);
    assert_eq!(code, 1, "without credentials: 401");
    for format in [
        vec!["--json"],
        vec![],
        vec!["--format", "markdown"],
        vec!["--format", "prometheus"],
        vec!["--nagios"],
    ] {
        let out = oncall()
            .args(["probe", &url, "--bearer", "sekrit-123", "-H", "X-Team: sre"])
            .args(&format)
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(0), "{format:?}");
        let all = format!(
            "{}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
        assert!(!all.contains("sekrit-123"), "{format:?}: {all}");
    }
    // @FILE keeps the token out of the process list.
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("token");
    std::fs::write(&file, "sekrit-123\n").unwrap();
    let bearer = format!("@{}", file.display());
    let (code, _) = probe(&[&url, "--bearer", &bearer, "-H", "X-Team: sre"]);
    assert_eq!(code, 0);
}

#[test]
fn table_output_has_a_verdict_phases_and_the_curl_hint() {
    let s = app();
    let out = oncall()
        .args(["probe", &s.url("/health"), &s.url("/broken")])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("OK  "), "{text}");
    assert!(text.contains("FAIL"), "{text}");
    assert!(text.contains("ttfb"), "{text}");
    assert!(text.contains("1 of 2 targets OK"), "{text}");
    assert!(text.contains("hint: same as: curl"), "{text}");
}

#[test]
fn prometheus_output_uses_blackbox_names() {
    let s = app();
    let out = oncall()
        .args([
            "probe",
            &s.url("/health"),
            &s.url("/broken"),
            "--format",
            "prometheus",
        ])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let text = String::from_utf8_lossy(&out.stdout);
    let ok = s.url("/health");
    let bad = s.url("/broken");
    assert!(
        text.contains(&format!("probe_success{{target=\"{ok}\"}} 1\n")),
        "{text}"
    );
    assert!(
        text.contains(&format!("probe_success{{target=\"{bad}\"}} 0\n")),
        "{text}"
    );
    assert!(text.contains(&format!("probe_http_status_code{{target=\"{bad}\"}} 500\n")));
    // The test server sends Content-Length; "boom" is 4 bytes.
    assert!(
        text.contains(&format!(
            "probe_http_content_length{{target=\"{bad}\"}} 4\n"
        )),
        "{text}"
    );
    for phase in ["resolve", "connect", "tls", "processing", "transfer"] {
        assert!(
            text.contains(&format!(
                "probe_http_duration_seconds{{target=\"{ok}\",phase=\"{phase}\"}}"
            )),
            "{phase}"
        );
    }
    assert_eq!(text.matches("# TYPE probe_success gauge").count(), 1);
    for line in text.lines().filter(|l| !l.starts_with('#')) {
        let (_, value) = line.rsplit_once(' ').unwrap();
        value.parse::<f64>().unwrap_or_else(|_| panic!("{line}"));
    }
}

#[test]
fn nagios_states_and_perfdata() {
    let s = app();
    let out = oncall()
        .args(["probe", &s.url("/health"), "--nagios"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    let line = String::from_utf8_lossy(&out.stdout).to_string();
    assert!(
        line.starts_with("PROBE OK - 1 of 1 targets OK | "),
        "{line}"
    );
    assert!(line.contains(" time'="), "{line}");
    assert_eq!(line.lines().count(), 1);
    // Too slow only: WARNING (1).
    let out = oncall()
        .args([
            "probe",
            &s.url("/slow"),
            "--nagios",
            "--max-latency",
            "100ms",
        ])
        .output()
        .unwrap();
    assert_eq!(
        out.status.code(),
        Some(1),
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );
    assert!(String::from_utf8_lossy(&out.stdout).starts_with("PROBE WARNING"));
    // A failed status: CRITICAL (2).
    let out = oncall()
        .args(["probe", &s.url("/broken"), "--nagios"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stdout).starts_with("PROBE CRITICAL"));
    // Bad input: UNKNOWN (3).
    let out = oncall()
        .args(["probe", "ftp://x/", "--nagios"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(3));
    assert!(String::from_utf8_lossy(&out.stdout).starts_with("PROBE UNKNOWN"));
    // A value the parser itself rejects is UNKNOWN too, on stdout where Nagios reads it.
    let out = oncall()
        .args(["probe", &s.url("/health"), "--nagios", "--timeout", "soon"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(3));
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        text.starts_with("PROBE UNKNOWN - ")
            && text.contains("--timeout")
            && text.lines().count() == 1,
        "{text}"
    );
    // Without --nagios the same mistake is a usage error (2).
    let out = oncall()
        .args(["probe", &s.url("/health"), "--timeout", "soon"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
}

#[test]
fn markdown_output_is_a_table() {
    let s = app();
    let out = oncall()
        .args(["probe", &s.url("/health"), "--format", "markdown"])
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.starts_with("| target | verdict |"), "{text}");
    assert!(text.contains("| OK |"), "{text}");
}

#[test]
fn status_matches_curl() {
    if support::servers::find_binary("curl").is_none() {
        eprintln!("skipped: curl is not installed");
        return;
    }
    let s = app();
    for path in ["/health", "/broken", "/nope"] {
        let url = s.url(path);
        let curl = std::process::Command::new("curl")
            .args(["-s", "-o", "/dev/null", "-w", "%{http_code}", &url])
            .output()
            .unwrap();
        let (_, doc) = probe(&[&url]);
        assert_eq!(
            doc["results"][0]["status"].to_string(),
            String::from_utf8_lossy(&curl.stdout),
            "{path}"
        );
    }
}

#[test]
fn watch_prints_the_first_state_then_only_changes() {
    use std::sync::atomic::AtomicBool;
    let up = Arc::new(AtomicBool::new(true));
    let flag = up.clone();
    let s = TestServer::http(move |_: &Req| {
        if flag.load(Ordering::SeqCst) {
            Reply::new(200, "ok")
        } else {
            Reply::new(503, "down")
        }
    });
    let bin = assert_cmd::cargo::cargo_bin("oncall");
    let mut child = std::process::Command::new(bin)
        .args(["probe", &s.url("/"), "--watch", "100ms", "--json"])
        .env("XDG_CONFIG_HOME", "/nonexistent")
        .stdout(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let rx = support::stdout_lines(&mut child);
    // A bound so a broken watch fails the test instead of hanging it.
    let next = || -> Value {
        let line = rx
            .recv_timeout(Duration::from_secs(30))
            .expect("a state line");
        serde_json::from_str(&line).unwrap()
    };
    let first = next();
    assert_eq!(first["ok"], true);
    assert!(first["was_ok"].is_null());
    up.store(false, Ordering::SeqCst);
    let change = next();
    assert_eq!(
        (change["ok"].clone(), change["was_ok"].clone()),
        (Value::Bool(false), Value::Bool(true))
    );
    assert!(
        change["detail"].as_str().unwrap().contains("503"),
        "{change}"
    );
    up.store(true, Ordering::SeqCst);
    let back = next();
    assert_eq!(back["ok"], true);
    assert_eq!(back["was_ok"], false);
    let _ = child.kill();
    let _ = child.wait();
}

/// A dead first node (its SYNs dropped, not refused) behind a name: the probe still reaches
/// the live one within `--timeout`, because the next address starts 250 ms after the first
/// (Happy Eyeballs), not after the first's `--connect-timeout` has run out.
#[test]
fn a_dead_first_address_does_not_eat_the_probe_s_time() {
    let (hole, _queued) = support::servers::black_hole("127.0.0.1:0".parse().unwrap());
    let port = hole.local_addr().unwrap().port();
    let live: std::net::SocketAddr = format!("127.0.0.2:{port}").parse().unwrap();
    let _live = TestServer::http_on(live, |_: &Req| Reply::new(200, "ok"))
        .unwrap_or_else(|e| panic!("cannot listen on {live}: {e}"));
    let pin = format!("svc.test:{port}:127.0.0.1,127.0.0.2");
    let url = format!("http://svc.test:{port}/health");
    let (code, doc) = probe(&[
        "--resolve",
        &pin,
        &url,
        "--connect-timeout",
        "60s",
        "--timeout",
        "10s",
    ]);
    assert_eq!(code, 0, "{doc:#}");
    let r = &doc["results"][0];
    assert_eq!(r["remote"], live.to_string());
    assert_eq!(r["status"], 200);
}
