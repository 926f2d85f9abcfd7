//! DATA payloads: `FIELD=value` bytes, stored plain or compressed. systemd-journal-remote
//! and journald of systemd 252 here write zstd (the file flag COMPRESSED-ZSTD); older files
//! may hold xz or lz4 objects, which this reader reports as unsupported for that field
//! rather than failing the whole file.

use std::borrow::Cow;
use std::cell::RefCell;
use std::io::Read;

use super::object::{Data, OBJ_COMPRESSED_LZ4, OBJ_COMPRESSED_XZ, OBJ_COMPRESSED_ZSTD};

/// journald's own ceiling for one entry's data (`DATA_SIZE_MAX`, 768 MiB) is far above
/// anything a log line needs; one field decompressed to more than this is refused so a
/// crafted frame cannot make us allocate without bound.
pub const MAX_FIELD_SIZE: u64 = 64 << 20;

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PayloadError {
    Unsupported(&'static str),
    Corrupt(String),
    TooLarge,
}

impl std::fmt::Display for PayloadError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            PayloadError::Unsupported(c) => write!(f, "{c}-compressed data is not supported"),
            PayloadError::Corrupt(e) => write!(f, "compressed data is damaged: {e}"),
            PayloadError::TooLarge => {
                write!(f, "data decompresses to more than {MAX_FIELD_SIZE} bytes")
            }
        }
    }
}

/// The plain payload of a DATA object whose stored bytes are `raw`.
pub fn decode<'a>(data: &Data, raw: &'a [u8]) -> Result<Cow<'a, [u8]>, PayloadError> {
    decode_prefix(data, raw, MAX_FIELD_SIZE)
}

/// Frames up to this size (systemd writes the content size into each frame) are inflated
/// whole, in one call on this thread's reused context: a streaming decoder per field costs
/// a fresh zstd context (about 100 KiB) each time, which was a tenth of a grep's time.
const WHOLE_FRAME: u64 = 1 << 20;

thread_local! {
    static ZSTD: RefCell<Option<zstd::bulk::Decompressor<'static>>> = const { RefCell::new(None) };
}

/// A zstd frame that states a content size of at most `WHOLE_FRAME`, inflated whole; None
/// when the frame does not say, is larger, or the context cannot be made (then the
/// streaming decoder, bounded, decides).
fn whole_zstd(raw: &[u8]) -> Option<Result<Vec<u8>, PayloadError>> {
    let size = zstd::zstd_safe::get_frame_content_size(raw).ok()??;
    if size > WHOLE_FRAME {
        return None;
    }
    ZSTD.with(|cell| {
        let mut cell = cell.borrow_mut();
        if cell.is_none() {
            *cell = zstd::bulk::Decompressor::new().ok();
        }
        let ctx = cell.as_mut()?;
        let mut out = Vec::with_capacity(size as usize);
        Some(match ctx.decompress_to_buffer(raw, &mut out) {
            Ok(n) if n as u64 == size => Ok(out),
            Ok(_) => Err(PayloadError::Corrupt("frame shorter than it says".into())),
            Err(e) => Err(PayloadError::Corrupt(e.to_string())),
        })
    })
}

/// The payload of a field read for its name first: whole when that is cheap (plain, or a
/// small zstd frame), else its first 65 bytes (journald's names are at most 64). The bool
/// says whether it is whole.
pub fn decode_head<'a>(data: &Data, raw: &'a [u8]) -> Result<(Cow<'a, [u8]>, bool), PayloadError> {
    if data.compression() == OBJ_COMPRESSED_ZSTD {
        if let Some(r) = whole_zstd(raw) {
            return r.map(|v| (Cow::Owned(v), true));
        }
    }
    let head = decode_prefix(data, raw, 65)?;
    let whole = data.compression() == 0;
    Ok((head, whole))
}

/// As `decode`, but may stop after `want` bytes: enough to read a field's name without
/// inflating a large value.
pub fn decode_prefix<'a>(
    data: &Data,
    raw: &'a [u8],
    want: u64,
) -> Result<Cow<'a, [u8]>, PayloadError> {
    match data.compression() {
        0 => Ok(Cow::Borrowed(raw)),
        OBJ_COMPRESSED_ZSTD => {
            if want >= WHOLE_FRAME {
                if let Some(r) = whole_zstd(raw) {
                    return r.map(Cow::Owned);
                }
            }
            let decoder = zstd::stream::read::Decoder::with_buffer(raw)
                .map_err(|e| PayloadError::Corrupt(e.to_string()))?;
            let limit = want.min(MAX_FIELD_SIZE);
            let mut out = Vec::new();
            decoder
                .take(limit + 1)
                .read_to_end(&mut out)
                .map_err(|e| PayloadError::Corrupt(e.to_string()))?;
            if out.len() as u64 > limit {
                if want >= MAX_FIELD_SIZE {
                    return Err(PayloadError::TooLarge);
                }
                out.truncate(limit as usize);
            }
            Ok(Cow::Owned(out))
        }
        OBJ_COMPRESSED_LZ4 => Err(PayloadError::Unsupported("lz4")),
        OBJ_COMPRESSED_XZ => Err(PayloadError::Unsupported("xz")),
        _ => Err(PayloadError::Corrupt(
            "several compression flags set".into(),
        )),
    }
}
