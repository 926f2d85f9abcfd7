//! JSON output: one pretty document per run; snake_case fields come from the reports'
//! serde derives.

use serde::Serialize;
use std::io::{self, Write};

pub fn write<T: Serialize + ?Sized>(out: &mut dyn Write, value: &T) -> io::Result<()> {
    serde_json::to_writer_pretty(&mut *out, value).map_err(io::Error::from)?;
    writeln!(out)
}
