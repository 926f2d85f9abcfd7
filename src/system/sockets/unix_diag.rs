//! UNIX sockets over sock_diag (unix_diag): request names, peers and queue lengths, decode
//! `unix_diag_msg`, then name each socket's remote end after its peer.

use super::model::{Endpoint, Family, Proto, Socket};
use super::netlink::{attributes, Netlink};
use super::state::{State, StateSet};
use std::collections::HashMap;
use std::io;

const UDIAG_SHOW_NAME: u32 = 0x01;
const UDIAG_SHOW_PEER: u32 = 0x04;
const UDIAG_SHOW_RQLEN: u32 = 0x10;
const UNIX_DIAG_NAME: u16 = 0;
const UNIX_DIAG_PEER: u16 = 2;
const UNIX_DIAG_RQLEN: u16 = 4;
/// `struct unix_diag_msg`: family, type, state, pad, inode, cookie.
const MSG_LEN: usize = 16;

pub fn request(states: StateSet) -> Vec<u8> {
    let mut r = vec![0u8; 24];
    r[0] = libc::AF_UNIX as u8;
    r[4..8].copy_from_slice(&states.kernel_mask().to_ne_bytes());
    r[12..16]
        .copy_from_slice(&(UDIAG_SHOW_NAME | UDIAG_SHOW_PEER | UDIAG_SHOW_RQLEN).to_ne_bytes());
    r
}

/// A decoded UNIX socket and its peer's inode (0 when unconnected).
pub struct Decoded {
    pub socket: Socket,
    pub peer: u64,
}

pub fn dump(nl: &mut Netlink, states: StateSet, out: &mut Vec<Socket>) -> io::Result<()> {
    let mut found = Vec::new();
    nl.dump(&request(states), |m| found.extend(decode(m)))?;
    name_peers(&mut found);
    out.extend(found.into_iter().map(|d| d.socket));
    Ok(())
}

pub fn decode(m: &[u8]) -> Option<Decoded> {
    if m.len() < MSG_LEN {
        return None;
    }
    let proto = match i32::from(m[1]) {
        libc::SOCK_STREAM => Proto::UnixStream,
        libc::SOCK_DGRAM => Proto::UnixDgram,
        libc::SOCK_SEQPACKET => Proto::UnixSeqpacket,
        _ => return None,
    };
    let state = State::from_kernel(m[2])?;
    let inode = u64::from(u32::from_ne_bytes([m[4], m[5], m[6], m[7]]));
    let (mut name, mut peer, mut rq, mut wq) = (None, 0u64, 0u32, 0u32);
    for (kind, v) in attributes(&m[MSG_LEN..]) {
        match kind {
            UNIX_DIAG_NAME => name = unix_name(v),
            UNIX_DIAG_PEER if v.len() >= 4 => {
                peer = u64::from(u32::from_ne_bytes([v[0], v[1], v[2], v[3]]))
            }
            UNIX_DIAG_RQLEN if v.len() >= 8 => {
                rq = u32::from_ne_bytes([v[0], v[1], v[2], v[3]]);
                wq = u32::from_ne_bytes([v[4], v[5], v[6], v[7]]);
            }
            _ => {}
        }
    }
    Some(Decoded {
        socket: Socket {
            proto,
            family: Family::Unix,
            state,
            local: Endpoint::Unix(name),
            remote: Endpoint::Unix(None),
            recv_q: rq,
            send_q: wq,
            uid: None,
            inode,
            pid: None,
            process: None,
            runs_in: None,
        },
        peer,
    })
}

/// A path, or `@name` for the abstract namespace (a leading NUL), as `ss` prints it.
pub fn unix_name(v: &[u8]) -> Option<String> {
    match v.split_first() {
        None => None,
        Some((0, rest)) => Some(format!("@{}", String::from_utf8_lossy(rest))),
        Some(_) => {
            let end = v.iter().position(|b| *b == 0).unwrap_or(v.len());
            Some(String::from_utf8_lossy(&v[..end]).into_owned())
        }
    }
}

/// The remote end of a connected UNIX socket is its peer's name, when the peer has one.
pub fn name_peers(found: &mut [Decoded]) {
    let names: HashMap<u64, String> = found
        .iter()
        .filter_map(|d| match &d.socket.local {
            Endpoint::Unix(Some(n)) => Some((d.socket.inode, n.clone())),
            _ => None,
        })
        .collect();
    for d in found.iter_mut() {
        if let Some(n) = names.get(&d.peer) {
            d.socket.remote = Endpoint::Unix(Some(n.clone()));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_paths_or_abstract() {
        assert_eq!(unix_name(b"/run/x.sock\0").as_deref(), Some("/run/x.sock"));
        assert_eq!(unix_name(b"\0hidden").as_deref(), Some("@hidden"));
        assert_eq!(unix_name(b""), None);
    }

    #[test]
    fn decodes_a_message_with_attributes() {
        let mut m = vec![0u8; MSG_LEN];
        m[0] = libc::AF_UNIX as u8;
        m[1] = libc::SOCK_STREAM as u8;
        m[2] = 10;
        m[4..8].copy_from_slice(&77u32.to_ne_bytes());
        // UNIX_DIAG_NAME "/a" (len 6, padded to 8), then UNIX_DIAG_RQLEN.
        m.extend_from_slice(&6u16.to_ne_bytes());
        m.extend_from_slice(&UNIX_DIAG_NAME.to_ne_bytes());
        m.extend_from_slice(b"/a\0\0");
        m.extend_from_slice(&12u16.to_ne_bytes());
        m.extend_from_slice(&UNIX_DIAG_RQLEN.to_ne_bytes());
        m.extend_from_slice(&2u32.to_ne_bytes());
        m.extend_from_slice(&16u32.to_ne_bytes());
        for cut in 0..m.len() {
            let _ = decode(&m[..cut]); // a truncated message is refused or read in part
        }
        let d = decode(&m).unwrap();
        assert_eq!(d.socket.proto, Proto::UnixStream);
        assert_eq!(d.socket.state, State::Listen);
        assert_eq!(d.socket.local.to_string(), "/a");
        assert_eq!(
            (d.socket.recv_q, d.socket.send_q, d.socket.inode),
            (2, 16, 77)
        );
    }
}
