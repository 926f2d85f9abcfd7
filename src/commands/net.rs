//! `oncall net` (sockets) and `oncall net stats` (network health over a window):
//! flags → requests (request/sockets.rs, request/net_stats.rs) → renderers.

use crate::cli::{NetAction, NetArgs};
use crate::error::Error;
use crate::exit_codes;
use crate::render::{self, Ui};
use crate::request::{self, net_stats::NetStatsRequest, sockets::SocketsRequest, Span};
use crate::system::sockets::{state, Query, State, StateSet};
use std::io::Write;
use std::time::Duration;

pub fn run(args: NetArgs, ui: &Ui, out: &mut dyn Write) -> Result<u8, Error> {
    match args.action {
        Some(NetAction::Stats { window }) => stats(window, ui, out),
        None => sockets(&args, ui, out),
    }
}

fn sockets(args: &NetArgs, ui: &Ui, out: &mut dyn Write) -> Result<u8, Error> {
    let req = request(args);
    let q = req.query()?;
    let report = request::sockets::run(&req)?;
    for note in &report.notes {
        crate::render::stderr::line(format_args!("oncall: note: {note}"));
    }
    let hint = format!("same as: {}", ss_equivalent(args, &q));
    let filters = filters_text(args);
    if args.summary {
        render::net::summary_only(ui, out, &report, &hint)?;
    } else {
        render::net::sockets(ui, out, &report, q.processes, &filters, &hint)?;
    }
    // A filter that matched nothing is a failed search (as grep and pgrep); a host that
    // simply has no sockets of a kind is not.
    Ok(if report.summary.total == 0 && !filters.is_empty() {
        exit_codes::FAILURE
    } else {
        exit_codes::SUCCESS
    })
}

/// The filters as they were given (`--state close-wait --port 8080`), to say what matched
/// nothing; empty when the command lists everything of the chosen protocols.
fn filters_text(args: &NetArgs) -> String {
    let mut parts = Vec::new();
    if args.listen {
        parts.push("--listen".to_string());
    }
    if let Some(s) = &args.state {
        parts.push(format!("--state {s}"));
    }
    if let Some(p) = args.port {
        parts.push(format!("--port {p}"));
    }
    parts.join(" ")
}

/// The flags as the sockets request (request/sockets.rs validates and runs it).
pub fn request(args: &NetArgs) -> SocketsRequest {
    SocketsRequest {
        listen: args.listen,
        state: args.state.clone(),
        port: args.port,
        processes: args.processes,
        ipv4: args.ipv4,
        ipv6: args.ipv6,
        tcp: args.tcp,
        udp: args.udp,
        unix: args.unix,
        all: args.all,
    }
}

/// The `ss` command line that lists the same sockets: the hint under every table.
pub fn ss_equivalent(args: &NetArgs, q: &Query) -> String {
    if args.summary {
        return "ss -s".into();
    }
    let mut flags = String::from("-");
    if q.tcp {
        flags.push('t');
    }
    if q.udp {
        flags.push('u');
    }
    if q.unix {
        flags.push('x');
    }
    let only_listen = q.states == Query::listen_states();
    if only_listen {
        flags.push('l');
    } else if q.states == StateSet::ALL {
        flags.push('a');
    }
    flags.push('n');
    if q.processes {
        flags.push('p');
    }
    if args.ipv4 {
        flags.push('4');
    }
    if args.ipv6 {
        flags.push('6');
    }
    let mut cmd = format!("ss {flags}");
    if !only_listen && q.states != StateSet::ALL {
        for s in state::ALL.iter().filter(|s| q.states.contains(**s)) {
            cmd.push_str(" state ");
            cmd.push_str(match s {
                State::Listen => "listening",
                State::Unconn => "unconnected",
                other => other.name(),
            });
        }
    }
    if let Some(p) = q.port {
        cmd.push_str(&format!(" '( sport = :{p} or dport = :{p} )'"));
    }
    cmd
}

fn stats(window: Duration, ui: &Ui, out: &mut dyn Write) -> Result<u8, Error> {
    let rates = request::net_stats::run(&NetStatsRequest {
        window: Span(window),
    })?;
    render::net::stats(ui, out, &rates)?;
    Ok(exit_codes::SUCCESS)
}
