//! Which files a logs command reads, in which order, and how to open them.
//!
//! Directories are walked for log-like names; a rotated set (`app.log.3.gz`, `app.log.2.gz`,
//! `app.log.1`, `app.log`) is ordered oldest to newest so it reads as one stream. Compression is
//! chosen by magic bytes, never by name: a `.1` that logrotate gzipped, or a `.gz` that is
//! really plain text, both read right. gzip, zstd, xz and bzip2 are decoded in-process.
//!
//! Only regular files are sources: a device (`/dev/zero`), a pipe or a socket is an endless
//! or once-only stream that the sniffing, the timestamp detection and the ranged reads would
//! each consume or wait on, so a named one is refused with its reason (and the other paths are
//! still searched); walks never enter them.

use crate::logs::container_formats::{self, Format};
use rayon::prelude::*;
use std::collections::{HashMap, HashSet};
use std::fs::{self, File};
use std::io::{self, BufReader, Read};
use std::path::{Path, PathBuf};
use std::time::SystemTime;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Compression {
    None,
    Gzip,
    Zstd,
    Xz,
    Bzip2,
}

#[derive(Debug, Clone)]
pub struct Source {
    pub path: PathBuf,
    pub compression: Compression,
    pub len: u64,
    pub modified: Option<SystemTime>,
    /// A plain file's container format as its head said when it was sniffed (`Some(None)`:
    /// read, not a container log); `None` when not read for it (a compressed file, a name no
    /// runtime gives, an empty file). Saves each search a second open and read of the head.
    pub container_head: Option<Option<Format>>,
}

/// What discovery found, and what it could not read (said, not hidden).
#[derive(Debug, Default)]
pub struct Discovery {
    pub sources: Vec<Source>,
    /// Files found by walking a directory that could not be read (counted in one warning).
    pub unreadable: Vec<PathBuf>,
    /// Paths named on the command line that cannot be searched, each with its reason: the
    /// command reports every one, searches the rest and exits 2 at the end, as grep does.
    pub refused: Vec<PathError>,
}

/// Why an explicitly named path cannot be read: one line for the user.
#[derive(Debug)]
pub struct PathError {
    pub path: PathBuf,
    pub why: String,
}

const GZIP_MAGIC: [u8; 2] = [0x1f, 0x8b];
const ZSTD_MAGIC: [u8; 4] = [0x28, 0xb5, 0x2f, 0xfd];
const XZ_MAGIC: [u8; 6] = [0xfd, b'7', b'z', b'X', b'Z', 0x00];
/// `BZh` and the block size digit `1`..`9`.
const BZIP2_MAGIC: [u8; 3] = *b"BZh";

/// The largest dictionary an .xz member may ask for (xz -9 uses 64 MiB): a hostile header
/// must not make us allocate gigabytes.
const XZ_MEMORY_LIMIT_KIB: u32 = 256 * 1024;

/// Reads the magic bytes of a file.
pub fn sniff(path: &Path) -> io::Result<Compression> {
    Ok(sniff_head(path, false)?.0)
}

/// The magic bytes, and for a file whose name a runtime gives its logs (read in the same open,
/// 4 KiB instead of 6 bytes), the container format its first records say.
fn sniff_head(path: &Path, container: bool) -> io::Result<(Compression, Option<Option<Format>>)> {
    let f = File::open(path)?;
    let want = if container {
        container_formats::HEAD
    } else {
        6
    };
    let mut head = Vec::with_capacity(want);
    (&f).take(want as u64).read_to_end(&mut head)?;
    let compression = compression_of(&head);
    if !container || compression != Compression::None || head.is_empty() {
        return Ok((compression, None));
    }
    Ok((
        compression,
        Some(container_formats::sniff_head(&mut head, &f)),
    ))
}

/// The compression a file's first bytes announce.
pub fn compression_of(head: &[u8]) -> Compression {
    if head.starts_with(&GZIP_MAGIC) {
        Compression::Gzip
    } else if head.starts_with(&ZSTD_MAGIC) {
        Compression::Zstd
    } else if head.starts_with(&XZ_MAGIC) {
        Compression::Xz
    } else if head.len() >= 4 && head.starts_with(&BZIP2_MAGIC) && (b'1'..=b'9').contains(&head[3])
    {
        Compression::Bzip2
    } else {
        Compression::None
    }
}

impl Source {
    pub fn from_path(path: &Path) -> io::Result<Source> {
        let meta = fs::metadata(path)?;
        let (compression, container_head) =
            sniff_head(path, container_formats::name_suggests(path))?;
        Ok(Source {
            path: path.to_path_buf(),
            compression,
            len: meta.len(),
            modified: meta.modified().ok(),
            container_head,
        })
    }

    /// The decompressed byte stream.
    pub fn open(&self) -> io::Result<Box<dyn Read + Send>> {
        let file = File::open(&self.path)?;
        Ok(match self.compression {
            Compression::None => Box::new(file),
            // Multi-member: `cat a.gz b.gz > c.gz` and some log shippers write several members.
            Compression::Gzip => Box::new(flate2::bufread::MultiGzDecoder::new(
                BufReader::with_capacity(256 * 1024, file),
            )),
            Compression::Zstd => Box::new(zstd::stream::read::Decoder::new(file)?),
            // Several streams, as `cat a.xz b.xz` gives.
            Compression::Xz => Box::new(lzma_rust2::XzReader::new_mem_limit(
                BufReader::with_capacity(256 * 1024, file),
                true,
                XZ_MEMORY_LIMIT_KIB,
            )),
            // Multi-stream too (pbzip2 writes one stream per block).
            Compression::Bzip2 => Box::new(bzip2::bufread::MultiBzDecoder::new(
                BufReader::with_capacity(256 * 1024, file),
            )),
        })
    }

    pub fn display(&self) -> String {
        self.path.display().to_string()
    }
}

/// Expands the paths given on the command line: files as named (grouped by rotated set),
/// directories walked for log files. The first named path that cannot be searched is an error
/// (triage's `--logs`); `discover_all` reports them all and keeps the rest.
pub fn discover(paths: &[PathBuf]) -> Result<Discovery, PathError> {
    let mut found = discover_all(paths);
    if found.refused.is_empty() {
        Ok(found)
    } else {
        Err(found.refused.swap_remove(0))
    }
}

/// Like `discover`, but a named path that cannot be searched (missing, unreadable, not a
/// regular file) goes to `refused` and every other path is still expanded.
pub fn discover_all(paths: &[PathBuf]) -> Discovery {
    let mut found = Discovery::default();
    let mut files: Vec<PathBuf> = Vec::new();
    for path in paths {
        let refuse = |why: String| PathError {
            path: path.clone(),
            why,
        };
        let meta = match fs::metadata(path) {
            Ok(m) => m,
            Err(e) => {
                found.refused.push(refuse(reason(&e)));
                continue;
            }
        };
        if meta.is_dir() {
            let mut walked = Vec::new();
            walk_top(path, &mut walked, &mut found.unreadable);
            walked.sort_by_cached_key(|p| rotation_key(p));
            files.extend(walked);
        } else if !meta.is_file() {
            found.refused.push(refuse(not_regular(&meta)));
        } else {
            match File::open(path) {
                Ok(_) => files.push(path.clone()),
                Err(e) => found.refused.push(refuse(reason(&e))),
            }
        }
    }
    // Each file's stat and magic bytes (an open and a read) in parallel: done one by one they
    // were the serial start of every search of many small files, before any file was searched.
    let ordered = order_sets(files);
    let sniffed: Vec<io::Result<Source>> = if ordered.len() < 16 {
        ordered.iter().map(|p| Source::from_path(p)).collect()
    } else {
        ordered.par_iter().map(|p| Source::from_path(p)).collect()
    };
    for (path, sniffed) in ordered.into_iter().zip(sniffed) {
        match sniffed {
            Ok(s) => found.sources.push(s),
            Err(_) => found.unreadable.push(path),
        }
    }
    found
}

/// Why a named path that exists is not searched: it is no regular file.
fn not_regular(meta: &fs::Metadata) -> String {
    use std::os::unix::fs::FileTypeExt;
    let ft = meta.file_type();
    let what = if ft.is_char_device() {
        "a character device"
    } else if ft.is_block_device() {
        "a block device"
    } else if ft.is_fifo() {
        "a pipe"
    } else if ft.is_socket() {
        "a socket"
    } else {
        "not a regular file"
    };
    format!("{what}, not a log file: not searched (copy it to a file first)")
}

fn reason(e: &io::Error) -> String {
    match e.kind() {
        io::ErrorKind::NotFound => "no such file or directory".into(),
        io::ErrorKind::PermissionDenied => "permission denied (run as root?)".into(),
        _ => e.to_string(),
    }
}

/// Keeps the order in which sets first appear; within a set, oldest first. Duplicates go.
/// Hash lookups, not list searches: /var/log trees of 100k files must stay linear.
fn order_sets(files: Vec<PathBuf>) -> Vec<PathBuf> {
    let mut set_of: HashMap<PathBuf, usize> = HashMap::with_capacity(files.len());
    let mut members: Vec<Vec<(i64, PathBuf)>> = Vec::new();
    let mut seen: HashSet<PathBuf> = HashSet::with_capacity(files.len());
    for f in files {
        if !seen.insert(f.clone()) {
            continue;
        }
        let (base, rank) = rotation_key(&f);
        let i = *set_of.entry(base).or_insert_with(|| {
            members.push(Vec::new());
            members.len() - 1
        });
        members[i].push((rank, f));
    }
    members
        .into_iter()
        .flat_map(|mut m| {
            // Stable: members of equal rank keep the order they were named in.
            m.sort_by_key(|(rank, _)| *rank);
            m.into_iter().map(|(_, f)| f)
        })
        .collect()
}

/// (the set's base path, rank): the live file ranks 0, `.N` ranks -N, a dated rotation
/// (`-20261127`) ranks below every numbered one, older dates lower.
pub fn rotation_key(path: &Path) -> (PathBuf, i64) {
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let mut stem = name.as_str();
    for ext in [".gz", ".zst", ".xz", ".bz2"] {
        if let Some(s) = stem.strip_suffix(ext) {
            stem = s;
            break;
        }
    }
    let mut rank = 0i64;
    if let Some(dot) = stem.rfind('.') {
        let tail = &stem[dot + 1..];
        if !tail.is_empty() && tail.len() <= 4 && tail.bytes().all(|b| b.is_ascii_digit()) {
            rank = -tail.parse::<i64>().unwrap_or(0);
            stem = &stem[..dot];
        }
    }
    if rank == 0 {
        if let Some(dash) = stem.rfind(['-', '.']) {
            let tail = &stem[dash + 1..];
            if tail.len() == 8 && tail.bytes().all(|b| b.is_ascii_digit()) {
                rank = tail.parse::<i64>().unwrap_or(0) - 100_000_000;
                stem = &stem[..dash];
            }
        }
    }
    (path.with_file_name(stem), rank)
}

/// Names that hold logs: `*.log`, rotations of them, compressed ones, and the classic names.
pub fn is_log_name(name: &str) -> bool {
    const CLASSIC: [&str; 14] = [
        "syslog",
        "messages",
        "kern.log",
        "auth.log",
        "daemon.log",
        "dmesg",
        "secure",
        "maillog",
        "mail.log",
        "cron",
        "debug",
        "user.log",
        "boot.log",
        "faillog",
    ];
    let (base, _) = rotation_key(Path::new(name));
    let base = base.to_string_lossy();
    base.ends_with(".log")
        || CLASSIC.contains(&base.as_ref())
        || [".gz", ".zst", ".xz", ".bz2"]
            .iter()
            .any(|ext| name.ends_with(ext))
}

/// `walk`, with the directory's subdirectories walked in parallel (each one's tree by one
/// thread): the same files and unreadable paths in the same order. `/var/log/pods` holds a
/// directory per pod; walked one by one they were the serial start of a search.
fn walk_top(dir: &Path, files: &mut Vec<PathBuf>, unreadable: &mut Vec<PathBuf>) {
    let Ok(entries) = fs::read_dir(dir) else {
        unreadable.push(dir.to_path_buf());
        return;
    };
    // (path, is a directory), in the order read_dir gives, as `walk` visits them.
    let items: Vec<(PathBuf, bool)> = entries
        .flatten()
        .filter_map(|entry| {
            let ft = entry.file_type().ok()?;
            if ft.is_dir() {
                Some((entry.path(), true))
            } else if ft.is_file() && is_log_name(&entry.file_name().to_string_lossy()) {
                Some((entry.path(), false))
            } else {
                None
            }
        })
        .collect();
    let one = |(path, is_dir): &(PathBuf, bool)| {
        let (mut f, mut u) = (Vec::new(), Vec::new());
        if *is_dir {
            walk(path, &mut f, &mut u);
        } else {
            f.push(path.clone());
        }
        (f, u)
    };
    let walked: Vec<(Vec<PathBuf>, Vec<PathBuf>)> = if items.len() < 16 {
        items.iter().map(one).collect()
    } else {
        items.par_iter().map(one).collect()
    };
    for (f, u) in walked {
        files.extend(f);
        unreadable.extend(u);
    }
}

fn walk(dir: &Path, files: &mut Vec<PathBuf>, unreadable: &mut Vec<PathBuf>) {
    let Ok(entries) = fs::read_dir(dir) else {
        unreadable.push(dir.to_path_buf());
        return;
    };
    for entry in entries.flatten() {
        // Never follow symlinks while walking: no loops, no leaving the tree.
        let Ok(ft) = entry.file_type() else { continue };
        let path = entry.path();
        if ft.is_dir() {
            walk(&path, files, unreadable);
        } else if ft.is_file() && is_log_name(&entry.file_name().to_string_lossy()) {
            files.push(path);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_parallel_walk_finds_what_the_serial_one_finds_in_its_order() {
        let root = tempfile::tempdir().unwrap();
        for i in 0..40 {
            let d = root.path().join(format!("pod-{i}")).join("c");
            fs::create_dir_all(&d).unwrap();
            fs::write(d.join("0.log"), "x\n").unwrap();
            fs::write(d.join("0.log.20261201-000000.gz"), "").unwrap();
            fs::write(d.join("notes.txt"), "").unwrap();
            fs::write(root.path().join(format!("top-{i}.log")), "").unwrap();
        }
        std::os::unix::fs::symlink(root.path().join("pod-1"), root.path().join("link")).unwrap();
        let (mut serial, mut serial_unreadable) = (Vec::new(), Vec::new());
        walk(root.path(), &mut serial, &mut serial_unreadable);
        let (mut parallel, mut parallel_unreadable) = (Vec::new(), Vec::new());
        walk_top(root.path(), &mut parallel, &mut parallel_unreadable);
        assert_eq!(serial.len(), 120);
        assert_eq!(parallel, serial);
        assert_eq!(parallel_unreadable, serial_unreadable);
        let mut missing = Vec::new();
        walk_top(&root.path().join("gone"), &mut parallel, &mut missing);
        assert_eq!(missing, [root.path().join("gone")]);
    }

    #[test]
    fn rotated_sets_read_oldest_first() {
        let files: Vec<PathBuf> = [
            "/l/app.log",
            "/l/app.log.1",
            "/l/app.log.10.gz",
            "/l/app.log.2.gz",
            "/l/syslog",
            "/l/syslog-20261126.zst",
            "/l/syslog-20261125",
        ]
        .iter()
        .map(PathBuf::from)
        .collect();
        let ordered: Vec<String> = order_sets(files)
            .iter()
            .map(|p| p.display().to_string())
            .collect();
        assert_eq!(
            ordered,
            [
                "/l/app.log.10.gz",
                "/l/app.log.2.gz",
                "/l/app.log.1",
                "/l/app.log",
                "/l/syslog-20261125",
                "/l/syslog-20261126.zst",
                "/l/syslog",
            ]
        );
    }

    #[test]
    fn many_interleaved_sets_keep_first_appearance_order_and_lose_duplicates() {
        // 10k sets of three members named newest first and interleaved, each named twice:
        // the grouping is one hash lookup per file (it was a list search per file).
        let mut files = Vec::new();
        for round in ["", ".1", ".2.gz", ""] {
            for k in 0..10_000 {
                files.push(PathBuf::from(format!("/l/s{k}/app.log{round}")));
            }
        }
        let ordered = order_sets(files);
        assert_eq!(ordered.len(), 30_000);
        for (k, set) in ordered.chunks(3).enumerate() {
            let names: Vec<String> = set.iter().map(|p| p.display().to_string()).collect();
            assert_eq!(
                names,
                [
                    format!("/l/s{k}/app.log.2.gz"),
                    format!("/l/s{k}/app.log.1"),
                    format!("/l/s{k}/app.log"),
                ]
            );
        }
    }

    #[test]
    fn magic_bytes_choose_the_decoder() {
        assert_eq!(compression_of(&[0x1f, 0x8b, 8, 0]), Compression::Gzip);
        assert_eq!(compression_of(&[0x28, 0xb5, 0x2f, 0xfd]), Compression::Zstd);
        assert_eq!(
            compression_of(&[0xfd, b'7', b'z', b'X', b'Z', 0]),
            Compression::Xz
        );
        assert_eq!(compression_of(b"BZh9"), Compression::Bzip2);
        // Text that merely starts like a magic number stays text.
        assert_eq!(compression_of(b"BZh is not bzip2"), Compression::None);
        assert_eq!(compression_of(b"BZ"), Compression::None);
        assert_eq!(compression_of(b""), Compression::None);
    }

    /// A file whose name a runtime gives its logs has its format read with its magic bytes,
    /// and the search takes it from there: the file changed afterwards is not read again.
    #[test]
    fn the_sniff_reads_a_container_logs_format_once() {
        let dir = std::env::temp_dir().join(format!("oncall-sniff-head-{}", std::process::id()));
        let pod = dir.join("ns_pod_uid/app");
        fs::create_dir_all(&pod).unwrap();
        let cri = pod.join("0.log");
        fs::write(&cri, b"2026-12-01T10:00:00.000000001Z stdout F hello\n").unwrap();
        let docker = dir.join("abc-json.log");
        fs::write(
            &docker,
            b"{\"log\":\"hi\\n\",\"stream\":\"stdout\",\"time\":\"2026-12-01T10:00:00Z\"}\n",
        )
        .unwrap();
        let plain = dir.join("app.log");
        fs::write(&plain, b"2026-12-01T10:00:00.000000001Z stdout F hello\n").unwrap();
        let empty = pod.join("1.log");
        fs::write(&empty, b"").unwrap();
        let gz = pod.join("2.log.gz");
        fs::write(&gz, [0x1f, 0x8b, 8, 0, 0, 0]).unwrap();

        let s = Source::from_path(&cri).unwrap();
        assert_eq!(s.container_head, Some(Some(Format::Cri)));
        fs::write(&cri, b"not a record any more\n").unwrap();
        assert_eq!(crate::logs::search::container_format(&s), Some(Format::Cri));
        assert_eq!(
            Source::from_path(&docker).unwrap().container_head,
            Some(Some(Format::DockerJson))
        );
        // Not read for it: a name no runtime gives, an empty file (it may be written yet),
        // a compressed one (its head is decoded when searched).
        assert_eq!(Source::from_path(&plain).unwrap().container_head, None);
        assert_eq!(Source::from_path(&empty).unwrap().container_head, None);
        let g = Source::from_path(&gz).unwrap();
        assert_eq!((g.compression, g.container_head), (Compression::Gzip, None));
        // Read, and no container log: said so, and not read again.
        let text = Source::from_path(&cri).unwrap();
        assert_eq!(text.container_head, Some(None));
        fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn log_names() {
        for n in [
            "app.log",
            "app.log.3",
            "app.log.2.gz",
            "syslog",
            "syslog.1",
            "x.zst",
            "eipp.log.xz",
            "app.log.2.bz2",
            "kern.log",
        ] {
            assert!(is_log_name(n), "{n}");
        }
        for n in ["notes.txt", "lastlog.db", "wtmp"] {
            assert!(!is_log_name(n), "{n}");
        }
    }
}
