//! The one error type commands return. `main` prints it as one line,
//! `oncall: <what>: <why>`, and exits with its code.

use crate::exit_codes;
use std::fmt;
use std::io;

#[derive(Debug)]
pub enum Error {
    /// Bad input: the user can fix it. Exit 2.
    Usage(String),
    /// Writing the output failed; a closed pipe is not reported (see `is_broken_pipe`).
    Io(io::Error),
    /// Ctrl-C. Exit 130.
    Interrupted,
}

impl Error {
    pub fn usage(what: impl fmt::Display, why: impl fmt::Display) -> Error {
        Error::Usage(format!("{what}: {why}"))
    }

    pub fn exit_code(&self) -> u8 {
        match self {
            Error::Usage(_) => exit_codes::USAGE,
            Error::Io(_) => exit_codes::FAILURE,
            Error::Interrupted => exit_codes::INTERRUPTED,
        }
    }

    /// `oncall cheat tar | head -1` closes our stdout early: that is not an error.
    pub fn is_broken_pipe(&self) -> bool {
        matches!(self, Error::Io(e) if e.kind() == io::ErrorKind::BrokenPipe)
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::Usage(m) => f.write_str(m),
            Error::Io(e) => write!(f, "writing output: {e}"),
            Error::Interrupted => f.write_str("interrupted"),
        }
    }
}

impl From<io::Error> for Error {
    fn from(e: io::Error) -> Error {
        Error::Io(e)
    }
}
