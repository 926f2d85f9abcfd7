//! stderr echoes names and values oncall does not control (file names, patterns, URLs, a bad
//! `--user`): on a terminal they are shown in caret notation, never obeyed — even when
//! stdout is not the terminal. Each case runs under a pty from script(1) with stdout sent to
//! /dev/null, so what the pty gets is stderr alone.

mod support;

use std::path::Path;

/// The title-setting sequence every case carries, raw and as the terminal must show it.
const ESC_TITLE: &str = "\x1b]0;PWN\x07";
const SHOWN: &str = "^[]0;PWN^G";

/// `oncall ARGS` under a pty with stdout to /dev/null; what the pty received (stderr).
fn stderr_on_a_terminal(args: &[&str], config_home: &Path) -> String {
    let bin = assert_cmd::cargo::cargo_bin("oncall");
    let mut cmd = std::process::Command::new("script");
    let mut line = String::from("\"$ONCALL_BIN\"");
    for (i, a) in args.iter().enumerate() {
        // Arguments travel in the environment: no quoting of escape bytes in a shell string.
        line.push_str(&format!(" \"$ARG{i}\""));
        cmd.env(format!("ARG{i}"), a);
    }
    line.push_str(" >/dev/null");
    let out = cmd
        .args(["-qec", &line, "/dev/null"])
        .env("ONCALL_BIN", bin)
        .env_remove("NO_COLOR")
        .env("XDG_CONFIG_HOME", config_home)
        .output()
        .expect("script (bsdutils) is installed");
    String::from_utf8_lossy(&out.stdout).into_owned()
}

fn assert_shown_not_obeyed(what: &str, text: &str) {
    assert!(
        text.contains(SHOWN),
        "{what}: caret notation expected: {text:?}"
    );
    assert!(
        !text.contains('\x1b') && !text.contains('\x07'),
        "{what}: a raw escape reached the terminal: {text:?}"
    );
}

#[test]
fn warnings_about_files_with_escapes_in_their_names_are_shown_not_obeyed() {
    let dir = tempfile::tempdir().unwrap();
    // A log without timestamps: `--since` warns naming the file.
    let log = dir.path().join(format!("esc{ESC_TITLE}.log"));
    std::fs::write(&log, "stderr-guard-marker no time here\n").unwrap();
    let text = stderr_on_a_terminal(
        &[
            "logs",
            "grep",
            "stderr-guard-marker",
            log.to_str().unwrap(),
            "--since",
            "1h",
        ],
        Path::new("/nonexistent/oncall-tests"),
    );
    assert!(text.contains("no timestamp format"), "{text:?}");
    assert_shown_not_obeyed("logs warning", &text);

    // A malformed user cheat sheet is reported with its path.
    let sheets = dir.path().join("oncall/cheats");
    std::fs::create_dir_all(&sheets).unwrap();
    std::fs::write(sheets.join(format!("bad{ESC_TITLE}.toml")), "[[[ not toml").unwrap();
    let text = stderr_on_a_terminal(&["cheat", "tar"], dir.path());
    assert!(text.contains("warning"), "{text:?}");
    assert_shown_not_obeyed("cheat sheet warning", &text);
}

#[test]
fn errors_echoing_a_bad_value_are_shown_not_obeyed() {
    let none = Path::new("/nonexistent/oncall-tests");
    let user = format!("nobody{ESC_TITLE}");
    let state = format!("listen{ESC_TITLE}");
    let pattern = format!("({ESC_TITLE}");
    let url = format!("http://h{ESC_TITLE}:99999/");
    let cases: [(&str, Vec<&str>); 4] = [
        ("--user", vec!["ps", "--user", &user]),
        ("--state", vec!["net", "--state", &state]),
        ("pattern", vec!["logs", "grep", &pattern, "/dev/null"]),
        ("URL", vec!["probe", &url]),
    ];
    for (what, args) in cases {
        let text = stderr_on_a_terminal(&args, none);
        assert!(text.contains("oncall: "), "{what}: {text:?}");
        assert_shown_not_obeyed(what, &text);
    }
}

#[test]
fn piped_stderr_gets_the_bytes_untouched() {
    let user = format!("nobody{ESC_TITLE}");
    let out = support::oncall()
        .args(["ps", "--user", &user])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains(ESC_TITLE));
}

/// `probe --nagios` answers a value clap rejects with its UNKNOWN line on stdout, echoing the
/// value: on a terminal that line is guarded too.
#[test]
fn a_nagios_unknown_line_echoing_a_bad_value_is_shown_not_obeyed() {
    let bin = assert_cmd::cargo::cargo_bin("oncall");
    let bad = format!("soon{ESC_TITLE}");
    let out = std::process::Command::new("script")
        .args([
            "-qec",
            "\"$ONCALL_BIN\" probe --nagios --timeout \"$BAD\" http://127.0.0.1:9/",
            "/dev/null",
        ])
        .env("ONCALL_BIN", bin)
        .env("BAD", &bad)
        .output()
        .expect("script (bsdutils) is installed");
    let text = String::from_utf8_lossy(&out.stdout).into_owned();
    assert!(text.contains("PROBE UNKNOWN"), "{text:?}");
    assert_shown_not_obeyed("nagios unknown line", &text);
}
