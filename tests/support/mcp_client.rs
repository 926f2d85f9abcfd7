//! The official MCP Python SDK as the client of `oncall mcp` (tests/mcp/session.py), over stdio
//! or Streamable HTTP. The SDK lives in a venv .ci/run makes (`target/mcp-venv`, or
//! `ONCALL_MCP_PYTHON`): without it the tests fail under CI and are skipped, with the reason,
//! elsewhere.

use serde_json::Value;
use std::ffi::OsString;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::time::Duration;

/// Every tool `oncall mcp` lists.
pub const TOOLS: &[&str] = &[
    "triage",
    "processes",
    "memory",
    "filesystems",
    "disk_usage",
    "deleted_files",
    "sockets",
    "net_stats",
    "logs_grep",
    "logs_tail",
    "logs_top",
    "probe",
    "probe_balancer",
    "probe_gateway",
    "cheat_search",
    "cheat_entry",
    "explain_command",
    "runbook",
    "cheat_categories",
];

pub fn python() -> Option<PathBuf> {
    let p = std::env::var_os("ONCALL_MCP_PYTHON")
        .map(PathBuf::from)
        .unwrap_or_else(|| {
            Path::new(env!("CARGO_MANIFEST_DIR")).join("target/mcp-venv/bin/python")
        });
    if p.exists() {
        return Some(p);
    }
    assert!(
        std::env::var_os("CI").is_none(),
        "under CI the MCP Python SDK must be installed in {} (.ci/run makes the venv)",
        p.display()
    );
    eprintln!("skipped: no MCP Python SDK at {} (python3 -m venv target/mcp-venv && target/mcp-venv/bin/pip install mcp)", p.display());
    None
}

/// Runs `ops` in one session.py session; `server` is session.py's own arguments after MODE (the
/// binary and `oncall mcp`'s flags, or an http:// URL); `token` goes in ONCALL_MCP_TOKEN.
pub fn run(
    mode: &str,
    server: &[OsString],
    token: Option<&str>,
    ops: &Value,
) -> Option<Vec<Value>> {
    let py = python()?;
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/mcp/session.py");
    let mut cmd = Command::new(py);
    cmd.arg(script).arg(mode).args(server);
    match token {
        Some(t) => cmd.env("ONCALL_MCP_TOKEN", t),
        None => cmd.env_remove("ONCALL_MCP_TOKEN"),
    };
    let mut child = cmd
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("python runs");
    use std::io::Write;
    child
        .stdin
        .take()
        .unwrap()
        .write_all(ops.to_string().as_bytes())
        .unwrap();
    let out = child.wait_with_output().unwrap();
    assert!(
        out.status.success(),
        "session.py failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    Some(serde_json::from_slice(&out.stdout).expect("session.py prints JSON"))
}

/// A running `oncall mcp --http 127.0.0.1:0 …`, ended when dropped.
pub struct HttpServer {
    child: Child,
    pub addr: SocketAddr,
    /// The token the server made and told on stderr (None with --no-auth or --token-file).
    pub token: Option<String>,
}

impl HttpServer {
    pub fn start(args: &[&str]) -> HttpServer {
        let mut child = Command::new(assert_cmd::cargo::cargo_bin("oncall"))
            .args(["mcp", "--http", "127.0.0.1:0"])
            .args(args)
            .env("XDG_CONFIG_HOME", "/nonexistent/oncall-tests")
            .env("XDG_CACHE_HOME", "/nonexistent/oncall-tests")
            .env("HOME", "/nonexistent/oncall-tests")
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .expect("oncall mcp --http starts");
        let stderr = child.stderr.take().unwrap();
        let (tx, rx) = mpsc::channel();
        std::thread::spawn(move || {
            let mut first = String::new();
            let _ = BufReader::new(stderr).read_line(&mut first);
            let _ = tx.send(first);
        });
        let line = rx
            .recv_timeout(Duration::from_secs(30))
            .expect("oncall mcp --http says where it listens within 30 s");
        // "oncall mcp: listening on http://127.0.0.1:PORT/mcp; send 'Authorization: Bearer T' …"
        let url = line
            .split_whitespace()
            .find(|w| w.starts_with("http://"))
            .unwrap_or_else(|| panic!("no URL in {line:?}"))
            .trim_end_matches(';');
        let addr: SocketAddr = url
            .trim_start_matches("http://")
            .trim_end_matches("/mcp")
            .parse()
            .unwrap_or_else(|e| panic!("{url}: {e}"));
        let token = line
            .split("Bearer ")
            .nth(1)
            .map(|rest| rest.split('\'').next().unwrap().to_string());
        HttpServer { child, addr, token }
    }

    pub fn url(&self) -> String {
        format!("http://{}/mcp", self.addr)
    }

    /// One raw HTTP/1.1 request; the status code and the whole answer.
    pub fn raw(&self, head: &str, body: &str) -> (u16, String) {
        let mut s = TcpStream::connect(self.addr).unwrap();
        s.set_read_timeout(Some(Duration::from_secs(30))).unwrap();
        let req = format!(
            "{head}\r\nContent-Type: application/json\r\nAccept: application/json, text/event-stream\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
            body.len()
        );
        s.write_all(req.as_bytes()).unwrap();
        let mut answer = Vec::new();
        // An event stream stays open: its head and first event are enough.
        let mut buf = [0u8; 4096];
        while let Ok(n) = s.read(&mut buf) {
            if n == 0 {
                break;
            }
            answer.extend_from_slice(&buf[..n]);
            if answer.windows(4).any(|w| w == b"\r\n\r\n") && answer.len() > 200 {
                break;
            }
        }
        let text = String::from_utf8_lossy(&answer).to_string();
        let status = text
            .split_whitespace()
            .nth(1)
            .and_then(|c| c.parse().ok())
            .unwrap_or_else(|| panic!("no status in {text:?}"));
        (status, text)
    }
}

impl HttpServer {
    /// SIGTERM, then the exit status within `deadline` (None: still running, then killed).
    pub fn stop(mut self, deadline: Duration) -> Option<std::process::ExitStatus> {
        let _ = Command::new("kill")
            .args(["-TERM", &self.child.id().to_string()])
            .status();
        let started = std::time::Instant::now();
        while started.elapsed() < deadline {
            if let Ok(Some(status)) = self.child.try_wait() {
                return Some(status);
            }
            std::thread::sleep(Duration::from_millis(20));
        }
        None
    }
}

impl Drop for HttpServer {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
