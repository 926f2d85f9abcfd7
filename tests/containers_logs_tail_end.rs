//! `logs tail -n N` on a big container log reads its tail, not the whole file: a 50+ MB CRI
//! file (and a json-file one) written here, whose last records include a `P` run longer than
//! the first window read back from the end, so the window must widen past it. The output
//! equals the last N records as the file's writer made them (joined), and the bytes oncall
//! read (`rchar` of the reaped child, as its shell's `/proc/self/io` counts it) stay small.

mod support;

use std::io::Write;
use std::path::Path;

const BULK_RECORDS: usize = 260_000;

/// A CRI file: BULK_RECORDS whole records of ~200 bytes, then a `P` run of 200 × 8 KiB
/// lines closed by an `F` (1.6 MB: longer than the first 1 MiB window), then five records.
/// Returns the records as `kubectl logs --timestamps` shows them, oldest first.
fn write_cri(path: &Path) -> Vec<String> {
    let mut f = std::io::BufWriter::new(std::fs::File::create(path).unwrap());
    let mut records = Vec::new();
    let pad = "x".repeat(150);
    for i in 0..BULK_RECORDS {
        let time = format!("2026-12-01T00:00:00.{i:09}Z");
        let msg = format!("bulk {i} {pad}");
        writeln!(f, "{time} stdout F {msg}").unwrap();
        if i + 10 >= BULK_RECORDS {
            records.push(format!("{time} {msg}"));
        }
    }
    let (run_time, mut joined) = ("2026-12-01T00:00:01.000000000Z", String::new());
    for k in 0..200 {
        let part = format!("{k:04}{}", "p".repeat(8 * 1024 - 4));
        let time = if k == 0 {
            run_time.to_string()
        } else {
            format!("2026-12-01T00:00:01.{k:09}Z")
        };
        writeln!(f, "{time} stderr P {part}").unwrap();
        joined.push_str(&part);
    }
    writeln!(f, "2026-12-01T00:00:01.900000000Z stderr F end of run").unwrap();
    joined.push_str("end of run");
    records.push(format!("{run_time} {joined}"));
    for i in 0..5 {
        let time = format!("2026-12-01T00:00:02.{i:09}Z");
        writeln!(f, "{time} stdout F tail {i}").unwrap();
        records.push(format!("{time} tail {i}"));
    }
    f.flush().unwrap();
    records
}

/// `oncall logs tail ARGS` and the bytes it read.
fn tail(args: &[&str]) -> (String, u64) {
    let bin = env!("CARGO_BIN_EXE_oncall");
    let out = std::process::Command::new("sh")
        .arg("-c")
        .arg(r#""$0" logs tail "$@" && grep '^rchar:' /proc/$$/io >&2"#)
        .arg(bin)
        .args(args)
        .env("HOME", "/nonexistent/oncall-tests")
        .env("XDG_CONFIG_HOME", "/nonexistent/oncall-tests")
        .output()
        .unwrap();
    assert!(out.status.success(), "{args:?}: {out:?}");
    let err = String::from_utf8(out.stderr).unwrap();
    let rchar = err
        .lines()
        .find_map(|l| l.strip_prefix("rchar:"))
        .unwrap_or_else(|| panic!("no rchar: {err}"))
        .trim()
        .parse()
        .unwrap();
    (String::from_utf8(out.stdout).unwrap(), rchar)
}

#[test]
fn cri_tail_reads_back_past_a_long_p_run_and_shows_the_last_records() {
    let dir = tempfile::tempdir().unwrap();
    let file_dir = dir.path().join("pods/shop_api_0000/server");
    std::fs::create_dir_all(&file_dir).unwrap();
    let path = file_dir.join("0.log");
    let records = write_cri(&path);
    let len = std::fs::metadata(&path).unwrap().len();
    assert!(len > 50_000_000, "{len}");
    let p = path.to_str().unwrap();

    for n in [3usize, 10] {
        let (out, rchar) = tail(&["-n", &n.to_string(), p]);
        let want: Vec<&str> = records[records.len() - n..]
            .iter()
            .map(String::as_str)
            .collect();
        let got: Vec<&str> = out.lines().collect();
        assert_eq!(got.len(), want.len(), "-n {n}");
        assert!(got == want, "-n {n}: the last records differ");
        // -n 10 needs the window widened past the run (1 MiB, then 4 MiB).
        assert!(
            rchar < 16 << 20,
            "-n {n} read {rchar} bytes of a {len}-byte file"
        );
    }

    // Line numbers (--json) are still the file's own: the run's is its first line's.
    let (out, rchar) = tail(&["-n", "6", "--json", p]);
    let first: serde_json::Value = serde_json::from_str(out.lines().next().unwrap()).unwrap();
    assert_eq!(first["line_number"], BULK_RECORDS as u64 + 1, "{first}");
    assert_eq!(first["stream"], "stderr");
    // Numbering counts the lines before the window once: the file is read about once, not
    // twice (a whole-file line count for following was made too, and thrown away).
    assert!(
        rchar < len + (16 << 20),
        "--json read {rchar} bytes of a {len}-byte file"
    );

    // --grep N counts matching records: the last two "bulk" ones are before the run.
    let (out, rchar) = tail(&["-n", "2", "--grep", "^bulk", p]);
    let want = &records[8..10];
    assert_eq!(out.lines().collect::<Vec<_>>(), want, "--grep");
    assert!(rchar < 16 << 20, "--grep read {rchar}");
}

#[test]
fn docker_json_tail_joins_a_split_record_at_the_window_edge() {
    let dir = tempfile::tempdir().unwrap();
    let id = "a".repeat(64);
    let path = dir.path().join(format!("{id}-json.log"));
    let mut f = std::io::BufWriter::new(std::fs::File::create(&path).unwrap());
    let pad = "y".repeat(150);
    for i in 0..20_000 {
        writeln!(
            f,
            r#"{{"log":"line {i} {pad}\n","stream":"stdout","time":"2026-12-01T00:00:00.{i:09}Z"}}"#
        )
        .unwrap();
    }
    // A record split into 300 pieces of 4 KiB (1.2 MB), then one whole record.
    let mut joined = String::new();
    for k in 0..300 {
        let part = format!("{k:04}{}", "q".repeat(4096 - 4));
        writeln!(
            f,
            r#"{{"log":"{part}","stream":"stdout","time":"2026-12-01T00:00:01.{k:09}Z"}}"#
        )
        .unwrap();
        joined.push_str(&part);
    }
    writeln!(
        f,
        r#"{{"log":"done\n","stream":"stdout","time":"2026-12-01T00:00:01.500000000Z"}}"#
    )
    .unwrap();
    joined.push_str("done");
    writeln!(
        f,
        r#"{{"log":"last\n","stream":"stdout","time":"2026-12-01T00:00:02.000000000Z"}}"#
    )
    .unwrap();
    f.flush().unwrap();
    drop(f);
    let (out, _) = tail(&["-n", "3", path.to_str().unwrap()]);
    let got: Vec<&str> = out.lines().collect();
    assert_eq!(got.len(), 3, "{}", &out[..out.len().min(300)]);
    assert_eq!(
        got[0],
        format!("2026-12-01T00:00:00.000019999Z line 19999 {pad}")
    );
    assert!(
        got[1] == format!("2026-12-01T00:00:01.000000000Z {joined}"),
        "the split record, joined"
    );
    assert_eq!(got[2], "2026-12-01T00:00:02.000000000Z last");
}
