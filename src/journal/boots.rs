//! The boots a set of journal files holds, oldest first, as `journalctl --list-boots`
//! shows them, and journalctl's `-b N` offsets over that list. Found through the indexes:
//! the field hash table gives the `_BOOT_ID` FIELD object, whose chain of DATA objects is
//! every boot id in the file; each DATA's entry list gives that boot's first and last entry.
//! No entry is scanned.

use std::path::PathBuf;

use super::file::JournalFile;
use super::hash;
use super::object::{self, Bytes, Data, ObjectError, TYPE_FIELD};

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Boot {
    pub id: [u8; 16],
    pub first_realtime: u64,
    pub last_realtime: u64,
}

impl Boot {
    pub fn id_hex(&self) -> String {
        self.id.iter().map(|b| format!("{b:02x}")).collect()
    }
}

/// Every boot of `paths`, oldest first (by first entry), a boot spread over several files
/// counted once; and the files that could not be read, with why.
pub fn list(paths: &[PathBuf]) -> (Vec<Boot>, Vec<(PathBuf, String)>) {
    let mut boots: Vec<Boot> = Vec::new();
    let mut problems = Vec::new();
    for path in paths {
        let file = match JournalFile::open(path) {
            Ok(f) => f,
            Err(e) => {
                problems.push((path.clone(), e.to_string()));
                continue;
            }
        };
        let (found, err) = in_file(&file);
        if let Some(e) = err {
            problems.push((
                path.clone(),
                format!("damaged ({e}); some boots may be missing"),
            ));
        }
        for b in found {
            match boots.iter_mut().find(|x| x.id == b.id) {
                Some(x) => {
                    x.first_realtime = x.first_realtime.min(b.first_realtime);
                    x.last_realtime = x.last_realtime.max(b.last_realtime);
                }
                None => boots.push(b),
            }
        }
    }
    boots.sort_by_key(|b| (b.first_realtime, b.id));
    (boots, problems)
}

/// journalctl's `-b N` without an id: 1 is the first boot, 2 the second…; 0 the last,
/// -1 the one before it…
pub fn by_offset(boots: &[Boot], offset: i64) -> Option<&Boot> {
    if offset > 0 {
        boots.get(usize::try_from(offset - 1).ok()?)
    } else {
        let back = usize::try_from(offset.unsigned_abs()).ok()?;
        boots.len().checked_sub(back + 1).and_then(|i| boots.get(i))
    }
}

pub(crate) fn in_file(file: &JournalFile) -> (Vec<Boot>, Option<ObjectError>) {
    let b = file.bytes();
    let mut out = Vec::new();
    let head = match field_head_data(file, b"_BOOT_ID") {
        Ok(Some(h)) => h,
        Ok(None) => return (out, None),
        Err(e) => return (out, Some(e)),
    };
    // The chain is bounded by what the file can hold, so a damaged cycle ends.
    let mut at = head;
    let mut steps = b.file_len() / 64;
    while at != 0 {
        if steps == 0 {
            return (out, Some(ObjectError::OutOfBounds { offset: at }));
        }
        steps -= 1;
        match boot_of(file, &b, at) {
            Ok((boot, next)) => {
                out.extend(boot);
                at = next;
            }
            Err(e) => return (out, Some(e)),
        }
    }
    (out, None)
}

/// One `_BOOT_ID=…` DATA object: the boot, and the next DATA of the field's chain.
fn boot_of(file: &JournalFile, b: &Bytes<'_>, at: u64) -> Result<(Option<Boot>, u64), ObjectError> {
    let data = Data::read(b, at)?;
    let next = b.u64_at(at + 32)?;
    let raw = data.raw_payload(b)?;
    let Ok(plain) = super::payload::decode(&data, raw) else {
        return Ok((None, next));
    };
    let Some(id) = plain.strip_prefix(b"_BOOT_ID=").and_then(parse_id) else {
        return Ok((None, next));
    };
    if data.n_entries == 0 || data.entry_offset == 0 {
        return Ok((None, next));
    }
    let first = file.entry_head(data.entry_offset)?;
    let mut last = data.entry_offset;
    object::walk_entry_arrays(b, data.entry_array_offset, data.n_entries - 1, |o| {
        last = o;
        true
    })?;
    let last = file.entry_head(last)?;
    let boot = Boot {
        id,
        first_realtime: first.realtime,
        last_realtime: last.realtime,
    };
    Ok((Some(boot), next))
}

/// The head of a field's DATA chain, through the field hash table.
pub(crate) fn field_head_data(file: &JournalFile, name: &[u8]) -> Result<Option<u64>, ObjectError> {
    let b = file.bytes();
    let h = &file.header;
    let buckets = h.field_hash_table_size / 16;
    if buckets == 0 {
        return Ok(None);
    }
    b.slice(h.field_hash_table_offset, h.field_hash_table_size)?;
    let hash = hash::for_file(h.keyed_hash(), &h.file_id, name);
    let mut at = b.u64_at(h.field_hash_table_offset + (hash % buckets) * 16)?;
    let mut previous = 0;
    while at != 0 {
        if at <= previous {
            return Err(ObjectError::OutOfBounds { offset: at });
        }
        let field = b.object(at, TYPE_FIELD)?;
        // FIELD: hash @16, next_hash_offset @24, head_data_offset @32, name @40.
        if field.size >= 40
            && b.u64_at(at + 16)? == hash
            && b.slice(at + 40, field.size - 40)? == name
        {
            return Ok(Some(b.u64_at(at + 32)?));
        }
        previous = at;
        at = b.u64_at(at + 24)?;
    }
    Ok(None)
}

fn parse_id(hex: &[u8]) -> Option<[u8; 16]> {
    if hex.len() != 32 {
        return None;
    }
    let mut id = [0u8; 16];
    for (i, pair) in hex.chunks(2).enumerate() {
        let s = std::str::from_utf8(pair).ok()?;
        id[i] = u8::from_str_radix(s, 16).ok()?;
    }
    Some(id)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn boot(n: u8) -> Boot {
        Boot {
            id: [n; 16],
            first_realtime: u64::from(n),
            last_realtime: u64::from(n),
        }
    }

    #[test]
    fn offsets_count_from_the_first_or_back_from_the_last() {
        let boots = [boot(1), boot(2), boot(3)];
        assert_eq!(by_offset(&boots, 1), Some(&boots[0]));
        assert_eq!(by_offset(&boots, 3), Some(&boots[2]));
        assert_eq!(by_offset(&boots, 4), None);
        assert_eq!(by_offset(&boots, 0), Some(&boots[2]));
        assert_eq!(by_offset(&boots, -2), Some(&boots[0]));
        assert_eq!(by_offset(&boots, -3), None);
        assert_eq!(by_offset(&boots, i64::MIN), None);
        assert!(parse_id(b"zz").is_none());
    }
}
