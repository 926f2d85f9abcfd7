//! A raw NETLINK_SOCK_DIAG socket: send one dump request, hand each answer message to a
//! callback straight from the receive buffer (no copy, no allocation per socket).
//!
//! Why our own thin layer instead of netlink-sys + netlink-packet-sock-diag: those crates
//! decode every message into owned structs (and have no builder for the kernel-side
//! bytecode filter `--port` needs); ss-class speed on 20,000 sockets wants the messages
//! read in place. The whole protocol here is a header, a request struct and a loop.

use std::io;
use std::os::fd::{AsRawFd, FromRawFd, OwnedFd};

const NETLINK_SOCK_DIAG: libc::c_int = 4;
pub const SOCK_DIAG_BY_FAMILY: u16 = 20;
const NLMSG_ERROR: u16 = 2;
const NLMSG_DONE: u16 = 3;
const NLM_F_REQUEST: u16 = 0x1;
const NLM_F_DUMP: u16 = 0x300;
pub const NLMSG_HDRLEN: usize = 16;
/// The kernel sends dump messages in chunks of at most 32 KiB; a bigger buffer is never filled.
const RECV_BUF: usize = 64 * 1024;

pub struct Netlink {
    fd: OwnedFd,
    seq: u32,
    buf: Vec<u8>,
}

impl Netlink {
    pub fn open() -> io::Result<Netlink> {
        // SAFETY: plain socket(2); the result is checked before it is owned.
        let fd = unsafe {
            libc::socket(
                libc::AF_NETLINK,
                libc::SOCK_RAW | libc::SOCK_CLOEXEC,
                NETLINK_SOCK_DIAG,
            )
        };
        if fd < 0 {
            return Err(io::Error::last_os_error());
        }
        Ok(Netlink {
            // SAFETY: fd is a fresh descriptor we own.
            fd: unsafe { OwnedFd::from_raw_fd(fd) },
            seq: 0,
            buf: vec![0; RECV_BUF],
        })
    }

    /// Sends `payload` (a sock_diag request, its attributes included) as a dump request and
    /// calls `on_message` with the payload of every answer until the kernel says done.
    pub fn dump(&mut self, payload: &[u8], on_message: impl FnMut(&[u8])) -> io::Result<()> {
        self.dump_as(SOCK_DIAG_BY_FAMILY, payload, on_message)
    }

    /// `dump` with another request type (inet_diag's older `TCPDIAG_GETSOCK`); the kernel
    /// answers with messages of the request's own type.
    pub fn dump_as(
        &mut self,
        kind_asked: u16,
        payload: &[u8],
        mut on_message: impl FnMut(&[u8]),
    ) -> io::Result<()> {
        self.seq = self.seq.wrapping_add(1);
        let mut req = Vec::with_capacity(NLMSG_HDRLEN + payload.len());
        req.extend_from_slice(&((NLMSG_HDRLEN + payload.len()) as u32).to_ne_bytes());
        req.extend_from_slice(&kind_asked.to_ne_bytes());
        req.extend_from_slice(&(NLM_F_REQUEST | NLM_F_DUMP).to_ne_bytes());
        req.extend_from_slice(&self.seq.to_ne_bytes());
        req.extend_from_slice(&0u32.to_ne_bytes());
        req.extend_from_slice(payload);
        // SAFETY: req is a valid buffer of req.len() bytes; an unconnected netlink socket
        // sends to the kernel.
        let sent = unsafe { libc::send(self.fd.as_raw_fd(), req.as_ptr().cast(), req.len(), 0) };
        if sent < 0 {
            return Err(io::Error::last_os_error());
        }
        loop {
            let n = self.recv()?;
            let mut at = 0;
            while at + NLMSG_HDRLEN <= n {
                let b = &self.buf[at..n];
                let len = u32::from_ne_bytes([b[0], b[1], b[2], b[3]]) as usize;
                let kind = u16::from_ne_bytes([b[4], b[5]]);
                let seq = u32::from_ne_bytes([b[8], b[9], b[10], b[11]]);
                if len < NLMSG_HDRLEN || len > b.len() {
                    return Err(io::Error::new(
                        io::ErrorKind::InvalidData,
                        "malformed netlink message",
                    ));
                }
                if seq == self.seq {
                    match kind {
                        NLMSG_DONE => return Ok(()),
                        NLMSG_ERROR => {
                            let code = b
                                .get(NLMSG_HDRLEN..NLMSG_HDRLEN + 4)
                                .map(|c| i32::from_ne_bytes([c[0], c[1], c[2], c[3]]))
                                .unwrap_or(-libc::EIO);
                            if code != 0 {
                                return Err(io::Error::from_raw_os_error(-code));
                            }
                        }
                        k if k == kind_asked => on_message(&b[NLMSG_HDRLEN..len]),
                        _ => {}
                    }
                }
                at += align4(len);
            }
        }
    }

    fn recv(&mut self) -> io::Result<usize> {
        loop {
            // SAFETY: buf is a valid writable buffer of buf.len() bytes.
            let n = unsafe {
                libc::recv(
                    self.fd.as_raw_fd(),
                    self.buf.as_mut_ptr().cast(),
                    self.buf.len(),
                    0,
                )
            };
            if n >= 0 {
                return Ok(n as usize);
            }
            let e = io::Error::last_os_error();
            if e.kind() != io::ErrorKind::Interrupted {
                return Err(e);
            }
        }
    }
}

pub fn align4(n: usize) -> usize {
    (n + 3) & !3
}

/// Netlink attributes (`struct rtattr`: u16 length, u16 type, value) after a fixed-size
/// message body: yields (type, value).
pub fn attributes(mut b: &[u8]) -> impl Iterator<Item = (u16, &[u8])> {
    std::iter::from_fn(move || {
        if b.len() < 4 {
            return None;
        }
        let len = u16::from_ne_bytes([b[0], b[1]]) as usize;
        let kind = u16::from_ne_bytes([b[2], b[3]]);
        if len < 4 || len > b.len() {
            return None;
        }
        let value = &b[4..len];
        b = &b[align4(len).min(b.len())..];
        Some((kind, value))
    })
}
