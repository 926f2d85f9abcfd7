//! Every read the journal reader makes, over one file given as bytes: the header, the global
//! entry array chain, each entry's head and fields, the data hash table and a DATA object's
//! entry list, the field hash table's value chains and the boots. What the fuzz target
//! (fuzz/fuzz_targets/journal_file.rs) and the corpus replay (tests/journal_fuzz_corpus.rs)
//! run: any input must end here without a panic, a hang or an allocation the input cannot
//! justify.

use std::path::Path;

use super::boots;
use super::field_values;
use super::file::JournalFile;

/// Entries walked per input: the fuzzer's inputs are small, a corpus file has a few dozen.
const MAX_ENTRIES: usize = 4096;

/// How many entries were read whole (for the replay test to see that a valid file was).
pub fn exercise(bytes: &[u8]) -> usize {
    let Ok(file) = JournalFile::from_bytes(Path::new("fuzz-input"), bytes.to_vec()) else {
        return 0;
    };
    let (offsets, _) = file.entry_offsets();
    // The same chains read from their end back to a time (a window's reads): the middle
    // entry's time, so both the stop and the walk past it are taken.
    let middle = offsets
        .get(offsets.len() / 2)
        .and_then(|&o| file.entry_head(o).ok())
        .map_or(0, |h| h.realtime);
    let _ = file.entry_offsets_since(middle);
    let mut whole = 0;
    for &offset in offsets.iter().take(MAX_ENTRIES) {
        let _ = file.entry_head(offset);
        let _ = file.first_field(offset, b"MESSAGE");
        if let Ok((_, problems)) = file.entry_fields(offset, &|_| true) {
            whole += usize::from(problems.is_empty());
        }
    }
    for payload in [
        &b"PRIORITY=3"[..],
        b"_SYSTEMD_UNIT=nginx.service",
        b"_TRANSPORT=kernel",
        b"MESSAGE=",
    ] {
        if let Ok(Some(data)) = file.find_data(payload) {
            let _ = file.data_entries(&data);
            let _ = file.data_entries_since(&data, middle);
        }
    }
    for field in [&b"_SYSTEMD_UNIT"[..], b"PRIORITY", b"MESSAGE"] {
        let _ = field_values::in_file(&file, field);
    }
    let _ = boots::in_file(&file);
    whole
}
