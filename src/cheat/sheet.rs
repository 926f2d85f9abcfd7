//! The sheet a query runs against: the built-in data, merged with the user's sheets.
//!
//! Entries are addressed by position: built-in commands first (in the index's order), user
//! commands that add new names after them; a user command with a built-in name takes that
//! built-in's place.

use super::index;
use super::model::{Category, Command, Runbook};
use super::tldr_cache::TldrCache;
use super::user_sheets::{self, UserSheets};
use std::borrow::Cow;
use std::path::PathBuf;

pub struct Sheet {
    pub categories: Cow<'static, [Category]>,
    /// Position `i` below the built-in count is built-in command `i` unless `user[i]` holds
    /// the user's command of that name; positions past it are user commands with new names.
    /// Empty without user sheets: a lookup then allocates nothing per entry.
    user: Vec<Option<Box<Command>>>,
    pub runbooks: &'static [Runbook],
    /// User files that could not be read, as `path: why`; reported, never fatal.
    pub warnings: Vec<String>,
    /// The host's tldr pages, searched beside the sheet (never merged into it).
    pub tldr: Option<TldrCache>,
}

impl Sheet {
    /// The built-in sheet alone: no file is touched, nothing is parsed.
    pub fn builtin() -> Sheet {
        Sheet {
            categories: Cow::Borrowed(index::CATEGORIES),
            user: Vec::new(),
            runbooks: index::RUNBOOKS,
            warnings: Vec::new(),
            tldr: None,
        }
    }

    /// The built-in sheet with the user's sheets from `dir` merged in; a user command wins
    /// over a built-in one of the same name.
    pub fn with_user_dir(dir: Option<PathBuf>) -> Sheet {
        let mut sheet = Sheet::builtin();
        let Some(dir) = dir else { return sheet };
        let UserSheets {
            categories,
            commands,
            warnings,
        } = user_sheets::load_dir(&dir);
        sheet.warnings = warnings;
        for c in categories {
            if !sheet.categories.iter().any(|k| k.id == c.id) {
                sheet.categories.to_mut().push(c);
            }
        }
        if !commands.is_empty() {
            sheet.user.resize_with(index::len(), || None);
        }
        for user in commands {
            match sheet.position(&user.name) {
                Some(i) => sheet.user[i] = Some(Box::new(user)),
                None => sheet.user.push(Some(Box::new(user))),
            }
        }
        sheet
    }

    pub fn len(&self) -> usize {
        // With user sheets `user` covers every position; without, the built-in ones are all.
        self.user.len().max(index::len())
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    pub fn name(&self, i: usize) -> &str {
        match self.user_command(i) {
            None => index::name(i),
            Some(c) => &c.name,
        }
    }

    pub fn category_of(&self, i: usize) -> &str {
        match self.user_command(i) {
            None => index::category(i),
            Some(c) => &c.category,
        }
    }

    /// The user's command at `i`, if the entry is one (the compiled-in index covers the rest).
    pub fn user_command(&self, i: usize) -> Option<&Command> {
        assert!(i < self.len(), "sheet position {i} out of range");
        self.user.get(i).and_then(|c| c.as_deref())
    }

    pub fn has_tag(&self, i: usize, tag: &str) -> bool {
        match self.user_command(i) {
            None => index::tags(i).any(|t| t.eq_ignore_ascii_case(tag)),
            Some(c) => c.tags.iter().any(|t| t.eq_ignore_ascii_case(tag)),
        }
    }

    /// The entry at `i` as a full command.
    pub fn get(&self, i: usize) -> Command {
        match self.user_command(i) {
            None => index::command(i),
            Some(c) => c.clone(),
        }
    }

    pub fn position(&self, name: &str) -> Option<usize> {
        (0..self.len()).find(|&i| self.name(i) == name)
    }

    pub fn command(&self, name: &str) -> Option<Command> {
        self.position(name).map(|i| self.get(i))
    }

    pub fn category(&self, id_or_title: &str) -> Option<&Category> {
        let q = id_or_title.to_lowercase();
        self.categories
            .iter()
            .find(|c| c.id == q || c.title.to_lowercase() == q)
            .or_else(|| {
                // "disks" finds "disks-storage", "perf" finds "performance-incident".
                let hits: Vec<&Category> = self
                    .categories
                    .iter()
                    .filter(|c| c.id.starts_with(&q) || c.title.to_lowercase().starts_with(&q))
                    .collect();
                (hits.len() == 1).then(|| hits[0])
            })
    }

    pub fn title_of(&self, category: &str) -> &str {
        self.categories
            .iter()
            .find(|c| c.id == category)
            .map_or("", |c| &c.title)
    }

    /// Every command, materialised (for whole-sheet listings, not for lookups).
    pub fn all(&self) -> impl Iterator<Item = Command> + '_ {
        (0..self.len()).map(|i| self.get(i))
    }

    pub fn commands_in<'a>(&'a self, category: &'a str) -> impl Iterator<Item = Command> + 'a {
        (0..self.len())
            .filter(move |&i| self.category_of(i) == category)
            .map(|i| self.get(i))
    }
}

/// Where user sheets live: `$XDG_CONFIG_HOME/oncall/cheats`, else `~/.config/oncall/cheats`.
pub fn user_dir() -> Option<PathBuf> {
    let base = std::env::var_os("XDG_CONFIG_HOME")
        .filter(|v| !v.is_empty())
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".config")))?;
    let dir = base.join("oncall").join("cheats");
    dir.is_dir().then_some(dir)
}
