//! Every `oncall …` command README.md shows is run here with the real binary and must exit as
//! the README implies (0: none of its examples shows a failure), never with a usage error, a
//! panic or a signal. The commands are read from README.md when the test runs — lines of its
//! console blocks that start with `$ oncall` or `oncall`, and inline `oncall …` code spans —
//! so a command added later is covered too. The same for every `oncall …` example in the
//! "Examples:" of each command's `--help` (read from the CLI's definition).
//!
//! What would reach outside this machine is replaced by local fixtures: `/var/log/…` paths by
//! generated logs, URLs by servers on 127.0.0.1 (names pinned with `--resolve`, never looked
//! up; https with a test CA passed as `--cacert`), `@token.txt` by a file. `logs tail -f` runs
//! until it has printed its first matching line, then is stopped.

mod support;

use std::collections::HashMap;
use std::io::{BufRead, Read, Write};
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};
use support::servers::{Pki, Reply, Req, TestServer};

/// A command as README.md shows it, and where.
#[derive(Debug)]
struct Shown {
    line: usize,
    text: String,
}

/// The `oncall …` commands of README.md: console-block lines and inline code spans.
fn readme_commands() -> Vec<Shown> {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("README.md");
    let readme = std::fs::read_to_string(&path).expect("README.md is readable");
    let mut shown = Vec::new();
    let mut in_console = false;
    let mut in_other_block = false;
    for (i, line) in readme.lines().enumerate() {
        let fence = line.trim_start().starts_with("```");
        if fence {
            if in_console || in_other_block {
                in_console = false;
                in_other_block = false;
            } else if line.trim_start().trim_start_matches('`').trim() == "console" {
                in_console = true;
            } else {
                in_other_block = true;
            }
            continue;
        }
        if in_console {
            let cmd = line.strip_prefix("$ ").unwrap_or(line);
            // Output lines are indented or start otherwise; a prompt line starts the command.
            if cmd.starts_with("oncall ") || cmd == "oncall" {
                shown.push(Shown {
                    line: i + 1,
                    text: cmd.to_string(),
                });
            }
        } else if !in_other_block {
            for (n, span) in line.split('`').enumerate() {
                if n % 2 == 1 && span.starts_with("oncall ") {
                    shown.push(Shown {
                        line: i + 1,
                        text: span.to_string(),
                    });
                }
            }
        }
    }
    shown
}

/// Shell words of one command line: quotes and backslashes as sh reads them, a `#` comment
/// after whitespace dropped. Nothing is expanded.
fn shell_words(line: &str) -> Vec<String> {
    let mut words = Vec::new();
    let mut word = String::new();
    let mut in_word = false;
    let mut chars = line.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\'' => {
                in_word = true;
                for c in chars.by_ref() {
                    if c == '\'' {
                        break;
                    }
                    word.push(c);
                }
            }
            '"' => {
                in_word = true;
                while let Some(c) = chars.next() {
                    match c {
                        '"' => break,
                        '\\' if matches!(chars.peek(), Some('"' | '\\' | '$' | '`')) => {
                            word.push(chars.next().unwrap())
                        }
                        c => word.push(c),
                    }
                }
            }
            '\\' => {
                in_word = true;
                if let Some(c) = chars.next() {
                    word.push(c);
                }
            }
            '#' if !in_word => break,
            c if c.is_whitespace() => {
                if in_word {
                    words.push(std::mem::take(&mut word));
                    in_word = false;
                }
            }
            c => {
                in_word = true;
                word.push(c);
            }
        }
    }
    if in_word {
        words.push(word);
    }
    words
}

/// The stand-ins for the README's system paths, names and placeholders.
struct Fixtures {
    dir: tempfile::TempDir,
    pki: Pki,
    /// One loopback server per host name of an https URL, by name.
    https: HashMap<String, TestServer>,
    /// The loopback server that stands for `http://127.0.0.1:PORT/` URLs.
    http: TestServer,
    /// The balancer that stands for `http://NAME/` URLs: two backends taking turns.
    balancer: TestServer,
    /// The gRPC health server that stands for `grpc://NAME:PORT/SERVICE`.
    grpc: support::servers::GrpcHealth,
}

/// Two backends behind one address, taking turns, each naming itself in `X-Served-By` (the
/// Server header says the same for both, as nginx's does).
fn balancer() -> TestServer {
    let turn = std::sync::atomic::AtomicUsize::new(0);
    TestServer::http(move |_req| {
        let n = turn.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        Reply::new(200, "ok\n").header("Server", "nginx").header(
            "X-Served-By",
            if n % 2 == 0 { "backend-a" } else { "backend-b" },
        )
    })
}

/// What the README's servers answer: JSON health, a Bearer challenge on `/v1` without
/// credentials, a backend name for the balancer.
fn handler(req: &Req) -> Reply {
    // A preflight carries no credentials: a gateway answers it before asking for them.
    let preflight = req.method == "OPTIONS" && req.header("origin").is_some();
    if req.path.starts_with("/v1") && req.header("authorization").is_none() && !preflight {
        return Reply::new(401, "")
            .header("WWW-Authenticate", "Bearer realm=\"readme\"")
            .header("Content-Length", "0");
    }
    // A browser's preflight, and the CORS answer a gateway gives the origins it serves.
    if let Some(origin) = req.header("origin") {
        let reply = if req.method == "OPTIONS" {
            Reply::new(204, "")
        } else {
            Reply::new(200, "{\"status\":\"UP\"}").header("Content-Type", "application/json")
        };
        return reply
            .header("Access-Control-Allow-Origin", origin)
            .header("Access-Control-Allow-Methods", "GET, POST, OPTIONS")
            .header(
                "Access-Control-Allow-Headers",
                "Authorization, Content-Type",
            )
            .header("Vary", "Origin");
    }
    Reply::new(200, "{\"status\":\"UP\"}")
        .header("Content-Type", "application/json")
        .header("Server", "readme-backend-1")
}

/// /var/log/journal: a journal file written by systemd's own writer (systemd-journal-remote,
/// installed by .ci/run), nginx.service's last 30 minutes, errors among them.
fn journal_fixture(dir: &Path, now_ms: i64) {
    std::fs::create_dir_all(dir).unwrap();
    let mut export = Vec::new();
    for k in (1..=30i64).rev() {
        let us = (now_ms - k * 60_000) * 1000;
        let (prio, msg) = if k % 3 == 0 {
            (
                3,
                "upstream timeout after 30s while reading response header",
            )
        } else {
            (6, "GET /api status=200")
        };
        export.extend_from_slice(
            format!(
                "__REALTIME_TIMESTAMP={us}\n__MONOTONIC_TIMESTAMP={}\n\
                 _BOOT_ID=0123456789abcdef0123456789abcdef\n_HOSTNAME=web-1\n\
                 _SYSTEMD_UNIT=nginx.service\nSYSLOG_IDENTIFIER=nginx\n_PID=812\n\
                 PRIORITY={prio}\nMESSAGE={msg}\n\n",
                us / 1000
            )
            .as_bytes(),
        );
    }
    let mut child = Command::new("/lib/systemd/systemd-journal-remote")
        .arg(format!("--output={}", dir.join("system.journal").display()))
        .arg("-")
        .stdin(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("systemd-journal-remote (apt-get install systemd-journal-remote)");
    child.stdin.take().unwrap().write_all(&export).unwrap();
    assert!(child.wait().unwrap().success());
}

impl Fixtures {
    fn new() -> Fixtures {
        let dir = tempfile::tempdir().unwrap();
        let d = dir.path();
        let now_ms = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap()
            .as_millis() as i64;
        let iso = |ms: i64| {
            let secs = ms / 1000;
            let (days, rem) = (secs.div_euclid(86_400), secs.rem_euclid(86_400));
            let (y, m, dd) = oncall::probe::clock::civil_from_days(days);
            format!(
                "{y:04}-{m:02}-{dd:02}T{:02}:{:02}:{:02}Z",
                rem / 3600,
                rem / 60 % 60,
                rem % 60
            )
        };
        // /var/log/app.log: the last hour, errors recent enough for --since 30m, a timeout.
        let log = d.join("var/log");
        std::fs::create_dir_all(log.join("nginx")).unwrap();
        let mut app = String::new();
        for k in (1..=60).rev() {
            let t = now_ms - k * 60_000;
            let (level, msg) = match k % 7 {
                0 => ("ERROR", "upstream timeout after 30s req=42"),
                3 => ("WARN", "slow query took 1200ms"),
                _ => ("INFO", "request served status=200"),
            };
            app.push_str(&format!("{} {level} {msg}\n", iso(t)));
        }
        std::fs::write(log.join("app.log"), app).unwrap();
        std::fs::write(
            log.join("nginx/access.log"),
            "127.0.0.1 - - \"GET / HTTP/1.1\" status=200\n\
             127.0.0.1 - - \"GET /api HTTP/1.1\" status=503\n\
             127.0.0.1 - - \"GET /api HTTP/1.1\" status=502\n",
        )
        .unwrap();
        std::fs::write(d.join("token.txt"), "readme-test-token\n").unwrap();
        journal_fixture(&log.join("journal"), now_ms);
        Fixtures {
            dir,
            pki: Pki::new(),
            https: HashMap::new(),
            http: TestServer::http(handler),
            balancer: balancer(),
            grpc: support::servers::GrpcHealth::start_knowing(&["orders.Orders"]),
        }
    }

    /// The port that stands for `host`'s https server (started on first use).
    fn https_port(&mut self, host: &str) -> u16 {
        let pki = &self.pki;
        self.https
            .entry(host.to_string())
            .or_insert_with(|| TestServer::https(pki.server(&[host], -1, 90), handler))
            .port()
    }

    /// The README's words made local. Returns the argv.
    fn localise(&mut self, words: &[String]) -> Vec<String> {
        let mut out: Vec<String> = Vec::new();
        let mut pinned: Vec<String> = Vec::new();
        let mut https = false;
        let mut i = 0;
        while i < words.len() {
            let w = &words[i];
            if w == "--resolve" && i + 1 < words.len() {
                // HOST:PORT:ADDR → HOST:<its local port>:127.0.0.1
                let host = words[i + 1].split(':').next().unwrap().to_string();
                let port = self.https_port(&host);
                out.push(w.clone());
                out.push(format!("{host}:{port}:127.0.0.1"));
                pinned.push(host);
                i += 2;
                continue;
            }
            if w == "--origin" && i + 1 < words.len() {
                // A browser origin is a name the server is told, not a URL to reach.
                out.extend([w.clone(), words[i + 1].clone()]);
                i += 2;
                continue;
            }
            out.push(self.localise_word(w, &mut pinned, &mut https));
            i += 1;
        }
        for host in pinned.clone() {
            let pin = format!("{host}:{}:127.0.0.1", self.https_port(&host));
            if !out.contains(&pin) {
                out.extend(["--resolve".to_string(), pin]);
            }
        }
        if https {
            out.extend(["--cacert".to_string(), self.pki.ca().display().to_string()]);
        }
        out
    }

    fn localise_word(&mut self, w: &str, pinned: &mut Vec<String>, https: &mut bool) -> String {
        if let Some(rest) = w.strip_prefix("/var/log") {
            return format!("{}/var/log{rest}", self.dir.path().display());
        }
        if w == "/etc/prometheus/blackbox.yml" {
            // A module file of the blackbox format with one module oncall supports (the host's
            // own blackbox.yml, where the package is installed, has modules it refuses).
            let path = self.dir.path().join("blackbox.yml");
            std::fs::write(
                &path,
                "modules:\n  http_2xx:\n    prober: http\n    timeout: 5s\n",
            )
            .unwrap();
            return path.display().to_string();
        }
        if let Some(file) = w.strip_prefix('@') {
            return format!("@{}", self.dir.path().join(file).display());
        }
        if let Some(rest) = w.strip_prefix("http://127.0.0.1") {
            let path = rest.find('/').map_or("/", |i| &rest[i..]);
            return format!("http://127.0.0.1:{}{path}", self.http.port());
        }
        if let Some(rest) = w.strip_prefix("http://") {
            // Another host's plain HTTP: the balancer stands for it.
            let path = rest.find('/').map_or("/", |i| &rest[i..]);
            return format!("http://127.0.0.1:{}{path}", self.balancer.port());
        }
        if let Some(rest) = w.strip_prefix("tcp://") {
            assert!(rest.contains(':'), "tcp:// needs a port: {w}");
            return format!("tcp://127.0.0.1:{}", self.http.port());
        }
        if let Some(rest) = w.strip_prefix("grpc://") {
            let path = rest.find('/').map_or("", |i| &rest[i..]);
            return format!("grpc://127.0.0.1:{}{path}", self.grpc.port);
        }
        if w == "fleet.txt" {
            // A targets file: one target per line, as `--targets` reads it.
            let path = self.dir.path().join("fleet.txt");
            std::fs::write(
                &path,
                format!(
                    "# the fleet\nhttp://127.0.0.1:{}/health\ntcp://127.0.0.1:{}\n",
                    self.http.port(),
                    self.http.port()
                ),
            )
            .unwrap();
            return path.display().to_string();
        }
        if let Some(rest) = w.strip_prefix("/srv/") {
            let path = self.dir.path().join("srv").join(rest);
            std::fs::create_dir_all(&path).unwrap();
            return path.display().to_string();
        }
        if let Some(rest) = w.strip_prefix("https://") {
            *https = true;
            let (authority, path) = rest.split_at(rest.find('/').unwrap_or(rest.len()));
            let host = authority.split(':').next().unwrap();
            let port = self.https_port(host);
            if !pinned.iter().any(|h| h == host) {
                pinned.push(host.to_string());
            }
            return format!("https://{host}:{port}{path}");
        }
        match w {
            // Placeholders of the prose.
            "SHELL" => "bash".into(),
            _ => {
                assert!(
                    !(w.len() >= 3 && w.chars().all(|c| c.is_ascii_uppercase())),
                    "README placeholder {w} has no stand-in here: add one to localise_word"
                );
                w.to_string()
            }
        }
    }
}

fn oncall_bin() -> PathBuf {
    assert_cmd::cargo::cargo_bin("oncall")
}

fn command(fx: &Fixtures, argv: &[String]) -> Command {
    let mut cmd = Command::new(oncall_bin());
    cmd.args(&argv[1..])
        .current_dir(fx.dir.path())
        .env_remove("NO_COLOR")
        .env_remove("CLICOLOR_FORCE")
        .env_remove("COLUMNS")
        .env("XDG_CONFIG_HOME", "/nonexistent/oncall-tests")
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    cmd
}

/// Runs a command that ends by itself, within a deadline.
fn run_to_end(mut cmd: Command, deadline: Duration) -> Output {
    let mut child = cmd.spawn().unwrap();
    let start = Instant::now();
    while child.try_wait().unwrap().is_none() {
        if start.elapsed() > deadline {
            child.kill().unwrap();
            let out = child.wait_with_output().unwrap();
            panic!("still running after {deadline:?}: {out:?}");
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    child.wait_with_output().unwrap()
}

/// Runs a follower (`logs tail -f`) until it prints a line containing `want`; then stops it.
fn run_follow(mut cmd: Command, want: &str, deadline: Duration) -> Result<(), String> {
    let mut child = cmd.spawn().unwrap();
    let stdout = child.stdout.take().unwrap();
    let (tx, rx) = mpsc::channel();
    std::thread::spawn(move || {
        for line in std::io::BufReader::new(stdout).lines() {
            let Ok(line) = line else { break };
            if tx.send(line).is_err() {
                break;
            }
        }
    });
    let start = Instant::now();
    let mut seen = Vec::new();
    let result = loop {
        let left = deadline.saturating_sub(start.elapsed());
        match rx.recv_timeout(left.min(Duration::from_millis(200))) {
            Ok(line) if line.contains(want) => break Ok(()),
            Ok(line) => seen.push(line),
            Err(mpsc::RecvTimeoutError::Timeout) if left > Duration::ZERO => {
                if let Some(status) = child.try_wait().unwrap() {
                    break Err(format!("ended by itself with {status}; printed {seen:?}"));
                }
            }
            Err(_) => break Err(format!("no line with {want:?} in {deadline:?}: {seen:?}")),
        }
    };
    let _ = child.kill();
    let out = child.wait_with_output().unwrap();
    result.map_err(|e| format!("{e}; stderr: {}", String::from_utf8_lossy(&out.stderr)))
}

/// The exit codes a command's README line allows: 0, or 1 where the command itself says a
/// finding is a failure (`--fail-on`), or where a `ps`/`net` filter may match nothing on
/// this host (the README's rule: a filter that matched nothing exits 1, like grep and pgrep;
/// such a run must then say so in its one line, checked by `no_match_is_said`).
fn allowed_codes(argv: &[String]) -> &'static [i32] {
    if argv.iter().any(|a| a == "--fail-on") || is_filtered_listing(argv) {
        &[0, 1]
    } else {
        &[0]
    }
}

fn is_filtered_listing(argv: &[String]) -> bool {
    let filters = [
        "--state",
        "--port",
        "--grep",
        "--user",
        "--pid",
        "--container",
        "--pod",
        "--unit",
    ];
    argv.get(1).is_some_and(|c| c == "ps" || c == "net")
        && argv.get(2).is_none_or(|s| s.starts_with('-'))
        && argv.iter().any(|a| filters.contains(&a.as_str()))
}

/// Exit 1 from a filtered listing is only right with its "no … matched" line.
fn no_match_is_said(argv: &[String], code: Option<i32>, stdout: &[u8]) -> bool {
    if code != Some(1) || !is_filtered_listing(argv) {
        return true;
    }
    let text = String::from_utf8_lossy(stdout);
    text.starts_with("no ") && text.contains("matched") && text.lines().count() == 1
}

#[test]
fn every_command_in_the_readme_runs_and_exits_as_the_readme_implies() {
    let shown = readme_commands();
    assert!(
        shown.len() >= 20,
        "README.md's commands were not found: {shown:?}"
    );
    let failures = run_all(&shown, "README.md");
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// The `oncall …` lines of every command's "Examples:" in `--help`, each without its comment
/// (what follows two spaces or more); `line` is the example's number, counted over all.
fn help_examples() -> Vec<(String, Shown)> {
    // (the help it is in, the example)
    use clap::CommandFactory;
    fn walk(cmd: &clap::Command, path: String, out: &mut Vec<(String, Shown)>) {
        for help in [cmd.get_after_help(), cmd.get_after_long_help()]
            .into_iter()
            .flatten()
        {
            let text = help.to_string();
            for line in text.lines() {
                let Some(rest) = line.trim_start().strip_prefix("oncall ") else {
                    continue;
                };
                let command = rest.split("  ").next().unwrap_or(rest).trim();
                let shown = Shown {
                    line: out.len() + 1,
                    text: format!("oncall {command}"),
                };
                if !out.iter().any(|(_, s)| s.text == shown.text) {
                    out.push((path.clone(), shown));
                }
            }
        }
        for sub in cmd.get_subcommands() {
            walk(sub, format!("{path} {}", sub.get_name()), out);
        }
    }
    let mut out = Vec::new();
    walk(&oncall::cli::Cli::command(), "oncall".into(), &mut out);
    out
}

#[test]
fn every_example_in_help_runs_and_exits_as_it_implies() {
    let examples = help_examples();
    assert!(
        examples.len() >= 20,
        "the --help examples were not found: {examples:?}"
    );
    for want in [
        "oncall mcp --http 127.0.0.1:8765",
        "oncall cheat -c networking",
    ] {
        assert!(
            examples.iter().any(|(_, s)| s.text == want),
            "{want} is not among the --help examples: {examples:?}"
        );
    }
    let shown: Vec<Shown> = examples.into_iter().map(|(_, s)| s).collect();
    let failures = run_all(&shown, "--help example");
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// Runs each command against the fixtures; one line per command that did not exit as shown.
fn run_all(shown: &[Shown], source: &str) -> Vec<String> {
    let mut fx = Fixtures::new();
    let mut failures = Vec::new();
    for s in shown {
        let words = shell_words(&s.text);
        let argv = fx.localise(&words);
        let label = format!("{source}:{}: {}", s.line, s.text);
        eprintln!("running {label}\n    as {}", argv.join(" "));
        let cmd = command(&fx, &argv);
        let follow = argv.get(1).is_some_and(|a| a == "logs")
            && argv.get(2).is_some_and(|a| a == "tail")
            && argv.iter().any(|a| a == "-f" || a == "--follow");
        if follow {
            let want = argv
                .iter()
                .position(|a| a == "--grep")
                .and_then(|i| argv.get(i + 1))
                .cloned()
                .unwrap_or_default();
            if let Err(e) = run_follow(cmd, &want, Duration::from_secs(30)) {
                failures.push(format!("{label}: {e}"));
            }
            continue;
        }
        if argv.get(1).is_some_and(|a| a == "mcp") && argv.iter().any(|a| a == "--http") {
            if let Err(e) = run_mcp_http(&argv, Duration::from_secs(30)) {
                failures.push(format!("{label}: {e}"));
            }
            continue;
        }
        if argv.get(1).is_some_and(|a| a == "mcp") {
            if let Err(e) = run_mcp(command(&fx, &argv), Duration::from_secs(30)) {
                failures.push(format!("{label}: {e}"));
            }
            continue;
        }
        if argv.get(1).is_some_and(|a| a == "serve") {
            if let Err(e) = run_server(&argv, Duration::from_secs(30)) {
                failures.push(format!("{label}: {e}"));
            }
            continue;
        }
        let out = run_to_end(cmd, Duration::from_secs(120));
        let err = String::from_utf8_lossy(&out.stderr);
        let code = out.status.code();
        let ok = code.is_some_and(|c| allowed_codes(&argv).contains(&c))
            && no_match_is_said(&argv, code, &out.stdout)
            && !err.contains("panicked")
            && !out.stdout.is_empty();
        if !ok {
            failures.push(format!(
                "{label}: exit {code:?} (allowed {:?}), stdout {} bytes, stderr: {err}\n{}",
                allowed_codes(&argv),
                out.stdout.len(),
                String::from_utf8_lossy(&out.stdout[..out.stdout.len().min(1500)])
            ));
        }
    }
    failures
}

#[test]
fn shell_words_split_as_sh_does() {
    assert_eq!(
        shell_words(r#"oncall cheat --explain 'journalctl -u nginx --since "1 hour ago"'  # why"#),
        [
            "oncall",
            "cheat",
            "--explain",
            r#"journalctl -u nginx --since "1 hour ago""#
        ]
    );
    assert_eq!(
        shell_words(r#"oncall logs grep -c 'status=5\d\d' /var/log/nginx   # rotated"#),
        [
            "oncall",
            "logs",
            "grep",
            "-c",
            r"status=5\d\d",
            "/var/log/nginx"
        ]
    );
    assert_eq!(shell_words(r#"a "b \"c\"" d\ e"#), ["a", r#"b "c""#, "d e"]);
}

/// `oncall serve …` runs until stopped: started on a free loopback port, it must answer
/// `/-/healthy` and serve `/metrics` within the deadline; then it is ended with SIGTERM and
/// must exit 0.
/// `oncall mcp` as a client meets it: an initialize request on stdin answered on stdout with
/// oncall's server info, then stdin closed and the server gone with 0.
fn run_mcp(mut cmd: Command, deadline: Duration) -> Result<(), String> {
    let mut child = cmd.stdin(Stdio::piped()).spawn().unwrap();
    let init = r#"{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-11-25","capabilities":{},"clientInfo":{"name":"readme","version":"0"}}}"#;
    let mut stdin = child.stdin.take().unwrap();
    let lines = support::stdout_lines(&mut child);
    let answer = writeln!(stdin, "{init}")
        .map_err(|e| e.to_string())
        .and_then(|()| {
            lines
                .recv_timeout(deadline)
                .map_err(|_| "no answer to initialize".to_string())
        });
    drop(stdin);
    let started = Instant::now();
    let status = loop {
        if let Some(s) = child.try_wait().unwrap() {
            break Some(s);
        }
        if started.elapsed() > deadline {
            let _ = child.kill();
            let _ = child.wait();
            break None;
        }
        std::thread::sleep(Duration::from_millis(20));
    };
    let answer = answer?;
    let status = status.ok_or("still running after stdin closed")?;
    let v: serde_json::Value =
        serde_json::from_str(&answer).map_err(|e| format!("{e}: {answer}"))?;
    if v["result"]["serverInfo"]["name"] != "oncall" || !status.success() {
        return Err(format!("answer {answer}, exit {status}"));
    }
    Ok(())
}

/// `oncall mcp --http ADDR …` runs until stopped: started on a free loopback port (ADDR
/// replaced), it must answer an initialize POST that carries the token it printed with
/// oncall's server info, then end with 0 on SIGTERM.
fn run_mcp_http(argv: &[String], deadline: Duration) -> Result<(), String> {
    let mut rest = Vec::new();
    let mut args = argv[2..].iter();
    while let Some(a) = args.next() {
        if a == "--http" {
            args.next();
        } else {
            rest.push(a.as_str());
        }
    }
    let server = support::mcp_client::HttpServer::start(&rest);
    let auth = match &server.token {
        Some(t) => format!("\r\nAuthorization: Bearer {t}"),
        None => String::new(),
    };
    let init = r#"{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-11-25","capabilities":{},"clientInfo":{"name":"readme","version":"0"}}}"#;
    let (status, text) = server.raw(
        &format!("POST /mcp HTTP/1.1\r\nHost: {}{auth}", server.addr),
        init,
    );
    if status != 200 || !text.contains("\"oncall\"") {
        return Err(format!("answer {status}: {text}"));
    }
    match server.stop(deadline) {
        Some(s) if s.success() => Ok(()),
        Some(s) => Err(format!("exit {s} on SIGTERM")),
        None => Err("still running after SIGTERM".into()),
    }
}

fn run_server(argv: &[String], deadline: Duration) -> Result<(), String> {
    let port = support::servers::free_port();
    let addr = format!("127.0.0.1:{port}");
    let mut child = Command::new(assert_cmd::cargo::cargo_bin("oncall"))
        .args(&argv[1..])
        .args(["--web.listen-address", &addr])
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let get = |path: &str| -> Option<String> {
        let mut s = std::net::TcpStream::connect(&addr).ok()?;
        s.set_read_timeout(Some(Duration::from_secs(5))).ok()?;
        write!(
            s,
            "GET {path} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n\r\n"
        )
        .ok()?;
        let mut text = String::new();
        s.read_to_string(&mut text).ok()?;
        Some(text)
    };
    let start = Instant::now();
    let result = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break Err(format!("ended by itself with {status}"));
        }
        if get("/-/healthy").is_some_and(|t| t.starts_with("HTTP/1.1 200")) {
            break match get("/metrics") {
                Some(t) if t.contains("oncall_build_info") => Ok(()),
                other => Err(format!("/metrics without oncall_build_info: {other:?}")),
            };
        }
        if start.elapsed() > deadline {
            break Err(format!("no answer on {addr} in {deadline:?}"));
        }
        std::thread::sleep(Duration::from_millis(100));
    };
    // SAFETY: kill(2) on our own child's pid.
    unsafe { libc::kill(child.id() as i32, libc::SIGTERM) };
    let out = child.wait_with_output().unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    result.map_err(|e| format!("{e}; stderr: {err}"))?;
    if out.status.success() {
        Ok(())
    } else {
        Err(format!(
            "exit {:?} after SIGTERM; stderr: {err}",
            out.status.code()
        ))
    }
}
