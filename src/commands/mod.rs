//! One module per command: options from `cli` → collector → report → renderer.

pub mod cheat;
pub mod completions;
pub mod disk;
pub mod logs;
pub mod logs_journal;
pub mod mcp;
pub mod mem;
pub mod net;
pub mod probe;
pub mod ps;
pub mod rules;
pub mod serve;
pub mod triage;
