//! What the logs tools may read: their paths, the files of `pod`/`container` and the
//! journal's directories, each under the allowlist (allowlist.rs) before the request runs.

use super::env::{CallError, Env};
use crate::request;

/// A logs tool's paths under the allowlist: `pod`/`container` are resolved to their log
/// files here (`current`: tail's current files, else whole directories), so that what is
/// read is what was checked.
pub fn allow_logs(
    env: &Env,
    paths: &mut Vec<std::path::PathBuf>,
    pod: Option<String>,
    container: Option<String>,
    current: bool,
) -> Result<(), CallError> {
    paths.extend(
        request::logs_source::container_logs(pod.as_deref(), container.as_deref(), current)
            .map_err(CallError::failed)?,
    );
    env.allow_paths(paths)
}

/// The journal's directories under the allowlist (the default ones, /var/log/journal and
/// /run/log/journal, are in it by default); globs of journal files are not offered, since
/// what they match is found only when read.
pub fn allow_journal(
    env: &Env,
    dirs: &mut [std::path::PathBuf],
    files: &[String],
) -> Result<(), CallError> {
    if !files.is_empty() {
        return Err(CallError::Failed(
            "journal_file: not offered by this server; name the directory with journal_dir".into(),
        ));
    }
    env.allow_paths(dirs)
}
