//! Which journal files to read, as journalctl finds them: by default the files of this
//! machine under `/run/log/journal/<machine-id>/` (volatile) and
//! `/var/log/journal/<machine-id>/` (persistent), and any directly in those two roots —
//! system and user files, archived
//! `name@….journal` and `*.journal~` (files journald found dirty and set aside); or, for
//! copies from another host, explicit directories (their own files and those of
//! machine-id subdirectories, as `journalctl -D`) and `--file` globs.

use std::path::{Path, PathBuf};

pub const DEFAULT_ROOTS: [&str; 2] = ["/run/log/journal", "/var/log/journal"];

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Sources {
    /// This machine's journal, under `roots` (normally `DEFAULT_ROOTS`).
    Default {
        roots: Vec<PathBuf>,
        /// journalctl `--namespace`: `NS` is that namespace's directory only
        /// (`<machine-id>.NS`), `+NS` adds the default one, `*` is every namespace.
        namespace: Option<String>,
    },
    Dirs(Vec<PathBuf>),
    /// Paths whose last component may hold `*` and `?`.
    Files(Vec<String>),
}

#[derive(Debug, Clone, Default)]
pub struct Discovered {
    /// Sorted by path, without repeats.
    pub files: Vec<PathBuf>,
    pub warnings: Vec<String>,
}

pub fn is_journal_name(name: &str) -> bool {
    name.ends_with(".journal") || name.ends_with(".journal~")
}

fn is_machine_id(name: &str) -> bool {
    name.len() == 32 && name.bytes().all(|b| b.is_ascii_hexdigit())
}

pub fn machine_id() -> Option<String> {
    let id = std::fs::read_to_string("/etc/machine-id").ok()?;
    let id = id.trim();
    is_machine_id(id).then(|| id.to_ascii_lowercase())
}

pub fn discover(sources: &Sources) -> Discovered {
    let mut found = Discovered::default();
    match sources {
        Sources::Default { roots, namespace } => {
            let Some(id) = machine_id() else {
                found
                    .warnings
                    .push("no machine id in /etc/machine-id: the local journal is unknown".into());
                return found;
            };
            let ns = namespace.as_deref();
            let default = ns.is_none_or(|n| n.starts_with('+') || n == "*");
            for root in roots {
                // A missing directory is normal (no persistent journal, or none in /run).
                // Files directly in the root are read too, as sd_journal does; other
                // machines' directories (containers' journals) are not.
                if default {
                    files_in(root, &mut found, false);
                    files_in(&root.join(&id), &mut found, false);
                }
                match ns {
                    None => {}
                    Some("*") => {
                        let prefix = format!("{id}.");
                        if let Ok(rd) = std::fs::read_dir(root) {
                            for e in rd.flatten() {
                                let name = e.file_name();
                                if name.to_string_lossy().starts_with(&prefix) {
                                    files_in(&e.path(), &mut found, false);
                                }
                            }
                        }
                    }
                    Some(n) => {
                        let n = n.trim_start_matches('+');
                        files_in(&root.join(format!("{id}.{n}")), &mut found, false);
                    }
                }
            }
        }
        Sources::Dirs(dirs) => {
            for dir in dirs {
                files_in(dir, &mut found, true);
                if let Ok(rd) = std::fs::read_dir(dir) {
                    for e in rd.flatten() {
                        let name = e.file_name();
                        if is_machine_id(&name.to_string_lossy())
                            && e.file_type().is_ok_and(|t| t.is_dir())
                        {
                            files_in(&e.path(), &mut found, false);
                        }
                    }
                }
            }
        }
        Sources::Files(globs) => {
            for g in globs {
                let before = found.files.len();
                glob_files(g, &mut found);
                if found.files.len() == before {
                    found.warnings.push(format!("{g}: no such journal file"));
                }
            }
        }
    }
    found.files.sort();
    found.files.dedup();
    found
}

fn files_in(dir: &Path, found: &mut Discovered, must_exist: bool) {
    let rd = match std::fs::read_dir(dir) {
        Ok(rd) => rd,
        Err(e) => {
            if must_exist || e.kind() != std::io::ErrorKind::NotFound {
                found.warnings.push(format!("{}: {e}", dir.display()));
            }
            return;
        }
    };
    for e in rd.flatten() {
        let name = e.file_name();
        if is_journal_name(&name.to_string_lossy()) && e.file_type().is_ok_and(|t| t.is_file()) {
            found.files.push(e.path());
        }
    }
}

fn glob_files(pattern: &str, found: &mut Discovered) {
    let path = Path::new(pattern);
    let Some(name) = path.file_name().map(|n| n.to_string_lossy().into_owned()) else {
        return;
    };
    if !name.contains(['*', '?']) {
        if path.is_file() {
            found.files.push(path.to_path_buf());
        }
        return;
    }
    let dir = match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    };
    let Ok(rd) = std::fs::read_dir(&dir) else {
        return;
    };
    for e in rd.flatten() {
        let n = e.file_name();
        if wildcard(name.as_bytes(), n.to_string_lossy().as_bytes())
            && e.file_type().is_ok_and(|t| t.is_file())
        {
            found.files.push(e.path());
        }
    }
}

/// `*` and `?` over one file name (the last path component), iteratively with one
/// backtrack point, so no pattern costs more than len(pattern) × len(name).
pub fn wildcard(pattern: &[u8], name: &[u8]) -> bool {
    let (mut p, mut n) = (0, 0);
    let mut star: Option<(usize, usize)> = None;
    while n < name.len() {
        if p < pattern.len() && (pattern[p] == b'?' || pattern[p] == name[n]) {
            p += 1;
            n += 1;
        } else if p < pattern.len() && pattern[p] == b'*' {
            star = Some((p, n));
            p += 1;
        } else if let Some((sp, sn)) = star {
            p = sp + 1;
            n = sn + 1;
            star = Some((sp, sn + 1));
        } else {
            return false;
        }
    }
    pattern[p..].iter().all(|&c| c == b'*')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wildcards_match_journal_names() {
        assert!(wildcard(b"*.journal", b"system.journal"));
        assert!(wildcard(b"system@*.journal", b"system@0005-0001.journal"));
        assert!(!wildcard(b"*.journal", b"system.journal~"));
        assert!(wildcard(b"user-100?.journal*", b"user-1000.journal~"));
        assert!(wildcard(b"*", b""));
        assert!(!wildcard(b"?", b""));
    }

    #[test]
    fn dirs_take_their_files_and_machine_id_subdirectories() {
        let dir = tempfile::tempdir().unwrap();
        let sub = dir.path().join("0123456789abcdef0123456789abcdef");
        std::fs::create_dir(&sub).unwrap();
        for f in ["a.journal", "b.journal~", "notes.txt"] {
            std::fs::write(dir.path().join(f), b"").unwrap();
        }
        std::fs::write(sub.join("system@x.journal"), b"").unwrap();
        let d = discover(&Sources::Dirs(vec![dir.path().to_path_buf()]));
        let names: Vec<_> = d
            .files
            .iter()
            .map(|p| p.file_name().unwrap().to_string_lossy().into_owned())
            .collect();
        // Sorted by path: the machine-id directory's file comes first.
        assert_eq!(names, ["system@x.journal", "a.journal", "b.journal~"]);
        let g = discover(&Sources::Files(vec![format!(
            "{}/*.journal",
            dir.path().display()
        )]));
        assert_eq!(g.files.len(), 1);
    }

    #[test]
    fn the_default_is_this_machines_directory_under_each_root() {
        let Some(id) = machine_id() else {
            eprintln!("skipped: no /etc/machine-id");
            return;
        };
        let root = tempfile::tempdir().unwrap();
        let mine = root.path().join(&id);
        let other = root.path().join("ffffffffffffffffffffffffffffffff");
        std::fs::create_dir(&mine).unwrap();
        std::fs::create_dir(&other).unwrap();
        for f in [
            "system.journal",
            "user-1000@0001-0002.journal",
            "system@x.journal~",
        ] {
            std::fs::write(mine.join(f), b"").unwrap();
        }
        std::fs::write(other.join("system.journal"), b"").unwrap();
        std::fs::write(root.path().join("loose.journal"), b"").unwrap();
        let d = discover(&Sources::Default {
            roots: vec![root.path().to_path_buf(), root.path().join("missing")],
            namespace: None,
        });
        assert!(d.warnings.is_empty(), "{:?}", d.warnings);
        let mut names: Vec<_> = d
            .files
            .iter()
            .map(|p| p.strip_prefix(root.path()).unwrap().display().to_string())
            .collect();
        names.sort();
        let mut want = vec![
            "loose.journal".to_string(),
            format!("{id}/system.journal"),
            format!("{id}/system@x.journal~"),
            format!("{id}/user-1000@0001-0002.journal"),
        ];
        want.sort();
        assert_eq!(names, want);
    }
}
