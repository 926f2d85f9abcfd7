//! A TLS stream that takes a missing close_notify as the end of the stream, as curl does.
//!
//! Many servers (Python's `http.server` behind `ssl.wrap_socket`, embedded ones) end an
//! HTTP/1.0 body that is delimited by the close by closing the TCP connection without
//! sending TLS close_notify. rustls reports that as an `UnexpectedEof` error, which would
//! turn a complete answer into a failed probe. Here it becomes a plain end of stream, and
//! the fact is recorded: hyper still knows the framing, so a body that had a Content-Length
//! or chunked framing with bytes still due fails as incomplete, while a close-delimited one
//! is accepted and the tls check says how it ended.

use std::io;
use std::pin::Pin;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::task::{Context, Poll};
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};

pub struct Lenient<S> {
    inner: S,
    missing: Arc<AtomicBool>,
}

impl<S> Lenient<S> {
    /// The stream, and the flag that turns true if the peer closed without close_notify.
    pub fn new(inner: S) -> (Lenient<S>, Arc<AtomicBool>) {
        let missing = Arc::new(AtomicBool::new(false));
        (
            Lenient {
                inner,
                missing: missing.clone(),
            },
            missing,
        )
    }
}

/// Whether the flag of `new` was set.
pub fn was_missing(flag: &Option<Arc<AtomicBool>>) -> bool {
    flag.as_ref().is_some_and(|f| f.load(Ordering::Relaxed))
}

impl<S: AsyncRead + Unpin> AsyncRead for Lenient<S> {
    fn poll_read(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        match Pin::new(&mut self.inner).poll_read(cx, buf) {
            Poll::Ready(Err(e)) if e.kind() == io::ErrorKind::UnexpectedEof => {
                self.missing.store(true, Ordering::Relaxed);
                // Nothing filled: an end of stream.
                Poll::Ready(Ok(()))
            }
            other => other,
        }
    }
}

impl<S: AsyncWrite + Unpin> AsyncWrite for Lenient<S> {
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
