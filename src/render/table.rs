//! Terminal tables that fit the terminal's width (comfy-table, wrapping the widest columns).

use super::Ui;
use comfy_table::{presets, Cell, ContentArrangement, Table};

/// A borderless table with a header row, fitted to the terminal when there is one.
pub fn new(ui: &Ui, header: &[&str]) -> Table {
    let mut t = plain(ui);
    t.set_header(header.iter().map(|h| Cell::new(ui.style.bold(h))));
    t
}

/// A borderless table without a header (name/meaning lists).
pub fn plain(ui: &Ui) -> Table {
    let mut t = Table::new();
    t.load_preset(presets::NOTHING);
    match ui.width {
        Some(w) => {
            t.set_content_arrangement(ContentArrangement::Dynamic);
            t.set_width(w);
        }
        None => {
            t.set_content_arrangement(ContentArrangement::Disabled);
        }
    }
    t
}

/// Writes a table without the trailing spaces comfy-table pads rows with.
pub fn write(out: &mut dyn std::io::Write, table: &Table) -> std::io::Result<()> {
    for line in table.lines() {
        writeln!(out, "{}", line.trim_end())?;
    }
    Ok(())
}
