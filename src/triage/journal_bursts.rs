//! Error bursts in the systemd journal, per unit: entries at priority err or worse of the
//! last 15 minutes against the 45 minutes before, as the text-log rule counts lines
//! (log_bursts.rs), with each unit's most frequent signature. Read through the journal's
//! indexes (the PRIORITY=0…3 entry lists), bounded to the last hour by time, so the cost is
//! the error entries of that hour, not the journal's size.

use super::model::LogBurst;
use crate::journal::sources::{self, Sources, DEFAULT_ROOTS};
use crate::journal::{Fields, Query};
use crate::logs::levels::Level;
use crate::logs::signatures::SignatureTable;
use std::collections::BTreeMap;
use std::path::PathBuf;

const RECENT_US: u64 = 15 * 60 * 1_000_000;
const LOOKBACK_US: u64 = 60 * 60 * 1_000_000;

#[derive(Default)]
struct Counter {
    recent: u64,
    before: u64,
    signatures: SignatureTable,
}

/// `dirs` (as `--journal-dir`), or this machine's journal when empty. No journal is no
/// burst, not an error: many hosts keep none.
pub fn scan(dirs: &[PathBuf]) -> Result<Vec<LogBurst>, String> {
    let files = journal_files(dirs)?;
    if files.is_empty() {
        return Ok(Vec::new());
    }
    let now = now_us();
    let recent_from = now.saturating_sub(RECENT_US);
    let mut q = Query {
        since: Some(now.saturating_sub(LOOKBACK_US)),
        fields: Fields::Only(
            [
                "MESSAGE",
                "_SYSTEMD_UNIT",
                "SYSLOG_IDENTIFIER",
                "_TRANSPORT",
            ]
            .iter()
            .map(|s| s.to_string())
            .collect(),
        ),
        ..Query::default()
    };
    q = q.priorities(0, 3);
    let mut per_unit: BTreeMap<String, Counter> = BTreeMap::new();
    crate::journal::search(&files, &q, &mut |e| {
        let c = per_unit.entry(e.source_name()).or_default();
        if e.realtime >= recent_from {
            c.recent += 1;
            let ms = (e.realtime / 1000) as i64;
            c.signatures.add_message(
                Level::Error,
                "",
                e.field("MESSAGE").unwrap_or(b""),
                Some(ms),
            );
        } else {
            c.before += 1;
        }
        true
    });
    let journal_dir = dirs.first().map(|d| d.display().to_string());
    let mut bursts: Vec<LogBurst> = per_unit
        .into_iter()
        .filter(|(_, c)| c.recent > 0)
        .map(|(unit, c)| LogBurst {
            // The source's name in the report and the exporter's label: one per unit.
            path: format!("journal:{unit}"),
            unit: Some(unit),
            journal_dir: journal_dir.clone(),
            errors_last_15m: c.recent,
            // The 45 minutes before, scaled to 15 so the two compare.
            errors_before: c.before / 3,
            top_signature: c.signatures.top(1).into_iter().next().map(|s| s.signature),
        })
        .collect();
    bursts.sort_by_key(|b| std::cmp::Reverse(b.errors_last_15m));
    Ok(bursts)
}

/// The journal files triage reads: `dirs` (as `--journal-dir`), or this machine's journal
/// when empty. None found is an empty list, not an error, unless a named directory holds
/// none (then why).
pub(super) fn journal_files(dirs: &[PathBuf]) -> Result<Vec<PathBuf>, String> {
    let src = if dirs.is_empty() {
        Sources::Default {
            roots: DEFAULT_ROOTS.iter().map(PathBuf::from).collect(),
            namespace: None,
        }
    } else {
        Sources::Dirs(dirs.to_vec())
    };
    let found = sources::discover(&src);
    if found.files.is_empty() {
        return match (dirs.first(), found.warnings.first()) {
            (Some(_), Some(w)) => Err(w.clone()),
            _ => Ok(Vec::new()),
        };
    }
    Ok(found.files)
}

pub(super) fn now_us() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_micros() as u64)
        .unwrap_or(0)
}
