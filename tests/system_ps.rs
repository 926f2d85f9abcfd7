//! `oncall ps` against procps `ps` on the live /proc, with real child processes.

mod support;

use serde_json::Value;
use std::collections::HashSet;
use std::process::{Child, Command, Stdio};
use support::{oncall, stdout_json};

/// A child that sleeps, killed when dropped.
struct Sleeper(Child);

impl Sleeper {
    fn start(args: &[&str]) -> Sleeper {
        Sleeper(
            Command::new(args[0])
                .args(&args[1..])
                .stdout(Stdio::null())
                .spawn()
                .expect("spawn"),
        )
    }
    /// Waits until the child sleeps in nanosleep: past the loader, its RSS and name settled.
    fn settled(self) -> Sleeper {
        let wchan = format!("/proc/{}/wchan", self.0.id());
        // Bounded: a kernel that hides wchan gets on after a while without it.
        for _ in 0..5000 {
            if std::fs::read_to_string(&wchan)
                .unwrap_or_default()
                .contains("nanosleep")
            {
                break;
            }
            std::thread::sleep(std::time::Duration::from_millis(1));
        }
        self
    }

    fn pid(&self) -> i64 {
        self.0.id() as i64
    }
}

impl Drop for Sleeper {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn regex_escape(s: &str) -> String {
    s.replace('.', "\\.")
}

/// A sleep length no other test (in this binary or another) uses: the test's own number and
/// this process's pid as the fraction, so `--grep` on it matches this test's child only.
fn unique_secs(base: u32) -> String {
    format!("{base}.{}", std::process::id())
}

fn ps_pids() -> HashSet<i64> {
    let out = Command::new("ps")
        .args(["-e", "-o", "pid="])
        .output()
        .expect("procps ps is installed");
    String::from_utf8_lossy(&out.stdout)
        .split_whitespace()
        .map(|p| p.parse().unwrap())
        .collect()
}

fn processes(doc: &Value) -> &Vec<Value> {
    doc["processes"].as_array().expect("processes array")
}

fn find(doc: &Value, pid: i64) -> Option<&Value> {
    processes(doc).iter().find(|p| p["pid"] == pid)
}

#[test]
fn pid_set_matches_ps_allowing_for_churn() {
    let before = ps_pids();
    let doc = stdout_json(&["ps", "--window", "0", "--json"]);
    let after = ps_pids();
    let ours: HashSet<i64> = processes(&doc)
        .iter()
        .map(|p| p["pid"].as_i64().unwrap())
        .collect();
    // Alive through both ps runs: alive while we read /proc too.
    let stable: HashSet<i64> = before.intersection(&after).copied().collect();
    let missing: Vec<&i64> = stable.difference(&ours).collect();
    assert!(missing.is_empty(), "ps saw, oncall did not: {missing:?}");
    // Seen only by us: born after the first ps and gone before the second; so gone now.
    for pid in ours
        .iter()
        .filter(|p| !before.contains(p) && !after.contains(p))
    {
        assert!(
            !std::path::Path::new(&format!("/proc/{pid}")).exists(),
            "oncall listed {pid}, which neither ps run saw and which still runs"
        );
    }
    assert!(ours.len() >= stable.len());
}

#[test]
fn json_has_the_design_fields_and_matches_ps_for_a_known_child() {
    let child = Sleeper::start(&["sleep", "3600"]).settled();
    let doc = stdout_json(&["ps", "--window", "0", "--json"]);
    let p = find(&doc, child.pid()).expect("our child is listed");
    for field in [
        "pid",
        "ppid",
        "user",
        "name",
        "cmdline",
        "state",
        "cpu_percent",
        "rss_bytes",
        "threads",
    ] {
        assert!(p.get(field).is_some(), "missing {field}: {p}");
    }
    assert_eq!(p["name"], "sleep");
    assert_eq!(p["cmdline"], "sleep 3600");
    assert_eq!(p["ppid"], std::process::id() as i64);
    assert_eq!(p["threads"], 1);
    assert_eq!(p["state"], "S");
    // The same numbers ps prints for it (a sleeping process's RSS does not move).
    let out = Command::new("ps")
        .args(["-o", "user=,rss=,nlwp=", "-p", &child.pid().to_string()])
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    let cols: Vec<&str> = text.split_whitespace().collect();
    assert_eq!(p["user"], cols[0]);
    assert_eq!(
        p["rss_bytes"].as_u64().unwrap(),
        cols[1].parse::<u64>().unwrap() * 1024
    );
    assert_eq!(
        p["threads"].as_u64().unwrap(),
        cols[2].parse::<u64>().unwrap()
    );
}

#[test]
fn filters_select_what_they_say() {
    let secs = unique_secs(3611);
    let child = Sleeper::start(&["sleep", &secs]).settled();
    let pid = child.pid().to_string();
    let pattern = format!("^sleep {}$", regex_escape(&secs));
    let by_grep = stdout_json(&["ps", "--window", "0", "--json", "--grep", &pattern]);
    assert_eq!(processes(&by_grep).len(), 1, "{by_grep}");
    assert_eq!(processes(&by_grep)[0]["pid"], child.pid());
    let by_pid = stdout_json(&["ps", "--window", "0", "--json", "--pid", &pid]);
    assert_eq!(processes(&by_pid).len(), 1);
    let by_state = stdout_json(&["ps", "--window", "0", "--json", "--state", "S"]);
    assert!(processes(&by_state).iter().all(|p| p["state"] == "S"));
    assert!(find(&by_state, child.pid()).is_some());
    let top = stdout_json(&[
        "ps", "--window", "0", "--json", "--top", "3", "--sort", "mem",
    ]);
    let rss: Vec<u64> = processes(&top)
        .iter()
        .map(|p| p["rss_bytes"].as_u64().unwrap())
        .collect();
    assert_eq!(rss.len(), 3);
    assert!(rss.windows(2).all(|w| w[0] >= w[1]), "{rss:?}");
}

#[test]
fn a_zombie_is_found_by_state_and_counted() {
    // The child exits at once and is not reaped until `child` is dropped: a zombie.
    let mut child = Command::new("true").spawn().unwrap();
    let pid = child.id() as i64;
    // Wait until the kernel shows it as a zombie (polling, bounded; no timed assertion).
    for _ in 0..5000 {
        let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).unwrap_or_default();
        if stat.contains(") Z ") {
            break;
        }
        std::thread::sleep(std::time::Duration::from_millis(1));
    }
    let doc = stdout_json(&["ps", "--window", "0", "--json", "--state", "Z"]);
    let z = find(&doc, pid).expect("the zombie is listed");
    assert_eq!(z["state"], "Z");
    assert!(doc["summary"]["zombie"].as_u64().unwrap() >= 1);
    child.wait().unwrap();
}

#[test]
fn tree_puts_a_child_under_its_parent() {
    let child = Sleeper::start(&["sleep", "3602"]);
    let me = std::process::id().to_string();
    let pid = child.pid().to_string();
    let doc = stdout_json(&[
        "ps",
        "--window",
        "0",
        "--json",
        "--tree",
        "--pid",
        &format!("{me},{pid}"),
    ]);
    let rows = processes(&doc);
    assert_eq!(rows.len(), 2, "{doc}");
    assert_eq!(rows[0]["pid"].to_string(), me);
    assert_eq!(rows[0]["depth"], 0);
    assert_eq!(rows[1]["pid"], child.pid());
    assert_eq!(rows[1]["depth"], 1);
}

#[test]
fn a_busy_process_shows_cpu_over_the_window() {
    let busy = Sleeper::start(&["sh", "-c", "while :; do :; done"]);
    let pid = busy.pid().to_string();
    let doc = stdout_json(&["ps", "--window", "500ms", "--json", "--pid", &pid]);
    assert_eq!(doc["window_ms"], 500);
    let p = &processes(&doc)[0];
    assert!(p["cpu_percent"].as_f64().unwrap() > 0.0, "{p}");
    assert_eq!(
        p["state"].as_str().map(|s| s == "R" || s == "S"),
        Some(true)
    );
}

#[test]
fn table_has_footer_and_classic_hint() {
    let out = oncall().args(["ps", "--window", "0"]).assert().success();
    let text = String::from_utf8_lossy(&out.get_output().stdout).to_string();
    assert!(
        text.starts_with(" PID") || text.starts_with("PID"),
        "{text}"
    );
    assert!(text.contains("processes: "), "{text}");
    assert!(text.contains("zombie"), "{text}");
    assert!(text.contains("threads"), "{text}");
    assert!(text.contains("hint: same as: ps -eo"), "{text}");
    // 20 rows by default in a table, plus header, footer and hint.
    assert!(text.lines().count() <= 20 + 4, "{text}");
}

#[test]
fn bad_filters_are_usage_errors() {
    for args in [
        vec!["ps", "--grep", "("],
        vec!["ps", "--user", "no-such-user-here"],
        vec!["ps", "--state", "Q"],
    ] {
        let out = oncall().args(&args).assert().code(2).stdout("");
        let err = String::from_utf8_lossy(&out.get_output().stderr).to_string();
        assert!(err.starts_with("oncall: "), "{args:?}: {err}");
        assert_eq!(err.lines().count(), 1, "{args:?}: {err}");
    }
}

#[test]
fn a_terminal_width_gets_one_line_per_process() {
    // GNU sleep adds up its arguments: a long command line that stays one process.
    let mut args = vec!["sleep", "3603"];
    args.extend(std::iter::repeat_n("0", 150));
    let _long = Sleeper::start(&args);
    let out = oncall()
        .args(["ps", "--window", "0", "--top", "500"])
        .env("COLUMNS", "150")
        .assert()
        .success();
    let text = String::from_utf8_lossy(&out.get_output().stdout).to_string();
    for line in text.lines() {
        assert!(
            line.chars().count() <= 150,
            "{} chars: {line}",
            line.chars().count()
        );
    }
    assert!(text.contains("sleep 3603 0 0 0"), "{text}");
    assert!(text.contains('…'), "the long command is cut: {text}");
}

/// As an ordinary user, another user's I/O counters are hidden by the kernel: they must come
/// out unknown (null in JSON, `?` in the table) and be counted, never shown as 0.
#[test]
fn fields_hidden_from_a_non_root_user_are_unknown_not_zero() {
    // SAFETY: geteuid has no preconditions.
    if unsafe { libc::geteuid() } != 0 {
        eprintln!("skipping: needs root to run oncall as another user (setpriv)");
        return;
    }
    let child = Sleeper::start(&["sleep", "3601"]).settled();
    let pid = child.pid().to_string();
    // As root the child's counters are readable: 0 bytes read per second is a real 0.
    let doc = stdout_json(&["ps", "--window", "100ms", "--pid", &pid, "--json"]);
    let p = find(&doc, child.pid()).expect("listed as root");
    assert_eq!(p["read_bytes_per_second"], 0.0, "{p}");
    let bin = assert_cmd::cargo::cargo_bin("oncall");
    let as_nobody = |args: &[&str]| {
        let out = Command::new("setpriv")
            .args(["--reuid=65534", "--regid=65534", "--clear-groups"])
            .arg(&bin)
            .args(args)
            .output()
            .expect("setpriv (util-linux) is installed");
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8_lossy(&out.stdout).into_owned()
    };
    let doc: Value = serde_json::from_str(&as_nobody(&[
        "ps", "--window", "100ms", "--pid", &pid, "--json",
    ]))
    .unwrap();
    let p = find(&doc, child.pid()).expect("still listed as nobody");
    assert!(p["read_bytes_per_second"].is_null(), "{p}");
    assert!(p["write_bytes_per_second"].is_null(), "{p}");
    // What stays readable is still given.
    assert_eq!(p["user"], "root");
    assert_eq!(p["cmdline"], "sleep 3601");
    assert!(doc["partly_hidden"].as_u64().unwrap() >= 1, "{doc}");
    let table = as_nobody(&["ps", "--window", "0", "--pid", &pid]);
    let row = table
        .lines()
        .find(|l| l.contains("sleep 3601"))
        .unwrap_or_else(|| panic!("{table}"));
    let cols: Vec<&str> = row.split_whitespace().collect();
    // PID USER CPU% RSS(2 words) S THR FDS READ WRITE …
    assert_eq!(&cols[8..10], ["?", "?"], "{row}");
    assert!(table.contains("not readable (shown as ?"), "{table}");
}

#[test]
fn control_characters_in_a_command_line_stay_on_one_row() {
    // A `bash -c` script holds newlines; a hostile argv[0] can hold an escape sequence.
    // Either would break the table (or drive the terminal) if printed raw.
    use std::os::unix::process::CommandExt;
    let child = Command::new("sleep")
        .arg0("evil\nname\x1b[31m")
        .arg("3605")
        .stdout(Stdio::null())
        .spawn()
        .expect("spawn sleep");
    let sleeper = Sleeper(child);
    let pid = sleeper.0.id().to_string();
    for format in ["table", "markdown"] {
        let out = oncall()
            .args(["ps", "--window", "0", "--pid", &pid, "--format", format])
            .assert()
            .success();
        let text = String::from_utf8_lossy(&out.get_output().stdout).to_string();
        assert!(!text.contains('\x1b'), "{format}: {text:?}");
        let rows: Vec<&str> = text.lines().filter(|l| l.contains(&pid)).collect();
        assert_eq!(rows.len(), 1, "{format}: {text}");
        assert!(rows[0].contains("evil?name?[31m 3605"), "{format}: {text}");
    }
    // JSON keeps the exact bytes.
    let doc = stdout_json(&["ps", "--window", "0", "--json", "--pid", &pid]);
    assert_eq!(
        processes(&doc)[0]["cmdline"].as_str(),
        Some("evil\nname\x1b[31m 3605")
    );
}

#[test]
fn states_no_reader_can_see_are_refused() {
    // X (dead) is in the kernel's table but never in /proc; W and K left with Linux 2.6.
    for state in ["X", "W", "K", "RX"] {
        let out = oncall()
            .args(["ps", "--state", state])
            .assert()
            .code(2)
            .stdout("");
        let err = String::from_utf8_lossy(&out.get_output().stderr).to_string();
        assert!(err.starts_with("oncall: --state"), "{state}: {err}");
        assert!(err.contains("R running"), "{state}: {err}");
    }
}

#[test]
fn grep_leaves_out_the_searching_process() {
    // The pattern is in oncall's own command line; like pgrep, it must not find itself.
    let marker = format!("oncall-grep-self-{}", std::process::id());
    // `read` is a shell builtin: sh waits on its stdin pipe with no child to leave behind.
    let holder = Sleeper(
        Command::new("sh")
            .args(["-c", "read _", &marker])
            .stdin(Stdio::piped())
            .stdout(Stdio::null())
            .spawn()
            .expect("spawn sh"),
    );
    // Until sh has exec'd its own command line, it carries ours (the fork's copy).
    let cmdline = format!("/proc/{}/cmdline", holder.pid());
    for _ in 0..5000 {
        if std::fs::read(&cmdline)
            .unwrap_or_default()
            .starts_with(b"sh\0")
        {
            break;
        }
        std::thread::sleep(std::time::Duration::from_millis(1));
    }
    let doc = stdout_json(&["ps", "--window", "0", "--json", "--grep", &marker]);
    let pids: Vec<&Value> = processes(&doc).iter().map(|p| &p["pid"]).collect();
    assert_eq!(pids, [&Value::from(holder.pid())], "{doc}");
}

#[test]
fn a_zombie_row_names_its_parent() {
    let mut child = Command::new("true").spawn().unwrap();
    let pid = child.id();
    for _ in 0..5000 {
        let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).unwrap_or_default();
        if stat.contains(") Z ") {
            break;
        }
        std::thread::sleep(std::time::Duration::from_millis(1));
    }
    let out = oncall()
        .args(["ps", "--window", "0", "--pid", &pid.to_string()])
        .assert()
        .success();
    let text = String::from_utf8_lossy(&out.get_output().stdout).to_string();
    let row = text
        .lines()
        .find(|l| l.trim_start().starts_with(&pid.to_string()))
        .unwrap_or_else(|| panic!("no row for {pid}: {text}"));
    // The parent is who must reap it (or be restarted): it belongs in the row.
    let parent = format!("<defunct>, parent {}", std::process::id());
    assert!(row.contains(&parent), "{row}");
    child.wait().unwrap();
}

#[test]
fn as_root_the_footer_does_not_ask_for_root() {
    // Inside a new user namespace oncall is root (uid 0) but has no power over the processes
    // outside it, whose fds and I/O stay hidden: "run as root" is advice that cannot help.
    // (Real root meets the same with another user namespace's init or a security module.)
    let bin = assert_cmd::cargo::cargo_bin("oncall");
    let out = Command::new("unshare")
        .args(["--user", "--map-root-user"])
        .arg(&bin)
        .args(["ps", "--window", "0", "--top", "1"])
        .env("XDG_CONFIG_HOME", "/nonexistent/oncall-tests")
        .output()
        .expect("unshare (util-linux) is installed");
    if !out.status.success() {
        let why = String::from_utf8_lossy(&out.stderr);
        assert!(
            std::env::var_os("CI").is_none(),
            "under CI user namespaces must work: {why}"
        );
        eprintln!("skipped: no user namespace here: {why}");
        return;
    }
    let text = String::from_utf8_lossy(&out.stdout).to_string();
    assert!(text.contains("not readable"), "something is hidden: {text}");
    assert!(!text.contains("run as root"), "{text}");
    assert!(text.contains("kept from root too"), "{text}");
}
