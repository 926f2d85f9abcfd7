//! Error bursts in logs: error lines of the last 15 minutes against the 45 minutes before,
//! per log (a rotated set counts as one), with the most frequent signature of the burst.
//! Built on the `logs` module's search, so timestamps, levels, rotation and compression are
//! read exactly as `oncall logs grep --level error --since 1h` reads them.

use super::model::LogBurst;
use crate::logs::levels::Level;
use crate::logs::search::{Grep, GrepOptions, LineKind, LineSink};
use crate::logs::signatures::SignatureTable;
use crate::logs::sources;
use crate::logs::time_range::TimeRange;
use crate::logs::timestamps::Clock;
use std::io;
use std::path::PathBuf;

const RECENT_MS: i64 = 15 * 60 * 1000;
const LOOKBACK_MS: i64 = 60 * 60 * 1000;

/// Counts a source's error lines into "recent" and "before" by their timestamps.
struct BurstCounter {
    recent_from: i64,
    recent: u64,
    before: u64,
    signatures: SignatureTable,
}

impl LineSink for BurstCounter {
    fn line(
        &mut self,
        kind: LineKind,
        _: Option<u64>,
        text: &[u8],
        ts: Option<i64>,
    ) -> io::Result<bool> {
        if kind != LineKind::Match {
            return Ok(true);
        }
        match ts {
            Some(t) if t >= self.recent_from => {
                self.recent += 1;
                self.signatures.add(text, ts);
            }
            Some(_) => self.before += 1,
            // A file whose lines carry no time cannot be placed in the window.
            None => {}
        }
        Ok(true)
    }
}

/// Scans `paths` (default /var/log) for error lines of the last hour.
pub fn scan(paths: &[PathBuf]) -> Result<Vec<LogBurst>, String> {
    let paths: Vec<PathBuf> = if paths.is_empty() {
        vec![PathBuf::from("/var/log")]
    } else {
        paths.to_vec()
    };
    let found =
        sources::discover(&paths).map_err(|e| format!("{}: {}", e.path.display(), e.why))?;
    let clock = Clock::system();
    let now = clock.now_ms();
    let range = TimeRange {
        since: Some(now - LOOKBACK_MS),
        until: None,
    };
    let grep = Grep::new(GrepOptions::at_level(Level::Error, range), clock)?;
    let mut bursts = Vec::new();
    for source in &found.sources {
        let mut counter = BurstCounter {
            recent_from: now - RECENT_MS,
            recent: 0,
            before: 0,
            signatures: SignatureTable::new(&source.display()),
        };
        // An unreadable member of a set is skipped; the other logs still count.
        if grep.search(source, &mut counter).is_err() || counter.recent == 0 {
            continue;
        }
        bursts.push(LogBurst {
            path: source.display(),
            unit: None,
            journal_dir: None,
            errors_last_15m: counter.recent,
            // The 45 minutes before, scaled to 15 so the two compare.
            errors_before: counter.before / 3,
            top_signature: counter
                .signatures
                .top(1)
                .into_iter()
                .next()
                .map(|s| s.signature),
        });
    }
    bursts.sort_by_key(|b| std::cmp::Reverse(b.errors_last_15m));
    Ok(bursts)
}
