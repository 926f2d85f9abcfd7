//! Text from the host (log lines, command lines, file names, HTTP bodies and headers,
//! certificate names) reaches a model as data: stripped of control and bidirectional
//! characters (an OSC sequence, a right-to-left override that reorders what a person
//! reviews), each string capped, and the fields that carry it named in every result.

use serde_json::Value;

/// The longest string one field carries: a log line or a command line of a JVM is cut here.
pub const MAX_STRING_CHARS: usize = 2_000;

const CUT_MARK: &str = "…[cut]";

/// Bidirectional controls: embeddings, overrides, isolates, marks.
fn is_bidi(c: char) -> bool {
    matches!(c, '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}' | '\u{200E}' | '\u{200F}' | '\u{061C}')
}

/// Newline and tab stay (a runbook step, a multi-line body); every other control goes.
fn unwanted(c: char) -> bool {
    (c.is_control() && c != '\n' && c != '\t') || is_bidi(c)
}

pub fn clean_str(s: &str) -> Option<String> {
    // Nearly every string is short printable ASCII: one pass over its bytes settles it (no
    // more bytes than the cap means no more characters than the cap).
    if s.len() <= MAX_STRING_CHARS
        && s.bytes()
            .all(|b| (b' '..=b'~').contains(&b) || b == b'\n' || b == b'\t')
    {
        return None;
    }
    let over = s.chars().nth(MAX_STRING_CHARS).is_some();
    if !over && !s.chars().any(unwanted) {
        return None;
    }
    let mut out: String = s
        .chars()
        .filter(|c| !unwanted(*c))
        .take(MAX_STRING_CHARS)
        .collect();
    if over {
        out.push_str(CUT_MARK);
    }
    Some(out)
}

/// Cleans every string in the value, keys included.
pub fn clean(v: &mut Value) {
    match v {
        Value::String(s) => {
            if let Some(c) = clean_str(s) {
                *s = c;
            }
        }
        Value::Array(items) => items.iter_mut().for_each(clean),
        Value::Object(m) => {
            let dirty: Vec<String> = m
                .keys()
                .filter(|k| clean_str(k).is_some())
                .cloned()
                .collect();
            for k in dirty {
                if let Some(val) = m.remove(&k) {
                    m.insert(clean_str(&k).unwrap_or_default(), val);
                }
            }
            m.values_mut().for_each(clean);
        }
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_and_bidi_go_newlines_stay() {
        assert_eq!(
            clean_str("a\x1b]52;c;aGk=\x07b\u{202E}c\nd").as_deref(),
            Some("a]52;c;aGk=b\u{0063}\nd")
        );
        assert_eq!(clean_str("plain text"), None);
        let long = "x".repeat(MAX_STRING_CHARS + 5);
        let cut = clean_str(&long).unwrap();
        assert!(cut.ends_with(CUT_MARK));
        assert_eq!(
            cut.chars().count(),
            MAX_STRING_CHARS + CUT_MARK.chars().count()
        );
    }
}
