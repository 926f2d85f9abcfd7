//! Shared by the CLI tests: the binary under test with a clean, predictable environment.
#![allow(dead_code)]

use assert_cmd::Command;
use serde_json::Value;

/// `oncall` with no colour variables, no width, and no user sheets nor tldr caches of this
/// machine.
pub fn oncall() -> Command {
    let mut cmd = Command::cargo_bin("oncall").expect("the oncall binary is built");
    cmd.env_remove("NO_COLOR")
        .env_remove("CLICOLOR_FORCE")
        .env_remove("COLUMNS")
        .env_remove("TEALDEER_CACHE_DIR")
        .env("XDG_CONFIG_HOME", "/nonexistent/oncall-tests")
        .env("XDG_CACHE_HOME", "/nonexistent/oncall-tests")
        .env("HOME", "/nonexistent/oncall-tests");
    cmd
}

/// Runs `oncall ARGS`, expects exit 0, parses stdout as one JSON document.
pub fn stdout_json(args: &[&str]) -> Value {
    let out = oncall().args(args).assert().success();
    serde_json::from_slice(&out.get_output().stdout)
        .unwrap_or_else(|e| panic!("oncall {args:?} printed no JSON: {e}"))
}
pub mod cgroup;
pub mod cgroup2_mount;
pub mod prometheus;
pub mod runtime_cgroups;
pub mod servers;

/// Runs `oncall ARGS` in a private mount namespace that holds one mount which never answers
/// (see `hung_mount`), mounted on a fresh empty directory. `None` where the machine does not
/// allow it, except under CI.
pub fn with_hung_mount(source: &str, args: &[&str]) -> Option<std::process::Output> {
    let dir = tempfile::tempdir().unwrap();
    let bin = assert_cmd::cargo::cargo_bin("oncall");
    let mut argv = vec![bin.to_str().unwrap()];
    argv.extend_from_slice(args);
    hung_mount(source, dir.path(), &argv)
}

/// Runs `ARGV` in a private mount namespace where `mountpoint` holds a mount that never
/// answers: a FUSE mount whose /dev/fuse descriptor the process keeps and nobody serves, so
/// stat and statvfs on it block as on a dead NFS server. Nothing outside sees the mount, and
/// it goes when the process exits. `None` (with the reason) where the machine does not allow
/// it (no root, no /dev/fuse, no mount namespaces), except under CI, where the machine does.
pub fn hung_mount(
    source: &str,
    mountpoint: &std::path::Path,
    argv: &[&str],
) -> Option<std::process::Output> {
    let script = r#"[ -w /dev/fuse ] || { echo "no writable /dev/fuse" >&2; exit 97; }
exec 3<>/dev/fuse
mount -i -t fuse -o fd=3,rootmode=40000,user_id=0,group_id=0 "$1" "$2" || exit 98
shift 2
exec "$@""#;
    let out = std::process::Command::new("unshare")
        .args([
            "--mount",
            "--propagation",
            "private",
            "sh",
            "-c",
            script,
            "sh",
        ])
        .arg(source)
        .arg(mountpoint)
        .args(argv)
        .env_remove("NO_COLOR")
        .env_remove("CLICOLOR_FORCE")
        .env_remove("COLUMNS")
        .env("XDG_CONFIG_HOME", "/nonexistent/oncall-tests")
        .output()
        .expect("unshare (util-linux) is installed");
    let stderr = String::from_utf8_lossy(&out.stderr);
    let unshare_refused = out.status.code() == Some(1) && stderr.starts_with("unshare:");
    if unshare_refused || matches!(out.status.code(), Some(97 | 98)) {
        let why = stderr.trim();
        assert!(
            std::env::var_os("CI").is_none(),
            "under CI the hung-mount test must run (root, /dev/fuse, unshare): {why}"
        );
        eprintln!("skipped: cannot make a hung mount here: {why}");
        return None;
    }
    Some(out)
}

/// The lines a child prints, as they come, on a channel (read by a thread of their own, so a
/// test can wait on them with a bound instead of blocking on the pipe).
pub fn stdout_lines(child: &mut std::process::Child) -> std::sync::mpsc::Receiver<String> {
    use std::io::BufRead;
    let (tx, rx) = std::sync::mpsc::channel();
    let stdout = child.stdout.take().expect("the child's stdout is piped");
    std::thread::spawn(move || {
        for line in std::io::BufReader::new(stdout).lines() {
            let Ok(line) = line else { break };
            if tx.send(line).is_err() {
                break;
            }
        }
    });
    rx
}
pub mod mcp_client;
