//! `oncall triage`: one window over every collector, rules to findings, one report.

use crate::cli::{self, TriageArgs};
use crate::error::Error;
use crate::exit_codes;
use crate::render::{self, Ui};
use crate::triage::{self, collect::TriageOptions, model::Severity};
use std::io::Write;
use std::time::Duration;

/// How long a collector that needs no window may run past it before it is reported as timed
/// out (a hung NFS mount, a huge log): the report never waits longer than window + this.
const BUDGET: Duration = Duration::from_secs(1);

pub fn run(args: TriageArgs, ui: &Ui, out: &mut dyn Write) -> Result<u8, Error> {
    if args.window.is_zero() {
        return Err(Error::usage(
            "--window",
            "triage needs a window above zero (e.g. 1s)",
        ));
    }
    for t in &args.probe {
        // Bad input is exit 2 before any sampling, as `oncall probe` would say it.
        crate::probe::target::parse(t)?;
    }
    let opts = TriageOptions {
        window: args.window,
        logs: args.logs,
        journal_dirs: args.journal_dir,
        probes: args.probe,
        budget: BUDGET,
    };
    let report = triage::run(&opts);
    render::triage::render(ui, out, &report)?;
    let fail_at = args.fail_on.map(|s| match s {
        cli::Severity::Warning => Severity::Warning,
        cli::Severity::Critical => Severity::Critical,
    });
    Ok(match (fail_at, report.worst()) {
        (Some(at), Some(worst)) if worst >= at => exit_codes::FAILURE,
        _ => exit_codes::SUCCESS,
    })
}
