//! Whether oncall itself runs inside a container, and by what sign: `/.dockerenv` (Docker),
//! `/run/.containerenv` (Podman, with the engine's name in it), PID 1's `container` variable
//! (systemd-nspawn, LXC, Podman), a cgroup namespace other than the host's. Inside one, the
//! limits that count are the container's (`cgroup::current_limit`), beside the host's totals.

use serde::Serialize;
use std::path::Path;

/// The inode number of the initial cgroup namespace (PROC_CGROUP_INIT_INO).
const INITIAL_CGROUP_NS: u64 = 0xEFFF_FFFB;

#[derive(Debug, Clone, Default, Serialize, PartialEq, Eq, schemars::JsonSchema)]
pub struct Inside {
    /// docker, podman, or PID 1's `container` value (lxc, systemd-nspawn, …); `None` when
    /// only a cgroup namespace says so.
    pub runtime: Option<String>,
    /// What told us, as it can be checked: `/.dockerenv`, `container=lxc`, `cgroup namespace`.
    pub signs: Vec<String>,
    pub cgroup_namespace: bool,
}

impl Inside {
    /// `docker (/.dockerenv)` for a header.
    pub fn describe(&self) -> String {
        format!(
            "inside a container{} ({})",
            self.runtime
                .as_deref()
                .map(|r| format!(": {r}"))
                .unwrap_or_default(),
            self.signs.join(", ")
        )
    }
}

/// This process's view.
pub fn detect() -> Option<Inside> {
    let environ = std::fs::read("/proc/1/environ").ok();
    let ns = std::fs::metadata("/proc/self/ns/cgroup")
        .ok()
        .map(|m| std::os::unix::fs::MetadataExt::ino(&m));
    detect_at(Path::new("/"), environ.as_deref(), ns)
}

/// The signs under `root`, with PID 1's environment and our cgroup namespace's inode.
pub fn detect_at(
    root: &Path,
    pid1_environ: Option<&[u8]>,
    cgroup_ns: Option<u64>,
) -> Option<Inside> {
    let mut inside = Inside::default();
    if root.join(".dockerenv").exists() {
        inside.runtime = Some("docker".into());
        inside.signs.push("/.dockerenv".into());
    }
    if let Ok(text) = std::fs::read_to_string(root.join("run/.containerenv")) {
        // Podman writes engine="podman-4.3.1" (empty under --privileged=false in old versions).
        let engine = text
            .lines()
            .find_map(|l| l.strip_prefix("engine=\""))
            .and_then(|v| v.split('-').next())
            .filter(|v| !v.is_empty());
        inside.runtime = Some(engine.unwrap_or("podman").to_string());
        inside.signs.push("/run/.containerenv".into());
    }
    if let Some(env) = pid1_environ {
        let value = env
            .split(|b| *b == 0)
            .find_map(|kv| kv.strip_prefix(b"container="))
            .map(|v| String::from_utf8_lossy(v).into_owned())
            .filter(|v| !v.is_empty());
        if let Some(v) = value {
            inside.signs.push(format!("container={v}"));
            inside.runtime.get_or_insert(v);
        }
    }
    if cgroup_ns.is_some_and(|ino| ino != INITIAL_CGROUP_NS) {
        inside.cgroup_namespace = true;
        inside.signs.push("cgroup namespace".into());
    }
    (!inside.signs.is_empty()).then_some(inside)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_sign() {
        let root = tempfile::tempdir().unwrap();
        assert_eq!(
            detect_at(root.path(), Some(b"PATH=/bin\0"), Some(INITIAL_CGROUP_NS)),
            None
        );
        std::fs::create_dir(root.path().join("run")).unwrap();
        std::fs::write(
            root.path().join("run/.containerenv"),
            "engine=\"podman-4.3.1\"\nname=\"web\"\n",
        )
        .unwrap();
        let i = detect_at(root.path(), None, None).unwrap();
        assert_eq!(i.runtime.as_deref(), Some("podman"));
        let nspawn = detect_at(
            tempfile::tempdir().unwrap().path(),
            Some(b"HOME=/\0container=systemd-nspawn\0"),
            Some(12345),
        )
        .unwrap();
        assert_eq!(nspawn.runtime.as_deref(), Some("systemd-nspawn"));
        assert!(nspawn.cgroup_namespace);
        assert_eq!(
            nspawn.describe(),
            "inside a container: systemd-nspawn (container=systemd-nspawn, cgroup namespace)"
        );
        let ns_only = detect_at(tempfile::tempdir().unwrap().path(), None, Some(1)).unwrap();
        assert_eq!(ns_only.runtime, None);
        assert_eq!(ns_only.describe(), "inside a container (cgroup namespace)");
    }
}
