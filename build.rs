//! Validates `data/cheats` and `data/runbooks` and compiles them into static Rust data, so
//! that a cheat-sheet lookup parses nothing at run time. A broken file fails the build with
//! the file and the entry at fault.

#[path = "src/cheat/destructive.rs"]
#[allow(dead_code)]
mod destructive;
#[path = "build/link_mode.rs"]
mod link_mode;
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
/// Categories added for issue 14's breadth follow the area they extend.
const CATEGORIES: [&str; 20] = [
    "file-management",
    "viewing-editing",
    "text-processing",
    "permissions",
    "networking",
    "kernel-networking",
    "http-tls-clients",
    "processes-system",
    "disks-storage",
    "hardware-storage",
    "archiving",
    "package-management",
    "services",
    "containers-kubernetes",
    "users-sessions",
    "performance-incident",
    "tracing-profiling",
    "data-stores",
    "version-control",
    "help",
];

fn main() {
    link_mode::emit(Path::new(
        &std::env::var("OUT_DIR").expect("cargo sets OUT_DIR"),
    ));
    println!("cargo:rerun-if-changed=build");
    println!("cargo:rerun-if-changed=data");
    println!("cargo:rerun-if-changed=src/cheat/schema.rs");
    println!("cargo:rerun-if-changed=src/cheat/destructive.rs");
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

/// The built-in commands as pointer-free tables: every string lives in one text blob and is
/// named by a `Span` (offset, length), every list by a `Range` into a flat table. Tables of
/// `&str` would cost one load-time relocation (and a dirtied page) per string in a
/// position-independent binary, on every start-up; these sit in read-only memory and are
/// paged in only where a query touches them.
#[derive(Default)]
struct Tables {
    text: String,
    seen: std::collections::HashMap<String, (usize, usize)>,
    commands: Vec<String>,
    tags: Vec<String>,
    examples: Vec<String>,
    flags: Vec<String>,
    subcommands: Vec<String>,
    see_also: Vec<String>,
}

impl Tables {
    fn span(&mut self, s: &str) -> String {
        let (start, len) = match self.seen.get(s) {
            Some(&v) => v,
            None => {
                let v = (self.text.len(), s.len());
                self.text.push_str(s);
                self.seen.insert(s.to_string(), v);
                v
            }
        };
        format!("Span{{start:{start},len:{len}}}")
    }

    fn opt(&mut self, s: &Option<String>) -> String {
        match s {
            Some(s) => self.span(s),
            None => "Span::NONE".into(),
        }
    }

    fn flag(&mut self, f: &schema::FlagDef) -> String {
        format!(
            "RawFlag{{flag:{},long:{},meaning:{},arg:{}}}",
            self.opt(&f.flag),
            self.opt(&f.long),
            self.span(&f.meaning),
            self.opt(&f.arg)
        )
    }

    fn range(start: usize, end: usize) -> String {
        format!("Range{{start:{start},end:{end}}}")
    }

    fn add(&mut self, category: usize, c: &CommandDef) {
        let tags_start = self.tags.len();
        for t in &c.tags {
            let t = self.span(t);
            self.tags.push(t);
        }
        let ex_start = self.examples.len();
        for e in &c.example {
            let v = format!(
                "RawExample{{description:{},command:{},safety:{}}}",
                self.span(&e.description),
                self.span(&e.command),
                safety(&e.safety)
            );
            self.examples.push(v);
        }
        let fl_start = self.flags.len();
        for f in &c.flag {
            let v = self.flag(f);
            self.flags.push(v);
        }
        let fl_end = self.flags.len();
        let sub_start = self.subcommands.len();
        for sc in &c.subcommand {
            // A subcommand's own flags follow the command's in the one flag table.
            let start = self.flags.len();
            for f in &sc.flag {
                let v = self.flag(f);
                self.flags.push(v);
            }
            let v = format!(
                "RawSubcommand{{name:{},meaning:{},flags:{}}}",
                self.span(&sc.name),
                self.span(&sc.meaning),
                Self::range(start, self.flags.len())
            );
            self.subcommands.push(v);
        }
        let see_start = self.see_also.len();
        for x in &c.see_also {
            let v = self.span(x);
            self.see_also.push(v);
        }
        let v = format!(
            "RawCommand{{name:{},category:{category},summary:{},oncall:{},tags:{},examples:{},flags:{},subcommands:{},see_also:{}}}",
            self.span(&c.name),
            self.span(&c.summary),
            self.opt(&c.oncall),
            Self::range(tags_start, self.tags.len()),
            Self::range(ex_start, self.examples.len()),
            Self::range(fl_start, fl_end),
            Self::range(sub_start, self.subcommands.len()),
            Self::range(see_start, self.see_also.len()),
        );
        self.commands.push(v);
    }

    fn emit(&self, out: &mut String) {
        writeln!(out, "pub static TEXT: &str = {:?};", self.text).unwrap();
        for (name, ty, rows) in [
            ("COMMANDS", "RawCommand", &self.commands),
            ("TAGS", "Span", &self.tags),
            ("EXAMPLES", "RawExample", &self.examples),
            ("FLAGS", "RawFlag", &self.flags),
            ("SUBCOMMANDS", "RawSubcommand", &self.subcommands),
            ("SEE_ALSO", "Span", &self.see_also),
        ] {
            writeln!(
                out,
                "pub static {name}: [{ty}; {}] = [{}];",
                rows.len(),
                rows.join(",\n")
            )
            .unwrap();
        }
    }
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
    out.push_str("];\n");
    let mut tables = Tables::default();
    for (category, (_, sheet)) in cheats.iter().enumerate() {
        for c in &sheet.command {
            tables.add(category, c);
        }
    }
    tables.emit(&mut out);
    out.push_str("pub static RUNBOOKS: &[Runbook] = &[\n");
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
const SUBCOMMANDS: u8 = 4;

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
            // Subcommands and the flags they give a meaning of their own (`rollout undo
            // --to-revision`): names and meanings, in one field.
            for sc in &c.subcommand {
                let flags = sc.flag.iter().flat_map(|f| {
                    let names = f.flag.iter().chain(&f.long).flat_map(|n| words::split(n));
                    words::split(&f.meaning).chain(names)
                });
                for w in words::split(&sc.name)
                    .chain(words::split(&sc.meaning))
                    .chain(flags)
                {
                    at(&mut index, w, id).fields |= SUBCOMMANDS;
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
