//! `oncall mem`: options → memory collector → renderer.

use crate::cli::MemArgs;
use crate::error::Error;
use crate::exit_codes;
use crate::render::{self, Ui};
use crate::system::memory;
use std::io::Write;

pub fn run(args: MemArgs, ui: &Ui, out: &mut dyn Write) -> Result<u8, Error> {
    let report = memory::collect(args.top).map_err(|e| Error::usage("/proc/meminfo", e))?;
    render::mem::render(ui, out, &report)?;
    Ok(exit_codes::SUCCESS)
}
