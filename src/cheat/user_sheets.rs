//! User sheets: what people already keep, read from one folder at run time.
//!
//! Three formats are accepted side by side:
//! - `*.toml` in our own schema (`src/cheat/schema.rs`), validated with the same rules as
//!   the built-in data;
//! - `*.md` tldr-style pages (`# name`, `> summary`, `- description:` then a backticked command);
//! - any other file as a cheat-style plain sheet (the file name is the command, `#` lines
//!   describe the command lines that follow).
//!
//! A file that cannot be read or parsed is reported with its path and skipped, never fatal.

use super::model::{Category, Command, Example, Flag, Safety, Subcommand, Text};
use super::schema::{self, CheatFile};
use std::borrow::Cow;
use std::fs;
use std::path::Path;

pub const USER_CATEGORY: &str = "user";

#[derive(Default)]
pub struct UserSheets {
    pub categories: Vec<Category>,
    pub commands: Vec<Command>,
    pub warnings: Vec<String>,
}

pub fn load_dir(dir: &Path) -> UserSheets {
    let mut out = UserSheets::default();
    let entries = match fs::read_dir(dir) {
        Ok(e) => e,
        Err(e) => {
            out.warnings
                .push(format!("{}: {e} (skipped)", dir.display()));
            return out;
        }
    };
    let mut paths: Vec<_> = entries
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.is_file())
        .filter(|p| {
            !p.file_name()
                .is_some_and(|n| n.to_string_lossy().starts_with('.'))
        })
        .collect();
    paths.sort();
    for path in paths {
        let shown = path.display().to_string();
        let text = match fs::read_to_string(&path) {
            Ok(t) => t,
            Err(e) => {
                out.warnings.push(format!("{shown}: {e} (skipped)"));
                continue;
            }
        };
        let ext = path.extension().and_then(|e| e.to_str()).unwrap_or("");
        let stem = path
            .file_stem()
            .map(|s| s.to_string_lossy().into_owned())
            .unwrap_or_default();
        let parsed = match ext {
            "toml" => parse_toml(&text, &shown),
            "md" => parse_tldr(&text, &shown).map(|c| (None, vec![c])),
            _ => parse_plain(&stem, &text, &shown).map(|c| (None, vec![c])),
        };
        match parsed {
            Ok((category, commands)) => {
                if let Some(c) = category {
                    if !out.categories.iter().any(|k| k.id == c.id) {
                        out.categories.push(c);
                    }
                }
                if commands.iter().any(|c| c.category == USER_CATEGORY)
                    && !out.categories.iter().any(|k| k.id == USER_CATEGORY)
                {
                    out.categories.push(Category {
                        id: Cow::Borrowed(USER_CATEGORY),
                        title: Cow::Borrowed("Your own sheets"),
                        description: Cow::Borrowed("Commands from your cheat folder"),
                    });
                }
                for c in commands {
                    // Files are read in name order and the later one wins a clash; say so,
                    // or an edit to the losing file seems to do nothing.
                    if let Some(i) = out.commands.iter().position(|k| k.name == c.name) {
                        let earlier = out.commands[i].source.as_deref().unwrap_or("?");
                        out.warnings.push(format!(
                            "command '{}' is in both {earlier} and {shown}: {shown} wins",
                            c.name
                        ));
                        out.commands.remove(i);
                    }
                    out.commands.push(c);
                }
            }
            Err(why) => out.warnings.push(format!("{shown}: {why} (skipped)")),
        }
    }
    out
}

/// "line 3, column 9: invalid string": toml's message with where it is, on one line (its
/// `Display` draws the line with a caret under it, over several).
fn toml_error(text: &str, e: &toml::de::Error) -> String {
    let Some(span) = e.span() else {
        return e.message().to_string();
    };
    let before = text.get(..span.start).unwrap_or(text);
    let line = before.matches('\n').count() + 1;
    let column = before.rsplit('\n').next().unwrap_or("").chars().count() + 1;
    // Some messages run over lines of their own ("invalid string\nexpected `\"`, `'`"): a
    // warning is one line on stderr.
    let message: Vec<&str> = e
        .message()
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .collect();
    format!("line {line}, column {column}: {}", message.join("; "))
}

fn owned(s: impl Into<String>) -> Text {
    Cow::Owned(s.into())
}

fn parse_toml(text: &str, shown: &str) -> Result<(Option<Category>, Vec<Command>), String> {
    let file: CheatFile = toml::from_str(text).map_err(|e| toml_error(text, &e))?;
    let mut problems = Vec::new();
    for cmd in &file.command {
        schema::check_command(shown, cmd, &mut problems);
    }
    if let Some(p) = problems.first() {
        return Err(format!("{}: {}", p.entry, p.message));
    }
    let category = file.category.map(|c| Category {
        id: owned(c.id),
        title: owned(c.title),
        description: owned(c.description),
    });
    let default_cat = category
        .as_ref()
        .map_or_else(|| USER_CATEGORY.to_string(), |c| c.id.to_string());
    let commands = file
        .command
        .into_iter()
        .map(|c| Command {
            name: owned(c.name),
            category: owned(c.category.unwrap_or_else(|| default_cat.clone())),
            summary: owned(c.summary),
            tags: c.tags.into_iter().map(owned).collect(),
            examples: c
                .example
                .into_iter()
                .map(|e| Example {
                    description: owned(e.description),
                    command: owned(e.command),
                    safety: e
                        .safety
                        .as_deref()
                        .and_then(Safety::parse)
                        .unwrap_or(Safety::Unclassified),
                })
                .collect(),
            flags: c.flag.into_iter().map(user_flag).collect(),
            subcommands: c
                .subcommand
                .into_iter()
                .map(|s| Subcommand {
                    name: owned(s.name),
                    meaning: owned(s.meaning),
                    flags: s.flag.into_iter().map(user_flag).collect(),
                })
                .collect(),
            see_also: c.see_also.into_iter().map(owned).collect(),
            oncall: c.oncall.map(owned),
            source: Some(owned(shown)),
        })
        .collect();
    Ok((category, commands))
}

fn user_flag(f: schema::FlagDef) -> Flag {
    Flag {
        flag: f.flag.map(owned),
        long: f.long.map(owned),
        meaning: owned(f.meaning),
        arg: f.arg.map(owned),
    }
}

fn user_command(name: String, summary: String, examples: Vec<Example>, shown: &str) -> Command {
    Command {
        name: owned(name),
        category: Cow::Borrowed(USER_CATEGORY),
        summary: owned(summary),
        tags: Cow::Owned(Vec::new()),
        examples: Cow::Owned(examples),
        flags: Cow::Owned(Vec::new()),
        subcommands: Cow::Owned(Vec::new()),
        see_also: Cow::Owned(Vec::new()),
        oncall: None,
        source: Some(owned(shown)),
    }
}

/// A tldr page: `# name`, `> summary` lines, then `- description:` / `` `command` `` pairs.
pub(super) fn parse_tldr(text: &str, shown: &str) -> Result<Command, String> {
    let mut name = None;
    let mut summary = Vec::new();
    let mut examples = Vec::new();
    let mut pending: Option<String> = None;
    for line in text.lines().map(str::trim) {
        if let Some(h) = line.strip_prefix("# ") {
            name.get_or_insert_with(|| h.trim().to_string());
        } else if let Some(s) = line.strip_prefix('>') {
            let s = s.trim();
            if !s.starts_with("More information") && !s.is_empty() {
                summary.push(s.to_string());
            }
        } else if let Some(d) = line.strip_prefix("- ") {
            pending = Some(d.trim().trim_end_matches(':').to_string());
        } else if line.starts_with('`') && line.ends_with('`') && line.len() > 2 {
            let command = line[1..line.len() - 1].replace("{{", "").replace("}}", "");
            examples.push(Example {
                description: owned(pending.take().unwrap_or_default()),
                command: owned(command),
                safety: Safety::Unclassified,
            });
        }
    }
    let name = name.ok_or("no '# name' heading: not a tldr page")?;
    if name.contains(char::is_whitespace) {
        return Err(format!("heading '{name}' is not one command name"));
    }
    if examples.is_empty() {
        return Err("no examples (`- description:` followed by a backticked command)".into());
    }
    Ok(user_command(name, summary.join(" "), examples, shown))
}

/// A cheat-style plain sheet: optional `---` front matter, `#` comment lines describing
/// the command lines under them. The file name is the command name.
fn parse_plain(name: &str, text: &str, shown: &str) -> Result<Command, String> {
    if text.contains('\0') {
        return Err("binary file, not a sheet".into());
    }
    let mut lines = text.lines().peekable();
    if lines.peek().map(|l| l.trim()) == Some("---") {
        lines.next();
        for l in lines.by_ref() {
            if l.trim() == "---" {
                break;
            }
        }
    }
    let mut examples = Vec::new();
    let mut description = String::new();
    for line in lines {
        let line = line.trim();
        if line.is_empty() {
            continue;
        }
        if let Some(c) = line.strip_prefix('#') {
            if !description.is_empty() && !examples.is_empty() {
                description.clear();
            }
            if !description.is_empty() {
                description.push(' ');
            }
            description.push_str(c.trim().trim_end_matches(':'));
        } else {
            examples.push(Example {
                description: owned(description.clone()),
                command: owned(line),
                safety: Safety::Unclassified,
            });
        }
    }
    if examples.is_empty() {
        return Err("no command lines found".into());
    }
    let summary = format!("From your sheet {name}");
    Ok(user_command(name.to_string(), summary, examples, shown))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tldr_page_becomes_a_command() {
        let page = "# mytool\n\n> Does things.\n> More information: <https://x>.\n\n- Do a thing:\n\n`mytool --do {{thing}}`\n";
        let c = parse_tldr(page, "p.md").unwrap();
        assert_eq!(c.name, "mytool");
        assert_eq!(c.summary, "Does things.");
        assert_eq!(c.examples[0].command, "mytool --do thing");
        assert_eq!(c.examples[0].description, "Do a thing");
    }

    #[test]
    fn plain_sheet_keeps_descriptions_with_their_commands() {
        let sheet = "---\ntags: [x]\n---\n# To list:\nfoo -l\n\n# To remove:\nfoo -r x\n";
        let c = parse_plain("foo", sheet, "foo").unwrap();
        assert_eq!(c.examples.len(), 2);
        assert_eq!(c.examples[1].description, "To remove");
        assert_eq!(c.examples[1].command, "foo -r x");
    }

    /// Property: user files are untrusted text; no input makes a parser panic.
    #[test]
    fn arbitrary_files_never_panic() {
        let pieces = [
            "# ",
            "> ",
            "- ",
            "`",
            "{{",
            "}}",
            "---\n",
            "\n",
            "[[command]]\n",
            "name = 'x'\n",
            "[category]\n",
            "id=",
            "\"",
            "'",
            "é",
            "🦀",
            ":",
            "\0",
            "safety='read-only'\n",
            "[[command.example]]\n",
            "description='d'\ncommand='c'\n",
            "summary='s'\n",
        ];
        let mut state = 0x9e37_79b9_7f4a_7c15u64;
        for _ in 0..3000 {
            let mut text = String::new();
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            for _ in 0..(state % 30) {
                state ^= state << 13;
                state ^= state >> 7;
                state ^= state << 17;
                text.push_str(pieces[(state % pieces.len() as u64) as usize]);
            }
            let _ = parse_tldr(&text, "f.md");
            let _ = parse_plain("f", &text, "f");
            let _ = parse_toml(&text, "f.toml");
        }
    }

    #[test]
    fn toml_without_safety_is_rejected_with_the_entry() {
        let t = "[[command]]\nname='x'\nsummary='s'\n[[command.example]]\ndescription='d'\ncommand='x'\n";
        let err = parse_toml(t, "u.toml").unwrap_err();
        assert!(
            err.contains("command 'x'") && err.contains("safety"),
            "{err}"
        );
    }
}
