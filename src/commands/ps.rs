//! `oncall ps`: flags → request (request/processes.rs: snapshots, filters, sort) → renderer.

use crate::cli::{PsArgs, PsSort};
use crate::error::Error;
use crate::exit_codes;
use crate::render::{self, Format, Ui};
use crate::request::processes::{self, ProcessesRequest, Sort};
use crate::request::Span;
use std::io::Write;

/// Rows in a table when `--top` is not given (JSON gets all).
const TABLE_ROWS: usize = 20;

pub fn run(args: PsArgs, ui: &Ui, out: &mut dyn Write) -> Result<u8, Error> {
    let report = processes::run(&ProcessesRequest {
        window: Span(args.window),
        sort: sort(args.sort),
        top: match (args.top, ui.format) {
            (Some(n), _) => Some(n),
            (None, Format::Table) => Some(TABLE_ROWS),
            (None, _) => None,
        },
        user: args.user,
        state: args.state,
        grep: args.grep,
        tree: args.tree,
        pid: args.pid,
    })?;
    render::ps::render(ui, out, &report)?;
    // A filter that matched nothing is a failed search, as for grep and pgrep; a listing cut
    // to nothing (`--top 0`) is not.
    Ok(if report.matched == 0 && !report.filters.is_empty() {
        exit_codes::FAILURE
    } else {
        exit_codes::SUCCESS
    })
}

fn sort(s: PsSort) -> Sort {
    match s {
        PsSort::Cpu => Sort::Cpu,
        PsSort::Mem => Sort::Mem,
        PsSort::Io => Sort::Io,
        PsSort::Fds => Sort::Fds,
        PsSort::Pid => Sort::Pid,
        PsSort::Start => Sort::Start,
    }
}
