//! Colour for terminal output, decided once (`--color`, `NO_COLOR`, `CLICOLOR_FORCE`, tty)
//! and applied through these few named styles so that every command looks alike.

#[derive(Debug, Clone, Copy)]
pub struct Style {
    pub enabled: bool,
}

impl Style {
    fn paint(&self, code: &str, text: &str) -> String {
        if self.enabled && !text.is_empty() {
            format!("\x1b[{code}m{text}\x1b[0m")
        } else {
            text.to_string()
        }
    }

    /// Names and headings.
    pub fn bold(&self, text: &str) -> String {
        self.paint("1", text)
    }

    /// Hints and secondary detail.
    pub fn dim(&self, text: &str) -> String {
        self.paint("2", text)
    }

    /// Something to type: commands and examples.
    pub fn command(&self, text: &str) -> String {
        self.paint("36", text)
    }

    pub fn good(&self, text: &str) -> String {
        self.paint("32", text)
    }

    pub fn warn(&self, text: &str) -> String {
        self.paint("33", text)
    }

    pub fn bad(&self, text: &str) -> String {
        self.paint("31", text)
    }
}

/// Whether to colour: an explicit `always`/`never` wins; otherwise `NO_COLOR` (any
/// non-empty value) turns it off, `CLICOLOR_FORCE` (non-zero) forces it on, and else
/// colour goes to terminals only.
pub fn decide(choice: ColorChoice, is_tty: bool, env: impl Fn(&str) -> Option<String>) -> bool {
    match choice {
        ColorChoice::Always => true,
        ColorChoice::Never => false,
        ColorChoice::Auto => {
            if env("NO_COLOR").is_some_and(|v| !v.is_empty()) {
                false
            } else if env("CLICOLOR_FORCE").is_some_and(|v| !v.is_empty() && v != "0") {
                true
            } else {
                is_tty
            }
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum ColorChoice {
    Auto,
    Always,
    Never,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn env<'a>(pairs: &'a [(&'a str, &'a str)]) -> impl Fn(&str) -> Option<String> + 'a {
        move |k| {
            pairs
                .iter()
                .find(|(n, _)| *n == k)
                .map(|(_, v)| v.to_string())
        }
    }

    #[test]
    fn explicit_choice_wins() {
        assert!(decide(
            ColorChoice::Always,
            false,
            env(&[("NO_COLOR", "1")])
        ));
        assert!(!decide(
            ColorChoice::Never,
            true,
            env(&[("CLICOLOR_FORCE", "1")])
        ));
    }

    #[test]
    fn auto_follows_env_then_tty() {
        assert!(!decide(ColorChoice::Auto, true, env(&[("NO_COLOR", "1")])));
        assert!(decide(ColorChoice::Auto, true, env(&[("NO_COLOR", "")])));
        assert!(decide(
            ColorChoice::Auto,
            false,
            env(&[("CLICOLOR_FORCE", "1")])
        ));
        assert!(!decide(
            ColorChoice::Auto,
            false,
            env(&[("CLICOLOR_FORCE", "0")])
        ));
        assert!(!decide(ColorChoice::Auto, false, env(&[])));
    }
}
