//! `oncall net stats` end to end: loopback traffic and TCP connections made by the test
//! for the whole window show up as rates.

mod support;

use serde_json::Value;
use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::thread;
use support::{oncall, stdout_json};

/// Opens connections and sends bytes over loopback, over and over, until dropped: the
/// window of `oncall net stats` then lies inside the busy time whatever the timing.
struct Traffic {
    stop: Arc<AtomicBool>,
    threads: Vec<thread::JoinHandle<()>>,
}

fn traffic() -> Traffic {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = listener.local_addr().unwrap();
    let stop = Arc::new(AtomicBool::new(false));
    let s = stop.clone();
    let server = thread::spawn(move || {
        listener.set_nonblocking(true).unwrap();
        let mut buf = vec![0u8; 64 * 1024];
        while !s.load(Ordering::Relaxed) {
            match listener.accept() {
                Ok((mut c, _)) => {
                    c.set_nonblocking(false).unwrap();
                    while let Ok(n) = c.read(&mut buf) {
                        if n == 0 {
                            break;
                        }
                    }
                }
                Err(_) => thread::sleep(std::time::Duration::from_millis(1)),
            }
        }
    });
    let s = stop.clone();
    let client = thread::spawn(move || {
        let chunk = vec![1u8; 32 * 1024];
        while !s.load(Ordering::Relaxed) {
            if let Ok(mut c) = TcpStream::connect(addr) {
                let _ = c.write_all(&chunk);
            }
            // A few hundred connections a second are plenty, and leave few time-wait ends.
            thread::sleep(std::time::Duration::from_millis(2));
        }
    });
    Traffic {
        stop,
        threads: vec![server, client],
    }
}

impl Drop for Traffic {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::Relaxed);
        for t in self.threads.drain(..) {
            let _ = t.join();
        }
    }
}

#[test]
fn loopback_traffic_and_new_connections_show_as_rates() {
    let busy = traffic();
    let v = stdout_json(&["net", "stats", "--window", "500ms", "--json"]);
    drop(busy);
    assert!(v["window_ms"].as_u64().unwrap() >= 500, "{v}");
    let lo = v["interfaces"]
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i["name"] == "lo")
        .expect("the loopback interface");
    for field in [
        "rx_bytes_per_second",
        "tx_bytes_per_second",
        "rx_packets_per_second",
        "tx_packets_per_second",
    ] {
        assert!(lo[field].as_f64().unwrap() > 0.0, "lo {field}: {lo}");
    }
    for field in ["rx_errors_per_second", "rx_drops_per_second"] {
        assert!(lo[field].as_f64().unwrap() >= 0.0, "{field}");
    }
    let tcp = &v["tcp"];
    for field in [
        "active_opens_per_second",
        "passive_opens_per_second",
        "segments_out_per_second",
        "segments_in_per_second",
    ] {
        assert!(tcp[field].as_f64().unwrap() > 0.0, "tcp {field}: {tcp}");
    }
    let ratio = tcp["retransmit_ratio"].as_f64().unwrap();
    assert!((0.0..=1.0).contains(&ratio), "{ratio}");
    for field in [
        "retransmitted_segments_per_second",
        "resets_sent_per_second",
        "resets_received_per_second",
        "listen_overflows_per_second",
        "listen_drops_per_second",
    ] {
        assert!(tcp[field].as_f64().is_some(), "tcp {field} missing: {tcp}");
    }
}

#[test]
fn the_table_names_interfaces_tcp_counters_and_the_classic_tools() {
    let out = oncall()
        .args(["net", "stats", "--window", "100ms"])
        .assert()
        .success();
    let text = String::from_utf8_lossy(&out.get_output().stdout).to_string();
    for want in [
        "Interface",
        "lo",
        "RX/s",
        "TCP",
        "retransmitted/s",
        "listen overflows/s",
        "resets sent/s",
        "hint: same as: sar -n DEV,TCP,ETCP",
    ] {
        assert!(text.contains(want), "missing {want}:\n{text}");
    }
    let v: Value = stdout_json(&["net", "stats", "--window", "100ms", "--format", "json"]);
    assert!(v["interfaces"].as_array().is_some_and(|a| !a.is_empty()));
}
