//! The journal file parser on arbitrary bytes: header, objects, entry arrays, hash tables,
//! compressed DATA, boots (`oncall::journal::exercise`). Seeds: ../corpus/journal_file/,
//! real files from systemd-journal-remote cut to their used size.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let _ = oncall::journal::exercise::exercise(data);
});
