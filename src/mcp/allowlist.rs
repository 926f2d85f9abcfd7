//! The directories `oncall mcp` may read logs from and measure: /var/log and the journal's
//! directories by default, more with `--allow-path`. A path is canonicalised first (`..` and
//! every symlink resolved), then compared whole component by component: `/var/log-evil` is
//! not under `/var/log`, and a symlink in /var/log to /etc/shadow resolves to /etc.

use std::path::{Path, PathBuf};

pub const DEFAULT_ROOTS: &[&str] = &["/var/log", "/run/log/journal"];

#[derive(Debug, Clone, Default)]
pub struct Allowlist {
    roots: Vec<PathBuf>,
    narrowed: bool,
}

impl Allowlist {
    /// The defaults plus `extra`; a root that does not exist is dropped (nothing to read).
    pub fn new(extra: &[PathBuf]) -> Allowlist {
        let mut roots: Vec<PathBuf> = DEFAULT_ROOTS
            .iter()
            .map(PathBuf::from)
            .chain(extra.iter().cloned())
            .filter_map(|p| std::fs::canonicalize(p).ok())
            .collect();
        roots.sort();
        roots.dedup();
        Allowlist {
            roots,
            narrowed: false,
        }
    }

    pub fn roots(&self) -> &[PathBuf] {
        &self.roots
    }

    /// This list cut down to what also lies under one of `client` (a client's roots): each
    /// root under a client root stays, each client root under a root takes its place. A
    /// client root outside every root adds nothing, so the list only ever narrows. Roots
    /// that share no directory with this list (none at all, as the MCP Inspector sends, or
    /// a client's workspace such as the project an editor has open) say nothing about the
    /// host's logs: the list stands as it is.
    pub fn narrowed(&self, client: &[PathBuf]) -> Allowlist {
        let client: Vec<PathBuf> = client
            .iter()
            .filter_map(|p| std::fs::canonicalize(p).ok())
            .collect();
        let mut roots: Vec<PathBuf> = Vec::new();
        for r in &self.roots {
            for c in &client {
                if r.starts_with(c) {
                    roots.push(r.clone());
                } else if c.starts_with(r) {
                    roots.push(c.clone());
                }
            }
        }
        if roots.is_empty() {
            return self.clone();
        }
        roots.sort();
        roots.dedup();
        Allowlist {
            roots,
            narrowed: true,
        }
    }

    /// Whether a client's roots cut this list down (a call's defaults then read only
    /// under it).
    pub fn is_narrowed(&self) -> bool {
        self.narrowed
    }

    /// The canonical path when it lies under an allowed root; else why not.
    pub fn check(&self, path: &Path) -> Result<PathBuf, String> {
        let canonical =
            std::fs::canonicalize(path).map_err(|e| format!("{}: {e}", path.display()))?;
        if self.roots.iter().any(|r| canonical.starts_with(r)) {
            Ok(canonical)
        } else {
            Err(format!(
                "{} is outside the directories this server may read ({}{})",
                path.display(),
                self.describe(),
                if self.narrowed {
                    ", as narrowed by the client's roots"
                } else {
                    "; `oncall mcp --allow-path DIR` adds one"
                }
            ))
        }
    }

    /// Every path checked and replaced by its canonical form, so what is read is what was
    /// checked.
    pub fn check_all(&self, paths: &mut [PathBuf]) -> Result<(), String> {
        for p in paths.iter_mut() {
            *p = self.check(p)?;
        }
        Ok(())
    }

    pub fn describe(&self) -> String {
        if self.roots.is_empty() {
            return "none".into();
        }
        self.roots
            .iter()
            .map(|r| r.display().to_string())
            .collect::<Vec<_>>()
            .join(", ")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn whole_components_and_symlinks() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path().join("log");
        let sibling = dir.path().join("log-evil");
        std::fs::create_dir_all(&root).unwrap();
        std::fs::create_dir_all(&sibling).unwrap();
        std::fs::write(root.join("app.log"), "x").unwrap();
        std::fs::write(sibling.join("secret"), "x").unwrap();
        std::os::unix::fs::symlink(sibling.join("secret"), root.join("link")).unwrap();
        let allow = Allowlist {
            roots: vec![std::fs::canonicalize(&root).unwrap()],
            narrowed: false,
        };
        assert!(allow.check(&root.join("app.log")).is_ok());
        assert!(allow.check(&sibling.join("secret")).is_err());
        assert!(allow.check(&root.join("../log-evil/secret")).is_err());
        assert!(allow.check(&root.join("link")).is_err());
    }

    #[test]
    fn client_roots_only_narrow() {
        let dir = tempfile::tempdir().unwrap();
        let root = std::fs::canonicalize(dir.path()).unwrap().join("log");
        let inner = root.join("app");
        let other = std::fs::canonicalize(dir.path()).unwrap().join("etc");
        for d in [&inner, &other] {
            std::fs::create_dir_all(d).unwrap();
        }
        let allow = Allowlist {
            roots: vec![root.clone()],
            narrowed: false,
        };
        // A client root inside: only it. One above: the server's root.
        let inside = allow.narrowed(std::slice::from_ref(&inner));
        assert_eq!(inside.roots(), std::slice::from_ref(&inner));
        assert!(inside.is_narrowed());
        assert_eq!(allow.narrowed(&[dir.path().to_path_buf()]).roots(), [root]);
        // Roots that share nothing with the list (elsewhere, or none) leave it as it is.
        assert_eq!(
            allow.narrowed(std::slice::from_ref(&other)).roots(),
            allow.roots()
        );
        assert_eq!(allow.narrowed(&[]).roots(), allow.roots());
        assert!(!allow.narrowed(&[]).is_narrowed());
    }
}
