//! `oncall serve`: flags → ServeOptions → the exporter (which builds its own runtime).

use crate::cli::ServeArgs;
use crate::error::Error;
use crate::serve::{self, ServeOptions};

pub fn run(args: ServeArgs) -> Result<u8, Error> {
    if args.interval.is_zero() {
        return Err(Error::usage("--interval", "must be above zero (e.g. 15s)"));
    }
    if args.probe_concurrency == 0 {
        return Err(Error::usage("--probe.concurrency", "must be at least 1"));
    }
    serve::run(ServeOptions {
        listen: args.listen,
        interval: args.interval,
        config_file: args.config_file,
        allow: args.probe_allow,
        logs: args.logs,
        probe_concurrency: args.probe_concurrency,
        web_config: args.web_config,
    })
}
