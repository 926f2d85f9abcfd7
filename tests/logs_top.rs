//! `oncall logs top`: signatures, counts and first/last seen checked against the generator
//! and grep; --since honoured; a rotated, gzipped set counts as one.
//! Needs: grep, gzip.

#[path = "logs_support/mod.rs"]
mod logs_support;
mod support;

use logs_support::*;
use std::io::Write;
use support::{oncall, stdout_json};

#[test]
fn signatures_count_like_grep_and_carry_first_and_last_seen() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let mut gen = Gen::new(21, T0, 1000);
    let mut times = write_log(&d.join("app.log.1"), &mut gen, 4000, None);
    let mut f = std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open(d.join("app.log"))
        .unwrap();
    // Varying numbers, IPs, ids and quotes: one signature.
    for i in 0..7 {
        let t = gen.t_ms;
        gen.t_ms += 1000;
        writeln!(
            f,
            "{} ERROR connect to 10.0.{i}.{} failed after {}ms id=0x{:x} user='u{i}'",
            iso(t),
            i * 3,
            100 + i,
            0xbeef + i
        )
        .unwrap();
        times.push(t);
    }
    drop(f);
    times.extend(write_log(&d.join("tmp.log"), &mut gen, 1, None));
    std::fs::remove_file(d.join("tmp.log")).unwrap();
    sh(&format!("gzip {}/app.log.1", d.display()));
    let v = stdout_json(&["logs", "top", "--json", d.to_str().unwrap()]);
    let sigs = v["signatures"].as_array().unwrap();
    let plain = sh(&format!(
        "zcat {0}/app.log.1.gz; cat {0}/app.log",
        d.display()
    ));
    let count = |word: &str| plain.lines().filter(|l| l.contains(word)).count() as u64;
    let generated_errors = count(" ERROR service=");
    let warns = count(" WARN ");
    let find = |prefix: &str| {
        sigs.iter()
            .find(|s| s["signature"].as_str().unwrap().starts_with(prefix))
            .unwrap_or_else(|| panic!("no signature {prefix}: {v:#}"))
    };
    let e = find("ERROR service=api");
    assert_eq!(e["count"], generated_errors);
    assert_eq!(e["level"], "error");
    assert_eq!(find("WARN service=api")["count"], warns);
    let c = find("ERROR connect to");
    assert_eq!(c["count"], 7);
    assert_eq!(
        c["signature"],
        "ERROR connect to <ip> failed after <n>ms id=<hex> user='…'"
    );
    // First and last seen: the generator's times of the first and last such line.
    let first_err = plain
        .lines()
        .position(|l| l.contains(" ERROR service="))
        .unwrap();
    let all: Vec<&str> = plain.lines().collect();
    let last_err = all
        .iter()
        .rposition(|l| l.contains(" ERROR service="))
        .unwrap();
    assert_eq!(e["first_seen"], iso(times[first_err]));
    assert_eq!(e["last_seen"], iso(times[last_err]));
    assert_eq!(
        v["error_and_warning_lines"].as_u64().unwrap(),
        generated_errors + warns + 7
    );
    // Ordered by count.
    let counts: Vec<u64> = sigs.iter().map(|s| s["count"].as_u64().unwrap()).collect();
    let mut sorted = counts.clone();
    sorted.sort_by(|a, b| b.cmp(a));
    assert_eq!(counts, sorted);
    // --since keeps only the recent connect errors and the lines after them.
    let since = iso(times[4000 + 3]);
    let v = stdout_json(&[
        "logs",
        "top",
        "--json",
        "--since",
        &since,
        d.to_str().unwrap(),
    ]);
    let sigs = v["signatures"].as_array().unwrap();
    assert_eq!(sigs.len(), 1, "{v:#}");
    assert_eq!(sigs[0]["count"], 4);
    // The table names the classic pipeline.
    let out = oncall()
        .args(["logs", "top", d.to_str().unwrap()])
        .assert()
        .success();
    let text = String::from_utf8_lossy(&out.get_output().stdout).to_string();
    assert!(
        text.contains("COUNT") && text.contains("hint: same as: grep"),
        "{text}"
    );
}

/// A 10 MB line is one row with a short signature, in the table and in JSON (the whole line
/// used to be the signature: 10 MB printed, and seconds of table layout).
#[test]
fn a_ten_megabyte_line_prints_a_short_signature() {
    let dir = tempfile::tempdir().unwrap();
    let log = dir.path().join("huge.log");
    let mut f = std::fs::File::create(&log).unwrap();
    writeln!(f, "{} ERROR short one", iso(T0)).unwrap();
    write!(f, "{} ERROR huge-line-marker ", iso(T0 + 1000)).unwrap();
    f.write_all(&vec![b'x'; 10 << 20]).unwrap();
    writeln!(f).unwrap();
    drop(f);
    let path = log.to_str().unwrap();
    let v = stdout_json(&["logs", "top", "--json", path]);
    let sigs = v["signatures"].as_array().unwrap();
    assert_eq!(sigs.len(), 2, "{v:#}");
    let huge = sigs
        .iter()
        .map(|s| s["signature"].as_str().unwrap())
        .find(|s| s.starts_with("ERROR huge-line-marker x"))
        .expect("the long line's signature");
    assert!(
        huge.chars().count() <= 201 && huge.ends_with('…'),
        "{huge:.300}"
    );
    let out = oncall()
        .args(["logs", "top", "--color", "never", path])
        .env("COLUMNS", "120")
        .assert()
        .success();
    let text = String::from_utf8_lossy(&out.get_output().stdout).to_string();
    assert!(text.contains("huge-line-marker"), "{text:.2000}");
    assert!(text.len() < 8 * 1024, "{} bytes printed", text.len());
}

/// JSON loggers often log one message at two levels: warnings are not folded into errors.
#[test]
fn warnings_and_errors_with_one_message_are_two_rows_on_json_logs() {
    let dir = tempfile::tempdir().unwrap();
    let log = dir.path().join("app.json.log");
    let mut f = std::fs::File::create(&log).unwrap();
    for i in 0..266 {
        let level = if i % 2 == 0 && i < 2 * 127 {
            "error"
        } else {
            "warn"
        };
        writeln!(
            f,
            r#"{{"ts":{},"level":"{level}","msg":"upstream twolevel-marker {i} ms"}}"#,
            T0 / 1000 + i
        )
        .unwrap();
    }
    drop(f);
    let v = stdout_json(&["logs", "top", "--json", log.to_str().unwrap()]);
    let rows: Vec<(String, u64, String)> = v["signatures"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| {
            (
                s["level"].as_str().unwrap().to_string(),
                s["count"].as_u64().unwrap(),
                s["signature"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    let sig = "upstream twolevel-marker <n> ms".to_string();
    assert_eq!(
        rows,
        [
            ("warn".into(), 139, sig.clone()),
            ("error".into(), 127, sig)
        ],
        "{v:#}"
    );
}
