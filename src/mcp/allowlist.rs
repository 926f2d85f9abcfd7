//! The directories `oncall mcp` may read logs from and measure: /var/log and the journal's
//! directories by default, more with `--allow-path`. A path is canonicalised first (`..` and
//! every symlink resolved), then compared whole component by component: `/var/log-evil` is
//! not under `/var/log`, and a symlink in /var/log to /etc/shadow resolves to /etc.

use std::path::{Path, PathBuf};

pub const DEFAULT_ROOTS: &[&str] = &["/var/log", "/run/log/journal"];

#[derive(Debug, Clone, Default)]
pub struct Allowlist {
    roots: Vec<PathBuf>,
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
        Allowlist { roots }
    }

    pub fn roots(&self) -> &[PathBuf] {
        &self.roots
    }

    /// The canonical path when it lies under an allowed root; else why not.
    pub fn check(&self, path: &Path) -> Result<PathBuf, String> {
        let canonical =
            std::fs::canonicalize(path).map_err(|e| format!("{}: {e}", path.display()))?;
        if self.roots.iter().any(|r| canonical.starts_with(r)) {
            Ok(canonical)
        } else {
            Err(format!(
                "{} is outside the directories this server may read ({}; `oncall mcp --allow-path DIR` adds one)",
                path.display(),
                self.describe()
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
        };
        assert!(allow.check(&root.join("app.log")).is_ok());
        assert!(allow.check(&sibling.join("secret")).is_err());
        assert!(allow.check(&root.join("../log-evil/secret")).is_err());
        assert!(allow.check(&root.join("link")).is_err());
    }
}
