//! Everything oncall writes to stderr: warnings, notes, progress and the final `oncall: …`
//! line. They echo text oncall does not control — file names, patterns, URLs, the value of
//! a bad `--user` — and an escape sequence in any of them would act on the engineer's
//! terminal just as one in stdout would. So when stderr is a terminal, each line goes
//! through the same `TerminalGuard` as stdout (control characters shown in caret notation).
//! The decision is stderr's own, made once: `oncall logs … > out.txt` on a terminal has a
//! pipe or file for stdout and the terminal for stderr.

use super::terminal_guard::TerminalGuard;
use std::fmt;
use std::io::{self, IsTerminal, Write};
use std::sync::OnceLock;

fn is_terminal() -> bool {
    static TERMINAL: OnceLock<bool> = OnceLock::new();
    *TERMINAL.get_or_init(|| io::stderr().is_terminal())
}

/// The bytes stderr gets for `text`: guarded on a terminal, untouched otherwise.
fn shown(text: &str, terminal: bool) -> Vec<u8> {
    if !terminal {
        return text.as_bytes().to_vec();
    }
    let mut out = Vec::with_capacity(text.len());
    {
        let mut guard = TerminalGuard::new(&mut out);
        let _ = guard.write_all(text.as_bytes());
    }
    out
}

/// One line on stderr (the newline is added), in one write so lines from threads never mix.
pub fn line(args: fmt::Arguments) {
    let mut bytes = shown(&args.to_string(), is_terminal());
    bytes.push(b'\n');
    // Nothing sensible is left to do when stderr itself is gone.
    let _ = io::stderr().lock().write_all(&bytes);
}

/// A progress line rewritten in place (terminals only): oncall's own carriage return and
/// erase-line pass, the text is guarded. `None` erases the line.
pub fn progress(text: Option<fmt::Arguments>) {
    if !is_terminal() {
        return;
    }
    let mut bytes = b"\r\x1b[K".to_vec();
    if let Some(args) = text {
        bytes.extend(shown(&args.to_string(), true));
    }
    let _ = io::stderr().lock().write_all(&bytes);
}

/// Whether progress lines are shown (stderr is a terminal).
pub fn shows_progress() -> bool {
    is_terminal()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_terminal_gets_caret_notation_a_pipe_the_bytes() {
        let name = "oncall: warning: esc\x1b]0;PWN\x07.log";
        assert_eq!(shown(name, true), b"oncall: warning: esc^[]0;PWN^G.log");
        assert_eq!(shown(name, false), name.as_bytes());
    }
}
