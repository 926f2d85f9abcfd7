//! A real Prometheus (Debian's `prometheus`) on loopback for the `oncall serve` tests, and
//! the few questions they ask it: an instant query, the alerts, `oncall_samples_total`.
//! Every wait is a bounded poll.

use super::servers::{free_port, http_get, prometheus_daemon, Daemon};
use serde_json::Value;
use std::path::Path;
use std::time::Duration;

/// `s` percent-encoded for a query string.
pub fn percent(s: &str) -> String {
    s.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                (b as char).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
}

/// Polls `until` every 250 ms, at most `tries` times.
pub fn poll<T>(tries: u32, mut until: impl FnMut() -> Option<T>) -> Option<T> {
    for _ in 0..tries {
        if let Some(x) = until() {
            return Some(x);
        }
        std::thread::sleep(Duration::from_millis(250));
    }
    None
}

/// Windows finished so far, read from an `oncall serve` /metrics.
pub fn samples_total(port: u16) -> f64 {
    samples_in(&http_get(port, "/metrics", &[]).1)
}

pub fn samples_in(body: &str) -> f64 {
    body.lines()
        .find_map(|l| l.strip_prefix("oncall_samples_total "))
        .and_then(|v| v.trim().parse().ok())
        .unwrap_or(0.0)
}

/// Prometheus with `config` (a whole prometheus.yml) and its data in `dir`.
pub fn prometheus_with(dir: &Path, config: &str) -> Option<(Daemon, u16)> {
    let port = free_port();
    let path = dir.join("prometheus.yml");
    std::fs::write(&path, config).unwrap();
    let args = vec![
        format!("--config.file={}", path.display()),
        format!("--storage.tsdb.path={}", dir.join("data").display()),
        format!("--web.listen-address=127.0.0.1:{port}"),
    ];
    let d = prometheus_daemon("prometheus", &args, port)?;
    Some((d, port))
}

/// Prometheus scraping every second with `scrape_configs` (YAML, indented under it).
pub fn prometheus(dir: &Path, scrape_configs: &str) -> Option<(Daemon, u16)> {
    prometheus_with(
        dir,
        &format!(
            "global:\n  scrape_interval: 1s\n  scrape_timeout: 1s\n  evaluation_interval: 1s\nscrape_configs:\n{scrape_configs}"
        ),
    )
}

/// The instant vector of `q` in Prometheus (empty while it cannot answer).
pub fn query(prom: u16, q: &str) -> Vec<Value> {
    let (status, body) = http_get(prom, &format!("/api/v1/query?query={}", percent(q)), &[]);
    if status != 200 {
        return Vec::new();
    }
    let v: Value = serde_json::from_str(&body).unwrap_or(Value::Null);
    v["data"]["result"].as_array().cloned().unwrap_or_default()
}

/// The alerts Prometheus holds (pending or firing), from /api/v1/alerts.
pub fn alerts(prom: u16) -> Vec<Value> {
    let (status, body) = http_get(prom, "/api/v1/alerts", &[]);
    if status != 200 {
        return Vec::new();
    }
    let v: Value = serde_json::from_str(&body).unwrap_or(Value::Null);
    v["data"]["alerts"].as_array().cloned().unwrap_or_default()
}
