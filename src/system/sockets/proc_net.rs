//! The fallback source: /proc/net/{tcp,tcp6,udp,udp6,unix}, for kernels or sandboxes
//! where sock_diag netlink is unavailable. Slower (the kernel formats text, we parse it)
//! and unfiltered (the caller filters), but it is there on every Linux.

use super::model::{Endpoint, Family, Proto, Socket};
use super::state::State;
use std::io;
use std::net::{Ipv4Addr, Ipv6Addr, SocketAddr, SocketAddrV4, SocketAddrV6};

pub fn path(proto: Proto, family: Family) -> &'static str {
    match (proto, family) {
        (Proto::Tcp, Family::Ipv6) => "/proc/net/tcp6",
        (Proto::Tcp, _) => "/proc/net/tcp",
        (Proto::Udp, Family::Ipv6) => "/proc/net/udp6",
        (Proto::Udp, _) => "/proc/net/udp",
        _ => "/proc/net/unix",
    }
}

/// Reads one protocol of one family. A missing file (IPv6 disabled) is an empty list.
pub fn read_inet(proto: Proto, family: Family) -> io::Result<Vec<Socket>> {
    match std::fs::read_to_string(path(proto, family)) {
        Ok(text) => Ok(parse_inet(&text, proto)),
        Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(Vec::new()),
        Err(e) => Err(e),
    }
}

pub fn read_unix() -> io::Result<Vec<Socket>> {
    Ok(parse_unix(&std::fs::read_to_string("/proc/net/unix")?))
}

/// Parses /proc/net/tcp-style text; lines that do not parse are skipped.
pub fn parse_inet(text: &str, proto: Proto) -> Vec<Socket> {
    text.lines()
        .skip(1)
        .filter_map(|l| inet_line(l, proto))
        .collect()
}

fn inet_line(line: &str, proto: Proto) -> Option<Socket> {
    // sl local rem st tx:rx tr:when retrnsmt uid timeout inode …
    let f: Vec<&str> = line.split_whitespace().take(10).collect();
    if f.len() < 10 {
        return None;
    }
    let (local, family) = address(f[1])?;
    let (remote, _) = address(f[2])?;
    let state = State::from_kernel(u8::from_str_radix(f[3], 16).ok()?)?;
    let (tx, rx) = f[4].split_once(':')?;
    Some(Socket {
        proto,
        family,
        state,
        local: Endpoint::Inet(local),
        remote: Endpoint::Inet(remote),
        recv_q: u32::from_str_radix(rx, 16).ok()?,
        send_q: u32::from_str_radix(tx, 16).ok()?,
        uid: f[7].parse().ok(),
        inode: f[9].parse().ok()?,
        pid: None,
        process: None,
        runs_in: None,
    })
}

/// `0100007F:1F90` (IPv4) or 32 hex digits and a port (IPv6). The kernel prints each
/// 32-bit word of the address as a native-endian number, so the bytes come back with
/// `to_ne_bytes`.
fn address(text: &str) -> Option<(SocketAddr, Family)> {
    let (addr, port) = text.split_once(':')?;
    let port = u16::from_str_radix(port, 16).ok()?;
    let word = |i: usize| -> Option<[u8; 4]> {
        Some(
            u32::from_str_radix(addr.get(i * 8..i * 8 + 8)?, 16)
                .ok()?
                .to_ne_bytes(),
        )
    };
    match addr.len() {
        8 => Some((
            SocketAddr::V4(SocketAddrV4::new(Ipv4Addr::from(word(0)?), port)),
            Family::Ipv4,
        )),
        32 => {
            let mut b = [0u8; 16];
            for i in 0..4 {
                b[i * 4..i * 4 + 4].copy_from_slice(&word(i)?);
            }
            Some((
                SocketAddr::V6(SocketAddrV6::new(Ipv6Addr::from(b), port, 0, 0)),
                Family::Ipv6,
            ))
        }
        _ => None,
    }
}

/// Parses /proc/net/unix: `Num RefCount Protocol Flags Type St Inode [Path]`.
pub fn parse_unix(text: &str) -> Vec<Socket> {
    text.lines().skip(1).filter_map(unix_line).collect()
}

fn unix_line(line: &str) -> Option<Socket> {
    let mut f = line.split_whitespace();
    let _num = f.next()?;
    let _refs = f.next()?;
    let _proto = f.next()?;
    let flags = u32::from_str_radix(f.next()?, 16).ok()?;
    let proto = match u32::from_str_radix(f.next()?, 16).ok()? {
        1 => Proto::UnixStream,
        2 => Proto::UnixDgram,
        5 => Proto::UnixSeqpacket,
        _ => return None,
    };
    let st = u8::from_str_radix(f.next()?, 16).ok()?;
    let inode = f.next()?.parse().ok()?;
    let name = f.next().map(str::to_string);
    const ACCEPTING: u32 = 1 << 16; // __SO_ACCEPTCON: a listener
    let state = if flags & ACCEPTING != 0 {
        State::Listen
    } else {
        match st {
            2 => State::SynSent,
            3 => State::Established,
            _ => State::Unconn,
        }
    };
    Some(Socket {
        proto,
        family: Family::Unix,
        state,
        local: Endpoint::Unix(name),
        remote: Endpoint::Unix(None),
        recv_q: 0,
        send_q: 0,
        uid: None,
        inode,
        pid: None,
        process: None,
        runs_in: None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    const TCP: &str = "  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode
   0: 0100007F:1F90 00000000:0000 0A 00000000:00000002 00:00000000 00000000  1000        0 4242 1 0000000000000000 100 0 0 10 0
   1: 0100007F:9C40 0100007F:1F90 01 00000010:00000000 00:00000000 00000000  1000        0 4243 1 0000000000000000 20 4 30 10 -1
   garbage line
";

    const TCP6: &str = "  sl  local_address                         remote_address                        st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode
   0: 00000000000000000000000001000000:0050 00000000000000000000000000000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 99 1 0000000000000000 100 0 0 10 0
";

    #[test]
    fn parses_ipv4_lines() {
        let s = parse_inet(TCP, Proto::Tcp);
        assert_eq!(s.len(), 2, "the garbage line is skipped");
        assert_eq!(s[0].state, State::Listen);
        assert_eq!(s[0].local.to_string(), "127.0.0.1:8080");
        assert_eq!((s[0].recv_q, s[0].inode, s[0].uid), (2, 4242, Some(1000)));
        assert_eq!(s[1].state, State::Established);
        assert_eq!(s[1].remote.to_string(), "127.0.0.1:8080");
        assert_eq!(s[1].send_q, 16);
    }

    #[test]
    fn parses_ipv6_lines() {
        let s = parse_inet(TCP6, Proto::Tcp);
        assert_eq!(s[0].local.to_string(), "[::1]:80");
        assert_eq!(s[0].family, Family::Ipv6);
    }

    #[test]
    fn any_cut_or_corruption_of_the_text_is_skipped_not_a_panic() {
        for text in [TCP, TCP6] {
            for cut in 0..=text.len() {
                if let Some(t) = text.get(..cut) {
                    parse_inet(t, Proto::Tcp);
                    parse_unix(t);
                }
            }
            let mut seed = 7u32;
            for _ in 0..2000 {
                seed = seed.wrapping_mul(1_103_515_245).wrapping_add(12345);
                let mut b = text.as_bytes().to_vec();
                let at = seed as usize % b.len();
                b[at] = (seed >> 16) as u8;
                let t = String::from_utf8_lossy(&b);
                parse_inet(&t, Proto::Udp);
                parse_unix(&t);
            }
        }
    }

    #[test]
    fn parses_unix_lines() {
        let text = "Num       RefCount Protocol Flags    Type St Inode Path
0000000000000000: 00000002 00000000 00010000 0001 01 123 /run/a.sock
0000000000000000: 00000003 00000000 00000000 0001 03 124
0000000000000000: 00000002 00000000 00000000 0002 01 125 @abstract
";
        let s = parse_unix(text);
        assert_eq!(s.len(), 3);
        assert_eq!(
            (s[0].state, s[0].local.to_string()),
            (State::Listen, "/run/a.sock".into())
        );
        assert_eq!(
            (s[1].state, s[1].local.to_string()),
            (State::Established, "*".into())
        );
        assert_eq!(
            (s[2].proto, s[2].local.to_string()),
            (Proto::UnixDgram, "@abstract".into())
        );
    }
}
