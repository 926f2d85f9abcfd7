//! `--gateway` against a real nginx (Debian package `nginx-light`): a 401 Bearer challenge
//! without a token, `limit_req` answering 429 with Retry-After, a CORS preflight, and a JWT
//! decoded against the server's Date. Skips with a reason when nginx is missing, except
//! under CI, where it must run.

mod support;

use oncall::probe::jwt::base64url_encode;
use serde_json::Value;
use support::oncall;
use support::servers::{free_port, nginx, Daemon};

fn gateway_nginx() -> Option<(Daemon, u16, tempfile::TempDir)> {
    let port = free_port();
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    std::fs::create_dir_all(root.join("www/api")).unwrap();
    std::fs::write(root.join("www/api/index.json"), "{\"ok\":true}\n").unwrap();
    let d = root.display();
    let http = format!(
        r#"  default_type application/json;
  limit_req_zone $binary_remote_addr zone=api:1m rate=1r/m;
  limit_req_status 429;
  server {{
    listen 127.0.0.1:{port};
    root {d}/www;
    location /api/ {{
      if ($request_method = OPTIONS) {{
        add_header Access-Control-Allow-Origin $http_origin;
        add_header Access-Control-Allow-Methods "GET, POST";
        add_header Access-Control-Allow-Headers "Authorization";
        add_header Access-Control-Max-Age 600;
        return 204;
      }}
      if ($http_authorization !~ "^Bearer ") {{
        add_header WWW-Authenticate 'Bearer realm="oncall-test", error="invalid_token", error_description="no token"' always;
        return 401;
      }}
      # limit_req runs after the rewrite phase: the 401 above is never counted.
      limit_req zone=api burst=2 nodelay;
      add_header X-RateLimit-Limit 3 always;
      error_page 429 = @limited;
      try_files /api/index.json =404;
    }}
    location @limited {{
      add_header Retry-After 60 always;
      add_header X-RateLimit-Remaining 0 always;
      return 429 "slow down\n";
    }}
  }}"#
    );
    let daemon = nginx(root, &http, port)?;
    Some((daemon, port, dir))
}

fn token(exp_from_now: i64) -> String {
    let now = oncall::probe::clock::now_unix();
    let h = base64url_encode(br#"{"alg":"RS256","typ":"JWT"}"#);
    let p = base64url_encode(
        format!(
            r#"{{"iss":"https://idp.test","aud":"api","iat":{now},"nbf":{},"exp":{}}}"#,
            now - 60,
            now + exp_from_now
        )
        .as_bytes(),
    );
    format!("{h}.{p}.c2lnbmF0dXJl")
}

fn gateway(args: &[&str]) -> (i32, Value, String) {
    let out = oncall()
        .args(["probe", "--gateway"])
        .args(args)
        .output()
        .unwrap();
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    let doc = serde_json::from_slice(&out.stdout).unwrap_or(Value::Null);
    (out.status.code().unwrap(), doc, text)
}

fn check<'a>(doc: &'a Value, name: &str) -> &'a Value {
    doc["checks"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["name"] == name)
        .unwrap_or_else(|| panic!("no check {name}: {doc:#}"))
}

#[test]
fn nginx_challenge_rate_limit_cors_and_jwt() {
    let Some((_nginx, port, _dir)) = gateway_nginx() else {
        return;
    };
    let url = format!("http://127.0.0.1:{port}/api/");
    let jwt = token(3600);
    let (code, doc, text) = gateway(&[
        &url,
        "--bearer",
        &jwt,
        "--origin",
        "https://app.test",
        "--json",
    ]);
    assert_eq!(code, 0, "{text}");
    assert!(!text.contains(&jwt), "the token must never be printed");
    let anon = &doc["without_credentials"];
    assert_eq!(anon["status"], 401);
    assert_eq!(anon["challenge"]["scheme"], "Bearer");
    assert_eq!(anon["challenge"]["realm"], "oncall-test");
    assert_eq!(anon["challenge"]["error"], "invalid_token");
    assert_eq!(doc["with_credentials"]["status"], 200);
    let rl = &doc["rate_limit"];
    // rate 1r/m with burst 2: the authenticated request and two more pass, then 429.
    assert_eq!(rl["first_429_at"], 3, "{rl:#}");
    assert_eq!(rl["retry_after_seconds"], 60);
    assert_eq!(rl["limit"], 3);
    assert_eq!(rl["remaining"], 0);
    assert_eq!(rl["headers"]["retry-after"], "60");
    assert_eq!(check(&doc, "rate_limit")["ok"], true);
    let cors = &doc["cors"];
    assert_eq!(cors["status"], 204);
    assert_eq!(cors["allow_origin"], "https://app.test");
    assert_eq!(cors["allowed"], true);
    let j = &doc["jwt"];
    assert_eq!(j["alg"], "RS256");
    assert_eq!(j["iss"], "https://idp.test");
    assert_eq!(j["aud"][0], "api");
    assert_eq!(j["expired"], false);
    assert!(j["server_date"].is_string());
    let skew = j["clock_skew_seconds"].as_i64().unwrap();
    assert!(skew.abs() <= 5, "nginx runs on this host: {skew}");
    let left = j["expires_in_seconds"].as_i64().unwrap();
    assert!((3500..=3700).contains(&left), "{left}");
}

#[test]
fn nginx_an_expired_jwt_and_no_credentials() {
    let Some((_nginx, port, _dir)) = gateway_nginx() else {
        return;
    };
    let url = format!("http://127.0.0.1:{port}/api/");
    let jwt = token(-120);
    let (code, doc, text) = gateway(&[&url, "--bearer", &jwt, "--json"]);
    assert_eq!(code, 1, "{text}");
    assert!(!text.contains(&jwt));
    assert_eq!(doc["jwt"]["expired"], true);
    assert_eq!(check(&doc, "jwt")["ok"], false);
    // Without credentials the burst meets only 401s: no 429, challenge reported.
    let (code, doc, _) = gateway(&[&url, "--json"]);
    assert_eq!(code, 0, "{doc:#}");
    assert!(doc["with_credentials"].is_null());
    assert_eq!(doc["rate_limit"]["statuses"]["401"], 10);
    assert_eq!(check(&doc, "auth_challenge")["ok"], true);
    // The table, with the token never shown.
    let (_, _, text) = gateway(&[&url, "--bearer", &jwt]);
    assert!(
        text.contains("auth_challenge") && text.contains("401 Bearer realm=oncall-test"),
        "{text}"
    );
    assert!(!text.contains(&jwt));
}
