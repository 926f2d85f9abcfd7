//! Text that comes from the system — command lines, process names, file names — may hold
//! control characters: a newline in a `bash -c` script would split a table row over many
//! lines, and an escape sequence in a file name would drive the terminal. They are shown
//! as `?`, as `ps` and `ls` do; `--json` keeps the exact text.

use std::borrow::Cow;

pub fn printable(text: &str) -> Cow<'_, str> {
    if text.chars().any(char::is_control) {
        Cow::Owned(
            text.chars()
                .map(|c| if c.is_control() { '?' } else { c })
                .collect(),
        )
    } else {
        Cow::Borrowed(text)
    }
}

/// For log lines on a terminal, where the text must stay readable as it was written: control
/// characters in caret notation as `cat -v` and `less` show them (ESC as `^[`, DEL as `^?`, the
/// C1 range as `M-^[`…), tab kept. Pipes get the raw bytes, as from grep.
pub fn caret(text: &str) -> Cow<'_, str> {
    let visible = |c: char| c == '\t' || !c.is_control();
    if text.chars().all(visible) {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        match c as u32 {
            _ if visible(c) => out.push(c),
            0x7f => out.push_str("^?"),
            n @ 0x80..=0x9f => {
                out.push_str("M-^");
                out.push(char::from((n - 0x80 + 0x40) as u8));
            }
            n => {
                out.push('^');
                out.push(char::from((n + 0x40) as u8));
            }
        }
    }
    Cow::Owned(out)
}

#[cfg(test)]
mod tests {
    use super::{caret, printable};

    #[test]
    fn caret_notation_as_cat_v() {
        assert_eq!(caret("a\x1b]0;pwned\x07b\tc"), "a^[]0;pwned^Gb\tc");
        assert_eq!(caret("\0\x7f\u{9b}"), "^@^?M-^[");
        assert_eq!(caret("plain — ünïcode"), "plain — ünïcode");
    }

    #[test]
    fn control_characters_become_question_marks() {
        assert_eq!(printable("bash -c a\nb\tc\x1b[31m"), "bash -c a?b?c?[31m");
        assert_eq!(printable("\u{7f}\u{9b}x"), "??x");
    }

    #[test]
    fn plain_text_is_borrowed_untouched() {
        let text = "java -Xmx4g -jar app.jar — ünïcode";
        assert!(matches!(printable(text), std::borrow::Cow::Borrowed(t) if t == text));
    }
}
