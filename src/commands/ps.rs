//! `oncall ps`: flags → request (request/processes.rs: snapshots, filters, sort) → renderer.

use crate::cli::{PsArgs, PsBy, PsSort};
use crate::error::Error;
use crate::exit_codes;
use crate::render::{self, Format, Ui};
use crate::request::processes::{self, ProcessesRequest, Sort};
use crate::request::Span;
use crate::system::containers::groups::GroupBy;
use std::io::Write;

/// Rows in a table when `--top` is not given (JSON gets all).
const TABLE_ROWS: usize = 20;

pub fn run(args: PsArgs, ui: &Ui, out: &mut dyn Write) -> Result<u8, Error> {
    let by = args.by.map(group_by);
    let req = ProcessesRequest {
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
        container: args.container,
        pod: args.pod,
        unit: args.unit,
    };
    if let Some(by) = by {
        let report = processes::run_by(&req, by)?;
        render::ps_groups::render(ui, out, &report)?;
        return Ok(if report.total_groups == 0 && !report.filters.is_empty() {
            exit_codes::FAILURE
        } else {
            exit_codes::SUCCESS
        });
    }
    let report = processes::run(&req)?;
    render::ps::render(ui, out, &report)?;
    // A filter that matched nothing is a failed search, as for grep and pgrep; a listing cut
    // to nothing (`--top 0`) is not.
    Ok(if report.matched == 0 && !report.filters.is_empty() {
        exit_codes::FAILURE
    } else {
        exit_codes::SUCCESS
    })
}

fn group_by(b: PsBy) -> GroupBy {
    match b {
        PsBy::Container => GroupBy::Container,
        PsBy::Pod => GroupBy::Pod,
        PsBy::Unit => GroupBy::Unit,
    }
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
