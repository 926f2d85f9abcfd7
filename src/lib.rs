//! `oncall`: the library behind the binary, its tests and its benchmarks.
//!
//! Data flows one way: arguments (`cli`) → options → collector (`cheat`, later `system`,
//! `logs`, `probe`, `triage`) → report (plain data) → renderer (`render`) → stdout.

pub mod cheat;
pub mod cli;
pub mod commands;
pub mod credentials;
pub mod duration;
pub mod error;
pub mod exit_codes;
pub mod journal;
pub mod logs;
pub mod mcp;
pub mod probe;
pub mod render;
pub mod request;
pub mod serve;
pub mod system;
pub mod triage;
