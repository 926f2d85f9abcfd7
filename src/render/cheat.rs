//! Prints a [`CheatReport`] as a terminal view, JSON or Markdown.

use super::{json, markdown, table, Format, Ui};
use crate::cheat::explain::{Explanation, PartKind};
use crate::cheat::model::{Command, CommandHit, Example, Runbook, Safety};
use crate::cheat::{CategoryCount, CheatReport};
use serde::Serialize;
use std::io::{self, Write};

/// Rows shown in a terminal list before "… and N more".
const LIST_LIMIT: usize = 25;

pub fn render(ui: &Ui, out: &mut dyn Write, report: &CheatReport) -> io::Result<()> {
    match ui.format {
        Format::Json | Format::Prometheus => render_json(out, report),
        Format::Markdown => render_markdown(out, report),
        Format::Table => render_terminal(ui, out, report),
    }
}

/// One category as `--json` lists it (its type also gives the MCP tool its outputSchema).
#[derive(Serialize, schemars::JsonSchema)]
pub struct CategoryRow<'a> {
    pub id: &'a str,
    pub title: &'a str,
    pub count: usize,
    pub examples: usize,
    pub flags: usize,
}

/// The JSON shape DESIGN.md fixes: commands as `[{name, category, summary, tags, examples}]`.
/// Untagged, so each variant serializes as its inner value: the CLI writes it, the MCP tools
/// turn it into a `Value` without printing and parsing it back.
#[derive(Serialize)]
#[serde(untagged)]
pub enum JsonShape<'a> {
    /// An entry: the command in full, then its related commands.
    Commands(Vec<&'a Command>),
    /// A search's or a category's list.
    Hits(Vec<CommandHit<'a>>),
    Categories(Vec<CategoryRow<'a>>),
    Explain(&'a Explanation),
    Runbook(&'a Runbook),
    Runbooks(&'a [Runbook]),
}

pub fn json_shape(report: &CheatReport) -> JsonShape<'_> {
    match report {
        CheatReport::Entry {
            command, related, ..
        } => JsonShape::Commands(std::iter::once(command).chain(related).collect()),
        CheatReport::Results { commands, .. } | CheatReport::Category { commands, .. } => {
            JsonShape::Hits(commands.iter().map(CommandHit::from).collect())
        }
        CheatReport::Categories(cats) => JsonShape::Categories(
            cats.iter()
                .map(|c: &CategoryCount| CategoryRow {
                    id: &c.id,
                    title: &c.title,
                    count: c.count,
                    examples: c.examples,
                    flags: c.flags,
                })
                .collect(),
        ),
        CheatReport::Explain(e) => JsonShape::Explain(e),
        CheatReport::Runbook(r) => JsonShape::Runbook(r),
        CheatReport::Runbooks(r) => JsonShape::Runbooks(r),
        CheatReport::NoMatch { .. } => JsonShape::Commands(Vec::new()),
    }
}

fn render_json(out: &mut dyn Write, report: &CheatReport) -> io::Result<()> {
    json::write(out, &json_shape(report))
}

fn safety_tag(ui: &Ui, safety: Safety) -> (&'static str, String) {
    let (text, paint): (_, fn(&super::Style, &str) -> String) = match safety {
        Safety::ReadOnly => ("read-only", super::Style::dim),
        Safety::ChangesState => ("changes state", super::Style::warn),
        Safety::Destructive => ("DESTRUCTIVE", super::Style::bad),
        Safety::Unclassified => ("unclassified", super::Style::dim),
    };
    (text, paint(&ui.style, text))
}

/// `wrapped` text, then `  [tag]` on its last line, or on a line of its own (indented by
/// `indent`) when the terminal has no room left for it: the tag's escape codes take no
/// columns, its letters do.
fn with_tag(ui: &Ui, wrapped: &str, tag: &str, styled_tag: &str, indent: usize) -> String {
    let last = wrapped.rsplit('\n').next().unwrap_or("").chars().count();
    let room = ui.width.map_or(usize::MAX, usize::from);
    if last + 2 + tag.chars().count() + 2 <= room {
        format!("{wrapped}  [{styled_tag}]")
    } else {
        format!("{wrapped}\n{}[{styled_tag}]", " ".repeat(indent))
    }
}

fn write_example(ui: &Ui, out: &mut dyn Write, e: &Example) -> io::Result<()> {
    let description = ui.wrap(&format!("  {}", e.description), 2);
    let (tag, styled) = safety_tag(ui, e.safety);
    writeln!(out, "{}", with_tag(ui, &description, tag, &styled, 2))?;
    writeln!(out, "    {}", ui.style.command(&e.command))
}

fn write_entry(ui: &Ui, out: &mut dyn Write, c: &Command) -> io::Result<()> {
    let summary = ui.wrap(&format!("{} — {}", c.name, c.summary), 2);
    let category = c.category.to_string();
    let summary = with_tag(ui, &summary, &category, &ui.style.dim(&category), 2);
    let summary = summary.replacen(c.name.as_ref(), &ui.style.bold(&c.name), 1);
    writeln!(out, "{summary}")?;
    if let Some(src) = &c.source {
        let from = match c.category.as_ref() {
            crate::cheat::tldr_cache::CATEGORY => "from the tldr page",
            _ => "from your sheet",
        };
        writeln!(out, "{}", ui.style.dim(&format!("{from} {src}")))?;
    }
    writeln!(out)?;
    for e in c.examples.iter() {
        write_example(ui, out, e)?;
    }
    if !c.subcommands.is_empty() {
        writeln!(out, "\n{}", ui.style.bold("Subcommands"))?;
        // Each subcommand, then the flags it gives a meaning of their own, indented under it.
        // Nested ones (`compose up`) follow their parent, wherever the sheet lists them.
        let mut rows: Vec<(String, &str)> = Vec::new();
        for top in c.subcommands.iter().filter(|s| !s.name.contains(' ')) {
            let nested = c.subcommands.iter().filter(|s| {
                s.name
                    .strip_prefix(top.name.as_ref())
                    .is_some_and(|rest| rest.starts_with(' '))
            });
            for s in std::iter::once(top).chain(nested) {
                rows.push((s.name.to_string(), s.meaning.as_ref()));
                for f in s.flags.iter() {
                    rows.push((format!("  {}", spelled(f)), f.meaning.as_ref()));
                }
            }
        }
        write_pairs(ui, out, &rows)?;
    }
    // Keywords (ip's `dev`, dd's `if=`, iptables' `ACCEPT`) are operands, not flags.
    let is_keyword = |f: &&crate::cheat::model::Flag| {
        f.flag
            .as_deref()
            .is_some_and(crate::cheat::schema::is_keyword)
    };
    for (title, keywords) in [("Flags", false), ("Operand words", true)] {
        let rows: Vec<(String, &str)> = c
            .flags
            .iter()
            .filter(|f| is_keyword(f) == keywords)
            .map(|f| (spelled(f), f.meaning.as_ref()))
            .collect();
        if !rows.is_empty() {
            writeln!(out, "\n{}", ui.style.bold(title))?;
            write_pairs(ui, out, &rows)?;
        }
    }
    writeln!(out)?;
    if !c.see_also.is_empty() {
        writeln!(out, "See also: {}", c.see_also.join(", "))?;
    }
    if let Some(native) = &c.oncall {
        writeln!(out, "oncall shows the same: {}", ui.style.command(native))?;
    }
    Ok(())
}

/// A flag as it is typed: `-f, --file FILE`, or a `key=` operand as `if=FILE`.
fn spelled(f: &crate::cheat::model::Flag) -> String {
    let mut forms: Vec<&str> = Vec::new();
    forms.extend(f.flag.as_deref());
    forms.extend(f.long.as_deref());
    let mut spelled = forms.join(", ");
    if let Some(arg) = &f.arg {
        if !spelled.ends_with('=') {
            spelled.push(' ');
        }
        spelled.push_str(arg);
    }
    spelled
}

/// A two-column list (flag, meaning) aligned on the widest left cell, the right side
/// wrapped to the terminal. Lighter than a table for the one view that must be fast.
fn write_pairs(ui: &Ui, out: &mut dyn Write, rows: &[(String, &str)]) -> io::Result<()> {
    let left = rows
        .iter()
        .map(|(l, _)| l.chars().count())
        .max()
        .unwrap_or(0)
        .min(28);
    for (l, r) in rows {
        let pad = left.saturating_sub(l.chars().count());
        let prefix = format!("  {l}{}  ", " ".repeat(pad));
        writeln!(out, "{}", ui.wrap_after(&prefix, r))?;
    }
    Ok(())
}

fn command_table(ui: &Ui, out: &mut dyn Write, commands: &[Command]) -> io::Result<()> {
    let mut t = table::new(ui, &["COMMAND", "CATEGORY", "SUMMARY", "TRY"]);
    for c in commands.iter().take(LIST_LIMIT) {
        let first = c
            .examples
            .first()
            .map_or(String::new(), |e| e.command.to_string());
        t.add_row(vec![
            ui.style.bold(&c.name),
            c.category.to_string(),
            c.summary.to_string(),
            ui.style.command(&first),
        ]);
    }
    table::write(out, &t)?;
    if commands.len() > LIST_LIMIT {
        writeln!(
            out,
            "{}",
            ui.style.dim(&format!(
                "… and {} more (--json lists all)",
                commands.len() - LIST_LIMIT
            ))
        )?;
    }
    Ok(())
}

fn runbook_line(ui: &Ui, out: &mut dyn Write, runbooks: &[Runbook]) -> io::Result<()> {
    for r in runbooks {
        writeln!(
            out,
            "Runbook: {} — {}",
            ui.style.bold(&r.title),
            ui.style
                .command(&format!("oncall cheat --runbook {}", r.id))
        )?;
    }
    Ok(())
}

fn render_terminal(ui: &Ui, out: &mut dyn Write, report: &CheatReport) -> io::Result<()> {
    match report {
        CheatReport::Entry {
            command,
            related,
            runbooks,
            tldr,
        } => {
            write_entry(ui, out, command)?;
            if let Some((path, n)) = tldr {
                writeln!(
                    out,
                    "{}",
                    ui.style.dim(&format!("tldr has {n} more examples: {path}"))
                )?;
            }
            if !related.is_empty() {
                let names: Vec<&str> = related.iter().map(|c| c.name.as_ref()).collect();
                writeln!(out, "Related: {}", names.join(", "))?;
            }
            runbook_line(ui, out, runbooks)?;
            ui.hint(
                out,
                &format!(
                    "oncall cheat --explain '{}' decodes a command line flag by flag",
                    command
                        .examples
                        .first()
                        .map_or(command.name.as_ref(), |e| &e.command)
                ),
            )
        }
        CheatReport::Results {
            query,
            commands,
            runbooks,
        } => {
            runbook_line(ui, out, runbooks)?;
            if commands.is_empty() {
                // Only runbooks matched (`cheat 401`): say so rather than draw an empty table.
                return writeln!(out, "no command matched '{query}'");
            }
            if !runbooks.is_empty() {
                writeln!(out)?;
            }
            command_table(ui, out, commands)?;
            if !query.is_empty() {
                if let Some(best) = commands.first() {
                    ui.hint(
                        out,
                        &format!("oncall cheat {} shows one entry in full", best.name),
                    )?;
                }
            }
            Ok(())
        }
        CheatReport::Category {
            category,
            commands,
            query,
        } if commands.is_empty() => {
            writeln!(out, "{}", empty_category(&category.id, query))
        }
        CheatReport::Category {
            category, commands, ..
        } => {
            writeln!(
                out,
                "{} ({})\n{}\n",
                ui.style.bold(&category.title),
                super::units::plural(commands.len() as u64, "command", "commands"),
                ui.wrap(&category.description, 0)
            )?;
            let mut t = table::new(ui, &["COMMAND", "SUMMARY", "TRY"]);
            for c in commands {
                let first = c
                    .examples
                    .first()
                    .map_or(String::new(), |e| e.command.to_string());
                t.add_row(vec![
                    ui.style.bold(&c.name),
                    c.summary.to_string(),
                    ui.style.command(&first),
                ]);
            }
            table::write(out, &t)
        }
        CheatReport::Categories(cats) => {
            let mut t = table::new(ui, &["CATEGORY", "TITLE", "COMMANDS", "EXAMPLES", "FLAGS"]);
            for c in cats {
                t.add_row(vec![
                    ui.style.bold(&c.id),
                    c.title.clone(),
                    c.count.to_string(),
                    c.examples.to_string(),
                    c.flags.to_string(),
                ]);
            }
            table::write(out, &t)?;
            ui.hint(out, "oncall cheat -c CATEGORY lists one category")
        }
        CheatReport::Explain(e) => write_explanation(ui, out, e),
        CheatReport::Runbook(r) => write_runbook(ui, out, r),
        CheatReport::Runbooks(rs) => {
            let mut t = table::new(ui, &["RUNBOOK", "SYMPTOM", "SUMMARY"]);
            for r in rs {
                t.add_row(vec![
                    ui.style.bold(&r.id),
                    r.title.to_string(),
                    r.summary.to_string(),
                ]);
            }
            table::write(out, &t)?;
            ui.hint(
                out,
                "oncall cheat --runbook SYMPTOM shows the steps, e.g. --runbook disk full",
            )
        }
        CheatReport::NoMatch { .. } => Ok(()),
    }
}

fn write_explanation(ui: &Ui, out: &mut dyn Write, e: &Explanation) -> io::Result<()> {
    for why in &e.destroys {
        writeln!(out, "{} {why}", ui.style.bad("DESTRUCTIVE:"))?;
    }
    writeln!(out, "{}\n", ui.style.command(&e.command))?;
    let mut t = table::new(ui, &["TOKEN", "MEANING"]);
    for p in &e.parts {
        let token = match (&p.from, p.kind) {
            (Some(from), _) => format!("  {} {}", p.token, ui.style.dim(&format!("(of {from})"))),
            (None, PartKind::Command) => ui.style.bold(&p.token),
            (None, PartKind::Operator | PartKind::Redirect) => ui.style.warn(&p.token),
            (None, _) => format!("  {}", p.token),
        };
        let meaning = if p.kind == PartKind::Unknown {
            ui.style.bad(&p.meaning)
        } else {
            p.meaning.clone()
        };
        t.add_row(vec![token, meaning]);
    }
    table::write(out, &t)
}

fn write_runbook(ui: &Ui, out: &mut dyn Write, r: &Runbook) -> io::Result<()> {
    writeln!(
        out,
        "{}\n{}\n",
        ui.style.bold(&r.title),
        ui.wrap(&r.summary, 0)
    )?;
    for (i, s) in r.steps.iter().enumerate() {
        writeln!(
            out,
            "{}. {}  [{}]",
            i + 1,
            ui.style.bold(&s.title),
            safety_tag(ui, s.safety).1
        )?;
        if let Some(c) = &s.classic {
            writeln!(out, "   $ {}", ui.style.command(c))?;
        }
        if let Some(c) = &s.oncall {
            writeln!(out, "   $ {}", ui.style.command(c))?;
        }
        let normal = ui.wrap(&format!("   normal:   {}", s.normal), 13);
        let look_for = ui.wrap(&format!("   look for: {}", s.look_for), 13);
        writeln!(
            out,
            "{}",
            normal.replacen("normal:", &ui.style.good("normal:"), 1)
        )?;
        writeln!(
            out,
            "{}\n",
            look_for.replacen("look for:", &ui.style.warn("look for:"), 1)
        )?;
    }
    if !r.see_also.is_empty() {
        writeln!(out, "See also: {}", r.see_also.join(", "))?;
    }
    Ok(())
}

fn render_markdown(out: &mut dyn Write, report: &CheatReport) -> io::Result<()> {
    let entry = |out: &mut dyn Write, c: &Command| -> io::Result<()> {
        writeln!(out, "## {}\n\n{} _({})_\n", c.name, c.summary, c.category)?;
        for e in c.examples.iter() {
            writeln!(
                out,
                "- {} ({}):\n\n  ```sh\n  {}\n  ```\n",
                e.description,
                e.safety.label(),
                e.command
            )?;
        }
        if let Some(native) = &c.oncall {
            writeln!(out, "oncall shows the same: {}\n", markdown::code(native))?;
        }
        Ok(())
    };
    let list = |out: &mut dyn Write, cmds: &[Command]| -> io::Result<()> {
        let rows: Vec<Vec<String>> = cmds
            .iter()
            .map(|c| {
                vec![
                    markdown::code(&c.name),
                    c.category.to_string(),
                    c.summary.to_string(),
                ]
            })
            .collect();
        markdown::table(out, &["command", "category", "summary"], &rows)
    };
    match report {
        CheatReport::Entry {
            command, related, ..
        } => {
            entry(out, command)?;
            if !related.is_empty() {
                writeln!(out, "### Related\n")?;
                list(out, related)?;
            }
            Ok(())
        }
        CheatReport::Results { commands, .. } => list(out, commands),
        CheatReport::Category {
            category,
            commands,
            query,
        } if commands.is_empty() => {
            writeln!(out, "{}", empty_category(&category.id, query))
        }
        CheatReport::Category {
            category, commands, ..
        } => {
            writeln!(out, "## {}\n", category.title)?;
            list(out, commands)
        }
        CheatReport::Categories(cats) => {
            let rows: Vec<Vec<String>> = cats
                .iter()
                .map(|c| vec![c.id.clone(), c.title.clone(), c.count.to_string()])
                .collect();
            markdown::table(out, &["id", "title", "commands"], &rows)
        }
        CheatReport::Explain(e) => {
            for why in &e.destroys {
                writeln!(out, "**DESTRUCTIVE:** {why}\n")?;
            }
            writeln!(out, "{}\n", markdown::code(&e.command))?;
            let rows: Vec<Vec<String>> = e
                .parts
                .iter()
                .map(|p| vec![markdown::code(&p.token), p.meaning.clone()])
                .collect();
            markdown::table(out, &["token", "meaning"], &rows)
        }
        CheatReport::Runbook(r) => {
            writeln!(out, "## Runbook: {}\n\n{}\n", r.title, r.summary)?;
            for (i, s) in r.steps.iter().enumerate() {
                writeln!(out, "{}. **{}** ({})", i + 1, s.title, s.safety.label())?;
                for c in s.classic.iter().chain(s.oncall.iter()) {
                    writeln!(out, "   - {}", markdown::code(c))?;
                }
                writeln!(
                    out,
                    "   - normal: {}\n   - look for: {}",
                    s.normal, s.look_for
                )?;
            }
            Ok(())
        }
        CheatReport::Runbooks(rs) => {
            let rows: Vec<Vec<String>> = rs
                .iter()
                .map(|r| vec![r.id.to_string(), r.title.to_string(), r.summary.to_string()])
                .collect();
            markdown::table(out, &["runbook", "symptom", "summary"], &rows)
        }
        CheatReport::NoMatch { .. } => Ok(()),
    }
}

/// The one line for a category view with nothing in it: every example filtered out by
/// `--safe`, or no command of the category matched the words (table and Markdown alike).
fn empty_category(id: &str, query: &str) -> String {
    if query.is_empty() {
        format!("no command in {id} (--safe)")
    } else {
        format!("no command in {id} matched '{query}'")
    }
}
