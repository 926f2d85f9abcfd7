//! Which text logs a logs request reads (named files and directories or the default, the
//! files of `pod`/`container`) and what reading them says beside the output. A `Notice` is
//! one such line: the CLI prints it on stderr as it comes, a report lists it.

use crate::error::Error;
use crate::logs::container_files;
use crate::logs::line_cap::MAX_LINE_BYTES;
use crate::logs::sources::{self, Discovery};
use std::path::PathBuf;

/// A line said beside the output: a warning (`oncall: warning: …`) or an error about one
/// source (`oncall: PATH: why`), which does not stop the others.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Notice {
    pub warning: bool,
    pub text: String,
}

impl Notice {
    pub fn warning(text: impl Into<String>) -> Notice {
        Notice {
            warning: true,
            text: text.into(),
        }
    }

    pub fn error(text: impl Into<String>) -> Notice {
        Notice {
            warning: false,
            text: text.into(),
        }
    }

    /// As the CLI says it on stderr.
    pub fn line(&self) -> String {
        let kind = if self.warning { "warning: " } else { "" };
        format!("oncall: {kind}{}", self.text)
    }
}

/// Where notices go as they come.
pub type Notices<'a> = &'a mut dyn FnMut(Notice);

/// The paths a request names, then the container logs its `pod` / `container` select.
pub fn sources(
    paths: &[PathBuf],
    pod: Option<&str>,
    container: Option<&str>,
    current: bool,
) -> Result<Vec<PathBuf>, Error> {
    let mut all = paths.to_vec();
    all.extend(container_logs(pod, container, current)?);
    Ok(all)
}

/// `pod` / `container`: the containers' log directories (whole rotated sets) or, for tail,
/// their current files; nothing without them.
pub fn container_logs(
    pod: Option<&str>,
    container: Option<&str>,
    current: bool,
) -> Result<Vec<PathBuf>, Error> {
    let flag = match (pod, container) {
        (None, None) => return Ok(Vec::new()),
        (Some(p), _) => format!("--pod {p}"),
        (None, Some(c)) => format!("--container {c}"),
    };
    let found = container_files::select(pod, container).map_err(|why| Error::usage(flag, why))?;
    Ok(if current { found.current } else { found.dirs })
}

/// Named paths (or the first default that exists), expanded. A named path that cannot be
/// searched is a notice, and the rest are searched: the caller exits 2 at the end when
/// `refused` is not empty, as grep does. Also whether a directory was named.
pub fn discover(
    paths: &[PathBuf],
    default: &[&str],
    notice: Notices,
) -> Result<(Discovery, bool), Error> {
    let paths: Vec<PathBuf> = if paths.is_empty() {
        default
            .iter()
            .map(PathBuf::from)
            .filter(|p| p.exists())
            .take(1)
            .collect()
    } else {
        paths.to_vec()
    };
    if paths.is_empty() {
        return Err(Error::usage(
            default.join(" or "),
            "no such file or directory",
        ));
    }
    let any_dir = paths.iter().any(|p| p.is_dir());
    let found = sources::discover_all(&paths);
    for refused in &found.refused {
        notice(Notice::error(format!(
            "{}: {}",
            refused.path.display(),
            refused.why
        )));
    }
    if !found.unreadable.is_empty() {
        notice(Notice::warning(format!(
            "{} file(s) not readable, e.g. {} (run as root to include them)",
            found.unreadable.len(),
            found.unreadable[0].display()
        )));
    }
    Ok((found, any_dir))
}

/// Lines cut at the line cap (see logs/line_cap.rs): said, so a search is never silently
/// partial.
pub fn lines_cut(path: &str, cut: u64) -> Option<Notice> {
    (cut > 0).then(|| {
        Notice::warning(format!(
            "{path}: {cut} line(s) longer than {} MiB cut there (the rest of each was not \
             searched)",
            MAX_LINE_BYTES >> 20
        ))
    })
}

/// A file cut short under a search (see logs/mapped.rs): what was searched stands.
pub fn truncated(path: &str, searched_bytes: u64) -> Notice {
    Notice::warning(format!(
        "{path}: truncated while being searched (logrotate copytruncate?); only its first \
         {searched_bytes} bytes were searched"
    ))
}
