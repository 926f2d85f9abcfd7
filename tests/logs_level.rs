//! `--level` and `--field`: plain lines by their level words, JSON lines by their fields;
//! counts checked against grep pipelines and against the generator.
//! Needs: grep.

#[path = "logs_support/mod.rs"]
mod logs_support;
mod support;

use logs_support::*;
use std::io::Write;
use support::oncall;

fn count(args: &[&str]) -> String {
    let out = oncall().args(args).output().unwrap();
    String::from_utf8_lossy(&out.stdout).trim().to_string()
}

#[test]
fn level_on_plain_lines_equals_a_grep_pipeline() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("a.log");
    write_log(&p, &mut Gen::new(8, T0, 100), 30_000, None);
    let ps = p.to_str().unwrap();
    let cases = [
        (
            vec!["--level", "error", "status=50"],
            format!("grep ' ERROR ' {ps} | grep -c status=50"),
        ),
        (
            vec!["--level", "warn", "status=50"],
            format!("grep -E ' (ERROR|WARN) ' {ps} | grep -c status=50"),
        ),
        (
            vec!["--level", "info", "status=404"],
            format!("grep -E ' (ERROR|WARN|INFO) ' {ps} | grep -c status=404"),
        ),
        (vec!["--level", "debug", "."], format!("grep -c . {ps}")),
        (
            vec!["-v", "--level", "error", "status=50"],
            format!("grep ' ERROR ' {ps} | grep -vc status=50"),
        ),
    ];
    for (flags, pipeline) in cases {
        let mut args = vec!["logs", "grep", "-c"];
        args.extend(&flags);
        args.push(ps);
        assert_eq!(count(&args), sh(&pipeline).trim(), "{flags:?}");
    }
    // Context lines around filtered matches stay grep's context (checked on the first group).
    let out = oncall()
        .args([
            "logs",
            "grep",
            "-n",
            "-m",
            "1",
            "-A",
            "1",
            "--level",
            "error",
            "status=503",
            ps,
        ])
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    let first: Vec<&str> = text.lines().collect();
    assert_eq!(first.len(), 2);
    assert!(first[0].contains(" ERROR ") && first[0].contains("status=503"));
    let n: usize = first[0].split(':').next().unwrap().parse().unwrap();
    assert!(first[1].starts_with(&format!("{}-", n + 1)));
}

#[test]
fn fields_and_levels_of_json_lines() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("j.log");
    let mut f = std::fs::File::create(&p).unwrap();
    let levels = ["info", "error", "warn", "debug", "error"];
    let services = ["api", "web", "worker"];
    let mut want_api_errors = 0;
    let mut want_500 = 0;
    let mut want_api = 0;
    for i in 0..5000u64 {
        let level = levels[(i % 5) as usize];
        let service = services[(i % 3) as usize];
        let status = if i % 7 == 0 { 500 } else { 200 };
        writeln!(
            f,
            r#"{{"ts":{},"level":"{level}","service":"{service}","http":{{"status":{status}}},"msg":"request {i} done"}}"#,
            1_795_788_181 + i
        )
        .unwrap();
        want_api_errors += u32::from(service == "api" && level == "error");
        want_500 += u32::from(status == 500);
        want_api += u32::from(service == "api");
    }
    drop(f);
    let ps = p.to_str().unwrap();
    assert_eq!(
        count(&[
            "logs",
            "grep",
            "-c",
            "--level",
            "error",
            "--field",
            "service=api",
            "request",
            ps
        ]),
        want_api_errors.to_string()
    );
    assert_eq!(
        count(&[
            "logs",
            "grep",
            "-c",
            "--field",
            "http.status=500",
            "done",
            ps
        ]),
        want_500.to_string()
    );
    assert_eq!(
        count(&["logs", "grep", "-c", "--field", "service=api", "done", ps]),
        want_api.to_string()
    );
    // Epoch seconds in JSON lines become RFC 3339 timestamps.
    let out = oncall()
        .args(["logs", "grep", "--json", "-m", "1", "request 0 done", ps])
        .output()
        .unwrap();
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["timestamp"], iso(T0));
}
