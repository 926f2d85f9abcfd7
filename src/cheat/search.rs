//! Ranked search over the sheet: fuzzy name match, tags, full text and category names in
//! one score, so that `oncall cheat port in use`, `oncall cheat jounralctl` and
//! `oncall cheat tar` all put the right entry first.

use super::fuzzy;
use super::model::{Command, Runbook};
use super::sheet::Sheet;
use super::word_index::{self, TokenMatch};
use super::words;

/// Score of a query that is exactly a command's name: always ranks first.
pub const EXACT: u32 = 10_000;

/// A matching command, by its position in the sheet.
#[derive(Debug, Clone, Copy)]
pub struct Hit {
    pub index: usize,
    pub score: u32,
}

#[derive(Debug, Clone, Copy)]
pub struct RunbookHit<'a> {
    pub runbook: &'a Runbook,
    pub score: u32,
}

/// Lower-case words of a query; punctuation other than `-`, `_`, `.` and `+` separates.
pub fn tokens(query: &str) -> Vec<String> {
    query
        .split(|c: char| !(c.is_alphanumeric() || matches!(c, '-' | '_' | '.' | '+')))
        // `--to-revision` is the word `to-revision`, as the index cuts flag names.
        .map(|t| t.trim_matches('-'))
        .filter(|t| !t.is_empty())
        .map(str::to_lowercase)
        .collect()
}

/// Words that carry no subject of their own ("show open ports", "what is using my disk"):
/// they still score, but a hit must be found by the other words to be a real one.
const FILLER: [&str; 36] = [
    "a", "all", "an", "and", "are", "by", "can", "check", "does", "doesn", "find", "for", "from",
    "get", "has", "how", "i", "in", "is", "isn", "list", "me", "my", "no", "not", "of", "on", "or",
    "see", "show", "t", "the", "to", "what", "why", "with",
];

fn is_filler(token: &str) -> bool {
    FILLER.contains(&token)
}

/// The words of a query that name what is asked about; all of them when every word is filler.
pub fn subject_words(tokens: &[String]) -> Vec<&str> {
    let subject: Vec<&str> = tokens
        .iter()
        .map(String::as_str)
        .filter(|t| !is_filler(t))
        .collect();
    if subject.is_empty() {
        tokens.iter().map(String::as_str).collect()
    } else {
        subject
    }
}

/// A plural's singular or an -ing word's stem ("ports" → "port", "resolving" → "resolv",
/// which prefixes "resolve"), so that `show open ports` finds text that says "port". Only
/// for words of five letters or more, not "ss"/"us" endings (process, status); names are
/// still compared with the word as typed.
fn stem(token: &str) -> Option<&str> {
    if token.len() >= 7 && token.ends_with("ing") {
        return Some(&token[..token.len() - 3]);
    }
    (token.len() >= 5 && token.ends_with('s') && !token.ends_with("ss") && !token.ends_with("us"))
        .then(|| &token[..token.len() - 1])
}

/// `has_word` for the token or its stem.
fn has_word_or_stem(text: &str, token: &str) -> bool {
    has_word(text, token) || stem(token).is_some_and(|s| has_word(text, s))
}

/// Whether `text` holds `token` as a word, or as the start of a word for tokens of four
/// letters or more ("connect" finds "connections").
fn has_word(text: &str, token: &str) -> bool {
    // A word that matches holds the token (ASCII case aside): most texts are ruled out by
    // that byte scan without being cut into words (it was most of a runbook search).
    let (hay, needle) = (text.as_bytes(), token.as_bytes());
    let Some(&first) = needle.first() else {
        return false;
    };
    let holds = hay.len() >= needle.len()
        && hay
            .windows(needle.len())
            .any(|w| w[0].eq_ignore_ascii_case(&first) && w.eq_ignore_ascii_case(needle));
    holds && words::split(text).any(|w| words::matches(w, token))
}

/// Names are nearly always lower case already: allocate only when one is not.
fn lowercase(name: &str) -> std::borrow::Cow<'_, str> {
    if name.bytes().any(|b| b.is_ascii_uppercase()) || !name.is_ascii() {
        std::borrow::Cow::Owned(name.to_lowercase())
    } else {
        std::borrow::Cow::Borrowed(name)
    }
}

/// `hay.contains(needle)` for short texts: a name is a few bytes, and `str::contains` sets up
/// a two-way searcher for each of the sheet's 500 names per query word.
fn holds_bytes(hay: &str, needle: &str) -> bool {
    let (hay, needle) = (hay.as_bytes(), needle.as_bytes());
    let Some(&first) = needle.first() else {
        return true;
    };
    // The first byte rules out nearly every place before a slice comparison (a call) is made.
    hay.len() >= needle.len()
        && hay
            .windows(needle.len())
            .any(|w| w[0] == first && w == needle)
}

fn name_score(name: &str, token: &str) -> u32 {
    // Equal or a prefix only with the same first byte: most names differ there, and the
    // comparisons are calls.
    if name.as_bytes().first() == token.as_bytes().first() {
        if name == token {
            return 120;
        }
        if token.len() >= 2 && name.starts_with(token) {
            return 60;
        }
    }
    if token.len() >= 3 && holds_bytes(name, token) {
        return 35;
    }
    let allowed = fuzzy::tolerance(token.len().min(name.len()));
    // The distance is at least the difference in length: skip the work when that is too far.
    // With no edit allowed, only equality counts, and that was tested first.
    if allowed == 0 || name.len().abs_diff(token.len()) > allowed {
        return 0;
    }
    match fuzzy::distance_within(name, token, allowed) {
        Some(d) => 55 - 15 * d as u32,
        None => 0,
    }
}

/// What a token matches in one command's text, found by scanning it: the path for user
/// commands, which the compiled-in index does not cover. Gives what `word_index::lookup`
/// gives for built-in commands (a test holds the two equal).
fn scan(cmd: &Command, category_title: &str, token: &str) -> TokenMatch {
    fn bits(hits: impl Iterator<Item = bool>) -> u64 {
        hits.take(64)
            .enumerate()
            .fold(0, |acc, (k, hit)| acc | (u64::from(hit) << k))
    }
    TokenMatch {
        summary: has_word(&cmd.summary, token),
        category: has_word(&cmd.category, token) || has_word(category_title, token),
        subcommands: cmd.subcommands.iter().any(|s| {
            has_word(&s.name, token)
                || has_word(&s.meaning, token)
                || s.flags.iter().any(|f| {
                    has_word(&f.meaning, token)
                        || f.flag.as_deref().is_some_and(|n| has_word(n, token))
                        || f.long.as_deref().is_some_and(|n| has_word(n, token))
                })
        }),
        tags_whole: bits(
            cmd.tags
                .iter()
                .take(32)
                .map(|t| t.eq_ignore_ascii_case(token)),
        ) as u32,
        tags_any: bits(cmd.tags.iter().take(32).map(|t| has_word(t, token))) as u32,
        examples: bits(
            cmd.examples
                .iter()
                .map(|e| has_word(&e.description, token) || has_word(&e.command, token)),
        ),
        flags: bits(cmd.flags.iter().map(|f| has_word(&f.meaning, token))),
    }
}

/// Every command that matches, best first. A query equal to a command's name puts that
/// command first with [`EXACT`].
pub fn commands(sheet: &Sheet, query: &str) -> Vec<Hit> {
    let tokens = tokens(query);
    if tokens.is_empty() {
        return Vec::new();
    }
    let phrase = tokens.join(" ");
    let n = sheet.len();
    let mut totals = vec![0u32; n];
    let mut matched = vec![0u32; n];
    let mut text = vec![TokenMatch::default(); n];
    let subject = subject_words(&tokens);
    let mut subject_matched = vec![0usize; n];
    for token in &tokens {
        let counts = subject.contains(&token.as_str());
        text.fill(TokenMatch::default());
        word_index::lookup(token, &mut text);
        let stem = stem(token);
        if let Some(stem) = stem {
            // `lookup` adds to what is there: the two words' matches are united.
            word_index::lookup(stem, &mut text);
        }
        for (i, found) in text.iter().enumerate() {
            let text_score = match sheet.user_command(i) {
                Some(cmd) => {
                    let title = sheet.title_of(&cmd.category);
                    let m = scan(cmd, title, token).score();
                    m.max(stem.map_or(0, |s| scan(cmd, title, s).score()))
                }
                None => found.score(),
            };
            let s = name_score(&lowercase(sheet.name(i)), token) + text_score;
            if s > 0 {
                matched[i] += 1;
                totals[i] += s;
                subject_matched[i] += usize::from(counts);
            }
        }
    }
    let count = tokens.len() as u32;
    let mut hits: Vec<Hit> = (0..n)
        .filter_map(|i| {
            let exact = sheet.name(i).eq_ignore_ascii_case(&phrase);
            // A real hit is found by half of the query's subject words or more: `kubernetes
            // pod crash` is not about gdb because gdb's text says "crash".
            if !exact && subject_matched[i] * 2 < subject.len() {
                return None;
            }
            let score = if exact {
                EXACT
            } else {
                let mut total = totals[i];
                if count > 1 && sheet.has_tag(i, &phrase) {
                    total += 80;
                }
                // A query's words should all be found: each missing word cuts the score sharply.
                total * matched[i] * matched[i] / (count * count)
            };
            (score > 0).then_some(Hit { index: i, score })
        })
        .collect();
    // Long tails of one-word text matches help nobody: keep what is within reach of the best
    // (dropped before sorting, which then has fewer to order; the order is total, by score
    // then name, so the result is the same).
    if let Some(best) = hits.iter().map(|h| h.score).max() {
        let floor = (best.min(EXACT - 1) / 5).max(1);
        hits.retain(|h| h.score >= floor);
    }
    hits.sort_by(|a, b| {
        b.score
            .cmp(&a.score)
            .then_with(|| sheet.name(a.index).cmp(sheet.name(b.index)))
    });
    hits
}

/// `text.to_lowercase() == lower` for a `lower` already in lower case, without allocating
/// for ASCII text (every alias of the sheet; a runbook search compared each one twice).
fn lower_eq(text: &str, lower: &str) -> bool {
    if text.is_ascii() {
        text.eq_ignore_ascii_case(lower)
    } else {
        text.to_lowercase() == lower
    }
}

/// `text.to_lowercase().contains(lower)` for a `lower` already in lower case.
fn lower_contains(text: &str, lower: &str) -> bool {
    if !text.is_ascii() {
        return text.to_lowercase().contains(lower);
    }
    let (hay, needle) = (text.as_bytes(), lower.as_bytes());
    needle.is_empty()
        || (hay.len() >= needle.len()
            && hay
                .windows(needle.len())
                .any(|w| w.eq_ignore_ascii_case(needle)))
}

/// Runbooks whose id, title, aliases, tags or summary match the symptom, best first.
pub fn runbooks<'a>(sheet: &'a Sheet, symptom: &str) -> Vec<RunbookHit<'a>> {
    let tokens = tokens(symptom);
    if tokens.is_empty() {
        return Vec::new();
    }
    let phrase = tokens.join(" ");
    let as_id = phrase.replace(' ', "-");
    let subject = subject_words(&tokens);
    let mut hits: Vec<RunbookHit> = sheet
        .runbooks
        .iter()
        .filter_map(|rb| {
            let mut total = 0;
            let mut matched = 0;
            let mut subject_matched = 0;
            let mut phrase_hit = false;
            if rb.id == as_id || rb.title.eq_ignore_ascii_case(&phrase) {
                total += 1000;
                phrase_hit = true;
            }
            // An alias equal to the symptom beats one that merely contains it
            // ("No space left on device" vs "… but df shows free space").
            if rb.aliases.iter().any(|a| lower_eq(a, &phrase)) {
                total += 400;
            } else if rb.aliases.iter().any(|a| lower_contains(a, &phrase)) {
                total += 200;
            }
            phrase_hit |= total > 0;
            for t in &tokens {
                let mut s = 0;
                if has_word_or_stem(&rb.id, t) || has_word_or_stem(&rb.title, t) {
                    s += 40;
                }
                s += 15
                    * rb.aliases
                        .iter()
                        .filter(|a| has_word_or_stem(a, t))
                        .count()
                        .min(3) as u32;
                s += 10
                    * rb.tags
                        .iter()
                        .filter(|g| has_word_or_stem(g, t))
                        .count()
                        .min(2) as u32;
                if has_word_or_stem(&rb.summary, t) {
                    s += 8;
                }
                if s > 0 {
                    matched += 1;
                    subject_matched += usize::from(subject.contains(&t.as_str()));
                }
                total += s;
            }
            // A runbook fits a symptom it names, or one every subject word of which it
            // speaks of: `tail log file` is not about deleted files because their runbook
            // mentions logs and files.
            if !phrase_hit && subject_matched < subject.len() {
                return None;
            }
            let n = tokens.len() as u32;
            let score = total * matched * matched / (n * n);
            (score >= 30).then_some(RunbookHit { runbook: rb, score })
        })
        .collect();
    hits.sort_by(|a, b| b.score.cmp(&a.score).then(a.runbook.id.cmp(&b.runbook.id)));
    hits
}

/// Of `names` (a tldr cache's pages), those within typing distance of `word` or starting
/// with it, closest first.
pub fn near_in(names: Vec<String>, word: &str) -> Vec<String> {
    let mut hits: Vec<(u32, String)> = names
        .into_iter()
        .filter_map(|n| {
            let s = name_score(&lowercase(&n), word);
            (s >= 40).then_some((s, n))
        })
        .collect();
    hits.sort_by(|a, b| b.0.cmp(&a.0).then_with(|| a.1.cmp(&b.1)));
    hits.into_iter().map(|(_, n)| n).collect()
}

/// The command names closest to what was typed, for "did you mean": for several words, the
/// names closest to any one of them.
pub fn nearest_names(sheet: &Sheet, query: &str, n: usize) -> Vec<String> {
    let words = tokens(query);
    let mut scored: Vec<(usize, &str)> = (0..sheet.len())
        .map(|i| {
            let name = sheet.name(i);
            let d = words
                .iter()
                .map(|q| {
                    // A shared first letter makes a name feel closer than its raw distance.
                    let bonus = usize::from(q.chars().next().is_some_and(|c| name.starts_with(c)));
                    fuzzy::distance(name, q).saturating_sub(bonus)
                })
                .min()
                .unwrap_or(usize::MAX);
            (d, name)
        })
        .collect();
    scored.sort();
    scored.dedup_by(|a, b| a.1 == b.1);
    scored
        .into_iter()
        .take(n)
        .map(|(_, s)| s.to_string())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn words_match_whole_or_as_prefix_of_four_plus() {
        assert!(has_word("Show listening sockets", "listening"));
        assert!(has_word("open connections", "connect"));
        assert!(!has_word("stars", "tar"));
        assert!(has_word("tar -xzvf", "tar"));
    }

    /// The compiled-in index and a scan of the text must agree for every built-in command,
    /// for whole words and for prefixes of them.
    #[test]
    fn index_agrees_with_a_scan() {
        let sheet = Sheet::builtin();
        let mut probes: Vec<String> = Vec::new();
        for cmd in sheet.all().step_by(7) {
            for w in words::split(&cmd.summary).chain(cmd.tags.iter().flat_map(|t| words::split(t)))
            {
                let w = w.to_lowercase();
                probes.push(w.chars().take(4).collect());
                probes.push(w);
            }
        }
        probes.extend(["disk", "full", "port", "listen", "x", "-", "zzz"].map(String::from));
        probes.sort();
        probes.dedup();
        let mut via_index = vec![TokenMatch::default(); sheet.len()];
        let all: Vec<Command> = sheet.all().collect();
        for token in &probes {
            via_index.fill(TokenMatch::default());
            word_index::lookup(token, &mut via_index);
            for (i, cmd) in all.iter().enumerate() {
                let title = sheet.title_of(&cmd.category);
                assert_eq!(
                    via_index[i],
                    scan(cmd, title, token),
                    "{token} in {}",
                    cmd.name
                );
            }
        }
    }

    /// The allocation-free comparisons give what the `str` methods they replace give.
    #[test]
    fn byte_comparisons_agree_with_str() {
        let texts = [
            "",
            "t",
            "tar",
            "star",
            "TAR",
            "Disk Full",
            "disk full!",
            "Ärger",
            "ärger full",
            "no space left on device",
            "tartar",
            "ta",
        ];
        for a in texts {
            for b in texts {
                assert_eq!(holds_bytes(a, b), a.contains(b), "{a:?} holds {b:?}");
                let lower = b.to_lowercase();
                assert_eq!(
                    lower_eq(a, &lower),
                    a.to_lowercase() == lower,
                    "{a:?} = {lower:?}"
                );
                assert_eq!(
                    lower_contains(a, &lower),
                    a.to_lowercase().contains(&lower),
                    "{a:?} holds {lower:?}"
                );
            }
        }
    }

    #[test]
    fn tokens_are_lowercase_words() {
        assert_eq!(tokens("Disk  FULL!"), vec!["disk", "full"]);
        assert_eq!(tokens("ssh-keygen"), vec!["ssh-keygen"]);
    }
}
