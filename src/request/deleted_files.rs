//! `deleted_files` (`oncall disk deleted`, lsof +L1): deleted files still held open.

use crate::error::Error;
use crate::system::deleted::{self, DeletedReport};
use schemars::JsonSchema;
use serde::Deserialize;

#[derive(Debug, Clone, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct DeletedFilesRequest {}

pub fn run(_req: &DeletedFilesRequest) -> Result<DeletedReport, Error> {
    deleted::collect().map_err(|e| Error::usage("/proc", e))
}
