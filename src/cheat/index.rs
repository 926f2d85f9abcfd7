//! The built-in cheat sheet: static data compiled in by `build.rs` from `data/`.
//!
//! Commands are stored pointer-free (see `Tables` in build.rs): strings as spans of one text
//! blob, lists as ranges of flat tables. A `Command` is materialised only for the entries a
//! query shows; search reads names and the word index without building any.

use super::model::{Category, Command, Example, Flag, Runbook, Safety, Step, Subcommand, Text};
use super::word_index::Posting;
use std::borrow::Cow;

#[derive(Debug, Clone, Copy)]
pub struct Span {
    start: u32,
    len: u32,
}

impl Span {
    const NONE: Span = Span {
        start: u32::MAX,
        len: 0,
    };

    fn get(self) -> Option<&'static str> {
        (self.start != u32::MAX)
            .then(|| &TEXT[self.start as usize..(self.start + self.len) as usize])
    }

    fn text(self) -> Text {
        Cow::Borrowed(self.get().unwrap_or(""))
    }

    fn opt(self) -> Option<Text> {
        self.get().map(Cow::Borrowed)
    }
}

#[derive(Debug, Clone, Copy)]
pub struct Range {
    start: u16,
    end: u16,
}

impl Range {
    fn of<T>(self, table: &'static [T]) -> &'static [T] {
        &table[usize::from(self.start)..usize::from(self.end)]
    }
}

pub struct RawCommand {
    name: Span,
    category: u8,
    summary: Span,
    oncall: Span,
    tags: Range,
    examples: Range,
    flags: Range,
    subcommands: Range,
    see_also: Range,
}

pub struct RawExample {
    description: Span,
    command: Span,
    safety: Safety,
}

pub struct RawFlag {
    flag: Span,
    long: Span,
    meaning: Span,
    arg: Span,
}

pub struct RawSubcommand {
    name: Span,
    meaning: Span,
    flags: Range,
}

include!(concat!(env!("OUT_DIR"), "/cheat_index.rs"));

pub fn len() -> usize {
    COMMANDS.len()
}

pub fn name(i: usize) -> &'static str {
    COMMANDS[i].name.get().unwrap_or("")
}

pub fn category(i: usize) -> &'static str {
    &CATEGORIES[usize::from(COMMANDS[i].category)].id
}

pub fn tags(i: usize) -> impl Iterator<Item = &'static str> {
    COMMANDS[i].tags.of(&TAGS).iter().filter_map(|s| s.get())
}

/// The `i`th built-in command as the model type (text borrowed, lists allocated).
pub fn command(i: usize) -> Command {
    let c = &COMMANDS[i];
    Command {
        name: c.name.text(),
        category: Cow::Borrowed(category(i)),
        summary: c.summary.text(),
        tags: c.tags.of(&TAGS).iter().map(|s| s.text()).collect(),
        examples: c
            .examples
            .of(&EXAMPLES)
            .iter()
            .map(|e| Example {
                description: e.description.text(),
                command: e.command.text(),
                safety: e.safety,
            })
            .collect(),
        flags: c.flags.of(&FLAGS).iter().map(flag).collect(),
        subcommands: c
            .subcommands
            .of(&SUBCOMMANDS)
            .iter()
            .map(|s| Subcommand {
                name: s.name.text(),
                meaning: s.meaning.text(),
                flags: s.flags.of(&FLAGS).iter().map(flag).collect(),
            })
            .collect(),
        see_also: c.see_also.of(&SEE_ALSO).iter().map(|s| s.text()).collect(),
        oncall: c.oncall.opt(),
        source: None,
    }
}

fn flag(f: &RawFlag) -> Flag {
    Flag {
        flag: f.flag.opt(),
        long: f.long.opt(),
        meaning: f.meaning.text(),
        arg: f.arg.opt(),
    }
}
