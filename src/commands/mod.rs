//! One module per command: options from `cli` → collector → report → renderer.

pub mod cheat;
pub mod completions;
pub mod probe;
