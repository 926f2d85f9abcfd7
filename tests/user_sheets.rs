//! User sheets in $XDG_CONFIG_HOME/oncall/cheats: our TOML, tldr Markdown, cheat-style plain
//! files; they merge with the built-in sheet, win on a name clash, and a broken file is
//! reported with its path and skipped.

mod support;

use std::fs;
use support::oncall;

fn config_with(files: &[(&str, &str)]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let cheats = dir.path().join("oncall/cheats");
    fs::create_dir_all(&cheats).unwrap();
    for (name, text) in files {
        fs::write(cheats.join(name), text).unwrap();
    }
    dir
}

const OURS: &str = r#"
[category]
id = "team"
title = "Our team's tools"

[[command]]
name = "tar"
summary = "Our own tar notes"
tags = ["backup"]

[[command.example]]
description = "The way we back up /etc"
command = "tar -czf /backup/etc.tgz /etc"
safety = "changes-state"

[[command]]
name = "deployctl"
summary = "Roll our services forward and back"
tags = ["deploy", "rollback"]

[[command.example]]
description = "Show what runs where"
command = "deployctl status"
safety = "read-only"

[[command.flag]]
flag = "-e"
long = "--env"
meaning = "Which environment"
arg = "ENV"
"#;

const TLDR: &str = "# kubectl\n\n> Talk to a Kubernetes cluster.\n> More information: <https://example.invalid>.\n\n- List pods in every namespace:\n\n`kubectl get pods -A`\n";

const PLAIN: &str =
    "# To see the replication lag:\npsql -c 'select now() - pg_last_xact_replay_timestamp()'\n";

#[test]
fn user_sheets_merge_and_win_on_a_clash() {
    let dir = config_with(&[("team.toml", OURS), ("kubectl.md", TLDR), ("pglag", PLAIN)]);
    let run = |args: &[&str]| {
        let out = oncall()
            .env("XDG_CONFIG_HOME", dir.path())
            .args(args)
            .assert()
            .success();
        serde_json::from_slice::<serde_json::Value>(&out.get_output().stdout).unwrap()
    };
    let tar = run(&["cheat", "tar", "--json"]);
    assert_eq!(
        tar[0]["summary"], "Our own tar notes",
        "the user's tar wins"
    );
    let d = run(&["cheat", "deployctl", "--json"]);
    assert_eq!(d[0]["category"], "team");
    let k = run(&["cheat", "kubectl", "--json"]);
    assert_eq!(k[0]["examples"][0]["command"], "kubectl get pods -A");
    assert_eq!(k[0]["summary"], "Talk to a Kubernetes cluster.");
    let p = run(&["cheat", "pglag", "--json"]);
    assert_eq!(
        p[0]["examples"][0]["description"],
        "To see the replication lag"
    );
    let cats = run(&["cheat", "--categories", "--json"]);
    let ids: Vec<&str> = cats
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["id"].as_str().unwrap())
        .collect();
    assert!(ids.contains(&"team") && ids.contains(&"user"), "{ids:?}");
    let e = run(&["cheat", "--explain", "deployctl -e prod status", "--json"]);
    assert_eq!(e["parts"][2]["meaning"], "ENV for -e");
}

#[test]
fn a_broken_user_file_is_reported_and_skipped() {
    let dir = config_with(&[
        ("broken.toml", "[[command]]\nname = \"x\"\nsummary = 'unterminated\n"),
        ("nosafety.toml", "[[command]]\nname='y'\nsummary='s'\n[[command.example]]\ndescription='d'\ncommand='y'\n"),
        ("good.md", TLDR),
    ]);
    let out = oncall()
        .env("XDG_CONFIG_HOME", dir.path())
        .args(["cheat", "kubectl"])
        .assert()
        .success();
    let err = String::from_utf8_lossy(&out.get_output().stderr).to_string();
    assert!(err.contains("broken.toml"), "{err}");
    assert!(
        err.contains("nosafety.toml") && err.contains("safety"),
        "{err}"
    );
    assert!(
        err.lines().all(|l| l.starts_with("oncall: warning: ")),
        "{err}"
    );
    let stdout = String::from_utf8_lossy(&out.get_output().stdout).to_string();
    assert!(stdout.starts_with("kubectl"), "{stdout}");
}

#[test]
fn safe_never_shows_unclassified_user_examples() {
    let dir = config_with(&[("kubectl.md", TLDR)]);
    oncall()
        .env("XDG_CONFIG_HOME", dir.path())
        .args(["cheat", "--safe", "kubectl", "--json"])
        .assert()
        .code(1);
}

#[test]
fn a_toml_error_says_which_line() {
    let dir = config_with(&[(
        "team.toml",
        "[[command]]\nname = \"x\"\nsummary = 'unterminated\n",
    )]);
    let out = oncall()
        .env("XDG_CONFIG_HOME", dir.path())
        .args(["cheat", "tar"])
        .assert()
        .success();
    let err = String::from_utf8_lossy(&out.get_output().stderr).to_string();
    let line = err
        .lines()
        .find(|l| l.contains("team.toml"))
        .unwrap_or_else(|| panic!("{err}"));
    assert!(line.contains("team.toml: line 3, column "), "{err}");
    assert!(line.ends_with("(skipped)"), "{err}");
    assert_eq!(err.lines().count(), 1, "{err}");
}

#[test]
fn a_toml_error_whose_message_runs_over_lines_is_one_line() {
    // toml says "invalid string" and, on a line of its own, what it expected.
    let dir = config_with(&[("team.toml", "[[command]]\nname = \"x\"\nsummary = \n")]);
    let out = oncall()
        .env("XDG_CONFIG_HOME", dir.path())
        .args(["cheat", "tar"])
        .assert()
        .success();
    let err = String::from_utf8_lossy(&out.get_output().stderr).to_string();
    assert_eq!(err.lines().count(), 1, "{err}");
    assert!(err.contains("team.toml: line 3, column "), "{err}");
    assert!(err.trim_end().ends_with("(skipped)"), "{err}");
}

#[test]
fn a_name_in_two_user_files_says_which_file_won() {
    let a = "[[command]]\nname = \"deployctl\"\nsummary = \"From a.toml\"\n\
             [[command.example]]\ndescription = \"d\"\ncommand = \"deployctl\"\n\
             safety = \"read-only\"\n";
    let b = "# deployctl\n\n> From b.md.\n\n- Status:\n\n`deployctl status`\n";
    let dir = config_with(&[("a.toml", a), ("b.md", b)]);
    let out = oncall()
        .env("XDG_CONFIG_HOME", dir.path())
        .args(["cheat", "deployctl", "--json"])
        .assert()
        .success();
    let doc: serde_json::Value = serde_json::from_slice(&out.get_output().stdout).unwrap();
    assert_eq!(doc[0]["summary"], "From b.md.");
    let err = String::from_utf8_lossy(&out.get_output().stderr).to_string();
    assert_eq!(err.lines().count(), 1, "{err}");
    assert!(
        err.starts_with("oncall: warning: command 'deployctl' is in both "),
        "{err}"
    );
    assert!(err.contains("a.toml and "), "{err}");
    assert!(err.trim_end().ends_with("b.md wins"), "{err}");
}

#[test]
fn a_user_example_that_deletes_cannot_claim_read_only() {
    let sheet = "[[command]]\nname='cleanup'\nsummary='s'\n[[command.example]]\ndescription='d'\ncommand='sudo rm -rf /var/cache/app'\nsafety='read-only'\n";
    let dir = config_with(&[("cleanup.toml", sheet)]);
    let out = oncall()
        .env("XDG_CONFIG_HOME", dir.path())
        .args(["cheat", "tar"])
        .assert()
        .success();
    let err = String::from_utf8_lossy(&out.get_output().stderr).to_string();
    assert!(
        err.contains("cleanup.toml") && err.contains("is marked read-only but deletes files"),
        "{err}"
    );
}
