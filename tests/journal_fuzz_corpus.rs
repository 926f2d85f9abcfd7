//! The fuzz corpus of the journal parser (fuzz/corpus/journal_file/), replayed by every test
//! run: each file goes through everything the reader reads (`journal::exercise`) without a
//! panic or a hang. The seeds are real journal files written by systemd-journal-remote (the
//! four writer variants, cut to their used size) and damaged copies of them; the valid ones
//! must still read whole, so a parser that silently read nothing would fail here too.
//! `cargo test --test journal_fuzz_corpus -- --ignored` writes the seeds again.

mod journal_support;

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use journal_support::{export, generate, tools, Variant, REMOTE};

fn corpus_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("fuzz/corpus/journal_file")
}

#[test]
fn every_corpus_file_is_read_without_a_panic() {
    let mut files: Vec<PathBuf> = std::fs::read_dir(corpus_dir())
        .expect("the corpus is in the repository")
        .map(|e| e.unwrap().path())
        .collect();
    files.sort();
    assert!(files.len() >= 8, "{} corpus files", files.len());
    let mut valid = 0;
    for f in &files {
        let bytes = std::fs::read(f).unwrap();
        let start = Instant::now();
        let whole = oncall::journal::exercise::exercise(&bytes);
        assert!(
            start.elapsed() < Duration::from_secs(20),
            "{}: took {:?}",
            f.display(),
            start.elapsed()
        );
        let name = f.file_name().unwrap().to_string_lossy();
        if name.starts_with("valid-") {
            assert!(whole >= 20, "{name}: only {whole} entries read whole");
            valid += 1;
        }
    }
    assert!(valid >= 4);
}

/// A journal file cut to what its objects use (systemd's writer preallocates 8 MiB).
fn used_part(bytes: &[u8]) -> &[u8] {
    let u64_at = |o: usize| u64::from_le_bytes(bytes[o..o + 8].try_into().unwrap());
    let tail = u64_at(136) as usize;
    let size = u64_at(tail + 8) as usize;
    &bytes[..(tail + size).div_ceil(8) * 8]
}

/// systemd's writer sizes the data hash table from the largest file it may write, a tenth of
/// the filesystem (3.7 MiB of buckets on a big disk); seeds should be small, so it writes on
/// a 10 MiB tmpfs in a private mount namespace, where the table is its minimum (32 KiB).
fn write_small_journal(dir: &Path, name: &str, variant: Variant) -> PathBuf {
    use std::io::Write;
    let mnt = dir.join("mnt");
    std::fs::create_dir_all(&mnt).unwrap();
    let path = dir.join(format!("{name}.journal"));
    let mut cmd = std::process::Command::new("unshare");
    cmd.args(["--mount", "--propagation", "private", "sh", "-c"])
        .arg(format!(
            "mount -t tmpfs -o size=10M none {m} && {REMOTE} --output={m}/w.journal \"$@\" - \
             && cp {m}/w.journal {out}",
            m = mnt.display(),
            out = path.display()
        ))
        .arg("sh");
    match variant {
        Variant::NotCompact => {
            cmd.env("SYSTEMD_JOURNAL_COMPACT", "0");
        }
        Variant::UnkeyedHash => {
            cmd.env("SYSTEMD_JOURNAL_KEYED_HASH", "0");
        }
        Variant::Uncompressed => {
            cmd.arg("--compress=no");
        }
        Variant::Default => {}
    }
    let mut child = cmd
        .stdin(std::process::Stdio::piped())
        .spawn()
        .expect("unshare runs");
    child
        .stdin
        .take()
        .unwrap()
        .write_all(&export(&generate(77, 12)))
        .unwrap();
    assert!(child.wait().unwrap().success());
    path
}

#[test]
#[ignore]
fn write_the_corpus_again() {
    if tools().is_none() {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let out = corpus_dir();
    std::fs::create_dir_all(&out).unwrap();
    for (name, variant) in [
        ("default", Variant::Default),
        ("not-compact", Variant::NotCompact),
        ("unkeyed", Variant::UnkeyedHash),
        ("uncompressed", Variant::Uncompressed),
    ] {
        let path = write_small_journal(dir.path(), name, variant);
        let bytes = std::fs::read(&path).unwrap();
        let used = used_part(&bytes);
        std::fs::write(out.join(format!("valid-{name}.journal")), used).unwrap();
        // Damaged copies: cut in the middle, a flipped byte every 97, a zeroed header tail.
        std::fs::write(
            out.join(format!("cut-{name}.journal")),
            &used[..used.len() / 2],
        )
        .unwrap();
        let mut flipped = used.to_vec();
        for i in (300..flipped.len()).step_by(97) {
            flipped[i] ^= 0x5a;
        }
        std::fs::write(out.join(format!("flipped-{name}.journal")), flipped).unwrap();
    }
    let mut zeroed = std::fs::read(out.join("valid-default.journal")).unwrap();
    zeroed[88..208].fill(0);
    std::fs::write(out.join("zeroed-header.journal"), zeroed).unwrap();
}
