//! The tldr pages the host already has: a tldr client's cache (tealdeer, tlrc, the Python
//! and Node clients) or a tldr-pages checkout named by `--tldr DIR` or the config, read at
//! run time from the user's files (nothing of theirs is in this repository).
//!
//! Only what a query needs is touched: a name is a few `stat`s (the user's language first,
//! then English; `common` then `linux`), a search one directory listing per page folder;
//! a page is parsed only when it is shown. Without a cache nothing is read at all beyond the
//! few `stat`s that look for one.

use super::model::Command;
use super::user_sheets;
use std::borrow::Cow;
use std::io::Read;
use std::path::{Path, PathBuf};

/// The category tldr pages are shown under.
pub const CATEGORY: &str = "tldr";
/// A tldr page is a few KiB; more is not a tldr page.
const MAX_PAGE: u64 = 256 << 10;
/// The platforms of a Linux host, in the order tldr clients look.
const PLATFORMS: [&str; 2] = ["common", "linux"];

#[derive(Debug, Clone)]
pub struct TldrCache {
    /// Where the pages were found (a client's cache or a checkout), for messages.
    pub root: PathBuf,
    /// Page folders in the order a name is looked up in.
    dirs: Vec<PathBuf>,
}

/// The cache to use: `explicit` (`--tldr DIR`), else the config's, else the first client
/// cache that exists.
pub fn discover(explicit: Option<PathBuf>) -> Option<TldrCache> {
    let langs = languages();
    if let Some(dir) = explicit.or_else(configured) {
        return open(&dir, &langs);
    }
    candidates().into_iter().find_map(|dir| open(&dir, &langs))
}

/// The user's languages from `LANGUAGE`, `LC_ALL`, `LC_MESSAGES`, `LANG` (`de_DE.UTF-8` →
/// `de_DE`, `de`), English last.
fn languages() -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    let mut push = |l: &str| {
        if !l.is_empty() && !out.iter().any(|o| o == l) {
            out.push(l.to_string());
        }
    };
    if let Some(list) = std::env::var_os("LANGUAGE") {
        for l in list.to_string_lossy().split(':') {
            let l = l.split('.').next().unwrap_or("");
            push(l);
            push(l.split('_').next().unwrap_or(""));
        }
    }
    for var in ["LC_ALL", "LC_MESSAGES", "LANG"] {
        if let Some(v) = std::env::var_os(var).filter(|v| !v.is_empty()) {
            let v = v.to_string_lossy();
            let l = v.split(['.', '@']).next().unwrap_or("");
            if l != "C" && l != "POSIX" {
                push(l);
                push(l.split('_').next().unwrap_or(""));
            }
            break;
        }
    }
    out.retain(|l| l != "en" && !l.starts_with("en_"));
    out.push("en".to_string());
    out
}

fn home() -> Option<PathBuf> {
    std::env::var_os("HOME")
        .filter(|h| !h.is_empty())
        .map(PathBuf::from)
}

fn cache_home() -> Option<PathBuf> {
    std::env::var_os("XDG_CACHE_HOME")
        .filter(|v| !v.is_empty())
        .map(PathBuf::from)
        .or_else(|| home().map(|h| h.join(".cache")))
}

/// Where the clients keep their caches, in the order they are tried.
fn candidates() -> Vec<PathBuf> {
    let mut out = Vec::new();
    // tealdeer: $TEALDEER_CACHE_DIR, else $XDG_CACHE_HOME/tealdeer; pages in tldr-pages/.
    if let Some(d) = std::env::var_os("TEALDEER_CACHE_DIR").filter(|v| !v.is_empty()) {
        out.push(PathBuf::from(d).join("tldr-pages"));
    }
    if let Some(c) = cache_home() {
        out.push(c.join("tealdeer").join("tldr-pages"));
        // tlrc: $XDG_CACHE_HOME/tlrc/pages.en/…
        out.push(c.join("tlrc"));
        // the Python client: $XDG_CACHE_HOME/tldr/pages/…
        out.push(c.join("tldr"));
    }
    // the Node client: ~/.tldr/cache/pages/…
    if let Some(h) = home() {
        out.push(h.join(".tldr").join("cache"));
    }
    out
}

/// `tldr = "DIR"` in `$XDG_CONFIG_HOME/oncall/config.toml`: a tldr-pages checkout.
fn configured() -> Option<PathBuf> {
    let base = std::env::var_os("XDG_CONFIG_HOME")
        .filter(|v| !v.is_empty())
        .map(PathBuf::from)
        .or_else(|| home().map(|h| h.join(".config")))?;
    let path = base.join("oncall").join("config.toml");
    let text = std::fs::read_to_string(&path).ok()?;
    match text.parse::<toml::Table>() {
        Ok(t) => t.get("tldr")?.as_str().map(PathBuf::from),
        Err(e) => {
            crate::render::stderr::line(format_args!(
                "oncall: warning: {}: {} (skipped)",
                path.display(),
                e.message()
            ));
            None
        }
    }
}

/// The page folders under `root` (a cache or a checkout): `pages.LANG` for each language,
/// English as `pages.en` (tlrc, newer tealdeer) or `pages` (checkouts, older clients).
fn open(root: &Path, langs: &[String]) -> Option<TldrCache> {
    // Most candidate caches do not exist: one `stat` rules out the four folders under one.
    if !root.is_dir() {
        return None;
    }
    let mut dirs = Vec::new();
    for lang in langs {
        let mut names = vec![format!("pages.{lang}")];
        if lang == "en" {
            names.push("pages".to_string());
        }
        for name in names {
            for platform in PLATFORMS {
                let d = root.join(&name).join(platform);
                if d.is_dir() {
                    dirs.push(d);
                }
            }
        }
    }
    (!dirs.is_empty()).then(|| TldrCache {
        root: root.to_path_buf(),
        dirs,
    })
}

/// Page names are file names: nothing that could leave the folder.
fn valid_name(name: &str) -> bool {
    !name.is_empty() && !name.starts_with('.') && !name.contains(['/', '\\', '\0'])
}

impl TldrCache {
    /// The file of `name`'s page, the first in lookup order.
    pub fn path(&self, name: &str) -> Option<PathBuf> {
        if !valid_name(name) {
            return None;
        }
        self.dirs
            .iter()
            .map(|d| d.join(format!("{name}.md")))
            .find(|p| p.is_file())
    }

    /// `name`'s page as a command (category `tldr`); a malformed page is named on stderr.
    pub fn command(&self, name: &str) -> Option<Command> {
        let path = self.path(name)?;
        let shown = path.display().to_string();
        let text = match read(&path) {
            Ok(t) => t,
            Err(e) => {
                warn(&shown, &e);
                return None;
            }
        };
        match user_sheets::parse_tldr(&text, &shown) {
            Ok(mut c) => {
                c.category = Cow::Borrowed(CATEGORY);
                Some(c)
            }
            Err(e) => {
                warn(&shown, &e);
                None
            }
        }
    }

    /// Every page name, each once (a language's page hides English's of the same name).
    pub fn names(&self) -> Vec<String> {
        let mut out: Vec<String> = Vec::new();
        for d in &self.dirs {
            let Ok(entries) = std::fs::read_dir(d) else {
                continue;
            };
            for e in entries.flatten() {
                let name = e.file_name();
                let name = name.to_string_lossy();
                if let Some(stem) = name.strip_suffix(".md") {
                    if valid_name(stem) {
                        out.push(stem.to_string());
                    }
                }
            }
        }
        out.sort();
        out.dedup();
        out
    }
}

fn warn(shown: &str, why: &dyn std::fmt::Display) {
    crate::render::stderr::line(format_args!(
        "oncall: warning: tldr page {shown}: {why} (skipped)"
    ));
}

fn read(path: &Path) -> std::io::Result<String> {
    let mut raw = Vec::new();
    std::fs::File::open(path)?
        .take(MAX_PAGE + 1)
        .read_to_end(&mut raw)?;
    if raw.len() as u64 > MAX_PAGE {
        return Err(std::io::Error::other(
            "larger than 256 KiB: not a tldr page",
        ));
    }
    String::from_utf8(raw).map_err(|_| std::io::Error::other("not UTF-8 text"))
}
