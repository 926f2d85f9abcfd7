//! Objects of a journal file, read with every offset and size checked against the file's
//! length before use (a journal file is untrusted input: a damaged or half-written file
//! must give an error, never a panic, a loop or an unbounded allocation).
//!
//! Layouts (JOURNAL_FILE_FORMAT): every object starts with a 16-byte header
//! `{type u8, flags u8, reserved[6], size u64}` and is 8-byte aligned. Offsets inside
//! regular files are 64-bit; compact files (systemd ≥ 252) store entry items and entry
//! array items as 32-bit offsets.

use std::fmt;

pub const OBJECT_HEADER: u64 = 16;

pub const TYPE_DATA: u8 = 1;
pub const TYPE_FIELD: u8 = 2;
pub const TYPE_ENTRY: u8 = 3;
pub const TYPE_ENTRY_ARRAY: u8 = 6;

/// DATA object flags: how the payload is compressed.
pub const OBJ_COMPRESSED_XZ: u8 = 1 << 0;
pub const OBJ_COMPRESSED_LZ4: u8 = 1 << 1;
pub const OBJ_COMPRESSED_ZSTD: u8 = 1 << 2;

/// Offsets of fields inside objects.
const DATA_HASH: u64 = 16;
const DATA_NEXT_HASH: u64 = 24;
const DATA_ENTRY: u64 = 40;
const DATA_ENTRY_ARRAY: u64 = 48;
const DATA_N_ENTRIES: u64 = 56;
const DATA_PAYLOAD_REGULAR: u64 = 64;
const DATA_PAYLOAD_COMPACT: u64 = 72;
const ENTRY_SEQNUM: u64 = 16;
const ENTRY_ITEMS: u64 = 64;
const ARRAY_NEXT: u64 = 16;
const ARRAY_ITEMS: u64 = 24;

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ObjectError {
    OutOfBounds { offset: u64 },
    Misaligned { offset: u64 },
    WrongType { offset: u64, want: u8, found: u8 },
    BadSize { offset: u64, size: u64 },
}

impl fmt::Display for ObjectError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ObjectError::OutOfBounds { offset } => {
                write!(f, "object at offset {offset} lies outside the file")
            }
            ObjectError::Misaligned { offset } => {
                write!(f, "object offset {offset} is not 8-byte aligned")
            }
            ObjectError::WrongType {
                offset,
                want,
                found,
            } => write!(
                f,
                "object at offset {offset} has type {found}, expected {want}"
            ),
            ObjectError::BadSize { offset, size } => {
                write!(f, "object at offset {offset} has impossible size {size}")
            }
        }
    }
}

/// Bounds-checked little-endian reads over the file's bytes.
#[derive(Clone, Copy)]
pub struct Bytes<'a> {
    pub data: &'a [u8],
    pub compact: bool,
}

/// The stretch of the file one object covers: `[offset, offset + size)`, known to be inside.
#[derive(Debug, Clone, Copy)]
pub struct Object {
    pub offset: u64,
    pub size: u64,
    pub flags: u8,
}

impl<'a> Bytes<'a> {
    pub fn file_len(&self) -> u64 {
        self.data.len() as u64
    }

    pub fn slice(&self, offset: u64, len: u64) -> Result<&'a [u8], ObjectError> {
        let end = offset
            .checked_add(len)
            .filter(|&e| e <= self.file_len())
            .ok_or(ObjectError::OutOfBounds { offset })?;
        Ok(&self.data[offset as usize..end as usize])
    }

    pub fn u64_at(&self, offset: u64) -> Result<u64, ObjectError> {
        Ok(u64::from_le_bytes(
            self.slice(offset, 8)?.try_into().unwrap(),
        ))
    }

    pub fn u32_at(&self, offset: u64) -> Result<u32, ObjectError> {
        Ok(u32::from_le_bytes(
            self.slice(offset, 4)?.try_into().unwrap(),
        ))
    }

    /// The object at `offset`, which must be of type `want`, with its size checked against
    /// the file and against the smallest object of that type.
    pub fn object(&self, offset: u64, want: u8) -> Result<Object, ObjectError> {
        if offset % 8 != 0 {
            return Err(ObjectError::Misaligned { offset });
        }
        let head = self.slice(offset, OBJECT_HEADER)?;
        let found = head[0];
        if found != want {
            return Err(ObjectError::WrongType {
                offset,
                want,
                found,
            });
        }
        let size = u64::from_le_bytes(head[8..16].try_into().unwrap());
        let min = match want {
            TYPE_DATA => self.data_payload_start(),
            TYPE_ENTRY => ENTRY_ITEMS,
            TYPE_ENTRY_ARRAY => ARRAY_ITEMS,
            _ => OBJECT_HEADER,
        };
        if size < min {
            return Err(ObjectError::BadSize { offset, size });
        }
        self.slice(offset, size)
            .map_err(|_| ObjectError::BadSize { offset, size })?;
        Ok(Object {
            offset,
            size,
            flags: head[1],
        })
    }

    fn data_payload_start(&self) -> u64 {
        if self.compact {
            DATA_PAYLOAD_COMPACT
        } else {
            DATA_PAYLOAD_REGULAR
        }
    }

    fn item_size(&self) -> u64 {
        if self.compact {
            4
        } else {
            8
        }
    }

    fn offset_item(&self, at: u64) -> Result<u64, ObjectError> {
        if self.compact {
            self.u32_at(at).map(u64::from)
        } else {
            self.u64_at(at)
        }
    }
}

/// A DATA object: one `FIELD=value` payload shared by every entry that carries it, and the
/// list of those entries (the index a field match walks).
#[derive(Debug, Clone, Copy)]
pub struct Data {
    pub object: Object,
    pub hash: u64,
    pub next_hash_offset: u64,
    pub entry_offset: u64,
    pub entry_array_offset: u64,
    pub n_entries: u64,
}

impl Data {
    pub fn read(b: &Bytes<'_>, offset: u64) -> Result<Data, ObjectError> {
        let object = b.object(offset, TYPE_DATA)?;
        Ok(Data {
            object,
            hash: b.u64_at(offset + DATA_HASH)?,
            next_hash_offset: b.u64_at(offset + DATA_NEXT_HASH)?,
            entry_offset: b.u64_at(offset + DATA_ENTRY)?,
            entry_array_offset: b.u64_at(offset + DATA_ENTRY_ARRAY)?,
            n_entries: b.u64_at(offset + DATA_N_ENTRIES)?,
        })
    }

    /// The stored payload, still compressed when `compression()` says so.
    pub fn raw_payload<'a>(&self, b: &Bytes<'a>) -> Result<&'a [u8], ObjectError> {
        let start = b.data_payload_start();
        b.slice(self.object.offset + start, self.object.size - start)
    }

    pub fn compression(&self) -> u8 {
        self.object.flags & (OBJ_COMPRESSED_XZ | OBJ_COMPRESSED_LZ4 | OBJ_COMPRESSED_ZSTD)
    }
}

/// The fixed part of an ENTRY object: what ordering and time filters need without touching
/// any DATA object.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct EntryHead {
    pub offset: u64,
    pub seqnum: u64,
    pub realtime: u64,
    pub monotonic: u64,
    pub boot_id: [u8; 16],
    pub xor_hash: u64,
}

impl EntryHead {
    pub fn read(b: &Bytes<'_>, offset: u64) -> Result<EntryHead, ObjectError> {
        b.object(offset, TYPE_ENTRY)?;
        let fixed = b.slice(offset + ENTRY_SEQNUM, ENTRY_ITEMS - ENTRY_SEQNUM)?;
        let u = |i: usize| u64::from_le_bytes(fixed[i..i + 8].try_into().unwrap());
        Ok(EntryHead {
            offset,
            seqnum: u(0),
            realtime: u(8),
            monotonic: u(16),
            boot_id: fixed[24..40].try_into().unwrap(),
            xor_hash: u(40),
        })
    }
}

/// The DATA offsets an entry refers to (its fields), in the entry's stored order.
pub fn entry_items(b: &Bytes<'_>, entry_offset: u64) -> Result<Vec<u64>, ObjectError> {
    // journald writes at most 1024 fields an entry; a damaged size only grows the vector
    // as far as items are actually read, never by a count taken on trust.
    let mut items = Vec::with_capacity(16);
    for_each_entry_item(b, entry_offset, |o| {
        items.push(o);
        true
    })?;
    Ok(items)
}

/// `f` with each DATA offset of the entry, in stored order, until it returns false: the
/// per-entry reads of a grep allocate nothing.
pub fn for_each_entry_item(
    b: &Bytes<'_>,
    entry_offset: u64,
    mut f: impl FnMut(u64) -> bool,
) -> Result<(), ObjectError> {
    let object = b.object(entry_offset, TYPE_ENTRY)?;
    // Regular items are {offset u64, hash u64}; compact items are one u32 offset.
    let stride = if b.compact { 4 } else { 16 };
    let n = (object.size - ENTRY_ITEMS) / stride;
    for i in 0..n {
        let at = entry_offset + ENTRY_ITEMS + i * stride;
        if !f(b.offset_item(at)?) {
            break;
        }
    }
    Ok(())
}

/// Walks a chain of ENTRY_ARRAY objects from `first`, calling `f` with each entry offset
/// in order, stopping after `limit` offsets, at the first unused (zero) item, or when `f`
/// returns false. Every array must lie after the one before it, so a damaged chain that
/// points backwards cannot loop.
pub fn walk_entry_arrays(
    b: &Bytes<'_>,
    first: u64,
    limit: u64,
    mut f: impl FnMut(u64) -> bool,
) -> Result<(), ObjectError> {
    let mut at = first;
    let mut seen = 0u64;
    let mut previous = 0u64;
    while at != 0 && seen < limit {
        if at <= previous {
            return Err(ObjectError::OutOfBounds { offset: at });
        }
        let object = b.object(at, TYPE_ENTRY_ARRAY)?;
        let stride = b.item_size();
        let n = (object.size - ARRAY_ITEMS) / stride;
        for i in 0..n {
            if seen >= limit {
                return Ok(());
            }
            let entry = b.offset_item(at + ARRAY_ITEMS + i * stride)?;
            if entry == 0 {
                return Ok(());
            }
            seen += 1;
            if !f(entry) {
                return Ok(());
            }
        }
        previous = at;
        at = b.u64_at(at + ARRAY_NEXT)?;
    }
    Ok(())
}

/// The same chain as `walk_entry_arrays`, from its last offset backwards: the arrays' heads
/// and links are read first (arrays grow as the file does, so they are few), then items
/// from the end, until `f` returns false. What a reader of "the last 15 minutes" needs:
/// the cost is the entries it keeps, not the chain's length. The first `limit` offsets of
/// the chain are the used ones; unused (zero) slots at the end are skipped.
pub fn walk_entry_arrays_rev(
    b: &Bytes<'_>,
    first: u64,
    limit: u64,
    mut f: impl FnMut(u64) -> bool,
) -> Result<(), ObjectError> {
    let stride = b.item_size();
    // (array offset, items of it that count)
    let mut arrays: Vec<(u64, u64)> = Vec::new();
    let mut at = first;
    let mut seen = 0u64;
    let mut previous = 0u64;
    let mut problem = None;
    while at != 0 && seen < limit {
        if at <= previous {
            problem = Some(ObjectError::OutOfBounds { offset: at });
            break;
        }
        let object = match b.object(at, TYPE_ENTRY_ARRAY) {
            Ok(o) => o,
            Err(e) => {
                problem = Some(e);
                break;
            }
        };
        let n = ((object.size - ARRAY_ITEMS) / stride).min(limit - seen);
        arrays.push((at, n));
        seen += n;
        previous = at;
        at = match b.u64_at(at + ARRAY_NEXT) {
            Ok(next) => next,
            Err(e) => {
                problem = Some(e);
                break;
            }
        };
    }
    for &(at, n) in arrays.iter().rev() {
        for i in (0..n).rev() {
            let entry = b.offset_item(at + ARRAY_ITEMS + i * stride)?;
            if entry == 0 {
                continue;
            }
            if !f(entry) {
                return Ok(());
            }
        }
    }
    // A damaged link leaves the arrays before it read (from the end of what was
    // reachable), and is then reported, as the forward walk does.
    problem.map_or(Ok(()), Err)
}
