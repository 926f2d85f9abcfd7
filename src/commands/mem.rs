//! `oncall mem`: flags → request (request/memory.rs) → renderer.

use crate::cli::MemArgs;
use crate::error::Error;
use crate::exit_codes;
use crate::render::{self, Ui};
use crate::request::memory::{self, MemoryRequest};
use std::io::Write;

pub fn run(args: MemArgs, ui: &Ui, out: &mut dyn Write) -> Result<u8, Error> {
    let report = memory::run(&MemoryRequest { top: args.top })?;
    render::mem::render(ui, out, &report)?;
    Ok(exit_codes::SUCCESS)
}
