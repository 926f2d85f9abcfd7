//! gRPC health: `grpc.health.v1.Health/Check` over HTTP/2 (h2c for grpc://, TLS + ALPN h2
//! for grpcs://). The two messages are one field each, so they are encoded by hand here
//! rather than pulling tonic, prost and their code generation into the build.

use super::deadline::Deadline;
use super::dial;
use super::http::{Conn, SendError};
use super::report::{CheckResult, GrpcReport, ProbeResult};
use super::run::{dial_spec, from_dial, transport_checks};
use super::{request, Ctx, TargetSpec};
use bytes::Bytes;
use hyper::header::{HeaderName, HeaderValue};
use hyper::{HeaderMap, Method};
use std::net::IpAddr;

pub const HEALTH_CHECK_PATH: &str = "/grpc.health.v1.Health/Check";

/// HealthCheckRequest { string service = 1; } in a gRPC length-prefixed frame.
pub fn encode_request(service: &str) -> Vec<u8> {
    let mut msg = Vec::new();
    if !service.is_empty() {
        msg.push(0x0a); // field 1, wire type 2 (length-delimited)
        put_varint(&mut msg, service.len() as u64);
        msg.extend_from_slice(service.as_bytes());
    }
    frame(&msg)
}

/// A gRPC message frame: uncompressed flag, big-endian length, message.
pub fn frame(msg: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(5 + msg.len());
    out.push(0);
    out.extend_from_slice(&(msg.len() as u32).to_be_bytes());
    out.extend_from_slice(msg);
    out
}

pub fn put_varint(out: &mut Vec<u8>, mut v: u64) {
    while v >= 0x80 {
        out.push((v as u8) | 0x80);
        v >>= 7;
    }
    out.push(v as u8);
}

fn varint(buf: &[u8]) -> Option<(u64, &[u8])> {
    let mut v = 0u64;
    for (i, b) in buf.iter().enumerate().take(10) {
        v |= u64::from(b & 0x7f) << (7 * i);
        if b & 0x80 == 0 {
            return Some((v, &buf[i + 1..]));
        }
    }
    None
}

/// HealthCheckResponse { ServingStatus status = 1; } from the first frame of `body`.
/// Unknown fields are skipped, as protobuf requires; a missing status means UNKNOWN (0).
pub fn decode_response(body: &[u8]) -> Result<u64, String> {
    if body.len() < 5 {
        return Err("no response message".into());
    }
    if body[0] != 0 {
        return Err("compressed response (not requested)".into());
    }
    let len = u32::from_be_bytes([body[1], body[2], body[3], body[4]]) as usize;
    let mut msg = body.get(5..5 + len).ok_or("truncated response message")?;
    let mut status = 0;
    while !msg.is_empty() {
        let (key, rest) = varint(msg).ok_or("malformed message")?;
        msg = rest;
        match key & 7 {
            0 => {
                let (v, rest) = varint(msg).ok_or("malformed message")?;
                if key >> 3 == 1 {
                    status = v;
                }
                msg = rest;
            }
            1 => msg = msg.get(8..).ok_or("malformed message")?,
            2 => {
                let (l, rest) = varint(msg).ok_or("malformed message")?;
                msg = rest.get(l as usize..).ok_or("malformed message")?;
            }
            5 => msg = msg.get(4..).ok_or("malformed message")?,
            _ => return Err("malformed message".into()),
        }
    }
    Ok(status)
}

pub fn status_name(v: u64) -> &'static str {
    match v {
        0 => "UNKNOWN",
        1 => "SERVING",
        2 => "NOT_SERVING",
        3 => "SERVICE_UNKNOWN",
        _ => "UNRECOGNISED",
    }
}

fn grpc_status(headers: &HeaderMap, trailers: Option<&HeaderMap>) -> (Option<u32>, Option<String>) {
    // A trailers-only error response carries grpc-status in the headers.
    let find = |name: &str| {
        trailers
            .and_then(|t| t.get(name))
            .or_else(|| headers.get(name))
            .and_then(|v| v.to_str().ok())
            .map(str::to_string)
    };
    (
        find("grpc-status").and_then(|s| s.parse().ok()),
        find("grpc-message"),
    )
}

pub async fn attempt(
    ctx: &Ctx,
    spec: &TargetSpec,
    pin: Option<IpAddr>,
    deadline: Deadline,
) -> ProbeResult {
    let t = &spec.target;
    let d = dial::dial(dial_spec(ctx, t, pin, &[b"h2".as_slice()], deadline)).await;
    let mut r = from_dial(spec, &d);
    transport_checks(&mut r, &d);
    let mut report = GrpcReport {
        service: t.path.clone(),
        serving_status: None,
        grpc_status: None,
        grpc_message: None,
    };
    let progress = d.progress();
    let stream = match d.stream {
        Ok(s) => s,
        Err(ref e) => {
            r.error = Some(e.clone());
            r.grpc = Some(report);
            return r;
        }
    };
    let mut headers = vec![
        (
            HeaderName::from_static("content-type"),
            HeaderValue::from_static("application/grpc"),
        ),
        (
            HeaderName::from_static("te"),
            HeaderValue::from_static("trailers"),
        ),
    ];
    headers.extend(ctx.opts.headers.iter().cloned());
    let exchange = async {
        let mut conn = Conn::handshake(stream, true).await?;
        let req = request::build(
            t,
            Method::POST,
            HEALTH_CHECK_PATH,
            true,
            &headers,
            Bytes::from(encode_request(&t.path)),
        )?;
        conn.send(req, 64 * 1024, d.start, &deadline).await
    };
    let resp = match exchange.await {
        Ok(resp) => resp,
        Err(SendError::TimedOut(doing)) => {
            let e = deadline.message(&format!("{progress}, health check sent, {doing}"));
            r.error = Some(e.clone());
            r.checks.push(CheckResult::new("timeout", false, e));
            r.phases_ms.total = dial::since_ms(d.start);
            r.grpc = Some(report);
            return r;
        }
        Err(SendError::Failed(e)) => {
            r.error = Some(e.clone());
            r.checks.push(CheckResult::new("response", false, e));
            r.grpc = Some(report);
            return r;
        }
    };
    r.http_version = Some("HTTP/2");
    r.status = Some(resp.status);
    r.phases_ms.ttfb = (resp.ttfb.as_secs_f64() * 1e6).round() / 1e3;
    r.phases_ms.total = (resp.total.as_secs_f64() * 1e6).round() / 1e3;
    r.body_bytes = Some(resp.body_bytes);
    let (code, message) = grpc_status(&resp.headers, resp.trailers.as_ref());
    report.grpc_status = code;
    report.grpc_message = message.clone();
    let check = match code {
        Some(0) => match decode_response(&resp.body) {
            Ok(v) => {
                let name = status_name(v);
                report.serving_status = Some(name.to_string());
                CheckResult::new("grpc_serving", v == 1, name)
            }
            Err(e) => CheckResult::new("grpc_serving", false, e),
        },
        Some(c) => CheckResult::new(
            "grpc_serving",
            false,
            format!(
                "grpc-status {c} ({}){}",
                code_name(c),
                message.map(|m| format!(": {m}")).unwrap_or_default()
            ),
        ),
        None => CheckResult::new(
            "grpc_serving",
            false,
            format!(
                "HTTP {} without grpc-status: not a gRPC server?",
                resp.status
            ),
        ),
    };
    r.checks.push(check);
    r.grpc = Some(report);
    r
}

fn code_name(c: u32) -> &'static str {
    match c {
        0 => "OK",
        1 => "CANCELLED",
        2 => "UNKNOWN",
        3 => "INVALID_ARGUMENT",
        4 => "DEADLINE_EXCEEDED",
        5 => "NOT_FOUND",
        7 => "PERMISSION_DENIED",
        8 => "RESOURCE_EXHAUSTED",
        12 => "UNIMPLEMENTED",
        13 => "INTERNAL",
        14 => "UNAVAILABLE",
        16 => "UNAUTHENTICATED",
        _ => "other",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn request_bytes() {
        assert_eq!(encode_request(""), vec![0, 0, 0, 0, 0]);
        assert_eq!(
            encode_request("a.B"),
            vec![0, 0, 0, 0, 5, 0x0a, 3, b'a', b'.', b'B']
        );
    }

    #[test]
    fn responses() {
        assert_eq!(decode_response(&frame(&[0x08, 0x01])), Ok(1));
        assert_eq!(decode_response(&frame(&[0x08, 0x02])), Ok(2));
        assert_eq!(decode_response(&frame(&[])), Ok(0));
        // Unknown fields before the status are skipped.
        assert_eq!(
            decode_response(&frame(&[0x12, 0x01, 0x41, 0x08, 0x01])),
            Ok(1)
        );
        assert!(decode_response(&[0, 0, 0, 0, 9, 8]).is_err());
        assert!(decode_response(&frame(&[0x08])).is_err());
        assert!(decode_response(&[1, 0, 0, 0, 0]).is_err());
    }
}
