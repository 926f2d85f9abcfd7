//! Subcommand flags where an engineer looks: under their subcommand in `oncall cheat NAME`,
//! and in the search index (a word only a subcommand flag holds finds the entry).

mod support;

use support::{oncall, stdout_json};

fn stdout(args: &[&str]) -> String {
    let out = oncall().args(args).assert().success();
    String::from_utf8(out.get_output().stdout.clone()).unwrap()
}

#[test]
fn subcommand_flags_are_listed_under_their_subcommand() {
    let text = stdout(&["cheat", "kubectl"]);
    let lines: Vec<&str> = text.lines().collect();
    let rollout = lines
        .iter()
        .position(|l| l.trim_start().starts_with("rollout "))
        .unwrap_or_else(|| panic!("no rollout row:\n{text}"));
    // Its own flag, indented under it, before the next subcommand.
    let flag = lines[rollout + 1];
    assert!(flag.starts_with("    --to-revision N"), "{flag:?}\n{text}");
    // A nested subcommand follows its parent.
    assert!(
        lines[rollout..]
            .iter()
            .take_while(|l| !l.trim().is_empty())
            .any(|l| l.trim_start().starts_with("rollout undo ")),
        "{text}"
    );
    // dd's operands are spelled as typed.
    let dd = stdout(&["cheat", "dd"]);
    assert!(
        dd.lines().any(|l| l.trim_start().starts_with("of=FILE ")),
        "{dd}"
    );
}

#[test]
fn a_subcommand_flag_finds_its_entry() {
    // Each is only in a subcommand flag: `kubectl drain --delete-emptydir-data`, `docker
    // compose up --force-recreate`; a flag typed with its dashes is its word.
    for (query, name) in [
        ("delete-emptydir-data", "kubectl"),
        ("force-recreate", "docker"),
        ("--to-revision", "kubectl"),
        ("stash pop", "git"),
    ] {
        let hits = stdout_json(&["cheat", "--json", "--", query]);
        let first = hits
            .as_array()
            .and_then(|a| a.first())
            .unwrap_or_else(|| panic!("{query}: {hits}"));
        assert_eq!(first["name"], name, "{query}: {hits}");
    }
}
