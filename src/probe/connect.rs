//! TCP connect that tries the resolved addresses in turn, as curl does (a name resolving to
//! `::1` and `127.0.0.1` still reaches a server that listens on IPv4 only), each with its
//! own `--connect-timeout`; reports the address used and the ones that failed.

use std::net::SocketAddr;
use std::time::{Duration, Instant};
use tokio::net::TcpStream;

pub struct Connected {
    pub stream: TcpStream,
    pub remote: SocketAddr,
    /// Time of the successful attempt (earlier failed attempts are in `failed`).
    pub took: Duration,
    pub failed: Vec<(SocketAddr, String)>,
}

pub struct ConnectFailure {
    pub failed: Vec<(SocketAddr, String)>,
    pub took: Duration,
}

impl ConnectFailure {
    pub fn message(&self) -> String {
        let parts: Vec<String> = self
            .failed
            .iter()
            .map(|(a, e)| format!("{a}: {e}"))
            .collect();
        format!("connect failed ({})", parts.join("; "))
    }
}

pub async fn connect_any(
    addrs: &[SocketAddr],
    timeout: Duration,
) -> Result<Connected, ConnectFailure> {
    let all = Instant::now();
    let mut failed = Vec::new();
    for addr in addrs {
        let start = Instant::now();
        match tokio::time::timeout(timeout, TcpStream::connect(addr)).await {
            Ok(Ok(stream)) => {
                // Probes send one small request: Nagle would only add latency.
                let _ = stream.set_nodelay(true);
                return Ok(Connected {
                    stream,
                    remote: *addr,
                    took: start.elapsed(),
                    failed,
                });
            }
            Ok(Err(e)) => failed.push((*addr, short_io_error(&e))),
            Err(_) => failed.push((*addr, format!("timed out after {}ms", timeout.as_millis()))),
        }
    }
    Err(ConnectFailure {
        failed,
        took: all.elapsed(),
    })
}

/// "Connection refused" rather than "Connection refused (os error 111)".
pub fn short_io_error(e: &std::io::Error) -> String {
    let s = e.to_string();
    match s.find(" (os error") {
        Some(i) => s[..i].to_string(),
        None => s,
    }
}
