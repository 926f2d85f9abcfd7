//! TCP connect over every resolved address, as curl does: Happy Eyeballs (RFC 8305). The
//! first address is tried; when it has not connected within `ATTEMPT_DELAY`, or as soon as it
//! fails, the next one starts alongside, families interleaved (IPv6, IPv4, IPv6, …, in the
//! resolver's order); the first to connect wins and the others are dropped. So a name whose
//! first address is refused (`::1` when the server listens on IPv4 only) or black-holed (a
//! dead node, a broken IPv6 route) still connects quickly. Each attempt has its own
//! `--connect-timeout`; the report names the address used and the ones that failed.

use std::net::SocketAddr;
use std::time::{Duration, Instant};
use tokio::net::TcpStream;
use tokio::task::JoinSet;

/// RFC 8305's recommended "Connection Attempt Delay" (curl uses 200 ms).
pub const ATTEMPT_DELAY: Duration = Duration::from_millis(250);

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

type Attempt = (SocketAddr, Instant, Result<TcpStream, String>);

pub async fn connect_any(
    addrs: &[SocketAddr],
    timeout: Duration,
) -> Result<Connected, ConnectFailure> {
    let all = Instant::now();
    if let [only] = addrs {
        // One address (an IP literal, a single record): nothing to race, no task to spawn.
        let r = attempt(*only, timeout).await;
        return match r.2 {
            Ok(stream) => Ok(connected(stream, *only, r.1, Vec::new())),
            Err(e) => Err(ConnectFailure {
                failed: vec![(*only, e)],
                took: all.elapsed(),
            }),
        };
    }
    let order = interleave_families(addrs);
    let mut next = order.iter().copied();
    let mut running: JoinSet<Attempt> = JoinSet::new();
    let mut failed = Vec::new();
    let start = |set: &mut JoinSet<Attempt>, addr: SocketAddr| {
        set.spawn(attempt(addr, timeout));
    };
    if let Some(first) = next.next() {
        start(&mut running, first);
    }
    let mut more = order.len() > 1;
    while !running.is_empty() {
        tokio::select! {
            done = running.join_next() => match done {
                Some(Ok((addr, began, Ok(stream)))) => {
                    // The others are dropped (aborted) with the set.
                    return Ok(connected(stream, addr, began, failed));
                }
                Some(Ok((addr, _, Err(e)))) => {
                    failed.push((addr, e));
                    // A failure starts the next attempt at once.
                    match next.next() {
                        Some(addr) => start(&mut running, addr),
                        None => more = false,
                    }
                }
                Some(Err(_)) | None => {}
            },
            _ = tokio::time::sleep(ATTEMPT_DELAY), if more => match next.next() {
                Some(addr) => start(&mut running, addr),
                None => more = false,
            },
        }
    }
    Err(ConnectFailure {
        failed,
        took: all.elapsed(),
    })
}

/// One connection attempt with its own timeout: (address, when it began, the outcome).
async fn attempt(addr: SocketAddr, timeout: Duration) -> Attempt {
    let began = Instant::now();
    let r = match tokio::time::timeout(timeout, TcpStream::connect(addr)).await {
        Ok(Ok(stream)) => Ok(stream),
        Ok(Err(e)) => Err(short_io_error(&e)),
        Err(_) => Err(format!("timed out after {}ms", timeout.as_millis())),
    };
    (addr, began, r)
}

fn connected(
    stream: TcpStream,
    remote: SocketAddr,
    began: Instant,
    failed: Vec<(SocketAddr, String)>,
) -> Connected {
    // Probes send one small request: Nagle would only add latency.
    let _ = stream.set_nodelay(true);
    Connected {
        stream,
        remote,
        took: began.elapsed(),
        failed,
    }
}

/// The resolver's order with families alternating, starting with the first address's family
/// (RFC 8305 §4): one family's dead addresses cannot delay the other's by more than a step.
fn interleave_families(addrs: &[SocketAddr]) -> Vec<SocketAddr> {
    let Some(first) = addrs.first() else {
        return Vec::new();
    };
    let (mut same, mut other): (Vec<SocketAddr>, Vec<SocketAddr>) =
        addrs.iter().partition(|a| a.is_ipv6() == first.is_ipv6());
    same.reverse();
    other.reverse();
    let mut out = Vec::with_capacity(addrs.len());
    while !same.is_empty() || !other.is_empty() {
        out.extend(same.pop());
        out.extend(other.pop());
    }
    out
}

/// "Connection refused" rather than "Connection refused (os error 111)".
pub fn short_io_error(e: &std::io::Error) -> String {
    let s = e.to_string();
    match s.find(" (os error") {
        Some(i) => s[..i].to_string(),
        None => s,
    }
}

#[cfg(test)]
mod tests {
    use super::interleave_families;
    use std::net::SocketAddr;

    #[test]
    fn families_alternate_from_the_first_address_s() {
        let a = |s: &str| s.parse::<SocketAddr>().unwrap();
        let input = [
            a("[::1]:1"),
            a("[::2]:1"),
            a("[::3]:1"),
            a("10.0.0.1:1"),
            a("10.0.0.2:1"),
        ];
        assert_eq!(
            interleave_families(&input),
            [
                a("[::1]:1"),
                a("10.0.0.1:1"),
                a("[::2]:1"),
                a("10.0.0.2:1"),
                a("[::3]:1")
            ]
        );
        let v4_first = [a("10.0.0.1:1"), a("[::1]:1")];
        assert_eq!(interleave_families(&v4_first), v4_first);
        assert!(interleave_families(&[]).is_empty());
    }
}
