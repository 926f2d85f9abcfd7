//! `disk_usage` (`oncall disk usage`, du -xsh): totals and the largest entries under a path.

use crate::error::Error;
use crate::system::usage::{self, Progress, UsageOptions, UsageReport};
use schemars::JsonSchema;
use serde::Deserialize;
use std::path::PathBuf;
use std::sync::atomic::AtomicBool;
use std::sync::Arc;

#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, default)]
pub struct DiskUsageRequest {
    /// Directory to measure.
    pub path: PathBuf,
    /// Stay on one filesystem (du -x).
    pub one_file_system: bool,
    /// How many of the largest directories and files to list.
    pub top: usize,
}

impl Default for DiskUsageRequest {
    fn default() -> Self {
        DiskUsageRequest {
            path: PathBuf::from("."),
            one_file_system: false,
            top: 10,
        }
    }
}

impl DiskUsageRequest {
    pub fn validate(&self) -> Result<(), Error> {
        if self.path.as_os_str().is_empty() {
            return Err(Error::usage("path", "empty"));
        }
        Ok(())
    }
}

/// The walk, stopped when `cancel` is set (`Error::Interrupted`); `progress` is called
/// about ten times a second.
pub fn run_with(
    req: &DiskUsageRequest,
    cancel: &Arc<AtomicBool>,
    progress: &mut dyn FnMut(&Progress),
) -> Result<UsageReport, Error> {
    req.validate()?;
    let opts = UsageOptions {
        path: req.path.clone(),
        one_file_system: req.one_file_system,
        top: req.top,
        threads: 0,
    };
    usage::walk(&opts, cancel, progress)
}

pub fn run(req: &DiskUsageRequest) -> Result<UsageReport, Error> {
    run_with(req, &Arc::new(AtomicBool::new(false)), &mut |_| {})
}
