//! The HTTP side of `oncall serve`: hyper's HTTP/1.1 server. This thread accepts; each
//! connection is served on one of the worker threads (workers.rs), with TCP_NODELAY.
//! Hostile clients are bounded here: the request head must arrive within HEADER_TIMEOUT,
//! request bodies are never read (every endpoint is a GET), a connection lives at most
//! CONNECTION_LIFETIME, at most MAX_CONNECTIONS are open, and `/probe` runs at most
//! `--probe.concurrency` probes at once (the rest get 503 at once rather than queueing).
//! `/metrics` only copies the sampler's last text, so neither a slow client, a slow probe
//! target nor a hung mount delays it. With `--web.config.file`, connections are TLS (the
//! handshake bounded by HEADER_TIMEOUT too; plain HTTP to the TLS port gets Go's 400 line, as
//! an exporter-toolkit exporter answers it) and every path needs basic auth.

use super::blackbox_config::Module;
use super::probe_endpoint;
use super::sampler::Latest;
use super::target_policy::TargetPolicy;
use super::web_config;
use super::workers::Workers;
use crate::render::{self, Format, Ui};
use bytes::Bytes;
use http_body_util::Full;
use hyper::body::Incoming;
use hyper::header::HeaderValue;
use hyper::{Request, Response};
use hyper_util::rt::{TokioIo, TokioTimer};
use std::collections::BTreeMap;
use std::convert::Infallible;
use std::sync::Arc;
use std::time::Duration;
use tokio::io::{AsyncRead, AsyncWrite, AsyncWriteExt};
use tokio::sync::Semaphore;
use tokio_rustls::TlsAcceptor;

pub const HEADER_TIMEOUT: Duration = Duration::from_secs(10);
pub const CONNECTION_LIFETIME: Duration = Duration::from_secs(600);
pub const MAX_CONNECTIONS: usize = 512;

pub struct State {
    pub latest: Latest,
    pub modules: BTreeMap<String, Arc<Module>>,
    pub policy: TargetPolicy,
    pub probes: Arc<Semaphore>,
    pub connections: Arc<Semaphore>,
    /// `--web.config.file` as it stands now: TLS when a connection starts, basic auth and
    /// the response headers for each request (as the exporter-toolkit checks them, so a
    /// changed password applies on a kept-alive connection too).
    /// path, response headers).
    pub web: web_config::Live,
}

fn reply(status: u16, content_type: &str, body: impl Into<Bytes>) -> Response<Full<Bytes>> {
    Response::builder()
        .status(status)
        .header(hyper::header::CONTENT_TYPE, content_type)
        .body(Full::new(body.into()))
        .unwrap_or_else(|_| Response::new(Full::new(Bytes::new())))
}

const TEXT: &str = "text/plain; charset=utf-8";
const EXPOSITION: &str = "text/plain; version=0.0.4; charset=utf-8";

/// Before the first window ends, /metrics says who answers and that no window ran yet.
fn first_window_pending() -> String {
    format!(
        "# HELP oncall_build_info The oncall build answering, by version\n\
         # TYPE oncall_build_info gauge\n\
         oncall_build_info{{version=\"{}\"}} 1\n\
         # HELP oncall_samples_total Triage windows completed since start\n\
         # TYPE oncall_samples_total counter\n\
         oncall_samples_total 0\n",
        env!("CARGO_PKG_VERSION")
    )
}

const INDEX: &str = "<html><head><title>oncall serve</title></head><body>\n\
<h1>oncall serve</h1>\n<ul>\n\
<li><a href=\"/metrics\">/metrics</a>: the last triage window</li>\n\
<li>/probe?target=…&amp;module=…: blackbox_exporter's probe</li>\n\
<li><a href=\"/triage\">/triage</a>: the last triage report (JSON; Markdown for Accept: text/markdown)</li>\n\
<li><a href=\"/-/healthy\">/-/healthy</a>, <a href=\"/-/ready\">/-/ready</a></li>\n\
</ul></body></html>\n";

/// Authentication first (as the exporter-toolkit wraps the whole handler), then the
/// endpoint, then the configured response headers — from the web config as it is now.
async fn guarded(state: Arc<State>, req: Request<Incoming>) -> Response<Full<Bytes>> {
    let web = state.web.current();
    if let Some(auth) = &web.auth {
        let header = req
            .headers()
            .get(hyper::header::AUTHORIZATION)
            .map(|v| v.as_bytes());
        if !auth.admits(header).await {
            let mut r = reply(401, TEXT, "Unauthorized\n");
            r.headers_mut().insert(
                hyper::header::WWW_AUTHENTICATE,
                HeaderValue::from_static("Basic"),
            );
            return r;
        }
    }
    let mut r = handle(state, req).await;
    for (k, v) in &web.headers {
        r.headers_mut().insert(k.clone(), v.clone());
    }
    r
}

async fn handle(state: Arc<State>, req: Request<Incoming>) -> Response<Full<Bytes>> {
    if req.method() != hyper::Method::GET && req.method() != hyper::Method::HEAD {
        return reply(405, TEXT, "only GET\n");
    }
    match req.uri().path() {
        "/" => reply(200, "text/html; charset=utf-8", INDEX),
        "/-/healthy" => reply(200, TEXT, "Healthy\n"),
        "/-/ready" => match state.latest.get() {
            Some(_) => reply(200, TEXT, "Ready\n"),
            None => reply(503, TEXT, "Not ready: the first triage window is running\n"),
        },
        "/metrics" => match state.latest.get() {
            Some(s) => reply(200, EXPOSITION, s.metrics.clone()),
            None => reply(200, EXPOSITION, first_window_pending()),
        },
        "/triage" => {
            let Some(s) = state.latest.get() else {
                return reply(503, TEXT, "the first triage window is running\n");
            };
            let markdown = req
                .headers()
                .get(hyper::header::ACCEPT)
                .and_then(|a| a.to_str().ok())
                .is_some_and(|a| a.contains("text/markdown"));
            if markdown {
                let mut out = Vec::new();
                match render::triage::render(&Ui::plain(Format::Markdown), &mut out, &s.report) {
                    Ok(()) => reply(200, "text/markdown; charset=utf-8", out),
                    Err(e) => reply(500, TEXT, format!("{e}\n")),
                }
            } else {
                match serde_json::to_vec_pretty(&s.report) {
                    Ok(j) => reply(200, "application/json", j),
                    Err(e) => reply(500, TEXT, format!("{e}\n")),
                }
            }
        }
        "/probe" => {
            let Ok(_permit) = state.probes.clone().try_acquire_owned() else {
                return reply(503, TEXT, "too many probes at once (--probe.concurrency)\n");
            };
            let scrape_timeout = req
                .headers()
                .get("x-prometheus-scrape-timeout-seconds")
                .and_then(|v| v.to_str().ok());
            let a = probe_endpoint::answer(
                req.uri().query().unwrap_or(""),
                scrape_timeout,
                &state.modules,
                &state.policy,
            )
            .await;
            reply(a.status, a.content_type, a.body)
        }
        _ => reply(404, TEXT, "404 page not found\n"),
    }
}

/// Accepts until SIGTERM or SIGINT, then stops accepting and returns (exit 0).
pub async fn serve(
    listener: tokio::net::TcpListener,
    state: Arc<State>,
    workers: Workers,
) -> std::io::Result<()> {
    use tokio::signal::unix::{signal, SignalKind};
    let mut term = signal(SignalKind::terminate())?;
    let mut int = signal(SignalKind::interrupt())?;
    loop {
        let (stream, _) = tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok(x) => x,
                // EMFILE and the like: wait a moment rather than spin.
                Err(_) => {
                    tokio::time::sleep(Duration::from_millis(50)).await;
                    continue;
                }
            },
            _ = term.recv() => return Ok(()),
            _ = int.recv() => return Ok(()),
        };
        // Over the limit, the connection is closed at once: old ones keep being served.
        let Ok(permit) = state.connections.clone().try_acquire_owned() else {
            drop(stream);
            continue;
        };
        // Off this thread's reactor, onto the worker's (an fd moves; nothing is copied).
        let Ok(stream) = stream.into_std() else {
            continue;
        };
        let state = state.clone();
        workers.next().spawn(async move {
            let _permit = permit;
            let Ok(stream) = tokio::net::TcpStream::from_std(stream) else {
                return;
            };
            // Responses are written whole: Nagle would only hold the next one back.
            let _ = stream.set_nodelay(true);
            // The web config as it is now (a stat per file; re-read only when changed).
            let web = state.web.current();
            let Some(tls) = web.tls.clone() else {
                return connection(stream, state).await;
            };
            let acceptor = TlsAcceptor::from(tls);
            // The handshake counts against the head's deadline: a client that opens a
            // connection and says nothing is let go as on plain HTTP.
            if let Ok(Some(stream)) =
                tokio::time::timeout(HEADER_TIMEOUT, handshake(&acceptor, stream)).await
            {
                connection(stream, state).await;
            }
        });
    }
}

/// Request methods plain HTTP starts with (Go's test in net/http before its 400 line).
fn looks_like_http(first: &[u8]) -> bool {
    [b"GET /", b"HEAD ", b"POST ", b"PUT /", b"OPTIO"]
        .iter()
        .any(|m| first.starts_with(&m[..first.len().min(5)]) && !first.is_empty())
}

/// A TLS handshake, or None. A client speaking plain HTTP to the TLS port (the first byte
/// is not a TLS handshake record) gets Go's own answer, so `curl http://` says what is wrong
/// instead of a reset.
async fn handshake(
    acceptor: &TlsAcceptor,
    stream: tokio::net::TcpStream,
) -> Option<tokio_rustls::server::TlsStream<tokio::net::TcpStream>> {
    let mut first = [0u8; 5];
    let n = stream.peek(&mut first).await.ok()?;
    if n == 0 {
        return None;
    }
    // 0x16: a TLS handshake record (a ClientHello).
    if first[0] != 0x16 {
        if looks_like_http(&first[..n]) {
            let mut stream = stream;
            let _ = stream
                .write_all(
                    b"HTTP/1.0 400 Bad Request\r\n\r\nClient sent an HTTP request to an HTTPS server.\n",
                )
                .await;
            let _ = stream.shutdown().await;
        }
        return None;
    }
    acceptor.accept(stream).await.ok()
}

async fn connection<I>(io: I, state: Arc<State>)
where
    I: AsyncRead + AsyncWrite + Unpin + Send + 'static,
{
    let service = hyper::service::service_fn(move |req| {
        let state = state.clone();
        async move { Ok::<_, Infallible>(guarded(state, req).await) }
    });
    let mut builder = hyper::server::conn::http1::Builder::new();
    builder
        .timer(TokioTimer::new())
        .header_read_timeout(HEADER_TIMEOUT)
        .max_buf_size(64 * 1024);
    let conn = builder.serve_connection(TokioIo::new(io), service);
    let _ = tokio::time::timeout(CONNECTION_LIFETIME, conn).await;
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plain_http_is_told_apart_from_a_client_hello() {
        assert!(looks_like_http(b"GET /"));
        assert!(looks_like_http(b"HEAD "));
        assert!(looks_like_http(b"GE"));
        assert!(!looks_like_http(b"\x16\x03\x01\x02\x00"));
        assert!(!looks_like_http(b"SSH-2"));
        assert!(!looks_like_http(b""));
    }
}
