//! Terminal tables that fit the terminal's width (comfy-table, wrapping the widest columns).
//!
//! Cells arrive styled (`Style` wraps text in `ESC[…m … ESC[0m`), but comfy-table measures
//! and wraps text as it is: escape codes counted as visible width shifted every coloured
//! column, and a wrap could cut a sequence in two (`^[[`/`[0m` on the screen). So colour is
//! kept out of the layout: comfy-table lays out the plain text, with a separator character
//! between columns that tells us which column each piece of a line belongs to, and the
//! colours are put back on the laid-out pieces. With colour off the output is comfy-table's
//! own; with colour on it is the same text with escape codes around the styled characters,
//! closed at the end of each piece, so a wrapped cell is coloured on every line it takes.

use super::Ui;
use comfy_table::{presets, Cell, ColumnConstraint, ContentArrangement, TableComponent, Width};
use std::io::{self, Write};

/// Between columns while laying out: a private-use character, one column wide like the
/// space it stands for, which cell text cannot hold (it is replaced there, see `plain_text`).
const SEPARATOR: char = '\u{F8FF}';

/// A borderless table whose cells may carry `Style` colours.
pub struct Table {
    width: Option<u16>,
    /// stdout is a terminal: control characters in cells are laid out as the terminal guard
    /// will show them (`^[`, two columns), not as the one column they would take raw.
    caret: bool,
    header: Option<Vec<String>>,
    rows: Vec<Vec<String>>,
    /// Columns never wrapped (numbers and their units): "11.8" over "GiB" reads as two values.
    whole: Vec<usize>,
}

/// A borderless table with a header row (in bold), fitted to the terminal when there is one.
pub fn new(ui: &Ui, header: &[&str]) -> Table {
    let mut t = plain(ui);
    t.header = Some(header.iter().map(|h| ui.style.bold(h)).collect());
    t
}

/// A borderless table without a header (name/meaning lists).
pub fn plain(ui: &Ui) -> Table {
    Table {
        width: ui.width,
        caret: ui.terminal,
        header: None,
        rows: Vec::new(),
        whole: Vec::new(),
    }
}

impl Table {
    /// Keeps these columns on one line each; the others wrap to make the table fit.
    pub fn keep_whole(&mut self, columns: &[usize]) -> &mut Table {
        self.whole.extend_from_slice(columns);
        self
    }

    pub fn add_row<S: Into<String>>(&mut self, row: Vec<S>) -> &mut Table {
        self.rows.push(row.into_iter().map(Into::into).collect());
        self
    }

    /// The laid-out lines, coloured as the cells were, without comfy-table's trailing padding.
    pub fn lines(&self) -> Vec<String> {
        let columns = self
            .header
            .iter()
            .chain(&self.rows)
            .map(Vec::len)
            .max()
            .unwrap_or(0);
        if columns == 0 {
            return Vec::new();
        }
        if self.width.is_none() && !self.caret {
            if let Some(lines) = self.unfitted(columns) {
                return lines;
            }
        }
        // Each column's cells, top to bottom, as one stream of characters and their colour:
        // the pieces of that column on the laid-out lines come in the same order.
        let mut streams: Vec<Stream> = (0..columns)
            .map(|_| Stream {
                caret: self.caret,
                ..Stream::default()
            })
            .collect();
        let mut layout = comfy_table::Table::new();
        layout.load_preset(presets::NOTHING);
        layout.set_style(TableComponent::VerticalLines, SEPARATOR);
        match self.width {
            Some(w) => {
                layout.set_content_arrangement(ContentArrangement::Dynamic);
                layout.set_width(w);
            }
            None => {
                layout.set_content_arrangement(ContentArrangement::Disabled);
            }
        }
        // Per column, the widest plain cell (in chars: cells are mostly ASCII, and a bound a
        // little off only moves where a wide-character cell wraps).
        // A header may still wrap between its words ("RX" over "err/s"), never inside one.
        let mut widest = vec![0usize; columns];
        let mut plain_row = |row: &[String], header: bool| -> Vec<Cell> {
            (0..columns)
                .map(|j| {
                    let text = row.get(j).map_or("", String::as_str);
                    let plain = streams[j].push_cell(text);
                    let width = if header {
                        plain.split(' ').map(|w| w.chars().count()).max()
                    } else {
                        Some(plain.chars().count())
                    };
                    widest[j] = widest[j].max(width.unwrap_or(0));
                    Cell::new(plain)
                })
                .collect()
        };
        if let Some(h) = &self.header {
            let cells = plain_row(h, true);
            layout.set_header(cells);
        }
        for row in &self.rows {
            let cells = plain_row(row, false);
            layout.add_row(cells);
        }
        // A column's padding was one space each side; the separator now stands for the right
        // one, except after the last column, so the table takes the same width as before.
        for (j, c) in layout.column_iter_mut().enumerate() {
            c.set_padding((1, if j + 1 == columns { 1 } else { 0 }));
            if self.whole.contains(&j) {
                // A lower bound of the widest cell (ContentWidth would also hand these columns
                // the spare room the wrapped ones need).
                let widest = u16::try_from(widest[j]).unwrap_or(u16::MAX);
                c.set_constraint(ColumnConstraint::LowerBoundary(Width::Fixed(widest + 1)));
            }
        }
        // No cell carried colour (colour off, or plain cells): the layout is the output, and
        // matching every character back to its stream would be wasted work (it was half the
        // instructions of `oncall cheat -c networking`).
        let coloured = streams.iter().any(|s| s.colours.len() > 1);
        layout
            .lines()
            .map(|line| {
                if coloured {
                    colour_line(&line, &mut streams)
                } else {
                    line.replace(SEPARATOR, " ")
                }
            })
            .map(|line| line.trim_end().to_string())
            .collect()
    }
}

impl Table {
    /// Off a terminal (a pipe, `| grep`), comfy-table lays each column out at its widest cell,
    /// one space before the first and two between columns; for cells of plain one-line ASCII
    /// (no colour, no control character: a character is a column) that is done here directly,
    /// at a fraction of the cost (comfy-table was a third of `oncall cheat disk full`). `None`
    /// for anything else, which goes through comfy-table.
    fn unfitted(&self, columns: usize) -> Option<Vec<String>> {
        let all = self.header.iter().chain(&self.rows);
        let plain = |c: &String| c.bytes().all(|b| (0x20..0x7f).contains(&b));
        if !all.clone().flatten().all(plain) {
            return None;
        }
        let mut widths = vec![0usize; columns];
        for row in all.clone() {
            for (w, cell) in widths.iter_mut().zip(row) {
                *w = (*w).max(cell.len());
            }
        }
        // An empty column is laid out by comfy-table's own rules.
        if widths.contains(&0) {
            return None;
        }
        let line = |row: &Vec<String>| {
            let mut out = String::with_capacity(widths.iter().sum::<usize>() + 2 * columns);
            for (j, w) in widths.iter().enumerate() {
                let cell = row.get(j).map_or("", String::as_str);
                out.push_str(if j == 0 { " " } else { "  " });
                out.push_str(cell);
                out.extend(std::iter::repeat_n(' ', w - cell.len()));
            }
            out.trim_end().to_string()
        };
        Some(all.map(line).collect())
    }
}

/// Writes a table without the trailing spaces comfy-table pads rows with.
pub fn write(out: &mut dyn Write, table: &Table) -> io::Result<()> {
    for line in table.lines() {
        writeln!(out, "{line}")?;
    }
    Ok(())
}

/// One column's text in layout order, each character with the colour it had.
#[derive(Default)]
struct Stream {
    chars: Vec<char>,
    /// Index into `colours` per character; 0 is uncoloured.
    colour: Vec<usize>,
    /// The escape sequences in force for each colour index (`colours[0]` is empty).
    colours: Vec<String>,
    /// Next character to match; `None` once a piece did not match (then no more colour:
    /// the text stays right, only its colour is lost).
    at: Option<usize>,
    /// Lay out control characters in caret notation (see `Table::caret`).
    caret: bool,
}

impl Stream {
    /// Appends a styled cell and returns its plain text for the layout.
    fn push_cell(&mut self, styled: &str) -> String {
        if self.colours.is_empty() {
            self.colours.push(String::new());
            self.at = Some(0);
        }
        let mut plain = String::with_capacity(styled.len());
        let mut active = String::new();
        let mut rest = styled;
        while !rest.is_empty() {
            if let Some((seq, params, after)) = sgr(rest) {
                if params.is_empty() || params == "0" {
                    active.clear();
                } else {
                    active.push_str(seq);
                }
                rest = after;
                continue;
            }
            let c = rest.chars().next().expect("rest is not empty");
            rest = &rest[c.len_utf8()..];
            let index = match self.colours.iter().position(|s| *s == active) {
                Some(i) => i,
                None => {
                    self.colours.push(active.clone());
                    self.colours.len() - 1
                }
            };
            let mut shown = [c; 4];
            let shown: &[char] = match c {
                SEPARATOR => &['\u{FFFD}'],
                '\n' | '\t' => &shown[..1],
                _ if !self.caret || !c.is_control() => &shown[..1],
                '\u{7f}' => &['^', '?'],
                '\u{80}'..='\u{9f}' => {
                    shown = ['M', '-', '^', char::from(c as u8 - 0x80 + 0x40)];
                    &shown
                }
                _ => {
                    shown[0] = '^';
                    shown[1] = char::from(c as u8 + 0x40);
                    &shown[..2]
                }
            };
            for &c in shown {
                plain.push(c);
                self.chars.push(c);
                self.colour.push(index);
            }
        }
        // Cells of one column are separate in the stream as on the screen.
        self.chars.push('\n');
        self.colour.push(0);
        plain
    }

    /// The colour of the laid-out character `c`: the next character of the stream that is
    /// not white space must be `c` (comfy-table only re-flows white space).
    fn take(&mut self, c: char) -> usize {
        let Some(mut i) = self.at else { return 0 };
        while i < self.chars.len() && self.chars[i].is_whitespace() {
            i += 1;
        }
        if self.chars.get(i) == Some(&c) {
            self.at = Some(i + 1);
            self.colour[i]
        } else {
            self.at = None;
            0
        }
    }
}

/// `ESC [ params m` at the start of `s`: (the sequence, its parameters, what follows).
fn sgr(s: &str) -> Option<(&str, &str, &str)> {
    let body = s.strip_prefix("\x1b[")?;
    let end = body.find(|c: char| !(c.is_ascii_digit() || c == ';'))?;
    if body.as_bytes()[end] != b'm' {
        return None;
    }
    let len = 2 + end + 1;
    Some((&s[..len], &body[..end], &s[len..]))
}

/// One laid-out line: the separators become the spaces they stand for, and each column's
/// piece gets its characters' colours back.
fn colour_line(line: &str, streams: &mut [Stream]) -> String {
    let pieces: Vec<&str> = line.split(SEPARATOR).collect();
    if pieces.len() != streams.len() {
        // Not the shape we laid out (cannot happen with comfy-table 7); stay readable.
        return line.replace(SEPARATOR, " ");
    }
    let mut out = String::with_capacity(line.len() * 2);
    for (j, (piece, stream)) in pieces.iter().zip(streams.iter_mut()).enumerate() {
        if j > 0 {
            out.push(' ');
        }
        colour_piece(piece, stream, &mut out);
    }
    out
}

fn colour_piece(piece: &str, stream: &mut Stream, out: &mut String) {
    let chars: Vec<char> = piece.chars().collect();
    let mut colour: Vec<Option<usize>> = chars
        .iter()
        .map(|&c| (!c.is_whitespace()).then(|| stream.take(c)))
        .collect();
    // A space inside a coloured run (between two words of a command) keeps the run's colour;
    // padding and the spaces between differently coloured words stay plain. The colour of
    // the nearest non-space character on each side, found in one pass each way (a scan from
    // every space was quadratic in the width of a padded cell).
    let mut after: Vec<Option<usize>> = vec![None; colour.len()];
    let mut next = None;
    for i in (0..colour.len()).rev() {
        after[i] = next;
        if colour[i].is_some() {
            next = colour[i];
        }
    }
    let mut before = None;
    for i in 0..colour.len() {
        match colour[i] {
            Some(_) => before = colour[i],
            None => {
                colour[i] = Some(if before == after[i] {
                    before.unwrap_or(0)
                } else {
                    0
                });
            }
        }
    }
    let mut current = 0;
    for (c, k) in chars.iter().zip(colour) {
        let k = k.unwrap_or(0);
        if k != current {
            if current != 0 {
                out.push_str("\x1b[0m");
            }
            out.push_str(&stream.colours[k]);
            current = k;
        }
        out.push(*c);
    }
    if current != 0 {
        out.push_str("\x1b[0m");
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::render::{Format, Style};

    fn ui(colour: bool, width: Option<u16>) -> Ui {
        let mut ui = Ui::plain(Format::Table);
        ui.style = Style { enabled: colour };
        ui.width = width;
        ui
    }

    fn strip(text: &str) -> String {
        let mut out = String::new();
        let mut rest = text;
        while let Some(c) = rest.chars().next() {
            if let Some((_, _, after)) = sgr(rest) {
                rest = after;
            } else {
                out.push(c);
                rest = &rest[c.len_utf8()..];
            }
        }
        out
    }

    fn render(colour: bool, width: Option<u16>) -> Vec<String> {
        let ui = ui(colour, width);
        let s = ui.style;
        let mut t = new(&ui, &["NAME", "STATE", "SUMMARY", "TRY"]);
        t.add_row(vec![
            s.bold("ssh"),
            s.bad("DESTRUCTIVE"),
            format!(
                "Open a {} on a remote host over an encrypted channel",
                s.bold("shell")
            ),
            s.command("ssh -v deploy@app01.example.com 'uptime; df -h /var'"),
        ]);
        t.add_row(vec![
            s.bold("journalctl"),
            s.dim("read-only"),
            "Read the systemd journal: service logs, kernel messages".to_string(),
            s.command("journalctl -u nginx --since '30 min ago' --no-pager"),
        ]);
        t.add_row(vec![
            "née ünïcode — ✓".to_string(),
            String::new(),
            s.warn("a_very_long_word_without_any_space_that_must_be_cut_somewhere"),
            s.good("ok"),
        ]);
        t.lines()
    }

    #[test]
    fn colour_changes_no_character_of_the_layout() {
        for width in [None, Some(40), Some(60), Some(80), Some(120), Some(250)] {
            let plain = render(false, width);
            let coloured = render(true, width);
            let stripped: Vec<String> = coloured.iter().map(|l| strip(l)).collect();
            assert_eq!(stripped, plain, "width {width:?}");
            assert!(
                coloured.iter().any(|l| l.contains("\x1b[1m")),
                "{coloured:?}"
            );
            for line in &coloured {
                // Every sequence is whole, and none is left open at the end of a line.
                assert!(!strip(line).contains('\x1b'), "{line:?}");
                assert!(!strip(line).contains("[0m"), "{line:?}");
                if let Some(last) = line.rfind("\x1b[") {
                    assert!(line[last..].starts_with("\x1b[0m"), "{line:?}");
                }
            }
            if let Some(w) = width {
                for line in &plain {
                    assert!(line.chars().count() <= usize::from(w), "{w}: {line}");
                }
            }
        }
    }

    #[test]
    fn a_wrapped_cell_is_coloured_on_each_of_its_lines() {
        let coloured = render(true, Some(60));
        let cyan = coloured.iter().filter(|l| l.contains("\x1b[36m")).count();
        assert!(cyan >= 3, "{coloured:#?}");
    }

    #[test]
    fn same_as_comfy_table_without_colour() {
        // The separator trick must not move anything: compare with comfy-table on its own.
        for width in [None, Some(50), Some(80)] {
            let mut t = comfy_table::Table::new();
            t.load_preset(presets::NOTHING);
            match width {
                Some(w) => {
                    t.set_content_arrangement(ContentArrangement::Dynamic);
                    t.set_width(w);
                }
                None => {
                    t.set_content_arrangement(ContentArrangement::Disabled);
                }
            }
            t.set_header(["A", "BB", "CCC"]);
            t.add_row([
                "one two three four five",
                "x",
                "six seven eight nine ten eleven",
            ]);
            t.add_row(["1", "", "2"]);
            t.add_row(["a longer first cell", "  spaced  ", "z"]);
            let expected: Vec<String> = t.lines().map(|l| l.trim_end().to_string()).collect();
            let ui = ui(false, width);
            let mut ours = new(&ui, &["A", "BB", "CCC"]);
            ours.add_row(vec![
                "one two three four five",
                "x",
                "six seven eight nine ten eleven",
            ]);
            ours.add_row(vec!["1", "", "2"]);
            ours.add_row(vec!["a longer first cell", "  spaced  ", "z"]);
            assert_eq!(ours.lines(), expected, "width {width:?}");
        }
    }

    #[test]
    fn on_a_terminal_control_characters_take_the_width_the_guard_gives_them() {
        let mut ui = ui(true, None);
        ui.terminal = true;
        let mut t = new(&ui, &["TOKEN", "MEANING"]);
        t.add_row(vec!["a\x1b]0;x\x07b\u{9b}".to_string(), "m".to_string()]);
        t.add_row(vec!["abcdefghijklmnopq".to_string(), "n".to_string()]);
        let lines: Vec<String> = t.lines().iter().map(|l| strip(l)).collect();
        assert_eq!(lines[1], " a^[]0;x^GbM-^[     m");
        assert_eq!(lines[2], " abcdefghijklmnopq  n");
        // What the guard then does to it changes nothing.
        let mut out = Vec::new();
        {
            let mut g = crate::render::terminal_guard::TerminalGuard::new(&mut out);
            std::io::Write::write_all(&mut g, t.lines()[1].as_bytes()).unwrap();
        }
        assert_eq!(String::from_utf8(out).unwrap(), t.lines()[1]);
    }

    #[test]
    fn the_separator_in_a_cell_cannot_split_it() {
        let ui = ui(true, None);
        let mut t = new(&ui, &["A", "B"]);
        t.add_row(vec![format!("x{SEPARATOR}y"), "z".to_string()]);
        let lines = t.lines();
        assert_eq!(strip(&lines[1]), " x\u{FFFD}y  z");
    }
}
