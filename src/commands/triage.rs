//! `oncall triage`: flags → request (request/triage.rs) → renderer; `--fail-on` → exit code.

use crate::cli::{self, TriageArgs};
use crate::error::Error;
use crate::exit_codes;
use crate::render::{self, Ui};
use crate::request::{self, triage::TriageRequest, Span};
use crate::triage::model::Severity;
use std::io::Write;

pub fn run(args: TriageArgs, ui: &Ui, out: &mut dyn Write) -> Result<u8, Error> {
    let report = request::triage::run(&TriageRequest {
        window: Span(args.window),
        logs: args.logs,
        journal_dir: args.journal_dir,
        probe: args.probe,
    })?;
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
