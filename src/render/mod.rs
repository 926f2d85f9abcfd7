//! Everything that turns a report (plain data) into bytes on stdout. Nothing here reads
//! the system; nothing outside here formats for a terminal.

pub mod cheat;
pub mod disk;
pub mod group_pressure;
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
            // A word no line could hold starts where it is (with room for a fair piece of it)
            // and is cut below; any other word that does not fit goes to the next line.
            let cut_here = |w: usize| len > w - indent && w.saturating_sub(line_len + 1) >= 8;
            if !at_line_start && width.is_some_and(|w| line_len + 1 + len > w && !cut_here(w)) {
                out.push('\n');
                out.push_str(&" ".repeat(indent));
                line_len = indent;
            } else if !at_line_start {
                out.push(' ');
                line_len += 1;
            }
            // A word wider than a whole line (a container's cgroup path, a long URL) is cut
            // at the width, the rest carried on under the text, rather than left for the
            // terminal to wrap at column 0.
            let mut rest = word;
            while let Some(w) = width.filter(|w| line_len + rest.chars().count() > *w) {
                let room = w.saturating_sub(line_len);
                if room == 0 || line_len > indent && room < 8 {
                    break;
                }
                let cut = rest.char_indices().nth(room).map_or(rest.len(), |(i, _)| i);
                out.push_str(&rest[..cut]);
                out.push('\n');
                out.push_str(&" ".repeat(indent));
                line_len = indent;
                rest = &rest[cut..];
            }
            out.push_str(rest);
            line_len += rest.chars().count();
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

#[cfg(test)]
mod wrap_tests {
    use super::*;

    #[test]
    fn a_word_wider_than_a_line_is_cut_at_the_width_under_the_text() {
        let ui = Ui {
            width: Some(40),
            ..Ui::plain(Format::Table)
        };
        let path = format!("/docker/{}", "0123456789abcdef".repeat(4));
        let text = format!("limit hit: cgroup {path}; victim's cgroup {path}");
        let wrapped = ui.wrap_after("         ", &text);
        for line in wrapped.lines() {
            assert!(line.chars().count() <= 40, "{line:?} in\n{wrapped}");
            assert!(line.starts_with("         "), "{line:?} in\n{wrapped}");
        }
        // Nothing lost: the cut pieces join back into the words.
        let joined: String = wrapped.split("\n         ").collect::<Vec<_>>().join("");
        assert_eq!(joined.trim_start().replace(' ', ""), text.replace(' ', ""));
        // Short words still wrap whole.
        let short = ui.wrap_after(
            "         ",
            "OOM killer killed python3 in container 73e4a7 at 2026-12-02T20:57:52Z",
        );
        assert!(short.lines().all(|l| l.chars().count() <= 40), "{short}");
        assert!(short.contains("\n         2026-12-02T20:57:52Z"), "{short}");
    }
}
