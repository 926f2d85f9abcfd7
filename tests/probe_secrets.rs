//! What `oncall probe` does with the secrets it is given (`--bearer`, `-H`): sent only to the
//! origin they were given for (never to another host or port a redirect names, as curl), and
//! never shown, even when a server echoes them back. Real servers on loopback.

mod support;

use std::net::SocketAddr;
use support::oncall;
use support::servers::{self, Reply, Req};

const SENT: [&str; 3] = ["authorization", "cookie", "x-team"];

fn loopback(ip: [u8; 4]) -> SocketAddr {
    SocketAddr::from((ip, 0))
}

#[test]
fn a_redirect_to_another_origin_gets_no_credentials_and_the_same_origin_keeps_them() {
    // The landing servers: another port on the same host, and another host.
    let landed = |_: &Req| Reply::new(200, "landed");
    let (port_b, seen_port) = servers::recording(loopback([127, 0, 0, 1]), landed);
    let (host_b, seen_host) = servers::recording(loopback([127, 0, 0, 2]), landed);
    let (to_port, to_host) = (
        format!("http://127.0.0.1:{}/landed", port_b.port()),
        format!("http://127.0.0.2:{}/landed", host_b.port()),
    );
    let (a, seen_a) = servers::recording(loopback([127, 0, 0, 1]), move |req: &Req| {
        match req.path.as_str() {
            "/same" => Reply::new(302, "").header("Location", "/landed"),
            "/port" => Reply::new(302, "").header("Location", &to_port),
            "/host" => Reply::new(307, "").header("Location", &to_host),
            _ => Reply::new(200, "landed"),
        }
    });
    let url = |p: &str| format!("http://127.0.0.1:{}{p}", a.port());
    let run = |path: &str| {
        let out = oncall()
            .args(["probe", &url(path), "--json"])
            .args(["--bearer", "xorigin-token-7f3a"])
            .args(["-H", "Cookie: session=xorigin-cookie-7f3a"])
            .args(["-H", "X-Team: xorigin-team-7f3a"])
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(0), "{out:?}");
        serde_json::from_slice::<serde_json::Value>(&out.stdout).unwrap()
    };

    // Same origin: the second request carries them all.
    run("/same");
    let got = seen_a.lock().unwrap().clone();
    let landed_req = got.iter().find(|r| r.path == "/landed").expect("followed");
    for h in SENT {
        assert!(
            landed_req.header(h).is_some(),
            "{h} kept on the same origin"
        );
    }
    assert_eq!(
        landed_req.header("authorization"),
        Some("Bearer xorigin-token-7f3a")
    );

    // Same host, another port; and another host: none of them arrives.
    for (path, seen) in [("/port", &seen_port), ("/host", &seen_host)] {
        let doc = run(path);
        let got = seen.lock().unwrap().clone();
        assert_eq!(got.len(), 1, "{path}: one request landed");
        for h in SENT {
            assert_eq!(got[0].header(h), None, "{path}: {h} sent to another origin");
        }
        let redirected = doc["results"][0]["checks"]
            .as_array()
            .unwrap()
            .iter()
            .find(|c| c["name"] == "redirected")
            .unwrap()
            .clone();
        assert!(
            redirected["detail"]
                .as_str()
                .unwrap()
                .contains("not sent to"),
            "{path}: the report says so: {redirected}"
        );
        seen.lock().unwrap().clear();
    }
}

const TOKEN: &str = "echo-token-5b1e9c";
const KEY: &str = "echo-key-5b1e9c";

/// A server that echoes the credentials it got: in response headers, a JSON body, a
/// `Location` (the token in a query) and a backend header.
fn echoing() -> support::servers::TestServer {
    support::servers::TestServer::http(|req: &Req| {
        let auth = req.header("authorization").unwrap_or("").to_string();
        let key = req.header("x-api-key").unwrap_or("").to_string();
        match req.path.as_str() {
            "/go" => Reply::new(302, "").header("Location", &format!("/echo?t={TOKEN}")),
            _ => Reply::new(401, &format!(r#"{{"auth":"{auth}","key":"{key}"}}"#))
                .header("X-Echo-Auth", &auth)
                .header("X-Echo-Key", &key)
                .header("X-Backend", &format!("node-{key}"))
                .header(
                    "WWW-Authenticate",
                    &format!(
                        r#"Bearer realm="r", error="invalid_token", error_description="{auth}""#
                    ),
                )
                .header("RateLimit-Policy", &format!("{key};w=60")),
        }
    })
}

/// Checks that fail and so show the echoed values in every format (failed checks are what
/// Markdown, Nagios and --watch print).
const CHECKS: [&str; 6] = [
    "--expect-header",
    "X-Echo-Auth: ^nomatch$",
    "--expect-header",
    "X-Echo-Key: ^nomatch$",
    "--expect-json",
    "/auth=nope",
];

fn assert_hidden(what: &str, text: &str, shown_somewhere: bool) {
    assert!(
        !text.contains(TOKEN) && !text.contains(KEY),
        "{what}: a secret was echoed: {text}"
    );
    if shown_somewhere {
        assert!(text.contains("[redacted]"), "{what}: {text}");
    }
}

#[test]
fn secrets_a_server_echoes_are_redacted_in_every_format() {
    let s = echoing();
    let url = format!("http://127.0.0.1:{}/go", s.port());
    let secrets = ["--bearer", TOKEN, "-H", &format!("X-Api-Key: {KEY}")];
    for (format, prints_details) in [
        (vec![], true),
        (vec!["--json"], true),
        (vec!["--format", "markdown"], true),
        (vec!["--nagios"], true),
        (vec!["--format", "prometheus"], false),
    ] {
        let out = oncall()
            .args(["probe", &url])
            .args(secrets)
            .args(CHECKS)
            .args(&format)
            .output()
            .unwrap();
        assert_ne!(out.status.code(), Some(0), "{format:?}: the checks fail");
        let text = format!(
            "{}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
        assert_hidden(&format!("{format:?}"), &text, prints_details);
    }
}

#[test]
fn secrets_are_redacted_in_watch_lines() {
    let s = echoing();
    let url = format!("http://127.0.0.1:{}/go", s.port());
    for format in [None, Some("--json")] {
        let mut child = std::process::Command::new(assert_cmd::cargo::cargo_bin("oncall"))
            .args(["probe", &url, "--watch", "100ms", "--bearer", TOKEN])
            .args(["-H", &format!("X-Api-Key: {KEY}")])
            .args(CHECKS)
            .args(format)
            .env("XDG_CONFIG_HOME", "/nonexistent")
            .stdout(std::process::Stdio::piped())
            .spawn()
            .unwrap();
        let rx = support::stdout_lines(&mut child);
        // A bound so a broken watch fails the test instead of hanging it.
        let line = rx.recv_timeout(std::time::Duration::from_secs(30));
        let _ = child.kill();
        let _ = child.wait();
        assert_hidden(
            &format!("watch {format:?}"),
            &line.expect("a state line"),
            true,
        );
    }
}

#[test]
fn secrets_are_redacted_in_the_gateway_and_balancer_views() {
    let s = echoing();
    let url = format!("http://127.0.0.1:{}/echo", s.port());
    for view in [
        vec!["--gateway"],
        vec!["--balancer", "3", "--backend-header", "X-Backend"],
    ] {
        // Markdown of these views shows the checks only, which hold no echoed text.
        for (format, shown) in [
            (vec![], true),
            (vec!["--json"], true),
            (vec!["--format", "markdown"], false),
        ] {
            let out = oncall()
                .args(["probe", &url, "--bearer", TOKEN])
                .args(["-H", &format!("X-Api-Key: {KEY}")])
                .args(&view)
                .args(&format)
                .output()
                .unwrap();
            let text = format!(
                "{}{}",
                String::from_utf8_lossy(&out.stdout),
                String::from_utf8_lossy(&out.stderr)
            );
            assert_hidden(&format!("{view:?} {format:?}"), &text, shown);
        }
    }
}
