//! Every command and flag of `oncall` (DESIGN.md's public interface), and the wiring from
//! parsed arguments to the command that runs them.

use crate::commands;
use crate::duration;
use crate::error::Error;
use crate::render::{ColorChoice, Format, Ui};
use clap::{Args, Parser, Subcommand, ValueEnum};
use std::ffi::OsString;
use std::io::Write;
use std::path::PathBuf;
use std::time::Duration;

const ABOUT: &str = "The on-call engineer's toolkit: an offline Linux cheat sheet and native, read-only diagnostics";

const EXAMPLES: &str = "\
Examples:
  oncall cheat tar                      one entry: examples, flags, see also
  oncall cheat port already in use      ranked search; runbooks that match
  oncall cheat --explain 'tar -xzvf a.tgz -C /tmp'
  oncall cheat --runbook disk full      ordered steps for a symptom
  oncall triage                         the first 60 seconds on this host

Exit codes: 0 ok, 1 ran and found a failure, 2 usage or input error, 130 interrupted.
A filter or query that matched nothing exits 1 (as grep and pgrep); an empty listing exits 0.";

/// The one rule for "nothing matched", under the help of every command that filters.
const NO_MATCH_EXIT: &str = "\
Exit codes: a filter or query that matched nothing exits 1 (as grep and pgrep), and says so in
one line; an empty listing without a filter (ps --top 0) exits 0. 2 usage or input error.";

#[derive(Debug, Parser)]
#[command(name = "oncall", version, about = ABOUT, after_help = EXAMPLES, max_term_width = 100)]
pub struct Cli {
    #[command(flatten)]
    pub global: GlobalArgs,
    #[command(subcommand)]
    pub command: Command,
}

/// The cheat sheet alone, for the start-up fast path: `oncall cheat …` is parsed against
/// this instead of the whole tree of commands, which clap would otherwise build (about a
/// third of a lookup's time). Same name, same global flags, same `CheatArgs`.
#[derive(Debug, Parser)]
#[command(name = "oncall", version, about = ABOUT, max_term_width = 100)]
pub struct CheatCli {
    #[command(flatten)]
    pub global: GlobalArgs,
    #[command(subcommand)]
    pub command: CheatOnly,
}

#[derive(Debug, Subcommand)]
pub enum CheatOnly {
    /// Search the offline cheat sheet, explain a command line, or follow a runbook
    #[command(after_help = CHEAT_EXAMPLES)]
    Cheat(CheatArgs),
}

impl From<CheatCli> for Cli {
    fn from(c: CheatCli) -> Cli {
        let CheatOnly::Cheat(args) = c.command;
        Cli {
            global: c.global,
            command: Command::Cheat(args),
        }
    }
}

const CHEAT_EXAMPLES: &str = "Examples:
  oncall cheat tar
  oncall cheat jounralctl            (typos are forgiven)
  oncall cheat -c networking
  oncall cheat --safe ss
  oncall cheat --explain 'ss -tlnp | grep 8080'
  oncall cheat --runbook 'too many open files'

Exit codes: a query that matched nothing exits 1 (only a runbook matching is a match);
2 usage or input error.";

#[derive(Debug, Args)]
pub struct GlobalArgs {
    /// Output JSON (same as --format json)
    #[arg(long, global = true, conflicts_with = "format")]
    pub json: bool,
    /// Output format
    #[arg(long, global = true, value_enum, value_name = "FORMAT")]
    pub format: Option<Format>,
    /// When to colour output (NO_COLOR and CLICOLOR_FORCE are honoured under auto)
    #[arg(long, global = true, value_enum, default_value_t = ColorChoice::Auto, value_name = "WHEN")]
    pub color: ColorChoice,
    /// Do not print the "classic equivalent" and next-step hints
    #[arg(long, global = true)]
    pub no_hints: bool,
}

impl GlobalArgs {
    pub fn format(&self) -> Format {
        if self.json {
            Format::Json
        } else {
            self.format.unwrap_or(Format::Table)
        }
    }
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Search the offline cheat sheet, explain a command line, or follow a runbook
    #[command(after_help = CHEAT_EXAMPLES)]
    Cheat(CheatArgs),
    /// Processes: CPU% over a sampling window, memory, state, threads, fds, I/O (ps, top, pidstat)
    #[command(after_help = NO_MATCH_EXIT)]
    Ps(PsArgs),
    /// Memory as free computes it, swap, PSI, top consumers, OOM kills, cgroup limits (free, vmstat)
    Mem(MemArgs),
    /// Filesystems: size, used, avail, inodes, read-only; never hangs on a dead mount (df -h, df -i)
    Disk(DiskArgs),
    /// Sockets: TCP/UDP/UNIX, listeners, states, owning processes (ss -tanp, netstat)
    #[command(after_help = NO_MATCH_EXIT)]
    Net(NetArgs),
    /// Search, follow and summarise logs, rotated and compressed ones too (grep, tail -F)
    #[command(
        after_help = "Exit codes: logs grep that matched nothing exits 1 (as grep); logs top
with no error or warning line exits 0 (nothing wrong found). 2 usage or input error."
    )]
    Logs(LogsArgs),
    /// Health-probe HTTP(S), TCP and gRPC endpoints, load balancers and gateways (curl -w)
    #[command(after_help = "Examples:
  oncall probe https://api.example.com/health --expect-json /status=UP --max-latency 300ms
  oncall probe tcp://db:5432 grpc://orders:50051/orders.Orders --targets fleet.txt
  oncall probe https://web/ --each-ip --min-cert-days 14
  oncall probe --balancer 30 http://lb/ --backend-header X-Served-By
  oncall probe --gateway https://api/v1/items --bearer \"$TOKEN\" --origin https://app.example
  oncall probe https://api/health --format prometheus      (blackbox_exporter names)
  oncall probe https://api/health --nagios                 (0 OK, 1 WARNING, 2 CRITICAL, 3 UNKNOWN)

Exit codes: 0 every target passed, 1 a check failed, 2 bad input.")]
    Probe(Box<ProbeArgs>),
    /// The first 60 seconds on this host in one report, findings ranked by severity
    Triage(TriageArgs),
    /// Prometheus exporter: triage findings and numbers on /metrics, blackbox_exporter's /probe
    #[command(after_help = "Examples:
  oncall serve                                      /metrics on 127.0.0.1:9199
  oncall serve --config.file /etc/prometheus/blackbox.yml --probe.allow 10.0.0.0/8,*.svc
  curl '127.0.0.1:9199/probe?target=http://10.0.0.5/health&module=http_2xx'

A blackbox.yml key oncall does not support is an error (exit 2) that names it.")]
    Serve(ServeArgs),
    /// Prometheus alerting rules over `oncall serve`'s metrics, one per triage rule
    #[command(after_help = "Examples:
  oncall rules prometheus                           YAML for Prometheus' rule_files
  oncall rules prometheus --for 5m --json

`promtool check rules` is clean on the output.")]
    Rules(RulesArgs),
    /// MCP server (stdio, or Streamable HTTP): the read-only diagnostics, cheat sheet and runbooks as tools for AI assistants
    #[command(after_help = "Examples:
  oncall mcp                                   stdio; register it with your MCP client
  oncall mcp --allow-path /srv/app/logs        logs and disk usage there too (default /var/log)
  oncall mcp --http 127.0.0.1:8765             Streamable HTTP at /mcp; a bearer token on stderr

No tool runs a program or writes anything. Paths outside the allowed directories, link-local
and cloud metadata addresses are refused; host text is cleaned and marked untrusted.")]
    Mcp(McpArgs),
    /// Print shell completions
    Completions {
        /// The shell to complete for
        #[arg(value_enum)]
        shell: clap_complete::Shell,
    },
}

#[derive(Debug, Args)]
pub struct RulesArgs {
    #[command(subcommand)]
    pub action: RulesAction,
}

#[derive(Debug, Subcommand)]
pub enum RulesAction {
    /// Alerting rules: each finding of a triage rule as an alert with its severity and runbook
    Prometheus(RulesPrometheusArgs),
}

#[derive(Debug, Args)]
pub struct RulesPrometheusArgs {
    /// How long a finding must hold before its alert fires (pending until then)
    #[arg(long = "for", default_value = "1m", value_parser = duration::parse, value_name = "DURATION")]
    pub for_: Duration,
}

#[derive(Debug, Args, Default)]
pub struct CheatArgs {
    /// Command name or words to search for
    pub query: Vec<String>,
    /// List every command of a category
    #[arg(short = 'c', long, value_name = "CATEGORY")]
    pub category: Option<String>,
    /// List the categories with their counts
    #[arg(long)]
    pub categories: bool,
    /// Explain each token of a pasted command line
    #[arg(long, value_name = "CMDLINE", allow_hyphen_values = true)]
    pub explain: Option<String>,
    /// A symptom's runbook; without a symptom, the list of runbooks
    #[arg(long, value_name = "SYMPTOM", num_args = 0..=1, default_missing_value = "")]
    pub runbook: Option<String>,
    /// Only examples that change nothing on the host
    #[arg(long)]
    pub safe: bool,
    /// A tldr-pages checkout or cache to search beside the sheet (default: a tldr client's cache)
    #[arg(long, value_name = "DIR")]
    pub tldr: Option<std::path::PathBuf>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum PsSort {
    Cpu,
    Mem,
    Io,
    Fds,
    Pid,
    Start,
}

#[derive(Debug, Args)]
pub struct PsArgs {
    /// Sampling window for CPU% and I/O rates (0 = lifetime averages, as ps)
    #[arg(long, default_value = "500ms", value_parser = duration::parse, value_name = "DURATION")]
    pub window: Duration,
    /// Sort order
    #[arg(long, value_enum, default_value_t = PsSort::Cpu)]
    pub sort: PsSort,
    /// How many processes to show (default 20 in a table, all in JSON)
    #[arg(long, value_name = "N")]
    pub top: Option<usize>,
    /// Only processes of this user
    #[arg(long, value_name = "USER")]
    pub user: Option<String>,
    /// Only processes in these states (letters of R, S, D, Z, T, t, I, P; e.g. DZ)
    #[arg(long, value_name = "STATE")]
    pub state: Option<String>,
    /// Only processes whose name or command line matches
    #[arg(long, value_name = "REGEX")]
    pub grep: Option<String>,
    /// Show the process tree
    #[arg(long)]
    pub tree: bool,
    /// Only these process ids
    #[arg(long, value_name = "PID", value_delimiter = ',')]
    pub pid: Vec<u32>,
    /// Only processes in this container (its name, or a prefix of its id)
    #[arg(long, value_name = "NAME|ID")]
    pub container: Option<String>,
    /// Only processes in this Kubernetes pod (NAME, NAMESPACE/NAME, or a prefix of its UID)
    #[arg(long, value_name = "NAME")]
    pub pod: Option<String>,
    /// Only processes in this systemd unit (nginx or nginx.service)
    #[arg(long, value_name = "UNIT")]
    pub unit: Option<String>,
    /// One row per container, pod or unit: the cgroup's own CPU, memory, limit, throttling,
    /// OOM kills (docker stats, crictl stats, systemd-cgtop)
    #[arg(long, value_enum, value_name = "GROUP")]
    pub by: Option<PsBy>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum PsBy {
    Container,
    Pod,
    Unit,
}

#[derive(Debug, Args)]
pub struct MemArgs {
    /// How many top consumers to show
    #[arg(long, default_value_t = 10, value_name = "N")]
    pub top: usize,
}

#[derive(Debug, Args)]
pub struct DiskArgs {
    #[command(subcommand)]
    pub action: Option<DiskAction>,
    /// Include pseudo filesystems (proc, sysfs, cgroup, …)
    #[arg(long)]
    pub all: bool,
    /// Time allowed per mount before it is shown as not responding (above 0)
    #[arg(long, default_value = "2s", value_parser = duration::parse_nonzero, value_name = "DURATION")]
    pub timeout: Duration,
}

#[derive(Debug, Subcommand)]
pub enum DiskAction {
    /// What fills PATH: totals, largest directories and files (du -xsh, ncdu)
    Usage {
        /// Directory to measure
        #[arg(default_value = ".")]
        path: PathBuf,
        /// Stay on one filesystem
        #[arg(short = 'x', long = "one-file-system")]
        one_file_system: bool,
        /// How many of the largest directories and files to list
        #[arg(long, default_value_t = 10, value_name = "N")]
        top: usize,
    },
    /// Deleted files still held open, by process, with the space they pin (lsof +L1)
    Deleted,
}

#[derive(Debug, Args)]
pub struct NetArgs {
    #[command(subcommand)]
    pub action: Option<NetAction>,
    /// Listening sockets only
    #[arg(short = 'l', long)]
    pub listen: bool,
    /// Only sockets in this state (established, time-wait, listen, …)
    #[arg(long, value_name = "STATE")]
    pub state: Option<String>,
    /// Only sockets with this local or remote port
    #[arg(long, value_name = "PORT")]
    pub port: Option<u16>,
    /// Show the owning process of each socket
    #[arg(short = 'p', long)]
    pub processes: bool,
    /// IPv4 only
    #[arg(short = '4', conflicts_with = "ipv6")]
    pub ipv4: bool,
    /// IPv6 only
    #[arg(short = '6')]
    pub ipv6: bool,
    /// TCP sockets
    #[arg(short = 't', long)]
    pub tcp: bool,
    /// UDP sockets
    #[arg(short = 'u', long)]
    pub udp: bool,
    /// UNIX sockets
    #[arg(short = 'x', long)]
    pub unix: bool,
    /// Sockets in every state, listening ones included (the default; wins over -l, as in ss -la)
    #[arg(short = 'a', long)]
    pub all: bool,
    /// Numeric addresses and ports: always so, accepted because ss users type it (-tulpn)
    #[arg(short = 'n', long)]
    pub numeric: bool,
    /// Only the summary counts (ss -s)
    #[arg(short = 's', long)]
    pub summary: bool,
}

#[derive(Debug, Subcommand)]
pub enum NetAction {
    /// Interface throughput and errors, TCP retransmits, resets, listen overflows (sar -n)
    Stats {
        /// Sampling window
        #[arg(long, default_value = "1s", value_parser = duration::parse, value_name = "DURATION")]
        window: Duration,
    },
}

#[derive(Debug, Args)]
pub struct LogsArgs {
    #[command(subcommand)]
    pub action: LogsAction,
}

#[derive(Debug, Subcommand)]
pub enum LogsAction {
    /// Search logs, rotated sets and .gz/.zst included (grep, zgrep, rg)
    #[command(after_help = NO_MATCH_EXIT)]
    Grep(LogsGrepArgs),
    /// Print the last lines; -f follows across rotation and truncation (tail -F)
    Tail(LogsTailArgs),
    /// Top error signatures with counts and first/last seen
    Top(LogsTopArgs),
}

#[derive(Debug, Args)]
pub struct LogsGrepArgs {
    /// Pattern (a regex unless -F); optional with --level or --field, where a first operand
    /// that is an existing file (or a directory written with a /) is a path, and with a
    /// journal flag (every entry it selects)
    #[arg(required_unless_present_any = [
        "regexp", "level", "field", "journal", "units", "user_units", "priority", "dmesg", "boot",
        "identifiers", "journal_dir", "journal_file", "namespace",
    ])]
    pub pattern: Option<OsString>,
    /// Files or directories (default /var/log; the journal where there is no syslog file);
    /// with the journal, journalctl's FIELD=VALUE matches ('+' between groups)
    pub paths: Vec<PathBuf>,
    /// More patterns; each is counted on its own with --count
    #[arg(short = 'e', long = "regexp", value_name = "PATTERN")]
    pub regexp: Vec<OsString>,
    /// Patterns are literal strings
    #[arg(short = 'F', long)]
    pub fixed_strings: bool,
    /// Case-insensitive
    #[arg(short = 'i', long)]
    pub ignore_case: bool,
    /// Whole words only
    #[arg(short = 'w', long)]
    pub word_regexp: bool,
    /// Lines that do not match
    #[arg(short = 'v', long)]
    pub invert_match: bool,
    /// Lines of context around each match (journal: entries)
    #[arg(short = 'C', long, value_name = "N")]
    pub context: Option<usize>,
    /// Lines of context after each match (journal: entries)
    #[arg(short = 'A', long, value_name = "N")]
    pub after_context: Option<usize>,
    /// Lines of context before each match (journal: entries)
    #[arg(short = 'B', long, value_name = "N")]
    pub before_context: Option<usize>,
    /// Print counts of matching lines
    #[arg(short = 'c', long)]
    pub count: bool,
    /// Number each line (the default on a terminal and with --json; into a pipe, as rg,
    /// only when asked)
    #[arg(short = 'n', long, overrides_with = "no_line_number")]
    pub line_number: bool,
    /// Never number lines
    #[arg(short = 'N', long, overrides_with = "line_number")]
    pub no_line_number: bool,
    /// Print only the names of files with a match
    #[arg(short = 'l', long)]
    pub files_with_matches: bool,
    /// Stop after N matches per file
    #[arg(short = 'm', long, value_name = "N")]
    pub max_count: Option<u64>,
    /// Only lines at or after this time (RFC 3339, '2026-11-27 14:00', 30m, 2h, yesterday)
    #[arg(long, value_name = "TIME", allow_hyphen_values = true)]
    pub since: Option<String>,
    /// Only lines before this time
    #[arg(long, value_name = "TIME", allow_hyphen_values = true)]
    pub until: Option<String>,
    /// Only lines at this level or worse
    #[arg(long, value_enum)]
    pub level: Option<LogLevel>,
    /// For JSON lines: only lines whose field equals the value
    #[arg(long, value_name = "KEY=VALUE")]
    pub field: Vec<String>,
    #[command(flatten)]
    pub journal: Box<JournalArgs>,
    /// Only the logs of this Kubernetes pod's containers (NAME or NAMESPACE/NAME; /var/log/pods)
    #[arg(long, value_name = "NAME")]
    pub pod: Option<String>,
    /// Only the logs of this container (kubelet's, or Docker's json-file by name or id)
    #[arg(long, value_name = "NAME")]
    pub container: Option<String>,
}

/// The systemd journal as the source, with journalctl's selectors: any of these flags reads
/// the journal instead of text files.
#[derive(Debug, Clone, Default, Args)]
pub struct JournalArgs {
    /// Read the systemd journal (implied by every journal flag)
    #[arg(long, help_heading = "Journal")]
    pub journal: bool,
    /// Messages of this unit (no suffix means .service; globs; repeatable, OR'ed)
    #[arg(
        short = 'u',
        long = "unit",
        value_name = "UNIT",
        help_heading = "Journal"
    )]
    pub units: Vec<String>,
    /// Messages of this user unit of the user running oncall, as journalctl --user-unit
    /// (no suffix means .service; globs; repeatable, OR'ed with -u)
    #[arg(long = "user-unit", value_name = "UNIT", help_heading = "Journal")]
    pub user_units: Vec<String>,
    /// This priority and worse, or a range: err, 3, warning..err
    #[arg(short = 'p', long, value_name = "PRIORITY", help_heading = "Journal")]
    pub priority: Option<String>,
    /// Kernel messages of the current boot (journalctl -k)
    #[arg(
        short = 'k',
        long = "dmesg",
        visible_alias = "kernel",
        help_heading = "Journal"
    )]
    pub dmesg: bool,
    /// Boot: 0 or none the current one, -1 the one before, 1 the first, an ID, or all
    #[arg(
        short = 'b',
        long,
        value_name = "BOOT",
        num_args = 0..=1,
        default_missing_value = "0",
        allow_negative_numbers = true,
        help_heading = "Journal"
    )]
    pub boot: Option<String>,
    /// Messages with this syslog identifier (repeatable)
    #[arg(
        short = 't',
        long = "identifier",
        value_name = "ID",
        help_heading = "Journal"
    )]
    pub identifiers: Vec<String>,
    /// Journal files of this directory (a copy from another host; journalctl -D)
    #[arg(long = "journal-dir", value_name = "DIR", help_heading = "Journal")]
    pub journal_dir: Vec<PathBuf>,
    /// Journal files matching this glob (journalctl --file)
    #[arg(long = "journal-file", value_name = "GLOB", help_heading = "Journal")]
    pub journal_file: Vec<String>,
    /// A journal namespace: NS, +NS (with the default one) or * (every one)
    #[arg(long, value_name = "NS", help_heading = "Journal")]
    pub namespace: Option<String>,
    /// How journal entries are shown (journalctl -o); --json gives oncall's JSON Lines
    #[arg(
        short = 'o',
        long = "output",
        value_enum,
        value_name = "FORMAT",
        help_heading = "Journal"
    )]
    pub output: Option<JournalOutput>,
}

impl JournalArgs {
    /// Whether any flag asks for the journal.
    pub fn wanted(&self) -> bool {
        self.journal
            || !self.units.is_empty()
            || !self.user_units.is_empty()
            || self.priority.is_some()
            || self.dmesg
            || self.boot.is_some()
            || !self.identifiers.is_empty()
            || !self.journal_dir.is_empty()
            || !self.journal_file.is_empty()
            || self.namespace.is_some()
            || self.output.is_some()
    }
}

/// journalctl -o's modes: the request layer's (`request::logs_journal`).
pub use crate::request::logs_journal::JournalOutput;

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum LogLevel {
    Error,
    Warn,
    Info,
    Debug,
}

#[derive(Debug, Args)]
pub struct LogsTailArgs {
    /// Files to read (default /var/log/syslog or /var/log/messages, else the journal); with
    /// the journal, journalctl's FIELD=VALUE matches ('+' between groups)
    pub paths: Vec<PathBuf>,
    /// Number of lines
    #[arg(short = 'n', long, default_value_t = 10, value_name = "N")]
    pub lines: usize,
    /// Follow by name across rotation and truncation
    #[arg(short = 'f', long)]
    pub follow: bool,
    /// Only lines matching this pattern
    #[arg(long, value_name = "PATTERN")]
    pub grep: Option<String>,
    /// The journal's boots, oldest first, with their offsets for -b (journalctl --list-boots)
    #[arg(long, help_heading = "Journal", conflicts_with_all = ["follow", "grep"])]
    pub list_boots: bool,
    /// Journal only: entries at or after this time (journalctl's forms too: -1h, yesterday)
    #[arg(long, value_name = "TIME", allow_hyphen_values = true)]
    pub since: Option<String>,
    /// Journal only: entries up to this time
    #[arg(long, value_name = "TIME", allow_hyphen_values = true)]
    pub until: Option<String>,
    #[command(flatten)]
    pub journal: Box<JournalArgs>,
    /// Only the logs of this Kubernetes pod's containers (NAME or NAMESPACE/NAME; /var/log/pods)
    #[arg(long, value_name = "NAME")]
    pub pod: Option<String>,
    /// Only the logs of this container (kubelet's, or Docker's json-file by name or id)
    #[arg(long, value_name = "NAME")]
    pub container: Option<String>,
}

#[derive(Debug, Args)]
pub struct LogsTopArgs {
    /// Files or directories (default /var/log; the journal where there is no syslog file)
    pub paths: Vec<PathBuf>,
    /// Only lines at or after this time
    #[arg(long, value_name = "TIME", allow_hyphen_values = true)]
    pub since: Option<String>,
    /// How many signatures
    #[arg(long, default_value_t = 10, value_name = "N")]
    pub top: usize,
    #[command(flatten)]
    pub journal: Box<JournalArgs>,
    /// Only the logs of this Kubernetes pod's containers (NAME or NAMESPACE/NAME; /var/log/pods)
    #[arg(long, value_name = "NAME")]
    pub pod: Option<String>,
    /// Only the logs of this container (kubelet's, or Docker's json-file by name or id)
    #[arg(long, value_name = "NAME")]
    pub container: Option<String>,
}

#[derive(Debug, Args)]
pub struct ProbeArgs {
    /// http(s)://…, tcp://host:port or grpc(s)://host:port[/service]
    pub targets: Vec<String>,
    /// Read targets from a file, one per line (each may add its own --expect-… checks)
    #[arg(long = "targets", value_name = "FILE")]
    pub targets_file: Option<PathBuf>,
    /// Targets probed at once
    #[arg(long, default_value_t = 32, value_name = "N")]
    pub concurrency: usize,
    /// IPv4 only
    #[arg(short = '4', conflicts_with = "ipv6")]
    pub ipv4: bool,
    /// IPv6 only
    #[arg(short = '6')]
    pub ipv6: bool,
    /// Probe every address the name resolves to
    #[arg(long)]
    pub each_ip: bool,
    /// Use these addresses for HOST:PORT instead of DNS, as curl's --resolve
    #[arg(long, value_name = "HOST:PORT:ADDR[,ADDR…]")]
    pub resolve: Vec<String>,
    /// Do not verify TLS certificates (the output says so)
    #[arg(long)]
    pub insecure: bool,
    /// Trust this CA bundle
    #[arg(long, value_name = "FILE")]
    pub cacert: Option<PathBuf>,
    /// Redirects to follow
    #[arg(long, default_value_t = 5, value_name = "N")]
    pub max_redirects: usize,
    /// Time allowed to connect
    #[arg(long, default_value = "5s", value_parser = duration::parse, value_name = "DURATION")]
    pub connect_timeout: Duration,
    /// Time allowed for the whole probe
    #[arg(long, default_value = "10s", value_parser = duration::parse, value_name = "DURATION")]
    pub timeout: Duration,
    /// Accepted status codes (default 200-399)
    #[arg(long, value_name = "CODES")]
    pub expect_status: Option<String>,
    /// The body must match this regex
    #[arg(long, value_name = "REGEX")]
    pub expect_body: Option<String>,
    /// A JSON pointer must equal a value, e.g. /status=UP
    #[arg(long, value_name = "POINTER=VALUE")]
    pub expect_json: Vec<String>,
    /// A header must match, e.g. 'Content-Type: json'
    #[arg(long, value_name = "NAME: REGEX")]
    pub expect_header: Vec<String>,
    /// Fail when slower than this
    #[arg(long, value_parser = duration::parse, value_name = "DURATION")]
    pub max_latency: Option<Duration>,
    /// Fail when a certificate expires in fewer days
    #[arg(long, value_name = "DAYS")]
    pub min_cert_days: Option<i64>,
    /// Retries before a target counts as failed
    #[arg(long, default_value_t = 0, value_name = "N")]
    pub retries: u32,
    /// Pause between retries
    #[arg(long, default_value = "1s", value_parser = duration::parse, value_name = "DURATION")]
    pub interval: Duration,
    /// Consecutive failures before unhealthy (as Kubernetes)
    #[arg(long, default_value_t = 1, value_name = "N")]
    pub failure_threshold: u32,
    /// Consecutive successes before healthy (as Kubernetes)
    #[arg(long, default_value_t = 1, value_name = "N")]
    pub success_threshold: u32,
    /// Repeat every SECONDS until Ctrl-C, printing state changes
    #[arg(long, value_parser = duration::parse, value_name = "SECONDS")]
    pub watch: Option<Duration>,
    /// Nagios plugin output and exit codes (0 OK, 1 WARNING, 2 CRITICAL, 3 UNKNOWN)
    #[arg(long)]
    pub nagios: bool,
    /// Send N requests and report which backend answered each
    #[arg(long, value_name = "N")]
    pub balancer: Option<usize>,
    /// Keep connections alive between balancer requests
    #[arg(long)]
    pub reuse: bool,
    /// Header that names the backend
    #[arg(long, value_name = "NAME")]
    pub backend_header: Option<String>,
    /// JSON body field that names the backend
    #[arg(long, value_name = "POINTER")]
    pub backend_field: Option<String>,
    /// Cookie that names the backend
    #[arg(long, value_name = "NAME")]
    pub backend_cookie: Option<String>,
    /// Check gateway behaviour: auth challenge, rate limits, CORS
    #[arg(long)]
    pub gateway: bool,
    /// Extra request header (values are never printed)
    #[arg(short = 'H', long = "header", value_name = "NAME: VALUE")]
    pub headers: Vec<String>,
    /// Bearer token, or @FILE to read it from a file (never printed; a JWT is decoded, not verified)
    #[arg(long, value_name = "TOKEN")]
    pub bearer: Option<String>,
    /// Origin for a CORS preflight
    #[arg(long, value_name = "ORIGIN")]
    pub origin: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Severity {
    Warning,
    Critical,
}

#[derive(Debug, Args)]
pub struct TriageArgs {
    /// One sampling window over all collectors
    #[arg(long, default_value = "1s", value_parser = duration::parse, value_name = "DURATION")]
    pub window: Duration,
    /// Logs to scan for error bursts (default /var/log)
    #[arg(long, value_name = "PATH", num_args = 1..)]
    pub logs: Vec<PathBuf>,
    /// Journal directory to scan for error bursts per unit (default this machine's journal)
    #[arg(long = "journal-dir", value_name = "DIR")]
    pub journal_dir: Vec<PathBuf>,
    /// Health probes to add
    #[arg(long, value_name = "TARGET", num_args = 1..)]
    pub probe: Vec<String>,
    /// Exit 1 when a finding at this level or above exists
    #[arg(long, value_enum)]
    pub fail_on: Option<Severity>,
}

#[derive(Debug, Args)]
pub struct ServeArgs {
    /// Address to listen on (loopback by default; without --web.config.file, no authentication)
    #[arg(
        long = "web.listen-address",
        default_value = "127.0.0.1:9199",
        value_name = "ADDR:PORT"
    )]
    pub listen: std::net::SocketAddr,
    /// Length of each triage window; /metrics answers from the last complete one
    #[arg(long, default_value = "15s", value_parser = duration::parse, value_name = "DURATION")]
    pub interval: Duration,
    /// blackbox_exporter modules for /probe (blackbox.yml's format)
    #[arg(long = "config.file", value_name = "FILE")]
    pub config_file: Option<PathBuf>,
    /// Targets /probe may reach: CIDRs and host globs, comma-separated or repeated
    #[arg(long = "probe.allow", value_name = "CIDR|GLOB")]
    pub probe_allow: Vec<String>,
    /// Probes running at once; more get 503
    #[arg(long = "probe.concurrency", default_value_t = 32, value_name = "N")]
    pub probe_concurrency: usize,
    /// TLS and basic auth (bcrypt) in the Prometheus exporter-toolkit's web config format
    #[arg(long = "web.config.file", value_name = "FILE")]
    pub web_config: Option<PathBuf>,
    /// Logs to watch for error bursts (default /var/log)
    #[arg(long, value_name = "PATH", num_args = 1..)]
    pub logs: Vec<PathBuf>,
}

#[derive(Debug, Args)]
pub struct McpArgs {
    /// Another directory logs and disk usage may be read under (besides /var/log and the journal)
    #[arg(long, value_name = "DIR")]
    pub allow_path: Vec<PathBuf>,
    /// Targets probes may reach although link-local or metadata: CIDRs, comma-separated or repeated
    #[arg(long, value_name = "CIDR")]
    pub allow_target: Vec<String>,
    /// The most bytes of one tool result (lists are paged to fit)
    #[arg(long, default_value_t = 24 * 1024, value_name = "BYTES")]
    pub max_result_bytes: usize,
    /// Time one tool call may take
    #[arg(long, default_value = "60s", value_parser = duration::parse_nonzero, value_name = "DURATION")]
    pub tool_timeout: Duration,
    /// Serve Streamable HTTP at http://ADDR/mcp instead of stdio (port 0 picks a free one)
    #[arg(long, value_name = "ADDR")]
    pub http: Option<std::net::SocketAddr>,
    /// The bearer token clients must send, read from FILE (default: one made at start, on stderr)
    #[arg(
        long,
        value_name = "FILE",
        requires = "http",
        conflicts_with = "no_auth"
    )]
    pub token_file: Option<PathBuf>,
    /// No bearer token (only when --http binds a loopback address)
    #[arg(long, requires = "http")]
    pub no_auth: bool,
    /// Another name clients may reach the server by (the Host header; loopback's are allowed)
    #[arg(long, value_name = "HOST", requires = "http")]
    pub allow_host: Vec<String>,
    /// A browser origin allowed to call (e.g. http://localhost:6274); every other Origin is refused
    #[arg(long, value_name = "ORIGIN", requires = "http")]
    pub allow_origin: Vec<String>,
}

/// Runs the parsed command; returns the exit code (0 or 1) or an error for `main` to report.
pub fn run(cli: Cli, ui: &Ui, out: &mut dyn Write) -> Result<u8, Error> {
    if ui.format == Format::Prometheus && !matches!(cli.command, Command::Probe(_)) {
        return Err(Error::usage(
            "--format prometheus",
            "only `oncall probe` speaks it",
        ));
    }
    match cli.command {
        Command::Cheat(args) => commands::cheat::run(args, ui, out),
        Command::Completions { shell } => commands::completions::run(shell, out),
        Command::Ps(args) => commands::ps::run(args, ui, out),
        Command::Mem(args) => commands::mem::run(args, ui, out),
        Command::Disk(args) => commands::disk::run(args, ui, out),
        Command::Net(args) => commands::net::run(args, ui, out),
        Command::Logs(args) => match args.action {
            LogsAction::Grep(args) => commands::logs::grep(args, ui, out),
            LogsAction::Tail(args) => commands::logs::tail(args, ui, out),
            LogsAction::Top(args) => commands::logs::top(args, ui, out),
        },
        Command::Probe(args) => commands::probe::run(*args, ui, out),
        Command::Triage(args) => commands::triage::run(args, ui, out),
        Command::Serve(args) => commands::serve::run(args),
        Command::Rules(args) => match args.action {
            RulesAction::Prometheus(args) => commands::rules::prometheus(args, ui, out),
        },
        Command::Mcp(args) => commands::mcp::run(args),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::CommandFactory;

    /// Every `oncall …` command the cheat sheet and the runbooks tell people to run parses
    /// with this CLI: a renamed flag must not leave advice that fails in an incident.
    #[test]
    fn every_oncall_command_in_the_sheet_parses() {
        use crate::cheat::shell_words::{self, Lexeme};
        let sheet = crate::cheat::sheet::Sheet::builtin();
        let mut lines: Vec<String> = Vec::new();
        for c in sheet.all() {
            lines.extend(c.oncall.iter().map(|t| t.to_string()));
            lines.extend(c.examples.iter().map(|e| e.command.to_string()));
        }
        for r in sheet.runbooks {
            lines.extend(
                r.steps
                    .iter()
                    .filter_map(|s| s.oncall.as_ref())
                    .map(|t| t.to_string()),
            );
        }
        let mut checked = 0;
        for line in &lines {
            let lexemes = shell_words::split(line).unwrap_or_else(|e| panic!("{line}: {e:?}"));
            // Each pipeline stage or list member that starts with `oncall` is one invocation.
            for stage in lexemes.split(|l| matches!(l, Lexeme::Control(_))) {
                let words: Vec<&str> = stage
                    .iter()
                    .take_while(|l| matches!(l, Lexeme::Word { .. }))
                    .filter_map(|l| match l {
                        Lexeme::Word { value, .. } => Some(value.as_str()),
                        _ => None,
                    })
                    .collect();
                if words.first() != Some(&"oncall") {
                    continue;
                }
                if let Err(e) = Cli::try_parse_from(&words) {
                    use clap::error::ErrorKind::{DisplayHelp, DisplayVersion};
                    assert!(
                        matches!(e.kind(), DisplayHelp | DisplayVersion),
                        "`{line}` does not parse: {e}"
                    );
                }
                checked += 1;
            }
        }
        assert!(checked > 50, "only {checked} oncall commands found");
    }

    /// The fast path must accept and explain exactly what the full parser does for `cheat`.
    #[test]
    fn cheat_fast_path_matches_the_full_parser() {
        let help = |mut c: clap::Command| {
            c.build();
            c.find_subcommand_mut("cheat")
                .expect("cheat is a subcommand")
                .render_long_help()
                .to_string()
        };
        assert_eq!(help(CheatCli::command()), help(Cli::command()));
        let args = ["oncall", "cheat", "--json", "-c", "networking", "ss"];
        let fast = Cli::from(CheatCli::try_parse_from(args).unwrap());
        let full = Cli::try_parse_from(args).unwrap();
        assert_eq!(format!("{fast:?}"), format!("{full:?}"));
    }
}
