//! What `oncall ps` reports (the `processes` request's result, what `--json` prints and the
//! MCP tool returns): the process rows, or with `--by` one row per container, pod or unit.
//! `render::ps` and `render::ps_groups` print them.

use crate::system::containers::groups::GroupRow;
use crate::system::processes::{Process, StateCounts};
use serde::Serialize;

/// What `oncall ps` reports: the rows to show plus counts over every process.
#[derive(Debug, Serialize, schemars::JsonSchema)]
pub struct PsReport {
    pub processes: Vec<Process>,
    /// Over all processes, before filters: state counts and threads.
    pub summary: StateCounts,
    /// Processes matching the filters (rows may be fewer: `--top`).
    pub matched: usize,
    /// 0 = lifetime averages, as `ps`.
    pub window_ms: u64,
    pub partly_hidden: usize,
    pub unreadable: usize,
    #[serde(skip)]
    pub tree: bool,
    /// The footer's advice: "run as root" only helps someone who is not.
    #[serde(skip)]
    pub viewer_is_root: bool,
    /// The filters given (`--state D --user web`), empty for none: what matched nothing.
    #[serde(skip)]
    pub filters: String,
    /// Set when oncall itself runs inside a container.
    pub inside_container: Option<crate::system::containers::inside::Inside>,
}

/// What `oncall ps --by container|pod|unit` reports.
#[derive(Debug, Serialize, schemars::JsonSchema)]
pub struct PsGroupsReport {
    /// container, pod or unit.
    pub by: &'static str,
    pub groups: Vec<GroupRow>,
    /// Groups before `--top`.
    pub total_groups: usize,
    pub processes_in_groups: usize,
    /// Matching processes in no such group (on the host, outside any container).
    pub processes_outside: usize,
    pub window_ms: u64,
    #[serde(skip)]
    pub filters: String,
}
