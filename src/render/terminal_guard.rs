//! What reaches a terminal is shown, never obeyed. oncall prints text it does not control —
//! log lines, HTTP headers and bodies, certificate names, process command lines — and an
//! escape sequence in any of them would act on the on-call engineer's terminal: retitle it,
//! write the clipboard (OSC 52), move the cursor to rewrite what was printed above. When
//! stdout is a terminal, everything goes through this writer: colour sequences (`ESC [ … m`,
//! the only ones oncall emits) pass, every other control character is shown in caret
//! notation as `cat -v` and `less` show them (ESC as `^[`, BEL as `^G`, DEL as `^?`, the C1
//! range as `M-^[`…); newline and tab pass. Pipes and files get the bytes untouched.

use std::io::{self, Write};

/// Longest colour sequence let through; anything longer is shown, not obeyed.
const MAX_SGR: usize = 32;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum State {
    Text,
    /// After ESC.
    Escape,
    /// After `ESC [`, reading parameters.
    Csi,
    /// After 0xC2: the next byte may make a C1 control (U+0080–U+009F).
    C2,
}

pub struct TerminalGuard<W: Write> {
    inner: W,
    state: State,
    /// The bytes of an escape sequence not yet decided.
    pending: Vec<u8>,
    out: Vec<u8>,
}

impl<W: Write> TerminalGuard<W> {
    pub fn new(inner: W) -> TerminalGuard<W> {
        TerminalGuard {
            inner,
            state: State::Text,
            pending: Vec::new(),
            out: Vec::new(),
        }
    }

    fn feed(&mut self, b: u8) {
        match self.state {
            State::Text => match b {
                0x1b => {
                    self.pending.push(b);
                    self.state = State::Escape;
                }
                0xc2 => self.state = State::C2,
                b'\n' | b'\t' => self.out.push(b),
                0x00..=0x1f => self.out.extend_from_slice(&[b'^', b + 0x40]),
                0x7f => self.out.extend_from_slice(b"^?"),
                _ => self.out.push(b),
            },
            State::Escape if b == b'[' => {
                self.pending.push(b);
                self.state = State::Csi;
            }
            State::Csi if (b.is_ascii_digit() || b == b';') && self.pending.len() < MAX_SGR => {
                self.pending.push(b);
            }
            State::Csi if b == b'm' => {
                self.out.append(&mut self.pending);
                self.out.push(b);
                self.state = State::Text;
            }
            State::Escape | State::Csi => {
                self.show_pending();
                self.feed(b);
            }
            State::C2 => {
                self.state = State::Text;
                if (0x80..=0x9f).contains(&b) {
                    self.out
                        .extend_from_slice(&[b'M', b'-', b'^', b - 0x80 + 0x40]);
                } else {
                    self.out.push(0xc2);
                    self.feed(b);
                }
            }
        }
    }

    /// An escape sequence that is not a colour: ESC shown as `^[`, the rest as text.
    fn show_pending(&mut self) {
        if let Some((_, rest)) = self.pending.split_first() {
            self.out.extend_from_slice(b"^[");
            self.out.extend_from_slice(rest);
        }
        self.pending.clear();
        self.state = State::Text;
    }

    /// Emits what is held back (an unfinished sequence at the very end is shown).
    fn finish(&mut self) -> io::Result<()> {
        match self.state {
            State::Escape | State::Csi => self.show_pending(),
            State::C2 => {
                self.out.push(0xc2);
                self.state = State::Text;
            }
            State::Text => {}
        }
        self.inner.write_all(&std::mem::take(&mut self.out))?;
        self.inner.flush()
    }
}

impl<W: Write> Write for TerminalGuard<W> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        for &b in buf {
            self.feed(b);
        }
        self.inner.write_all(&self.out)?;
        self.out.clear();
        Ok(buf.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        // A sequence split across writes stays pending: a flush in its middle (a line
        // printed and flushed in follow mode) must not decide it early.
        self.inner.flush()
    }
}

impl<W: Write> Drop for TerminalGuard<W> {
    fn drop(&mut self) {
        let _ = self.finish();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn guarded(input: &[u8]) -> Vec<u8> {
        let mut out = Vec::new();
        {
            let mut g = TerminalGuard::new(&mut out);
            g.write_all(input).unwrap();
        }
        out
    }

    #[test]
    fn colours_pass_and_everything_else_is_shown() {
        assert_eq!(
            guarded(b"\x1b[1;31mred\x1b[0m\n"),
            b"\x1b[1;31mred\x1b[0m\n"
        );
        assert_eq!(guarded(b"a\x1b]0;pwned\x07b"), b"a^[]0;pwned^Gb");
        assert_eq!(guarded(b"\x1b]52;c;aGk=\x07"), b"^[]52;c;aGk=^G");
        assert_eq!(guarded(b"\x1b[2J\x1b[H"), b"^[[2J^[[H");
        assert_eq!(guarded(b"x\r\x08\x7f\x00\ty"), b"x^M^H^?^@\ty");
        assert_eq!(guarded("\u{9b}31m".as_bytes()), b"M-^[31m");
        assert_eq!(guarded("ünï — ✓".as_bytes()), "ünï — ✓".as_bytes());
        assert_eq!(guarded(b"end\x1b"), b"end^[");
    }

    #[test]
    fn a_sequence_split_across_writes_is_judged_whole() {
        let input: &[u8] = b"\x1b[32mok\x1b[0m \x1b]0;t\x07 \xc2\x9b \xc2\xa9";
        let whole = guarded(input);
        for cut in 0..input.len() {
            let mut out = Vec::new();
            {
                let mut g = TerminalGuard::new(&mut out);
                g.write_all(&input[..cut]).unwrap();
                g.flush().unwrap();
                g.write_all(&input[cut..]).unwrap();
            }
            assert_eq!(out, whole, "cut at {cut}");
        }
    }

    #[test]
    fn an_overlong_colour_sequence_is_shown() {
        let mut seq = b"\x1b[".to_vec();
        seq.extend(std::iter::repeat_n(b'1', 40));
        seq.push(b'm');
        let out = guarded(&seq);
        assert!(out.starts_with(b"^[["), "{}", String::from_utf8_lossy(&out));
        assert!(!out.contains(&0x1b));
    }
}
