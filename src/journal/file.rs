//! One open journal file: its bytes (a SIGBUS-safe map, a plain map when the SIGBUS table
//! is full), its parsed header, and the three ways in: entries in file order (the global entry
//! array chain), an entry's fields, and the entries that carry one `FIELD=value` (the data
//! hash table, then that DATA object's own entry list — no scan of the file).
//!
//! The length is fixed when the file is opened: a file still being written may grow, but
//! what was appended later is simply not seen, and anything that points past our length is
//! reported as the end of what could be read.

use std::fs::File;
use std::io::{self, Read};
use std::path::{Path, PathBuf};

use super::hash;
use super::header::{self, Header, HeaderError};
use super::object::{self, Bytes, Data, EntryHead, ObjectError, OBJECT_HEADER};
use super::payload::{self, PayloadError};
use crate::logs::mapped::MappedLog;

enum Storage {
    Mapped(MappedLog),
    /// A map outside the SIGBUS table, when all its slots are taken (a merge keeps every
    /// file of /var/log/journal open at once, often more than 64).
    Plain(memmap2::Mmap),
    /// Empty files cannot be mapped.
    Owned(Vec<u8>),
}

pub struct JournalFile {
    pub path: PathBuf,
    storage: Storage,
    pub header: Header,
}

#[derive(Debug)]
pub enum OpenError {
    Io(io::Error),
    Header(HeaderError),
}

impl std::fmt::Display for OpenError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            OpenError::Io(e) => write!(f, "{e}"),
            OpenError::Header(e) => write!(f, "{e}"),
        }
    }
}

/// An entry's fields as `(name, value)`, in the entry's stored order.
pub type FieldList = Vec<(String, Vec<u8>)>;

/// A field of an entry that could not be read (unsupported compression, damage): the entry
/// is still returned, without that field, and the caller can say why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FieldProblem {
    pub data_offset: u64,
    pub reason: String,
}

impl JournalFile {
    pub fn open(path: &Path) -> Result<JournalFile, OpenError> {
        let mut file = File::open(path).map_err(OpenError::Io)?;
        let len = file.metadata().map_err(OpenError::Io)?.len();
        let storage = match MappedLog::map(&file, len).map_err(OpenError::Io)? {
            Some(map) => Storage::Mapped(map),
            None if len > 0 => {
                // SAFETY: read-only and private. Unlike the registered maps, a truncation
                // under this one would raise SIGBUS; journald never shrinks a journal file
                // (it appends, archives by rename and vacuums by unlink, which keeps a map
                // valid), so we take that risk for files beyond the table rather than copy
                // whole files into memory.
                let len = usize::try_from(len)
                    .map_err(|_| OpenError::Io(io::Error::other("too large to map")))?;
                let map = unsafe { memmap2::MmapOptions::new().len(len).map(&file) };
                Storage::Plain(map.map_err(OpenError::Io)?)
            }
            None => {
                let mut bytes = Vec::new();
                (&mut file)
                    .take(len)
                    .read_to_end(&mut bytes)
                    .map_err(OpenError::Io)?;
                Storage::Owned(bytes)
            }
        };
        let bytes = match &storage {
            Storage::Mapped(m) => m.bytes(),
            Storage::Plain(m) => &m[..],
            Storage::Owned(v) => v.as_slice(),
        };
        let header = header::parse(bytes).map_err(OpenError::Header)?;
        Ok(JournalFile {
            path: path.to_path_buf(),
            storage,
            header,
        })
    }

    /// A file's bytes already in memory (the fuzz target, the corpus replay): the same
    /// checks as `open`.
    pub fn from_bytes(path: &Path, bytes: Vec<u8>) -> Result<JournalFile, OpenError> {
        let header = header::parse(&bytes).map_err(OpenError::Header)?;
        Ok(JournalFile {
            path: path.to_path_buf(),
            storage: Storage::Owned(bytes),
            header,
        })
    }

    pub fn bytes(&self) -> Bytes<'_> {
        let data = match &self.storage {
            Storage::Mapped(m) => m.bytes(),
            Storage::Plain(m) => &m[..],
            Storage::Owned(v) => v.as_slice(),
        };
        Bytes {
            data,
            compact: self.header.compact(),
        }
    }

    /// Where the file was cut short while we read it, if it was (a map only).
    pub fn truncated_at(&self) -> Option<u64> {
        match &self.storage {
            Storage::Mapped(m) => m.truncated_at(),
            Storage::Plain(_) | Storage::Owned(_) => None,
        }
    }

    /// Every entry in file order (seqnum order) via the entry array chain, at most
    /// `n_entries` of the header. An error ends the walk; the entries before it stand.
    pub fn entry_offsets(&self) -> (Vec<u64>, Option<ObjectError>) {
        let b = self.bytes();
        let mut out = Vec::new();
        let limit = self.entry_limit();
        let r = object::walk_entry_arrays(&b, self.header.entry_array_offset, limit, |o| {
            out.push(o);
            true
        });
        (out, r.err())
    }

    /// No file can hold more entries than fit in it: a damaged `n_entries` must not size
    /// anything.
    fn entry_limit(&self) -> u64 {
        self.header.n_entries.min(self.bytes().file_len() / 64)
    }

    pub fn entry_head(&self, offset: u64) -> Result<EntryHead, ObjectError> {
        EntryHead::read(&self.bytes(), offset)
    }

    /// The DATA object for `payload` (`FIELD=value`), found through the data hash table.
    pub fn find_data(&self, payload: &[u8]) -> Result<Option<Data>, ObjectError> {
        let b = self.bytes();
        let h = &self.header;
        let buckets = h.data_hash_table_size / 16;
        if buckets == 0 || h.data_hash_table_offset < OBJECT_HEADER {
            return Ok(None);
        }
        // The table must lie inside the file (its object header precedes the items).
        b.slice(h.data_hash_table_offset, h.data_hash_table_size)?;
        let hash = hash::for_file(h.keyed_hash(), &h.file_id, payload);
        let bucket = h.data_hash_table_offset + (hash % buckets) * 16;
        let mut at = b.u64_at(bucket)?;
        let mut previous = 0;
        while at != 0 {
            // Objects are appended, and a chain is extended at its tail: each link lies
            // after the one before. Enforcing it makes a damaged cycle impossible.
            if at <= previous {
                return Err(ObjectError::OutOfBounds { offset: at });
            }
            let data = Data::read(&b, at)?;
            if data.hash == hash {
                let raw = data.raw_payload(&b)?;
                if let Ok(plain) = payload::decode(&data, raw) {
                    if *plain == *payload {
                        return Ok(Some(data));
                    }
                }
            }
            previous = at;
            at = data.next_hash_offset;
        }
        Ok(None)
    }

    /// The entries that carry `data`, in file order: its first entry, then its entry array
    /// chain, `n_entries` in all.
    pub fn data_entries(&self, data: &Data) -> (Vec<u64>, Option<ObjectError>) {
        let b = self.bytes();
        let limit = data.n_entries.min(self.entry_limit());
        let mut out = Vec::new();
        if limit == 0 || data.entry_offset == 0 {
            return (out, None);
        }
        out.push(data.entry_offset);
        let r = object::walk_entry_arrays(&b, data.entry_array_offset, limit - 1, |o| {
            out.push(o);
            true
        });
        (out, r.err())
    }

    /// `entry_offsets` bounded by time: only the entries from the last one back to the first
    /// whose realtime is before `since`, read from the end of the chain, in file order.
    /// Entries are appended in time order (as sd_journal's realtime seek assumes), so this is
    /// the file's tail from `since` on, and its cost is that tail, not the file.
    pub fn entry_offsets_since(&self, since: u64) -> (Vec<u64>, Option<ObjectError>) {
        let b = self.bytes();
        let mut out = Vec::new();
        let r = object::walk_entry_arrays_rev(
            &b,
            self.header.entry_array_offset,
            self.entry_limit(),
            |o| self.keep_since(o, since, &mut out),
        );
        out.reverse();
        (out, r.err())
    }

    /// `data_entries` bounded by time, from the end, as `entry_offsets_since`.
    pub fn data_entries_since(&self, data: &Data, since: u64) -> (Vec<u64>, Option<ObjectError>) {
        let b = self.bytes();
        let limit = data.n_entries.min(self.entry_limit());
        let mut out = Vec::new();
        if limit == 0 || data.entry_offset == 0 {
            return (out, None);
        }
        let mut more = true;
        let r = object::walk_entry_arrays_rev(&b, data.entry_array_offset, limit - 1, |o| {
            more = self.keep_since(o, since, &mut out);
            more
        });
        if more {
            self.keep_since(data.entry_offset, since, &mut out);
        }
        out.reverse();
        (out, r.err())
    }

    /// Keeps `offset` when its entry is at or after `since`; false (stop) at the first one
    /// before it. An unreadable head is kept: the reader reports it when it reaches it.
    fn keep_since(&self, offset: u64, since: u64, out: &mut Vec<u64>) -> bool {
        match self.entry_head(offset) {
            Ok(h) if h.realtime < since => false,
            _ => {
                out.push(offset);
                true
            }
        }
    }

    /// The fields of the entry at `offset` whose names `want` accepts, as `(name, value)`,
    /// in the entry's stored order. Only a compressed field's first bytes are inflated to
    /// learn its name; its value only when it is wanted.
    pub fn entry_fields(
        &self,
        offset: u64,
        want: &dyn Fn(&[u8]) -> bool,
    ) -> Result<(FieldList, Vec<FieldProblem>), ObjectError> {
        let b = self.bytes();
        let mut fields = Vec::new();
        let mut problems = Vec::new();
        object::for_each_entry_item(&b, offset, |data_offset| {
            match self.field(&b, data_offset, want) {
                Ok(Some(f)) => fields.push(f),
                Ok(None) => {}
                Err(reason) => problems.push(FieldProblem {
                    data_offset,
                    reason,
                }),
            }
            true
        })?;
        Ok((fields, problems))
    }

    /// The first value of field `name` in the entry at `offset` (what `sd_journal_get_data`
    /// returns, and so what journalctl -g matches), reading no field after it.
    pub fn first_field(&self, offset: u64, name: &[u8]) -> Result<Option<Vec<u8>>, ObjectError> {
        let b = self.bytes();
        let mut found = None;
        object::for_each_entry_item(&b, offset, |data_offset| {
            if let Ok(Some((_, value))) = self.field(&b, data_offset, &|n: &[u8]| n == name) {
                found = Some(value);
                return false;
            }
            true
        })?;
        Ok(found)
    }

    fn field(
        &self,
        b: &Bytes<'_>,
        data_offset: u64,
        want: &dyn Fn(&[u8]) -> bool,
    ) -> Result<Option<(String, Vec<u8>)>, String> {
        let data = Data::read(b, data_offset).map_err(|e| e.to_string())?;
        let raw = data.raw_payload(b).map_err(|e| e.to_string())?;
        let (head, whole) =
            payload::decode_head(&data, raw).map_err(|e: PayloadError| e.to_string())?;
        let Some(eq) = memchr::memchr(b'=', &head) else {
            return Err("data object without '='".into());
        };
        if !want(&head[..eq]) {
            return Ok(None);
        }
        let name = String::from_utf8_lossy(&head[..eq]).into_owned();
        let plain = if whole {
            head
        } else {
            payload::decode(&data, raw).map_err(|e| e.to_string())?
        };
        // A damaged frame may inflate differently the second time: never index past it.
        let value = plain
            .get(eq + 1..)
            .ok_or("compressed data ends inside its name")?;
        Ok(Some((name, value.to_vec())))
    }
}
