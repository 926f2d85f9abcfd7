//! Log levels: the level field of JSON lines, and the usual level words of plain lines
//! (`ERROR`, `[warn]`, `level=info`, `<3>`-style words are not guessed from message text:
//! a lower-case "error" inside a sentence is not a level).

#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize, schemars::JsonSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum Level {
    Error,
    Warn,
    Info,
    Debug,
}

impl Level {
    pub fn as_str(self) -> &'static str {
        match self {
            Level::Error => "error",
            Level::Warn => "warn",
            Level::Info => "info",
            Level::Debug => "debug",
        }
    }
}

fn word_level(w: &[u8]) -> Option<Level> {
    let mut buf = [0u8; 9];
    if w.len() > buf.len() {
        return None;
    }
    for (d, s) in buf.iter_mut().zip(w) {
        *d = s.to_ascii_lowercase();
    }
    Some(match &buf[..w.len()] {
        b"error" | b"err" | b"fatal" | b"crit" | b"critical" | b"panic" | b"emerg" | b"alert"
        | b"severe" | b"eror" => Level::Error,
        b"warn" | b"warning" => Level::Warn,
        b"info" | b"notice" | b"inf" => Level::Info,
        b"debug" | b"trace" | b"dbg" | b"verbose" => Level::Debug,
        _ => return None,
    })
}

const JSON_KEYS: [&[u8]; 5] = [
    b"\"level\"",
    b"\"severity\"",
    b"\"lvl\"",
    b"\"loglevel\"",
    b"\"log.level\"",
];

/// Error and warning words, as a fast prefilter; [`detect`] then decides per line. The last
/// branch is klog's `E1127 14:03:01` (E, W, F: error, warning, fatal).
pub const PREFILTER: &str = r#"(?i)(err|fatal|crit|panic|emerg|alert|severe|warn)|"(?:level|severity)":\s*[0-4][,}]|^[EFW]\d{4} \d\d:"#;

/// klog/glog's level letter: `E1127 14:03:01.000000 …` (Kubernetes components).
fn klog_level(line: &[u8]) -> Option<Level> {
    let head = line.get(..9)?;
    let shape = head[1..5].iter().all(u8::is_ascii_digit)
        && head[5] == b' '
        && head[6..8].iter().all(u8::is_ascii_digit)
        && head[8] == b':';
    if !shape {
        return None;
    }
    Some(match head[0] {
        b'E' | b'F' => Level::Error,
        b'W' => Level::Warn,
        b'I' => Level::Info,
        _ => return None,
    })
}

/// The line's level, if it states one.
pub fn detect(line: &[u8]) -> Option<Level> {
    let first = line.iter().position(|b| !b.is_ascii_whitespace())?;
    if line[first] == b'{' {
        for key in JSON_KEYS {
            if let Some(k) = memchr::memmem::find(line, key) {
                let mut p = k + key.len();
                while matches!(line.get(p), Some(b' ' | b':' | b'"')) {
                    p += 1;
                }
                let end = line[p..]
                    .iter()
                    .position(|b| !b.is_ascii_alphanumeric())
                    .map_or(line.len(), |e| p + e);
                if let Some(l) = word_level(&line[p..end]) {
                    return Some(l);
                }
                // Numeric syslog severities (0-7), as some JSON loggers write them.
                if end > p {
                    if let Ok(n) = std::str::from_utf8(&line[p..end])
                        .unwrap_or("")
                        .parse::<u8>()
                    {
                        return Some(match n {
                            0..=3 => Level::Error,
                            4 => Level::Warn,
                            5 | 6 => Level::Info,
                            _ => Level::Debug,
                        });
                    }
                }
            }
        }
    }
    if let Some(l) = klog_level(line) {
        return Some(l);
    }
    let head = &line[..line.len().min(200)];
    let mut i = 0;
    while i < head.len() {
        if !head[i].is_ascii_alphabetic() {
            i += 1;
            continue;
        }
        let start = i;
        while i < head.len() && head[i].is_ascii_alphanumeric() {
            i += 1;
        }
        let word = &head[start..i];
        if word.len() < 3 || word.len() > 8 {
            continue;
        }
        let before = start.checked_sub(1).map(|j| head[j]);
        let after = head.get(i).copied();
        let upper = word.iter().all(|b| !b.is_ascii_lowercase());
        let bracketed = matches!(before, Some(b'[' | b'<')) && matches!(after, Some(b']' | b'>'));
        let keyed = before == Some(b'=') && {
            let key_end = start - 1;
            let key_start = head[..key_end]
                .iter()
                .rposition(|b| !(b.is_ascii_alphanumeric() || *b == b'.' || *b == b'_'))
                .map_or(0, |p| p + 1);
            matches!(
                head[key_start..key_end].to_ascii_lowercase().as_slice(),
                b"level" | b"lvl" | b"severity" | b"loglevel" | b"log.level"
            )
        };
        if upper || bracketed || keyed {
            if let Some(l) = word_level(word) {
                return Some(l);
            }
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn words_fields_and_sentences() {
        assert_eq!(
            detect(b"2026-11-27T14:03:01Z ERROR db down"),
            Some(Level::Error)
        );
        assert_eq!(
            detect(b"Nov 27 14:03:01 h app[1]: WARNING: slow"),
            Some(Level::Warn)
        );
        assert_eq!(
            detect(b"2026/11/27 14:03:01 [error] 12#0: upstream"),
            Some(Level::Error)
        );
        assert_eq!(detect(b"ts=1 level=info msg=ok"), Some(Level::Info));
        assert_eq!(
            detect(br#"{"level":"debug","msg":"x"}"#),
            Some(Level::Debug)
        );
        assert_eq!(detect(br#"{"severity": "ERROR"}"#), Some(Level::Error));
        assert_eq!(detect(b"all good, no error here"), None);
        assert_eq!(
            detect(b"GET /info 200"),
            None,
            "INFO must be a word on its own"
        );
        assert_eq!(
            detect(b"E1127 14:03:01.250000 1 pod.go:7] sync failed"),
            Some(Level::Error)
        );
        assert_eq!(
            detect(b"W1127 14:03:01.250000 1 pod.go:7] slow"),
            Some(Level::Warn)
        );
        assert_eq!(
            detect(b"I1127 14:03:01.250000 1 pod.go:7] ok"),
            Some(Level::Info)
        );
        assert_eq!(detect(b"E1127 is not a date"), None);
    }
}
