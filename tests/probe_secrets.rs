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
