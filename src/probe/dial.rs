//! One fresh connection, phase by phase: resolve (dns), TCP connect across the addresses
//! (connect), TLS (tls). Each phase is timed on its own, and whatever was learnt before a
//! failure (addresses, the certificate chain) is kept for the report.

use super::close_notify;
use super::connect;
use super::deadline::{Deadline, TimedOut};
use super::report::{Phases, TlsReport};
use super::resolve::Resolver;
use super::target::Target;
use super::tls::{self, TlsSettings};
use std::net::{IpAddr, SocketAddr};
use std::sync::atomic::AtomicBool;
use std::sync::Arc;
use std::time::{Duration, Instant};
use tokio::io::{AsyncRead, AsyncWrite};

/// TCP or TLS: hyper takes either through one type.
pub trait Io: AsyncRead + AsyncWrite + Unpin + Send {}
impl<T: AsyncRead + AsyncWrite + Unpin + Send> Io for T {}

pub struct DialSpec<'a> {
    pub target: &'a Target,
    /// `--each-ip`: this address instead of resolving (same Host and SNI).
    pub pin: Option<IpAddr>,
    pub resolver: &'a Resolver,
    pub connect_timeout: Duration,
    /// The attempt's `--timeout`: every step here is bounded by it too.
    pub deadline: Deadline,
    pub tls: Option<(&'a TlsSettings, &'a [&'a [u8]])>,
}

pub struct Dialed {
    pub start: Instant,
    pub phases: Phases,
    pub resolved: Vec<SocketAddr>,
    pub remote: Option<SocketAddr>,
    pub failed: Vec<(SocketAddr, String)>,
    pub tls: Option<super::report::TlsReport>,
    /// Set when a TLS peer closed without close_notify (see `close_notify`).
    pub close_notify_missing: Option<Arc<AtomicBool>>,
    pub stream: Result<Box<dyn Io>, String>,
}

impl Dialed {
    /// ALPN chose HTTP/2.
    pub fn alpn_h2(&self) -> bool {
        self.tls
            .as_ref()
            .and_then(|t: &TlsReport| t.alpn.as_deref())
            .is_some_and(|a| a == "h2")
    }
}

impl Dialed {
    /// What the connection got to, for a later step's timeout: "connected to ADDR in 0.2ms,
    /// TLS in 3.1ms".
    pub fn progress(&self) -> String {
        let mut s = match &self.remote {
            Some(a) => format!(
                "connected to {} in {:.1}ms",
                super::resolve::show(a),
                self.phases.connect
            ),
            None => "not connected".to_string(),
        };
        if self.tls.is_some() {
            s.push_str(&format!(", TLS in {:.1}ms", self.phases.tls));
        }
        s
    }
}

fn ms(d: Duration) -> f64 {
    (d.as_secs_f64() * 1e6).round() / 1e3
}

pub fn since_ms(start: Instant) -> f64 {
    ms(start.elapsed())
}

pub async fn dial(spec: DialSpec<'_>) -> Dialed {
    let start = Instant::now();
    let mut d = Dialed {
        start,
        phases: Phases::default(),
        resolved: Vec::new(),
        remote: None,
        failed: Vec::new(),
        tls: None,
        close_notify_missing: None,
        stream: Err(String::new()),
    };
    let t = spec.target;
    let addrs = match spec.pin {
        Some(ip) => vec![SocketAddr::new(ip, t.port)],
        None => {
            let lookup = spec.resolver.resolve(&t.host, t.port);
            let resolved = spec
                .deadline
                .bound(&format!("resolving {}", t.host), lookup)
                .await;
            let (r, took) = match resolved {
                Ok((r, took)) => (r, took),
                Err(TimedOut(e)) => (Err(e), start.elapsed()),
            };
            d.phases.dns = ms(took);
            match r {
                Ok(a) => a,
                Err(e) => {
                    d.stream = Err(e);
                    d.phases.total = since_ms(start);
                    return d;
                }
            }
        }
    };
    d.resolved = addrs.clone();
    let began = Instant::now();
    let connecting = spec.deadline.bound(
        "connecting",
        connect::connect_any(&addrs, spec.connect_timeout),
    );
    let tcp = match connecting.await {
        Err(TimedOut(e)) => {
            d.phases.connect = ms(began.elapsed());
            d.stream = Err(e);
            d.phases.total = since_ms(start);
            return d;
        }
        Ok(Ok(c)) => {
            d.phases.connect = ms(c.took);
            d.remote = Some(c.remote);
            d.failed = c.failed;
            c.stream
        }
        Ok(Err(f)) => {
            d.phases.connect = ms(f.took);
            d.stream = Err(f.message());
            d.failed = f.failed;
            d.phases.total = since_ms(start);
            return d;
        }
    };
    d.stream = match spec.tls {
        None => Ok(Box::new(tcp)),
        Some((settings, alpn)) => {
            // The handshake has --connect-timeout, or what is left of --timeout if less.
            let connected = format!(
                "connected in {:.1}ms, no TLS handshake from the server",
                d.phases.connect
            );
            let left = spec.deadline.left();
            let limit = if left < spec.connect_timeout {
                tls::Limit {
                    time: left,
                    message: spec.deadline.message(&connected),
                }
            } else {
                tls::Limit {
                    time: spec.connect_timeout,
                    message: format!(
                        "TLS handshake timed out after {}ms (--connect-timeout): {connected}",
                        spec.connect_timeout.as_millis()
                    ),
                }
            };
            let h = tls::handshake(settings, tcp, settings.name_for(&t.host), alpn, limit).await;
            d.phases.tls = ms(h.took);
            d.tls = Some(h.report);
            h.stream.map(|s| {
                let (s, flag) = close_notify::Lenient::new(s);
                d.close_notify_missing = Some(flag);
                Box::new(s) as Box<dyn Io>
            })
        }
    };
    d.phases.total = since_ms(start);
    d
}
