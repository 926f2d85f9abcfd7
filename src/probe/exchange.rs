//! A single request for the balancer and gateway views: on a fresh connection (the default,
//! so a load balancer chooses again) or on one kept alive across calls (`--reuse`). The
//! caller passes every header to send, so "without credentials" means exactly that.

use super::deadline::Deadline;
use super::dial;
use super::http::{Conn, Response};
use super::run::{dial_spec, ALPN_HTTP};
use super::target::Target;
use super::{request, Ctx};
use bytes::Bytes;
use hyper::header::{HeaderName, HeaderValue};
use hyper::Method;
use std::time::Instant;

/// Holds the kept-alive connection between calls when reuse is on.
#[derive(Default)]
pub struct Session {
    pub reuse: bool,
    conn: Option<Conn>,
}

impl Session {
    pub fn new(reuse: bool) -> Session {
        Session { reuse, conn: None }
    }
}

pub async fn fetch(
    ctx: &Ctx,
    t: &Target,
    session: &mut Session,
    method: Method,
    headers: &[(HeaderName, HeaderValue)],
) -> Result<Response, String> {
    let deadline = Deadline::after(ctx.opts.timeout);
    let work = async {
        let start = Instant::now();
        let mut conn = match session.conn.take() {
            Some(c) => c,
            None => {
                let d = dial::dial(dial_spec(ctx, t, None, ALPN_HTTP, deadline)).await;
                let h2 = d.alpn_h2();
                Conn::handshake(d.stream?, h2).await?
            }
        };
        let req = request::build(t, method, &t.path, conn.is_h2(), headers, Bytes::new())?;
        let resp = conn
            .send(req, ctx.opts.body_cap, start, &deadline)
            .await
            .map_err(|e| e.message(&deadline))?;
        if session.reuse {
            session.conn = Some(conn);
        }
        Ok(resp)
    };
    // The steps are bound by the deadline; this catches any await that is not.
    match tokio::time::timeout(
        ctx.opts.timeout + std::time::Duration::from_millis(500),
        work,
    )
    .await
    {
        Ok(r) => r,
        Err(_) => Err(format!(
            "timed out after {}ms (--timeout)",
            ctx.opts.timeout.as_millis()
        )),
    }
}
