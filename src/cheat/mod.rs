//! The cheat sheet: model, embedded index, search, explain, runbooks, user sheets.
//! `query` turns the options of `oncall cheat` into a [`CheatReport`] (plain data);
//! `render::cheat` prints it.

mod destructive;
pub mod explain;
mod explain_secrets;
pub mod fuzzy;
mod index;
pub mod man_page;
pub mod model;
pub mod schema;
pub mod search;
pub mod sheet;
pub mod shell_words;
pub mod tldr_cache;
pub mod user_sheets;
mod word_index;
pub mod words;

use crate::error::Error;
use model::{Category, Command, Runbook, Safety};
use serde::Serialize;
use sheet::Sheet;
use std::borrow::Cow;

#[derive(Debug, Default, Clone)]
pub struct CheatOptions {
    pub query: Vec<String>,
    pub category: Option<String>,
    pub categories: bool,
    pub explain: Option<String>,
    /// `Some("")` lists the runbooks; `Some(symptom)` finds one.
    pub runbook: Option<String>,
    pub safe: bool,
}

#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct CategoryCount {
    pub id: String,
    pub title: String,
    pub count: usize,
    pub examples: usize,
    pub flags: usize,
}

#[derive(Debug, Clone)]
pub enum CheatReport {
    /// A query that is exactly a command's name: that entry in full, then related hits.
    Entry {
        command: Command,
        related: Vec<Command>,
        runbooks: Vec<Runbook>,
        /// The host's tldr page of the same name, when the built-in entry won the clash:
        /// its path and how many examples it has.
        tldr: Option<(String, usize)>,
    },
    Results {
        query: String,
        commands: Vec<Command>,
        runbooks: Vec<Runbook>,
    },
    Category {
        category: Category,
        commands: Vec<Command>,
        /// Words that narrowed the category (`cheat -c networking dns`), empty for none.
        query: String,
    },
    Categories(Vec<CategoryCount>),
    Explain(explain::Explanation),
    Runbook(Runbook),
    Runbooks(Vec<Runbook>),
    /// Nothing matched: the caller exits 1.
    NoMatch {
        what: &'static str,
        query: String,
        nearest: Vec<String>,
    },
}

impl CheatReport {
    /// Whether the query matched something (else the command exits 1). Only runbooks
    /// matching counts: `cheat 401` found the one for 401 errors.
    pub fn found(&self) -> bool {
        match self {
            CheatReport::NoMatch { .. } => false,
            CheatReport::Category { commands, .. } => !commands.is_empty(),
            _ => true,
        }
    }
}

/// `NoMatch::what` when the command exists but `--safe` leaves none of its examples.
pub const NO_READ_ONLY: &str = "read-only example";

/// With `--safe`, a command keeps only its read-only examples (and is dropped if none is).
fn safe_only(mut cmd: Command) -> Option<Command> {
    let examples: Vec<_> = cmd
        .examples
        .iter()
        .filter(|e| e.safety == Safety::ReadOnly)
        .cloned()
        .collect();
    if examples.is_empty() {
        return None;
    }
    cmd.examples = Cow::Owned(examples);
    Some(cmd)
}

fn filtered(cmds: impl Iterator<Item = Command>, safe: bool) -> Vec<Command> {
    cmds.filter_map(|c| if safe { safe_only(c) } else { Some(c) })
        .collect()
}

/// The host's tldr pages beside the built-in sheet, when no built-in name matched exactly: a
/// query word that is a page's name finds it (a single word shows the page), and a single
/// word the sheet has nothing for lists the page names within typing distance of it. tldr
/// pages carry no safety class, so `--safe` never shows them.
fn tldr_hits(
    sheet: &Sheet,
    text: &str,
    commands: &mut Vec<Command>,
    runbooks: Vec<Runbook>,
) -> Option<CheatReport> {
    const MAX: usize = 5;
    let tldr = sheet.tldr.as_ref()?;
    let words = search::tokens(text);
    if let [word] = words.as_slice() {
        if sheet.position(word).is_none() && tldr.path(word).is_some() {
            // A page that does not parse has been named on stderr: not tried twice.
            let page = tldr.command(word)?;
            return Some(CheatReport::Entry {
                command: page,
                related: std::mem::take(commands).into_iter().take(8).collect(),
                runbooks,
                tldr: None,
            });
        }
    }
    let mut names: Vec<String> = words
        .iter()
        .filter(|w| sheet.position(w).is_none() && tldr.path(w).is_some())
        .cloned()
        .collect();
    // Listing the cache (thousands of names) only when the sheet found nothing: a typo of
    // a name only tldr has, without slowing the searches the sheet answers.
    if let ([word], true) = (words.as_slice(), commands.is_empty()) {
        names.extend(
            search::near_in(tldr.names(), word)
                .into_iter()
                .filter(|n| sheet.position(n).is_none()),
        );
    }
    names.dedup();
    commands.extend(names.iter().take(MAX).filter_map(|n| tldr.command(n)));
    None
}

pub fn query(sheet: &Sheet, opts: &CheatOptions) -> Result<CheatReport, Error> {
    let text = opts.query.join(" ");
    if let Some(line) = &opts.explain {
        let line = if text.is_empty() {
            line.clone()
        } else {
            format!("{line} {text}")
        };
        if line.trim().is_empty() {
            return Err(Error::usage(
                "--explain",
                "the command line is empty: paste one, in quotes",
            ));
        }
        return explain::explain(sheet, &line)
            .map(CheatReport::Explain)
            .map_err(|e| Error::usage("--explain", e.0));
    }
    if let Some(symptom) = &opts.runbook {
        let symptom = format!("{symptom} {text}").trim().to_string();
        if symptom.is_empty() {
            return Ok(CheatReport::Runbooks(sheet.runbooks.to_vec()));
        }
        let hits = search::runbooks(sheet, &symptom);
        return Ok(match hits.first() {
            Some(h) => CheatReport::Runbook(h.runbook.clone()),
            None => CheatReport::NoMatch {
                what: "runbook",
                query: symptom,
                nearest: sheet.runbooks.iter().map(|r| r.id.to_string()).collect(),
            },
        });
    }
    if opts.categories {
        return Ok(CheatReport::Categories(
            sheet
                .categories
                .iter()
                .map(|c| {
                    let cmds: Vec<Command> = sheet.commands_in(&c.id).collect();
                    CategoryCount {
                        id: c.id.to_string(),
                        title: c.title.to_string(),
                        count: cmds.len(),
                        examples: cmds.iter().map(|c| c.examples.len()).sum(),
                        flags: cmds.iter().map(|c| c.flags.len()).sum(),
                    }
                })
                .collect(),
        ));
    }
    if let Some(cat) = &opts.category {
        let Some(category) = sheet.category(cat) else {
            let known: Vec<&str> = sheet.categories.iter().map(|c| c.id.as_ref()).collect();
            return Err(Error::usage(
                format!("unknown category '{cat}'"),
                format!("choose one of {}", known.join(", ")),
            ));
        };
        let mut commands = filtered(sheet.commands_in(&category.id), opts.safe);
        if !text.is_empty() {
            let hits = search::commands(sheet, &text);
            commands.retain(|c| hits.iter().any(|h| sheet.name(h.index) == c.name));
        }
        return Ok(CheatReport::Category {
            category: category.clone(),
            commands,
            query: text,
        });
    }
    if text.is_empty() {
        // `oncall cheat` alone (or `--safe` alone): the whole sheet.
        return Ok(CheatReport::Results {
            query: String::new(),
            commands: filtered(sheet.all(), opts.safe),
            runbooks: Vec::new(),
        });
    }
    let hits = search::commands(sheet, &text);
    let exact = hits.first().filter(|h| h.score >= search::EXACT);
    // A command's name asks for that command; words may describe a symptom with a runbook.
    let runbooks: Vec<Runbook> = if exact.is_some() {
        Vec::new()
    } else {
        search::runbooks(sheet, &text)
            .into_iter()
            .take(3)
            .map(|h| h.runbook.clone())
            .collect()
    };
    // An exact name shows one entry and a few related ones: build only those.
    let wanted = if exact.is_some() { 9 } else { hits.len() };
    let commands = filtered(
        hits.iter().take(wanted).map(|h| sheet.get(h.index)),
        opts.safe,
    );
    // `--safe rm`: the command is there, it just has nothing read-only to show.
    if let Some(h) = exact.filter(|_| opts.safe) {
        if commands
            .first()
            .is_none_or(|c| c.name != sheet.name(h.index))
        {
            return Ok(CheatReport::NoMatch {
                what: NO_READ_ONLY,
                query: sheet.name(h.index).to_string(),
                nearest: commands
                    .iter()
                    .take(3)
                    .map(|c| c.name.to_string())
                    .collect(),
            });
        }
    }
    let mut commands = commands;
    if exact.is_none() && !opts.safe {
        if let Some(report) = tldr_hits(sheet, &text, &mut commands, runbooks.clone()) {
            return Ok(report);
        }
    }
    if commands.is_empty() && runbooks.is_empty() {
        return Ok(CheatReport::NoMatch {
            what: "command",
            query: text.clone(),
            nearest: search::nearest_names(sheet, &text, 3),
        });
    }
    match exact {
        Some(h)
            if commands
                .first()
                .is_some_and(|c| c.name == sheet.name(h.index)) =>
        {
            let mut commands = commands.into_iter();
            let command = commands.next().expect("checked non-empty");
            let tldr = sheet.tldr.as_ref().and_then(|t| {
                let page = t.command(&command.name)?;
                Some((page.source?.to_string(), page.examples.len()))
            });
            Ok(CheatReport::Entry {
                command,
                related: commands.take(8).collect(),
                runbooks,
                tldr,
            })
        }
        _ => Ok(CheatReport::Results {
            query: text,
            commands,
            runbooks,
        }),
    }
}
