//! The inverted word index `build.rs` compiles in: for each word of the built-in sheet, the
//! commands and fields that hold it. A search looks tokens up here (binary search, then the
//! run of words a token prefixes) instead of scanning every example's text.

use super::index::{POSTINGS, WORD_ENDS, WORD_POSTING_ENDS, WORD_TEXT};
use super::words;

/// One word's occurrences in one built-in command (bit sets by position in the command).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Posting {
    pub command: u16,
    pub fields: u8,
    /// Tags that are exactly this word.
    pub tags_whole: u32,
    /// Tags that contain this word.
    pub tags_any: u32,
    pub examples: u64,
    pub flags: u64,
}

pub const SUMMARY: u8 = 1;
pub const CATEGORY: u8 = 2;
/// A subcommand's name or meaning, or a subcommand flag's name or meaning.
pub const SUBCOMMANDS: u8 = 4;

/// What a query token matched in one command: the union over the words it matches.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct TokenMatch {
    pub summary: bool,
    pub category: bool,
    pub subcommands: bool,
    pub tags_whole: u32,
    pub tags_any: u32,
    pub examples: u64,
    pub flags: u64,
}

impl TokenMatch {
    /// The text part of a token's score (the name part is scored separately).
    pub fn score(&self) -> u32 {
        let whole = self.tags_whole.count_ones();
        let other = (self.tags_any & !self.tags_whole).count_ones();
        30 * whole
            + 15 * other
            + if self.summary { 12 } else { 0 }
            + if self.category { 10 } else { 0 }
            + if self.subcommands { 6 } else { 0 }
            + (self.examples.count_ones() * 4).min(12)
            + (self.flags.count_ones() * 2).min(6)
    }
}

/// The `i`th word of the sorted index.
fn word(i: usize) -> &'static str {
    let start = if i == 0 { 0 } else { WORD_ENDS[i - 1] as usize };
    &WORD_TEXT[start..WORD_ENDS[i] as usize]
}

/// The postings of the `i`th word.
fn postings(i: usize) -> &'static [Posting] {
    let start = if i == 0 {
        0
    } else {
        WORD_POSTING_ENDS[i - 1] as usize
    };
    &POSTINGS[start..WORD_POSTING_ENDS[i] as usize]
}

/// Adds what `token` matches to `into[command]` for every built-in command.
pub fn lookup(token: &str, into: &mut [TokenMatch]) {
    // Binary search for the first word not below the token.
    let (mut lo, mut hi) = (0, WORD_ENDS.len());
    while lo < hi {
        let mid = (lo + hi) / 2;
        if word(mid) < token {
            lo = mid + 1;
        } else {
            hi = mid;
        }
    }
    for i in lo..WORD_ENDS.len() {
        let word = word(i);
        if !words::matches(word, token) {
            break; // sorted: the words `token` prefixes are one run
        }
        let exact = word.eq_ignore_ascii_case(token);
        for p in postings(i) {
            let Some(m) = into.get_mut(usize::from(p.command)) else {
                continue;
            };
            m.summary |= p.fields & SUMMARY != 0;
            m.category |= p.fields & CATEGORY != 0;
            m.subcommands |= p.fields & SUBCOMMANDS != 0;
            if exact {
                m.tags_whole |= p.tags_whole;
            }
            m.tags_any |= p.tags_any;
            m.examples |= p.examples;
            m.flags |= p.flags;
        }
    }
}
