//! The files in completions/ are `oncall completions SHELL`'s output: this fails when they
//! drift from the CLI. Regenerate with `completions/regenerate.sh`.

mod support;

use std::fs;
use support::oncall;

const FILES: [(&str, &str); 5] = [
    ("bash", "completions/oncall.bash"),
    ("zsh", "completions/_oncall"),
    ("fish", "completions/oncall.fish"),
    ("elvish", "completions/oncall.elv"),
    ("powershell", "completions/_oncall.ps1"),
];

#[test]
fn completion_files_match_the_cli() {
    for (shell, path) in FILES {
        let out = oncall().args(["completions", shell]).assert().success();
        let generated = &out.get_output().stdout;
        let committed = fs::read(path).unwrap_or_default();
        assert!(
            generated == &committed,
            "{path} differs from `oncall completions {shell}`: run completions/regenerate.sh"
        );
    }
}

#[test]
fn bash_completion_knows_the_commands() {
    let out = oncall().args(["completions", "bash"]).assert().success();
    let text = String::from_utf8_lossy(&out.get_output().stdout).to_string();
    for cmd in ["cheat", "triage", "probe", "--explain"] {
        assert!(text.contains(cmd), "{cmd}");
    }
}
