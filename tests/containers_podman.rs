//! A real container: Debian's Podman runs an image imported from a tiny rootfs tarball made
//! here (the host's `sleep` and its libraries; no registry is reachable). oncall names it from
//! Podman's own store and reads its cgroup. Skipped, with the reason, where Podman is not
//! installed or cannot run containers in this sandbox.

mod support;

use serde_json::Value;
use std::path::Path;
use std::process::{Command, Output};
use support::runtime_cgroups::unique_marker;

const MIB: u64 = 1 << 20;

/// The container and its image go at the end, whatever happened.
struct Podman {
    name: String,
    image: String,
}

impl Drop for Podman {
    fn drop(&mut self) {
        let _ = podman(&["rm", "-f", "-t", "0", &self.name]);
        let _ = podman(&["rmi", "-f", &self.image]);
        // Podman's cgroupfs parent (and conmon's group in it) stays behind, empty; removed where nothing else uses it.
        for h in [
            "", "memory", "cpu", "cpuacct", "pids", "blkio", "devices", "freezer", "cpuset",
            "systemd",
        ] {
            let parent = Path::new("/sys/fs/cgroup").join(h).join("libpod_parent");
            let _ = std::fs::remove_dir(parent.join("conmon"));
            let _ = std::fs::remove_dir(parent);
        }
    }
}

fn podman(args: &[&str]) -> std::io::Result<Output> {
    Command::new("podman")
        .arg("--cgroup-manager=cgroupfs")
        .args(args)
        .output()
}

fn skip(why: &str) {
    eprintln!("skipped: no real container runtime here: {why}");
}

/// A rootfs tarball holding the host's `sleep` and the libraries it loads.
fn tiny_rootfs(dir: &Path) -> std::path::PathBuf {
    let root = dir.join("rootfs");
    std::fs::create_dir_all(root.join("bin")).unwrap();
    std::fs::copy("/bin/sleep", root.join("bin/sleep")).unwrap();
    let ldd = Command::new("ldd").arg("/bin/sleep").output().unwrap();
    for lib in String::from_utf8_lossy(&ldd.stdout)
        .split_whitespace()
        .filter(|w| w.starts_with('/'))
    {
        let to = root.join(lib.trim_start_matches('/'));
        std::fs::create_dir_all(to.parent().unwrap()).unwrap();
        std::fs::copy(lib, to).unwrap();
    }
    let tar = dir.join("rootfs.tar");
    let ok = Command::new("tar")
        .arg("-C")
        .arg(&root)
        .arg("-cf")
        .arg(&tar)
        .arg(".")
        .status()
        .unwrap();
    assert!(ok.success());
    tar
}

#[test]
fn a_podman_container_is_named_from_podmans_store() {
    if Command::new("podman").arg("--version").output().is_err() {
        return skip("podman is not installed");
    }
    let dir = tempfile::tempdir().unwrap();
    let marker = unique_marker();
    let guard = Podman {
        name: format!("oncall-test-{marker}"),
        image: format!("localhost/oncall-test-{marker}:latest"),
    };
    let tar = tiny_rootfs(dir.path());
    let import = podman(&["import", tar.to_str().unwrap(), &guard.image]).unwrap();
    if !import.status.success() {
        return skip(&String::from_utf8_lossy(&import.stderr));
    }
    // crun refuses a hybrid host's unified tree: run podman where it is unmounted (a private
    // mount namespace); the sandbox refuses raising rlimits, so they are set low.
    let script = format!(
        "mountpoint -q /sys/fs/cgroup/unified && umount /sys/fs/cgroup/unified; \
         exec podman --cgroup-manager=cgroupfs run -d --name {} --network none --memory 64m \
         --ulimit nofile=1024:1024 --ulimit nproc=1024:1024 {} /bin/sleep 600",
        guard.name, guard.image
    );
    let run = Command::new("unshare")
        .args(["--mount", "--propagation", "private", "sh", "-c", &script])
        .output()
        .unwrap();
    if !run.status.success() {
        return skip(&String::from_utf8_lossy(&run.stderr));
    }
    let id = String::from_utf8_lossy(&run.stdout).trim().to_string();
    assert_eq!(id.len(), 64, "{run:?}");

    let out = support::oncall()
        .args(["ps", "--container", &guard.name, "--window", "0", "--json"])
        .output()
        .unwrap();
    assert!(out.status.success(), "{out:?}");
    let doc: Value = serde_json::from_slice(&out.stdout).unwrap();
    let p = &doc["processes"][0];
    assert_eq!(p["name"], "sleep", "{doc:#}");
    assert_eq!(p["container_runtime"], "podman");
    assert_eq!(p["container_name"], guard.name.as_str());
    assert_eq!(p["container_image"], guard.image.as_str());
    assert_eq!(p["container_id"], &id[..12]);

    let out = support::oncall()
        .args([
            "ps",
            "--by",
            "container",
            "--container",
            &id[..12],
            "--json",
        ])
        .output()
        .unwrap();
    let doc: Value = serde_json::from_slice(&out.stdout).unwrap();
    let g = &doc["groups"][0];
    assert_eq!(
        g["memory_limit_bytes"],
        64 * MIB,
        "podman's --memory 64m: {doc:#}"
    );
    let cgroup = g["cgroup"].as_str().unwrap();
    assert!(cgroup.ends_with(&format!("libpod-{id}")), "{cgroup}");
    // The group's memory is the cgroup's own charge (a sleeper's is steady).
    let file = if Path::new("/sys/fs/cgroup/cgroup.controllers").exists() {
        format!("/sys/fs/cgroup{cgroup}/memory.current")
    } else {
        format!("/sys/fs/cgroup/memory{cgroup}/memory.usage_in_bytes")
    };
    let now: u64 = std::fs::read_to_string(&file)
        .unwrap()
        .trim()
        .parse()
        .unwrap();
    let shown = g["memory_bytes"].as_u64().unwrap();
    assert!(
        shown.abs_diff(now) <= 64 * 1024,
        "oncall {shown}, {file} {now}"
    );
}
