//! The conventions every command shares: formats, colour, width, hints, exit codes, errors,
//! and a quiet end when the reader closes the pipe.

mod support;

use predicates::prelude::*;
use std::process::{Command, Stdio};
use support::oncall;

fn stdout_of(cmd: &mut assert_cmd::Command) -> String {
    String::from_utf8(cmd.assert().get_output().stdout.clone()).unwrap()
}

#[test]
fn help_shows_the_whole_tool() {
    let text = stdout_of(oncall().arg("--help"));
    for cmd in [
        "cheat",
        "ps",
        "mem",
        "disk",
        "net",
        "logs",
        "probe",
        "triage",
        "completions",
    ] {
        assert!(
            text.contains(&format!("  {cmd} ")),
            "--help lacks {cmd}:\n{text}"
        );
    }
    for flag in ["--json", "--format", "--color", "--no-hints"] {
        assert!(text.contains(flag), "--help lacks {flag}");
    }
}

#[test]
fn usage_errors_are_one_line_and_exit_2() {
    for args in [
        vec!["nosuchcommand"],
        vec!["ps", "--window", "abc"],
        vec!["cheat", "--format", "yaml"],
        vec!["cheat", "--format", "prometheus", "tar"],
    ] {
        let out = oncall().args(&args).assert().code(2);
        let err = String::from_utf8_lossy(&out.get_output().stderr).to_string();
        assert!(err.starts_with("oncall: "), "{args:?}: {err}");
        assert_eq!(err.lines().count(), 1, "{args:?}: {err}");
        assert!(!err.contains("panicked"), "{err}");
    }
}

/// One usage error: exit 2, nothing on stdout, one `oncall: ` line on stderr, which it returns.
fn usage_error(args: &[&str]) -> String {
    let out = oncall().args(args).assert().code(2).stdout("");
    let err = String::from_utf8_lossy(&out.get_output().stderr).to_string();
    assert!(err.starts_with("oncall: "), "{args:?}: {err}");
    assert_eq!(err.lines().count(), 1, "{args:?}: {err}");
    err
}

#[test]
fn a_missing_argument_is_named_with_the_usage() {
    // clap puts the missing arguments on lines of their own after a colon; the one line we
    // print used to end at that colon.
    let err = usage_error(&["logs", "grep"]);
    assert!(err.contains("not provided: <PATTERN>"), "{err}");
    assert!(err.contains("usage: oncall logs grep <PATTERN>"), "{err}");
    let err = usage_error(&["completions"]);
    assert!(err.contains("not provided: <SHELL>"), "{err}");
    assert!(err.contains("usage: oncall completions <SHELL>"), "{err}");
}

#[test]
fn json_and_another_format_conflict() {
    for args in [
        ["--json", "--format", "markdown", "ps"],
        ["ps", "--format", "markdown", "--json"],
        ["cheat", "--json", "--format", "markdown"],
    ] {
        let err = usage_error(&args);
        // clap names the flag given second first; either way both are named.
        assert!(err.contains("cannot be used with"), "{args:?}: {err}");
        assert!(
            err.contains("'--json'") && err.contains("'--format"),
            "{args:?}: {err}"
        );
    }
}

#[test]
fn absurd_durations_are_too_long_not_malformed() {
    let err = usage_error(&["ps", "--window", "999999h"]);
    assert!(err.contains("'999999h' is too long"), "{err}");
    assert!(!err.contains("not a duration"), "{err}");
}

#[test]
fn json_and_format_json_agree() {
    let a = stdout_of(oncall().args(["cheat", "ss", "--json"]));
    let b = stdout_of(oncall().args(["cheat", "ss", "--format", "json"]));
    assert_eq!(a, b);
    serde_json::from_str::<serde_json::Value>(&a).unwrap();
}

#[test]
fn colour_follows_flag_then_env_then_tty() {
    let esc = "\x1b[";
    assert!(stdout_of(oncall().args(["cheat", "ss", "--color", "always"])).contains(esc));
    assert!(
        !stdout_of(oncall().args(["cheat", "ss"])).contains(esc),
        "not a tty: no colour"
    );
    assert!(stdout_of(oncall().args(["cheat", "ss"]).env("CLICOLOR_FORCE", "1")).contains(esc));
    let forced_off = stdout_of(
        oncall()
            .args(["cheat", "ss"])
            .env("CLICOLOR_FORCE", "1")
            .env("NO_COLOR", "1"),
    );
    assert!(
        !forced_off.contains(esc),
        "NO_COLOR wins over CLICOLOR_FORCE under auto"
    );
    assert!(!stdout_of(
        oncall()
            .args(["cheat", "ss", "--color", "never"])
            .env("CLICOLOR_FORCE", "1")
    )
    .contains(esc));
    assert!(
        !stdout_of(oncall().args(["cheat", "ss", "--json", "--color", "always"])).contains(esc)
    );
}

#[test]
fn tables_fit_the_width() {
    let text = stdout_of(
        oncall()
            .args(["cheat", "-c", "networking"])
            .env("COLUMNS", "70"),
    );
    assert!(text.lines().count() > 10);
    for line in text.lines() {
        assert!(
            line.chars().count() <= 70,
            "{} chars: {line}",
            line.chars().count()
        );
    }
}

#[test]
fn no_hints_removes_hints() {
    let with = stdout_of(oncall().args(["cheat", "tar"]));
    let without = stdout_of(oncall().args(["cheat", "tar", "--no-hints"]));
    assert!(with.contains("hint: "));
    assert!(!without.contains("hint: "));
}

#[test]
fn a_closed_pipe_ends_quietly() {
    let bin = assert_cmd::cargo::cargo_bin("oncall");
    let mut child = Command::new(bin)
        .args(["cheat", "--safe"])
        .env("XDG_CONFIG_HOME", "/nonexistent")
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    // Read one line, then close our end as `head -1` does.
    let mut stdout = child.stdout.take().unwrap();
    let mut first = [0u8; 64];
    std::io::Read::read(&mut stdout, &mut first).unwrap();
    drop(stdout);
    let out = child.wait_with_output().unwrap();
    assert_eq!(out.status.code(), Some(0));
    assert_eq!(String::from_utf8_lossy(&out.stderr), "");
}

#[test]
fn version_and_help_exit_0() {
    oncall()
        .arg("--version")
        .assert()
        .success()
        .stdout(predicate::str::starts_with("oncall "));
    oncall()
        .args(["cheat", "--help"])
        .assert()
        .success()
        .stdout(predicate::str::contains("--explain"));
}

#[test]
fn on_a_terminal_escape_sequences_in_shown_text_are_not_obeyed() {
    // Any text oncall echoes (here a pasted command line; logs, headers and names likewise)
    // could carry an escape sequence that retitles the terminal or writes its clipboard. On
    // a terminal (script(1) gives one) only oncall's own colours pass; the rest is shown in
    // caret notation. Piped, the bytes are untouched.
    let line = "ls \x1b]0;pwned\x07 -l \x1b]52;c;aGk=\x07";
    let bin = assert_cmd::cargo::cargo_bin("oncall");
    let out = std::process::Command::new("script")
        .args([
            "-qec",
            &format!("{} cheat --explain \"$LINE\"", bin.display()),
            "/dev/null",
        ])
        .env("LINE", line)
        .env_remove("NO_COLOR")
        .env("XDG_CONFIG_HOME", "/nonexistent/oncall-tests")
        .output()
        .expect("script (bsdutils) is installed");
    assert!(out.status.success(), "{out:?}");
    let text = String::from_utf8_lossy(&out.stdout).to_string();
    assert!(
        text.contains("ls ^[]0;pwned^G -l ^[]52;c;aGk=^G"),
        "{text:?}"
    );
    assert!(
        !text.contains("\x1b]") && !text.contains('\x07'),
        "{text:?}"
    );
    assert!(
        text.contains("\x1b["),
        "oncall's own colours still pass: {text:?}"
    );
    let piped = oncall()
        .args(["cheat", "--explain", line])
        .output()
        .unwrap();
    assert!(String::from_utf8_lossy(&piped.stdout).contains(line));
}
