//! Durations as people write them on the command line: `500ms`, `2s`, `1m30s`, `2h`;
//! a bare number means seconds, as `sleep` and `timeout` read it.

use std::time::Duration;

pub fn parse(text: &str) -> Result<Duration, String> {
    let s = text.trim();
    if s.is_empty() {
        return Err("empty duration".into());
    }
    if let Ok(secs) = s.parse::<f64>() {
        return seconds(secs, text);
    }
    let mut total = 0f64;
    let mut rest = s;
    while !rest.is_empty() {
        let num_len = rest
            .find(|c: char| !(c.is_ascii_digit() || c == '.'))
            .ok_or_else(|| bad(text))?;
        if num_len == 0 {
            return Err(bad(text));
        }
        let value: f64 = rest[..num_len].parse().map_err(|_| bad(text))?;
        rest = &rest[num_len..];
        let unit_len = rest
            .find(|c: char| c.is_ascii_digit() || c == '.')
            .unwrap_or(rest.len());
        let factor = match &rest[..unit_len] {
            "ms" => 0.001,
            "s" | "sec" => 1.0,
            "m" | "min" => 60.0,
            "h" => 3600.0,
            "d" => 86400.0,
            _ => return Err(bad(text)),
        };
        total += value * factor;
        rest = &rest[unit_len..];
    }
    seconds(total, text)
}

/// Above this, a value is a typo or a test of the parser, not a duration anyone waits for
/// (about 31 years; `Duration` itself would take far more).
const LONGEST_SECS: f64 = 1e9;

fn seconds(secs: f64, text: &str) -> Result<Duration, String> {
    if secs.is_nan() || secs < 0.0 {
        return Err(bad(text));
    }
    // `inf`, `1e400` and `999999h` are numbers, just too large ones: say so.
    if secs > LONGEST_SECS {
        return Err(format!(
            "'{text}' is too long (at most {}h, about 31 years)",
            (LONGEST_SECS / 3600.0) as u64
        ));
    }
    Ok(Duration::from_secs_f64(secs))
}

/// For values where zero cannot mean anything (`disk --timeout 0` would give every mount
/// no time at all): a duration above zero.
pub fn parse_nonzero(text: &str) -> Result<Duration, String> {
    let d = parse(text)?;
    if d.is_zero() {
        return Err(format!(
            "'{text}' is no time at all: give a duration above 0, e.g. 2s"
        ));
    }
    Ok(d)
}

fn bad(text: &str) -> String {
    format!("'{text}' is not a duration (write 500ms, 2s, 1m30s, 2h, or seconds)")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn forms() {
        assert_eq!(parse("500ms").unwrap(), Duration::from_millis(500));
        assert_eq!(parse("2s").unwrap(), Duration::from_secs(2));
        assert_eq!(parse("1m30s").unwrap(), Duration::from_secs(90));
        assert_eq!(parse("2h").unwrap(), Duration::from_secs(7200));
        assert_eq!(parse("3").unwrap(), Duration::from_secs(3));
        assert_eq!(parse("0.5").unwrap(), Duration::from_millis(500));
        assert_eq!(parse("0").unwrap(), Duration::ZERO);
    }

    #[test]
    fn rejects() {
        assert_eq!(parse(" ").unwrap_err(), "empty duration");
        for s in ["abc", "5x", "-1", "ms", "1.2.3s", "nan"] {
            let e = parse(s).unwrap_err();
            assert!(e.contains("is not a duration"), "{s}: {e}");
        }
    }

    #[test]
    fn huge_values_are_too_long_not_malformed() {
        for s in [
            "999999h",
            "1e400",
            "inf",
            "99999999999999999999d",
            "1000000001",
        ] {
            let e = parse(s).unwrap_err();
            assert!(e.contains("is too long"), "{s}: {e}");
        }
        assert!(parse("1000000000").is_ok());
    }

    #[test]
    fn nonzero_refuses_zero_in_every_spelling() {
        for s in ["0", "0s", "0ms", "0.0", "0h0m"] {
            let e = parse_nonzero(s).unwrap_err();
            assert!(e.contains("above 0"), "{s}: {e}");
        }
        assert_eq!(parse_nonzero("1ms").unwrap(), Duration::from_millis(1));
        assert!(parse_nonzero("soon")
            .unwrap_err()
            .contains("not a duration"));
    }
}
