//! Validates `data/cheats` and `data/runbooks` and compiles them into static Rust data, so
//! that a cheat-sheet lookup parses nothing at run time. A broken file fails the build with
//! the file and the entry at fault.

#[path = "src/cheat/schema.rs"]
#[allow(dead_code)]
mod schema;
#[path = "src/cheat/words.rs"]
#[allow(dead_code)]
mod words;

use schema::{CheatFile, CommandDef, RunbookFile};
use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::fs;
use std::path::{Path, PathBuf};

/// The categories DESIGN.md requires, in the order `--categories` lists them.
const CATEGORIES: [&str; 13] = [
    "file-management",
    "viewing-editing",
    "text-processing",
    "permissions",
    "networking",
    "processes-system",
    "disks-storage",
    "archiving",
    "package-management",
    "services",
    "users-sessions",
    "performance-incident",
    "help",
];

fn main() {
    println!("cargo:rerun-if-changed=data");
    println!("cargo:rerun-if-changed=src/cheat/schema.rs");
    println!("cargo:rerun-if-changed=src/cheat/words.rs");
    let cheats: Vec<(String, CheatFile)> = load("data/cheats");
    let runbooks: Vec<(String, RunbookFile)> = load("data/runbooks");

    let problems: Vec<String> = schema::check_sheet(&cheats, &runbooks, &CATEGORIES)
        .iter()
        .map(ToString::to_string)
        .collect();
    if !problems.is_empty() {
        fail(&problems);
    }

    let mut cheats = cheats;
    cheats.sort_by_key(|(_, s)| {
        let id = s.category.as_ref().map_or("", |c| c.id.as_str());
        CATEGORIES.iter().position(|c| *c == id)
    });
    let code = generate(&cheats, &runbooks);
    let out = PathBuf::from(std::env::var("OUT_DIR").expect("cargo sets OUT_DIR"));
    fs::write(out.join("cheat_index.rs"), code).expect("write the generated index");
}

fn fail(problems: &[String]) -> ! {
    for p in problems {
        println!("cargo:warning=cheat data: {p}");
        eprintln!("cheat data: {p}");
    }
    panic!(
        "{} problem(s) in data/: the first is {}",
        problems.len(),
        problems[0]
    );
}

fn load<T: serde::de::DeserializeOwned>(dir: &str) -> Vec<(String, T)> {
    let mut paths: Vec<PathBuf> = fs::read_dir(dir)
        .unwrap_or_else(|e| fail(&[format!("{dir}: {e}")]))
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "toml"))
        .collect();
    paths.sort();
    let mut problems = Vec::new();
    let mut files = Vec::new();
    for path in paths {
        let name = path.display().to_string();
        match parse(&path) {
            Ok(v) => files.push((name, v)),
            Err(e) => problems.push(format!("{name}: {e}")),
        }
    }
    if !problems.is_empty() {
        fail(&problems);
    }
    files
}

fn parse<T: serde::de::DeserializeOwned>(path: &Path) -> Result<T, String> {
    let text = fs::read_to_string(path).map_err(|e| e.to_string())?;
    toml::from_str(&text).map_err(|e| e.to_string().replace('\n', " "))
}

/// A Rust expression for a borrowed string (Debug formatting escapes correctly).
fn text(s: &str) -> String {
    format!("B({s:?})")
}

fn opt(s: &Option<String>) -> String {
    match s {
        Some(s) => format!("Some({})", text(s)),
        None => "None".into(),
    }
}

fn list(items: &[String]) -> String {
    let inner: Vec<String> = items.iter().map(|s| text(s)).collect();
    format!("B(&[{}])", inner.join(","))
}

fn safety(s: &Option<String>) -> &'static str {
    match s.as_deref() {
        Some("read-only") => "Safety::ReadOnly",
        Some("changes-state") => "Safety::ChangesState",
        Some("destructive") => "Safety::Destructive",
        _ => unreachable!("validated above"),
    }
}

fn command(cat: &str, c: &CommandDef) -> String {
    let mut s = String::new();
    let examples: Vec<String> = c
        .example
        .iter()
        .map(|e| {
            format!(
                "Example{{description:{},command:{},safety:{}}}",
                text(&e.description),
                text(&e.command),
                safety(&e.safety)
            )
        })
        .collect();
    let flags: Vec<String> = c
        .flag
        .iter()
        .map(|f| {
            format!(
                "Flag{{flag:{},long:{},meaning:{},arg:{}}}",
                opt(&f.flag),
                opt(&f.long),
                text(&f.meaning),
                opt(&f.arg)
            )
        })
        .collect();
    let subs: Vec<String> = c
        .subcommand
        .iter()
        .map(|s| {
            format!(
                "Subcommand{{name:{},meaning:{}}}",
                text(&s.name),
                text(&s.meaning)
            )
        })
        .collect();
    write!(
        s,
        "Command{{name:{},category:{},summary:{},tags:{},examples:B(&[{}]),flags:B(&[{}]),subcommands:B(&[{}]),see_also:{},oncall:{},source:None}}",
        text(&c.name),
        text(cat),
        text(&c.summary),
        list(&c.tags),
        examples.join(","),
        flags.join(","),
        subs.join(","),
        list(&c.see_also),
        opt(&c.oncall)
    )
    .unwrap();
    s
}

fn generate(cheats: &[(String, CheatFile)], runbooks: &[(String, RunbookFile)]) -> String {
    let mut out = String::from("// Generated by build.rs from data/. Do not edit.\n");
    out.push_str("use std::borrow::Cow::Borrowed as B;\n");
    out.push_str("pub static CATEGORIES: &[Category] = &[\n");
    for (_, sheet) in cheats {
        let c = sheet.category.as_ref().expect("validated");
        writeln!(
            out,
            "Category{{id:{},title:{},description:{}}},",
            text(&c.id),
            text(&c.title),
            text(&c.description)
        )
        .unwrap();
    }
    out.push_str("];\npub static COMMANDS: &[Command] = &[\n");
    for (_, sheet) in cheats {
        let cat = &sheet.category.as_ref().expect("validated").id;
        for c in &sheet.command {
            out.push_str(&command(cat, c));
            out.push_str(",\n");
        }
    }
    out.push_str("];\npub static RUNBOOKS: &[Runbook] = &[\n");
    for (_, book) in runbooks {
        let r = &book.runbook;
        let steps: Vec<String> = book
            .step
            .iter()
            .map(|s| {
                format!(
                    "Step{{title:{},classic:{},oncall:{},normal:{},look_for:{},safety:{}}}",
                    text(&s.title),
                    opt(&s.classic),
                    opt(&s.oncall),
                    text(&s.normal),
                    text(&s.look_for),
                    safety(&s.safety)
                )
            })
            .collect();
        writeln!(
            out,
            "Runbook{{id:{},title:{},summary:{},aliases:{},tags:{},see_also:{},steps:B(&[{}])}},",
            text(&r.id),
            text(&r.title),
            text(&r.summary),
            list(&r.aliases),
            list(&r.tags),
            list(&r.see_also),
            steps.join(",")
        )
        .unwrap();
    }
    out.push_str("];\n");
    out.push_str(&word_index(cheats));
    out
}

/// What one word says about one command: which fields hold it. Bit sets are indexed by the
/// position of the tag, example or flag in the command, so that matches of several words
/// (a token and the longer words it prefixes) merge without counting anything twice.
#[derive(Default)]
struct Posting {
    fields: u8,
    tags_whole: u32,
    tags_any: u32,
    examples: u64,
    flags: u64,
}

const SUMMARY: u8 = 1;
const CATEGORY: u8 = 2;

/// The inverted index: every word of every built-in command, sorted, with its postings.
fn word_index(cheats: &[(String, CheatFile)]) -> String {
    let mut index: BTreeMap<String, BTreeMap<u16, Posting>> = BTreeMap::new();
    fn at<'a>(
        index: &'a mut BTreeMap<String, BTreeMap<u16, Posting>>,
        word: &str,
        cmd: u16,
    ) -> &'a mut Posting {
        index
            .entry(word.to_lowercase())
            .or_default()
            .entry(cmd)
            .or_default()
    }
    let mut n: usize = 0;
    for (file, sheet) in cheats {
        let cat = sheet.category.as_ref().expect("validated");
        for c in &sheet.command {
            let id = u16::try_from(n).expect("fewer than 65536 commands");
            if c.tags.len() > 32 || c.example.len() > 64 || c.flag.len() > 64 {
                fail(&[format!(
                    "{file}: command '{}': at most 32 tags, 64 examples and 64 flags",
                    c.name
                )]);
            }
            for (k, tag) in c.tags.iter().enumerate() {
                for w in words::split(tag) {
                    let p = at(&mut index, w, id);
                    p.tags_any |= 1 << k;
                    if tag.eq_ignore_ascii_case(w) {
                        p.tags_whole |= 1 << k;
                    }
                }
            }
            for w in words::split(&c.summary) {
                at(&mut index, w, id).fields |= SUMMARY;
            }
            for w in words::split(&cat.id).chain(words::split(&cat.title)) {
                at(&mut index, w, id).fields |= CATEGORY;
            }
            for (k, e) in c.example.iter().enumerate() {
                for w in words::split(&e.description).chain(words::split(&e.command)) {
                    at(&mut index, w, id).examples |= 1 << k;
                }
            }
            for (k, f) in c.flag.iter().enumerate() {
                for w in words::split(&f.meaning) {
                    at(&mut index, w, id).flags |= 1 << k;
                }
            }
            n += 1;
        }
    }
    // Pointer-free on purpose: a table of `&str`s would cost one load-time relocation (and
    // a dirtied page) per word in a position-independent binary, on every start-up.
    let mut text = String::new();
    let mut ends = Vec::new();
    let mut posting_ends = Vec::new();
    let mut postings = Vec::new();
    for (word, list) in &index {
        text.push_str(word);
        ends.push(text.len());
        for (cmd, p) in list {
            postings.push(format!(
                "Posting{{command:{cmd},fields:{},tags_whole:{},tags_any:{},examples:{},flags:{}}}",
                p.fields, p.tags_whole, p.tags_any, p.examples, p.flags
            ));
        }
        posting_ends.push(postings.len());
    }
    let join = |v: &[usize]| {
        v.iter()
            .map(ToString::to_string)
            .collect::<Vec<_>>()
            .join(",")
    };
    let mut out = String::new();
    writeln!(out, "pub static WORD_TEXT: &str = {text:?};").unwrap();
    writeln!(
        out,
        "pub static WORD_ENDS: [u32; {}] = [{}];",
        ends.len(),
        join(&ends)
    )
    .unwrap();
    writeln!(
        out,
        "pub static WORD_POSTING_ENDS: [u32; {}] = [{}];",
        posting_ends.len(),
        join(&posting_ends)
    )
    .unwrap();
    writeln!(
        out,
        "pub static POSTINGS: [Posting; {}] = [{}];",
        postings.len(),
        postings.join(",\n")
    )
    .unwrap();
    out
}
