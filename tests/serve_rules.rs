//! `oncall rules prometheus` with the real tools: `promtool check rules` lints the output,
//! `promtool test rules` runs a test written here from the output itself (each alert fed
//! its own finding series, with the labels and annotations Prometheus must produce), and a
//! real Prometheus loads the rules, scrapes `oncall serve` on this host with a planted full
//! accept queue, and holds the alert (pending or firing) in /api/v1/alerts.

mod support;

use serde_json::{json, Value};
use std::path::Path;
use std::process::Command;
use support::oncall;
use support::prometheus::{alerts, poll, prometheus_with};
use support::servers::{black_hole, find_binary, oncall_serve};

fn promtool() -> Option<std::path::PathBuf> {
    let p = find_binary("promtool");
    if p.is_none() {
        assert!(
            std::env::var_os("CI").is_none(),
            "promtool must be installed under CI (.ci/run installs prometheus)"
        );
        eprintln!("skipped: promtool is not installed (apt-get install prometheus)");
    }
    p
}

/// `oncall rules prometheus ARGS` written to `dir/name`; its parsed document.
fn rules_file(dir: &Path, name: &str, args: &[&str]) -> Value {
    let out = oncall()
        .args(["rules", "prometheus"])
        .args(args)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    std::fs::write(dir.join(name), &out.stdout).unwrap();
    let yaml: serde_yaml::Value = serde_yaml::from_slice(&out.stdout).unwrap();
    serde_json::to_value(yaml).unwrap()
}

fn run(cmd: &mut Command) -> (bool, String) {
    let out = cmd.output().unwrap();
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    (out.status.success(), text)
}

#[test]
fn promtool_checks_the_rules_clean_in_yaml_and_json() {
    let Some(promtool) = promtool() else { return };
    let dir = tempfile::tempdir().unwrap();
    let doc = rules_file(dir.path(), "oncall.yml", &[]);
    rules_file(dir.path(), "oncall.json", &["--json", "--for", "5m"]);
    let alerts = doc["groups"][0]["rules"].as_array().unwrap();
    // One alert per triage rule set, named and labelled as documented.
    assert_eq!(alerts.len(), 14, "{doc}");
    for a in alerts {
        assert!(a["alert"].as_str().unwrap().starts_with("Oncall"), "{a}");
        assert!(a["annotations"]["runbook"]
            .as_str()
            .unwrap()
            .starts_with("oncall cheat --runbook "));
    }
    for f in ["oncall.yml", "oncall.json"] {
        let (ok, text) = run(Command::new(&promtool)
            .args(["check", "rules"])
            .arg(dir.path().join(f)));
        assert!(ok, "{f}: {text}");
        let found = format!("SUCCESS: {} rules found", alerts.len());
        assert!(text.contains(&found), "{f}: {text}");
    }
}

/// `{{ $labels.NAME }}` filled in from `labels`, as Prometheus expands the annotations.
fn expand(template: &str, labels: &serde_json::Map<String, Value>) -> String {
    let mut out = template.to_string();
    for (k, v) in labels {
        out = out.replace(&format!("{{{{ $labels.{k} }}}}"), v.as_str().unwrap());
    }
    out
}

#[test]
fn promtool_test_rules_fires_each_alert_for_its_own_finding_only() {
    let Some(promtool) = promtool() else { return };
    let dir = tempfile::tempdir().unwrap();
    let doc = rules_file(dir.path(), "oncall.yml", &[]);
    let mut input = Vec::new();
    let mut early = Vec::new();
    let mut late = Vec::new();
    for a in doc["groups"][0]["rules"].as_array().unwrap() {
        let name = a["alert"].as_str().unwrap();
        let rule = a["expr"]
            .as_str()
            .unwrap()
            .split('"')
            .nth(1)
            .unwrap()
            .to_string();
        let series = json!({
            "__name__": "oncall_finding",
            "rule": rule,
            "severity": "critical",
            "subject": format!("subject-of-{rule}"),
            "runbook": "disk-full",
            "instance": "host-1:9199",
            "job": "oncall",
        });
        let labels = series.as_object().unwrap();
        let selector = labels
            .iter()
            .filter(|(k, _)| *k != "__name__")
            .map(|(k, v)| format!("{k}=\"{}\"", v.as_str().unwrap()))
            .collect::<Vec<_>>()
            .join(",");
        input.push(json!({"series": format!("oncall_finding{{{selector}}}"), "values": "1x20"}));
        // The same rule's finding on another host, gone (0): it must not fire.
        input.push(json!({
            "series": format!("oncall_finding{{rule=\"{rule}\",severity=\"warning\",subject=\"\",runbook=\"\",instance=\"host-2:9199\",job=\"oncall\"}}"),
            "values": "0x20",
        }));
        let mut exp_labels = labels.clone();
        exp_labels.remove("__name__");
        exp_labels.insert("source".into(), json!("oncall"));
        let annotations: serde_json::Map<String, Value> = a["annotations"]
            .as_object()
            .unwrap()
            .iter()
            .map(|(k, v)| (k.clone(), json!(expand(v.as_str().unwrap(), &exp_labels))))
            .collect();
        // Before `for` (1m) has passed: pending, not in exp_alerts; after: firing.
        early.push(json!({"eval_time": "30s", "alertname": name, "exp_alerts": []}));
        late.push(json!({
            "eval_time": "2m",
            "alertname": name,
            "exp_alerts": [{"exp_labels": exp_labels, "exp_annotations": annotations}],
        }));
    }
    early.extend(late);
    let test = json!({
        "rule_files": ["oncall.yml"],
        "evaluation_interval": "15s",
        "tests": [{"interval": "15s", "input_series": input, "alert_rule_test": early}],
    });
    std::fs::write(dir.path().join("test.yml"), test.to_string()).unwrap();
    let (ok, text) = run(Command::new(&promtool)
        .current_dir(dir.path())
        .args(["test", "rules", "test.yml"]));
    assert!(ok, "{text}");
    assert!(text.contains("SUCCESS"), "{text}");
}

#[test]
fn prometheus_raises_the_alert_for_a_planted_full_accept_queue() {
    let dir = tempfile::tempdir().unwrap();
    rules_file(dir.path(), "oncall.yml", &[]);
    let (_serve, port) =
        oncall_serve(&["--interval", "1s", "--logs", dir.path().to_str().unwrap()]);
    let (listener, _queued) = black_hole("127.0.0.1:0".parse().unwrap());
    let subject = listener.local_addr().unwrap().to_string();
    let config = format!(
        "global:\n  scrape_interval: 1s\n  scrape_timeout: 1s\n  evaluation_interval: 1s\n\
         rule_files: ['{}']\n\
         scrape_configs:\n  - job_name: oncall\n    static_configs:\n      - targets: ['127.0.0.1:{port}']\n",
        dir.path().join("oncall.yml").display()
    );
    let Some((_prom, prom)) = prometheus_with(dir.path(), &config) else {
        return;
    };
    let raised = poll(480, || {
        alerts(prom).into_iter().find(|a| {
            a["labels"]["alertname"] == "OncallSockets" && a["labels"]["subject"] == subject
        })
    });
    let a = raised.unwrap_or_else(|| panic!("no OncallSockets alert for {subject}"));
    let state = a["state"].as_str().unwrap_or("");
    assert!(state == "pending" || state == "firing", "{a}");
    assert_eq!(a["labels"]["severity"], "critical", "{a}");
    assert_eq!(
        a["annotations"]["runbook"], "oncall cheat --runbook backend-unhealthy",
        "{a}"
    );
    assert!(
        a["annotations"]["summary"]
            .as_str()
            .unwrap()
            .contains(&subject),
        "{a}"
    );
    drop(listener);
}
