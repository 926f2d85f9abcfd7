//! `--field key=value`: for JSON lines the value of a (dotted) key; for logfmt lines a
//! `key=value` pair. Only lines that carry the field with that value pass.

use serde_json::Value;

#[derive(Debug, Clone)]
pub struct FieldFilter {
    pub key: String,
    pub value: String,
    logfmt: Vec<u8>,
}

impl FieldFilter {
    pub fn parse(text: &str) -> Result<FieldFilter, String> {
        let (k, v) = text
            .split_once('=')
            .filter(|(k, _)| !k.trim().is_empty())
            .ok_or_else(|| format!("'{text}' is not KEY=VALUE"))?;
        Ok(FieldFilter {
            key: k.trim().to_string(),
            value: v.to_string(),
            logfmt: format!("{}={}", k.trim(), v).into_bytes(),
        })
    }
}

/// Whether every filter holds for the line.
pub fn all_match(filters: &[FieldFilter], line: &[u8]) -> bool {
    if filters.is_empty() {
        return true;
    }
    let trimmed = line.trim_ascii_start();
    if trimmed.first() == Some(&b'{') {
        let Ok(doc) = serde_json::from_slice::<Value>(trimmed.trim_ascii_end()) else {
            return false;
        };
        filters.iter().all(|f| json_matches(&doc, f))
    } else {
        filters.iter().all(|f| logfmt_matches(line, f))
    }
}

fn json_matches(doc: &Value, f: &FieldFilter) -> bool {
    let found = doc
        .get(&f.key)
        .or_else(|| f.key.split('.').try_fold(doc, |v, part| v.get(part)));
    match found {
        Some(Value::String(s)) => *s == f.value,
        Some(Value::Null) => f.value == "null",
        Some(v @ (Value::Number(_) | Value::Bool(_))) => *v.to_string() == *f.value,
        _ => false,
    }
}

fn logfmt_matches(line: &[u8], f: &FieldFilter) -> bool {
    let pat = &f.logfmt;
    memchr::memmem::find_iter(line, pat).any(|at| {
        let starts = at == 0 || line[at - 1].is_ascii_whitespace();
        let end = at + pat.len();
        let ends = end == line.len() || line[end].is_ascii_whitespace();
        starts && ends
    }) || {
        // `key="value"`
        let quoted = format!("{}=\"{}\"", f.key, f.value);
        memchr::memmem::find(line, quoted.as_bytes()).is_some()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn json_and_logfmt() {
        let f = FieldFilter::parse("service=api").unwrap();
        assert!(all_match(
            std::slice::from_ref(&f),
            br#"{"service":"api","x":1}"#
        ));
        assert!(!all_match(
            std::slice::from_ref(&f),
            br#"{"service":"web"}"#
        ));
        assert!(all_match(
            std::slice::from_ref(&f),
            b"ts=1 service=api msg=x"
        ));
        assert!(!all_match(
            std::slice::from_ref(&f),
            b"ts=1 service=apix msg=x"
        ));
        let n = FieldFilter::parse("http.status=500").unwrap();
        assert!(all_match(&[n], br#"{"http":{"status":500}}"#));
        assert!(FieldFilter::parse("novalue").is_err());
    }
}
