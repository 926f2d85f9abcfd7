//! Connecting tries the resolved addresses in turn, as curl does: a refused first address
//! (say `::1` when the server listens on IPv4 only) falls through to the next.

use oncall::probe::connect::connect_any;
use std::net::{SocketAddr, TcpListener};
use std::time::Duration;

#[test]
fn falls_back_to_the_next_address_and_reports_the_refused_one() {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let good = listener.local_addr().unwrap();
    let closed: SocketAddr = {
        let l = TcpListener::bind("127.0.0.1:0").unwrap();
        l.local_addr().unwrap()
    };
    // ::1 on the same port: refused when IPv6 loopback exists, unreachable otherwise.
    let v6: SocketAddr = format!("[::1]:{}", good.port()).parse().unwrap();
    let rt = oncall::probe::runtime().unwrap();
    let c = rt
        .block_on(connect_any(&[v6, closed, good], Duration::from_secs(2)))
        .unwrap_or_else(|f| panic!("{}", f.message()));
    assert_eq!(c.remote, good);
    let failed: Vec<SocketAddr> = c.failed.iter().map(|(a, _)| *a).collect();
    assert_eq!(failed, [v6, closed]);
    let none = rt.block_on(connect_any(&[closed], Duration::from_secs(2)));
    let err = none.err().unwrap().message();
    assert!(err.contains(&closed.to_string()), "{err}");
}
