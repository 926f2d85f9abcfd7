//! The sheet a query runs against: the built-in data, merged with the user's sheets.

use super::index;
use super::model::{Category, Command, Runbook, Text};
use super::user_sheets::{self, UserSheets};
use std::borrow::Cow;
use std::path::PathBuf;

pub struct Sheet {
    pub categories: Cow<'static, [Category]>,
    pub commands: Cow<'static, [Command]>,
    pub runbooks: &'static [Runbook],
    /// User files that could not be read, as `path: why`; reported, never fatal.
    pub warnings: Vec<String>,
}

impl Sheet {
    /// The built-in sheet alone: no file is touched.
    pub fn builtin() -> Sheet {
        Sheet {
            categories: Cow::Borrowed(index::CATEGORIES),
            commands: Cow::Borrowed(index::COMMANDS),
            runbooks: index::RUNBOOKS,
            warnings: Vec::new(),
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
        if commands.is_empty() && categories.is_empty() {
            return sheet;
        }
        let cats = sheet.categories.to_mut();
        for c in categories {
            if !cats.iter().any(|k| k.id == c.id) {
                cats.push(c);
            }
        }
        let cmds = sheet.commands.to_mut();
        for user in commands {
            match cmds.iter_mut().find(|c| c.name == user.name) {
                Some(slot) => *slot = user,
                None => cmds.push(user),
            }
        }
        sheet
    }

    pub fn command(&self, name: &str) -> Option<&Command> {
        self.commands.iter().find(|c| c.name == name)
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

    pub fn commands_in<'a>(&'a self, category: &'a Text) -> impl Iterator<Item = &'a Command> + 'a {
        self.commands
            .iter()
            .filter(move |c| &c.category == category)
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
