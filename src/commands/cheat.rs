//! `oncall cheat`: flags → the one cheat request they ask for (search, categories, explain,
//! runbook) → that request's run, the same function the MCP tools call → renderer.

use crate::cheat::{self, CheatReport};
use crate::cli::CheatArgs;
use crate::error::Error;
use crate::exit_codes;
use crate::render::{self, Ui};
use crate::request::{
    cheat_categories::CheatCategoriesRequest, cheat_search::CheatSearchRequest,
    explain_command::ExplainCommandRequest, runbook::RunbookRequest, sheet,
};
use std::io::Write;

/// What `oncall cheat`'s flags ask for. The order of the checks is the precedence the flags
/// always had: `--explain` wins over `--runbook`, which wins over `--categories`.
enum CheatRequest {
    Explain(ExplainCommandRequest),
    Runbook(RunbookRequest),
    Categories(CheatCategoriesRequest),
    Search(CheatSearchRequest),
}

impl From<CheatArgs> for CheatRequest {
    fn from(args: CheatArgs) -> CheatRequest {
        // Words after the flag belong to it: `--explain tar -xzf a.tgz` pastes a line,
        // `--runbook disk full` names a symptom.
        let words = args.query.join(" ");
        let with_words = |head: String| format!("{head} {words}").trim().to_string();
        if let Some(line) = args.explain {
            CheatRequest::Explain(ExplainCommandRequest {
                command_line: with_words(line),
            })
        } else if let Some(symptom) = args.runbook {
            CheatRequest::Runbook(RunbookRequest {
                symptom: with_words(symptom),
            })
        } else if args.categories {
            CheatRequest::Categories(CheatCategoriesRequest {})
        } else {
            CheatRequest::Search(CheatSearchRequest {
                query: words,
                category: args.category,
                safe: args.safe,
            })
        }
    }
}

pub fn run(args: CheatArgs, ui: &Ui, out: &mut dyn Write) -> Result<u8, Error> {
    let sheet = sheet::load(args.tldr.clone());
    for w in &sheet.warnings {
        crate::render::stderr::line(format_args!("oncall: warning: {w}"));
    }
    let report = match CheatRequest::from(args) {
        CheatRequest::Explain(r) => crate::request::explain_command::run(&sheet, &r),
        CheatRequest::Runbook(r) => crate::request::runbook::run(&sheet, &r),
        CheatRequest::Categories(r) => crate::request::cheat_categories::run(&sheet, &r),
        CheatRequest::Search(r) => crate::request::cheat_search::run(&sheet, &r),
    }?;
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
