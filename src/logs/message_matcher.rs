//! The pattern over a container record's message only: `TIME STREAM TAG ` is not searched, so
//! `stdout`, `F` or a date never match every line. The searcher still runs the plain regex
//! over whole buffers (ripgrep's fast path); only a line the regex finds is looked at, its
//! prefix skipped with `prefix_len` (three `memchr`s) and the message searched on its own,
//! so `^` is the message's start. Patterns that may anchor at a line's start (`^`, `\A`) would
//! not be found by the buffer-wide scan (the line starts with the time), so those lines are
//! looked at one by one instead.
//!
//! Lines that are no record are searched whole; empty lines (the holes `container_stream`
//! leaves for the lines a joined record took) never match, and with `-v` are never kept.

use crate::logs::container_formats::prefix_len;
use crate::logs::matcher::{FilteredMatcher, PatternSpec};
use grep_matcher::{LineMatchKind, LineTerminator, Match, Matcher, NoError};
use std::ops::Range;

#[derive(Debug, Clone)]
pub struct MessageMatcher {
    pub inner: FilteredMatcher,
    anchored: bool,
    /// No `-v`, no level or field filter, a line terminator: a regex match that starts in a
    /// line's message is that line's hit.
    plain: bool,
}

/// Where a line's message is; `None` for a hole.
pub fn message_range(line: &[u8]) -> Option<Range<usize>> {
    if line.is_empty() {
        return None;
    }
    Some(prefix_len(line).map_or(0, |(start, _)| start)..line.len())
}

fn line_bounds(hay: &[u8], at: usize) -> (usize, usize) {
    let start = memchr::memrchr(b'\n', &hay[..at]).map_or(0, |p| p + 1);
    let end = memchr::memchr(b'\n', &hay[at..]).map_or(hay.len(), |p| at + p);
    (start, end)
}

impl MessageMatcher {
    pub fn new(inner: FilteredMatcher, spec: &PatternSpec) -> MessageMatcher {
        let anchored = !spec.fixed_strings
            && spec
                .patterns
                .iter()
                .any(|p| p.contains('^') || p.contains("\\A"));
        let plain = !anchored
            && !inner.invert
            && inner.filter.is_empty()
            && inner.inner.line_terminator().is_some();
        MessageMatcher {
            inner,
            anchored,
            plain,
        }
    }

    /// Whether one line (no newline) counts as a match of the filtered matcher (with `-v`: is
    /// left out).
    fn line_hit(&self, line: &[u8]) -> bool {
        match message_range(line) {
            None => self.inner.invert,
            Some(r) => self.inner.is_match(&line[r]).unwrap_or(false),
        }
    }
}

impl Matcher for MessageMatcher {
    type Captures = grep_matcher::NoCaptures;
    type Error = NoError;

    fn find_at(&self, hay: &[u8], at: usize) -> Result<Option<Match>, NoError> {
        let mut pos = at;
        while pos <= hay.len() {
            let (s, e) = line_bounds(hay, pos);
            match message_range(&hay[s..e]) {
                None if self.inner.invert => return Ok(Some(Match::new(pos, pos))),
                None => {}
                Some(r) => {
                    let ms = s + r.start;
                    let from = pos.max(ms) - ms;
                    if let Some(m) = self.inner.find_at(&hay[ms..e], from)? {
                        return Ok(Some(m.offset(ms)));
                    }
                }
            }
            pos = e + 1;
        }
        Ok(None)
    }

    fn new_captures(&self) -> Result<Self::Captures, NoError> {
        Ok(grep_matcher::NoCaptures::new())
    }

    fn shortest_match_at(&self, hay: &[u8], at: usize) -> Result<Option<usize>, NoError> {
        Ok(self.find_at(hay, at)?.map(|m| m.end()))
    }

    fn is_match_at(&self, hay: &[u8], at: usize) -> Result<bool, NoError> {
        Ok(self.find_at(hay, at)?.is_some())
    }

    fn line_terminator(&self) -> Option<LineTerminator> {
        // As the plain matcher's: without one (-v, or a regex with line anchors, which the
        // buffer-wide scan cannot run) the searcher goes line by line, a find_at per line.
        self.inner.line_terminator()
    }

    fn find_candidate_line(&self, hay: &[u8]) -> Result<Option<LineMatchKind>, NoError> {
        let mut pos = 0;
        while pos < hay.len() {
            let at = if self.anchored {
                pos
            } else {
                // The plain regex over the rest of the buffer: a line whose message matches
                // matches here too (its prefix only adds text before the message).
                if self.plain {
                    // The leftmost match itself: where it starts inside the message, the line
                    // is a hit without a second search of the message (a match cannot cross
                    // a line: the regex has a line terminator here).
                    let Some(m) = self.inner.inner.find_at(hay, pos).unwrap_or(None) else {
                        return Ok(None);
                    };
                    let (s, e) = line_bounds(hay, m.start());
                    let message_start = message_range(&hay[s..e]).map_or(e, |r| s + r.start);
                    if m.start() >= message_start && m.end() <= e {
                        return Ok(Some(LineMatchKind::Confirmed(s)));
                    }
                    m.start()
                } else {
                    let Some(kind) = self
                        .inner
                        .inner
                        .find_candidate_line(&hay[pos..])
                        .unwrap_or(None)
                    else {
                        return Ok(None);
                    };
                    match kind {
                        LineMatchKind::Confirmed(i) | LineMatchKind::Candidate(i) => pos + i,
                    }
                }
            };
            let (s, e) = line_bounds(hay, at.min(hay.len()));
            if self.line_hit(&hay[s..e]) {
                return Ok(Some(LineMatchKind::Confirmed(s)));
            }
            pos = e + 1;
        }
        Ok(None)
    }
}

#[cfg(test)]
mod tests_support {
    pub use super::*;
    use crate::logs::matcher::LineFilter;

    pub fn matcher(pattern: &str, invert: bool) -> MessageMatcher {
        let spec = PatternSpec {
            patterns: vec![pattern.to_string()],
            ..PatternSpec::default()
        };
        MessageMatcher::new(
            FilteredMatcher {
                inner: spec.build().unwrap(),
                filter: LineFilter::default(),
                invert,
            },
            &spec,
        )
    }
}

#[cfg(test)]
mod tests {
    use super::tests_support::*;

    const HAY: &[u8] = b"2026-12-01T10:00:00Z stdout F hello stdout\n\
        2026-12-01T10:00:00Z stderr F ERROR x\n\n\
        plain stdout line\n";

    #[test]
    fn the_prefix_is_not_searched() {
        let m = matcher("stdout", false);
        let hits: Vec<usize> =
            std::iter::successors(m.find_at(HAY, 0).unwrap().map(|x| x.start()), |&p| {
                m.find_at(HAY, p + 1).unwrap().map(|x| x.start())
            })
            .collect();
        assert_eq!(hits, [36, 88], "the message's stdout and the plain line's");
        assert!(matcher("stderr", false).find_at(HAY, 0).unwrap().is_none());
        let anchored = matcher("^ERROR", false);
        assert!(matches!(
            anchored.find_candidate_line(HAY).unwrap(),
            Some(LineMatchKind::Confirmed(43))
        ));
        assert_eq!(
            anchored.find_at(HAY, 0).unwrap().map(|m| m.start()),
            Some(73)
        );
        let at_end = matcher("x$", false);
        assert_eq!(at_end.find_at(HAY, 0).unwrap().map(|m| m.start()), Some(79));
        assert!(
            matcher("^$", false).find_at(HAY, 0).unwrap().is_none(),
            "holes never match"
        );
        assert!(
            matcher("x", true).is_match(b"").unwrap(),
            "-v leaves holes out"
        );
    }
}
