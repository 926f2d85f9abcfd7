//! oncall inside a container says so: a private mount namespace with Podman's
//! `/run/.containerenv` on a fresh tmpfs, and a new cgroup namespace (`unshare --cgroup`):
//! the real signs a runtime leaves, made without one.

use std::process::Command;

fn oncall_bin() -> std::path::PathBuf {
    assert_cmd::cargo::cargo_bin("oncall")
}

/// `sh -c SCRIPT` under `unshare ARGS`; `None` where namespaces are not allowed (not CI).
fn unshared(args: &[&str], script: &str) -> Option<std::process::Output> {
    let out = Command::new("unshare")
        .args(args)
        .args(["sh", "-c", script, "sh"])
        .arg(oncall_bin())
        .env("XDG_CONFIG_HOME", "/nonexistent/oncall-tests")
        .output()
        .expect("unshare (util-linux) is installed");
    let stderr = String::from_utf8_lossy(&out.stderr);
    if out.status.code() == Some(1) && stderr.starts_with("unshare:") {
        assert!(
            std::env::var_os("CI").is_none(),
            "under CI unshare must work: {stderr}"
        );
        eprintln!("skipped: {stderr}");
        return None;
    }
    Some(out)
}

#[test]
fn podman_containerenv_is_a_sign() {
    let script = "mount -t tmpfs oncall-test /run || exit 98\n\
                  printf 'engine=\"podman-4.9.3\"\\n' > /run/.containerenv\n\
                  exec \"$1\" mem --json";
    let Some(out) = unshared(&["--mount", "--propagation", "private"], script) else {
        return;
    };
    assert!(out.status.success(), "{out:?}");
    let doc: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let inside = &doc["inside_container"];
    assert_eq!(inside["runtime"], "podman", "{inside}");
    assert!(inside["signs"].to_string().contains("/run/.containerenv"));
}

#[test]
fn a_cgroup_namespace_is_a_sign() {
    let Some(out) = unshared(&["--cgroup"], "exec \"$1\" ps --json --window 0 --top 1") else {
        return;
    };
    assert!(out.status.success(), "{out:?}");
    let doc: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(doc["inside_container"]["cgroup_namespace"], true, "{doc:#}");
    // And the host's own view has no cgroup namespace.
    let host = Command::new(oncall_bin())
        .args(["ps", "--json", "--window", "0", "--top", "1"])
        .output()
        .unwrap();
    let host: serde_json::Value = serde_json::from_slice(&host.stdout).unwrap();
    assert_ne!(host["inside_container"]["cgroup_namespace"], true);
}
