//! The host's own man pages, read in-process when the sheet lacks a command or a flag: the
//! file is found in the `/usr/share/man` layout (`MANPATH` honoured, `.gz` too), its troff
//! read for the NAME line and the tagged paragraphs that describe options (`.TP`, `.IP`,
//! mdoc's `.It Fl`), in the man and mdoc macro sets. `man` is never run, nor the command.
//! A page is untrusted input: reading is bounded, parsing never panics, and a page that
//! cannot be read is named on stderr once and skipped.

use super::model::{Command, Flag};
use std::borrow::Cow;
use std::cell::RefCell;
use std::collections::HashMap;
use std::io::Read;
use std::path::{Path, PathBuf};
use std::rc::Rc;

/// What is marked on every meaning taken from a man page.
pub const MARK: &str = "from the local man page";

/// Decompressed bytes read from one page at most (bash's, among the largest, is ~350 KiB).
const MAX_PAGE: u64 = 4 << 20;
/// Options kept from one page at most, and characters of one meaning.
const MAX_FLAGS: usize = 4000;
const MAX_MEANING: usize = 240;
/// `.so` redirections followed at most.
const MAX_SO: usize = 3;

/// The sections that hold commands, in the order they are tried.
const SECTIONS: [&str; 3] = ["1", "8", "6"];

#[derive(Debug)]
pub struct Page {
    pub path: PathBuf,
    pub summary: Option<String>,
    pub flags: Vec<Flag>,
}

thread_local! {
    static PAGES: RefCell<HashMap<String, Option<Rc<Page>>>> = RefCell::new(HashMap::new());
}

/// The parsed page of `name`, read once per process.
pub fn page(name: &str) -> Option<Rc<Page>> {
    if name.is_empty() || name.contains(['/', '\0']) || name.starts_with('.') {
        return None;
    }
    if let Some(p) = PAGES.with(|c| c.borrow().get(name).cloned()) {
        return p;
    }
    let page = find(name).and_then(|path| match read(&path) {
        Ok(text) => Some(Rc::new(parse(&path, &text))),
        Err(e) => {
            crate::render::stderr::line(format_args!(
                "oncall: warning: man page {}: {e} (skipped)",
                path.display()
            ));
            None
        }
    });
    PAGES.with(|c| c.borrow_mut().insert(name.to_string(), page.clone()));
    page
}

/// A command the sheet does not have, as its man page describes it.
pub fn command(name: &str) -> Option<Command> {
    let p = page(name)?;
    let summary = match &p.summary {
        Some(s) => format!("{s} ({MARK})"),
        None => format!("a command with a local man page, which has no NAME line ({MARK})"),
    };
    Some(Command {
        name: Cow::Owned(name.to_string()),
        category: Cow::Borrowed("man"),
        summary: Cow::Owned(summary),
        tags: Cow::Borrowed(&[]),
        examples: Cow::Borrowed(&[]),
        flags: Cow::Owned(p.flags.clone()),
        subcommands: Cow::Borrowed(&[]),
        see_also: Cow::Borrowed(&[]),
        oncall: None,
        source: Some(Cow::Owned(p.path.display().to_string())),
    })
}

/// `token` (`-print0`, `--all`, `-l`) as the first of `pages` that describes it says.
pub fn flag(pages: &[String], token: &str) -> Option<Flag> {
    pages.iter().find_map(|name| {
        let p = page(name)?;
        let f = p
            .flags
            .iter()
            .find(|f| f.flag.as_deref() == Some(token) || f.long.as_deref() == Some(token))?;
        Some(f.clone())
    })
}

/// Every directory a page may be under: `MANPATH` (an empty entry, or a leading or trailing
/// colon, stands for the defaults, as man-db reads it), else the defaults.
fn roots() -> Vec<PathBuf> {
    let defaults = ["/usr/local/share/man", "/usr/share/man", "/usr/local/man"];
    let Some(var) = std::env::var_os("MANPATH").filter(|v| !v.is_empty()) else {
        return defaults.iter().map(PathBuf::from).collect();
    };
    let mut out = Vec::new();
    for part in std::env::split_paths(&var) {
        if part.as_os_str().is_empty() {
            out.extend(defaults.iter().map(PathBuf::from));
        } else {
            out.push(part);
        }
    }
    out
}

fn find(name: &str) -> Option<PathBuf> {
    for root in roots() {
        for sec in SECTIONS {
            let dir = root.join(format!("man{sec}"));
            // openssl's pages are `openssl-x509.1ssl.gz`: a suffix after the section.
            for suffix in ["", "ssl", "p", "x"] {
                for ext in ["", ".gz"] {
                    let p = dir.join(format!("{name}.{sec}{suffix}{ext}"));
                    if p.is_file() {
                        return Some(p);
                    }
                }
            }
        }
    }
    None
}

/// The text of a page, gunzipped when it starts with gzip's magic bytes, `.so` followed.
fn read(path: &Path) -> std::io::Result<String> {
    let mut path = path.to_path_buf();
    for _ in 0..=MAX_SO {
        let text = read_one(&path)?;
        let so = text
            .lines()
            .next()
            .and_then(|l| l.strip_prefix(".so "))
            .map(str::trim);
        match so {
            // `.so man1/other.1` is relative to the root, two levels above the page.
            Some(target) if !target.contains("..") => {
                let root = path.parent().and_then(Path::parent).map(Path::to_path_buf);
                let Some(root) = root else { return Ok(text) };
                let mut next = root.join(target);
                if !next.is_file() {
                    next.set_extension(format!(
                        "{}.gz",
                        next.extension().and_then(|e| e.to_str()).unwrap_or("")
                    ));
                }
                path = next;
            }
            _ => return Ok(text),
        }
    }
    Ok(String::new())
}

fn read_one(path: &Path) -> std::io::Result<String> {
    let mut raw = Vec::new();
    std::fs::File::open(path)?
        .take(MAX_PAGE)
        .read_to_end(&mut raw)?;
    if raw.starts_with(&[0x1f, 0x8b]) {
        let mut text = Vec::new();
        flate2::read::MultiGzDecoder::new(&raw[..])
            .take(MAX_PAGE)
            .read_to_end(&mut text)?;
        raw = text;
    }
    Ok(String::from_utf8_lossy(&raw).into_owned())
}

/// The arguments of a macro line, with double quotes grouping words.
fn macro_args(rest: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut cur = String::new();
    let mut quoted = false;
    let mut any = false;
    for c in rest.chars() {
        match c {
            '"' => {
                quoted = !quoted;
                any = true;
            }
            ' ' | '\t' if !quoted => {
                if any || !cur.is_empty() {
                    out.push(std::mem::take(&mut cur));
                }
                any = false;
            }
            _ => cur.push(c),
        }
    }
    if any || !cur.is_empty() {
        out.push(cur);
    }
    out
}

/// Plain text of troff: font changes dropped, `\-` a dash, the common named characters.
pub fn plain(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        if c != '\\' {
            out.push(c);
            continue;
        }
        let Some(e) = chars.next() else { break };
        match e {
            '-' => out.push('-'),
            'e' | '\\' => out.push('\\'),
            ' ' | '~' => out.push(' '),
            '&' | ',' | '/' | '|' | '^' | 'c' | ':' | '%' => {}
            '"' => break, // a comment to the end of the line
            'f' | 's' | '*' | 'n' | 'F' | 'm' => {
                // \fB, \f(CB, \f[CB]; \s-1; \*(lq; \n[reg]
                let name = escape_name(&mut chars, e == 's');
                if e == '*' {
                    out.push_str(named(&name));
                }
            }
            '(' => {
                let name: String = chars.by_ref().take(2).collect();
                out.push_str(named(&name));
            }
            '[' => {
                let name: String = chars.by_ref().take_while(|&c| c != ']').take(32).collect();
                out.push_str(named(&name));
            }
            other => out.push(other),
        }
    }
    out
}

/// The name after `\f`, `\*`, `\s`: one character, `(xx`, or `[name]`.
fn escape_name(chars: &mut std::iter::Peekable<std::str::Chars>, size: bool) -> String {
    if size {
        while chars.peek().is_some_and(|c| *c == '+' || *c == '-') {
            chars.next();
        }
    }
    match chars.next() {
        Some('(') => chars.by_ref().take(2).collect(),
        Some('[') => chars.by_ref().take_while(|&c| c != ']').take(32).collect(),
        Some(c) if size && c.is_ascii_digit() => {
            while chars.peek().is_some_and(char::is_ascii_digit) {
                chars.next();
            }
            c.to_string()
        }
        Some(c) => c.to_string(),
        None => String::new(),
    }
}

fn named(name: &str) -> &'static str {
    match name {
        "em" => "—",
        "en" | "hy" | "mi" => "-",
        "aq" | "cq" | "oq" => "'",
        "lq" | "rq" | "dq" | "Lq" | "Rq" => "\"",
        "bu" => "•",
        "co" => "©",
        "ti" => "~",
        "ha" => "^",
        "ga" => "`",
        "rs" => "\\",
        _ => "",
    }
}

/// The text of a macro line: `.B x y` → "x y", `.BR x y` → "xy" (alternating fonts),
/// mdoc's `.Fl x Ar file` → "-x file"; `None` for requests that carry no text.
fn macro_text(line: &str) -> Option<String> {
    let body = line[1..].trim_start();
    let (name, rest) = body.split_once([' ', '\t']).unwrap_or((body, ""));
    let args = macro_args(rest);
    match name {
        "B" | "I" | "SM" | "SB" => Some(plain(&args.join(" "))),
        "BR" | "RB" | "BI" | "IB" | "IR" | "RI" => Some(plain(&args.concat())),
        // mdoc: one line of macros and words.
        "Fl" | "Ar" | "Cm" | "Op" | "Nm" | "Pa" | "Li" | "Ev" | "Va" | "Dq" | "Sq" | "Ql"
        | "Em" | "Sy" | "Xr" | "Nd" | "Ic" => Some(mdoc_words(body)),
        _ => None,
    }
}

/// An mdoc line's words: `Fl x` → "-x", other macro names dropped.
fn mdoc_words(body: &str) -> String {
    let mut out: Vec<String> = Vec::new();
    let mut dash = false;
    for w in macro_args(body) {
        match w.as_str() {
            "Fl" => dash = true,
            "Ar" | "Cm" | "Op" | "Oo" | "Oc" | "Ns" | "Xo" | "Xc" | "Pa" | "Li" | "Ev" | "Va"
            | "Dq" | "Sq" | "Ql" | "Em" | "Sy" | "Xr" | "Nm" | "Nd" | "Ic" | "No" | "Pq" => {
                if dash {
                    out.push("-".into());
                    dash = false;
                }
            }
            _ => {
                let w = plain(&w);
                out.push(if dash { format!("-{w}") } else { w });
                dash = false;
            }
        }
    }
    if dash {
        out.push("-".into());
    }
    out.join(" ")
}

/// A paragraph being read: its tag and the description lines so far.
struct Item {
    tag: String,
    text: String,
}

/// Reads NAME and every tagged paragraph. Options are tagged paragraphs whose tag starts
/// with `-` or `+`; the section they are in does not matter (find's are under EXPRESSION).
pub fn parse(path: &Path, text: &str) -> Page {
    let mut summary = None;
    let mut section = String::new();
    let mut name_text = String::new();
    let mut flags: Vec<Flag> = Vec::new();
    let mut item: Option<Item> = None;
    // A `.TP` takes the next line as its tag.
    let mut tag_next = false;
    for line in text.lines() {
        if flags.len() >= MAX_FLAGS {
            break;
        }
        let is_macro = line.starts_with('.') || line.starts_with('\'');
        if is_macro {
            let body = line[1..].trim_start();
            let name = body.split([' ', '\t']).next().unwrap_or("");
            match name {
                "SH" | "Sh" => {
                    finish(&mut item, &mut flags);
                    section = plain(&macro_args(&body[2..]).join(" ")).to_uppercase();
                    continue;
                }
                "TP" => {
                    finish(&mut item, &mut flags);
                    tag_next = true;
                    continue;
                }
                "IP" | "It" => {
                    finish(&mut item, &mut flags);
                    let tag = if name == "It" {
                        mdoc_words(&body[2..])
                    } else {
                        plain(macro_args(&body[2..]).first().map_or("", String::as_str))
                    };
                    item = Some(Item {
                        tag,
                        text: String::new(),
                    });
                    continue;
                }
                "PP" | "P" | "LP" | "SS" | "Ss" | "El" | "HP" | "Pp" => {
                    finish(&mut item, &mut flags);
                    continue;
                }
                _ => {}
            }
        }
        let content = if is_macro {
            match macro_text(line) {
                Some(t) => t,
                None => continue,
            }
        } else {
            plain(line)
        };
        if tag_next {
            tag_next = false;
            item = Some(Item {
                tag: content,
                text: String::new(),
            });
            continue;
        }
        if section == "NAME" && summary.is_none() {
            name_text.push_str(&content);
            name_text.push(' ');
            if let Some((_, what)) = name_text.split_once(" - ") {
                let what = what.trim();
                if !what.is_empty() {
                    summary = Some(cut(what));
                }
            }
            // mdoc: `.Nd text`
            if line.starts_with(".Nd") {
                summary = Some(cut(content.trim()));
            }
            continue;
        }
        if let Some(it) = &mut item {
            if it.text.len() < MAX_MEANING * 2 {
                if !it.text.is_empty() {
                    it.text.push(' ');
                }
                it.text.push_str(content.trim());
            }
        }
    }
    finish(&mut item, &mut flags);
    Page {
        path: path.to_path_buf(),
        summary,
        flags,
    }
}

/// The first sentence, or the first `MAX_MEANING` characters, of a description.
fn cut(text: &str) -> String {
    let text = text.split_whitespace().collect::<Vec<_>>().join(" ");
    let end = text
        .match_indices(". ")
        .map(|(i, _)| i + 1)
        .find(|&i| i >= 12)
        .unwrap_or(text.len());
    let mut s: String = text[..end].chars().take(MAX_MEANING).collect();
    if s.len() < end {
        s.push('…');
    }
    s
}

/// Turns a finished paragraph into flags, one per form of its tag (`-a, --all`).
fn finish(item: &mut Option<Item>, flags: &mut Vec<Flag>) {
    let Some(Item { tag, text }) = item.take() else {
        return;
    };
    // iptables' `[!] -p, --protocol protocol`: the negation is not part of the name.
    let tag = tag.trim();
    let tag = tag.strip_prefix("[!]").map_or(tag, str::trim_start);
    if !(tag.starts_with('-') || tag.starts_with('+')) || text.trim().is_empty() {
        return;
    }
    let meaning = format!("{} ({MARK})", cut(&text));
    let mut forms: Vec<(String, Option<String>)> = Vec::new();
    for form in tag.split(", ").flat_map(|f| f.split(" | ")) {
        let form = form.trim();
        let end = form
            .find(|c: char| c == '=' || c == '[' || c.is_whitespace())
            .unwrap_or(form.len());
        let (name, rest) = form.split_at(end);
        if name.len() < 2 || !(name.starts_with('-') || name.starts_with('+')) {
            continue;
        }
        // A value after `=` or a space is taken; an optional `[=X]` is not (the next word
        // stays an operand).
        let arg = rest.trim_start_matches('=').trim();
        let arg = (!rest.starts_with('[') && !arg.is_empty())
            .then(|| arg.split_whitespace().next().unwrap_or(arg).to_string());
        forms.push((name.to_string(), arg));
    }
    // `-p, --protocol protocol` and `-w, --width=COLS`: the value is every form's.
    let shared = forms.iter().find_map(|(_, a)| a.clone());
    for (name, arg) in forms {
        let long = name.starts_with("--");
        flags.push(Flag {
            flag: (!long).then(|| Cow::Owned(name.clone())),
            long: long.then_some(Cow::Owned(name)),
            meaning: Cow::Owned(meaning.clone()),
            arg: arg.or_else(|| shared.clone()).map(Cow::Owned),
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn man_macros() {
        let page = parse(
            Path::new("x.1"),
            ".TH X 1\n.SH NAME\nx \\- do things\n.SH OPTIONS\n.TP\n\\fB\\-a\\fR, \\fB\\-\\-all\\fR\nshow all. More text.\n.TP\n.BR \\-w \" COLS\"\nwidth\n.IP \"\\-name \\fIpattern\\fR\"\nbase of file name\n.PP\n",
        );
        assert_eq!(page.summary.as_deref(), Some("do things"));
        let forms: Vec<_> = page
            .flags
            .iter()
            .map(|f| (f.flag.as_deref(), f.long.as_deref(), f.arg.as_deref()))
            .collect();
        assert_eq!(
            forms,
            [
                (Some("-a"), None, None),
                (None, Some("--all"), None),
                (Some("-w"), None, Some("COLS")),
                (Some("-name"), None, Some("pattern")),
            ]
        );
        assert!(page.flags[0].meaning.starts_with("show all."));
    }

    #[test]
    fn mdoc_macros() {
        let page = parse(
            Path::new("ssh.1"),
            ".Sh NAME\n.Nm ssh\n.Nd remote login client\n.Sh DESCRIPTION\n.Bl -tag -width Ds\n.It Fl i Ar identity_file\nSelects a file.\n.El\n",
        );
        assert_eq!(page.summary.as_deref(), Some("remote login client"));
        assert_eq!(page.flags[0].flag.as_deref(), Some("-i"));
        assert_eq!(page.flags[0].arg.as_deref(), Some("identity_file"));
    }

    /// Property: garbage never panics the parser.
    #[test]
    fn garbage_never_panics() {
        let alphabet: Vec<char> = ".\\-fB(I[\"' \nTPIPSH Fl It é🦀*s+0".chars().collect();
        let mut state = 0x9e37_79b9_7f4a_7c15u64;
        for _ in 0..3000 {
            let mut text = String::new();
            for _ in 0..(state % 200) {
                state ^= state << 13;
                state ^= state >> 7;
                state ^= state << 17;
                text.push(alphabet[(state % alphabet.len() as u64) as usize]);
            }
            state ^= state << 13;
            let _ = parse(Path::new("g.1"), &text);
            let _ = plain(&text);
        }
    }
}
