//! The journal file header (systemd's JOURNAL_FILE_FORMAT, "Header"): where every index
//! starts, which incompatible features the file uses, and the counters that bound what we
//! read. A file whose incompatible flags we do not know is refused as a whole: such a flag
//! means "a reader that does not know this cannot read the file correctly".

use std::fmt;

pub const SIGNATURE: &[u8; 8] = b"LPKSHHRH";

/// Incompatible flags (header offset 12).
pub const INCOMPAT_COMPRESSED_XZ: u32 = 1 << 0;
pub const INCOMPAT_COMPRESSED_LZ4: u32 = 1 << 1;
pub const INCOMPAT_KEYED_HASH: u32 = 1 << 2;
pub const INCOMPAT_COMPRESSED_ZSTD: u32 = 1 << 3;
pub const INCOMPAT_COMPACT: u32 = 1 << 4;
const INCOMPAT_KNOWN: u32 = INCOMPAT_COMPRESSED_XZ
    | INCOMPAT_COMPRESSED_LZ4
    | INCOMPAT_KEYED_HASH
    | INCOMPAT_COMPRESSED_ZSTD
    | INCOMPAT_COMPACT;

/// The smallest header any systemd wrote (up to `tail_entry_monotonic`, systemd 187).
pub const MIN_HEADER_SIZE: u64 = 208;

/// Offline, online (a writer has it open: entries may be appended while we read) or archived.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FileState {
    Offline,
    Online,
    Archived,
    Unknown(u8),
}

#[derive(Debug, Clone)]
pub struct Header {
    pub incompatible_flags: u32,
    pub compatible_flags: u32,
    pub state: FileState,
    pub file_id: [u8; 16],
    pub machine_id: [u8; 16],
    pub seqnum_id: [u8; 16],
    pub header_size: u64,
    pub arena_size: u64,
    pub data_hash_table_offset: u64,
    pub data_hash_table_size: u64,
    pub field_hash_table_offset: u64,
    pub field_hash_table_size: u64,
    pub n_objects: u64,
    pub n_entries: u64,
    pub head_entry_seqnum: u64,
    pub tail_entry_seqnum: u64,
    pub entry_array_offset: u64,
    pub head_entry_realtime: u64,
    pub tail_entry_realtime: u64,
}

impl Header {
    pub fn compact(&self) -> bool {
        self.incompatible_flags & INCOMPAT_COMPACT != 0
    }
    pub fn keyed_hash(&self) -> bool {
        self.incompatible_flags & INCOMPAT_KEYED_HASH != 0
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum HeaderError {
    TooShort(u64),
    BadSignature,
    UnknownIncompatibleFlags(u32),
    BadHeaderSize(u64),
}

impl fmt::Display for HeaderError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            HeaderError::TooShort(n) => write!(f, "{n} bytes: too short for a journal header"),
            HeaderError::BadSignature => write!(f, "not a journal file (no LPKSHHRH signature)"),
            HeaderError::UnknownIncompatibleFlags(x) => write!(
                f,
                "uses incompatible features this reader does not know (flags {x:#x}); \
                 written by a newer systemd?"
            ),
            HeaderError::BadHeaderSize(n) => {
                write!(f, "header size {n} does not fit the file")
            }
        }
    }
}

fn u32_at(b: &[u8], at: usize) -> u32 {
    u32::from_le_bytes(b[at..at + 4].try_into().unwrap())
}
fn u64_at(b: &[u8], at: usize) -> u64 {
    u64::from_le_bytes(b[at..at + 8].try_into().unwrap())
}
fn id_at(b: &[u8], at: usize) -> [u8; 16] {
    b[at..at + 16].try_into().unwrap()
}

/// Parses the header at the start of `file` (the whole file, so sizes can be checked).
pub fn parse(file: &[u8]) -> Result<Header, HeaderError> {
    let len = file.len() as u64;
    if len < MIN_HEADER_SIZE {
        return Err(HeaderError::TooShort(len));
    }
    if &file[..8] != SIGNATURE {
        return Err(HeaderError::BadSignature);
    }
    let incompatible_flags = u32_at(file, 12);
    if incompatible_flags & !INCOMPAT_KNOWN != 0 {
        return Err(HeaderError::UnknownIncompatibleFlags(
            incompatible_flags & !INCOMPAT_KNOWN,
        ));
    }
    let header_size = u64_at(file, 88);
    if header_size < MIN_HEADER_SIZE || header_size > len {
        return Err(HeaderError::BadHeaderSize(header_size));
    }
    let state = match file[16] {
        0 => FileState::Offline,
        1 => FileState::Online,
        2 => FileState::Archived,
        n => FileState::Unknown(n),
    };
    Ok(Header {
        incompatible_flags,
        compatible_flags: u32_at(file, 8),
        state,
        file_id: id_at(file, 24),
        machine_id: id_at(file, 40),
        seqnum_id: id_at(file, 72),
        header_size,
        arena_size: u64_at(file, 96),
        data_hash_table_offset: u64_at(file, 104),
        data_hash_table_size: u64_at(file, 112),
        field_hash_table_offset: u64_at(file, 120),
        field_hash_table_size: u64_at(file, 128),
        n_objects: u64_at(file, 144),
        n_entries: u64_at(file, 152),
        tail_entry_seqnum: u64_at(file, 160),
        head_entry_seqnum: u64_at(file, 168),
        entry_array_offset: u64_at(file, 176),
        head_entry_realtime: u64_at(file, 184),
        tail_entry_realtime: u64_at(file, 192),
    })
}
