//! A pasted command line often carries a credential: `curl -H 'Authorization: Bearer …'`,
//! `https://user:password@host/`, `--password=…`, `GITHUB_TOKEN=… cmd`, `curl -u user:pw`.
//! The explanation must not echo it back (to the terminal, a JSON log, a Markdown ticket):
//! this finds those values from where they stand in the line and hides them in every text
//! of the explanation, keeping what says what the word is (the header name, `Bearer`, the
//! user name) so the explanation still reads.

use super::explain::Explanation;
use crate::credentials::{is_secret_header, is_secret_name, REDACTED};

/// The credentials among the words `(raw, value)` of a line, longest first.
pub fn find(words: &[(String, String)]) -> Vec<String> {
    let mut found = Vec::new();
    let mut curl = false;
    for (i, (raw, value)) in words.iter().enumerate() {
        let next = words.get(i + 1).map(|(_, v)| v.as_str());
        // Secrets written in this word, and in the next one (a flag's value).
        let mut here = Vec::new();
        let mut in_next = Vec::new();
        curl |= value.rsplit('/').next() == Some("curl");
        header_credential(value, &mut here);
        url_password(value, &mut here);
        if let Some(flag) = value.strip_prefix("--") {
            match flag.split_once('=') {
                Some((name, v)) if is_secret_name(name) => here.push(v.to_string()),
                None if is_secret_name(flag) => in_next.extend(next.map(str::to_string)),
                _ => {}
            }
        }
        // curl -u/--user/-U/--proxy-user USER:PASSWORD (the password part; the user stays).
        if curl {
            let password = |u: &str| u.split_once(':').map(|(_, pw)| pw.to_string());
            match value.as_str() {
                "-u" | "--user" | "-U" | "--proxy-user" => in_next.extend(next.and_then(password)),
                v if v.starts_with("--user=") || v.starts_with("--proxy-user=") => {
                    here.extend(v.split_once('=').and_then(|(_, u)| password(u)))
                }
                v if (v.starts_with("-u") || v.starts_with("-U")) && v.len() > 2 => {
                    here.extend(password(&v[2..]))
                }
                _ => {}
            }
        }
        if let Some((name, v)) = value.split_once('=') {
            let is_var =
                !name.is_empty() && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_');
            if is_var && is_secret_name(name) {
                here.push(v.to_string());
            }
        }
        // A secret written with quotes or escapes inside its word: hide the word as typed.
        for (secrets, raw) in [(here, Some(raw)), (in_next, words.get(i + 1).map(|w| &w.0))] {
            let secrets: Vec<String> = secrets.into_iter().filter(|s| !s.is_empty()).collect();
            if let Some(raw) = raw.filter(|r| secrets.iter().any(|s| !r.contains(s.as_str()))) {
                found.push(raw.clone());
            }
            found.extend(secrets);
        }
    }
    found.sort_by(|a, b| b.len().cmp(&a.len()).then_with(|| a.cmp(b)));
    found.dedup();
    found
}

/// `Authorization: Bearer TOKEN` (also as `-HAuthorization: …`, `--header=…`): the token
/// after the scheme word; `Cookie: a=1; b=2`: each value; any other credential header: its
/// value.
fn header_credential(word: &str, out: &mut Vec<String>) {
    let Some((left, right)) = word.split_once(':') else {
        return;
    };
    let name = left.rsplit(['=', ' ']).next().unwrap_or(left);
    let name = name.strip_prefix("-H").unwrap_or(name).trim();
    if name.is_empty() || !is_secret_header(name) {
        return;
    }
    let value = right.trim();
    match name.to_ascii_lowercase().as_str() {
        "authorization" | "proxy-authorization" => match value.split_once(' ') {
            Some((_scheme, credential)) => out.push(credential.trim().to_string()),
            None => out.push(value.to_string()),
        },
        "cookie" | "set-cookie" => {
            for pair in value.split(';') {
                match pair.split_once('=') {
                    Some((_, v)) => out.push(v.trim().to_string()),
                    None => out.push(pair.trim().to_string()),
                }
            }
        }
        _ => out.push(value.to_string()),
    }
}

/// The password of `scheme://user:password@host/…`.
fn url_password(word: &str, out: &mut Vec<String>) {
    let Some((_, rest)) = word.split_once("://") else {
        return;
    };
    let authority = rest.split(['/', '?', '#']).next().unwrap_or("");
    if let Some((userinfo, _host)) = authority.rsplit_once('@') {
        if let Some((_user, password)) = userinfo.split_once(':') {
            out.push(password.to_string());
        }
    }
}

/// Every text of the explanation with each secret replaced by `[redacted]`.
pub fn hide(secrets: &[String], e: &mut Explanation) {
    if secrets.is_empty() {
        return;
    }
    let redact = |text: &mut String| {
        for s in secrets {
            if text.contains(s.as_str()) {
                *text = text.replace(s.as_str(), REDACTED);
            }
        }
    };
    redact(&mut e.command);
    for p in &mut e.parts {
        redact(&mut p.token);
        redact(&mut p.meaning);
        if let Some(from) = &mut p.from {
            redact(from);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn words(line: &str) -> Vec<(String, String)> {
        super::super::shell_words::split(line)
            .unwrap()
            .into_iter()
            .filter_map(|l| match l {
                super::super::shell_words::Lexeme::Word { raw, value } => Some((raw, value)),
                _ => None,
            })
            .collect()
    }

    #[test]
    fn credentials_are_found_where_they_stand() {
        let found = find(&words(
            "API_TOKEN=tok1 curl -H 'Authorization: Bearer abc' --header=X-Api-Key:\\ k9 \
             -H 'Cookie: s=c1; t=c2' -u bob:pw1 --password=pw2 --token pw3 https://al:pw4@h/x",
        ));
        for s in ["tok1", "abc", "k9", "c1", "c2", "pw1", "pw2", "pw3", "pw4"] {
            assert!(found.iter().any(|f| f == s), "{s} not in {found:?}");
        }
        for not in ["bob", "al", "Bearer", "https"] {
            assert!(!found.iter().any(|f| f == not), "{not} in {found:?}");
        }
        // The flag before a secret is not one; a secret with escapes hides its whole word.
        let found = find(&words("curl -u ops:pw5 --token pw\\6"));
        assert!(
            !found.iter().any(|f| f == "-u" || f == "--token"),
            "{found:?}"
        );
        assert!(found.iter().any(|f| f == "pw\\6"), "{found:?}");
        // -u outside curl is a user name or a unit, not a credential.
        assert!(find(&words("journalctl -u nginx:x")).is_empty());
        assert!(find(&words("ps -u root")).is_empty());
    }
}
