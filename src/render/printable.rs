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

#[cfg(test)]
mod tests {
    use super::printable;

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
