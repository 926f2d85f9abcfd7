//! How text is cut into searchable words. Compiled twice, like `schema.rs`: `build.rs`
//! builds the word index with it and `search.rs` matches with it, so both agree exactly.

/// The words of `text`: runs of letters, digits, `-` and `_`, with `-` trimmed from the ends
/// (so `--listen` is the word `listen`). Not lower-cased: compare with `eq_ignore_ascii_case`.
pub fn split(text: &str) -> impl Iterator<Item = &str> {
    text.split(|c: char| !(c.is_alphanumeric() || c == '-' || c == '_'))
        .map(|w| w.trim_matches('-'))
        .filter(|w| !w.is_empty())
}

/// Whether a word matches a query token: equal, or, for tokens of four letters or more,
/// the word starts with it ("connect" finds "connections").
pub fn matches(word: &str, token: &str) -> bool {
    word.eq_ignore_ascii_case(token)
        || (token.len() >= 4
            && word.len() >= token.len()
            && word.is_char_boundary(token.len())
            && word[..token.len()].eq_ignore_ascii_case(token))
}
