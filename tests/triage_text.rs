//! The text report of `oncall triage` in a network and mount namespace of the test's own:
//! a tmpfs mounted there is listed with its usage (the text omitted usage below 70%, which
//! only the JSON had), and the interfaces listed are the busy ones, not idle virtual ones
//! (lo, ifb0, ifb1 were shown and eth0 left out). Traffic stays on the namespace's loopback.

mod support;

use std::process::Command;

/// Runs `oncall triage ARGS` inside fresh network and mount namespaces holding an idle veth
/// pair, an idle ifb device, a 1 MiB tmpfs on `mountpoint`, and UDP traffic on lo for the
/// whole window. `None` where the machine does not allow it, except under CI.
fn in_namespaces(mountpoint: &std::path::Path, args: &[&str]) -> Option<String> {
    let script = r#"
mount -t sysfs sysfs /sys || exit 97
mount -t tmpfs -o size=1m oncall-text-fs "$1" || exit 97
ip link set lo up || exit 97
ip link add ot-v0 type veth peer name ot-v1 || exit 97
ip link add ot-i0 type ifb || exit 97
python3 -c '
import socket, time
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
end = time.time() + 4
while time.time() < end:
    s.sendto(b"x" * 1000, ("127.0.0.1", 9))
    time.sleep(0.001)
' >/dev/null 2>&1 &
shift
exec "$@"
"#;
    let bin = assert_cmd::cargo::cargo_bin("oncall");
    let out = Command::new("unshare")
        .args([
            "--net",
            "--mount",
            "--propagation",
            "private",
            "sh",
            "-c",
            script,
            "sh",
        ])
        .arg(mountpoint)
        .arg(bin)
        .args(args)
        .env_remove("NO_COLOR")
        .env_remove("CLICOLOR_FORCE")
        .env_remove("COLUMNS")
        .env("XDG_CONFIG_HOME", "/nonexistent/oncall-tests")
        .output()
        .expect("unshare (util-linux) is installed");
    let stderr = String::from_utf8_lossy(&out.stderr);
    if out.status.code() == Some(97)
        || (out.status.code() == Some(1) && stderr.starts_with("unshare:"))
    {
        assert!(
            std::env::var_os("CI").is_none(),
            "under CI the namespace test must run (root, unshare, ip): {stderr}"
        );
        eprintln!("skipped: cannot make namespaces here: {stderr}");
        return None;
    }
    assert!(out.status.success(), "{stderr}");
    Some(String::from_utf8_lossy(&out.stdout).into_owned())
}

#[test]
fn the_text_report_lists_filesystems_and_busy_interfaces_only() {
    let dir = tempfile::tempdir().unwrap();
    let Some(text) = in_namespaces(dir.path(), &["triage", "--window", "2s"]) else {
        return;
    };
    let mount = dir.path().display().to_string();
    let fs_line = text
        .lines()
        .find(|l| {
            l.trim_start()
                .starts_with(&format!("filesystem  {mount}: "))
        })
        .unwrap_or_else(|| panic!("no line for {mount}:\n{text}"));
    assert!(
        fs_line.contains("% used") && fs_line.contains("free of 1.0 MiB"),
        "{fs_line}"
    );
    let interfaces: Vec<&str> = text
        .lines()
        .filter_map(|l| l.trim_start().strip_prefix("interface  "))
        .collect();
    assert!(
        interfaces.iter().any(|l| l.starts_with("lo:")),
        "lo carried the traffic: {interfaces:?}\n{text}"
    );
    for idle in ["ot-v0", "ot-v1", "ot-i0"] {
        assert!(
            !interfaces.iter().any(|l| l.starts_with(idle)),
            "{idle} is idle and virtual: {interfaces:?}"
        );
    }
}
