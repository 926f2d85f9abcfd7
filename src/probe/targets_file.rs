//! `--targets FILE`: one target per line, optionally followed by that target's own checks in
//! the flags' syntax, e.g.
//!
//! ```text
//! # comments and blank lines are skipped
//! https://api.internal/health --expect-json /status=UP --max-latency 300ms
//! tcp://10.0.0.5:5432
//! http://web/ --expect-status 200-299 --expect-header 'Content-Type: text/html'
//! ```

use super::checks::CheckSpec;
use super::target;
use super::TargetSpec;
use crate::duration;
use crate::error::Error;

/// The flags a line may carry after its target.
const CHECKS: [&str; 6] = [
    "--expect-status",
    "--expect-body",
    "--expect-json",
    "--expect-header",
    "--max-latency",
    "--min-cert-days",
];
const NOT_A_CHECK: &str = "not a per-target check (--expect-status, --expect-body, \
     --expect-json, --expect-header, --max-latency, --min-cert-days)";

pub fn parse(text: &str, file: &str, defaults: &CheckSpec) -> Result<Vec<TargetSpec>, Error> {
    let mut out = Vec::new();
    for (n, line) in text.lines().enumerate() {
        let line = line.trim();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        let at = format!("{file}:{}", n + 1);
        let words = split(line).map_err(|why| Error::usage(&at, why))?;
        let (url, flags) = words
            .split_first()
            .ok_or_else(|| Error::usage(&at, "empty line"))?;
        let target = target::parse(url).map_err(|e| Error::usage(&at, e))?;
        let line_spec = line_checks(flags).map_err(|e| Error::usage(&at, e))?;
        out.push(TargetSpec {
            target,
            checks: defaults.overridden_by(&line_spec),
        });
    }
    Ok(out)
}

fn line_checks(flags: &[String]) -> Result<CheckSpec, Error> {
    let (mut status, mut body, mut json, mut header, mut latency, mut days) =
        (None, None, Vec::new(), Vec::new(), None, None);
    let mut it = flags.iter();
    while let Some(flag) = it.next() {
        let (name, inline) = match flag.split_once('=') {
            Some((n, v)) if n.starts_with("--") => (n, Some(v.to_string())),
            _ => (flag.as_str(), None),
        };
        // Know the flag before looking for its value: an unknown one is reported as such,
        // not as a known one missing its value.
        if !CHECKS.contains(&name) {
            return Err(Error::usage(name, NOT_A_CHECK));
        }
        let value = match inline {
            Some(v) => v,
            None => it
                .next()
                .cloned()
                .ok_or_else(|| Error::usage(name, "needs a value"))?,
        };
        match name {
            "--expect-status" => status = Some(value),
            "--expect-body" => body = Some(value),
            "--expect-json" => json.push(value),
            "--expect-header" => header.push(value),
            "--max-latency" => {
                latency = Some(duration::parse(&value).map_err(|e| Error::usage(name, e))?)
            }
            "--min-cert-days" => {
                days = Some(
                    value
                        .parse::<i64>()
                        .map_err(|_| Error::usage(name, format!("'{value}' is not a number")))?,
                )
            }
            other => return Err(Error::usage(other, NOT_A_CHECK)),
        }
    }
    CheckSpec::parse(
        status.as_deref(),
        body.as_deref(),
        &json,
        &header,
        latency,
        days,
    )
}

/// Words of a line, with '…' and "…" quoting (no expansion of any kind).
fn split(line: &str) -> Result<Vec<String>, String> {
    let mut words = Vec::new();
    let mut cur = String::new();
    let mut in_word = false;
    let mut quote: Option<char> = None;
    for c in line.chars() {
        match (quote, c) {
            (Some(q), c) if c == q => quote = None,
            (Some(_), c) => cur.push(c),
            (None, '\'' | '"') => {
                quote = Some(c);
                in_word = true;
            }
            (None, c) if c.is_whitespace() => {
                if in_word {
                    words.push(std::mem::take(&mut cur));
                    in_word = false;
                }
            }
            (None, c) => {
                cur.push(c);
                in_word = true;
            }
        }
    }
    if quote.is_some() {
        return Err("unclosed quote".into());
    }
    if in_word {
        words.push(cur);
    }
    Ok(words)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_with_checks() {
        let text = "# c\n\nhttp://a/ --expect-status 204 --expect-header 'X-A: b c'\ntcp://b:1\n";
        let specs = parse(text, "f", &CheckSpec::default()).unwrap();
        assert_eq!(specs.len(), 2);
        assert!(specs[0]
            .checks
            .expect_status
            .as_ref()
            .unwrap()
            .contains(204));
        assert_eq!(specs[0].checks.expect_header[0].1.as_str(), "b c");
        assert!(specs[1].checks.expect_status.is_none());
    }

    #[test]
    fn errors_name_the_line() {
        let e = parse("http://a/\nnope\n", "f", &CheckSpec::default()).unwrap_err();
        assert!(e.to_string().starts_with("f:2"), "{e}");
        let e = parse("http://a/ --bogus 1\n", "f", &CheckSpec::default()).unwrap_err();
        assert!(e.to_string().contains("--bogus"), "{e}");
        // A flag without a value of its own, last on the line: unknown, not "needs a value".
        let e = parse("http://a/ --insecure\n", "f", &CheckSpec::default()).unwrap_err();
        assert!(
            e.to_string().contains("--insecure: not a per-target check"),
            "{e}"
        );
        let e = parse("http://a/ --max-latency\n", "f", &CheckSpec::default()).unwrap_err();
        assert!(
            e.to_string().contains("--max-latency: needs a value"),
            "{e}"
        );
        assert!(parse("http://a/ --expect-body 'x\n", "f", &CheckSpec::default()).is_err());
    }
}
