//! `oncall mem` and `oncall triage` name the container: real cgroups at Docker's paths with
//! real limits, a real OOM kill by the kernel (a process that outgrows its group's limit),
//! a real CPU quota; the container's name from a `config.v2.json` under a temporary root.

mod support;

use serde_json::Value;
use std::path::Path;
use support::runtime_cgroups::{unique_id, unique_marker, RuntimeCgroup};

const MIB: u64 = 1 << 20;

fn named_container(root: &Path, id: &str, name: &str) {
    let dir = root.join("var/lib/docker/containers").join(id);
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(
        dir.join("config.v2.json"),
        format!(r#"{{"ID":"{id}","Name":"/{name}","Config":{{"Image":"busybox"}}}}"#),
    )
    .unwrap();
}

fn json(root: &Path, args: &[&str]) -> Value {
    let out = support::oncall()
        .env("ONCALL_CONTAINER_ROOT", root)
        .args(args)
        .output()
        .unwrap();
    assert!(
        out.status.code().is_some_and(|c| c <= 2),
        "{args:?}: {out:?}"
    );
    serde_json::from_slice(&out.stdout).unwrap_or_else(|e| panic!("{args:?}: {e}: {out:?}"))
}

fn triage(root: &Path) -> Value {
    json(
        root,
        &[
            "triage",
            "--json",
            "--window",
            "1s",
            "--logs",
            "/nonexistent",
        ],
    )
}

fn titles(r: &Value) -> Vec<String> {
    r["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["title"].as_str().unwrap().to_string())
        .collect()
}

/// A process that holds `mib` MiB (touched, so charged) until killed.
fn holder(mib: u64) -> String {
    format!("exec python3 -c 'import time; b = b\"x\" * ({mib} << 20); print(1, flush=True); time.sleep(600)'")
}

#[test]
fn a_container_near_its_limit_is_named_in_mem_and_triage() {
    let id = unique_id();
    let Some(mut cg) = RuntimeCgroup::new(&format!("/docker/{id}"), Some(128 * MIB), None) else {
        return;
    };
    // 112 MiB held plus python itself: above 90% of the limit, below an OOM kill.
    cg.spawn(&holder(112));
    // Bounded poll: the holder's memory is charged once python has built its bytes.
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(20);
    while cg.read_u64("memory.usage_in_bytes") < 116 * MIB && std::time::Instant::now() < deadline {
        std::thread::sleep(std::time::Duration::from_millis(50));
    }
    let root = tempfile::tempdir().unwrap();
    let name = format!("cache-{}", unique_marker());
    named_container(root.path(), &id, &name);

    let mem = json(root.path(), &["mem", "--json", "--top", "1000"]);
    let g = mem["groups"]
        .as_array()
        .unwrap()
        .iter()
        .find(|g| g["name"] == name.as_str())
        .unwrap_or_else(|| panic!("{name} not in {:#}", mem["groups"]));
    assert_eq!(g["kind"], "container");
    assert_eq!(g["memory_limit_bytes"], 128 * MIB);
    assert!(g["percent_of_limit"].as_f64().unwrap() > 90.0, "{g}");

    let r = triage(root.path());
    let t = titles(&r);
    let want = format!("container {name} uses ");
    let hit = t.iter().find(|x| x.starts_with(&want));
    assert!(
        hit.is_some_and(|h| h.contains("of its 128 MiB memory limit")),
        "{t:#?}"
    );
    let groups = r["sections"]["groups"].as_array().unwrap();
    assert!(
        groups.iter().any(|g| g["name"] == name.as_str()),
        "the report lists it"
    );
}

#[test]
fn a_kernel_oom_kill_in_a_container_is_put_on_it() {
    let id = unique_id();
    let Some(mut cg) = RuntimeCgroup::new(&format!("/docker/{id}"), Some(24 * MIB), None) else {
        return;
    };
    // A sleeper keeps the group alive; python outgrows the limit and the kernel kills it.
    cg.sleeper();
    cg.spawn(&holder(96));
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(20);
    let oom_kills = |cg: &RuntimeCgroup| {
        cg.read("memory.oom_control")
            .lines()
            .find_map(|l| l.strip_prefix("oom_kill ")?.parse::<u64>().ok())
    };
    if oom_kills(&cg).is_none() {
        eprintln!("skipped: this kernel's memory.oom_control has no oom_kill counter");
        return;
    }
    while oom_kills(&cg) == Some(0) && std::time::Instant::now() < deadline {
        std::thread::sleep(std::time::Duration::from_millis(50));
    }
    assert!(
        oom_kills(&cg) >= Some(1),
        "the kernel did not OOM-kill in the group"
    );
    let root = tempfile::tempdir().unwrap();
    let name = format!("oom-{}", unique_marker());
    named_container(root.path(), &id, &name);

    let mem = json(root.path(), &["mem", "--json", "--top", "1000"]);
    let g = mem["groups"]
        .as_array()
        .unwrap()
        .iter()
        .find(|g| g["name"] == name.as_str())
        .unwrap_or_else(|| panic!("{name} not in {:#}", mem["groups"]));
    assert!(g["oom_kills"].as_u64().unwrap() >= 1, "{g}");

    let r = triage(root.path());
    if r["group_oom_kills"].is_null() && r["sections"]["group_oom_kills"].as_array().is_none() {
        panic!("no group_oom_kills section: {r:#}");
    }
    let t = titles(&r);
    let want = format!(" in container {name} at ");
    assert!(
        t.iter()
            .any(|x| x.starts_with("OOM killer killed python") && x.contains(&want)),
        "{t:#?}\n{:#}",
        r["sections"]["group_oom_kills"]
    );
}

#[test]
fn a_throttled_container_is_named() {
    let id = unique_id();
    let Some(mut cg) = RuntimeCgroup::new(&format!("/docker/{id}"), None, Some(10)) else {
        return;
    };
    cg.spawn("while :; do :; done");
    cg.spawn("while :; do :; done");
    let root = tempfile::tempdir().unwrap();
    let name = format!("busy-{}", unique_marker());
    named_container(root.path(), &id, &name);
    let r = triage(root.path());
    let t = titles(&r);
    let want = format!("container {name} was CPU-throttled in ");
    assert!(t.iter().any(|x| x.starts_with(&want)), "{t:#?}");
    let text = support::oncall()
        .env("ONCALL_CONTAINER_ROOT", root.path())
        .env("COLUMNS", "200")
        .args([
            "triage",
            "--window",
            "1s",
            "--logs",
            "/nonexistent",
            "--color",
            "never",
        ])
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&text.stdout);
    assert!(
        text.contains("containers cpu") && text.contains(&name),
        "{text}"
    );
}
