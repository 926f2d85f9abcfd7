//! `oncall cheat --explain 'CMDLINE'`: every token of a pasted command line explained from
//! the sheet's flag tables. What the sheet does not know is said to be unknown, never guessed.

use super::destructive;
use super::explain_secrets;
use super::man_page;
use super::model::{Command, Flag, Subcommand};
use super::sheet::Sheet;
use super::shell_words::{self, LexError, Lexeme};
use serde::Serialize;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum PartKind {
    Command,
    Subcommand,
    Flag,
    Value,
    Argument,
    Assignment,
    Operator,
    Redirect,
    Unknown,
}

#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct Part {
    #[schemars(extend("x-oncall-untrusted" = true))]
    pub token: String,
    pub meaning: String,
    pub kind: PartKind,
    /// For one letter of combined short flags (`-x` of `-xzvf`), the token it came from.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub from: Option<String>,
}

#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct Explanation {
    #[schemars(extend("x-oncall-untrusted" = true))]
    pub command: String,
    /// Why the line destroys data, one reason per simple command that does; shown first.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub destroys: Vec<String>,
    pub parts: Vec<Part>,
}

/// Commands that run another command: after their own flags (and `positional` operands)
/// the next word starts a new command.
const WRAPPERS: [(&str, usize); 15] = [
    ("ssh", 1),
    ("sudo", 0),
    ("env", 0),
    ("nohup", 0),
    ("time", 0),
    ("nice", 0),
    ("ionice", 0),
    ("timeout", 1),
    ("watch", 0),
    ("xargs", 0),
    ("exec", 0),
    ("stdbuf", 0),
    ("strace", 0),
    ("ltrace", 0),
    ("chroot", 1),
];

/// Commands whose first operand may be old-style flags without a dash (`tar xzvf`, `ps aux`).
const DASHLESS_FLAGS: [&str; 2] = ["tar", "ps"];

pub fn explain(sheet: &Sheet, line: &str) -> Result<Explanation, LexError> {
    let lexemes = shell_words::split(line)?;
    let words: Vec<(String, String)> = lexemes
        .iter()
        .filter_map(|l| match l {
            Lexeme::Word { raw, value } => Some((raw.clone(), value.clone())),
            _ => None,
        })
        .collect();
    let secrets = explain_secrets::find(&words);
    let mut parts = Vec::new();
    let mut destroys = Vec::new();
    let mut segment: Vec<(String, String)> = Vec::new();
    let mut lexemes = lexemes.into_iter().peekable();
    while let Some(lx) = lexemes.next() {
        match lx {
            Lexeme::Word { raw, value } => segment.push((raw, value)),
            Lexeme::Control(op) => {
                explain_segment(
                    sheet,
                    &std::mem::take(&mut segment),
                    &mut parts,
                    &mut destroys,
                );
                parts.push(part(&op, control_meaning(&op), PartKind::Operator));
            }
            Lexeme::Redirect(op) => {
                explain_segment(
                    sheet,
                    &std::mem::take(&mut segment),
                    &mut parts,
                    &mut destroys,
                );
                let takes_target = !op.contains('&') || op.starts_with('&');
                parts.push(part(&op, redirect_meaning(&op), PartKind::Redirect));
                if takes_target {
                    if let Some(Lexeme::Word { raw, value }) = lexemes.peek().cloned() {
                        lexemes.next();
                        if op.starts_with('>') && destructive::is_device(&value) {
                            destroys.push(format!("the redirection overwrites the device {value}"));
                        }
                        parts.push(part(&raw, target_meaning(&op), PartKind::Argument));
                    }
                }
            }
        }
    }
    explain_segment(sheet, &segment, &mut parts, &mut destroys);
    if let Some(f) = destructive::sql(line) {
        let why = format!("the SQL in this line {}", f.what);
        // A remote command explained inside this line has said it already.
        if !destroys.contains(&why) {
            destroys.push(why);
        }
    }
    let mut explanation = Explanation {
        command: line.trim().to_string(),
        destroys,
        parts,
    };
    // A pasted token is not echoed back, in any format.
    explain_secrets::hide(&secrets, &mut explanation);
    Ok(explanation)
}

fn part(token: &str, meaning: impl Into<String>, kind: PartKind) -> Part {
    Part {
        token: token.to_string(),
        meaning: meaning.into(),
        kind,
        from: None,
    }
}

fn control_meaning(op: &str) -> &'static str {
    match op {
        "|" => {
            "pipe: the output of the command on the left becomes the input of the one on the right"
        }
        "|&" => "pipe both standard output and standard error into the next command",
        "||" => "run what follows only if the command before failed (non-zero exit)",
        "&&" => "run what follows only if the command before succeeded (exit 0)",
        ";" => "run what follows after the command before, whatever its result",
        "&" => "run the command before in the background",
        _ => "shell operator",
    }
}

fn redirect_meaning(op: &str) -> &'static str {
    match op {
        ">" | "1>" => "send standard output to a file, replacing its contents",
        ">>" | "1>>" => "append standard output to a file",
        "2>" => "send standard error to a file, replacing its contents",
        "2>>" => "append standard error to a file",
        "&>" => "send both standard output and standard error to a file",
        "&>>" => "append both standard output and standard error to a file",
        "2>&1" => "send standard error to wherever standard output goes",
        ">&2" | "1>&2" => "send standard output to standard error",
        "<" => "read standard input from a file",
        "<<" => "here-document: standard input is the lines that follow, up to the delimiter",
        "<<<" => "here-string: the word that follows becomes standard input",
        _ => "redirection",
    }
}

fn target_meaning(op: &str) -> &'static str {
    match op {
        "<" => "the file read as standard input",
        "<<" => "the here-document's end delimiter",
        "<<<" => "the text given as standard input",
        _ => "the file written by the redirection",
    }
}

/// One simple command: assignments, a command word (through wrappers), flags, operands.
fn explain_segment(
    sheet: &Sheet,
    words: &[(String, String)],
    parts: &mut Vec<Part>,
    destroys: &mut Vec<String>,
) {
    let mut i = 0;
    while i < words.len() {
        let (raw, value) = &words[i];
        if is_assignment(value) {
            let (var, val) = value.split_once('=').unwrap_or((value, ""));
            parts.push(part(
                raw,
                format!("sets the environment variable {var} to '{val}' for this command"),
                PartKind::Assignment,
            ));
            i += 1;
            continue;
        }
        let name = value.rsplit('/').next().unwrap_or(value);
        let args: Vec<&str> = words[i + 1..].iter().map(|w| w.1.as_str()).collect();
        if let Some(f) = destructive::check(name, &args) {
            if f.harm == destructive::Harm::Destroys {
                destroys.push(format!("{name} {}", f.what));
            }
        }
        // The sheet first; else the host's own man page, read in-process.
        let Some(cmd) = sheet.command(name).or_else(|| man_page::command(name)) else {
            // `./app`, `/opt/x/bin/run`: a program named by its path is the user's own.
            let (meaning, kind) = if value.contains('/') {
                (
                    "a program run by its path: the cheat sheet cannot know it",
                    PartKind::Command,
                )
            } else {
                ("unknown command: not in the cheat sheet", PartKind::Unknown)
            };
            parts.push(part(raw, meaning, kind));
            for (raw, value) in &words[i + 1..] {
                if value.starts_with('-') && value.len() > 1 {
                    parts.push(part(
                        raw,
                        format!("unknown: a flag of {name}, which the cheat sheet does not cover"),
                        PartKind::Unknown,
                    ));
                } else {
                    parts.push(part(raw, format!("argument to {name}"), PartKind::Argument));
                }
            }
            return;
        };
        parts.push(part(raw, cmd.summary.to_string(), PartKind::Command));
        let wrapper = WRAPPERS.iter().find(|(w, _)| *w == cmd.name);
        let scope = Scope {
            sheet,
            cmd: std::borrow::Cow::Borrowed(&cmd),
            man: vec![cmd.name.to_string()],
        };
        i = explain_arguments(scope, words, i + 1, wrapper.map(|w| w.1), parts, destroys);
        if wrapper.is_none() {
            return;
        }
        // `ssh host 'df -h'`, `watch 'kubectl get pods'`: the quoted command is a command line
        // of its own (both hand it to a shell).
        if matches!(cmd.name.as_ref(), "ssh" | "watch")
            && words.len() == i + 1
            && words[i].1.contains(char::is_whitespace)
        {
            let (raw, remote) = &words[i];
            match explain(sheet, remote) {
                Ok(inner) => {
                    let what = if cmd.name == "ssh" {
                        "the command run on the remote host, explained below"
                    } else {
                        "the command line watch runs again and again, explained below"
                    };
                    parts.push(part(raw, what, PartKind::Argument));
                    destroys.extend(inner.destroys);
                    parts.extend(inner.parts);
                }
                Err(_) => parts.push(part(
                    raw,
                    "the command run on the remote host",
                    PartKind::Argument,
                )),
            }
            return;
        }
    }
}

/// The command whose flags are being read, and the man pages that may explain what the sheet
/// lacks: the command's, and after a subcommand also `command-subcommand`'s (openssl-x509).
/// After a subcommand with flags of its own, `cmd` is the command narrowed to it (its flags
/// first, `with_subcommand_flags`), hence owned.
struct Scope<'a> {
    sheet: &'a Sheet,
    cmd: std::borrow::Cow<'a, Command>,
    man: Vec<String>,
}

/// Explains the words after a command, from `start`. For a wrapper, stops at the word that
/// begins the wrapped command (after `positional` operands) and returns its index.
fn explain_arguments(
    mut scope: Scope,
    words: &[(String, String)],
    start: usize,
    wrapper_positional: Option<usize>,
    parts: &mut Vec<Part>,
    destroys: &mut Vec<String>,
) -> usize {
    let mut i = start;
    let mut options_done = false;
    let mut operands = 0;
    let mut subcommand_path: Option<String> = None;
    while i < words.len() {
        // After a subcommand, its own flags come first (`kubectl logs -f` follows).
        let cmd: &Command = &scope.cmd;
        let (raw, value) = &words[i];
        if wrapper_positional.is_some_and(|n| operands >= n)
            && (!value.starts_with('-') || options_done)
            && !(cmd.name == "env" && is_assignment(value))
        {
            return i;
        }
        if !options_done && value == "--" {
            // `kubectl exec POD -- sh`, `perf record -- sleep 5`: a command to run follows.
            if runs_command_after_dashes(cmd, subcommand_path.as_deref()) && i + 1 < words.len() {
                parts.push(part(
                    raw,
                    format!("end of {}'s options: the command it runs follows", cmd.name),
                    PartKind::Operator,
                ));
                explain_segment(scope.sheet, &words[i + 1..], parts, destroys);
                return words.len();
            }
            parts.push(part(
                raw,
                "end of options: every word after this is an operand",
                PartKind::Flag,
            ));
            options_done = true;
            i += 1;
            continue;
        }
        if !options_done && cmd.name == "find" && FIND_EXEC.iter().any(|(a, _)| a == value) {
            i = explain_find_exec(&scope, words, i, parts, destroys);
            continue;
        }
        if !options_done && value.len() > 1 && value.starts_with('-') {
            i = explain_flag(&scope, words, i, parts);
            continue;
        }
        // `+` options as whole words: dig's `+short`, chattr's `+i`.
        if let Some(f) = value
            .starts_with('+')
            .then(|| find_short(&scope, value))
            .flatten()
        {
            i = flag_with_value(&scope, &f, raw, words, i, parts);
            continue;
        }
        if i == start && DASHLESS_FLAGS.contains(&cmd.name.as_ref()) && dashless(&scope, value) {
            i = explain_flag_letters(&scope, words, i, value, parts);
            continue;
        }
        if cmd.name == "env" && is_assignment(value) {
            let (var, val) = value.split_once('=').unwrap_or((value, ""));
            parts.push(part(
                raw,
                format!("sets {var} to '{val}' in the environment of the command that follows"),
                PartKind::Assignment,
            ));
            i += 1;
            continue;
        }
        if operands == 0 {
            // A nested subcommand is named by its path (`rollout undo`, `compose up`).
            if let Some(sub) = find_subcommand(cmd, subcommand_path.as_deref(), value) {
                let wanted = sub.name.to_string();
                parts.push(part(raw, sub.meaning.to_string(), PartKind::Subcommand));
                if subcommand_path.is_none() {
                    scope.man.insert(0, format!("{}-{value}", cmd.name));
                }
                i += 1;
                if !sub.flags.is_empty() {
                    let narrowed = with_subcommand_flags(cmd, sub);
                    scope.cmd = std::borrow::Cow::Owned(narrowed);
                }
                subcommand_path = Some(wanted);
                continue;
            }
        }
        // Operand words with a meaning of their own: ip's `dev eth0`, dd's `of=FILE`.
        if let Some((key, attached)) = value.split_once('=') {
            if let Some(f) = find_keyword(cmd, &format!("{key}=")) {
                parts.push(part(
                    raw,
                    annotated(&f.meaning, &format!(" = {attached}")),
                    PartKind::Flag,
                ));
                i += 1;
                continue;
            }
        } else if let Some(f) = find_keyword(cmd, value) {
            // One that takes a value is flag-like (`dev eth0`); one alone is an operand whose
            // meaning the sheet knows (`kubectl get pods`, `tcpdump … tcp`).
            if f.arg.is_some() {
                i = flag_with_value(&scope, &f, raw, words, i, parts);
            } else {
                parts.push(part(raw, f.meaning.to_string(), PartKind::Argument));
                operands += 1;
                i += 1;
            }
            continue;
        }
        parts.push(part(
            raw,
            format!("argument to {}", cmd.name),
            PartKind::Argument,
        ));
        operands += 1;
        i += 1;
    }
    i
}

/// Commands (and subcommands) that run the command written after `--`.
const RUN_AFTER_DASHES: [(&str, &str); 10] = [
    ("kubectl", "exec"),
    ("kubectl", "debug"),
    ("kubectl", "run"),
    ("oc", "exec"),
    ("perf", "record"),
    ("perf", "stat"),
    ("perf", "trace"),
    ("nsenter", ""),
    ("unshare", ""),
    ("flock", ""),
];

fn runs_command_after_dashes(cmd: &Command, subcommand: Option<&str>) -> bool {
    let sub = subcommand.unwrap_or("");
    RUN_AFTER_DASHES
        .iter()
        .any(|(c, s)| *c == cmd.name && *s == sub)
}

/// Commands whose subcommands may be abbreviated to any prefix, the first in the sheet's order
/// winning, as the command itself resolves them (iproute2: `ip a`, `ip r g`, `ip n`).
const PREFIX_SUBCOMMANDS: [&str; 3] = ["ip", "bridge", "tc"];

/// The subcommand `word` names after `path` (the subcommands already read, `rollout` for
/// `rollout undo`): its full name in the sheet is the path and the word.
fn find_subcommand<'c>(cmd: &'c Command, path: Option<&str>, word: &str) -> Option<&'c Subcommand> {
    let in_path = |s: &&Subcommand| match path {
        None => !s.name.contains(' '),
        Some(p) => s
            .name
            .strip_prefix(p)
            .and_then(|rest| rest.strip_prefix(' '))
            .is_some_and(|last| !last.contains(' ')),
    };
    let last = |s: &Subcommand| s.name.rsplit(' ').next().unwrap_or("").to_string();
    let exact = cmd
        .subcommands
        .iter()
        .filter(in_path)
        .find(|s| last(s) == word);
    if exact.is_some() || word.is_empty() || !PREFIX_SUBCOMMANDS.contains(&cmd.name.as_ref()) {
        return exact;
    }
    cmd.subcommands
        .iter()
        .filter(in_path)
        .find(|s| last(s).starts_with(word))
}

/// The command as seen after `sub`: the subcommand's flags, then the command's, so that a
/// flag both define takes the subcommand's meaning.
fn with_subcommand_flags(cmd: &Command, sub: &Subcommand) -> Command {
    let mut flags: Vec<Flag> = sub.flags.to_vec();
    flags.extend(cmd.flags.iter().cloned());
    Command {
        flags: flags.into(),
        ..cmd.clone()
    }
}

fn is_assignment(word: &str) -> bool {
    match word.split_once('=') {
        Some((var, _)) => {
            !var.is_empty()
                && !var.starts_with(|c: char| c.is_ascii_digit())
                && var.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
        }
        None => false,
    }
}

/// A flag as typed, whole (`-n`, find's `-print0`, `+short`): the sheet's, else the local
/// man page's.
fn find_short(scope: &Scope, flag: &str) -> Option<Flag> {
    let sheet = scope
        .cmd
        .flags
        .iter()
        .find(|f| f.flag.as_deref() == Some(flag));
    sheet.cloned().or_else(|| man_page::flag(&scope.man, flag))
}

/// An operand keyword of the sheet (`dev`, `if=`, `ACCEPT`); man pages hold none.
fn find_keyword(cmd: &Command, word: &str) -> Option<Flag> {
    if !super::schema::is_keyword(word) {
        return None;
    }
    cmd.flags
        .iter()
        .find(|f| f.flag.as_deref() == Some(word))
        .cloned()
}

fn find_long(scope: &Scope, flag: &str) -> Option<Flag> {
    let sheet = scope
        .cmd
        .flags
        .iter()
        .find(|f| f.long.as_deref() == Some(flag));
    sheet.cloned().or_else(|| man_page::flag(&scope.man, flag))
}

/// A single-dash long option with its value attached (java's `-Xmx512m`): the longest known
/// flag of three letters or more that takes a value and starts the token.
fn find_attached(scope: &Scope, token: &str) -> Option<(Flag, String)> {
    let f = scope
        .cmd
        .flags
        .iter()
        .filter_map(|f| f.flag.as_deref().map(|n| (n, f)))
        .filter(|(n, f)| n.len() >= 3 && f.arg.is_some() && token.len() > n.len())
        .filter(|(n, _)| token.starts_with(n))
        .max_by_key(|(n, _)| n.len())?;
    Some((f.1.clone(), token[f.0.len()..].to_string()))
}

/// Whether the command has single-dash long options (find's `-name`, openssl's `-noout`):
/// then a token the sheet lacks is never read as letters.
fn has_single_dash_long(cmd: &Command) -> bool {
    cmd.flags.iter().any(|f| {
        f.flag
            .as_deref()
            .is_some_and(|n| n.len() > 2 && !n.starts_with("--") && n.starts_with('-'))
    })
}

/// find's actions that run a command, up to `;` or `{} +`.
const FIND_EXEC: [(&str, &str); 4] = [
    ("-exec", "run the command that follows for the matches"),
    (
        "-execdir",
        "like -exec, but run from the directory of each match",
    ),
    ("-ok", "like -exec, asking for confirmation before each run"),
    (
        "-okdir",
        "like -execdir, asking for confirmation before each run",
    ),
];

/// `find … -exec CMD ARGS {} \;`: CMD is explained as its own command, `{}` and the
/// terminator as find's.
fn explain_find_exec(
    scope: &Scope,
    words: &[(String, String)],
    i: usize,
    parts: &mut Vec<Part>,
    destroys: &mut Vec<String>,
) -> usize {
    let (raw, value) = &words[i];
    let meaning = match scope
        .cmd
        .flags
        .iter()
        .find(|f| f.flag.as_deref() == Some(value))
    {
        Some(f) => f.meaning.to_string(),
        None => FIND_EXEC
            .iter()
            .find(|(a, _)| a == value)
            .map_or("", |(_, m)| m)
            .to_string(),
    };
    parts.push(part(raw, meaning, PartKind::Flag));
    let mut end = i + 1;
    while end < words.len() {
        let v = words[end].1.as_str();
        if v == ";" || (v == "+" && words[end - 1].1 == "{}") {
            break;
        }
        end += 1;
    }
    let first_inner = parts.len();
    explain_segment(scope.sheet, &words[i + 1..end], parts, destroys);
    for p in &mut parts[first_inner..] {
        if p.token == "{}" {
            p.meaning = format!("find puts the path of the match here ({value})");
            p.kind = PartKind::Argument;
        }
    }
    if let Some((raw, v)) = words.get(end) {
        let meaning = if v == ";" {
            format!("ends {value}'s command: it runs once per match")
        } else {
            format!("ends {value}'s command: it runs once with as many matches as fit (as xargs)")
        };
        parts.push(part(raw, meaning, PartKind::Operator));
        end + 1
    } else {
        end
    }
}

/// A value written `[SUFFIX]` in the sheet is optional and only ever attached (`-i.bak`,
/// `--in-place=.bak`): the next word is not taken.
fn takes_optional_value(f: &Flag) -> bool {
    f.arg
        .as_deref()
        .is_some_and(|a| a.starts_with('[') && a.ends_with(']'))
}

fn meaning_of(f: &Flag) -> String {
    match &f.arg {
        Some(arg) => annotated(&f.meaning, &format!(" (takes {arg})")),
        None => f.meaning.to_string(),
    }
}

/// A flag's meaning with `extra` after it, before the man page's mark if it has one.
fn annotated(meaning: &str, extra: &str) -> String {
    let mark = format!(" ({})", man_page::MARK);
    match meaning.strip_suffix(&mark) {
        Some(m) => format!("{m}{extra}{mark}"),
        None => format!("{meaning}{extra}"),
    }
}

/// Whether a dash-less first operand of `tar`/`ps` reads as flag letters (`xzvf`, `aux`).
fn dashless(scope: &Scope, word: &str) -> bool {
    !word.is_empty()
        && word.chars().all(|c| c.is_ascii_alphabetic())
        && word
            .chars()
            .all(|c| find_short(scope, &format!("-{c}")).is_some())
}

/// A word starting with `-`: a long flag (with or without `=value`), a known flag as a
/// whole (`-name`, `-9`), or combined short flags (`-xzvf`, `-n10`).
fn explain_flag(
    scope: &Scope,
    words: &[(String, String)],
    i: usize,
    parts: &mut Vec<Part>,
) -> usize {
    let cmd: &Command = &scope.cmd;
    let (raw, value) = &words[i];
    if value.starts_with("--") {
        let (name, inline) = match value.split_once('=') {
            Some((n, v)) => (n, Some(v)),
            None => (value.as_str(), None),
        };
        return match find_long(scope, name) {
            None => {
                parts.push(unknown_flag(cmd, raw));
                i + 1
            }
            Some(f) => match (inline, &f.arg) {
                (Some(v), _) => {
                    parts.push(part(
                        raw,
                        annotated(&f.meaning, &format!(" = {v}")),
                        PartKind::Flag,
                    ));
                    i + 1
                }
                (None, Some(_)) => flag_with_value(scope, &f, raw, words, i, parts),
                (None, None) => {
                    parts.push(part(raw, meaning_of(&f), PartKind::Flag));
                    i + 1
                }
            },
        };
    }
    // Whole before split: `-print0`, `-noout`, `-enddate` are words, not letters.
    if let Some(f) = find_short(scope, value) {
        return flag_with_value(scope, &f, raw, words, i, parts);
    }
    // `head -20`, `grep -3`: the old numeric form, written `-NUM` in the sheet.
    if value.len() > 1 && value[1..].bytes().all(|b| b.is_ascii_digit()) {
        if let Some(f) = cmd.flags.iter().find(|f| f.flag.as_deref() == Some("-NUM")) {
            parts.push(part(
                raw,
                annotated(&f.meaning, &format!(" = {}", &value[1..])),
                PartKind::Flag,
            ));
            return i + 1;
        }
    }
    if let Some((f, attached)) = find_attached(scope, value) {
        parts.push(part(
            raw,
            annotated(&f.meaning, &format!(" = {attached}")),
            PartKind::Flag,
        ));
        return i + 1;
    }
    let letters = &value[1..];
    // Letters only when they read as letters: a first one the command knows, and for a
    // command with single-dash long options, every one up to a flag that takes a value.
    let known = |c: char| find_short(scope, &format!("-{c}"));
    let reads_as_letters = letters.chars().count() > 1
        && letters.chars().next().and_then(known).is_some()
        && (!has_single_dash_long(cmd) || {
            let mut all = true;
            for c in letters.chars() {
                match known(c) {
                    None => {
                        all = false;
                        break;
                    }
                    Some(f) if f.arg.is_some() => break,
                    Some(_) => {}
                }
            }
            all
        });
    if !reads_as_letters {
        parts.push(unknown_flag(cmd, raw));
        return i + 1;
    }
    explain_flag_letters(scope, words, i, letters, parts)
}

/// Combined short flags: each letter its own flag, until one that takes a value, which
/// takes the rest of the word (`-n10`) or the next word (`-xzvf FILE`).
fn explain_flag_letters(
    scope: &Scope,
    words: &[(String, String)],
    i: usize,
    letters: &str,
    parts: &mut Vec<Part>,
) -> usize {
    let cmd: &Command = &scope.cmd;
    let raw = &words[i].0;
    let mut pending_value: Option<(Flag, String)> = None;
    for (pos, c) in letters.char_indices() {
        let flag = format!("-{c}");
        match find_short(scope, &flag) {
            None => {
                let mut p = unknown_flag(cmd, &flag);
                p.from = Some(raw.clone());
                parts.push(p);
            }
            // An optional value is attached or absent (`sed -i.bak`; `-in` is -i with suffix n).
            Some(f) if takes_optional_value(&f) => {
                let rest = &letters[pos + c.len_utf8()..];
                let meaning = if rest.is_empty() {
                    meaning_of(&f)
                } else {
                    annotated(&f.meaning, &format!(" = {rest}"))
                };
                let mut p = part(&flag, meaning, PartKind::Flag);
                p.from = Some(raw.clone());
                parts.push(p);
                return i + 1;
            }
            Some(f) if f.arg.is_some() => {
                let rest = &letters[pos + c.len_utf8()..];
                // tar's old style (`tar xzvf FILE`, `-xzvf FILE`) puts f's value in the next word.
                if !rest.is_empty()
                    && !rest
                        .chars()
                        .all(|r| find_short(scope, &format!("-{r}")).is_some())
                {
                    let mut p = part(
                        &flag,
                        annotated(&f.meaning, &format!(" = {rest}")),
                        PartKind::Flag,
                    );
                    p.from = Some(raw.clone());
                    parts.push(p);
                    return i + 1;
                }
                let mut p = part(&flag, meaning_of(&f), PartKind::Flag);
                p.from = Some(raw.clone());
                parts.push(p);
                pending_value = Some((f, flag));
            }
            Some(f) => {
                let mut p = part(&flag, meaning_of(&f), PartKind::Flag);
                p.from = Some(raw.clone());
                parts.push(p);
            }
        }
    }
    match pending_value {
        Some((f, typed)) => take_value(scope, &f, &typed, words, i + 1, parts),
        None => i + 1,
    }
}

fn flag_with_value(
    scope: &Scope,
    f: &Flag,
    raw: &str,
    words: &[(String, String)],
    i: usize,
    parts: &mut Vec<Part>,
) -> usize {
    parts.push(part(raw, meaning_of(f), PartKind::Flag));
    if f.arg.is_some() && !takes_optional_value(f) {
        take_value(scope, f, raw, words, i + 1, parts)
    } else {
        i + 1
    }
}

/// The word after a flag that takes a value; `typed` is the flag as the user wrote it. A
/// value the sheet knows as a keyword (iptables' `-j ACCEPT`) says what it means.
fn take_value(
    scope: &Scope,
    f: &Flag,
    typed: &str,
    words: &[(String, String)],
    i: usize,
    parts: &mut Vec<Part>,
) -> usize {
    match words.get(i) {
        Some((raw, value)) => {
            let arg = f.arg.as_deref().unwrap_or("value");
            let meaning = match find_keyword(&scope.cmd, value) {
                // "TARGET for -j: let the packet through", not "…: Target: let …".
                Some(k) => {
                    let m = k.meaning.as_ref();
                    let m = match m.split_once(": ") {
                        Some((head, rest)) if head.eq_ignore_ascii_case(arg) => rest,
                        _ => m,
                    };
                    format!("{arg} for {typed}: {m}")
                }
                None => format!("{arg} for {typed}"),
            };
            parts.push(part(raw, meaning, PartKind::Value));
            i + 1
        }
        None => i,
    }
}

fn unknown_flag(cmd: &Command, token: &str) -> Part {
    let meaning = if cmd.category == "man" {
        format!("unknown: not a flag of {} in its local man page", cmd.name)
    } else if man_page::page(&cmd.name).is_some() {
        format!(
            "unknown: not a flag of {} in the cheat sheet nor in its local man page",
            cmd.name
        )
    } else {
        format!("unknown: not a flag of {} in the cheat sheet", cmd.name)
    };
    part(token, meaning, PartKind::Unknown)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Property: whatever is pasted, explain returns a result or a lex error, never panics,
    /// and every word of a successful split appears as a part.
    #[test]
    fn arbitrary_input_never_panics() {
        let sheet = Sheet::builtin();
        let alphabet: Vec<char> = "tar -xzvf ps aux grep -e --max-count=3 sudo env A=1 | || && ; & > >> 2>&1 < ' \" \\ $( ) é 🦀 -n10 -- find -name *.log"
            .chars()
            .collect();
        let mut state = 0x2545_f491_4f6c_dd1du64;
        for _ in 0..5000 {
            let mut line = String::new();
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            let len = (state % 40) as usize;
            for _ in 0..len {
                state ^= state << 13;
                state ^= state >> 7;
                state ^= state << 17;
                line.push(alphabet[(state % alphabet.len() as u64) as usize]);
            }
            if let Ok(e) = explain(&sheet, &line) {
                let words = shell_words::split(&line).unwrap();
                let word_count = words
                    .iter()
                    .filter(|l| matches!(l, Lexeme::Word { .. }))
                    .count();
                assert!(word_count == 0 || !e.parts.is_empty(), "{line}");
            }
        }
    }

    #[test]
    fn dashless_tar_and_ps() {
        let sheet = Sheet::builtin();
        let e = explain(&sheet, "tar xzf a.tgz").unwrap();
        let kinds: Vec<PartKind> = e.parts.iter().map(|p| p.kind).collect();
        assert_eq!(
            kinds,
            [
                PartKind::Command,
                PartKind::Flag,
                PartKind::Flag,
                PartKind::Flag,
                PartKind::Value
            ]
        );
    }

    #[test]
    fn plus_options_are_flags() {
        let sheet = Sheet::builtin();
        let e = explain(&sheet, "dig +short example.com").unwrap();
        assert_eq!(e.parts[1].kind, PartKind::Flag);
        assert_eq!(e.parts[2].kind, PartKind::Argument);
    }

    #[test]
    fn attached_value_of_a_short_flag() {
        let sheet = Sheet::builtin();
        let e = explain(&sheet, "head -n20 file").unwrap();
        assert_eq!(e.parts[1].token, "-n");
        assert!(e.parts[1].meaning.ends_with("= 20"), "{:?}", e.parts[1]);
        assert_eq!(e.parts[2].kind, PartKind::Argument);
    }
}
