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
pub mod logs_grep;
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
