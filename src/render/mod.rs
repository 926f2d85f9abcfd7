//! Everything that turns a report (plain data) into bytes on stdout. Nothing here reads
//! the system; nothing outside here formats for a terminal.

pub mod cheat;
pub mod disk;
pub mod journal;
pub mod json;
pub mod logs;
pub mod markdown;
pub mod mem;
pub mod net;
pub mod printable;
pub mod probe;
pub mod ps;
pub mod ps_groups;
pub mod stderr;
pub mod style;
pub mod table;
pub mod terminal_guard;
pub mod units;

use std::io::{self, IsTerminal, Write};
pub use style::{ColorChoice, Style};

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    Table,
    Json,
    Markdown,
    /// Prometheus text exposition (blackbox_exporter's names); `probe` only.
    Prometheus,
}

/// How this run prints: decided once in `main` from the global flags and the terminal.
#[derive(Debug, Clone, Copy)]
pub struct Ui {
    pub format: Format,
    pub style: Style,
    pub hints: bool,
    /// Terminal width to fit tables into; `None` when stdout is not a terminal and
    /// `COLUMNS` is unset (tables then take the width they need).
    pub width: Option<u16>,
    /// stdout is a terminal (main then guards it: see `terminal_guard`).
    pub terminal: bool,
}

impl Ui {
    pub fn new(format: Format, color: ColorChoice, hints: bool) -> Ui {
        let stdout = io::stdout();
        let is_tty = stdout.is_terminal();
        let enabled = style::decide(color, is_tty, |k| std::env::var(k).ok());
        let width = if is_tty {
            terminal_size::terminal_size().map(|(w, _)| w.0)
        } else {
            None
        }
        .or_else(|| std::env::var("COLUMNS").ok()?.parse().ok());
        Ui {
            format,
            style: Style { enabled },
            hints: hints && format == Format::Table,
            width,
            terminal: is_tty,
        }
    }

    /// A plain Ui for tests and library users: table, no colour, no width limit.
    pub fn plain(format: Format) -> Ui {
        Ui {
            format,
            style: Style { enabled: false },
            hints: true,
            width: None,
            terminal: false,
        }
    }

    /// Word-wraps prose to the terminal width; continuation lines get `indent` spaces.
    /// Commands are never passed through here: they must stay copy-pasteable.
    pub fn wrap(&self, text: &str, indent: usize) -> String {
        // Keep the text's own leading indent on its first line.
        let lead = text.len() - text.trim_start().len();
        self.wrap_words(&text[..lead], text, indent)
    }

    /// `prefix` as it is (aligned columns), then `text` wrapped so that continuation lines
    /// start under the text.
    pub fn wrap_after(&self, prefix: &str, text: &str) -> String {
        self.wrap_words(prefix, text, prefix.chars().count())
    }

    fn wrap_words(&self, prefix: &str, text: &str, indent: usize) -> String {
        let width = self.width.map(usize::from).filter(|w| *w > indent + 20);
        if width.is_none_or(|w| prefix.chars().count() + text.chars().count() <= w) {
            return format!("{prefix}{}", text.trim_start());
        }
        let mut out = prefix.to_string();
        let mut line_len = prefix.chars().count();
        let mut at_line_start = true;
        for word in text.split_whitespace() {
            let len = word.chars().count();
            if !at_line_start && width.is_some_and(|w| line_len + 1 + len > w) {
                out.push('\n');
                out.push_str(&" ".repeat(indent));
                line_len = indent;
            } else if !at_line_start {
                out.push(' ');
                line_len += 1;
            }
            out.push_str(word);
            line_len += len;
            at_line_start = false;
        }
        out
    }

    /// Prints a "classic equivalent" or next-step hint, unless `--no-hints`.
    pub fn hint(&self, out: &mut dyn Write, text: &str) -> io::Result<()> {
        if self.hints {
            let text = self.wrap(&format!("hint: {text}"), 6);
            writeln!(out, "{}", self.style.dim(&text))?;
        }
        Ok(())
    }
}
pub mod triage;
