//! The values a field takes in a set of journal files, from the field hash table: the FIELD
//! object's chain of DATA objects is every distinct `FIELD=value` of the file, so no entry is
//! read. journalctl uses this for `-u` globs (`get_possible_units`) and `-F FIELD`.

use std::collections::BTreeSet;
use std::path::PathBuf;

use super::boots::field_head_data;
use super::file::JournalFile;
use super::object::Data;
use super::payload;
use super::query::{is_glob, mangle_unit};
use super::sources::wildcard;

/// The fields journalctl reads unit names from for a `-u` glob (its SYSTEM_UNITS).
const UNIT_FIELDS: [&[u8]; 5] = [
    b"_SYSTEMD_UNIT",
    b"COREDUMP_UNIT",
    b"UNIT",
    b"OBJECT_SYSTEMD_UNIT",
    b"_SYSTEMD_SLICE",
];

/// Distinct values of field `name` in `file`; a damaged chain ends the list.
pub fn in_file(file: &JournalFile, name: &[u8]) -> Vec<Vec<u8>> {
    let b = file.bytes();
    let mut out = Vec::new();
    let Ok(Some(mut at)) = field_head_data(file, name) else {
        return out;
    };
    // New values are put at the head of the chain, so it runs towards lower offsets; it is
    // bounded by what the file can hold, so a damaged link cannot loop for ever.
    let mut steps = b.file_len() / 64;
    while at != 0 && steps > 0 {
        steps -= 1;
        let Ok(data) = Data::read(&b, at) else { break };
        if let Ok(raw) = data.raw_payload(&b) {
            if let Ok(plain) = payload::decode(&data, raw) {
                if let Some(v) = plain.strip_prefix(name).and_then(|r| r.strip_prefix(b"=")) {
                    out.push(v.to_vec());
                }
            }
        }
        // DATA: next_field_offset @32.
        at = b.u64_at(at + 32).unwrap_or(0);
    }
    out
}

/// The fields journalctl reads user unit names from for a `--user-unit` glob (USER_UNITS).
pub const USER_UNIT_FIELDS: [&[u8]; 5] = [
    b"_SYSTEMD_USER_UNIT",
    b"COREDUMP_USER_UNIT",
    b"USER_UNIT",
    b"OBJECT_SYSTEMD_USER_UNIT",
    b"_SYSTEMD_USER_SLICE",
];

/// `-u` arguments as journalctl takes them: a plain name is mangled (`nginx` →
/// `nginx.service`); a glob becomes every unit name in the files that it matches (none may
/// match: then it selects nothing, as in journalctl).
pub fn expand_units(patterns: &[String], paths: &[PathBuf]) -> Vec<String> {
    expand_units_in(patterns, paths, &UNIT_FIELDS)
}

/// `expand_units` over the given unit-name fields (`USER_UNIT_FIELDS` for --user-unit).
pub fn expand_units_in(patterns: &[String], paths: &[PathBuf], fields: &[&[u8]]) -> Vec<String> {
    let mut units: BTreeSet<String> = BTreeSet::new();
    let globs: Vec<&String> = patterns.iter().filter(|p| is_glob(p)).collect();
    for p in patterns.iter().filter(|p| !is_glob(p)) {
        units.insert(mangle_unit(p));
    }
    if !globs.is_empty() {
        let mut names: BTreeSet<Vec<u8>> = BTreeSet::new();
        for path in paths {
            let Ok(file) = JournalFile::open(path) else {
                continue;
            };
            for field in fields {
                names.extend(in_file(&file, field));
            }
        }
        for name in names {
            if globs.iter().any(|g| wildcard(g.as_bytes(), &name)) {
                units.insert(String::from_utf8_lossy(&name).into_owned());
            }
        }
    }
    units.into_iter().collect()
}
