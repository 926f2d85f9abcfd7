//! `logs … --pod NAME` / `--container NAME`: the log files of a pod's or container's
//! containers, from kubelet's `/var/log/pods/<ns>_<pod>_<uid>/<container>/N.log` (rotations
//! `N.log.<date>` and `.gz` beside them) and Docker's `containers/<id>/<id>-json.log`. The
//! roots move with `ONCALL_CONTAINER_ROOT`, as for `ps`.

use crate::system::containers::names::{self, Roots};
use std::path::{Path, PathBuf};

#[derive(Debug, Default)]
pub struct Selected {
    /// Directories holding each container's whole rotated set (for grep and top to walk).
    pub dirs: Vec<PathBuf>,
    /// The file each container writes now (for tail).
    pub current: Vec<PathBuf>,
}

/// The containers' logs that `pod` and `container` select (either may be absent); an error
/// line when nothing matches.
pub fn select(pod: Option<&str>, container: Option<&str>) -> Result<Selected, String> {
    let roots = Roots::from_env();
    let mut out = Selected::default();
    let pods_dir = roots.pod_logs();
    for entry in names::dir_names(&pods_dir) {
        let Some((uid, name)) = names::parse_pod_dir(&entry) else {
            continue;
        };
        let pod_matches = pod.is_none_or(|p| {
            p == name.name
                || p == format!("{}/{}", name.namespace, name.name)
                || (p.len() >= 3 && uid.starts_with(p))
        });
        if !pod_matches {
            continue;
        }
        let dir = pods_dir.join(&entry);
        for c in names::dir_names(&dir) {
            if container.is_some_and(|want| want != c) {
                continue;
            }
            let cdir = dir.join(&c);
            if let Some(f) = newest_log(&cdir, |n| n.ends_with(".log")) {
                out.current.push(f);
            }
            out.dirs.push(cdir);
        }
    }
    // kubelet's /var/log/containers/<pod>_<ns>_<container>-<id>.log links: a container whose
    // pod directory was not found above (or not readable); a link into a directory already
    // selected is the same file, not read twice.
    let mut known: Vec<PathBuf> = out
        .dirs
        .iter()
        .filter_map(|d| d.canonicalize().ok())
        .collect();
    for link in names::dir_names(&roots.container_logs()) {
        let Some((_, c)) = names::parse_container_log_name(&link) else {
            continue;
        };
        let (Some(cname), Some(pname), Some(ns)) = (&c.name, &c.pod_name, &c.pod_namespace) else {
            continue;
        };
        let pod_matches = pod.is_none_or(|p| p == pname || p == format!("{ns}/{pname}"));
        if !pod_matches || container.is_some_and(|want| want != cname) {
            continue;
        }
        let Ok(target) = roots.container_logs().join(&link).canonicalize() else {
            continue; // a dangling link: nothing to read
        };
        let dir = target.parent().map(Path::to_path_buf);
        if dir.as_ref().is_some_and(|d| known.contains(d)) {
            continue;
        }
        // In a kubelet container directory: the whole rotated set beside it.
        let kubelet_dir = dir
            .filter(|d| file_name(d.parent()).is_some_and(|p| names::parse_pod_dir(p).is_some()));
        let chosen = kubelet_dir.unwrap_or_else(|| target.clone());
        known.push(chosen.clone());
        out.dirs.push(chosen);
        out.current.push(target);
    }
    // Docker's own containers (not kubelet's): by name or id prefix, only with --container.
    if let (None, Some(want)) = (pod, container) {
        let base = roots.docker_containers();
        let mut lookup = names::Names::new(roots.clone());
        for id in names::dir_names(&base) {
            let named = lookup.container(Some("docker"), &id).name;
            if named.as_deref() == Some(want) || (want.len() >= 3 && id.starts_with(want)) {
                let dir = base.join(&id);
                let log = dir.join(format!("{id}-json.log"));
                if log.is_file() {
                    out.current.push(log);
                    out.dirs.push(dir);
                }
            }
        }
    }
    out.dirs.sort();
    out.current.sort();
    if out.dirs.is_empty() {
        let what = match (pod, container) {
            (Some(p), Some(c)) => format!("no container {c} in a pod {p}"),
            (Some(p), None) => format!("no pod {p}"),
            (None, Some(c)) => format!("no container {c}"),
            (None, None) => "no pod or container named".to_string(),
        };
        return Err(format!(
            "{what} with logs under {} or {}",
            pods_dir.display(),
            roots.docker_containers().display()
        ) + &format!(" or {}", roots.container_logs().display()));
    }
    Ok(out)
}

/// The pod (`namespace/name`) and container a log file belongs to, from its path alone, and
/// for Docker's json-file the name in the `config.v2.json` beside it.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Owner {
    pub pod: Option<String>,
    pub container: Option<String>,
}

fn file_name(p: Option<&Path>) -> Option<&str> {
    p.and_then(|p| p.file_name()).and_then(|n| n.to_str())
}

pub fn owner_of(path: &Path) -> Owner {
    let name = file_name;
    let file = name(Some(path)).unwrap_or("");
    let dir = path.parent();
    // /var/log/pods/<ns>_<pod>_<uid>/<container>/N.log
    if let Some((_, pod)) = name(dir.and_then(Path::parent)).and_then(names::parse_pod_dir) {
        return Owner {
            pod: Some(format!("{}/{}", pod.namespace, pod.name)),
            container: name(dir).map(str::to_string),
        };
    }
    // /var/log/containers/<pod>_<ns>_<container>-<id>.log
    if let Some((_, c)) = names::parse_container_log_name(file) {
        return Owner {
            pod: c
                .pod_namespace
                .zip(c.pod_name)
                .map(|(ns, p)| format!("{ns}/{p}")),
            container: c.name,
        };
    }
    // Docker: containers/<id>/<id>-json.log[.N]
    if let Some(id) = name(dir).filter(|id| file.starts_with(&format!("{id}-json.log"))) {
        let config = dir.map(|d| d.join("config.v2.json"));
        let named = config
            .filter(|c| c.metadata().is_ok_and(|m| m.len() <= 4 << 20))
            .and_then(|c| std::fs::read_to_string(c).ok())
            .and_then(|t| names::parse_docker_config(&t).name);
        return Owner {
            pod: None,
            container: Some(named.unwrap_or_else(|| id.chars().take(12).collect())),
        };
    }
    Owner::default()
}

/// kubelet writes `N.log` with N the restart count: the highest N is the current file.
fn newest_log(dir: &std::path::Path, is_log: impl Fn(&str) -> bool) -> Option<PathBuf> {
    names::dir_names(dir)
        .into_iter()
        .filter(|n| is_log(n))
        .max_by_key(|n| n.trim_end_matches(".log").parse::<u64>().unwrap_or(0))
        .map(|n| dir.join(n))
}
