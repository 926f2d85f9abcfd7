//! Names for the ids a cgroup path gives, from files the host already holds: Docker's
//! `containers/<id>/config.v2.json` (name, image, kubelet's labels), Podman's
//! `containers.json`, and kubelet's log directories (`/var/log/pods/<ns>_<pod>_<uid>/`,
//! `/var/log/containers/<pod>_<ns>_<container>-<id>.log`). A name not found there is
//! unknown: `None`, never made up.

use serde_json::Value;
use std::collections::HashMap;
use std::io::Read;
use std::path::{Path, PathBuf};

/// The variable that moves every runtime root under another directory (tests, a host's
/// filesystem mounted elsewhere): `$ONCALL_CONTAINER_ROOT/var/lib/docker/…`.
pub const ROOT_VARIABLE: &str = "ONCALL_CONTAINER_ROOT";

/// A runtime file bigger than this is not read (a config.v2.json is a few KiB).
const MAX_FILE: u64 = 4 << 20;
/// Directory entries looked at per directory: bounded memory on a hostile or huge host.
const MAX_ENTRIES: usize = 100_000;

/// Where the runtimes keep what names their containers.
#[derive(Debug, Clone)]
pub struct Roots {
    root: PathBuf,
}

impl Roots {
    /// `/`, or `$ONCALL_CONTAINER_ROOT` when set.
    pub fn from_env() -> Roots {
        let root = std::env::var_os(ROOT_VARIABLE)
            .filter(|v| !v.is_empty())
            .map(PathBuf::from)
            .unwrap_or_else(|| PathBuf::from("/"));
        Roots { root }
    }

    fn under(&self, path: &str) -> PathBuf {
        self.root.join(path.trim_start_matches('/'))
    }

    pub fn docker_containers(&self) -> PathBuf {
        self.under("/var/lib/docker/containers")
    }

    pub fn podman_store(&self) -> PathBuf {
        self.under("/var/lib/containers/storage/overlay-containers/containers.json")
    }

    /// kubelet's per-pod log directories (CRI log files).
    pub fn pod_logs(&self) -> PathBuf {
        self.under("/var/log/pods")
    }

    /// kubelet's symlinks, one per container, named with the container's id.
    pub fn container_logs(&self) -> PathBuf {
        self.under("/var/log/containers")
    }
}

/// What is known of one container beyond its id.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ContainerNames {
    pub name: Option<String>,
    pub image: Option<String>,
    pub pod_name: Option<String>,
    pub pod_namespace: Option<String>,
}

/// A pod's namespace and name.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PodName {
    pub namespace: String,
    pub name: String,
}

/// Looks names up, reading each source once and each container's file at most once.
pub struct Names {
    roots: Roots,
    docker: HashMap<String, ContainerNames>,
    podman: Option<HashMap<String, ContainerNames>>,
    pods: Option<HashMap<String, PodName>>,
    kube_containers: Option<HashMap<String, ContainerNames>>,
}

impl Names {
    pub fn new(roots: Roots) -> Names {
        Names {
            roots,
            docker: HashMap::new(),
            podman: None,
            pods: None,
            kube_containers: None,
        }
    }

    /// The names of container `id` (full id) run by `runtime` (`None`: any runtime).
    pub fn container(&mut self, runtime: Option<&str>, id: &str) -> ContainerNames {
        let mut found = ContainerNames::default();
        if matches!(runtime, None | Some("docker")) {
            let roots = &self.roots;
            let docker = self
                .docker
                .entry(id.to_string())
                .or_insert_with(|| docker_names(&roots.docker_containers(), id));
            merge(&mut found, docker);
        }
        if matches!(runtime, Some("podman")) {
            let store = self.roots.podman_store();
            let podman = self.podman.get_or_insert_with(|| podman_names(&store));
            if let Some(n) = podman.get(id) {
                merge(&mut found, n);
            }
        }
        if runtime != Some("podman") && runtime != Some("lxc") {
            let dir = self.roots.container_logs();
            let kube = self
                .kube_containers
                .get_or_insert_with(|| kube_container_names(&dir));
            if let Some(n) = kube.get(id) {
                merge(&mut found, n);
            }
        }
        if runtime == Some("lxc") {
            // LXC's cgroup carries the container's own name.
            found.name = Some(id.to_string());
        }
        found
    }

    /// The namespace and name of the pod with this UID.
    pub fn pod(&mut self, uid: &str) -> Option<PodName> {
        let dir = self.roots.pod_logs();
        self.pods
            .get_or_insert_with(|| pod_names(&dir))
            .get(uid)
            .cloned()
    }
}

fn merge(into: &mut ContainerNames, from: &ContainerNames) {
    into.name = into.name.take().or_else(|| from.name.clone());
    into.image = into.image.take().or_else(|| from.image.clone());
    into.pod_name = into.pod_name.take().or_else(|| from.pod_name.clone());
    into.pod_namespace = into
        .pod_namespace
        .take()
        .or_else(|| from.pod_namespace.clone());
}

/// A file's text, when it is small enough to be what we expect.
fn read_small(path: &Path) -> Option<String> {
    let f = std::fs::File::open(path).ok()?;
    let mut text = String::new();
    f.take(MAX_FILE).read_to_string(&mut text).ok()?;
    Some(text)
}

/// Docker's `config.v2.json`: `Name` (with Docker's leading `/`), `Config.Image`, and the
/// labels kubelet's dockershim set. Unreadable or not JSON: nothing known.
fn docker_names(containers: &Path, id: &str) -> ContainerNames {
    let Some(text) = read_small(&containers.join(id).join("config.v2.json")) else {
        return ContainerNames::default();
    };
    parse_docker_config(&text)
}

pub fn parse_docker_config(text: &str) -> ContainerNames {
    let Ok(doc) = serde_json::from_str::<Value>(text) else {
        return ContainerNames::default();
    };
    let text_of = |v: &Value| v.as_str().filter(|s| !s.is_empty()).map(str::to_string);
    let label = |key: &str| doc["Config"]["Labels"].get(key).and_then(text_of);
    let name = label("io.kubernetes.container.name").or_else(|| {
        doc.get("Name")
            .and_then(text_of)
            .map(|n| n.strip_prefix('/').unwrap_or(&n).to_string())
            .filter(|n| !n.is_empty())
    });
    ContainerNames {
        name,
        image: doc["Config"].get("Image").and_then(text_of),
        pod_name: label("io.kubernetes.pod.name"),
        pod_namespace: label("io.kubernetes.pod.namespace"),
    }
}

/// Podman's (containers/storage's) `containers.json`: `[{"id","names":[…],"metadata":"{…}"}]`,
/// where `metadata` is itself JSON text holding `image-name`.
fn podman_names(store: &Path) -> HashMap<String, ContainerNames> {
    read_small(store)
        .map(|t| parse_podman_store(&t))
        .unwrap_or_default()
}

pub fn parse_podman_store(text: &str) -> HashMap<String, ContainerNames> {
    let mut out = HashMap::new();
    let Ok(Value::Array(list)) = serde_json::from_str::<Value>(text) else {
        return out;
    };
    for c in list.iter().take(MAX_ENTRIES) {
        let Some(id) = c.get("id").and_then(Value::as_str) else {
            continue;
        };
        let name = c["names"]
            .as_array()
            .and_then(|n| n.first())
            .and_then(Value::as_str)
            .map(str::to_string);
        let image = c
            .get("metadata")
            .and_then(Value::as_str)
            .and_then(|m| serde_json::from_str::<Value>(m).ok())
            .and_then(|m| m.get("image-name")?.as_str().map(str::to_string));
        out.insert(
            id.to_string(),
            ContainerNames {
                name,
                image,
                ..ContainerNames::default()
            },
        );
    }
    out
}

/// `/var/log/pods/<namespace>_<pod>_<uid>`: UID → pod.
fn pod_names(dir: &Path) -> HashMap<String, PodName> {
    let mut out = HashMap::new();
    for name in dir_names(dir) {
        if let Some((uid, pod)) = parse_pod_dir(&name) {
            out.insert(uid, pod);
        }
    }
    out
}

/// `<namespace>_<pod>_<uid>` (names and namespaces are DNS labels: no `_` in them).
pub fn parse_pod_dir(name: &str) -> Option<(String, PodName)> {
    let mut parts = name.splitn(3, '_');
    let (ns, pod, uid) = (parts.next()?, parts.next()?, parts.next()?);
    if ns.is_empty() || pod.is_empty() || uid.is_empty() || uid.contains('_') {
        return None;
    }
    Some((
        uid.to_string(),
        PodName {
            namespace: ns.to_string(),
            name: pod.to_string(),
        },
    ))
}

/// `/var/log/containers/<pod>_<namespace>_<container>-<id>.log`: id → names.
fn kube_container_names(dir: &Path) -> HashMap<String, ContainerNames> {
    let mut out = HashMap::new();
    for name in dir_names(dir) {
        if let Some((id, names)) = parse_container_log_name(&name) {
            out.insert(id, names);
        }
    }
    out
}

pub fn parse_container_log_name(name: &str) -> Option<(String, ContainerNames)> {
    let stem = name.strip_suffix(".log")?;
    let (rest, id) = stem.rsplit_once('-')?;
    if id.len() != 64 || !id.bytes().all(|b| b.is_ascii_hexdigit()) {
        return None;
    }
    let mut parts = rest.splitn(3, '_');
    let (pod, ns, container) = (parts.next()?, parts.next()?, parts.next()?);
    if [pod, ns, container].iter().any(|s| s.is_empty()) {
        return None;
    }
    Some((
        id.to_string(),
        ContainerNames {
            name: Some(container.to_string()),
            image: None,
            pod_name: Some(pod.to_string()),
            pod_namespace: Some(ns.to_string()),
        },
    ))
}

/// The entry names of a directory (UTF-8 ones), at most `MAX_ENTRIES`; none if unreadable.
pub fn dir_names(dir: &Path) -> Vec<String> {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return Vec::new();
    };
    entries
        .take(MAX_ENTRIES)
        .filter_map(|e| e.ok()?.file_name().into_string().ok())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    const ID: &str = "9ab3c4d5e6f70123456789abcdef0123456789abcdef0123456789abcdef0123";

    #[test]
    fn docker_config_names() {
        let n =
            parse_docker_config(r#"{"ID":"x","Name":"/web-1","Config":{"Image":"nginx:1.25"}}"#);
        assert_eq!(n.name.as_deref(), Some("web-1"));
        assert_eq!(n.image.as_deref(), Some("nginx:1.25"));
        let k = parse_docker_config(
            r#"{"Name":"/k8s_app_x","Config":{"Image":"i","Labels":{"io.kubernetes.container.name":"app","io.kubernetes.pod.name":"p","io.kubernetes.pod.namespace":"ns"}}}"#,
        );
        assert_eq!(k.name.as_deref(), Some("app"));
        assert_eq!(
            (k.pod_name.as_deref(), k.pod_namespace.as_deref()),
            (Some("p"), Some("ns"))
        );
    }

    #[test]
    fn hostile_runtime_files_know_nothing() {
        for bad in [
            "",
            "not json",
            "{",
            "[1,2]",
            r#"{"Name":5}"#,
            r#"{"Name":"/"}"#,
            "\u{0}\u{1b}[",
        ] {
            assert_eq!(
                parse_docker_config(bad),
                ContainerNames::default(),
                "{bad:?}"
            );
        }
        // A name with control characters is kept as written: renderers make it printable.
        let n = parse_docker_config(r#"{"Name":"/a\u001b[2Jb"}"#);
        assert_eq!(n.name.as_deref(), Some("a\u{1b}[2Jb"));
        assert!(parse_podman_store("{}").is_empty());
        assert!(parse_podman_store("nonsense").is_empty());
    }

    #[test]
    fn podman_store() {
        let text = format!(
            r#"[{{"id":"{ID}","names":["db"],"image":"abc","metadata":"{{\"image-name\":\"docker.io/library/postgres:16\",\"name\":\"db\"}}"}}]"#
        );
        let m = parse_podman_store(&text);
        assert_eq!(m[ID].name.as_deref(), Some("db"));
        assert_eq!(
            m[ID].image.as_deref(),
            Some("docker.io/library/postgres:16")
        );
    }

    #[test]
    fn kubelet_log_names() {
        let (uid, pod) = parse_pod_dir(
            "kube-system_coredns-5d78c9869d-abcde_3f2b6c1e-8d4a-4e5f-9a0b-1c2d3e4f5a6b",
        )
        .unwrap();
        assert_eq!(uid, "3f2b6c1e-8d4a-4e5f-9a0b-1c2d3e4f5a6b");
        assert_eq!(
            (pod.namespace.as_str(), pod.name.as_str()),
            ("kube-system", "coredns-5d78c9869d-abcde")
        );
        assert_eq!(parse_pod_dir("nounderscores"), None);
        assert_eq!(parse_pod_dir("a__b"), None);
        let (id, n) = parse_container_log_name(&format!("web-7f9_default_nginx-{ID}.log")).unwrap();
        assert_eq!(id, ID);
        assert_eq!(n.name.as_deref(), Some("nginx"));
        assert_eq!(n.pod_name.as_deref(), Some("web-7f9"));
        assert_eq!(parse_container_log_name("web_default_nginx-123.log"), None);
        assert_eq!(parse_container_log_name(&format!("x-{ID}.log")), None);
    }
}
