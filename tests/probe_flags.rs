//! Probe flags without meaning are usage errors (exit 2, one line); Prometheus values are in
//! their short decimal form; `--watch … | head -1` ends when its reader does.

mod support;

use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};
use support::oncall;
use support::servers::{Reply, Req, TestServer};

#[test]
fn zero_and_absurd_values_are_usage_errors() {
    let url = "http://127.0.0.1:1/";
    for args in [
        &["--timeout", "0"][..],
        &["--connect-timeout", "0"],
        &["--timeout", "0s"],
        &["--failure-threshold", "0"],
        &["--success-threshold", "0"],
        &["--watch", "0"],
        &["--balancer", "99999999"],
    ] {
        let out = oncall().arg("probe").args(args).arg(url).output().unwrap();
        assert_eq!(out.status.code(), Some(2), "{args:?}");
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(
            err.starts_with(&format!("oncall: {}", args[0])),
            "{args:?}: {err}"
        );
        assert_eq!(err.lines().count(), 1, "{err}");
    }
}

#[test]
fn prometheus_values_are_in_short_decimal_form() {
    let s = TestServer::http(|_: &Req| Reply::new(200, "ok"));
    for _ in 0..5 {
        let out = oncall()
            .args(["probe", &s.url("/prom"), "--format", "prometheus"])
            .output()
            .unwrap();
        let text = String::from_utf8_lossy(&out.stdout);
        for line in text.lines().filter(|l| !l.starts_with('#')) {
            let value = line.rsplit(' ').next().unwrap();
            let v: f64 = value.parse().unwrap_or_else(|_| panic!("{line}"));
            if line.contains("_seconds{") {
                // Durations are whole microseconds: at most six decimals.
                let decimals = value.split_once('.').map_or(0, |(_, d)| d.len());
                assert!(decimals <= 6, "{line}");
            }
            assert_eq!(v.to_string(), value, "{line}");
        }
    }
}

#[test]
fn watch_ends_quietly_when_its_reader_closes() {
    let s = TestServer::http(|_: &Req| Reply::new(200, "ok"));
    let mut child = Command::new(assert_cmd::cargo::cargo_bin("oncall"))
        .args(["probe", "--watch", "1", &s.url("/watched")])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    // As `| head -1`: read one line, close the pipe.
    let mut first = String::new();
    BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut first)
        .unwrap();
    assert!(first.contains("UP"), "{first}");
    // The target stays up, so nothing more is written: the closed reader must be noticed.
    let end = Instant::now() + Duration::from_secs(30);
    let status = loop {
        if let Some(st) = child.try_wait().unwrap() {
            break st;
        }
        if Instant::now() > end {
            let _ = child.kill();
            panic!("probe --watch kept running after its reader closed");
        }
        std::thread::sleep(Duration::from_millis(50));
    };
    assert_eq!(status.code(), Some(0));
    let mut err = String::new();
    std::io::Read::read_to_string(&mut child.stderr.take().unwrap(), &mut err).unwrap();
    assert!(err.is_empty(), "{err}");
}
