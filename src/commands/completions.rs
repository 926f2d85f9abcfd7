//! `oncall completions SHELL`: the files in `completions/` are this command's output.

use crate::cli::Cli;
use crate::error::Error;
use crate::exit_codes;
use clap::CommandFactory;
use std::io::Write;

pub fn run(shell: clap_complete::Shell, out: &mut dyn Write) -> Result<u8, Error> {
    let mut cmd = Cli::command();
    let mut buf = Vec::new();
    clap_complete::generate(shell, &mut cmd, "oncall", &mut buf);
    out.write_all(&buf)?;
    Ok(exit_codes::SUCCESS)
}
