//! The exit codes DESIGN.md promises; every command maps its outcome to one of these.

/// The command ran and everything was fine (or something matched).
pub const SUCCESS: u8 = 0;
/// The command ran and found a failure: a failed check, a finding at `--fail-on`, no match.
pub const FAILURE: u8 = 1;
/// Usage or input error: bad flag, invalid regex, unknown category, malformed target.
pub const USAGE: u8 = 2;
/// Interrupted by Ctrl-C (128 + SIGINT).
pub const INTERRUPTED: u8 = 130;
