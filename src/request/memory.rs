//! `memory` (`oncall mem`): free's figures, swap, PSI, top consumers, OOM kills, cgroup limit.

use crate::error::Error;
use crate::system::memory::{self, MemReport};
use schemars::JsonSchema;
use serde::Deserialize;

#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, default)]
pub struct MemoryRequest {
    /// How many top memory consumers (processes by resident memory) to list.
    pub top: usize,
}

impl Default for MemoryRequest {
    fn default() -> Self {
        MemoryRequest { top: 10 }
    }
}

impl MemoryRequest {
    pub fn validate(&self) -> Result<(), Error> {
        Ok(())
    }
}

pub fn run(req: &MemoryRequest) -> Result<MemReport, Error> {
    req.validate()?;
    memory::collect(req.top).map_err(|e| Error::usage("/proc/meminfo", e))
}
