//! Which container, pod and systemd unit a process runs in, from its `/proc/PID/cgroup`
//! alone (no runtime API): the cgroup names Docker, containerd (CRI), CRI-O, Podman, LXC,
//! kubelet (systemd and cgroupfs drivers) and systemd give their groups.

use serde::Serialize;

/// Where a process runs, as its cgroup path says. Every field is `None` when the path does
/// not say it (a path that does not parse says nothing: no guess).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Identity {
    /// docker, containerd, cri-o, podman, lxc; `None` for a container whose runtime the path
    /// does not name (kubelet's cgroupfs driver names the directory by the bare id).
    pub runtime: Option<&'static str>,
    /// The full id (64 hex digits), or the LXC container's name.
    pub container_id: Option<String>,
    /// The container's own cgroup (the path up to its segment).
    pub container_cgroup: Option<String>,
    /// The pod's UID with dashes (systemd's slice names carry `_` for `-`).
    pub pod_uid: Option<String>,
    pub qos_class: Option<QosClass>,
    pub pod_cgroup: Option<String>,
    /// The outermost systemd service or scope (what `systemctl status PID` names), else the
    /// deepest slice.
    pub unit: Option<String>,
    pub unit_cgroup: Option<String>,
}

/// Kubernetes' QoS class, from the kubepods level the pod sits in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, schemars::JsonSchema)]
#[serde(rename_all = "PascalCase")]
pub enum QosClass {
    Guaranteed,
    Burstable,
    BestEffort,
}

impl QosClass {
    pub fn as_str(self) -> &'static str {
        match self {
            QosClass::Guaranteed => "Guaranteed",
            QosClass::Burstable => "Burstable",
            QosClass::BestEffort => "BestEffort",
        }
    }
}

/// The identity from a whole `/proc/PID/cgroup`. Container and pod come from the first line
/// that names one, looking at the memory controller's first (its files are the ones read),
/// then v2's, then the rest; the unit from the systemd hierarchy (v2, or v1's
/// `name=systemd`), else any line: on a v1 host systemd may leave memory at `/`.
pub fn from_membership(text: &str) -> Identity {
    let mut lines: Vec<(u8, &str)> = Vec::new();
    for line in text.lines() {
        let mut parts = line.splitn(3, ':');
        let (Some(id), Some(controllers), Some(path)) = (parts.next(), parts.next(), parts.next())
        else {
            continue;
        };
        let rank = if controllers.split(',').any(|c| c == "memory") {
            0
        } else if id == "0" && controllers.is_empty() {
            1
        } else if controllers == "name=systemd" {
            2
        } else {
            3
        };
        lines.push((rank, path));
    }
    lines.sort_by_key(|(rank, _)| *rank);
    let parsed: Vec<(u8, Identity)> = lines.iter().map(|(r, p)| (*r, from_path(p))).collect();
    let mut out = parsed
        .iter()
        .find(|(_, i)| i.container_id.is_some() || i.pod_uid.is_some())
        .map(|(_, i)| i.clone())
        .unwrap_or_default();
    if out.unit.is_none() {
        let systemd = parsed.iter().filter(|(r, _)| *r == 1 || *r == 2);
        let any = parsed.iter();
        if let Some((_, i)) = systemd.chain(any).find(|(_, i)| i.unit.is_some()) {
            out.unit = i.unit.clone();
            out.unit_cgroup = i.unit_cgroup.clone();
        }
    }
    out
}

/// The identity one cgroup path gives.
pub fn from_path(path: &str) -> Identity {
    let mut out = Identity::default();
    let segments: Vec<&str> = path.split('/').filter(|s| !s.is_empty()).collect();
    let prefix = |upto: usize| format!("/{}", segments[..=upto].join("/"));
    let mut slice_unit: Option<usize> = None;
    for (i, seg) in segments.iter().enumerate() {
        if out.container_id.is_none() {
            if let Some((runtime, id)) = container_segment(&segments, i) {
                out.runtime = runtime;
                out.container_id = Some(id);
                out.container_cgroup = Some(prefix(i));
            }
        }
        if out.pod_uid.is_none() {
            if let Some((uid, qos)) = pod_segment(&segments, i) {
                out.pod_uid = Some(uid);
                out.qos_class = Some(qos);
                out.pod_cgroup = Some(prefix(i));
            }
        }
        if out.unit.is_none() && (seg.ends_with(".service") || seg.ends_with(".scope")) {
            out.unit = Some(seg.to_string());
            out.unit_cgroup = Some(prefix(i));
        }
        if seg.ends_with(".slice") {
            slice_unit = Some(i);
        }
    }
    // A process placed in a slice only (no service or scope above it): the slice is its unit.
    if out.unit.is_none() {
        if let Some(i) = slice_unit {
            out.unit = Some(segments[i].to_string());
            out.unit_cgroup = Some(prefix(i));
        }
    }
    out
}

/// A container's segment at `i`: its runtime (when the name says) and id.
fn container_segment(segments: &[&str], i: usize) -> Option<(Option<&'static str>, String)> {
    let seg = segments[i];
    // systemd driver: <runtime>-<id>.scope; the monitors (conmon) have their own scopes.
    if let Some(stem) = seg.strip_suffix(".scope") {
        for (prefix, runtime) in [
            ("docker-", "docker"),
            ("cri-containerd-", "containerd"),
            ("crio-", "cri-o"),
            ("libpod-", "podman"),
            // nerdctl's systemd driver: `system.slice:nerdctl:<id>` (user.slice rootless).
            ("nerdctl-", "containerd"),
        ] {
            if let Some(id) = stem.strip_prefix(prefix) {
                return is_id(id).then(|| (Some(runtime), id.to_string()));
            }
        }
        return None;
    }
    let parent = i.checked_sub(1).map(|p| segments[p]);
    // cgroupfs drivers: /docker/<id>, /libpod_parent/libpod-<id>, /kubepods/…/pod<uid>/<id>.
    if parent == Some("docker") && is_id(seg) {
        return Some((Some("docker"), seg.to_string()));
    }
    // containerd's own default (ctr, nerdctl with cgroupfs): /<namespace>/<id>. Only the
    // namespaces containerd's clients use by default; another top-level name above an id
    // (`/actions_job/<id>` is Docker's) says nothing about the runtime.
    if i == 1 && matches!(parent, Some("default" | "k8s.io")) && is_id(seg) {
        return Some((Some("containerd"), seg.to_string()));
    }
    if let Some(id) = seg.strip_prefix("libpod-") {
        if is_id(id) {
            return Some((Some("podman"), id.to_string()));
        }
    }
    if parent.is_some_and(|p| p.starts_with("pod")) && i >= 2 && is_id(seg) {
        let kube = segments[..i].contains(&"kubepods");
        if kube {
            return Some((None, seg.to_string()));
        }
    }
    // LXC: /lxc/<name> (before LXC 4), /lxc.payload.<name>; lxc.monitor.<name> is the monitor.
    if let Some(name) = seg.strip_prefix("lxc.payload.") {
        return (!name.is_empty()).then(|| (Some("lxc"), name.to_string()));
    }
    if parent == Some("lxc") && i == 1 {
        return Some((Some("lxc"), seg.to_string()));
    }
    None
}

/// A pod's segment at `i`: its UID and QoS class.
fn pod_segment(segments: &[&str], i: usize) -> Option<(String, QosClass)> {
    let seg = segments[i];
    // systemd driver: kubepods[-burstable|-besteffort]-pod<uid with _>.slice
    if let Some(stem) = seg.strip_suffix(".slice") {
        let rest = stem.strip_prefix("kubepods-")?;
        let (qos, pod) = if let Some(p) = rest.strip_prefix("burstable-") {
            (QosClass::Burstable, p)
        } else if let Some(p) = rest.strip_prefix("besteffort-") {
            (QosClass::BestEffort, p)
        } else {
            (QosClass::Guaranteed, rest)
        };
        let uid = pod.strip_prefix("pod")?.replace('_', "-");
        return is_uid(&uid).then_some((uid, qos));
    }
    // cgroupfs driver: /kubepods/[burstable|besteffort/]pod<uid>
    let uid = seg.strip_prefix("pod")?;
    let above: Vec<&str> = segments[..i].iter().rev().take(2).copied().collect();
    let qos = match above.as_slice() {
        ["burstable", "kubepods", ..] => QosClass::Burstable,
        ["besteffort", "kubepods", ..] => QosClass::BestEffort,
        ["kubepods", ..] => QosClass::Guaranteed,
        _ => return None,
    };
    is_uid(uid).then(|| (uid.to_string(), qos))
}

/// 64 lower-case hex digits: the ids Docker, containerd, CRI-O and Podman make.
fn is_id(s: &str) -> bool {
    s.len() == 64
        && s.bytes()
            .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
}

/// A UUID-shaped pod UID (36 characters, hex and dashes); static pods' UIDs are 32 hex.
fn is_uid(s: &str) -> bool {
    let hex_dash = s.bytes().all(|b| b.is_ascii_hexdigit() || b == b'-');
    hex_dash && (s.len() == 36 || s.len() == 32)
}

/// The id as `docker ps` and `crictl ps` show it: the first 12 of its 64 digits (an LXC
/// container's id is its name, kept whole).
pub fn short_id(id: &str) -> &str {
    if is_id(id) {
        &id[..12]
    } else {
        id
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const ID: &str = "9ab3c4d5e6f70123456789abcdef0123456789abcdef0123456789abcdef0123";
    const UID: &str = "3f2b6c1e-8d4a-4e5f-9a0b-1c2d3e4f5a6b";

    fn uid_underscored() -> String {
        UID.replace('-', "_")
    }

    #[test]
    fn containerd_without_kubelet() {
        let i = from_path(&format!("/system.slice/nerdctl-{ID}.scope"));
        assert_eq!(i.runtime, Some("containerd"));
        assert_eq!(i.container_id.as_deref(), Some(ID));
        assert_eq!(i.unit.as_deref(), Some(&*format!("nerdctl-{ID}.scope")));
        let i = from_path(&format!("/user.slice/user-1000.slice/nerdctl-{ID}.scope"));
        assert_eq!(i.runtime, Some("containerd"));
        for ns in ["default", "k8s.io"] {
            let i = from_path(&format!("/{ns}/{ID}"));
            assert_eq!(i.runtime, Some("containerd"), "{ns}");
            assert_eq!(i.container_cgroup.as_deref(), Some(&*format!("/{ns}/{ID}")));
        }
        // Unknown parents stay unknown; an id deeper than a namespace is not one either.
        assert_eq!(from_path(&format!("/actions_job/{ID}")).container_id, None);
        assert_eq!(from_path(&format!("/a/default/{ID}")).container_id, None);
        assert_eq!(from_path("/default/not-an-id").container_id, None);
        assert_eq!(
            from_path(&format!("/system.slice/nerdctl-{}.scope", &ID[..12])).container_id,
            None
        );
    }

    #[test]
    fn docker_systemd_and_cgroupfs() {
        let i = from_path(&format!("/system.slice/docker-{ID}.scope"));
        assert_eq!(i.runtime, Some("docker"));
        assert_eq!(i.container_id.as_deref(), Some(ID));
        assert_eq!(i.unit.as_deref(), Some(&*format!("docker-{ID}.scope")));
        let i = from_path(&format!("/docker/{ID}"));
        assert_eq!(i.runtime, Some("docker"));
        assert_eq!(
            i.container_cgroup.as_deref(),
            Some(&*format!("/docker/{ID}"))
        );
        assert_eq!(i.unit, None);
    }

    #[test]
    fn kubernetes_systemd_driver() {
        let path = format!(
            "/kubepods.slice/kubepods-burstable.slice/kubepods-burstable-pod{}.slice/cri-containerd-{ID}.scope",
            uid_underscored()
        );
        let i = from_path(&path);
        assert_eq!(i.runtime, Some("containerd"));
        assert_eq!(i.pod_uid.as_deref(), Some(UID));
        assert_eq!(i.qos_class, Some(QosClass::Burstable));
        assert_eq!(i.container_cgroup.as_deref(), Some(&*path));
        assert!(i.pod_cgroup.unwrap().ends_with(".slice"));
        let be = format!(
            "/kubepods.slice/kubepods-besteffort.slice/kubepods-besteffort-pod{}.slice/crio-{ID}.scope",
            uid_underscored()
        );
        let i = from_path(&be);
        assert_eq!(
            (i.runtime, i.qos_class),
            (Some("cri-o"), Some(QosClass::BestEffort))
        );
        let g = format!(
            "/kubepods.slice/kubepods-pod{}.slice/crio-{ID}.scope",
            uid_underscored()
        );
        assert_eq!(from_path(&g).qos_class, Some(QosClass::Guaranteed));
        // The pause container and the pod's own slice: a pod, no container.
        let pod_only = from_path(&format!(
            "/kubepods.slice/kubepods-pod{}.slice",
            uid_underscored()
        ));
        assert_eq!(pod_only.pod_uid.as_deref(), Some(UID));
        assert_eq!(pod_only.container_id, None);
    }

    #[test]
    fn kubernetes_cgroupfs_driver() {
        let i = from_path(&format!("/kubepods/burstable/pod{UID}/{ID}"));
        assert_eq!(i.runtime, None, "the bare id does not name the runtime");
        assert_eq!(i.container_id.as_deref(), Some(ID));
        assert_eq!(i.pod_uid.as_deref(), Some(UID));
        assert_eq!(i.qos_class, Some(QosClass::Burstable));
        assert_eq!(
            i.pod_cgroup.as_deref(),
            Some(&*format!("/kubepods/burstable/pod{UID}"))
        );
        let i = from_path(&format!("/kubepods/pod{UID}/{ID}"));
        assert_eq!(i.qos_class, Some(QosClass::Guaranteed));
        let i = from_path(&format!("/kubepods/besteffort/pod{UID}/{ID}"));
        assert_eq!(i.qos_class, Some(QosClass::BestEffort));
        // Not under kubepods: a directory called pod… is nobody's pod.
        assert_eq!(from_path(&format!("/x/pod{UID}/{ID}")), Identity::default());
    }

    #[test]
    fn podman_crio_lxc() {
        let i = from_path(&format!("/machine.slice/libpod-{ID}.scope/container"));
        assert_eq!(i.runtime, Some("podman"));
        assert_eq!(
            i.container_cgroup.as_deref(),
            Some(&*format!("/machine.slice/libpod-{ID}.scope"))
        );
        let conmon = from_path(&format!("/machine.slice/libpod-conmon-{ID}.scope"));
        assert_eq!(
            conmon.container_id, None,
            "the monitor is not the container"
        );
        assert_eq!(
            conmon.unit.as_deref(),
            Some(&*format!("libpod-conmon-{ID}.scope"))
        );
        let i = from_path(&format!("/libpod_parent/libpod-{ID}"));
        assert_eq!(i.runtime, Some("podman"));
        let i = from_path("/lxc.payload.web1");
        assert_eq!(
            (i.runtime, i.container_id.as_deref()),
            (Some("lxc"), Some("web1"))
        );
        let i = from_path("/lxc/db");
        assert_eq!(i.container_id.as_deref(), Some("db"));
        assert_eq!(from_path("/lxc.monitor.web1").container_id, None);
    }

    #[test]
    fn systemd_units() {
        let i = from_path("/system.slice/nginx.service");
        assert_eq!(i.unit.as_deref(), Some("nginx.service"));
        assert_eq!(
            i.unit_cgroup.as_deref(),
            Some("/system.slice/nginx.service")
        );
        let i = from_path("/user.slice/user-1000.slice/user@1000.service/app.slice/app-x.scope");
        assert_eq!(
            i.unit.as_deref(),
            Some("user@1000.service"),
            "the system unit"
        );
        let i = from_path("/user.slice/user-1000.slice/session-3.scope");
        assert_eq!(i.unit.as_deref(), Some("session-3.scope"));
        assert_eq!(from_path("/user.slice").unit.as_deref(), Some("user.slice"));
        assert_eq!(from_path("/"), Identity::default());
        assert_eq!(from_path("/init.scope").unit.as_deref(), Some("init.scope"));
    }

    #[test]
    fn whole_membership_files() {
        // v1 with systemd: memory names the container, name=systemd the same scope.
        let v1 = format!(
            "12:memory:/system.slice/docker-{ID}.scope\n1:name=systemd:/system.slice/docker-{ID}.scope\n0::/\n"
        );
        let i = from_membership(&v1);
        assert_eq!(i.runtime, Some("docker"));
        // A v1 service with no memory cgroup of its own: the unit from name=systemd.
        let svc = "4:memory:/\n1:name=systemd:/system.slice/cron.service\n0::/system.slice/cron.service\n";
        assert_eq!(from_membership(svc).unit.as_deref(), Some("cron.service"));
        let v2 = format!("0::/kubepods/besteffort/pod{UID}/{ID}\n");
        assert_eq!(from_membership(&v2).pod_uid.as_deref(), Some(UID));
    }

    #[test]
    fn hostile_paths_say_nothing() {
        for bad in [
            "",
            "garbage",
            "::::",
            "0::",
            "4:memory:/docker/\u{1b}[31mnot-an-id",
            "4:memory:/system.slice/docker-ZZZZ.scope",
            "4:memory:/kubepods.slice/kubepods-podnot_a_uid.slice",
            "\u{0}\u{7f}\n\n:::\n",
        ] {
            let i = from_membership(bad);
            assert_eq!(i.container_id, None, "{bad:?}");
            assert_eq!(i.pod_uid, None, "{bad:?}");
        }
        // One digit short or one long: not an id.
        assert_eq!(
            from_path(&format!("/docker/{}", &ID[1..])).container_id,
            None
        );
        assert_eq!(from_path(&format!("/docker/{ID}0")).container_id, None);
        // Control characters in a unit name stay as the kernel gave them (renderers escape).
        assert_eq!(
            from_path("/system.slice/a\nb.service").unit.as_deref(),
            Some("a\nb.service")
        );
        let long = "/x".repeat(10_000);
        assert_eq!(from_path(&long), Identity::default());
    }

    #[test]
    fn short_ids() {
        assert_eq!(short_id(ID), "9ab3c4d5e6f7");
        assert_eq!(short_id("web1"), "web1");
    }
}
