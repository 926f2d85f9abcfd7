//! A fleet on one host: 20 `oncall serve` processes on their own loopback ports, one real
//! Prometheus scraping them all from one static_configs list. Every instance is `up`, a
//! PromQL query across the fleet is answered, and a condition planted for one instance only
//! (an error burst in the log only it watches) shows on exactly that instance.

mod support;

use std::io::Write;
use support::prometheus::{poll, prometheus, query};
use support::servers::{oncall_serve, Daemon};

const FLEET: usize = 20;

/// 10 old error lines, then 240 in the last five minutes: a burst by triage's rule.
fn error_burst(path: &std::path::Path) {
    let now = jiff::Timestamp::now();
    let mut f = std::fs::File::create(path).unwrap();
    let at = |ago: i64| now - jiff::SignedDuration::from_secs(ago);
    for i in 0..10 {
        writeln!(f, "{} ERROR db timeout after {i} ms", at(40 * 60)).unwrap();
    }
    for i in 0..240 {
        let t = at(300 - i);
        writeln!(f, "{t} INFO request id={i} ok").unwrap();
        writeln!(
            f,
            "{t} ERROR upstream refused connection to 10.0.0.{} port 8080",
            i % 9
        )
        .unwrap();
    }
}

#[test]
fn twenty_instances_are_up_and_a_planted_condition_shows_on_exactly_one() {
    let dir = tempfile::tempdir().unwrap();
    // Each instance watches a log directory of its own (quiet ones are empty), so a window
    // does not read the host's /var/log twenty times over.
    let planted = 7;
    let mut fleet: Vec<(Daemon, u16)> = Vec::new();
    let mut burst_log = String::new();
    for i in 0..FLEET {
        let logs = dir.path().join(format!("logs-{i}"));
        std::fs::create_dir(&logs).unwrap();
        if i == planted {
            let log = logs.join("app.log");
            error_burst(&log);
            burst_log = log.display().to_string();
        }
        fleet.push(oncall_serve(&[
            "--interval",
            "10s",
            "--logs",
            logs.to_str().unwrap(),
        ]));
    }
    let targets: Vec<String> = fleet
        .iter()
        .map(|(_, p)| format!("'127.0.0.1:{p}'"))
        .collect();
    let scrape = format!(
        "  - job_name: oncall\n    static_configs:\n      - targets: [{}]\n",
        targets.join(", ")
    );
    let Some((_prom, prom)) = prometheus(dir.path(), &scrape) else {
        return;
    };
    let all_up = poll(480, || {
        let v = query(prom, "count(up{job=\"oncall\"} == 1)");
        (v.first()?["value"][1].as_str()? == FLEET.to_string()).then_some(())
    });
    assert!(
        all_up.is_some(),
        "not all {FLEET} instances were up: {:?}",
        query(prom, "up")
    );

    // The planted burst: on one instance, that one.
    let planted_instance = format!("127.0.0.1:{}", fleet[planted].1);
    let q =
        format!("count by (instance) (oncall_finding{{rule=\"logs\",subject=\"{burst_log}\"}})");
    let seen = poll(480, || {
        let v = query(prom, &q);
        (!v.is_empty()).then_some(v)
    })
    .unwrap_or_else(|| panic!("no instance reported the burst in {burst_log}"));
    assert_eq!(seen.len(), 1, "{seen:?}");
    assert_eq!(
        seen[0]["metric"]["instance"],
        planted_instance.as_str(),
        "{seen:?}"
    );

    // A question across the fleet: findings by rule, answered with the planted one in it.
    let by_rule = query(prom, "count by (rule) (oncall_finding)");
    assert!(
        by_rule.iter().any(|r| r["metric"]["rule"] == "logs"),
        "{by_rule:?}"
    );
    // And every instance finishes windows: the fleet's samples all move.
    let sampled = poll(480, || {
        let v = query(prom, "count(oncall_samples_total{job=\"oncall\"} >= 1)");
        (v.first()?["value"][1].as_str()? == FLEET.to_string()).then_some(())
    });
    assert!(
        sampled.is_some(),
        "{:?}",
        query(prom, "oncall_samples_total")
    );
}
