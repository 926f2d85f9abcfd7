//! What counts as a credential, shared by the probe (headers it sends, header checks) and
//! the cheat sheet's explainer (a pasted `curl -H 'Authorization: …'`), and how a hidden one
//! is shown.

/// What a hidden secret is shown as, everywhere.
pub const REDACTED: &str = "[redacted]";

/// Headers whose values are credentials: never printed.
pub fn is_secret_header(name: &str) -> bool {
    let n = name.to_ascii_lowercase();
    matches!(
        n.as_str(),
        "authorization" | "proxy-authorization" | "cookie" | "set-cookie" | "x-api-key" | "api-key"
    ) || n.contains("token")
        || n.contains("secret")
}

/// Names of flags and variables whose value is a credential (`--password`, `GITHUB_TOKEN`).
pub fn is_secret_name(name: &str) -> bool {
    let n = name.to_ascii_lowercase();
    [
        "password", "passwd", "token", "secret", "api-key", "api_key", "apikey", "bearer",
    ]
    .iter()
    .any(|w| n.contains(w))
}
