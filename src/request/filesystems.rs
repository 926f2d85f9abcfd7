//! `filesystems` (`oncall disk`): size, used, avail, inodes, read-only per mount; a mount that
//! does not answer within the timeout is shown as not responding, never waited on.

use super::Span;
use crate::error::Error;
use crate::system::disks::{self, DiskReport};
use schemars::JsonSchema;
use serde::Deserialize;

#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, default)]
pub struct FilesystemsRequest {
    /// Include pseudo filesystems (proc, sysfs, cgroup, …).
    pub all: bool,
    /// Time allowed per mount before it is shown as not responding (above 0).
    pub timeout: Span,
}

impl Default for FilesystemsRequest {
    fn default() -> Self {
        FilesystemsRequest {
            all: false,
            timeout: Span::secs(2),
        }
    }
}

impl FilesystemsRequest {
    pub fn validate(&self) -> Result<(), Error> {
        if self.timeout.is_zero() {
            return Err(Error::usage("timeout", "must be above zero (e.g. 2s)"));
        }
        Ok(())
    }
}

pub fn run(req: &FilesystemsRequest) -> Result<DiskReport, Error> {
    req.validate()?;
    disks::collect(req.all, req.timeout.0).map_err(|e| Error::usage("/proc/self/mountinfo", e))
}
