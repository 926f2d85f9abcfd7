//! Inside a real cgroup made by the test (v2, or v1's memory and cpu hierarchies): `oncall mem`
//! reports the cgroup's memory limit, and `oncall triage` finds the group near that limit and
//! held back by its CPU quota.

mod support;

use serde_json::Value;
use std::process::{Child, Stdio};
use std::time::Duration;
use support::cgroup::TestCgroup;

const MIB: u64 = 1 << 20;

fn oncall_bin() -> std::path::PathBuf {
    assert_cmd::cargo::cargo_bin("oncall")
}

struct KillOnDrop(Child);
impl Drop for KillOnDrop {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// Not a test on its own: with ONCALL_TEST_HOLD_MIB=N this binary holds N MiB of touched
/// anonymous memory; with ONCALL_TEST_SPIN=N it spins N threads. Either way until killed.
#[test]
fn helper() {
    if let Some(mib) = std::env::var("ONCALL_TEST_HOLD_MIB")
        .ok()
        .and_then(|v| v.parse::<usize>().ok())
    {
        // Written, not just allocated: only touched pages are charged to the cgroup.
        let held = vec![1u8; mib << 20];
        std::hint::black_box(&held);
        println!("holding");
        loop {
            std::thread::sleep(Duration::from_secs(60));
        }
    }
    if let Some(n) = std::env::var("ONCALL_TEST_SPIN")
        .ok()
        .and_then(|v| v.parse::<usize>().ok())
    {
        let spin = || loop {
            std::hint::black_box(0u64.wrapping_add(1));
        };
        for _ in 1..n {
            std::thread::spawn(spin);
        }
        spin();
    }
}

/// This test binary started as `helper` inside the cgroup, with `env` set.
fn plant(cg: &TestCgroup, env: (&str, &str)) -> KillOnDrop {
    let exe = std::env::current_exe().unwrap();
    let mut cmd = cg.command(&exe, &["--exact", "helper", "--nocapture"]);
    cmd.env(env.0, env.1)
        .stdout(Stdio::piped())
        .stderr(Stdio::null());
    KillOnDrop(cmd.spawn().expect("start the helper"))
}

/// `oncall ARGS` run inside the cgroup; its stdout as JSON.
fn oncall_in(cg: &TestCgroup, args: &[&str]) -> Value {
    let out = cg
        .command(&oncall_bin(), args)
        .env("XDG_CONFIG_HOME", "/nonexistent/oncall-tests")
        .output()
        .expect("run oncall");
    assert!(out.status.success(), "oncall {args:?}: {out:?}");
    serde_json::from_slice(&out.stdout).expect("one JSON document")
}

fn titles(report: &Value) -> Vec<(String, String)> {
    report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            (
                f["severity"].as_str().unwrap().to_string(),
                f["title"].as_str().unwrap().to_string(),
            )
        })
        .collect()
}

#[test]
fn mem_reports_the_limit_of_the_cgroup_it_runs_in() {
    let Some(cg) = TestCgroup::new(Some(300 * MIB), None) else {
        return;
    };
    let doc = oncall_in(&cg, &["mem", "--json"]);
    let c = &doc["cgroup"];
    assert_eq!(c["limit_bytes"].as_u64(), Some(300 * MIB), "{doc:#}");
    assert_eq!(c["path"].as_str(), Some(cg.path.as_str()));
    assert_eq!(c["version"].as_u64(), Some(u64::from(cg.version)));
    // oncall itself is charged to the group: some usage, under the limit.
    let usage = c["usage_bytes"].as_u64().unwrap();
    assert!(usage > 0 && usage < 300 * MIB, "{c}");
}

#[test]
fn triage_finds_its_cgroup_near_the_memory_limit() {
    let Some(cg) = TestCgroup::new(Some(512 * MIB), None) else {
        return;
    };
    // 470 MiB held is 92% of the limit before triage adds its own; the 42 MiB left is room
    // for triage (8 MiB here, ~50 when it dumped 130k TIME-WAIT sockets, which once got it
    // OOM-killed in a stress run with a 24 MiB margin).
    let mut holder = plant(&cg, ("ONCALL_TEST_HOLD_MIB", "470"));
    // The test harness prints its own lines first; "holding" comes once the memory is held.
    let out = std::io::BufReader::new(holder.0.stdout.take().unwrap());
    let held = std::io::BufRead::lines(out).any(|l| l.is_ok_and(|l| l == "holding"));
    assert!(held, "the holder did not get its memory (OOM-killed?)");
    let r = oncall_in(
        &cg,
        &[
            "triage",
            "--json",
            "--window",
            "500ms",
            "--logs",
            "/nonexistent",
        ],
    );
    let t = titles(&r);
    let wanted = format!("cgroup {} uses", cg.path);
    let hit = t.iter().find(|(_, x)| x.starts_with(&wanted));
    assert!(hit.is_some(), "{t:?}\n{}", r["sections"]["cgroup"]);
    assert!(
        hit.unwrap().1.contains("of its 512 MiB memory limit"),
        "{hit:?}"
    );
    assert_eq!(r["sections"]["cgroup"]["memory_limit_bytes"], 512 * MIB);
    let next = r["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["title"].as_str().unwrap().starts_with(&wanted))
        .unwrap()["next"]
        .to_string();
    assert!(
        next.contains(&cg.dir().display().to_string()),
        "the next command reads this cgroup's own files: {next}"
    );
}

#[test]
fn triage_finds_cpu_throttling_in_its_cgroup() {
    // A quota of 20% of one CPU and two spinning threads: nearly every period is throttled.
    let Some(cg) = TestCgroup::new(None, Some(20)) else {
        return;
    };
    let _spinner = plant(&cg, ("ONCALL_TEST_SPIN", "2"));
    let r = oncall_in(
        &cg,
        &[
            "triage",
            "--json",
            "--window",
            "1s",
            "--logs",
            "/nonexistent",
        ],
    );
    let t = titles(&r);
    let wanted = format!("cgroup {} was CPU-throttled in ", cg.path);
    let hit = t.iter().find(|(_, x)| x.starts_with(&wanted));
    assert!(hit.is_some(), "{t:?}\n{}", r["sections"]["cgroup"]);
    assert_eq!(hit.unwrap().0, "warning");
    let throttled = r["sections"]["cgroup"]["throttled_percent"]
        .as_f64()
        .unwrap();
    assert!(throttled > 50.0, "{throttled}% of periods throttled");
    let stat = r["sections"]["cgroup"]["cpu_stat_file"].as_str().unwrap();
    assert!(stat.contains(cg.path.trim_start_matches('/')), "{stat}");
}
