//! `oncall disk deleted`: a file this test deletes while holding it open is found, with us as
//! its holder, as `lsof +L1` finds it.

mod support;

use std::io::Write;
use std::os::fd::AsRawFd;
use std::process::Command;
use support::{oncall, stdout_json};

#[test]
fn a_deleted_open_file_is_found_with_its_holder() {
    let tmp = tempfile::tempdir().unwrap();
    let path = tmp.path().join("held-after-delete.log");
    let mut f = std::fs::File::create(&path).unwrap();
    f.write_all(&vec![b'z'; 1 << 20]).unwrap();
    f.sync_all().unwrap();
    std::fs::remove_file(&path).unwrap();

    let doc = stdout_json(&["disk", "deleted", "--json"]);
    let me = std::process::id() as i64;
    let shown = path.to_str().unwrap();
    let files = doc["files"].as_array().unwrap();
    let entry = files
        .iter()
        .find(|e| e["pid"] == me && e["path"] == shown)
        .unwrap_or_else(|| panic!("not found: {doc}"));
    assert_eq!(entry["fd"], f.as_raw_fd());
    assert_eq!(entry["size_bytes"], 1 << 20);
    assert!(entry["allocated_bytes"].as_u64().unwrap() >= 1 << 20);
    assert!(entry["process"].is_string());
    assert!(doc["pinned_bytes"].as_u64().unwrap() >= 1 << 20);

    // lsof +L1 agrees (when lsof is installed: Debian's lsof package).
    match Command::new("lsof")
        .args(["-nP", "+L1", "-p", &me.to_string()])
        .output()
    {
        Ok(out) => {
            let text = String::from_utf8_lossy(&out.stdout);
            assert!(text.contains(shown), "lsof +L1 does not list it:\n{text}");
        }
        Err(_) => eprintln!("lsof not installed: the lsof comparison is skipped"),
    }

    let table = oncall().args(["disk", "deleted"]).assert().success();
    let text = String::from_utf8_lossy(&table.get_output().stdout).to_string();
    assert!(text.contains(shown), "{text}");
    assert!(text.contains("pinned on disk"), "{text}");
    assert!(text.contains("hint: same as: lsof +L1"), "{text}");
    drop(f);

    // Closed: gone from the report.
    let after = stdout_json(&["disk", "deleted", "--json"]);
    assert!(after["files"]
        .as_array()
        .unwrap()
        .iter()
        .all(|e| e["path"] != shown));
}
