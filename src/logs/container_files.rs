//! `logs … --pod NAME` / `--container NAME`: the log files of a pod's or container's
//! containers, from kubelet's `/var/log/pods/<ns>_<pod>_<uid>/<container>/N.log` (rotations
//! `N.log.<date>` and `.gz` beside them) and Docker's `containers/<id>/<id>-json.log`. The
//! roots move with `ONCALL_CONTAINER_ROOT`, as for `ps`.

use crate::system::containers::names::{self, Roots};
use std::path::PathBuf;

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
        ));
    }
    Ok(out)
}

/// kubelet writes `N.log` with N the restart count: the highest N is the current file.
fn newest_log(dir: &std::path::Path, is_log: impl Fn(&str) -> bool) -> Option<PathBuf> {
    names::dir_names(dir)
        .into_iter()
        .filter(|n| is_log(n))
        .max_by_key(|n| n.trim_end_matches(".log").parse::<u64>().unwrap_or(0))
        .map(|n| dir.join(n))
}
