//! `oncall cheat --explain 'CMDLINE'`: every token of a pasted command line explained from
//! the sheet's flag tables. What the sheet does not know is said to be unknown, never guessed.

use super::explain_secrets;
use super::model::{Command, Flag, Subcommand};
use super::sheet::Sheet;
use super::shell_words::{self, LexError, Lexeme};
use serde::Serialize;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
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

#[derive(Debug, Clone, Serialize)]
pub struct Part {
    pub token: String,
    pub meaning: String,
    pub kind: PartKind,
    /// For one letter of combined short flags (`-x` of `-xzvf`), the token it came from.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub from: Option<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct Explanation {
    pub command: String,
    pub parts: Vec<Part>,
}

/// Commands that run another command: after their own flags (and `positional` operands)
/// the next word starts a new command.
const WRAPPERS: [(&str, usize); 14] = [
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
    let mut segment: Vec<(String, String)> = Vec::new();
    let mut lexemes = lexemes.into_iter().peekable();
    while let Some(lx) = lexemes.next() {
        match lx {
            Lexeme::Word { raw, value } => segment.push((raw, value)),
            Lexeme::Control(op) => {
                explain_segment(sheet, &std::mem::take(&mut segment), &mut parts);
                parts.push(part(&op, control_meaning(&op), PartKind::Operator));
            }
            Lexeme::Redirect(op) => {
                explain_segment(sheet, &std::mem::take(&mut segment), &mut parts);
                let takes_target = !op.contains('&') || op.starts_with('&');
                parts.push(part(&op, redirect_meaning(&op), PartKind::Redirect));
                if takes_target {
                    if let Some(Lexeme::Word { raw, .. }) = lexemes.peek().cloned() {
                        lexemes.next();
                        parts.push(part(&raw, target_meaning(&op), PartKind::Argument));
                    }
                }
            }
        }
    }
    explain_segment(sheet, &segment, &mut parts);
    let mut explanation = Explanation {
        command: line.trim().to_string(),
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
fn explain_segment(sheet: &Sheet, words: &[(String, String)], parts: &mut Vec<Part>) {
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
        let Some(cmd) = sheet.command(name) else {
            parts.push(part(
                raw,
                "unknown command: not in the cheat sheet",
                PartKind::Unknown,
            ));
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
        i = explain_arguments(&cmd, words, i + 1, wrapper.map(|w| w.1), parts);
        if wrapper.is_none() {
            return;
        }
    }
}

/// Explains the words after a command, from `start`. For a wrapper, stops at the word that
/// begins the wrapped command (after `positional` operands) and returns its index.
fn explain_arguments(
    command: &Command,
    words: &[(String, String)],
    start: usize,
    wrapper_positional: Option<usize>,
    parts: &mut Vec<Part>,
) -> usize {
    let mut i = start;
    let mut options_done = false;
    let mut operands = 0;
    let mut saw_subcommand = false;
    // After a subcommand, its own flags come first (`kubectl logs -f` follows).
    let mut scoped = std::borrow::Cow::Borrowed(command);
    while i < words.len() {
        let cmd: &Command = &scoped;
        let (raw, value) = &words[i];
        if wrapper_positional.is_some_and(|n| operands >= n)
            && (!value.starts_with('-') || options_done)
            && !(cmd.name == "env" && is_assignment(value))
        {
            return i;
        }
        if !options_done && value == "--" {
            parts.push(part(
                raw,
                "end of options: every word after this is an operand",
                PartKind::Flag,
            ));
            options_done = true;
            i += 1;
            continue;
        }
        if !options_done && value.len() > 1 && value.starts_with('-') {
            i = explain_flag(cmd, words, i, parts);
            continue;
        }
        // `+` options as whole words: dig's `+short`, chattr's `+i`.
        if let Some(f) = value
            .starts_with('+')
            .then(|| find_short(cmd, value))
            .flatten()
        {
            i = flag_with_value(f, raw, words, i, parts);
            continue;
        }
        if i == start && DASHLESS_FLAGS.contains(&cmd.name.as_ref()) && dashless(cmd, value) {
            i = explain_flag_letters(cmd, words, i, value, parts);
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
        if !saw_subcommand && operands == 0 {
            if let Some(sub) = cmd.subcommands.iter().find(|s| s.name == *value) {
                parts.push(part(raw, sub.meaning.to_string(), PartKind::Subcommand));
                saw_subcommand = true;
                i += 1;
                if !sub.flags.is_empty() {
                    let narrowed = with_subcommand_flags(cmd, sub);
                    scoped = std::borrow::Cow::Owned(narrowed);
                }
                continue;
            }
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

fn find_short<'a>(cmd: &'a Command, flag: &str) -> Option<&'a Flag> {
    cmd.flags.iter().find(|f| f.flag.as_deref() == Some(flag))
}

fn find_long<'a>(cmd: &'a Command, flag: &str) -> Option<&'a Flag> {
    cmd.flags.iter().find(|f| f.long.as_deref() == Some(flag))
}

fn meaning_of(f: &Flag) -> String {
    match &f.arg {
        Some(arg) => format!("{} (takes {arg})", f.meaning),
        None => f.meaning.to_string(),
    }
}

/// Whether a dash-less first operand of `tar`/`ps` reads as flag letters (`xzvf`, `aux`).
fn dashless(cmd: &Command, word: &str) -> bool {
    !word.is_empty()
        && word.chars().all(|c| c.is_ascii_alphabetic())
        && word
            .chars()
            .all(|c| find_short(cmd, &format!("-{c}")).is_some())
}

/// A word starting with `-`: a long flag (with or without `=value`), a known flag as a
/// whole (`-name`, `-9`), or combined short flags (`-xzvf`, `-n10`).
fn explain_flag(
    cmd: &Command,
    words: &[(String, String)],
    i: usize,
    parts: &mut Vec<Part>,
) -> usize {
    let (raw, value) = &words[i];
    if value.starts_with("--") {
        let (name, inline) = match value.split_once('=') {
            Some((n, v)) => (n, Some(v)),
            None => (value.as_str(), None),
        };
        return match find_long(cmd, name) {
            None => {
                parts.push(unknown_flag(cmd, raw));
                i + 1
            }
            Some(f) => match (inline, &f.arg) {
                (Some(v), _) => {
                    parts.push(part(raw, format!("{} = {v}", f.meaning), PartKind::Flag));
                    i + 1
                }
                (None, Some(_)) => flag_with_value(f, raw, words, i, parts),
                (None, None) => {
                    parts.push(part(raw, meaning_of(f), PartKind::Flag));
                    i + 1
                }
            },
        };
    }
    if let Some(f) = find_short(cmd, value) {
        return flag_with_value(f, raw, words, i, parts);
    }
    let letters = &value[1..];
    explain_flag_letters(cmd, words, i, letters, parts)
}

/// Combined short flags: each letter its own flag, until one that takes a value, which
/// takes the rest of the word (`-n10`) or the next word (`-xzvf FILE`).
fn explain_flag_letters(
    cmd: &Command,
    words: &[(String, String)],
    i: usize,
    letters: &str,
    parts: &mut Vec<Part>,
) -> usize {
    let raw = &words[i].0;
    let mut pending_value: Option<(&Flag, String)> = None;
    for (pos, c) in letters.char_indices() {
        let flag = format!("-{c}");
        match find_short(cmd, &flag) {
            None => {
                let mut p = unknown_flag(cmd, &flag);
                p.from = Some(raw.clone());
                parts.push(p);
            }
            Some(f) if f.arg.is_some() => {
                let rest = &letters[pos + c.len_utf8()..];
                // tar's old style (`tar xzvf FILE`, `-xzvf FILE`) puts f's value in the next word.
                if !rest.is_empty()
                    && !rest
                        .chars()
                        .all(|r| find_short(cmd, &format!("-{r}")).is_some())
                {
                    let mut p = part(&flag, format!("{} = {rest}", f.meaning), PartKind::Flag);
                    p.from = Some(raw.clone());
                    parts.push(p);
                    return i + 1;
                }
                let mut p = part(&flag, meaning_of(f), PartKind::Flag);
                p.from = Some(raw.clone());
                parts.push(p);
                pending_value = Some((f, flag));
            }
            Some(f) => {
                let mut p = part(&flag, meaning_of(f), PartKind::Flag);
                p.from = Some(raw.clone());
                parts.push(p);
            }
        }
    }
    match pending_value {
        Some((f, typed)) => take_value(f, &typed, words, i + 1, parts),
        None => i + 1,
    }
}

fn flag_with_value(
    f: &Flag,
    raw: &str,
    words: &[(String, String)],
    i: usize,
    parts: &mut Vec<Part>,
) -> usize {
    parts.push(part(raw, meaning_of(f), PartKind::Flag));
    if f.arg.is_some() {
        take_value(f, raw, words, i + 1, parts)
    } else {
        i + 1
    }
}

/// The word after a flag that takes a value; `typed` is the flag as the user wrote it.
fn take_value(
    f: &Flag,
    typed: &str,
    words: &[(String, String)],
    i: usize,
    parts: &mut Vec<Part>,
) -> usize {
    match words.get(i) {
        Some((raw, _)) => {
            let name = typed;
            let arg = f.arg.as_deref().unwrap_or("value");
            parts.push(part(raw, format!("{arg} for {name}"), PartKind::Value));
            i + 1
        }
        None => i,
    }
}

fn unknown_flag(cmd: &Command, token: &str) -> Part {
    part(
        token,
        format!("unknown: not a flag of {} in the cheat sheet", cmd.name),
        PartKind::Unknown,
    )
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
