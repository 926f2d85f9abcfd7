//! The pattern side of a search: ripgrep's regex matcher built from `-e`/`-F`/`-i`/`-w`, and a
//! wrapper that also requires a line filter (`--level`, `--field`) to hold, so that counts,
//! `-m` and context lines all see the filtered lines exactly as they see plain matches.

use crate::logs::fields::{self, FieldFilter};
use crate::logs::levels::{self, Level};
use grep_matcher::{LineMatchKind, LineTerminator, Match, Matcher, NoError};
use grep_regex::{RegexMatcher, RegexMatcherBuilder};

#[derive(Debug, Clone, Default)]
pub struct PatternSpec {
    pub patterns: Vec<String>,
    pub fixed_strings: bool,
    pub ignore_case: bool,
    pub word: bool,
}

impl PatternSpec {
    fn builder(&self) -> RegexMatcherBuilder {
        let mut b = RegexMatcherBuilder::new();
        b.case_insensitive(self.ignore_case)
            .word(self.word)
            .fixed_strings(self.fixed_strings)
            // Lets the searcher run the regex over whole buffers, not line by line.
            .line_terminator(Some(b'\n'));
        b
    }

    /// All patterns as one matcher (a line matches when any does).
    pub fn build(&self) -> Result<RegexMatcher, String> {
        self.builder()
            .build_many(&self.patterns)
            .map_err(|e| first_line(&e.to_string()))
    }

    /// One matcher per pattern, for per-pattern counts.
    pub fn build_each(&self) -> Result<Vec<RegexMatcher>, String> {
        self.patterns
            .iter()
            .map(|p| {
                self.builder()
                    .build(p)
                    .map_err(|e| first_line(&e.to_string()))
            })
            .collect()
    }
}

/// The regex crate's messages span several lines with a caret diagram; keep the reason.
fn first_line(msg: &str) -> String {
    let lines: Vec<&str> = msg
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .collect();
    lines
        .iter()
        .find(|l| l.starts_with("error:"))
        .map(|l| l.trim_start_matches("error:").trim().to_string())
        .or_else(|| lines.last().map(|l| l.to_string()))
        .unwrap_or_else(|| "invalid pattern".into())
}

/// Conditions on a whole line beyond the pattern.
#[derive(Debug, Clone, Default)]
pub struct LineFilter {
    pub level: Option<Level>,
    pub fields: Vec<FieldFilter>,
}

impl LineFilter {
    pub fn is_empty(&self) -> bool {
        self.level.is_none() && self.fields.is_empty()
    }

    pub fn accepts(&self, line: &[u8]) -> bool {
        if let Some(want) = self.level {
            match levels::detect(line) {
                Some(l) if l <= want => {}
                _ => return false,
            }
        }
        fields::all_match(&self.fields, line)
    }
}

/// The regex plus the line filter. Without `invert`, a match counts only in a line the filter
/// accepts. With `invert` (the searcher then keeps the lines that do *not* match), a line
/// "matches" when the regex matches or the filter rejects it, so `-v --level error` keeps the
/// error lines without the pattern.
#[derive(Debug, Clone)]
pub struct FilteredMatcher {
    pub inner: RegexMatcher,
    pub filter: LineFilter,
    pub invert: bool,
}

fn line_bounds(hay: &[u8], at: usize) -> (usize, usize) {
    let start = memchr::memrchr(b'\n', &hay[..at]).map_or(0, |p| p + 1);
    let end = memchr::memchr(b'\n', &hay[at..]).map_or(hay.len(), |p| at + p);
    (start, end)
}

impl FilteredMatcher {
    /// No filter: every call goes straight to the regex (and `-v` keeps the fast path).
    fn passthrough(&self) -> bool {
        self.filter.is_empty()
    }
}

impl Matcher for FilteredMatcher {
    type Captures = grep_matcher::NoCaptures;
    type Error = NoError;

    fn find_at(&self, hay: &[u8], at: usize) -> Result<Option<Match>, NoError> {
        if self.passthrough() {
            return Ok(self.inner.find_at(hay, at).unwrap_or(None));
        }
        if self.invert {
            // Only reached line by line (we declare no line terminator in this mode).
            if let Some(m) = self.inner.find_at(hay, at).unwrap_or(None) {
                return Ok(Some(m));
            }
            return Ok((!self.filter.accepts(hay)).then(|| Match::new(at, at)));
        }
        let mut pos = at;
        while pos <= hay.len() {
            let Some(m) = self.inner.find_at(hay, pos).unwrap_or(None) else {
                return Ok(None);
            };
            let (s, e) = line_bounds(hay, m.start());
            if self.filter.accepts(&hay[s..e]) {
                return Ok(Some(m));
            }
            pos = e + 1;
        }
        Ok(None)
    }

    fn new_captures(&self) -> Result<Self::Captures, NoError> {
        Ok(grep_matcher::NoCaptures::new())
    }

    fn shortest_match_at(&self, hay: &[u8], at: usize) -> Result<Option<usize>, NoError> {
        if self.passthrough() {
            return Ok(self.inner.shortest_match_at(hay, at).unwrap_or(None));
        }
        Ok(self.find_at(hay, at)?.map(|m| m.end()))
    }

    fn is_match_at(&self, hay: &[u8], at: usize) -> Result<bool, NoError> {
        if self.passthrough() {
            return Ok(self.inner.is_match_at(hay, at).unwrap_or(false));
        }
        Ok(self.shortest_match_at(hay, at)?.is_some())
    }

    fn non_matching_bytes(&self) -> Option<&grep_matcher::ByteSet> {
        if self.passthrough() {
            self.inner.non_matching_bytes()
        } else {
            None
        }
    }

    fn line_terminator(&self) -> Option<LineTerminator> {
        if self.passthrough() {
            return self.inner.line_terminator();
        }
        if self.invert {
            None
        } else {
            self.inner.line_terminator()
        }
    }

    fn find_candidate_line(&self, hay: &[u8]) -> Result<Option<LineMatchKind>, NoError> {
        if self.passthrough() {
            return Ok(self.inner.find_candidate_line(hay).unwrap_or(None));
        }
        if self.invert {
            return Ok(self.shortest_match(hay)?.map(LineMatchKind::Confirmed));
        }
        let mut pos = 0;
        while pos < hay.len() {
            let Some(kind) = self.inner.find_candidate_line(&hay[pos..]).unwrap_or(None) else {
                return Ok(None);
            };
            let i = pos
                + match kind {
                    LineMatchKind::Confirmed(i) | LineMatchKind::Candidate(i) => i,
                };
            let (s, e) = line_bounds(hay, i.min(hay.len()));
            let line = &hay[s..e];
            let confirmed = match kind {
                LineMatchKind::Confirmed(_) => true,
                LineMatchKind::Candidate(_) => self.inner.is_match(line).unwrap_or(false),
            };
            if confirmed && self.filter.accepts(line) {
                return Ok(Some(LineMatchKind::Confirmed(s)));
            }
            pos = e + 1;
        }
        Ok(None)
    }
}
