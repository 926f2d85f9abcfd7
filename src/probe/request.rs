//! The request a probe sends: origin-form path and Host for HTTP/1.1, an absolute URI for
//! HTTP/2 (hyper derives :authority from it), our User-Agent, then the user's headers.

use super::target::{Scheme, Target};
use bytes::Bytes;
use http_body_util::Full;
use hyper::header::{HeaderName, HeaderValue, HOST, USER_AGENT};
use hyper::{Method, Request};

pub const USER_AGENT_VALUE: &str = concat!("oncall-probe/", env!("CARGO_PKG_VERSION"));

pub fn build(
    target: &Target,
    method: Method,
    path: &str,
    h2: bool,
    headers: &[(HeaderName, HeaderValue)],
    body: Bytes,
) -> Result<Request<Full<Bytes>>, String> {
    let uri = if h2 {
        let scheme = match target.scheme {
            Scheme::Https | Scheme::Grpcs => "https",
            _ => "http",
        };
        format!("{scheme}://{}{path}", target.authority)
    } else {
        path.to_string()
    };
    let mut b = Request::builder().method(method).uri(uri);
    if !h2 {
        b = b.header(HOST, target.authority.as_str());
    }
    b = b
        .header(USER_AGENT, USER_AGENT_VALUE)
        .header("accept", "*/*");
    let mut req = b.body(Full::new(body)).map_err(|e| e.to_string())?;
    for (name, value) in headers {
        if *name == HOST && h2 {
            continue;
        }
        req.headers_mut().insert(name.clone(), value.clone());
    }
    Ok(req)
}
