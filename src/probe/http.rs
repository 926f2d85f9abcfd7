//! One HTTP exchange over a connection `dial` opened: hyper's client connection (HTTP/1.1,
//! or HTTP/2 when ALPN chose it or gRPC needs it), time to the response headers (ttfb),
//! and the body read up to a cap.

use super::deadline::Deadline;
use super::dial::Io;
use bytes::Bytes;
use http_body_util::{BodyExt, Full};
use hyper::client::conn::{http1, http2};
use hyper::{HeaderMap, Request};
use hyper_util::rt::{TokioExecutor, TokioIo};
use std::time::{Duration, Instant};

enum Sender {
    H1(http1::SendRequest<Full<Bytes>>),
    H2(http2::SendRequest<Full<Bytes>>),
}

pub struct Conn {
    sender: Sender,
}

impl Conn {
    pub async fn handshake(io: Box<dyn Io>, h2: bool) -> Result<Conn, String> {
        let io = TokioIo::new(io);
        let sender = if h2 {
            let (s, conn) = http2::handshake(TokioExecutor::new(), io)
                .await
                .map_err(|e| format!("HTTP/2 handshake failed: {e}"))?;
            tokio::spawn(async move {
                let _ = conn.await;
            });
            Sender::H2(s)
        } else {
            let (s, conn) = http1::handshake(io)
                .await
                .map_err(|e| format!("HTTP/1.1 handshake failed: {e}"))?;
            tokio::spawn(async move {
                let _ = conn.await;
            });
            Sender::H1(s)
        };
        Ok(Conn { sender })
    }

    pub fn version(&self) -> &'static str {
        match self.sender {
            Sender::H1(_) => "HTTP/1.1",
            Sender::H2(_) => "HTTP/2",
        }
    }

    pub fn is_h2(&self) -> bool {
        matches!(self.sender, Sender::H2(_))
    }

    /// Sends `req`; `start` is the probe's start, from which ttfb and total are measured.
    /// Waiting for the head and reading the body are each bounded by `deadline`.
    pub async fn send(
        &mut self,
        req: Request<Full<Bytes>>,
        body_cap: usize,
        start: Instant,
        deadline: &Deadline,
    ) -> Result<Response, SendError> {
        let head = async {
            match &mut self.sender {
                Sender::H1(s) => {
                    s.ready()
                        .await
                        .map_err(|e| format!("connection closed: {e}"))?;
                    s.send_request(req).await
                }
                Sender::H2(s) => {
                    s.ready()
                        .await
                        .map_err(|e| format!("connection closed: {e}"))?;
                    s.send_request(req).await
                }
            }
            .map_err(|e| format!("request failed: {}", error_chain(&e)))
        };
        let resp = tokio::time::timeout_at(deadline.at, head)
            .await
            .map_err(|_| SendError::TimedOut("waiting for the response head".into()))??;
        let ttfb = start.elapsed();
        let status = resp.status().as_u16();
        let (parts, mut body) = resp.into_parts();
        let mut kept = Vec::new();
        let mut body_bytes = 0u64;
        let mut truncated = false;
        let mut trailers = None;
        loop {
            let frame = match tokio::time::timeout_at(deadline.at, body.frame()).await {
                Ok(Some(frame)) => frame,
                Ok(None) => break,
                Err(_) => {
                    return Err(SendError::TimedOut(format!(
                        "{status} received, reading the body ({body_bytes} bytes so far)"
                    )))
                }
            };
            let frame = frame.map_err(|e| format!("reading the body: {}", error_chain(&e)))?;
            match frame.into_data() {
                Ok(data) => {
                    body_bytes += data.len() as u64;
                    let room = body_cap.saturating_sub(kept.len());
                    kept.extend_from_slice(&data[..data.len().min(room)]);
                    if body_bytes > body_cap as u64 {
                        // Past the cap: stop reading; the connection is dropped with us.
                        truncated = true;
                        break;
                    }
                }
                Err(frame) => {
                    if let Ok(t) = frame.into_trailers() {
                        trailers = Some(t);
                    }
                }
            }
        }
        Ok(Response {
            status,
            headers: parts.headers,
            body: kept,
            body_bytes,
            truncated,
            trailers,
            ttfb,
            total: start.elapsed(),
        })
    }
}

/// Why an exchange gave no response: it failed, or `deadline` came while it was doing the
/// thing named (the caller adds what came before: "connected in 0.2ms, …").
#[derive(Debug)]
pub enum SendError {
    Failed(String),
    TimedOut(String),
}

impl From<String> for SendError {
    fn from(s: String) -> SendError {
        SendError::Failed(s)
    }
}

impl SendError {
    /// One line: the failure, or the timeout with `deadline`'s budget.
    pub fn message(self, deadline: &Deadline) -> String {
        match self {
            SendError::Failed(s) => s,
            SendError::TimedOut(doing) => deadline.message(&doing),
        }
    }
}

pub struct Response {
    pub status: u16,
    pub headers: HeaderMap,
    pub body: Vec<u8>,
    pub body_bytes: u64,
    pub truncated: bool,
    pub trailers: Option<HeaderMap>,
    pub ttfb: Duration,
    pub total: Duration,
}

/// hyper's errors say "error sending request" and hide the cause one level down.
fn error_chain(e: &dyn std::error::Error) -> String {
    let mut s = e.to_string();
    let mut cur = e.source();
    while let Some(c) = cur {
        s.push_str(": ");
        s.push_str(&c.to_string());
        cur = c.source();
    }
    s
}
