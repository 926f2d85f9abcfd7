//! Which files a logs command reads, in which order, and how to open them.
//!
//! Directories are walked for log-like names; a rotated set (`app.log.3.gz`, `app.log.2.gz`,
//! `app.log.1`, `app.log`) is ordered oldest to newest so it reads as one stream. Compression is
//! chosen by magic bytes, never by name: a `.1` that logrotate gzipped, or a `.gz` that is
//! really plain text, both read right.

use std::fs::{self, File};
use std::io::{self, BufReader, Read};
use std::path::{Path, PathBuf};
use std::time::SystemTime;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Compression {
    None,
    Gzip,
    Zstd,
}

#[derive(Debug, Clone)]
pub struct Source {
    pub path: PathBuf,
    pub compression: Compression,
    pub len: u64,
    pub modified: Option<SystemTime>,
}

/// What discovery found, and what it could not read (said, not hidden).
#[derive(Debug, Default)]
pub struct Discovery {
    pub sources: Vec<Source>,
    pub unreadable: Vec<PathBuf>,
}

/// Why an explicitly named path cannot be read: one line for the user.
#[derive(Debug)]
pub struct PathError {
    pub path: PathBuf,
    pub why: String,
}

const GZIP_MAGIC: [u8; 2] = [0x1f, 0x8b];
const ZSTD_MAGIC: [u8; 4] = [0x28, 0xb5, 0x2f, 0xfd];

/// Reads the magic bytes of an open file (and leaves it at offset 0 for the caller to reopen).
pub fn sniff(path: &Path) -> io::Result<Compression> {
    let mut f = File::open(path)?;
    let mut magic = [0u8; 4];
    let mut n = 0;
    while n < 4 {
        match f.read(&mut magic[n..])? {
            0 => break,
            k => n += k,
        }
    }
    Ok(if n >= 2 && magic[..2] == GZIP_MAGIC {
        Compression::Gzip
    } else if n == 4 && magic == ZSTD_MAGIC {
        Compression::Zstd
    } else {
        Compression::None
    })
}

impl Source {
    pub fn from_path(path: &Path) -> io::Result<Source> {
        let meta = fs::metadata(path)?;
        let compression = sniff(path)?;
        Ok(Source {
            path: path.to_path_buf(),
            compression,
            len: meta.len(),
            modified: meta.modified().ok(),
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
        })
    }

    pub fn display(&self) -> String {
        self.path.display().to_string()
    }
}

/// Expands the paths given on the command line: files as named (grouped by rotated set),
/// directories walked for log files. A named path that cannot be read is an error.
pub fn discover(paths: &[PathBuf]) -> Result<Discovery, PathError> {
    let mut found = Discovery::default();
    let mut files: Vec<PathBuf> = Vec::new();
    for path in paths {
        let meta = fs::metadata(path).map_err(|e| PathError {
            path: path.clone(),
            why: reason(&e),
        })?;
        if meta.is_dir() {
            let mut walked = Vec::new();
            walk(path, &mut walked, &mut found.unreadable);
            walked.sort_by_key(|p| rotation_key(p));
            files.extend(walked);
        } else {
            File::open(path).map_err(|e| PathError {
                path: path.clone(),
                why: reason(&e),
            })?;
            files.push(path.clone());
        }
    }
    for path in order_sets(files) {
        match Source::from_path(&path) {
            Ok(s) => found.sources.push(s),
            Err(_) => found.unreadable.push(path),
        }
    }
    Ok(found)
}

fn reason(e: &io::Error) -> String {
    match e.kind() {
        io::ErrorKind::NotFound => "no such file or directory".into(),
        io::ErrorKind::PermissionDenied => "permission denied (run as root?)".into(),
        _ => e.to_string(),
    }
}

/// Keeps the order in which sets first appear; within a set, oldest first. Duplicates go.
fn order_sets(files: Vec<PathBuf>) -> Vec<PathBuf> {
    let mut bases: Vec<PathBuf> = Vec::new();
    let mut members: Vec<Vec<PathBuf>> = Vec::new();
    for f in files {
        let (base, _) = rotation_key(&f);
        match bases.iter().position(|b| *b == base) {
            Some(i) => {
                if !members[i].contains(&f) {
                    members[i].push(f)
                }
            }
            None => {
                bases.push(base);
                members.push(vec![f]);
            }
        }
    }
    members
        .into_iter()
        .flat_map(|mut m| {
            m.sort_by_key(|p| rotation_key(p).1);
            m
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
        || name.ends_with(".gz")
        || name.ends_with(".zst")
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
    fn log_names() {
        for n in [
            "app.log",
            "app.log.3",
            "app.log.2.gz",
            "syslog",
            "syslog.1",
            "x.zst",
            "kern.log",
        ] {
            assert!(is_log_name(n), "{n}");
        }
        for n in ["notes.txt", "lastlog.db", "wtmp"] {
            assert!(!is_log_name(n), "{n}");
        }
    }
}
