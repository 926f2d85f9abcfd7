//! Parses arguments, builds the output context, dispatches, and maps errors to exit codes.

use clap::{CommandFactory, FromArgMatches};
use oncall::cli::{self, CheatCli, Cli};
use oncall::exit_codes;
use oncall::render::stderr;
use oncall::render::terminal_guard::TerminalGuard;
use oncall::render::{ColorChoice, Format, Ui};
use std::io::{self, BufWriter, IsTerminal, Write};
use std::process::ExitCode;

fn main() -> ExitCode {
    let cli = match parse() {
        Ok(cli) => cli,
        Err(e) => return ExitCode::from(clap_error(e, nagios_requested())),
    };
    // The MCP server writes protocol messages to stdout from its own threads: stdout must
    // not be locked (nor guarded) here for it.
    if matches!(cli.command, cli::Command::Mcp(_)) {
        return finish(cli::run(
            cli,
            &Ui::new(Format::Json, ColorChoice::Never, false),
            &mut io::sink(),
        ));
    }
    let ui = Ui::new(cli.global.format(), cli.global.color, !cli.global.no_hints);
    let stdout = io::stdout();
    // On a terminal, text oncall does not control (logs, headers, names) is shown, not obeyed.
    let sink: Box<dyn Write> = if ui.terminal {
        Box::new(TerminalGuard::new(stdout.lock()))
    } else {
        Box::new(stdout.lock())
    };
    let mut out = BufWriter::new(sink);
    let result = cli::run(cli, &ui, &mut out).and_then(|code| {
        out.flush()?;
        Ok(code)
    });
    finish(result)
}

/// The exit code for a result; an error is one `oncall: …` line on stderr.
fn finish(result: Result<u8, oncall::error::Error>) -> ExitCode {
    match result {
        Ok(code) => ExitCode::from(code),
        // `oncall cheat tar | head -1`: the reader left; end quietly.
        Err(e) if e.is_broken_pipe() => ExitCode::from(exit_codes::SUCCESS),
        Err(e) => {
            // Drop what is buffered: after an error, half a report helps nobody.
            // Guarded on a terminal: the message may echo a file name or a bad value.
            stderr::line(format_args!("oncall: {e}"));
            ExitCode::from(e.exit_code())
        }
    }
}

/// Parses the command line. `oncall cheat …` takes a fast path that builds only the cheat
/// command's parser: the cheat sheet must answer in a couple of milliseconds.
fn parse() -> Result<Cli, clap::Error> {
    let args: Vec<std::ffi::OsString> = std::env::args_os().collect();
    if args.get(1).is_some_and(|a| a == "cheat") {
        return parse_with::<CheatCli>(&args).map(Cli::from);
    }
    parse_with::<Cli>(&args)
}

fn parse_with<T: CommandFactory + FromArgMatches>(
    args: &[std::ffi::OsString],
) -> Result<T, clap::Error> {
    let mut command = T::command();
    let parsed = command
        .try_get_matches_from_mut(args)
        .and_then(|m| T::from_arg_matches(&m));
    // The process is about to end anyway: skip tearing the parser down.
    std::mem::forget(command);
    parsed
}

/// `oncall probe … --nagios`: Nagios reads bad input as UNKNOWN (3) from stdout, even when
/// it is the parser that rejects a value (`--timeout soon`).
fn nagios_requested() -> bool {
    // `--nagios` exists only on `probe`; global flags may come before the command name.
    let args: Vec<_> = std::env::args_os().skip(1).collect();
    args.iter().any(|a| a == "probe") && args.iter().any(|a| a == "--nagios")
}

/// Help and version go to stdout with exit 0; a usage error is one line on stderr, exit 2
/// (or, for a Nagios check, the UNKNOWN line on stdout and exit 3).
fn clap_error(e: clap::Error, nagios: bool) -> u8 {
    use clap::error::ErrorKind;
    match e.kind() {
        ErrorKind::DisplayHelp
        | ErrorKind::DisplayVersion
        | ErrorKind::DisplayHelpOnMissingArgumentOrSubcommand => {
            let _ = e.print();
            if e.kind() == ErrorKind::DisplayHelpOnMissingArgumentOrSubcommand {
                exit_codes::USAGE
            } else {
                exit_codes::SUCCESS
            }
        }
        _ => {
            let text = e.render().to_string();
            let first = first_paragraph(&text);
            let tip = text
                .lines()
                .find(|l| l.trim_start().starts_with("tip:"))
                .map(|t| format!(" ({})", t.trim()))
                .unwrap_or_default();
            // A missing argument is only clear with the command it is missing from.
            let usage = match e.kind() {
                ErrorKind::MissingRequiredArgument | ErrorKind::MissingSubcommand => text
                    .lines()
                    .find_map(|l| l.trim().strip_prefix("Usage: "))
                    .map(|u| format!(" (usage: {u})"))
                    .unwrap_or_default(),
                _ => String::new(),
            };
            let tip = format!("{usage}{tip}");
            if nagios {
                let line = format!("{first}{tip}").replace('|', "/");
                // The bad value is echoed: on a terminal it goes through the guard, as all
                // of stdout does once the command runs.
                let stdout = io::stdout();
                let _ = if stdout.is_terminal() {
                    writeln!(TerminalGuard::new(stdout.lock()), "PROBE UNKNOWN - {line}")
                } else {
                    writeln!(stdout.lock(), "PROBE UNKNOWN - {line}")
                };
                return oncall::render::probe::NagiosState::Unknown as u8;
            }
            stderr::line(format_args!("oncall: {first}{tip}"));
            exit_codes::USAGE
        }
    }
}

/// clap's message up to the first blank line, as one line: "the following required arguments
/// were not provided:" is followed by the list on lines of its own, which must not be lost.
fn first_paragraph(text: &str) -> String {
    let lines: Vec<&str> = text
        .lines()
        .skip_while(|l| l.trim().is_empty())
        .take_while(|l| !l.trim().is_empty())
        .map(str::trim)
        .collect();
    if lines.is_empty() {
        return "invalid arguments".into();
    }
    lines.join(" ").trim_start_matches("error: ").to_string()
}
