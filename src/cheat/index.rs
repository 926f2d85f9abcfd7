//! The built-in cheat sheet: static data compiled in by `build.rs` from `data/`.

use super::model::{Category, Command, Example, Flag, Runbook, Safety, Step, Subcommand};
use super::word_index::Posting;

include!(concat!(env!("OUT_DIR"), "/cheat_index.rs"));
