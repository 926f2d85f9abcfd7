//! Shared by the CLI tests: the binary under test with a clean, predictable environment.
#![allow(dead_code)]

use assert_cmd::Command;
use serde_json::Value;

/// `oncall` with no colour variables, no width and no user sheets of this machine.
pub fn oncall() -> Command {
    let mut cmd = Command::cargo_bin("oncall").expect("the oncall binary is built");
    cmd.env_remove("NO_COLOR")
        .env_remove("CLICOLOR_FORCE")
        .env_remove("COLUMNS")
        .env("XDG_CONFIG_HOME", "/nonexistent/oncall-tests");
    cmd
}

/// Runs `oncall ARGS`, expects exit 0, parses stdout as one JSON document.
pub fn stdout_json(args: &[&str]) -> Value {
    let out = oncall().args(args).assert().success();
    serde_json::from_slice(&out.get_output().stdout)
        .unwrap_or_else(|e| panic!("oncall {args:?} printed no JSON: {e}"))
}
pub mod servers;
