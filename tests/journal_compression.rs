//! lz4- and xz-compressed DATA objects, against journalctl on the same files. systemd 252's
//! writer here compresses with zstd only (`SYSTEMD_JOURNAL_COMPRESS=LZ4|XZ` is honoured from
//! systemd 254 on; with 252 the file still says COMPRESSED-ZSTD), so the files are made from
//! an uncompressed file written by systemd-journal-remote, each large DATA object then
//! compressed in place the way systemd's `compress_blob_lz4` / `compress_blob_xz` do (the
//! plain size as 64-bit little-endian and one LZ4 block; a whole .xz stream without check,
//! made by xz(1)), the object's size and compression flag and the header's flag set to
//! match. journalctl (built +LZ4 +XZ) must read them, and oncall must print the same.

mod journal_support;
mod support;

use std::io::Write;
use std::path::Path;
use std::process::{Command, Stdio};

use journal_support::{generate, tools, write_journal, Variant};
use serde_json::Value;
use support::oncall;

const OBJECT_DATA: u8 = 1;
const INCOMPAT_COMPACT: u32 = 1 << 4;

fn u64_at(b: &[u8], at: usize) -> u64 {
    u64::from_le_bytes(b[at..at + 8].try_into().unwrap())
}

#[derive(Clone, Copy, Debug)]
enum Kind {
    Lz4,
    Xz,
}

fn xz(plain: &[u8]) -> Vec<u8> {
    let mut child = Command::new("xz")
        .args(["--format=xz", "--check=none", "-c"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .expect("xz runs");
    let mut stdin = child.stdin.take().unwrap();
    let plain = plain.to_vec();
    let feed = std::thread::spawn(move || stdin.write_all(&plain));
    let out = child.wait_with_output().unwrap();
    feed.join().unwrap().unwrap();
    assert!(out.status.success());
    out.stdout
}

/// Compresses every DATA payload of at least 200 bytes that shrinks, in place; returns how
/// many were.
fn compress_in_place(path: &Path, kind: Kind) -> usize {
    let mut b = std::fs::read(path).unwrap();
    let incompat = u32::from_le_bytes(b[12..16].try_into().unwrap());
    let payload_start = if incompat & INCOMPAT_COMPACT != 0 {
        72
    } else {
        64
    };
    let header_size = u64_at(&b, 88) as usize;
    let tail = u64_at(&b, 136) as usize;
    let mut at = header_size;
    let mut done = 0;
    while at <= tail {
        let size = u64_at(&b, at + 8) as usize;
        assert!(size >= 16, "object at {at}");
        if b[at] == OBJECT_DATA && b[at + 1] == 0 && size - payload_start >= 200 {
            let plain = b[at + payload_start..at + size].to_vec();
            let (packed, flag) = match kind {
                Kind::Lz4 => {
                    let mut p = (plain.len() as u64).to_le_bytes().to_vec();
                    p.extend_from_slice(&lz4_flex::block::compress(&plain));
                    (p, 2u8)
                }
                Kind::Xz => (xz(&plain), 1u8),
            };
            if packed.len() < plain.len() {
                b[at + payload_start..at + payload_start + packed.len()].copy_from_slice(&packed);
                b[at + payload_start + packed.len()..at + size].fill(0);
                let new_size = (payload_start + packed.len()) as u64;
                b[at + 8..at + 16].copy_from_slice(&new_size.to_le_bytes());
                b[at + 1] = flag;
                done += 1;
            }
        }
        at += size.div_ceil(8) * 8;
    }
    let flag: u32 = match kind {
        Kind::Lz4 => 1 << 1,
        Kind::Xz => 1 << 0,
    };
    b[12..16].copy_from_slice(&(incompat | flag).to_le_bytes());
    std::fs::write(path, &b).unwrap();
    done
}

fn json_lines(b: &[u8]) -> Vec<Value> {
    b.split(|&c| c == b'\n')
        .filter(|l| !l.is_empty())
        .map(|l| serde_json::from_slice(l).unwrap())
        .collect()
}

#[test]
fn lz4_and_xz_data_objects_read_as_journalctl_reads_them() {
    if tools().is_none() {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let gen = generate(41, 120);
    for kind in [Kind::Lz4, Kind::Xz] {
        let name = format!("{kind:?}.journal");
        let path = write_journal(dir.path(), &name, &gen, Variant::Uncompressed);
        let n = compress_in_place(&path, kind);
        assert!(n > 20, "{kind:?}: {n} objects compressed");
        let header = Command::new("journalctl")
            .arg(format!("--file={}", path.display()))
            .arg("--header")
            .output()
            .unwrap();
        let header = String::from_utf8_lossy(&header.stdout);
        let want = match kind {
            Kind::Lz4 => "COMPRESSED-LZ4",
            Kind::Xz => "COMPRESSED-XZ",
        };
        assert!(header.contains(want), "{header}");
        for selectors in [
            vec![],
            vec!["-u", "app"],
            vec!["-g", "panic in request"],
            vec!["-p", "err"],
        ] {
            let theirs = Command::new("journalctl")
                .args(["--no-pager", "-q", "-o", "json"])
                .arg(format!("--file={}", path.display()))
                .args(&selectors)
                .output()
                .unwrap();
            assert!(theirs.status.success(), "{kind:?} {selectors:?}");
            let mut args = vec!["logs", "grep"];
            let pattern = match selectors.as_slice() {
                ["-g", p] => *p,
                _ => "",
            };
            args.push(pattern);
            if selectors.first() != Some(&"-g") {
                args.extend(&selectors);
            }
            let ours = oncall()
                .args(&args)
                .args(["-o", "json", "--journal-file"])
                .arg(&path)
                .output()
                .unwrap();
            assert!(
                ours.stderr.is_empty(),
                "{kind:?} {selectors:?}: {}",
                String::from_utf8_lossy(&ours.stderr)
            );
            let (o, t) = (json_lines(&ours.stdout), json_lines(&theirs.stdout));
            assert!(!t.is_empty(), "{kind:?} {selectors:?}");
            assert_eq!(o.len(), t.len(), "{kind:?} {selectors:?}");
            assert!(o == t, "{kind:?} {selectors:?}: the entries differ");
        }
        // The multi-line messages were among the compressed objects, and are whole.
        let expected = gen
            .iter()
            .filter(|g| g.message().starts_with(b"panic in request"))
            .count();
        let ours = oncall()
            .args(["logs", "grep", "-c", "panic in request", "--journal-file"])
            .arg(&path)
            .output()
            .unwrap();
        assert_eq!(
            String::from_utf8_lossy(&ours.stdout).trim(),
            expected.to_string()
        );
    }
}
