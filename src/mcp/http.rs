//! `oncall mcp --http ADDR`: the same server over MCP's Streamable HTTP transport (rmcp's
//! `StreamableHttpService`, served by hyper as `oncall serve` is), at `/mcp`.
//!
//! A browser page can reach a server on loopback, so three gates stand before rmcp sees a
//! request: the bearer token (compared as SHA-256 digests, so the comparison's time says
//! nothing of the token), then rmcp's own `Host` check (DNS rebinding: only loopback names and
//! the bound address, plus `--allow-host`) and its `Origin` check (any `Origin` a browser sends
//! is refused unless `--allow-origin` names it).

use super::server::OncallServer;
use crate::error::Error;
use bytes::Bytes;
use http_body_util::{combinators::BoxBody, BodyExt, Full};
use hyper::{Request, Response, StatusCode};
use hyper_util::rt::{TokioIo, TokioTimer};
use rmcp::transport::streamable_http_server::session::local::LocalSessionManager;
use rmcp::transport::streamable_http_server::{StreamableHttpServerConfig, StreamableHttpService};
use std::convert::Infallible;
use std::net::{IpAddr, SocketAddr};
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

/// The one path the server answers on (what clients are told to register).
pub const PATH: &str = "/mcp";
/// A client has this long to send its request head (a slowloris holds no connection longer).
const HEADER_TIMEOUT: Duration = Duration::from_secs(10);
/// The largest JSON-RPC message a client may POST.
const MAX_BODY: usize = 1024 * 1024;

/// How `oncall mcp --http` is reached and who may call it.
#[derive(Debug, Clone)]
pub struct HttpOptions {
    pub listen: SocketAddr,
    pub auth: Auth,
    pub allow_hosts: Vec<String>,
    pub allow_origins: Vec<String>,
}

#[derive(Debug, Clone)]
pub enum Auth {
    /// The token in this file (trimmed; it must not be empty).
    TokenFile(PathBuf),
    /// A token made at start and told on stderr.
    Generated,
    /// `--no-auth`: loopback only.
    None,
}

impl HttpOptions {
    /// The token to require, or None for `--no-auth`; bad flags are usage errors.
    fn token(&self) -> Result<Option<String>, Error> {
        match &self.auth {
            Auth::None if !self.listen.ip().is_loopback() => Err(Error::usage(
                "--no-auth",
                format!(
                    "only on a loopback address ({} is reachable from other hosts)",
                    self.listen.ip()
                ),
            )),
            Auth::None => Ok(None),
            Auth::TokenFile(path) => {
                let text = std::fs::read_to_string(path)
                    .map_err(|e| Error::usage(format!("--token-file {}", path.display()), e))?;
                let token = text.trim();
                if token.is_empty() || token.chars().any(|c| c.is_whitespace() || c.is_control()) {
                    return Err(Error::usage(
                        format!("--token-file {}", path.display()),
                        "must hold one token (no spaces), not empty",
                    ));
                }
                Ok(Some(token.to_string()))
            }
            Auth::Generated => Ok(Some(generated_token()?)),
        }
    }

    /// Host names rmcp accepts in `Host`: loopback's, the bound address, and `--allow-host`.
    fn hosts(&self, bound: SocketAddr) -> Vec<String> {
        let mut hosts: Vec<String> = vec!["localhost".into(), "127.0.0.1".into(), "::1".into()];
        if !bound.ip().is_unspecified() {
            hosts.push(bound.ip().to_string());
        }
        hosts.extend(self.allow_hosts.iter().cloned());
        hosts
    }
}

/// 32 random bytes as hex, from the OS's generator (ring, already linked for TLS).
fn generated_token() -> Result<String, Error> {
    use ring::rand::SecureRandom;
    let mut bytes = [0u8; 32];
    ring::rand::SystemRandom::new()
        .fill(&mut bytes)
        .map_err(|_| Error::usage("mcp --http", "no randomness for a token"))?;
    Ok(bytes.iter().map(|b| format!("{b:02x}")).collect())
}

fn digest(bytes: &[u8]) -> ring::digest::Digest {
    ring::digest::digest(&ring::digest::SHA256, bytes)
}

/// Whether `Authorization: Bearer TOKEN` is there and right.
fn authorized<B>(req: &Request<B>, want: &Option<ring::digest::Digest>) -> bool {
    let Some(want) = want else { return true };
    let Some(value) = req.headers().get(hyper::header::AUTHORIZATION) else {
        return false;
    };
    let value = value.as_bytes();
    let Some(token) = value
        .strip_prefix(b"Bearer ")
        .or_else(|| value.strip_prefix(b"bearer "))
    else {
        return false;
    };
    digest(token).as_ref() == want.as_ref()
}

fn plain(status: StatusCode, text: &'static str) -> Response<BoxBody<Bytes, Infallible>> {
    let mut resp = Response::new(Full::new(Bytes::from_static(text.as_bytes())).boxed());
    *resp.status_mut() = status;
    resp.headers_mut().insert(
        hyper::header::CONTENT_TYPE,
        hyper::header::HeaderValue::from_static("text/plain; charset=utf-8"),
    );
    resp
}

/// Serves until SIGINT or SIGTERM; tells on stderr where, and the token if it made one.
pub async fn serve(server: OncallServer, opts: HttpOptions) -> Result<(), Error> {
    let token = opts.token()?;
    let listener = tokio::net::TcpListener::bind(opts.listen)
        .await
        .map_err(|e| Error::usage(format!("--http {}", opts.listen), e))?;
    let bound = listener.local_addr()?;
    let host = match bound.ip() {
        IpAddr::V6(ip) => format!("[{ip}]"),
        IpAddr::V4(ip) => ip.to_string(),
    };
    let url = format!("http://{host}:{}{PATH}", bound.port());
    match (&opts.auth, &token) {
        (Auth::Generated, Some(t)) => crate::render::stderr::line(format_args!(
            "oncall mcp: listening on {url}; send 'Authorization: Bearer {t}' (a token made now; --token-file FILE keeps one)"
        )),
        (_, Some(_)) => crate::render::stderr::line(format_args!(
            "oncall mcp: listening on {url}; bearer token from --token-file"
        )),
        (_, None) => crate::render::stderr::line(format_args!(
            "oncall mcp: listening on {url} with no token (--no-auth, loopback only)"
        )),
    }

    let shutdown = tokio_util::sync::CancellationToken::new();
    let config = StreamableHttpServerConfig::default()
        .with_allowed_hosts(opts.hosts(bound))
        .with_allowed_origins(opts.allow_origins.clone())
        .enforce_origin_validation()
        .with_max_request_body_bytes(MAX_BODY)
        .with_cancellation_token(shutdown.clone());
    let mcp = StreamableHttpService::new(
        move || Ok(server.clone()),
        Arc::new(LocalSessionManager::default()),
        config,
    );
    let want = Arc::new(token.as_deref().map(|t| digest(t.as_bytes())));

    let stop = stop_signal();
    tokio::pin!(stop);
    loop {
        let (stream, _) = tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok(a) => a,
                // Out of file descriptors and the like: the next accept may work.
                Err(_) => continue,
            },
            _ = &mut stop => break,
        };
        let mcp = mcp.clone();
        let want = want.clone();
        tokio::spawn(async move {
            let service = hyper::service::service_fn(move |req: Request<hyper::body::Incoming>| {
                let mcp = mcp.clone();
                let want = want.clone();
                async move {
                    if req.uri().path() != PATH {
                        return Ok::<_, Infallible>(plain(
                            StatusCode::NOT_FOUND,
                            "not found: the MCP endpoint is /mcp\n",
                        ));
                    }
                    if !authorized(&req, &want) {
                        let mut resp = plain(
                            StatusCode::UNAUTHORIZED,
                            "unauthorized: send 'Authorization: Bearer TOKEN'\n",
                        );
                        resp.headers_mut().insert(
                            hyper::header::WWW_AUTHENTICATE,
                            hyper::header::HeaderValue::from_static("Bearer"),
                        );
                        return Ok(resp);
                    }
                    Ok(mcp.handle(req).await)
                }
            });
            let mut builder = hyper::server::conn::http1::Builder::new();
            builder
                .timer(TokioTimer::new())
                .header_read_timeout(HEADER_TIMEOUT)
                .max_buf_size(64 * 1024);
            let _ = builder
                .serve_connection(TokioIo::new(stream), service)
                .await;
        });
    }
    shutdown.cancel();
    Ok(())
}

async fn stop_signal() {
    use tokio::signal::unix::{signal, SignalKind};
    let (Ok(mut term), Ok(mut int)) = (
        signal(SignalKind::terminate()),
        signal(SignalKind::interrupt()),
    ) else {
        return std::future::pending().await;
    };
    tokio::select! {
        _ = term.recv() => {},
        _ = int.recv() => {},
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn req(auth: Option<&str>) -> Request<()> {
        let mut b = Request::builder().uri("/mcp");
        if let Some(a) = auth {
            b = b.header("authorization", a);
        }
        b.body(()).unwrap()
    }

    #[test]
    fn only_the_right_bearer_token_passes() {
        let want = Some(digest(b"s3cret"));
        assert!(authorized(&req(Some("Bearer s3cret")), &want));
        assert!(!authorized(&req(Some("Bearer s3cre")), &want));
        assert!(!authorized(&req(Some("Basic s3cret")), &want));
        assert!(!authorized(&req(None), &want));
        assert!(authorized(&req(None), &None));
    }

    #[test]
    fn no_auth_is_refused_beyond_loopback() {
        let opts = |ip: &str| HttpOptions {
            listen: format!("{ip}:0").parse().unwrap(),
            auth: Auth::None,
            allow_hosts: vec![],
            allow_origins: vec![],
        };
        assert!(opts("127.0.0.1").token().unwrap().is_none());
        assert!(opts("0.0.0.0").token().is_err());
        assert!(opts("[::1]").token().unwrap().is_none());
    }

    #[test]
    fn generated_tokens_differ() {
        let a = generated_token().unwrap();
        assert_eq!(a.len(), 64);
        assert_ne!(a, generated_token().unwrap());
    }
}
