//! Splits a pasted shell command line into words and operators, as far as `--explain`
//! needs: quotes, backslash escapes, `$(…)`, pipes, lists and redirections. It never
//! expands or runs anything.

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Lexeme {
    /// A word as typed (quotes kept, so the explanation shows what was pasted) and its
    /// value with quotes removed.
    Word { raw: String, value: String },
    /// `|`, `|&`, `||`, `&&`, `;`, `&`.
    Control(String),
    /// `>`, `>>`, `<`, `<<`, `<<<`, `2>`, `2>>`, `&>`, `2>&1`, `>&2`, …
    Redirect(String),
}

/// Error for input that cannot be split, such as an unclosed quote.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LexError(pub String);

/// `word` as one shell word: unchanged when it is plain, else in single quotes. For the
/// commands we print for people to paste (paths and URLs from the system in them).
pub fn quote(word: &str) -> std::borrow::Cow<'_, str> {
    if !word.is_empty()
        && word
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "/._-+,:=@%".contains(c))
    {
        std::borrow::Cow::Borrowed(word)
    } else {
        std::borrow::Cow::Owned(format!("'{}'", word.replace('\'', r"'\''")))
    }
}

pub fn split(line: &str) -> Result<Vec<Lexeme>, LexError> {
    let chars: Vec<char> = line.chars().collect();
    let mut out = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        if c.is_whitespace() {
            i += 1;
            continue;
        }
        if c == '#' {
            break; // a comment runs to the end of the line
        }
        if let Some((op, len)) = operator_at(&chars, i) {
            out.push(op);
            i += len;
            continue;
        }
        let (raw, value, next) = word_at(&chars, i)?;
        out.push(Lexeme::Word { raw, value });
        i = next;
    }
    Ok(out)
}

fn operator_at(chars: &[char], i: usize) -> Option<(Lexeme, usize)> {
    let rest: String = chars[i..chars.len().min(i + 4)].iter().collect();
    const REDIRECTS: [&str; 14] = [
        "2>&1", "1>&2", "<<<", "&>>", "2>>", "1>>", ">&2", "&>", "2>", "1>", ">>", "<<", ">", "<",
    ];
    const CONTROLS: [&str; 6] = ["||", "&&", "|&", "|", ";", "&"];
    for r in REDIRECTS {
        if rest.starts_with(r) {
            return Some((Lexeme::Redirect(r.to_string()), r.chars().count()));
        }
    }
    for c in CONTROLS {
        if rest.starts_with(c) {
            return Some((Lexeme::Control(c.to_string()), c.len()));
        }
    }
    None
}

fn word_at(chars: &[char], start: usize) -> Result<(String, String, usize), LexError> {
    let mut value = String::new();
    let mut i = start;
    while i < chars.len() {
        let c = chars[i];
        match c {
            c if c.is_whitespace() => break,
            '|' | ';' | '<' | '>' => break,
            '&' => break,
            '\\' => {
                if let Some(&n) = chars.get(i + 1) {
                    value.push(n);
                }
                i += 2;
            }
            '\'' => {
                let end = chars[i + 1..]
                    .iter()
                    .position(|&x| x == '\'')
                    .ok_or_else(|| LexError("unclosed single quote".into()))?;
                value.extend(&chars[i + 1..i + 1 + end]);
                i += end + 2;
            }
            '"' => {
                i += 1;
                loop {
                    match chars.get(i) {
                        None => return Err(LexError("unclosed double quote".into())),
                        Some('"') => break,
                        Some('\\') if matches!(chars.get(i + 1), Some('"' | '\\' | '$' | '`')) => {
                            value.push(chars[i + 1]);
                            i += 2;
                        }
                        Some(&x) => {
                            value.push(x);
                            i += 1;
                        }
                    }
                }
                i += 1;
            }
            '$' if chars.get(i + 1) == Some(&'(') => {
                // Command substitution: keep it whole, nested parentheses included.
                let mut depth = 0;
                let from = i;
                while i < chars.len() {
                    match chars[i] {
                        '(' => depth += 1,
                        ')' => {
                            depth -= 1;
                            if depth == 0 {
                                break;
                            }
                        }
                        _ => {}
                    }
                    i += 1;
                }
                if depth != 0 {
                    return Err(LexError("unclosed $( … )".into()));
                }
                value.extend(&chars[from..=i]);
                i += 1;
            }
            _ => {
                value.push(c);
                i += 1;
            }
        }
    }
    let raw: String = chars[start..i.min(chars.len())].iter().collect();
    Ok((raw, value, i))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quote_round_trips_through_split() {
        for word in [
            "/var/log/app.log",
            "/mnt/my disk",
            "it's",
            "",
            "$HOME",
            "a|b",
        ] {
            let quoted = quote(word);
            match split(&quoted).unwrap().as_slice() {
                [Lexeme::Word { value, .. }] => assert_eq!(value, word, "{quoted}"),
                other => panic!("{quoted}: {other:?}"),
            }
        }
        assert_eq!(quote("/var/log/syslog"), "/var/log/syslog");
    }

    fn words(line: &str) -> Vec<String> {
        split(line)
            .unwrap()
            .into_iter()
            .map(|l| match l {
                Lexeme::Word { value, .. } => value,
                Lexeme::Control(c) | Lexeme::Redirect(c) => format!("<{c}>"),
            })
            .collect()
    }

    #[test]
    fn quotes_pipes_and_redirects() {
        assert_eq!(
            words(r#"grep -E "a|b" 'x y' file 2>&1 | sort>out"#),
            vec!["grep", "-E", "a|b", "x y", "file", "<2>&1>", "<|>", "sort", "<>>", "out"]
        );
        assert_eq!(
            words("a && b || c; d &"),
            vec!["a", "<&&>", "b", "<||>", "c", "<;>", "d", "<&>"]
        );
        assert_eq!(words(r"echo a\ b"), vec!["echo", "a b"]);
        assert_eq!(words("kill $(pgrep -f x)"), vec!["kill", "$(pgrep -f x)"]);
    }

    #[test]
    fn unclosed_quote_is_an_error() {
        assert!(split("echo 'oops").is_err());
        assert!(split("echo \"oops").is_err());
    }
}
