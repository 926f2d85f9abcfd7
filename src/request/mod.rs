//! The request layer: one plain request type per capability, callable without clap.
//!
//! Each file holds one capability: its request (serde + JSON Schema, unknown fields refused,
//! the CLI's defaults), its validation (one `validate`, called first by `run`) and
//! `run(&Request) -> Result<Report, Error>`, the report `--json` prints. The CLI converts
//! its clap arguments into the request; `oncall mcp` deserialises it from a tool call's
//! arguments. Neither wires a collector itself: both call `run`.

pub mod cheat_categories;
pub mod cheat_entry;
pub mod cheat_search;
pub mod deleted_files;
pub mod disk_usage;
pub mod explain_command;
pub mod filesystems;
pub mod in_file_order;
pub mod logs_grep;
pub mod logs_journal;
pub mod logs_source;
pub mod logs_tail;
pub mod logs_top;
pub mod memory;
pub mod net_stats;
pub mod probe;
pub mod probe_balancer;
pub mod probe_gateway;
pub mod processes;
pub mod runbook;
pub mod schema;
pub mod sheet;
pub mod sockets;
pub mod span;
pub mod triage;

pub use span::Span;

use crate::error::Error;

/// A request's checks of its own values, before anything reads the system.
pub trait Validate {
    fn check(&self) -> Result<(), Error>;
}

/// Requests with a `validate` of their own, and those that have nothing to check.
macro_rules! validate {
    ($($t:ty),* $(,)?) => { $(impl Validate for $t {
        fn check(&self) -> Result<(), Error> { self.validate() }
    })* };
}
macro_rules! nothing_to_validate {
    ($($t:ty),* $(,)?) => { $(impl Validate for $t {
        fn check(&self) -> Result<(), Error> { Ok(()) }
    })* };
}

validate!(
    processes::ProcessesRequest,
    memory::MemoryRequest,
    filesystems::FilesystemsRequest,
    disk_usage::DiskUsageRequest,
    sockets::SocketsRequest,
    net_stats::NetStatsRequest,
    logs_grep::LogsGrepRequest,
    logs_tail::LogsTailRequest,
    logs_top::LogsTopRequest,
    probe::ProbeRequest,
    probe_balancer::ProbeBalancerRequest,
    probe_gateway::ProbeGatewayRequest,
    triage::TriageRequest,
    cheat_entry::CheatEntryRequest,
);
nothing_to_validate!(
    deleted_files::DeletedFilesRequest,
    explain_command::ExplainCommandRequest,
    runbook::RunbookRequest,
    cheat_categories::CheatCategoriesRequest,
    cheat_search::CheatSearchRequest,
);
