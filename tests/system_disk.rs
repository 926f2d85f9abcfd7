//! `oncall disk` against coreutils `df`.

mod support;

use serde_json::Value;
use std::collections::HashMap;
use std::process::Command;
use support::{oncall, stdout_json};

/// `df -B1 [-a]` rows by mount point: (size, used, avail).
fn df(all: bool) -> HashMap<String, (u64, u64, u64)> {
    let mut cmd = Command::new("df");
    cmd.args(["-B1", "--output=target,size,used,avail"]);
    if all {
        cmd.arg("-a");
    }
    let out = cmd.output().expect("coreutils df is installed");
    String::from_utf8_lossy(&out.stdout)
        .lines()
        .skip(1)
        .filter_map(|l| {
            let cols: Vec<&str> = l.split_whitespace().collect();
            let n = cols.len();
            // df -a prints "-" for filesystems with no sizes.
            let num = |s: &str| s.parse::<u64>().unwrap_or(0);
            (n >= 4).then(|| {
                (
                    cols[..n - 3].join(" "),
                    (num(cols[n - 3]), num(cols[n - 2]), num(cols[n - 1])),
                )
            })
        })
        .collect()
}

fn filesystems(doc: &Value) -> &Vec<Value> {
    doc["filesystems"].as_array().unwrap()
}

#[test]
fn every_df_filesystem_is_shown_with_its_size() {
    let theirs = df(false);
    let doc = stdout_json(&["disk", "--json"]);
    let ours: HashMap<String, &Value> = filesystems(&doc)
        .iter()
        .map(|f| (f["mount"].as_str().unwrap().to_string(), f))
        .collect();
    for (mount, (size, used, avail)) in &theirs {
        let f = ours
            .get(mount)
            .unwrap_or_else(|| panic!("df shows {mount}, oncall does not: {doc}"));
        for key in [
            "mount",
            "source",
            "fs_type",
            "size_bytes",
            "used_bytes",
            "avail_bytes",
            "inodes_total",
            "inodes_used",
        ] {
            assert!(f.get(key).is_some(), "{key} missing: {f}");
        }
        assert_eq!(f["size_bytes"].as_u64(), Some(*size), "{mount}");
        // Used and available move while other tests write: allow 1% of the size.
        let slack = size / 100 + (64 << 20);
        assert!(
            f["used_bytes"].as_u64().unwrap().abs_diff(*used) <= slack,
            "{mount}"
        );
        assert!(
            f["avail_bytes"].as_u64().unwrap().abs_diff(*avail) <= slack,
            "{mount}"
        );
        assert_eq!(f["responding"], true);
    }
    // And nothing that df -a would not list at all.
    let everything = df(true);
    for mount in ours.keys() {
        assert!(
            everything.contains_key(mount),
            "{mount} is no mount df -a knows"
        );
    }
}

#[test]
fn inodes_match_df_i() {
    let out = Command::new("df")
        .args(["--output=target,itotal,iused", "/"])
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&out.stdout).to_string();
    let cols: Vec<&str> = text.lines().nth(1).unwrap().split_whitespace().collect();
    let doc = stdout_json(&["disk", "--json"]);
    let root = filesystems(&doc)
        .iter()
        .find(|f| f["mount"] == cols[0])
        .expect("the filesystem of / is listed");
    assert_eq!(root["inodes_total"].as_u64(), cols[1].parse().ok());
    let used: u64 = cols[2].parse().unwrap();
    assert!(root["inodes_used"].as_u64().unwrap().abs_diff(used) < 10_000);
}

#[test]
fn all_adds_pseudo_filesystems() {
    let plain = stdout_json(&["disk", "--json"]);
    assert!(filesystems(&plain).iter().all(|f| f["fs_type"] != "proc"));
    let all = stdout_json(&["disk", "--json", "--all"]);
    assert!(filesystems(&all).iter().any(|f| f["fs_type"] == "proc"));
}

#[test]
fn table_has_the_columns_and_hint() {
    let out = oncall().arg("disk").assert().success();
    let text = String::from_utf8_lossy(&out.get_output().stdout).to_string();
    for col in ["MOUNT", "SIZE", "USED", "AVAIL", "USE%", "INODES"] {
        assert!(text.contains(col), "{col}:\n{text}");
    }
    assert!(text.contains("hint: same as: df -hT"), "{text}");
}

#[test]
fn a_hung_mount_is_not_responding_and_the_others_are_shown() {
    // A mount whose server never answers (see support::with_hung_mount): its row says so
    // within the per-mount timeout, and every other filesystem keeps its numbers.
    let Some(out) =
        support::with_hung_mount("deadsrv:/export", &["disk", "--json", "--timeout", "500ms"])
    else {
        return;
    };
    assert!(out.status.success(), "{out:?}");
    let doc: Value = serde_json::from_slice(&out.stdout).unwrap();
    let list = filesystems(&doc);
    let hung: Vec<&Value> = list
        .iter()
        .filter(|f| f["source"] == "deadsrv:/export")
        .collect();
    assert_eq!(hung.len(), 1, "{doc}");
    assert_eq!(hung[0]["responding"], false);
    assert!(hung[0]["size_bytes"].is_null() && hung[0]["use_percent"].is_null());
    let root = list
        .iter()
        .find(|f| f["mount"] == "/")
        .expect("/ is listed");
    assert_eq!(root["responding"], true);
    assert!(root["size_bytes"].as_u64().unwrap() > 0, "{root}");

    let Some(out) = support::with_hung_mount("deadsrv:/export", &["disk", "--timeout", "500ms"])
    else {
        return;
    };
    let text = String::from_utf8_lossy(&out.stdout);
    let row = text
        .lines()
        .find(|l| l.contains("deadsrv:/export"))
        .unwrap();
    assert!(row.contains("not responding"), "{text}");
    assert!(text.contains("did not answer statvfs in time"), "{text}");
}

#[test]
fn a_zero_timeout_is_refused() {
    // Zero would mark every network mount "not responding" without asking it.
    for zero in ["0", "0s", "0ms"] {
        let out = oncall()
            .args(["disk", "--timeout", zero])
            .assert()
            .code(2)
            .stdout("");
        let err = String::from_utf8_lossy(&out.get_output().stderr).to_string();
        assert!(err.starts_with("oncall: "), "{err}");
        assert!(err.contains("above 0"), "{zero}: {err}");
        assert_eq!(err.lines().count(), 1, "{err}");
    }
}
