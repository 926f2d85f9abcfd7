//! Runs a `Query` over several journal files: each file is opened and matched on its own
//! rayon task (matches through its indexes, then the time bounds and the MESSAGE regex),
//! then the per-file lists are merged in journalctl's order and only the fields the query
//! wants are read, entry by entry, into the caller's sink. A file that cannot be opened or
//! is damaged part-way gives a warning naming it; the other files are still read.

use std::cmp::Ordering;
use std::collections::HashMap;
use std::path::{Path, PathBuf};

use rayon::prelude::*;

use super::file::{FieldList, FieldProblem, JournalFile};
use super::message_index::MessageIndex;
use super::object::{EntryHead, ObjectError};
use super::query::{intersect, union, Clause, Conjunction, Query};

/// One entry as the query asked for it.
#[derive(Debug, Clone)]
pub struct Entry {
    /// Index into `Outcome::files`.
    pub file: usize,
    pub seqnum: u64,
    pub realtime: u64,
    pub monotonic: u64,
    pub boot_id: [u8; 16],
    /// The writer's seqnum id and the entry's xor hash: with the above, journalctl's cursor.
    pub seqnum_id: [u8; 16],
    pub xor_hash: u64,
    pub fields: FieldList,
    /// Fields that could not be read (unsupported compression, damage).
    pub problems: Vec<FieldProblem>,
}

impl Entry {
    /// What the entry is grouped under: its unit, else the kernel, else its identifier.
    pub fn source_name(&self) -> String {
        let text = |n: &str| {
            self.field(n)
                .map(|v| String::from_utf8_lossy(v).into_owned())
        };
        text("_SYSTEMD_UNIT")
            .or_else(|| {
                (self.field("_TRANSPORT") == Some(b"kernel".as_slice()))
                    .then(|| "kernel".to_string())
            })
            .or_else(|| text("SYSLOG_IDENTIFIER"))
            .unwrap_or_else(|| "unknown".into())
    }

    pub fn field(&self, name: &str) -> Option<&[u8]> {
        self.fields
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_slice())
    }
}

#[derive(Debug, Clone)]
pub struct FileStatus {
    pub path: PathBuf,
    /// Entries of this file that matched (before the merge dropped duplicates).
    pub matched: usize,
    /// Why the file was not read, or not wholly.
    pub warning: Option<String>,
}

#[derive(Debug, Clone, Default)]
pub struct Outcome {
    pub files: Vec<FileStatus>,
    /// Entries found in more than one file (the same entry in an archived and a copied
    /// file, say), returned once.
    pub duplicates: usize,
}

/// A grep goes through the MESSAGE index when the other matches leave at least
/// 1/INDEX_WORTH of the file's entries: testing an entry reads all its DATA objects up to
/// MESSAGE (seven or so), the index one DATA object per distinct message.
const INDEX_WORTH: u64 = 8;

/// Entries whose fields are read together (in parallel) before they go to the sink.
const RUN: usize = 1024;

struct Matched {
    file: Option<JournalFile>,
    heads: Vec<EntryHead>,
    /// The highest offset that satisfied the matches (before time bounds and MESSAGE).
    last_candidate: Option<u64>,
}

/// Every matching entry of `paths`, in journalctl's order, handed to `sink` until it
/// returns false. With `query.last`, only the last N of that order.
pub fn search(paths: &[PathBuf], query: &Query, sink: &mut dyn FnMut(Entry) -> bool) -> Outcome {
    run(paths, query, None, sink)
}

/// Where a follower has read to: per journal file (by its file id, which survives
/// journald's rename of `system.journal` to `system@….journal` at rotation), the offset of
/// the last entry that satisfied the query's matches. Entries are appended in offset order
/// and never change, so anything at or below it was seen (shown or rejected) already.
#[derive(Debug, Clone, Default)]
pub struct Seen(pub HashMap<[u8; 16], u64>);

/// `search` over the entries beyond `seen` only, recording how far each file was read: a
/// follower calls it on each wake-up and every entry is returned exactly once, across
/// rotation (the archived file keeps its id) and new files (a new id, read from its start).
pub fn search_new(
    paths: &[PathBuf],
    query: &Query,
    seen: &mut Seen,
    sink: &mut dyn FnMut(Entry) -> bool,
) -> Outcome {
    run(paths, query, Some(seen), sink)
}

fn run(
    paths: &[PathBuf],
    query: &Query,
    seen: Option<&mut Seen>,
    sink: &mut dyn FnMut(Entry) -> bool,
) -> Outcome {
    let before = seen.as_deref().cloned();
    let per_file: Vec<(Matched, FileStatus)> = paths
        .par_iter()
        .map(|p| match_file(p, query, before.as_ref()))
        .collect();
    let mut outcome = Outcome::default();
    let mut matched = Vec::with_capacity(per_file.len());
    for (m, status) in per_file {
        matched.push(m);
        outcome.files.push(status);
    }
    if let Some(seen) = seen {
        for m in &matched {
            if let (Some(f), Some(last)) = (&m.file, m.last_candidate) {
                let at = seen.0.entry(f.header.file_id).or_insert(0);
                *at = (*at).max(last);
            }
        }
    }
    // The merged order first, as (file, head) only; fields are read for what is returned.
    let mut order: std::collections::VecDeque<(usize, EntryHead)> = Default::default();
    let want = |name: &[u8]| query.wants_field(name);
    // The fields of a run of entries in the merged order are read in parallel (the
    // per-entry work of `-p err` or `-u` over half a journal), then handed to the sink in
    // that order; a run is short, so memory stays bounded and `-m N` reads at most a run
    // more than it shows.
    let mut pending: Vec<(usize, EntryHead)> = Vec::with_capacity(RUN);
    let mut flush = |pending: &mut Vec<(usize, EntryHead)>, outcome: &mut Outcome| -> bool {
        let read: Vec<_> = pending
            .par_iter()
            .with_min_len(64)
            .map(|&(i, head)| {
                let file = matched[i]
                    .file
                    .as_ref()
                    .expect("a file with entries is open");
                file.entry_fields(head.offset, &want)
            })
            .collect();
        for ((i, head), r) in pending.drain(..).zip(read) {
            let (fields, problems) = match r {
                Ok(r) => r,
                Err(e) => {
                    note(&mut outcome.files[i], format!("entry unreadable: {e}"));
                    continue;
                }
            };
            let file = matched[i]
                .file
                .as_ref()
                .expect("a file with entries is open");
            let more = sink(Entry {
                file: i,
                seqnum: head.seqnum,
                realtime: head.realtime,
                monotonic: head.monotonic,
                boot_id: head.boot_id,
                seqnum_id: file.header.seqnum_id,
                xor_hash: head.xor_hash,
                fields,
                problems,
            });
            if !more {
                return false;
            }
        }
        true
    };
    let mut stopped = false;
    match query.last {
        None => merge(&matched, &mut outcome, &mut |i, head, outcome| {
            pending.push((i, head));
            if pending.len() < RUN {
                return true;
            }
            stopped = !flush(&mut pending, outcome);
            !stopped
        }),
        Some(n) => {
            merge(&matched, &mut outcome, &mut |i, head, _| {
                order.push_back((i, head));
                if order.len() > n {
                    order.pop_front();
                }
                true
            });
            while !order.is_empty() && !stopped {
                pending.extend(order.drain(..RUN.min(order.len())));
                stopped = !flush(&mut pending, &mut outcome);
            }
        }
    }
    if !stopped {
        flush(&mut pending, &mut outcome);
    }
    for (status, m) in outcome.files.iter_mut().zip(&matched) {
        if let Some(at) = m.file.as_ref().and_then(|f| f.truncated_at()) {
            note(
                status,
                format!("truncated while being read; only its first {at} bytes were read"),
            );
        }
    }
    outcome
}

/// journalctl's merge: of every file's next entry, the earliest by `compare_locations`;
/// linear over the files, as sd_journal does. The same entry in two files is passed once.
fn merge(
    matched: &[Matched],
    outcome: &mut Outcome,
    each: &mut dyn FnMut(usize, EntryHead, &mut Outcome) -> bool,
) {
    let mut next = vec![0usize; matched.len()];
    let mut last: Option<(usize, EntryHead)> = None;
    loop {
        let mut best: Option<usize> = None;
        for (i, m) in matched.iter().enumerate() {
            let Some(head) = m.heads.get(next[i]) else {
                continue;
            };
            best = match best {
                None => Some(i),
                Some(b) => {
                    let bh = &matched[b].heads[next[b]];
                    if compare(&matched[i], head, &matched[b], bh) == Ordering::Less {
                        Some(i)
                    } else {
                        Some(b)
                    }
                }
            };
        }
        let Some(i) = best else { break };
        let head = matched[i].heads[next[i]];
        next[i] += 1;
        if let Some((lf, lh)) = &last {
            if same_entry(&matched[*lf], lh, &matched[i], &head) {
                outcome.duplicates += 1;
                continue;
            }
        }
        last = Some((i, head));
        if !each(i, head, outcome) {
            break;
        }
    }
}

/// `search` into a vector.
pub fn collect(paths: &[PathBuf], query: &Query) -> (Vec<Entry>, Outcome) {
    let mut entries = Vec::new();
    let outcome = search(paths, query, &mut |e| {
        entries.push(e);
        true
    });
    (entries, outcome)
}

fn note(status: &mut FileStatus, warning: String) {
    status.warning = Some(match status.warning.take() {
        Some(w) => format!("{w}; {warning}"),
        None => warning,
    });
}

fn damaged(e: &ObjectError) -> String {
    format!("damaged ({e}); entries beyond it were not read")
}

fn match_file(path: &Path, query: &Query, seen: Option<&Seen>) -> (Matched, FileStatus) {
    let mut status = FileStatus {
        path: path.to_path_buf(),
        matched: 0,
        warning: None,
    };
    let file = match JournalFile::open(path) {
        Ok(f) => f,
        Err(e) => {
            status.warning = Some(format!("not read: {e}"));
            let m = Matched {
                file: None,
                heads: Vec::new(),
                last_candidate: None,
            };
            return (m, status);
        }
    };
    let test = |m: &[u8]| -> bool {
        query.grep.as_ref().is_none_or(|re| re.is_match(m))
            && query.message.as_ref().is_none_or(|f| (f.0)(m))
    };
    let tests_message = query.grep.is_some() || query.message.is_some();
    // A grep through the MESSAGE index (message_index.rs) when it reads less than testing
    // the candidates one by one: not for a tail (N entries from the end) nor a follower
    // (an entry being linked may be in the entry array before it is in its DATA's list),
    // and not when the other matches already leave few entries.
    let by_index = tests_message && query.last.is_none() && seen.is_none();
    let mut index = None;
    let whole_file = query.clauses.is_empty() && query.since.is_none() && query.until.is_none();
    if by_index && whole_file {
        index = MessageIndex::build(&file, &test);
    }
    let (mut offsets, last_candidate) = if let Some(ix) = &mut index {
        (std::mem::take(&mut ix.candidates), None)
    } else {
        let (offsets, problem) = candidates(&file, &query.clauses, query.since);
        if let Some(e) = problem {
            note(&mut status, damaged(&e));
        }
        let last = offsets.last().copied();
        (offsets, last)
    };
    if let Some(after) = seen.and_then(|s| s.0.get(&file.header.file_id)) {
        offsets.retain(|&o| o > *after);
    }
    // Entries are appended in time order, so `--since` is a bisection over the candidates
    // (as sd_journal seeks by realtime), not a read of every head before it: triage's last
    // hour of a large journal costs that hour. An unreadable head counts as "before", and
    // the walk below reports it if it is reached. `--until` is bisected the same way
    // (journalctl stops at the first entry past it), and each head is still tested.
    let before = |o: &u64, t: u64| file.entry_head(*o).map_or(true, |h| h.realtime < t);
    if let Some(since) = query.since {
        let skip = offsets.partition_point(|o| before(o, since));
        offsets.drain(..skip);
    }
    if let Some(until) = query.until {
        let end = offsets.partition_point(|o| before(o, until.saturating_add(1)));
        offsets.truncate(end);
    }
    let worth_it = offsets.len() as u64 >= file.header.n_entries / INDEX_WORTH;
    if by_index && index.is_none() && worth_it {
        index = MessageIndex::build(&file, &test);
        if let Some(ix) = &mut index {
            offsets = intersect(&offsets, &std::mem::take(&mut ix.candidates));
        }
    }
    let mut heads = Vec::with_capacity(offsets.len().min(query.last.unwrap_or(usize::MAX)));
    let message = |offset: u64| -> bool {
        if !tests_message {
            return true;
        }
        if let Some(ix) = &index {
            return ix.first_message_passes(&file, offset);
        }
        match file.first_field(offset, b"MESSAGE") {
            Ok(Some(m)) => test(&m),
            _ => false,
        }
    };
    // For a tail, from the end: N entries that pass, not the whole list.
    let reverse = query.last.is_some();
    let mut visit = |offset: u64, heads: &mut Vec<EntryHead>| -> bool {
        let head = match file.entry_head(offset) {
            Ok(h) => h,
            Err(e) => {
                note(&mut status, damaged(&e));
                return false;
            }
        };
        if query.since.is_some_and(|s| head.realtime < s)
            || query.until.is_some_and(|u| head.realtime > u)
        {
            return true;
        }
        if message(offset) {
            heads.push(head);
        }
        query.last.is_none_or(|n| heads.len() < n)
    };
    if query.last == Some(0) {
        // A follower starting at the end: only where each file ends.
    } else if reverse {
        for &offset in offsets.iter().rev() {
            if !visit(offset, &mut heads) {
                break;
            }
        }
        heads.reverse();
    } else {
        for &offset in &offsets {
            if !visit(offset, &mut heads) {
                break;
            }
        }
    }
    status.matched = heads.len();
    let m = Matched {
        file: Some(file),
        heads,
        last_candidate,
    };
    (m, status)
}

/// The offsets of the entries that satisfy every clause, in file order, through the
/// file's indexes; all entries when there is no clause. An index found damaged ends that
/// list early and is reported. With `since`, every list is read from its end back to that
/// time only (triage's last hour of a 1 GiB journal costs that hour's entries).
fn candidates(
    file: &JournalFile,
    clauses: &[Clause],
    since: Option<u64>,
) -> (Vec<u64>, Option<ObjectError>) {
    if clauses.is_empty() {
        return match since {
            Some(t) => file.entry_offsets_since(t),
            None => file.entry_offsets(),
        };
    }
    let mut problem = None;
    let mut result: Option<Vec<u64>> = None;
    for clause in clauses {
        let mut any = Vec::new();
        for conj in &clause.0 {
            let got = conjunction(file, conj, since, &mut problem);
            any = union(&any, &got);
        }
        result = Some(match result {
            None => any,
            Some(r) => intersect(&r, &any),
        });
        if result.as_ref().is_some_and(|r| r.is_empty()) {
            break;
        }
    }
    (result.unwrap_or_default(), problem)
}

fn conjunction(
    file: &JournalFile,
    conj: &Conjunction,
    since: Option<u64>,
    problem: &mut Option<ObjectError>,
) -> Vec<u64> {
    let mut fields: Vec<&str> = conj.0.iter().map(|m| m.field.as_str()).collect();
    fields.sort_unstable();
    fields.dedup();
    let mut result: Option<Vec<u64>> = None;
    for field in fields {
        let mut any = Vec::new();
        for m in conj.0.iter().filter(|m| m.field == field) {
            match file.find_data(&m.payload()) {
                Ok(Some(data)) => {
                    let (mut list, e) = match since {
                        Some(t) => file.data_entries_since(&data, t),
                        None => file.data_entries(&data),
                    };
                    if e.is_some() {
                        *problem = e;
                    }
                    // Appended entries have rising offsets; a damaged list may not.
                    list.sort_unstable();
                    list.dedup();
                    any = union(&any, &list);
                }
                Ok(None) => {}
                Err(e) => *problem = Some(e),
            }
        }
        result = Some(match result {
            None => any,
            Some(r) => intersect(&r, &any),
        });
        if result.as_ref().is_some_and(|r| r.is_empty()) {
            break;
        }
    }
    result.unwrap_or_default()
}

fn seqnum_id(m: &Matched) -> Option<[u8; 16]> {
    m.file.as_ref().map(|f| f.header.seqnum_id)
}

/// systemd's `journal_file_compare_locations`: seqnum when both files share a seqnum id
/// (written by the same journald), else monotonic time within one boot, else realtime,
/// else the entries' xor hash.
fn compare(fa: &Matched, a: &EntryHead, fb: &Matched, b: &EntryHead) -> Ordering {
    if seqnum_id(fa) == seqnum_id(fb) {
        let o = a.seqnum.cmp(&b.seqnum);
        if o != Ordering::Equal {
            return o;
        }
    }
    if a.boot_id == b.boot_id {
        let o = a.monotonic.cmp(&b.monotonic);
        if o != Ordering::Equal {
            return o;
        }
    }
    a.realtime
        .cmp(&b.realtime)
        .then(a.xor_hash.cmp(&b.xor_hash))
}

/// The same entry seen in two files (journalctl shows it once).
fn same_entry(fa: &Matched, a: &EntryHead, fb: &Matched, b: &EntryHead) -> bool {
    if std::ptr::eq(fa, fb) {
        return false;
    }
    a.boot_id == b.boot_id
        && a.monotonic == b.monotonic
        && a.realtime == b.realtime
        && a.xor_hash == b.xor_hash
}
