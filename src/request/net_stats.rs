//! `net_stats` (`oncall net stats`, sar -n DEV,TCP,ETCP): interface rates and TCP health
//! over a window.

use super::Span;
use crate::error::Error;
use crate::system::net_stats::{self, NetRates};
use schemars::JsonSchema;
use serde::Deserialize;

#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, default)]
pub struct NetStatsRequest {
    /// Sampling window (above 0).
    pub window: Span,
}

impl Default for NetStatsRequest {
    fn default() -> Self {
        NetStatsRequest {
            window: Span::secs(1),
        }
    }
}

impl NetStatsRequest {
    pub fn validate(&self) -> Result<(), Error> {
        if self.window.is_zero() {
            return Err(Error::usage(
                "--window",
                "rates need a window longer than 0 (try 1s)",
            ));
        }
        Ok(())
    }
}

pub fn run(req: &NetStatsRequest) -> Result<NetRates, Error> {
    req.validate()?;
    let read = |e: std::io::Error| Error::usage("reading /proc/net", e);
    let first = net_stats::snapshot().map_err(read)?;
    std::thread::sleep(req.window.0);
    let second = net_stats::snapshot().map_err(read)?;
    Ok(net_stats::rates(&first, &second))
}
