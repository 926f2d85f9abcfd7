//! `oncall triage` finds real conditions planted by the test: a large deleted-but-open file,
//! a CPU-burning child, a listener whose accept queue is full, an error burst in a log, and
//! (as root) a nearly full filesystem on a small tmpfs.

mod support;

use serde_json::Value;
use std::fs::{self, File};
use std::io::Write;
use std::net::{SocketAddr, TcpStream};
use std::os::fd::{AsRawFd, FromRawFd, OwnedFd};
use std::process::{Child, Command, Stdio};
use std::sync::Mutex;
use std::time::Duration;
use support::oncall;

/// Triage samples the whole host: run one at a time so planted conditions do not blur.
static HOST: Mutex<()> = Mutex::new(());

fn triage(extra: &[&str]) -> Value {
    let mut args = vec!["triage", "--json", "--window", "1s"];
    args.extend_from_slice(extra);
    let out = oncall().args(&args).assert().success();
    serde_json::from_slice(&out.get_output().stdout).expect("triage prints one JSON document")
}

fn titles(report: &Value) -> Vec<String> {
    report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["title"].as_str().unwrap().to_string())
        .collect()
}

struct KillOnDrop(Child);
impl Drop for KillOnDrop {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

#[test]
fn the_report_has_design_s_fields_and_every_collector_status() {
    let _host = HOST.lock().unwrap_or_else(|e| e.into_inner());
    let r = triage(&["--logs", "/nonexistent-but-fine"]);
    for field in ["host", "taken_at", "window_ms", "sections", "findings"] {
        assert!(!r[field].is_null(), "missing {field}");
    }
    assert_eq!(r["window_ms"], 1000);
    let collectors = r["sections"]["collectors"].as_array().unwrap();
    let names: Vec<&str> = collectors
        .iter()
        .map(|c| c["name"].as_str().unwrap())
        .collect();
    for n in [
        "cpu",
        "processes",
        "network",
        "filesystems",
        "deleted",
        "sockets",
        "kernel",
        "logs",
    ] {
        assert!(names.contains(&n), "{n} missing from {names:?}");
    }
    let logs = collectors.iter().find(|c| c["name"] == "logs").unwrap();
    assert_eq!(
        logs["status"], "failed",
        "a missing log path is reported, not fatal"
    );
    assert!(r["sections"]["cpus"].as_u64().unwrap() >= 1);
}

/// Not a test on its own: with ONCALL_TEST_BURN set, this test binary becomes the CPU
/// burner the other tests plant (four spinning threads). On a busy machine four threads at
/// the default weight got 84 % of a CPU beside a busy loop per core and a build, below the
/// rule's 90 %: as root the burner first raises its own weight, so it takes well over one
/// CPU's worth whatever else runs. With autogroup scheduling (the default) CPU is shared
/// between sessions first, and a nice value counts only inside its session's group: the
/// burner starts a session of its own and gives that group nice -15, then its threads.
#[test]
fn burn_helper() {
    if std::env::var_os("ONCALL_TEST_BURN").is_none() {
        return;
    }
    // SAFETY: setsid and setpriority have no memory preconditions; failure (not root, no
    // autogroup) leaves the default weight. With pid 0, setpriority sets the calling thread's
    // nice value on Linux, which the threads started below inherit.
    unsafe {
        libc::setsid();
    }
    let _ = std::fs::write("/proc/self/autogroup", "-15");
    unsafe {
        libc::setpriority(libc::PRIO_PROCESS, 0, -15);
    }
    let spin = || loop {
        std::hint::black_box(0u64.wrapping_add(1));
    };
    for _ in 0..3 {
        std::thread::spawn(spin);
    }
    spin();
}

fn burner() -> KillOnDrop {
    let child = Command::new(std::env::current_exe().unwrap())
        .args([
            "--exact",
            "burn_helper",
            "--nocapture",
            "--test-threads",
            "1",
        ])
        .env("ONCALL_TEST_BURN", "1")
        .stdout(Stdio::null())
        .spawn()
        .unwrap();
    std::thread::sleep(Duration::from_millis(300));
    KillOnDrop(child)
}

#[test]
fn a_cpu_burning_child_is_named() {
    let _host = HOST.lock().unwrap_or_else(|e| e.into_inner());
    let burner = burner();
    let r = triage(&[]);
    let pid = burner.0.id();
    let t = titles(&r);
    assert!(
        t.iter().any(|x| x.contains(&format!("(pid {pid}) uses"))),
        "the burner (pid {pid}) is not named: {t:?}\n{}",
        r["sections"]["top_cpu"]
    );
}

#[test]
fn a_large_deleted_open_file_is_found_with_its_holder() {
    let _host = HOST.lock().unwrap_or_else(|e| e.into_inner());
    let dir = tempfile::tempdir_in(std::env::temp_dir()).unwrap();
    let path = dir.path().join("pinned.log");
    let file = File::create(&path).unwrap();
    // Allocate 1.1 GiB without writing it (real blocks, unlike a sparse file).
    let rc = unsafe { libc::fallocate(file.as_raw_fd(), 0, 0, 1_100 << 20) };
    if rc != 0 {
        eprintln!(
            "skipped: fallocate is not supported on {}",
            dir.path().display()
        );
        return;
    }
    fs::remove_file(&path).unwrap();
    let r = triage(&[]);
    let me = std::process::id();
    let t = titles(&r);
    assert!(
        t.iter()
            .any(|x| x.contains("pinned by deleted files") && x.contains(&format!("pid {me}"))),
        "{t:?}"
    );
    drop(file);
}

#[test]
fn a_listener_with_a_full_accept_queue_is_critical() {
    let _host = HOST.lock().unwrap_or_else(|e| e.into_inner());
    // A listener with a backlog of 1 that never accepts.
    let fd = unsafe { libc::socket(libc::AF_INET, libc::SOCK_STREAM, 0) };
    assert!(fd >= 0);
    let listener = unsafe { OwnedFd::from_raw_fd(fd) };
    let addr = libc::sockaddr_in {
        sin_family: libc::AF_INET as u16,
        sin_port: 0,
        sin_addr: libc::in_addr {
            s_addr: u32::from_be_bytes([127, 0, 0, 1]).to_be(),
        },
        sin_zero: [0; 8],
    };
    let len = std::mem::size_of::<libc::sockaddr_in>() as u32;
    unsafe {
        assert_eq!(
            libc::bind(fd, &addr as *const _ as *const libc::sockaddr, len),
            0
        );
        assert_eq!(libc::listen(fd, 1), 0);
    }
    let mut bound: libc::sockaddr_in = unsafe { std::mem::zeroed() };
    let mut blen = len;
    unsafe { libc::getsockname(fd, &mut bound as *mut _ as *mut libc::sockaddr, &mut blen) };
    let port = u16::from_be(bound.sin_port);
    let target: SocketAddr = format!("127.0.0.1:{port}").parse().unwrap();
    let clients: Vec<TcpStream> = (0..4)
        .filter_map(|_| TcpStream::connect_timeout(&target, Duration::from_millis(300)).ok())
        .collect();
    assert!(clients.len() >= 2, "the kernel queued too few connections");
    let r = triage(&[]);
    let t = titles(&r);
    let wanted = format!("Listener 127.0.0.1:{port}");
    let f = r["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["title"].as_str().unwrap().starts_with(&wanted))
        .unwrap_or_else(|| panic!("no finding for {wanted}: {t:?}"));
    assert_eq!(f["severity"], "critical", "{f}");
    assert!(f["title"].as_str().unwrap().ends_with("full"), "{f}");
    drop(clients);
    drop(listener);
}

#[test]
fn an_error_burst_in_a_log_is_found() {
    let _host = HOST.lock().unwrap_or_else(|e| e.into_inner());
    let dir = tempfile::tempdir().unwrap();
    let log = dir.path().join("app.log");
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs() as i64;
    let mut f = File::create(&log).unwrap();
    let stamp = |t: i64| {
        let out = Command::new("date")
            .args(["-u", "-d", &format!("@{t}"), "+%Y-%m-%dT%H:%M:%SZ"])
            .output()
            .unwrap();
        String::from_utf8(out.stdout).unwrap().trim().to_string()
    };
    // 10 errors 40 minutes ago, then 240 in the last 5 minutes, with info lines between.
    let old = stamp(now - 40 * 60);
    for i in 0..10 {
        writeln!(f, "{old} ERROR db timeout after {i} ms").unwrap();
    }
    for i in 0..240 {
        let t = stamp(now - 300 + i);
        writeln!(f, "{t} INFO request id={i} ok").unwrap();
        writeln!(
            f,
            "{t} ERROR upstream refused connection to 10.0.0.{} port 8080",
            i % 9
        )
        .unwrap();
    }
    drop(f);
    let path = log.display().to_string();
    let r = triage(&["--logs", &path]);
    let t = titles(&r);
    assert!(
        t.iter()
            .any(|x| x.starts_with(&format!("{path}: 240 error lines"))),
        "{t:?}\n{}",
        r["sections"]["log_bursts"]
    );
    let burst = &r["sections"]["log_bursts"][0];
    assert!(burst["top_signature"]
        .as_str()
        .unwrap()
        .contains("upstream refused connection"));
    // The advice works: the finding's `oncall logs grep` next step, run as printed through a
    // shell, prints exactly the 240 recent error lines.
    let finding = r["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["title"].as_str().unwrap().contains("240 error lines"))
        .unwrap();
    let grep = finding["next"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|n| n.as_str())
        .find(|n| n.starts_with("oncall logs grep"))
        .expect("a logs grep next step");
    let bin = assert_cmd::cargo::cargo_bin("oncall");
    let out = Command::new("sh")
        .arg("-c")
        .arg(format!(
            "{} -c",
            grep.replacen("oncall", bin.to_str().unwrap(), 1)
        ))
        .output()
        .unwrap();
    assert_eq!(
        String::from_utf8_lossy(&out.stdout).trim(),
        "240",
        "`{grep} -c`: {out:?}"
    );
}

#[test]
fn a_nearly_full_filesystem_is_critical() {
    let _host = HOST.lock().unwrap_or_else(|e| e.into_inner());
    if unsafe { libc::geteuid() } != 0 {
        eprintln!("skipped: mounting a small tmpfs needs root (the rule is also tested on recorded numbers in src/triage/rules.rs)");
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let mnt = dir.path().display().to_string();
    let ok = Command::new("mount")
        .args(["-t", "tmpfs", "-o", "size=8m", "tmpfs", &mnt])
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|s| s.success());
    if !ok {
        eprintln!("skipped: this sandbox does not allow mounting a tmpfs");
        return;
    }
    struct Unmount(String);
    impl Drop for Unmount {
        fn drop(&mut self) {
            let _ = Command::new("umount").arg(&self.0).status();
        }
    }
    let _guard = Unmount(mnt.clone());
    fs::write(
        dir.path().join("fill"),
        vec![7u8; 8 * 1024 * 1024 - 200 * 1024],
    )
    .unwrap();
    let r = triage(&[]);
    let t = titles(&r);
    let f = r["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| {
            f["title"]
                .as_str()
                .unwrap()
                .starts_with(&format!("{mnt} is "))
        })
        .unwrap_or_else(|| panic!("no finding for {mnt}: {t:?}"));
    assert_eq!(f["severity"], "critical", "{f}");
    assert_eq!(f["runbook"], "disk-full");
}

#[test]
fn a_failing_probe_is_a_critical_finding() {
    let _host = HOST.lock().unwrap_or_else(|e| e.into_inner());
    // A port nobody listens on for as long as the test runs.
    let refusing = support::servers::RefusingPort::new();
    let target = format!("http://127.0.0.1:{}/health", refusing.port);
    let r = triage(&["--probe", &target]);
    let f = r["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| {
            f["title"]
                .as_str()
                .unwrap()
                .starts_with(&format!("Probe of {target} failed"))
        })
        .unwrap_or_else(|| panic!("no probe finding: {:?}", titles(&r)));
    assert_eq!(f["severity"], "critical");
    assert_eq!(r["sections"]["probes"][0]["ok"], false);
}

#[test]
fn fail_on_sets_the_exit_code_and_markdown_is_markdown() {
    let _host = HOST.lock().unwrap_or_else(|e| e.into_inner());
    let _burner = burner();
    oncall()
        .args(["triage", "--window", "1s", "--fail-on", "warning"])
        .assert()
        .code(1);
    let out = oncall()
        .args(["triage", "--window", "500ms", "--format", "markdown"])
        .assert()
        .success();
    let text = String::from_utf8_lossy(&out.get_output().stdout).to_string();
    assert!(text.starts_with("## Triage of `"), "{text}");
    assert!(text.contains("### Findings") && text.contains("### Numbers"));
    oncall().args(["triage", "--window", "0"]).assert().code(2);
}

#[test]
fn a_hung_mount_is_a_finding_and_the_other_filesystems_stand() {
    // A mount that never answers statvfs (support::with_hung_mount, a dead NFS server's
    // stand-in): triage names it and still judges every other filesystem.
    let _host = HOST.lock().unwrap_or_else(|e| e.into_inner());
    let Some(out) = support::with_hung_mount(
        "deadsrv:/export",
        &[
            "triage",
            "--json",
            "--window",
            "1s",
            "--logs",
            "/nonexistent",
        ],
    ) else {
        return;
    };
    assert!(out.status.success(), "{out:?}");
    let r: Value = serde_json::from_slice(&out.stdout).unwrap();
    let hung: Vec<String> = titles(&r)
        .into_iter()
        .filter(|t| t.contains("deadsrv:/export"))
        .collect();
    assert_eq!(hung.len(), 1, "{:#}", r["findings"]);
    assert!(hung[0].contains("does not respond"), "{}", hung[0]);
    let finding = r["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["title"].as_str() == Some(&hung[0]))
        .unwrap();
    assert_eq!(finding["severity"], "critical");
    assert_eq!(finding["runbook"], "mount-hung");
    let collectors = r["sections"]["collectors"].as_array().unwrap();
    let fs = collectors
        .iter()
        .find(|c| c["name"] == "filesystems")
        .unwrap();
    assert_eq!(
        fs["status"], "ok",
        "one hung mount must not cost the section"
    );
    let mounts = r["sections"]["filesystems"].as_array().unwrap();
    let root = mounts.iter().find(|m| m["mount"] == "/").expect("/ judged");
    assert!(root["size_bytes"].as_u64().unwrap() > 0, "{root}");
    let hung_row = mounts
        .iter()
        .find(|m| m["source"] == "deadsrv:/export")
        .unwrap();
    assert_eq!(hung_row["not_responding"], true);
}

#[test]
fn time_wait_sockets_are_counted_without_being_listed() {
    // Triage leaves TIME-WAIT out of its socket dump (a busy host holds 100k+) and takes their
    // number from /proc/net/sockstat: 50 made here must be in it.
    let _host = HOST.lock().unwrap_or_else(|e| e.into_inner());
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = listener.local_addr().unwrap();
    for _ in 0..50 {
        let client = TcpStream::connect(addr).unwrap();
        let (server, _) = listener.accept().unwrap();
        // The side that closes first waits in TIME-WAIT.
        drop(client);
        let mut buf = [0u8; 1];
        let _ = std::io::Read::read(&mut &server, &mut buf);
        drop(server);
    }
    let r = triage(&["--logs", "/nonexistent"]);
    let tw = r["sections"]["sockets"]["time_wait"].as_u64().unwrap();
    assert!(
        tw >= 50,
        "{tw} sockets in TIME-WAIT, 50 made: {}",
        r["sections"]["sockets"]
    );
}
