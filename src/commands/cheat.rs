//! `oncall cheat`: builds the sheet (built-in plus user sheets), queries it, renders.

use crate::cheat::{self, sheet, CheatOptions, CheatReport};
use crate::cli::CheatArgs;
use crate::error::Error;
use crate::exit_codes;
use crate::render::{self, Ui};
use std::io::Write;

pub fn run(args: CheatArgs, ui: &Ui, out: &mut dyn Write) -> Result<u8, Error> {
    let mut sheet = sheet::Sheet::with_user_dir(sheet::user_dir());
    sheet.tldr = cheat::tldr_cache::discover(args.tldr.clone());
    for w in &sheet.warnings {
        crate::render::stderr::line(format_args!("oncall: warning: {w}"));
    }
    let opts = CheatOptions {
        query: args.query,
        category: args.category,
        categories: args.categories,
        explain: args.explain,
        runbook: args.runbook,
        safe: args.safe,
    };
    let report = cheat::query(&sheet, &opts)?;
    render::cheat::render(ui, out, &report)?;
    if let CheatReport::NoMatch {
        what,
        query,
        nearest,
    } = &report
    {
        if *what == cheat::NO_READ_ONLY {
            let others = if nearest.is_empty() {
                String::new()
            } else {
                format!("; related with read-only examples: {}", nearest.join(", "))
            };
            crate::render::stderr::line(format_args!(
                "oncall: {query} has no read-only example in the cheat sheet (oncall cheat {query} shows all of them){others}"
            ));
            return Ok(exit_codes::FAILURE);
        }
        let (prefix, hint) = if *what == "runbook" {
            ("runbooks", "oncall cheat --runbook lists them")
        } else {
            (
                "nearest names",
                "try fewer words, or oncall cheat --categories",
            )
        };
        crate::render::stderr::line(format_args!(
            "oncall: no {what} matches '{query}'; {prefix}: {} ({hint})",
            nearest.join(", ")
        ));
    }
    Ok(if report.found() {
        exit_codes::SUCCESS
    } else {
        exit_codes::FAILURE
    })
}
