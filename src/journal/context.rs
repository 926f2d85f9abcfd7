//! `logs grep -C/-A/-B` over journal entries: which entries of the selected stream (what
//! `-u`, `-p`, `-b`… select, in journalctl's order) are shown around each match, and where
//! rg's `--` separator goes (between two shown stretches that are not adjacent in the
//! stream). Context is counted in entries, not lines: journalctl -g has no context, and an
//! entry is the journal's unit of output (a multi-line message is one entry). Over
//! single-line messages this is exactly `journalctl -o cat … | rg -C N PATTERN`.

use std::collections::VecDeque;

/// What to show next.
#[derive(Debug, PartialEq, Eq)]
pub enum Show<T> {
    /// rg's `--` between stretches that are not adjacent.
    Separator,
    /// An entry, and whether it matched (false: context).
    Item(T, bool),
}

pub struct ContextWindow<T> {
    before: usize,
    after: usize,
    /// The last `before` entries not shown, with their index in the stream.
    held: VecDeque<(u64, T)>,
    after_left: usize,
    last_shown: Option<u64>,
    index: u64,
}

impl<T> ContextWindow<T> {
    pub fn new(before: usize, after: usize) -> ContextWindow<T> {
        ContextWindow {
            before,
            after,
            held: VecDeque::with_capacity(before.min(1024)),
            after_left: 0,
            last_shown: None,
            index: 0,
        }
    }

    /// The stream's next entry; `emit` gets what to show (false from it stops, and is
    /// returned).
    pub fn push(&mut self, item: T, matched: bool, emit: &mut dyn FnMut(Show<T>) -> bool) -> bool {
        let i = self.index;
        self.index += 1;
        if matched {
            while let Some((j, held)) = self.held.pop_front() {
                if !self.show(j, held, false, emit) {
                    return false;
                }
            }
            self.after_left = self.after;
            return self.show(i, item, true, emit);
        }
        if self.after_left > 0 {
            self.after_left -= 1;
            return self.show(i, item, false, emit);
        }
        if self.before > 0 {
            if self.held.len() == self.before {
                self.held.pop_front();
            }
            self.held.push_back((i, item));
        }
        true
    }

    /// Whether the last match's after-context is still being shown (a `-m N` search goes
    /// on until it is).
    pub fn in_after_context(&self) -> bool {
        self.after_left > 0
    }

    fn show(
        &mut self,
        j: u64,
        item: T,
        matched: bool,
        emit: &mut dyn FnMut(Show<T>) -> bool,
    ) -> bool {
        // As rg: no separator when no context is asked for (`-C 0`).
        let context = self.before > 0 || self.after > 0;
        if context && self.last_shown.is_some_and(|l| j > l + 1) && !emit(Show::Separator) {
            return false;
        }
        self.last_shown = Some(j);
        emit(Show::Item(item, matched))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The shown stream as rg would print it: numbers, `--`, `*` on matches.
    fn shown(before: usize, after: usize, matches: &[bool]) -> String {
        let mut w = ContextWindow::new(before, after);
        let mut out = Vec::new();
        for (i, &m) in matches.iter().enumerate() {
            w.push(i, m, &mut |s| {
                out.push(match s {
                    Show::Separator => "--".to_string(),
                    Show::Item(i, true) => format!("{i}*"),
                    Show::Item(i, false) => i.to_string(),
                });
                true
            });
        }
        out.join(" ")
    }

    #[test]
    fn context_is_counted_in_entries_with_separators_between_stretches() {
        let m = |s: &str| s.bytes().map(|b| b == b'x').collect::<Vec<_>>();
        assert_eq!(shown(1, 1, &m("..x....x..")), "1 2* 3 -- 6 7* 8");
        // Overlapping contexts are one stretch, each entry shown once.
        assert_eq!(shown(2, 2, &m("..x..x....")), "0 1 2* 3 4 5* 6 7");
        assert_eq!(shown(0, 0, &m("x.x")), "0* 2*");
        assert_eq!(shown(0, 0, &m("xx")), "0* 1*");
        assert_eq!(shown(3, 0, &m(".x")), "0 1*");
        assert_eq!(shown(0, 5, &m("x..")), "0* 1 2");
    }
}
