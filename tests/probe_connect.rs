//! Connecting tries the resolved addresses as curl does (Happy Eyeballs): a refused first
//! address (say `::1` when the server listens on IPv4 only) falls through to the next at
//! once, and a black-holed one (a dead node) does not hold the others back.

mod support;

use oncall::probe::connect::connect_any;
use std::net::{SocketAddr, TcpListener};
use std::time::Duration;
use support::servers::black_hole;

#[test]
fn falls_back_to_the_next_address_and_reports_the_refused_one() {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let good = listener.local_addr().unwrap();
    let refusing = support::servers::RefusingPort::new();
    let closed = SocketAddr::from(([127, 0, 0, 1], refusing.port));
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

#[test]
fn a_black_holed_first_address_does_not_hold_back_the_next() {
    let (hole, _queued) = black_hole("127.0.0.1:0".parse().unwrap());
    let dead = hole.local_addr().unwrap();
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let good = listener.local_addr().unwrap();
    let rt = oncall::probe::runtime().unwrap();
    // Each attempt may take 60 s; tried one after the other, the dead address would hold the
    // good one back that long. Raced after 250 ms, the good one connects well inside 10 s.
    let c = rt
        .block_on(async {
            tokio::time::timeout(
                Duration::from_secs(10),
                connect_any(&[dead, good], Duration::from_secs(60)),
            )
            .await
        })
        .expect("the good address was held back by the dead one")
        .unwrap_or_else(|f| panic!("{}", f.message()));
    assert_eq!(c.remote, good);
    assert!(
        c.failed.is_empty(),
        "the dead attempt was dropped, not failed"
    );
}
