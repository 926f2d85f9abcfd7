//! The on-disk shape of cheat-sheet and runbook TOML files, and the rules they must obey.
//!
//! This file is compiled twice: by `build.rs` (which validates `data/` and embeds it) and
//! by the library (which loads user sheets at run time with the same rules). So it may
//! depend on nothing but `std` and `serde`.

use serde::Deserialize;
use std::collections::{HashMap, HashSet};

pub const SAFETY_CLASSES: [&str; 3] = ["read-only", "changes-state", "destructive"];

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CheatFile {
    pub category: Option<CategoryDef>,
    #[serde(default)]
    pub command: Vec<CommandDef>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CategoryDef {
    pub id: String,
    pub title: String,
    #[serde(default)]
    pub description: String,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CommandDef {
    pub name: String,
    #[serde(default)]
    pub summary: String,
    #[serde(default)]
    pub tags: Vec<String>,
    #[serde(default)]
    pub see_also: Vec<String>,
    pub oncall: Option<String>,
    /// Only user files may name a category here (built-in files take it from `[category]`).
    pub category: Option<String>,
    #[serde(default)]
    pub example: Vec<ExampleDef>,
    #[serde(default)]
    pub flag: Vec<FlagDef>,
    #[serde(default)]
    pub subcommand: Vec<SubcommandDef>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ExampleDef {
    pub description: String,
    pub command: String,
    pub safety: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FlagDef {
    pub flag: Option<String>,
    pub long: Option<String>,
    pub meaning: String,
    pub arg: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SubcommandDef {
    pub name: String,
    pub meaning: String,
    /// Flags whose meaning belongs to this subcommand (`kubectl logs -f` follows, `kubectl
    /// apply -f` names a file); `--explain` looks here first, then at the command's flags.
    #[serde(default)]
    pub flag: Vec<FlagDef>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RunbookFile {
    pub runbook: RunbookDef,
    #[serde(default)]
    pub step: Vec<StepDef>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RunbookDef {
    pub id: String,
    pub title: String,
    #[serde(default)]
    pub summary: String,
    #[serde(default)]
    pub aliases: Vec<String>,
    #[serde(default)]
    pub tags: Vec<String>,
    #[serde(default)]
    pub see_also: Vec<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct StepDef {
    pub title: String,
    pub classic: Option<String>,
    pub oncall: Option<String>,
    #[serde(default)]
    pub normal: String,
    #[serde(default)]
    pub look_for: String,
    pub safety: Option<String>,
}

/// One broken rule, named by file and entry so that the author can find it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    pub file: String,
    pub entry: String,
    pub message: String,
}

impl std::fmt::Display for Problem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        if self.entry.is_empty() {
            write!(f, "{}: {}", self.file, self.message)
        } else {
            write!(f, "{}: {}: {}", self.file, self.entry, self.message)
        }
    }
}

/// Checks one command's own fields (what needs no other file to judge).
pub fn check_command(file: &str, cmd: &CommandDef, problems: &mut Vec<Problem>) {
    let mut problem = |message: String| {
        problems.push(Problem {
            file: file.to_string(),
            entry: format!("command '{}'", cmd.name),
            message,
        })
    };
    if cmd.name.trim().is_empty() || cmd.name.contains(char::is_whitespace) {
        problem("a command name must be one word".into());
    }
    if cmd.summary.trim().is_empty() {
        problem("summary is missing".into());
    }
    if cmd.example.is_empty() {
        problem("has no example".into());
    }
    for (i, ex) in cmd.example.iter().enumerate() {
        match ex.safety.as_deref() {
            None => problem(format!(
                "example {} ('{}') has no safety class (read-only, changes-state or destructive)",
                i + 1,
                ex.command
            )),
            Some(s) if !SAFETY_CLASSES.contains(&s) => problem(format!(
                "example {} ('{}') has unknown safety class '{}'",
                i + 1,
                ex.command,
                s
            )),
            Some("read-only") => {
                if let Some(what) = destructive_pattern(&ex.command) {
                    problem(format!(
                        "example {} ('{}') is marked read-only but {what}: mark it changes-state or destructive",
                        i + 1,
                        ex.command
                    ))
                }
            }
            Some(_) => {}
        }
        if ex.command.trim().is_empty() {
            problem(format!("example {} has an empty command", i + 1));
        }
    }
    let mut subcommands = HashSet::new();
    for sub in &cmd.subcommand {
        if !subcommands.insert(sub.name.as_str()) {
            problem(format!("subcommand '{}' is listed twice", sub.name));
        }
        if sub.meaning.trim().is_empty() {
            problem(format!("subcommand '{}' has no meaning", sub.name));
        }
    }
    // A nested subcommand (`rollout undo`) is reached through its parent, which must be listed.
    for sub in &cmd.subcommand {
        if let Some((parent, _)) = sub.name.rsplit_once(' ') {
            if !subcommands.contains(parent) {
                problem(format!(
                    "subcommand '{}' is nested under '{parent}', which is not listed",
                    sub.name
                ));
            }
        }
    }
    let scoped = cmd
        .subcommand
        .iter()
        .flat_map(|sub| sub.flag.iter().map(move |fl| (Some(sub.name.as_str()), fl)));
    for (sub, fl) in cmd.flag.iter().map(|fl| (None, fl)).chain(scoped) {
        let of = sub.map_or(String::new(), |s| format!(" of subcommand '{s}'"));
        if fl.flag.is_none() && fl.long.is_none() {
            problem(format!(
                "flag '{}'{of} has neither `flag` nor `long`",
                fl.meaning
            ));
        }
        if let Some(long) = &fl.long {
            if !long.starts_with("--") {
                problem(format!("long flag '{long}'{of} must start with --"));
            }
        }
        if let Some(short) = &fl.flag {
            if !(short.starts_with('-') || short.starts_with('+') || is_keyword(short)) {
                problem(format!(
                    "flag '{short}'{of} must start with - or + (or be a keyword of two characters or more: `dev`, `if=`, `ACCEPT`)"
                ));
            }
            if is_keyword(short) && fl.long.is_some() {
                problem(format!("keyword '{short}'{of} cannot have a `long` form"));
            }
        }
    }
}

/// A flag written without a dash: an operand word with a fixed meaning (ip's `dev NAME`,
/// tcpdump's `port`, iptables' target `ACCEPT`), or with a trailing `=` a `key=value` operand
/// (dd's `if=FILE`). Two characters or more, so a dash forgotten on `f` is still caught.
pub fn is_keyword(flag: &str) -> bool {
    let word = flag.strip_suffix('=').unwrap_or(flag);
    word.len() >= 2
        && word.starts_with(|c: char| c.is_ascii_alphabetic())
        && word
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'))
}

/// What in `command` makes it more than read-only, if anything: the one rule of
/// `destructive.rs`, which `--explain` applies too.
pub fn destructive_pattern(command: &str) -> Option<String> {
    super::destructive::in_line(command).map(|f| f.what)
}

/// Checks a whole set of built-in files: each command alone, then names across files.
/// `categories` are the category ids a file may declare, each of which must have a file.
pub fn check_sheet(
    cheats: &[(String, CheatFile)],
    runbooks: &[(String, RunbookFile)],
    categories: &[&str],
) -> Vec<Problem> {
    let mut problems = Vec::new();
    let mut seen: HashMap<&str, &str> = HashMap::new();
    let mut declared = HashSet::new();
    for (file, sheet) in cheats {
        match &sheet.category {
            None => problems.push(Problem {
                file: file.clone(),
                entry: String::new(),
                message: "no [category] table".into(),
            }),
            Some(cat) => {
                let stem = file
                    .trim_end_matches(".toml")
                    .rsplit('/')
                    .next()
                    .unwrap_or("");
                if cat.id != stem {
                    problems.push(Problem {
                        file: file.clone(),
                        entry: String::new(),
                        message: format!("category id '{}' differs from the file name", cat.id),
                    });
                }
                if !categories.contains(&cat.id.as_str()) {
                    problems.push(Problem {
                        file: file.clone(),
                        entry: String::new(),
                        message: format!("unknown category '{}'", cat.id),
                    });
                }
                declared.insert(cat.id.as_str());
            }
        }
        for cmd in &sheet.command {
            check_command(file, cmd, &mut problems);
            if let Some(cat) = &cmd.category {
                problems.push(Problem {
                    file: file.clone(),
                    entry: format!("command '{}'", cmd.name),
                    message: format!(
                        "names category '{cat}': built-in commands take their file's category"
                    ),
                });
            }
            if let Some(first) = seen.insert(cmd.name.as_str(), file.as_str()) {
                problems.push(Problem {
                    file: file.clone(),
                    entry: format!("command '{}'", cmd.name),
                    message: format!("duplicate name (first defined in {first})"),
                });
            }
        }
    }
    for id in categories {
        if !declared.contains(id) {
            problems.push(Problem {
                file: format!("data/cheats/{id}.toml"),
                entry: String::new(),
                message: format!("category '{id}' has no file"),
            });
        }
    }
    for (file, sheet) in cheats {
        for cmd in &sheet.command {
            for target in &cmd.see_also {
                if !seen.contains_key(target.as_str()) {
                    problems.push(Problem {
                        file: file.clone(),
                        entry: format!("command '{}'", cmd.name),
                        message: format!("see_also '{target}' names no command"),
                    });
                }
            }
        }
    }
    let mut runbook_ids = HashSet::new();
    for (file, book) in runbooks {
        let entry = format!("runbook '{}'", book.runbook.id);
        let mut problem = |message: String| {
            problems.push(Problem {
                file: file.clone(),
                entry: entry.clone(),
                message,
            })
        };
        if !runbook_ids.insert(book.runbook.id.as_str()) {
            problem("duplicate runbook id".into());
        }
        if book.step.is_empty() {
            problem("has no steps".into());
        }
        for target in &book.runbook.see_also {
            if !seen.contains_key(target.as_str()) {
                problem(format!("see_also '{target}' names no command"));
            }
        }
        for (i, step) in book.step.iter().enumerate() {
            if step.classic.is_none() && step.oncall.is_none() {
                problem(format!("step {} has neither `classic` nor `oncall`", i + 1));
            }
            match step.safety.as_deref() {
                Some(s) if SAFETY_CLASSES.contains(&s) => {}
                other => problem(format!(
                    "step {} has {} safety class",
                    i + 1,
                    other.map_or("no".to_string(), |s| format!("unknown '{s}'"))
                )),
            }
        }
    }
    problems
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sheet(file: &str, text: &str) -> (String, CheatFile) {
        (
            file.to_string(),
            toml::from_str(text).expect("test TOML parses"),
        )
    }

    const GOOD: &str = "[category]\nid='net'\ntitle='Net'\n[[command]]\nname='ss'\nsummary='s'\ntags=['t']\n[[command.example]]\ndescription='d'\ncommand='ss -t'\nsafety='read-only'\n";

    #[test]
    fn a_good_sheet_passes() {
        assert_eq!(
            check_sheet(&[sheet("data/cheats/net.toml", GOOD)], &[], &["net"]),
            vec![]
        );
    }

    #[test]
    fn each_broken_rule_names_file_and_entry() {
        let bad = "[category]\nid='bogus'\ntitle='B'\n[[command]]\nname='ss'\nsummary='dup'\nsee_also=['nosuch']\n[[command.example]]\ndescription='d'\ncommand='ss'\n";
        let problems = check_sheet(
            &[
                sheet("data/cheats/net.toml", GOOD),
                sheet("data/cheats/bogus.toml", bad),
            ],
            &[],
            &["net"],
        );
        let text: Vec<String> = problems.iter().map(ToString::to_string).collect();
        let has = |needle: &str| text.iter().any(|t| t.contains(needle));
        assert!(
            has("data/cheats/bogus.toml: unknown category 'bogus'"),
            "{text:?}"
        );
        assert!(
            has("data/cheats/bogus.toml: command 'ss': duplicate name"),
            "{text:?}"
        );
        assert!(
            has("command 'ss': see_also 'nosuch' names no command"),
            "{text:?}"
        );
        assert!(
            has("command 'ss': example 1 ('ss') has no safety class"),
            "{text:?}"
        );
    }

    #[test]
    fn a_missing_category_file_is_named() {
        let problems = check_sheet(
            &[sheet("data/cheats/net.toml", GOOD)],
            &[],
            &["net", "help"],
        );
        assert_eq!(
            problems[0].to_string(),
            "data/cheats/help.toml: category 'help' has no file"
        );
    }

    fn one_example(command: &str, safety: &str) -> Vec<Problem> {
        let text = format!(
            "[[command]]\nname='x'\nsummary='s'\n[[command.example]]\ndescription='d'\ncommand={command:?}\nsafety='{safety}'\n"
        );
        let file: CheatFile = toml::from_str(&text).expect("test TOML parses");
        let mut problems = Vec::new();
        check_command("user.toml", &file.command[0], &mut problems);
        problems
    }

    #[test]
    fn destructive_commands_cannot_be_read_only() {
        for cmd in [
            "rm -rf /var/tmp/build",
            "sudo rm -f /var/log/app.log.1",
            "find /tmp -name '*.core' | xargs rm",
            "sudo mkfs.ext4 /dev/sdb1",
            "mkfs -t xfs /dev/vdb",
            "dd if=disk.img of=/dev/sdb bs=4M",
            "kubectl delete pod web-0 -n prod",
            "kubectl -n prod drain node-3 --ignore-daemonsets",
            "kubectl exec -it web-0 -- rm -rf /cache",
            "docker rm -f web",
            "docker system prune -a",
            "podman rmi old:1.0",
            "crictl rmp -a",
            "helm uninstall web -n prod",
            "sudo iptables -F",
            "iptables -t nat -X",
            "psql -c 'DROP TABLE sessions'",
            "mysql -e \"drop database staging\"",
            "redis-cli FLUSHALL",
            "git reset --hard origin/main",
            "git push --force origin main",
            "git clean -fdx",
            "sudo wipefs -a /dev/sdc",
        ] {
            let problems = one_example(cmd, "read-only");
            assert_eq!(problems.len(), 1, "{cmd}: {problems:?}");
            assert!(
                problems[0].message.contains("is marked read-only but"),
                "{cmd}: {}",
                problems[0]
            );
            assert!(one_example(cmd, "destructive").is_empty(), "{cmd}");
            assert!(one_example(cmd, "changes-state").is_empty(), "{cmd}");
        }
    }

    #[test]
    fn looking_at_a_destructive_command_is_still_read_only() {
        for cmd in [
            "man rm",
            "sudo mkfs.ext4 -n /dev/sdb1",
            "sudo wipefs /dev/sdc",
            "grep -n 'docker rm' ~/.bash_history",
            "dd if=/dev/sda of=/dev/null bs=1M count=1000",
            "kubectl get pods -n prod -o wide",
            "kubectl auth can-i delete pods -n prod",
            "kubectl delete -f app.yaml --dry-run=server",
            "docker ps -a",
            "sudo iptables -L -n -v -x --line-numbers",
            "git clean -nd",
            "git log --oneline -n 20",
            "helm list -A",
        ] {
            assert_eq!(one_example(cmd, "read-only"), vec![], "{cmd}");
        }
    }

    #[test]
    fn nested_subcommands_need_their_parent_and_keywords_their_form() {
        let text = "[[command]]\nname='kubectl'\nsummary='s'\n[[command.example]]\ndescription='d'\ncommand='kubectl get pods'\nsafety='read-only'\n[[command.subcommand]]\nname='rollout undo'\nmeaning='m'\n[[command.flag]]\nflag='dev'\nmeaning='interface'\narg='NAME'\n[[command.flag]]\nflag='if='\nlong='--if'\nmeaning='input'\n";
        let file: CheatFile = toml::from_str(text).expect("test TOML parses");
        let mut problems = Vec::new();
        check_command("user.toml", &file.command[0], &mut problems);
        let text: Vec<String> = problems.iter().map(ToString::to_string).collect();
        assert_eq!(text.len(), 2, "{text:?}");
        assert!(
            text[0].contains("nested under 'rollout', which is not listed"),
            "{text:?}"
        );
        assert!(
            text[1].contains("keyword 'if=' cannot have a `long` form"),
            "{text:?}"
        );
    }

    #[test]
    fn subcommand_flags_obey_the_flag_rules() {
        let text = "[[command]]\nname='kubectl'\nsummary='s'\n[[command.example]]\ndescription='d'\ncommand='kubectl get pods'\nsafety='read-only'\n[[command.subcommand]]\nname='logs'\nmeaning='m'\nflag=[{flag='f', meaning='follow'}]\n[[command.subcommand]]\nname='logs'\nmeaning='again'\n";
        let file: CheatFile = toml::from_str(text).expect("test TOML parses");
        let mut problems = Vec::new();
        check_command("user.toml", &file.command[0], &mut problems);
        let text: Vec<String> = problems.iter().map(ToString::to_string).collect();
        assert!(
            text.iter()
                .any(|t| t.contains("flag 'f' of subcommand 'logs' must start with - or +")),
            "{text:?}"
        );
        assert!(
            text.iter()
                .any(|t| t.contains("subcommand 'logs' is listed twice")),
            "{text:?}"
        );
    }
}
