//! TCP and UDP sockets over sock_diag (inet_diag): the request, with the state mask and
//! the port program for the kernel to filter with, and the decoding of `inet_diag_msg`.

use super::bytecode;
use super::model::{Endpoint, Family, Proto, Socket};
use super::netlink::{align4, Netlink};
use super::state::{State, StateSet};
use std::io;
use std::net::{Ipv4Addr, Ipv6Addr, SocketAddr, SocketAddrV4, SocketAddrV6};

const INET_DIAG_REQ_BYTECODE: u16 = 1;
/// `struct inet_diag_msg`: family, state, timer, retrans, sockid (48), expires, rqueue,
/// wqueue, uid, inode.
const MSG_LEN: usize = 72;

/// The payload of one dump request: `struct inet_diag_req_v2`, then the filter program.
pub fn request(family: Family, proto: Proto, states: StateSet, port: Option<u16>) -> Vec<u8> {
    let mut r = vec![0u8; 56];
    r[0] = match family {
        Family::Ipv6 => libc::AF_INET6 as u8,
        _ => libc::AF_INET as u8,
    };
    r[1] = match proto {
        Proto::Udp => libc::IPPROTO_UDP as u8,
        _ => libc::IPPROTO_TCP as u8,
    };
    // A TCP socket in CLOSE is in no table sock_diag walks; asking for it anyway (as
    // `--listen`'s listen+unconn does) would make the kernel walk every established and
    // time-wait socket for nothing, where listen alone reads the listening table only.
    let states = match proto {
        Proto::Tcp => StateSet(states.0 & !State::Unconn.bit()),
        _ => states,
    };
    r[4..8].copy_from_slice(&states.kernel_mask().to_ne_bytes());
    if let Some(port) = port {
        let bc = bytecode::local_or_remote_port(port);
        let len = 4 + bc.len();
        r.extend_from_slice(&(len as u16).to_ne_bytes());
        r.extend_from_slice(&INET_DIAG_REQ_BYTECODE.to_ne_bytes());
        r.extend_from_slice(&bc);
        r.resize(56 + align4(len), 0);
    }
    r
}

/// inet_diag's first request type, TCP only. The kernel answers it with the family unset
/// (`inet_diag_dump_compat`: "AF_UNSPEC /* compatibility */"), so one walk of the TCP hash
/// tables returns IPv4 and IPv6 sockets together. That walk visits every bucket of the
/// established table, sized by RAM (262,144 buckets here): it was nearly all of a
/// `net` run, paid once per family by `ss` and by the v2 request.
const TCPDIAG_GETSOCK: u16 = 18;

/// `struct inet_diag_req` (the compat request): family, src_len, dst_len, ext, sockid (48),
/// states, dbs; then the filter program as for v2.
fn request_both_families(states: StateSet, port: Option<u16>) -> Vec<u8> {
    let v2 = request(Family::Ipv4, Proto::Tcp, states, port);
    let mut r = vec![0u8; 60];
    // v2 keeps the state mask at 4..8 and the sockid at 8..56; compat has sockid at 4..52.
    r[52..56].copy_from_slice(&v2[4..8]);
    r.extend_from_slice(&v2[56..]);
    r
}

/// TCP over IPv4 and IPv6 in one kernel walk, into `out` in the order two dumps give
/// (IPv4, then IPv6). An error (a kernel without the compat request) leaves `out` as it was,
/// for the caller to ask each family on its own.
pub fn dump_tcp_both_families(
    nl: &mut Netlink,
    states: StateSet,
    port: Option<u16>,
    out: &mut Vec<Socket>,
) -> io::Result<()> {
    let req = request_both_families(states, port);
    let (mut v4, mut v6) = (Vec::new(), Vec::new());
    nl.dump_as(TCPDIAG_GETSOCK, &req, |m| {
        if let Some(s) = decode(m, Proto::Tcp) {
            match s.family {
                Family::Ipv6 => v6.push(s),
                _ => v4.push(s),
            }
        }
    })?;
    out.append(&mut v4);
    out.append(&mut v6);
    Ok(())
}

/// Dumps one protocol of one family into `out`.
pub fn dump(
    nl: &mut Netlink,
    family: Family,
    proto: Proto,
    states: StateSet,
    port: Option<u16>,
    out: &mut Vec<Socket>,
) -> io::Result<()> {
    let req = request(family, proto, states, port);
    nl.dump(&req, |m| {
        if let Some(s) = decode(m, proto) {
            out.push(s);
        }
    })
}

/// Decodes one `inet_diag_msg`; `None` for a message too short or of an unknown state.
pub fn decode(m: &[u8], proto: Proto) -> Option<Socket> {
    if m.len() < MSG_LEN {
        return None;
    }
    let u32_at = |i: usize| u32::from_ne_bytes([m[i], m[i + 1], m[i + 2], m[i + 3]]);
    let state = State::from_kernel(m[1])?;
    let sport = u16::from_be_bytes([m[4], m[5]]);
    let dport = u16::from_be_bytes([m[6], m[7]]);
    let ifindex = u32_at(40);
    let (family, local, remote) = if m[0] as i32 == libc::AF_INET6 {
        let src = ipv6(&m[8..24]);
        let dst = ipv6(&m[24..40]);
        (
            Family::Ipv6,
            v6(src, sport, ifindex),
            v6(dst, dport, ifindex),
        )
    } else {
        let src = Ipv4Addr::new(m[8], m[9], m[10], m[11]);
        let dst = Ipv4Addr::new(m[24], m[25], m[26], m[27]);
        (
            Family::Ipv4,
            SocketAddr::V4(SocketAddrV4::new(src, sport)),
            SocketAddr::V4(SocketAddrV4::new(dst, dport)),
        )
    };
    Some(Socket {
        proto,
        family,
        state,
        local: Endpoint::Inet(local),
        remote: Endpoint::Inet(remote),
        recv_q: u32_at(56),
        send_q: u32_at(60),
        uid: Some(u32_at(64)),
        inode: u64::from(u32_at(68)),
        pid: None,
        process: None,
        runs_in: None,
    })
}

fn ipv6(b: &[u8]) -> Ipv6Addr {
    let mut a = [0u8; 16];
    a.copy_from_slice(b);
    Ipv6Addr::from(a)
}

/// A scope id only where it means something (link-local), so that `[::1]:80` is not
/// printed `[::1%3]:80` for a socket bound to a device.
fn v6(ip: Ipv6Addr, port: u16, ifindex: u32) -> SocketAddr {
    let link_local = ip.segments()[0] & 0xffc0 == 0xfe80;
    let scope = if link_local { ifindex } else { 0 };
    SocketAddr::V6(SocketAddrV6::new(ip, port, 0, scope))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decodes_an_ipv4_message() {
        let mut m = vec![0u8; MSG_LEN + 8];
        m[0] = libc::AF_INET as u8;
        m[1] = 10; // listen
        m[4..6].copy_from_slice(&8080u16.to_be_bytes());
        m[8..12].copy_from_slice(&[127, 0, 0, 1]);
        m[56..60].copy_from_slice(&3u32.to_ne_bytes());
        m[60..64].copy_from_slice(&128u32.to_ne_bytes());
        m[68..72].copy_from_slice(&4242u32.to_ne_bytes());
        let s = decode(&m, Proto::Tcp).unwrap();
        assert_eq!(s.state, State::Listen);
        assert_eq!(s.local.to_string(), "127.0.0.1:8080");
        assert_eq!(s.remote.to_string(), "0.0.0.0:0");
        assert_eq!((s.recv_q, s.send_q, s.inode), (3, 128, 4242));
    }

    #[test]
    fn decodes_ipv6_with_brackets_and_refuses_short_or_unknown() {
        let mut m = vec![0u8; MSG_LEN];
        m[0] = libc::AF_INET6 as u8;
        m[1] = 1;
        m[4..6].copy_from_slice(&443u16.to_be_bytes());
        m[23] = 1; // ::1
        let s = decode(&m, Proto::Tcp).unwrap();
        assert_eq!(s.local.to_string(), "[::1]:443");
        assert!(decode(&m[..40], Proto::Tcp).is_none());
        m[1] = 99;
        assert!(decode(&m, Proto::Tcp).is_none());
    }

    #[test]
    fn the_compat_request_carries_the_state_mask_and_the_filter() {
        let states = StateSet(State::Listen.bit());
        let v2 = request(Family::Ipv4, Proto::Tcp, states, Some(22));
        let c = request_both_families(states, Some(22));
        assert_eq!(c.len() % 4, 0);
        assert_eq!(c[0], 0, "the kernel ignores the family; it stays unset");
        assert_eq!(&c[52..56], &v2[4..8]);
        assert_eq!(&c[60..], &v2[56..]);
        assert_eq!(request_both_families(states, None).len(), 60);
    }

    #[test]
    fn a_port_filter_adds_an_aligned_bytecode_attribute() {
        let r = request(Family::Ipv4, Proto::Tcp, StateSet::ALL, Some(22));
        assert_eq!(r.len() % 4, 0);
        assert_eq!(u16::from_ne_bytes([r[58], r[59]]), INET_DIAG_REQ_BYTECODE);
        assert_eq!(
            request(Family::Ipv6, Proto::Udp, StateSet::ALL, None).len(),
            56
        );
    }
}
