//! Markdown output, for pasting into an incident channel or a postmortem.

use std::io::{self, Write};

/// Escapes what would break a table cell.
pub fn cell(text: &str) -> String {
    super::printable::printable(text).replace('|', "\\|")
}

/// Inline code that survives backticks inside the text.
pub fn code(text: &str) -> String {
    if text.contains('`') {
        format!("`` {text} ``")
    } else {
        format!("`{text}`")
    }
}

pub fn table(out: &mut dyn Write, header: &[&str], rows: &[Vec<String>]) -> io::Result<()> {
    writeln!(out, "| {} |", header.join(" | "))?;
    writeln!(out, "|{}", "---|".repeat(header.len()))?;
    for row in rows {
        let cells: Vec<String> = row.iter().map(|c| cell(c)).collect();
        writeln!(out, "| {} |", cells.join(" | "))?;
    }
    Ok(())
}
