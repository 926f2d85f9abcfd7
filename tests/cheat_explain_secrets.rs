//! `oncall cheat --explain` on a pasted line that carries credentials: the explanation says
//! what each word is (the header name, `Bearer`, the user) and never echoes the secret back,
//! in any format.

mod support;

use support::oncall;

#[test]
fn a_pasted_token_is_not_echoed_back_in_any_format() {
    let line = "curl -sS -H 'Authorization: Bearer abc-explain-tok-41d7' \
                -u ops:explain-pw-41d7 https://svc:explain-url-pw-41d7@127.0.0.1/api";
    for format in [vec![], vec!["--json"], vec!["--format", "markdown"]] {
        let out = oncall()
            .args(["cheat", "--explain", line])
            .args(&format)
            .output()
            .unwrap();
        assert!(out.status.success(), "{format:?}: {out:?}");
        let text = format!(
            "{}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
        assert!(
            !text.contains("41d7"),
            "{format:?}: a secret was echoed: {text}"
        );
        assert!(text.contains("[redacted]"), "{format:?}: {text}");
        assert!(
            text.contains("Authorization: Bearer [redacted]") && text.contains("ops:[redacted]"),
            "{format:?}: what the word is still reads: {text}"
        );
    }
    // The flags themselves stay as typed.
    let doc = support::stdout_json(&["cheat", "--explain", line, "--json"]);
    let tokens: Vec<&str> = doc["parts"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["token"].as_str().unwrap())
        .collect();
    assert!(
        tokens.contains(&"-u") && tokens.contains(&"-H"),
        "{tokens:?}"
    );
}
