//! `oncall net` end to end on real loopback sockets made by the test, compared with `ss`
//! (iproute2). Other processes on the host may open and close sockets meanwhile, so the
//! comparisons are made on the test's own ports; filters are also checked to let nothing
//! through that they should not.

mod support;

use serde_json::Value;
use std::collections::{BTreeSet, HashMap};
use std::io::Write;
use std::net::{Ipv6Addr, SocketAddr, TcpListener, TcpStream, UdpSocket};
use std::os::fd::AsRawFd;
use std::os::unix::net::{UnixListener, UnixStream};
use std::process::Command;
use support::servers::{quiet_listener, quiet_listener_on};
use support::{oncall, stdout_json};

/// A listener on 127.0.0.1 and `n` connections to it, both ends held by this process.
struct Loopback {
    listener: TcpListener,
    port: u16,
    _clients: Vec<TcpStream>,
    _accepted: Vec<TcpStream>,
    client_ports: Vec<u16>,
}

fn loopback(n: usize) -> Loopback {
    let (listener, port) = quiet_listener();
    let mut clients = Vec::new();
    let mut accepted = Vec::new();
    for _ in 0..n {
        clients.push(TcpStream::connect(("127.0.0.1", port)).unwrap());
        accepted.push(listener.accept().unwrap().0);
    }
    let client_ports = clients
        .iter()
        .map(|c| c.local_addr().unwrap().port())
        .collect();
    Loopback {
        listener,
        port,
        _clients: clients,
        _accepted: accepted,
        client_ports,
    }
}

/// (state, local, remote) as `ss` and `oncall` both can say it.
type Tuple = (String, String, String);

fn sockets(v: &Value) -> &Vec<Value> {
    v["sockets"].as_array().expect("a sockets array")
}

fn port_of(addr: &str) -> Option<u16> {
    addr.rsplit_once(':')?.1.parse().ok()
}

fn tuple(s: &Value) -> Tuple {
    (
        s["state"].as_str().unwrap().to_string(),
        s["local"].as_str().unwrap().to_string(),
        s["remote"].as_str().unwrap().to_string(),
    )
}

fn oncall_tuples(args: &[&str], ports: &[u16]) -> BTreeSet<Tuple> {
    let v = stdout_json(args);
    sockets(&v)
        .iter()
        .map(tuple)
        .filter(|t| touches(t, ports))
        .collect()
}

fn touches(t: &Tuple, ports: &[u16]) -> bool {
    [&t.1, &t.2]
        .iter()
        .any(|a| port_of(a).is_some_and(|p| ports.contains(&p)))
}

/// One line of `ss -H` output.
struct SsLine {
    state: String,
    local: String,
    remote: String,
    recv_q: u64,
    send_q: u64,
    pids: Vec<u32>,
}

/// Runs `ss -H ARGS` and parses its lines (with or without the Netid column; without the
/// State column when the filter names a single state, which then is the state).
fn ss(args: &[&str]) -> Vec<SsLine> {
    let only_state = args
        .iter()
        .position(|a| *a == "state")
        .and_then(|i| args.get(i + 1))
        .map(|s| s.to_string());
    let out = Command::new("ss")
        .arg("-H")
        .args(args)
        .output()
        .expect("ss (iproute2) is installed");
    assert!(out.status.success(), "ss {args:?} failed");
    String::from_utf8_lossy(&out.stdout)
        .lines()
        .filter_map(|line| {
            let mut f: Vec<&str> = line.split_whitespace().collect();
            if f.first()
                .is_some_and(|w| ["tcp", "udp", "u_str", "u_dgr", "u_seq", "raw"].contains(w))
            {
                f.remove(0);
            }
            if f.first().is_some_and(|w| w.parse::<u64>().is_ok()) {
                f.insert(0, only_state.as_deref()?);
            }
            if f.len() < 5 {
                return None;
            }
            let users = f[5..].join(" ");
            Some(SsLine {
                state: ss_state(f[0]),
                recv_q: f[1].parse().ok()?,
                send_q: f[2].parse().ok()?,
                local: ss_addr(f[3]),
                remote: ss_addr(f[4]),
                pids: users
                    .split("pid=")
                    .skip(1)
                    .filter_map(|p| p.split(',').next()?.parse().ok())
                    .collect(),
            })
        })
        .collect()
}

/// ss's column spellings to ours: ESTAB → established, UNCONN → unconn, TIME-WAIT → time-wait.
fn ss_state(s: &str) -> String {
    match s {
        "ESTAB" => "established".into(),
        other => other.to_ascii_lowercase(),
    }
}

/// ss prints an unset port as `*`; JSON keeps the number 0.
fn ss_addr(a: &str) -> String {
    match a.strip_suffix(":*") {
        Some(ip) => format!("{ip}:0"),
        None => a.to_string(),
    }
}

fn ss_tuples(args: &[&str], ports: &[u16]) -> BTreeSet<Tuple> {
    ss(args)
        .into_iter()
        .map(|l| (l.state, l.local, l.remote))
        .filter(|t| touches(t, ports))
        .collect()
}

fn my_comm() -> String {
    std::fs::read_to_string("/proc/self/comm")
        .unwrap()
        .trim_end()
        .to_string()
}

fn ipv6_loopback() -> Option<TcpListener> {
    match quiet_listener_on(SocketAddr::from((Ipv6Addr::LOCALHOST, 0))) {
        Ok((l, _)) => Some(l),
        Err(e) => {
            eprintln!("skipping the IPv6 part: no [::1] here ({e})");
            None
        }
    }
}

#[test]
fn a_listener_and_its_clients_are_found_with_states_ports_and_owner() {
    let lo = loopback(5);
    let me = std::process::id();
    let v = stdout_json(&["net", "--tcp", "--processes", "--json"]);
    assert_eq!(v["source"], "netlink");
    let mine: Vec<&Value> = sockets(&v)
        .iter()
        .filter(|s| {
            s["local"] == format!("127.0.0.1:{}", lo.port)
                || s["remote"] == format!("127.0.0.1:{}", lo.port)
        })
        .collect();
    let listener: Vec<&&Value> = mine.iter().filter(|s| s["state"] == "listen").collect();
    assert_eq!(listener.len(), 1, "{mine:#?}");
    assert_eq!(listener[0]["remote"], "0.0.0.0:0");
    assert_eq!(listener[0]["proto"], "tcp");
    assert_eq!(listener[0]["family"], "ipv4");
    let established: Vec<&&Value> = mine
        .iter()
        .filter(|s| s["state"] == "established")
        .collect();
    assert_eq!(
        established.len(),
        10,
        "5 client ends and 5 server ends: {mine:#?}"
    );
    for p in &lo.client_ports {
        let client = format!("127.0.0.1:{p}");
        assert!(
            established.iter().any(|s| s["local"] == client.as_str()),
            "client end {client} missing"
        );
        assert!(
            established.iter().any(|s| s["remote"] == client.as_str()),
            "server end for {client} missing"
        );
    }
    for s in &mine {
        assert_eq!(s["pid"], me, "owner of {s}");
        assert_eq!(s["process"], my_comm().as_str(), "owner name of {s}");
        assert!(s["inode"].as_u64().unwrap() > 0);
    }
    assert!(v["owners"]["mapped"].as_u64().unwrap() >= 11);
    drop(lo.listener);
}

#[test]
fn tuples_agree_with_ss_tan() {
    let lo = loopback(8);
    let ours = oncall_tuples(&["net", "--tcp", "--json"], &[lo.port]);
    let theirs = ss_tuples(&["-tan"], &[lo.port]);
    assert_eq!(ours.len(), 17, "{ours:#?}");
    assert_eq!(ours, theirs);
}

#[test]
fn queues_agree_with_ss() {
    // Bytes written and not read sit in the receiver's Recv-Q.
    let lo = loopback(1);
    let mut client = TcpStream::connect(("127.0.0.1", lo.port)).unwrap();
    let (server, _) = lo.listener.accept().unwrap();
    client.write_all(&[7u8; 1000]).unwrap();
    let server_end = server.local_addr().unwrap().to_string();
    let peer = server.peer_addr().unwrap().to_string();
    let mut found = None;
    for _ in 0..100 {
        // Loopback delivery is asynchronous: wait until ss sees the bytes queued.
        let line = ss(&["-tan"])
            .into_iter()
            .find(|l| l.local == server_end && l.remote == peer);
        if line.as_ref().is_some_and(|l| l.recv_q == 1000) {
            found = line;
            break;
        }
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
    let line = found.expect("ss shows 1000 bytes queued");
    let v = stdout_json(&["net", "--tcp", "--port", &lo.port.to_string(), "--json"]);
    let s = sockets(&v)
        .iter()
        .find(|s| s["local"] == server_end.as_str() && s["remote"] == peer.as_str())
        .expect("the server end");
    assert_eq!(s["recv_q"], line.recv_q);
    assert_eq!(s["send_q"], line.send_q);
}

#[test]
fn owners_agree_with_ss_tlnp() {
    let lo = loopback(1);
    let v = stdout_json(&["net", "--tcp", "--listen", "--processes", "--json"]);
    let ss_owners: HashMap<String, Vec<u32>> = ss(&["-tlnp"])
        .into_iter()
        .map(|l| (l.local, l.pids))
        .collect();
    let mut compared = 0;
    for s in sockets(&v) {
        let Some(pids) = ss_owners.get(s["local"].as_str().unwrap()) else {
            continue; // opened or closed between the two runs
        };
        match s["pid"].as_u64() {
            Some(pid) => assert!(pids.contains(&(pid as u32)), "{s} vs ss {pids:?}"),
            None => assert!(pids.is_empty(), "{s} unowned, ss says {pids:?}"),
        }
        compared += 1;
    }
    assert!(compared >= 1);
    let mine = format!("127.0.0.1:{}", lo.port);
    // Contains, not equals: a child this test binary is spawning right then shares the fd.
    assert!(
        ss_owners[&mine].contains(&std::process::id()),
        "{:?}",
        ss_owners[&mine]
    );
}

/// Sockets of every kind the filters select on: TCP over IPv4 (and IPv6 where there is
/// [::1]), a time-wait end, UDP unconnected and connected.
struct Zoo {
    _lo: Loopback,
    _v6: Option<(TcpListener, TcpStream, TcpStream)>,
    _udp: (UdpSocket, UdpSocket),
    /// The test's TCP ports, all bound by it and quiet when taken (see `quiet_listener`).
    tcp_ports: Vec<u16>,
    /// The UDP ports, kept apart: the same number may be a stranger's TCP port meanwhile.
    udp_ports: Vec<u16>,
    tcp4: u16,
    time_wait: Option<String>,
}

fn zoo() -> Zoo {
    let lo = loopback(3);
    let mut tcp_ports = vec![lo.port];
    let v6 = ipv6_loopback().map(|l| {
        let port = l.local_addr().unwrap().port();
        tcp_ports.push(port);
        let c = TcpStream::connect((Ipv6Addr::LOCALHOST, port)).unwrap();
        let a = l.accept().unwrap().0;
        (l, c, a)
    });
    let u1 = UdpSocket::bind("127.0.0.1:0").unwrap();
    let u2 = UdpSocket::bind("127.0.0.1:0").unwrap();
    u2.connect(u1.local_addr().unwrap()).unwrap();
    let udp_ports = vec![
        u1.local_addr().unwrap().port(),
        u2.local_addr().unwrap().port(),
    ];
    // The side that closes first waits in time-wait.
    let c = TcpStream::connect(("127.0.0.1", lo.port)).unwrap();
    let (a, _) = lo.listener.accept().unwrap();
    let tw = c.local_addr().unwrap().to_string();
    drop(c);
    drop(a);
    let mut time_wait = None;
    for _ in 0..100 {
        if ss(&["-tan"])
            .iter()
            .any(|l| l.local == tw && l.state == "time-wait")
        {
            time_wait = Some(tw.clone());
            break;
        }
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
    Zoo {
        tcp4: lo.port,
        _lo: lo,
        _v6: v6,
        _udp: (u1, u2),
        tcp_ports,
        udp_ports,
        time_wait,
    }
}

#[test]
fn filters_agree_with_ss_for_the_same_filter() {
    let z = zoo();
    let p = z.tcp4.to_string();
    let port_expr = format!("( sport = :{p} or dport = :{p} )");
    type Check = fn(&Value, u16) -> bool;
    let cases: Vec<(Vec<&str>, Vec<&str>, Check)> = vec![
        (vec!["--tcp", "--listen"], vec!["-tln"], |s, _| {
            s["state"] == "listen" && s["proto"] == "tcp"
        }),
        (
            vec!["--tcp", "--port", &p],
            vec!["-tan", &port_expr],
            |s, port| {
                port_of(s["local"].as_str().unwrap()) == Some(port)
                    || port_of(s["remote"].as_str().unwrap()) == Some(port)
            },
        ),
        (
            vec!["--tcp", "--state", "established"],
            vec!["-tn", "state", "established"],
            |s, _| s["state"] == "established",
        ),
        (
            vec!["--tcp", "--state", "time-wait"],
            vec!["-tn", "state", "time-wait"],
            |s, _| s["state"] == "time-wait",
        ),
        (vec!["--tcp", "-4"], vec!["-tan4"], |s, _| {
            s["family"] == "ipv4"
        }),
        (vec!["--tcp", "-6"], vec!["-tan6"], |s, _| {
            s["family"] == "ipv6"
        }),
        (vec!["--udp"], vec!["-uan"], |s, _| s["proto"] == "udp"),
        (vec!["--udp", "--listen"], vec!["-uln"], |s, _| {
            s["proto"] == "udp" && s["state"] == "unconn"
        }),
    ];
    for (ours, theirs, check) in cases {
        let mut args = vec!["net", "--json"];
        args.extend(&ours);
        let v = stdout_json(&args);
        for s in sockets(&v) {
            assert!(check(s, z.tcp4), "{ours:?} let through {s}");
        }
        let ports = if ours.contains(&"--udp") {
            &z.udp_ports
        } else {
            &z.tcp_ports
        };
        let a = oncall_tuples(&args, ports);
        let b = ss_tuples(&theirs, ports);
        assert_eq!(a, b, "oncall net {ours:?} vs ss {theirs:?}");
        assert!(
            !a.is_empty() || ours.contains(&"-6") || ours.contains(&"time-wait"),
            "{ours:?} found none of the test's sockets"
        );
    }
    if let Some(tw) = &z.time_wait {
        let v = stdout_json(&["net", "--tcp", "--state", "time-wait", "--json"]);
        let s = sockets(&v)
            .iter()
            .find(|s| s["local"] == tw.as_str())
            .expect("the time-wait end");
        assert_eq!(s["inode"], 0, "time-wait sockets belong to no file");
    }
}

#[test]
fn ipv6_addresses_are_bracketed() {
    let Some(l) = ipv6_loopback() else { return };
    let port = l.local_addr().unwrap().port();
    let v = stdout_json(&["net", "-6", "--listen", "--json"]);
    let s = sockets(&v)
        .iter()
        .find(|s| s["local"] == format!("[::1]:{port}"))
        .expect("the [::1] listener");
    assert_eq!(s["remote"], "[::]:0");
    assert_eq!(s["family"], "ipv6");
    let addr: SocketAddr = s["local"].as_str().unwrap().parse().unwrap();
    assert_eq!(addr.port(), port);
}

#[test]
fn unix_sockets_come_with_unix() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("oncall-test.sock");
    let path_s = path.to_str().unwrap().to_string();
    let listener = UnixListener::bind(&path).unwrap();
    let _client = UnixStream::connect(&path).unwrap();
    let _server = listener.accept().unwrap().0;
    let v = stdout_json(&["net", "--unix", "--processes", "--json"]);
    let named: Vec<&Value> = sockets(&v)
        .iter()
        .filter(|s| s["local"] == path_s.as_str())
        .collect();
    let states: BTreeSet<&str> = named.iter().map(|s| s["state"].as_str().unwrap()).collect();
    assert_eq!(
        states,
        BTreeSet::from(["established", "listen"]),
        "{named:#?}"
    );
    for s in &named {
        assert_eq!(s["proto"], "u_str");
        assert_eq!(s["family"], "unix");
        assert_eq!(s["pid"], std::process::id());
    }
    assert!(
        sockets(&v)
            .iter()
            .any(|s| s["remote"] == path_s.as_str() && s["state"] == "established"),
        "the client end names its peer"
    );
    let theirs: BTreeSet<String> = ss(&["-xan"])
        .into_iter()
        .filter(|l| l.local == path_s)
        .map(|l| l.state)
        .collect();
    let ours: BTreeSet<String> = states.iter().map(|s| s.to_string()).collect();
    assert_eq!(ours, theirs);
    // Without --unix there are none.
    let v = stdout_json(&["net", "--json"]);
    assert!(sockets(&v).iter().all(|s| s["family"] != "unix"));
}

#[test]
fn the_proc_fallback_finds_the_same_and_says_so() {
    let lo = loopback(4);
    // Neither source is an atomic snapshot: the kernel hands /proc/net/tcp out a page per
    // read() and a netlink dump a batch per message, resuming each by position, so sockets
    // that other processes open and close meanwhile can make a walk skip one of ours. Such a
    // miss is transient; a parsing fault is not: compare until both agree, a few times.
    let mut tries = 0;
    let (netlink, from_proc, v) = loop {
        tries += 1;
        let netlink = oncall_tuples(&["net", "--tcp", "--json"], &[lo.port]);
        let out = oncall()
            .args(["net", "--tcp", "--processes", "--json"])
            .env("ONCALL_NET_SOURCE", "proc")
            .assert()
            .success();
        let v: Value = serde_json::from_slice(&out.get_output().stdout).unwrap();
        let err = String::from_utf8_lossy(&out.get_output().stderr).to_string();
        assert_eq!(v["source"], "proc");
        assert!(err.contains("/proc/net"), "the fallback is said: {err}");
        let from_proc: BTreeSet<Tuple> = sockets(&v)
            .iter()
            .map(tuple)
            .filter(|t| touches(t, &[lo.port]))
            .collect();
        // Owners are ours too. Another test of this binary that starts a process forks
        // this one: until the child execs, it holds every socket of ours as well (CLOEXEC
        // acts at exec), and the /proc/PID/fd scan may find it there first. That is as
        // transient as a skipped socket, so it is retried the same way.
        let owned_by_us = sockets(&v)
            .iter()
            .filter(|s| s["local"] == format!("127.0.0.1:{}", lo.port))
            .all(|s| s["pid"] == std::process::id());
        if (netlink == from_proc && owned_by_us) || tries == 5 {
            break (netlink, from_proc, v);
        }
    };
    assert_eq!(netlink.len(), 9, "a listener and 4 connections, both ends");
    assert_eq!(netlink, from_proc);
    assert!(
        sockets(&v)
            .iter()
            .filter(|s| s["local"] == format!("127.0.0.1:{}", lo.port))
            .all(|s| s["pid"] == std::process::id()),
        "{v}"
    );
    // Filters still apply, here in user space.
    let out = oncall()
        .args([
            "net",
            "--port",
            &lo.port.to_string(),
            "--state",
            "listen",
            "--json",
        ])
        .env("ONCALL_NET_SOURCE", "proc")
        .assert()
        .success();
    let v: Value = serde_json::from_slice(&out.get_output().stdout).unwrap();
    let local: Vec<&str> = sockets(&v)
        .iter()
        .map(|s| s["local"].as_str().unwrap())
        .collect();
    assert_eq!(local, [format!("127.0.0.1:{}", lo.port)]);
}

#[test]
fn a_filling_accept_queue_is_reported() {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    // listen() again on a listening socket sets a new backlog: 2.
    // SAFETY: a valid listening descriptor owned by `listener`.
    assert_eq!(unsafe { libc::listen(listener.as_raw_fd(), 2) }, 0);
    let _waiting: Vec<TcpStream> = (0..2)
        .map(|_| TcpStream::connect(("127.0.0.1", port)).unwrap())
        .collect();
    let local = format!("127.0.0.1:{port}");
    let queued = (0..100).any(|_| {
        // The handshake's last ACK reaches the listener asynchronously.
        let full = ss(&["-tln"])
            .iter()
            .any(|l| l.local == local && l.recv_q == 2);
        if !full {
            std::thread::sleep(std::time::Duration::from_millis(20));
        }
        full
    });
    assert!(queued, "ss never showed 2 connections queued");
    let v = stdout_json(&["net", "--listen", "--processes", "--json"]);
    let filling = v["summary"]["accept_queue_filling"].as_array().unwrap();
    let l = filling
        .iter()
        .find(|l| l["local"] == local.as_str())
        .unwrap_or_else(|| panic!("{local} not in {filling:#?}"));
    assert_eq!(
        (l["queued"].as_u64(), l["backlog"].as_u64()),
        (Some(2), Some(2))
    );
    assert_eq!(l["fill_percent"], 100);
    assert_eq!(l["pid"], std::process::id());
    let text = oncall()
        .args(["net", "--summary", "--port", &port.to_string()])
        .assert()
        .success();
    let text = String::from_utf8_lossy(&text.get_output().stdout).to_string();
    assert!(text.contains("Accept queues filling"), "{text}");
    assert!(text.contains(&format!("{local}  2/2 (100%)")), "{text}");
}

#[test]
fn the_summary_counts_by_state_and_protocol() {
    let lo = loopback(3);
    let port = lo.port.to_string();
    let v = stdout_json(&["net", "--summary", "--tcp", "--port", &port, "--json"]);
    assert!(
        v.get("sockets").is_none(),
        "--summary alone lists no sockets"
    );
    let s = &v["summary"];
    assert_eq!(s["total"], 7);
    assert_eq!(s["by_proto"][0]["proto"], "tcp");
    assert_eq!(s["by_proto"][0]["ipv4"], 7);
    let count = |state: &str| {
        s["by_state"]
            .as_array()
            .unwrap()
            .iter()
            .find(|c| c["state"] == state)
            .map(|c| c["count"].as_u64().unwrap())
    };
    assert_eq!(count("established"), Some(6));
    assert_eq!(count("listen"), Some(1));
}

/// `ss -s`'s "TCP: N (estab …, closed …, orphaned O, timewait T)" → (O, T).
fn ss_s_orphaned_and_timewait() -> (u64, u64) {
    let out = Command::new("ss")
        .arg("-s")
        .output()
        .expect("ss (iproute2)");
    let text = String::from_utf8_lossy(&out.stdout).into_owned();
    let line = text
        .lines()
        .find(|l| l.starts_with("TCP:"))
        .unwrap_or_else(|| panic!("no TCP line in ss -s: {text}"));
    let figure = |word: &str| -> u64 {
        let at = line
            .find(word)
            .unwrap_or_else(|| panic!("{word} in {line}"))
            + word.len();
        line[at..]
            .trim_start()
            .split(|c: char| !c.is_ascii_digit())
            .next()
            .unwrap()
            .parse()
            .unwrap()
    };
    (figure("orphaned"), figure("timewait"))
}

/// The kernel's figures agree with `ss -s`, which reads the same accounting. Time-wait
/// sockets come and go with other tests, so ours must fall between two `ss -s` runs taken
/// around it (tried a few times).
#[test]
fn kernel_orphans_and_time_wait_agree_with_ss_s() {
    // One time-wait socket of our own, so the figure is not trivially 0.
    let lo = loopback(0);
    let c = TcpStream::connect(("127.0.0.1", lo.port)).unwrap();
    let (a, _) = lo.listener.accept().unwrap();
    drop(c);
    drop(a);
    std::thread::sleep(std::time::Duration::from_millis(50));
    let mut last = String::new();
    let agreed = (0..10).any(|_| {
        let before = ss_s_orphaned_and_timewait();
        let v = stdout_json(&["net", "--summary", "--json"]);
        let after = ss_s_orphaned_and_timewait();
        let k = &v["summary"]["kernel"];
        let ours = (
            k["tcp_orphaned"].as_u64().unwrap(),
            k["tcp_time_wait"].as_u64().unwrap(),
        );
        assert!(ours.1 >= 1, "our own time-wait socket: {k}");
        assert!(k["tcp_mem_limits"].as_array().is_some_and(|l| l.len() == 3));
        last = format!("ss -s before {before:?}, oncall {ours:?}, ss -s after {after:?}");
        let between = |x: u64, a: u64, b: u64| a.min(b) <= x && x <= a.max(b);
        between(ours.0, before.0, after.0) && between(ours.1, before.1, after.1)
    });
    assert!(agreed, "{last}");
    let text =
        String::from_utf8_lossy(&oncall().args(["net", "--summary"]).output().unwrap().stdout)
            .into_owned();
    assert!(
        text.contains("orphaned (max ") && text.contains("time-wait, TCP memory"),
        "{text}"
    );
}

#[test]
fn tables_end_with_the_ss_command_and_the_summary() {
    let lo = loopback(1);
    let out = oncall()
        .args(["net", "--port", &lo.port.to_string(), "-p"])
        .assert()
        .success();
    let text = String::from_utf8_lossy(&out.get_output().stdout).to_string();
    assert!(
        text.contains("Proto") && text.contains("Recv-Q") && text.contains("PID"),
        "{text}"
    );
    assert!(text.contains(&format!("127.0.0.1:{}", lo.port)), "{text}");
    assert!(
        text.contains("0.0.0.0:*"),
        "ss's spelling of an unset port: {text}"
    );
    assert!(text.contains("Total: 3 sockets"), "{text}");
    assert!(
        text.contains(&format!(
            "same as: ss -tuanp '( sport = :{0} or dport = :{0} )'",
            lo.port
        )),
        "{text}"
    );
    let out = oncall().args(["net", "--summary"]).assert().success();
    let text = String::from_utf8_lossy(&out.get_output().stdout).to_string();
    assert!(text.contains("same as: ss -s"), "{text}");
    let md = oncall()
        .args(["net", "--listen", "--format", "markdown"])
        .assert()
        .success();
    let md = String::from_utf8_lossy(&md.get_output().stdout).to_string();
    assert!(md.starts_with("| Proto | State |"), "{md}");
}

#[test]
fn bad_filters_are_usage_errors() {
    for args in [
        vec!["net", "--state", "establishd"],
        vec!["net", "--state", ""],
        vec!["net", "--unix", "-4"],
        vec!["net", "--unix", "--port", "22"],
        vec!["net", "--port", "http"],
        vec!["net", "stats", "--window", "0"],
    ] {
        let out = oncall().args(&args).assert().code(2).stdout("");
        let err = String::from_utf8_lossy(&out.get_output().stderr).to_string();
        assert!(err.starts_with("oncall: "), "{args:?}: {err}");
        assert_eq!(err.lines().count(), 1, "{args:?}: {err}");
    }
    let out = oncall()
        .args(["net", "--state", "establishd"])
        .assert()
        .code(2);
    let err = String::from_utf8_lossy(&out.get_output().stderr).to_string();
    assert!(
        err.contains("--state") && err.contains("time-wait"),
        "{err}"
    );
}

#[test]
fn ss_state_spellings_are_accepted() {
    let lo = loopback(1);
    let port = lo.port.to_string();
    for spelling in ["established", "estab", "ESTAB", "connected", "synchronized"] {
        let v = stdout_json(&[
            "net", "--tcp", "--port", &port, "--state", spelling, "--json",
        ]);
        assert_eq!(sockets(&v).len(), 2, "--state {spelling}");
    }
    let v = stdout_json(&[
        "net",
        "--tcp",
        "--port",
        &port,
        "--state",
        "listening",
        "--json",
    ]);
    assert_eq!(sockets(&v).len(), 1);
    let v = stdout_json(&[
        "net",
        "--tcp",
        "--port",
        &port,
        "--state",
        "established,listen",
        "--json",
    ]);
    assert_eq!(sockets(&v).len(), 3);
}

#[test]
fn without_root_other_users_sockets_are_listed_unowned_and_counted() {
    // SAFETY: geteuid has no preconditions.
    if unsafe { libc::geteuid() } != 0 {
        eprintln!("skipping: needs root to run oncall as another user (setpriv)");
        return;
    }
    let lo = loopback(2);
    let bin = assert_cmd::cargo::cargo_bin("oncall");
    let port = lo.port.to_string();
    let out = Command::new("setpriv")
        .args(["--reuid=65534", "--regid=65534", "--clear-groups"])
        .arg(&bin)
        .args(["net", "--tcp", "--port", &port, "--processes", "--json"])
        .output()
        .expect("setpriv (util-linux) is installed");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(sockets(&v).len(), 5, "all listed: {v:#}");
    assert!(sockets(&v)
        .iter()
        .all(|s| s["pid"].is_null() && s["process"].is_null()));
    assert_eq!(v["owners"]["unmapped"], 5);
    assert!(v["owners"]["unreadable_processes"].as_u64().unwrap() >= 1);
    let out = Command::new("setpriv")
        .args(["--reuid=65534", "--regid=65534", "--clear-groups"])
        .arg(&bin)
        .args(["net", "--tcp", "--port", &port, "--processes"])
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        text.contains("5 not mapped") && text.contains("run as root"),
        "{text}"
    );
}

/// The test's own sockets (by port) as `oncall net ARGS --json` lists them, whole.
fn own_sockets(args: &[&str], ports: &[u16]) -> Vec<Value> {
    let mut argv = args.to_vec();
    argv.push("--json");
    let v = stdout_json(&argv);
    let mut own: Vec<Value> = sockets(&v)
        .iter()
        .filter(|s| touches(&tuple(s), ports))
        .cloned()
        .collect();
    own.sort_by_key(|s| s.to_string());
    own
}

#[test]
fn ss_short_flags_mean_what_the_long_flags_mean() {
    // What fingers type after years of ss: -tulpn, -antp, -tlnp (-n: we are always numeric).
    let lo = loopback(2);
    let udp = UdpSocket::bind("127.0.0.1:0").unwrap();
    let ports = [
        vec![lo.port, udp.local_addr().unwrap().port()],
        lo.client_ports.clone(),
    ]
    .concat();
    let cases: [(&[&str], &[&str], &[&str]); 5] = [
        (
            &["-tulpn"],
            &["--tcp", "--udp", "--listen", "--processes"],
            &["listen", "unconn"],
        ),
        (
            &["-antp"],
            &["--tcp", "--processes"],
            &["established", "listen"],
        ),
        (
            &["-tlnp"],
            &["--tcp", "--listen", "--processes"],
            &["listen"],
        ),
        (
            &["-tn"],
            &["--tcp", "--numeric"],
            &["established", "listen"],
        ),
        // -a wins over -l, in either order (ss -tlna lists every state).
        (
            &["-tlna"],
            &["--tcp", "--all", "--listen"],
            &["established", "listen"],
        ),
    ];
    for (short, long, states) in cases {
        let a = own_sockets(&[&["net"], short].concat(), &ports);
        let b = own_sockets(&[&["net"], long].concat(), &ports);
        assert_eq!(a, b, "{short:?} vs {long:?}");
        let seen: BTreeSet<&str> = a.iter().map(|s| s["state"].as_str().unwrap()).collect();
        assert_eq!(seen, states.iter().copied().collect(), "{short:?}: {a:#?}");
    }
    let owned = own_sockets(&["net", "-tulpn"], &ports);
    assert!(
        owned.iter().all(|s| s["pid"] == std::process::id()),
        "{owned:#?}"
    );
    drop(lo.listener);
}

#[test]
fn ss_short_x_lists_unix_sockets_as_unix_does() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("oncall-short-x.sock");
    let path_s = path.to_str().unwrap().to_string();
    let _listener = UnixListener::bind(&path).unwrap();
    let own = |args: &[&str]| -> Vec<Value> {
        let v = stdout_json(args);
        let mut own: Vec<Value> = sockets(&v)
            .iter()
            .filter(|s| s["local"] == path_s.as_str())
            .cloned()
            .collect();
        own.sort_by_key(|s| s.to_string());
        own
    };
    let short = own(&["net", "-xlp", "--json"]);
    assert_eq!(
        short,
        own(&["net", "--unix", "--listen", "--processes", "--json"])
    );
    assert_eq!(short.len(), 1, "{short:#?}");
    assert_eq!(
        own(&["net", "-xn", "--json"]),
        own(&["net", "--unix", "--json"])
    );
}
