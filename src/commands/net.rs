//! `oncall net` (sockets) and `oncall net stats` (network health over a window):
//! flags → query → collector → renderer.

use crate::cli::{NetAction, NetArgs};
use crate::error::Error;
use crate::exit_codes;
use crate::render::{self, Ui};
use crate::system::net_stats;
use crate::system::sockets::{self, state, Query, State, StateSet};
use std::io::Write;
use std::time::Duration;

/// Set to `proc` to read /proc/net even where netlink works (tests of the fallback).
const SOURCE_ENV: &str = "ONCALL_NET_SOURCE";

pub fn run(args: NetArgs, ui: &Ui, out: &mut dyn Write) -> Result<u8, Error> {
    match args.action {
        Some(NetAction::Stats { window }) => stats(window, ui, out),
        None => sockets(&args, ui, out),
    }
}

fn sockets(args: &NetArgs, ui: &Ui, out: &mut dyn Write) -> Result<u8, Error> {
    let q = query(args)?;
    let force_proc = std::env::var(SOURCE_ENV).is_ok_and(|v| v == "proc");
    let report =
        sockets::collect_from(&q, force_proc).map_err(|e| Error::usage(&e.what, &e.error))?;
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

/// Turns the flags into a query, refusing combinations that cannot mean anything.
pub fn query(args: &NetArgs) -> Result<Query, Error> {
    let any_proto = args.tcp || args.udp || args.unix;
    let mut q = Query {
        tcp: args.tcp || !any_proto,
        udp: args.udp || !any_proto,
        unix: args.unix,
        ipv4: !args.ipv6,
        ipv6: !args.ipv4,
        states: StateSet::ALL,
        port: args.port,
        processes: args.processes,
    };
    if args.unix && (args.ipv4 || args.ipv6) {
        let flag = if args.ipv4 { "-4" } else { "-6" };
        return Err(Error::usage(
            flag,
            "UNIX sockets are neither IPv4 nor IPv6 (drop --unix, or drop the family)",
        ));
    }
    if args.unix && args.port.is_some() {
        return Err(Error::usage(
            "--port",
            "UNIX sockets have no ports (drop --unix, or drop --port)",
        ));
    }
    if let Some(text) = &args.state {
        q.states = state::parse_states(text).map_err(|why| Error::usage("--state", why))?;
    }
    // ss's -a asks for every state; with -l too (`ss -tlna`), every state it is.
    if args.listen && !args.all {
        q.states = if args.state.is_some() {
            q.states.union(Query::listen_states())
        } else {
            Query::listen_states()
        };
    }
    Ok(q)
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
    if window.is_zero() {
        return Err(Error::usage(
            "--window",
            "rates need a window longer than 0 (try 1s)",
        ));
    }
    let read = |e: std::io::Error| Error::usage("reading /proc/net", e);
    let first = net_stats::snapshot().map_err(read)?;
    std::thread::sleep(window);
    let second = net_stats::snapshot().map_err(read)?;
    let rates = net_stats::rates(&first, &second);
    render::net::stats(ui, out, &rates)?;
    Ok(exit_codes::SUCCESS)
}
