//! DATA payloads: `FIELD=value` bytes, stored plain or compressed. systemd-journal-remote
//! and journald of systemd 252 here write zstd (the file flag COMPRESSED-ZSTD); older files
//! (and systemd ≥ 254 with `SYSTEMD_JOURNAL_COMPRESS=LZ4|XZ`) hold lz4 or xz objects, read
//! in pure Rust (lz4_flex, lzma-rust2), each bounded by `MAX_FIELD_SIZE`. systemd's lz4
//! object is the plain size as a 64-bit little-endian number, then one LZ4 block; its xz
//! object is a whole .xz stream (no check).

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
    if data.compression() == OBJ_COMPRESSED_LZ4 {
        // A block is inflated whole or not at all.
        return lz4(raw).map(|v| (Cow::Owned(v), true));
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
            bounded(decoder, want)
        }
        OBJ_COMPRESSED_LZ4 => {
            let mut out = lz4(raw)?;
            out.truncate(want.min(out.len() as u64) as usize);
            Ok(Cow::Owned(out))
        }
        OBJ_COMPRESSED_XZ => {
            let decoder = lzma_rust2::XzReader::new_mem_limit(raw, false, XZ_MEMORY_LIMIT_KIB);
            bounded(decoder, want)
        }
        _ => Err(PayloadError::Corrupt(
            "several compression flags set".into(),
        )),
    }
}

/// The first `want` bytes a streaming decoder gives, never more than `MAX_FIELD_SIZE`.
fn bounded<'a>(decoder: impl Read, want: u64) -> Result<Cow<'a, [u8]>, PayloadError> {
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

/// xz's decoder memory for one object: systemd's own writer uses the default preset (an
/// 8 MiB dictionary); this leaves room for any preset and refuses a crafted header that
/// asks for more.
const XZ_MEMORY_LIMIT_KIB: u32 = 256 * 1024;

/// systemd's lz4 object (`decompress_blob_lz4`): the plain size (64-bit little-endian),
/// then one LZ4 block that must inflate to exactly that size. The size is checked against
/// `MAX_FIELD_SIZE` before anything is allocated.
fn lz4(raw: &[u8]) -> Result<Vec<u8>, PayloadError> {
    let (size, block) = raw
        .split_first_chunk::<8>()
        .filter(|(_, b)| !b.is_empty())
        .ok_or_else(|| PayloadError::Corrupt("lz4 object shorter than its size".into()))?;
    let size = u64::from_le_bytes(*size);
    if size > MAX_FIELD_SIZE {
        return Err(PayloadError::TooLarge);
    }
    let mut out = vec![0; size as usize];
    match lz4_flex::block::decompress_into(block, &mut out) {
        Ok(n) if n as u64 == size => Ok(out),
        Ok(_) => Err(PayloadError::Corrupt(
            "lz4 block shorter than it says".into(),
        )),
        Err(e) => Err(PayloadError::Corrupt(e.to_string())),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lz4_objects_are_bounded_and_checked() {
        let plain = b"MESSAGE=".repeat(100);
        let mut raw = (plain.len() as u64).to_le_bytes().to_vec();
        raw.extend_from_slice(&lz4_flex::block::compress(&plain));
        assert_eq!(lz4(&raw).unwrap(), plain);
        // A size that lies either way, a huge size, a cut block: errors, no panic.
        let mut short = raw.clone();
        short[..8].copy_from_slice(&(plain.len() as u64 - 1).to_le_bytes());
        assert!(lz4(&short).is_err());
        let mut long = raw.clone();
        long[..8].copy_from_slice(&(plain.len() as u64 + 1).to_le_bytes());
        assert!(lz4(&long).is_err());
        let mut huge = raw.clone();
        huge[..8].copy_from_slice(&u64::MAX.to_le_bytes());
        assert_eq!(lz4(&huge), Err(PayloadError::TooLarge));
        assert!(lz4(&raw[..raw.len() - 3]).is_err());
        assert!(lz4(&raw[..8]).is_err());
    }
}
