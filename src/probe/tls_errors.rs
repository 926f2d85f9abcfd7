//! TLS failures in words a person reads, instead of rustls' enum names:
//! `CaUsedAsEndEntity` → "self-signed certificate"; an expiry in seconds → "certificate
//! expired on 2026-11-21 (10 days ago)"; a plain-HTTP port behind `https://` → "the server
//! answered in plain HTTP, not TLS". `FirstBytes` keeps the first bytes the server sent, which
//! is how the last case is told from other garbage.

use super::clock;
use rustls::{CertificateError, Error, InvalidMessage};
use std::io;
use std::pin::Pin;
use std::sync::{Arc, Mutex};
use std::task::{Context, Poll};
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};

/// What the server's leaf said about itself, for words that name it.
#[derive(Debug, Default, Clone)]
pub struct Leaf {
    pub subject: String,
    pub issuer: String,
    /// Only the leaf was sent.
    pub alone: bool,
}

impl Leaf {
    fn self_signed(&self) -> bool {
        !self.subject.is_empty() && self.subject == self.issuer
    }
}

const DAY: i64 = 86_400;

fn date(unix: i64) -> String {
    clock::rfc3339(unix)[..10].to_string()
}

/// "certificate expired on 2026-11-21 (10 days ago)".
pub fn expired(not_after: i64, now: i64) -> String {
    let days = (now - not_after) / DAY;
    let ago = match days {
        0 => "less than a day ago".to_string(),
        1 => "1 day ago".to_string(),
        n => format!("{n} days ago"),
    };
    format!("certificate expired on {} ({ago})", date(not_after))
}

/// "certificate not valid until 2026-12-24 (in 3 days)".
pub fn not_yet_valid(not_before: i64, now: i64) -> String {
    let days = (not_before - now) / DAY;
    let when = match days {
        0 => "in less than a day".to_string(),
        1 => "in 1 day".to_string(),
        n => format!("in {n} days"),
    };
    format!("certificate not valid until {} ({when})", date(not_before))
}

/// A certificate the verifier refused.
pub fn certificate(e: &Error, leaf: &Leaf) -> String {
    let Error::InvalidCertificate(ce) = e else {
        return e.to_string();
    };
    let secs = |t: &rustls::pki_types::UnixTime| i64::try_from(t.as_secs()).unwrap_or(i64::MAX);
    match ce {
        CertificateError::ExpiredContext { time, not_after } => {
            expired(secs(not_after), secs(time))
        }
        CertificateError::Expired => "certificate expired".into(),
        CertificateError::NotValidYetContext { time, not_before } => {
            not_yet_valid(secs(not_before), secs(time))
        }
        CertificateError::NotValidYet => "certificate not valid yet".into(),
        CertificateError::UnknownIssuer if leaf.self_signed() && leaf.alone => {
            "self-signed certificate (not trusted; --cacert FILE trusts it)".into()
        }
        CertificateError::UnknownIssuer => format!(
            "unknown issuer: {} is not a trusted CA (system roots; --cacert FILE trusts another)",
            if leaf.issuer.is_empty() {
                "the issuer"
            } else {
                &leaf.issuer
            }
        ),
        CertificateError::NotValidForNameContext {
            expected,
            presented,
        } => format!(
            "certificate names {}, not {}",
            if presented.is_empty() {
                "no host".to_string()
            } else {
                presented.join(", ")
            },
            expected.to_str()
        ),
        CertificateError::NotValidForName => "certificate is for another name".into(),
        CertificateError::Revoked => "certificate revoked".into(),
        CertificateError::BadSignature => "certificate signature does not verify".into(),
        // webpki's own reasons come wrapped in `Other`; only their Debug names them.
        CertificateError::Other(other) => {
            let name = format!("{other:?}");
            if name.contains("CaUsedAsEndEntity") {
                "self-signed certificate (not trusted; --cacert FILE trusts it)".into()
            } else {
                e.to_string()
            }
        }
        _ => e.to_string(),
    }
}

/// A handshake that failed for a reason other than the certificate: `first` is what the
/// server sent first (see `FirstBytes`).
pub fn handshake(e: &io::Error, first: &[u8]) -> String {
    let rustls_error = e.get_ref().and_then(|i| i.downcast_ref::<Error>());
    let not_tls = matches!(
        rustls_error,
        Some(Error::InvalidMessage(InvalidMessage::InvalidContentType))
    ) || (e.kind() == io::ErrorKind::InvalidData
        && !first.is_empty()
        && first[0] != 0x16
        && first[0] != 0x15);
    if not_tls {
        // A status line, or the HTML error page an HTTP/0.9-style answer starts with (Python's
        // http.server answers a ClientHello so).
        return if first.starts_with(b"HTTP/") || first.starts_with(b"<") {
            "the server answered in plain HTTP, not TLS (try http://)".into()
        } else {
            "the server did not answer in TLS (a plain-text service on this port?)".into()
        };
    }
    format!(
        "TLS handshake failed: {}",
        match rustls_error {
            Some(r) => r.to_string(),
            None => super::connect::short_io_error(e),
        }
    )
}

/// A stream that keeps a copy of the first bytes read from it.
pub struct FirstBytes<S> {
    inner: S,
    seen: Arc<Mutex<Vec<u8>>>,
}

const KEEP: usize = 16;

impl<S> FirstBytes<S> {
    pub fn new(inner: S) -> (FirstBytes<S>, Arc<Mutex<Vec<u8>>>) {
        let seen = Arc::new(Mutex::new(Vec::new()));
        (
            FirstBytes {
                inner,
                seen: seen.clone(),
            },
            seen,
        )
    }

    pub fn get_ref(&self) -> &S {
        &self.inner
    }
}

impl<S: AsyncRead + Unpin> AsyncRead for FirstBytes<S> {
    fn poll_read(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        let before = buf.filled().len();
        let r = Pin::new(&mut self.inner).poll_read(cx, buf);
        let mut seen = self.seen.lock().unwrap_or_else(|p| p.into_inner());
        if seen.len() < KEEP {
            let new = &buf.filled()[before..];
            let room = KEEP - seen.len();
            seen.extend_from_slice(&new[..new.len().min(room)]);
        }
        r
    }
}

impl<S: AsyncWrite + Unpin> AsyncWrite for FirstBytes<S> {
    fn poll_write(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        Pin::new(&mut self.inner).poll_write(cx, buf)
    }

    fn poll_flush(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.inner).poll_flush(cx)
    }

    fn poll_shutdown(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.inner).poll_shutdown(cx)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn expiry_in_days_and_dates() {
        let not_after = clock::unix_from_parts(2026, 11, 21, 12, 0, 0);
        assert_eq!(
            expired(not_after, not_after + 10 * DAY + 5),
            "certificate expired on 2026-11-21 (10 days ago)"
        );
        assert_eq!(
            expired(not_after, not_after + 60),
            "certificate expired on 2026-11-21 (less than a day ago)"
        );
        assert_eq!(
            not_yet_valid(not_after, not_after - 3 * DAY - 1),
            "certificate not valid until 2026-11-21 (in 3 days)"
        );
    }
}
