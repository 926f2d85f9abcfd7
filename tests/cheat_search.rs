//! Search quality of `oncall cheat`: a query that matches nothing real exits 1 with the
//! nearest names, `--safe` on a command without read-only examples says so, and runbooks
//! are suggested only when they fit the query.

mod support;

use serde_json::Value;
use support::{oncall, stdout_json};

fn stderr_of(args: &[&str]) -> String {
    let out = oncall().args(args).assert().code(1);
    assert!(out.get_output().stdout.is_empty() || args.contains(&"--json"));
    String::from_utf8_lossy(&out.get_output().stderr).to_string()
}

fn names(v: &Value) -> Vec<String> {
    v.as_array()
        .unwrap()
        .iter()
        .map(|c| c["name"].as_str().unwrap().to_string())
        .collect()
}

#[test]
fn unrelated_words_are_no_match_not_a_table() {
    // Words no command is about (before the sheet knew Kubernetes, "kubernetes pod crash"
    // showed gdb, whose text says "crash"; now kubectl and crictl answer it, rightly).
    for query in [
        ["tensorflow", "gradient", "descent"],
        ["quantum", "flux", "capacitor"],
    ] {
        let mut args = vec!["cheat"];
        args.extend(query);
        let err = stderr_of(&args);
        assert!(err.starts_with("oncall: no command matches"), "{err}");
        assert!(err.contains("nearest names: "), "{err}");
    }
}

#[test]
fn safe_on_a_command_without_read_only_examples_says_so() {
    let err = stderr_of(&["cheat", "--safe", "rm"]);
    assert!(
        err.starts_with("oncall: rm has no read-only example"),
        "{err}"
    );
    assert!(!err.contains("no command matches"), "{err}");
    // A command with read-only examples still shows them.
    let v = stdout_json(&["cheat", "--safe", "ss", "--json"]);
    assert_eq!(names(&v)[0], "ss");
}

#[test]
fn runbooks_fit_the_query() {
    for query in ["tail log file", "show open ports"] {
        let mut args = vec!["cheat"];
        args.extend(query.split(' '));
        let out = oncall().args(&args).assert().success();
        let text = String::from_utf8_lossy(&out.get_output().stdout).to_string();
        assert!(!text.contains("deleted-files-pin-space"), "{query}: {text}");
    }
    // Symptoms still find theirs, filler words and plurals notwithstanding.
    for (query, want) in [
        ("disk full", "disk-full"),
        ("dns not resolving", "dns-failing"),
        ("too many open files", "too-many-open-files"),
        ("port in use", "port-in-use"),
    ] {
        let mut args = vec!["cheat"];
        args.extend(query.split(' '));
        let out = oncall().args(&args).assert().success();
        let text = String::from_utf8_lossy(&out.get_output().stdout).to_string();
        assert!(
            text.contains(&format!("oncall cheat --runbook {want}")),
            "{query}: {text}"
        );
    }
}

#[test]
fn plural_words_find_singular_text() {
    let v = stdout_json(&["cheat", "show", "open", "ports", "--json"]);
    let top: Vec<String> = names(&v).into_iter().take(5).collect();
    assert!(top.iter().any(|n| n == "lsof"), "{top:?}");
}
