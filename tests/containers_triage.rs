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

/// `oncall ARGS` run as a container runs it: inside `cg` (every hierarchy), in a new cgroup
/// namespace and mount namespace where the group's own directories are bind-mounted over
/// the hierarchies' mount points (what a runtime's private cgroupfs shows: `/` is the group).
fn inside_container(cg: &RuntimeCgroup, args: &[&str]) -> std::process::Output {
    let joins: Vec<String> = cg
        .dirs
        .iter()
        .map(|d| format!("echo $$ > '{}/cgroup.procs' || exit 96", d.display()))
        .collect();
    let binds: Vec<String> = cg
        .dirs
        .iter()
        .map(|d| {
            let rel = cg.path.trim_start_matches('/');
            let mount = d.to_str().unwrap().strip_suffix(rel).unwrap();
            format!(
                "mount --bind '{}' '{}' || exit 97",
                d.display(),
                mount.trim_end_matches('/')
            )
        })
        .collect();
    let script = format!(
        "{}\nexec unshare --cgroup --mount --propagation private sh -c '{}\nexec \"$0\" \"$@\"' \"$@\"",
        joins.join("\n"),
        binds.join("\n").replace('\'', "'\\''"),
    );
    let out = std::process::Command::new("sh")
        .args(["-c", &script, "sh"])
        .arg(assert_cmd::cargo::cargo_bin("oncall"))
        .args(args)
        .env("XDG_CONFIG_HOME", "/nonexistent/oncall-tests")
        .output()
        .unwrap();
    assert!(
        out.status.code().is_some_and(|c| c <= 2),
        "{args:?}: {out:?}"
    );
    out
}

#[test]
fn inside_a_container_memory_and_cpu_are_judged_against_its_limit_and_quota() {
    let id = unique_id();
    // 256 MiB and half a CPU; a holder of 228 MiB (plus python and oncall itself) leaves
    // under 10 % of the limit, and a spinner uses the whole quota.
    let Some(mut cg) = RuntimeCgroup::new(&format!("/docker/{id}"), Some(256 * MIB), Some(50))
    else {
        return;
    };
    if cg.version == 1 {
        // The most shares: on a busy machine the spinner still gets its whole quota.
        let cpu = cg
            .dirs
            .iter()
            .find(|d| d.join("cpu.shares").exists())
            .unwrap();
        std::fs::write(cpu.join("cpu.shares"), "262144").unwrap();
    }
    cg.spawn(&holder(228));
    // Two spinners for half a CPU: held to the quota in most periods, however busy the host.
    cg.spawn("while :; do :; done");
    cg.spawn("while :; do :; done");
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(20);
    let usage_file = if cg.version == 1 {
        "memory.usage_in_bytes"
    } else {
        "memory.current"
    };
    while cg.read_u64(usage_file) < 232 * MIB && std::time::Instant::now() < deadline {
        std::thread::sleep(std::time::Duration::from_millis(50));
    }
    let out = inside_container(
        &cg,
        &[
            "triage",
            "--json",
            "--window",
            "2s",
            "--logs",
            "/nonexistent",
        ],
    );
    let r: Value = serde_json::from_slice(&out.stdout).unwrap_or_else(|e| panic!("{e}: {out:?}"));
    let s = &r["sections"];
    assert_eq!(s["inside_container"]["cgroup_namespace"], true, "{s:#}");
    let limits = &s["container_limits"];
    assert_eq!(limits["memory_limit_bytes"], 256 * MIB, "{limits:#}");
    assert_eq!(limits["memory_cgroup"], "/", "{limits:#}");
    assert_eq!(limits["cpu_quota_cpus"], 0.5, "{limits:#}");
    let used = limits["cpu_used_cpus"].as_f64().unwrap();
    assert!(used > 0.3 && used < 0.6, "{limits:#}");
    let host_total = s["memory"]["total_bytes"].as_u64().unwrap();
    assert!(host_total > 256 * MIB);
    let t = titles(&r);
    let mem = t
        .iter()
        .find(|x| x.starts_with("Memory ") && x.contains("available in the container"))
        .unwrap_or_else(|| panic!("no container memory finding: {t:#?}\n{limits:#}"));
    assert!(mem.contains("of its 256 MiB limit); host: "), "{mem}");
    // The host's own MemAvailable rule is not what judged it (the host has memory free).
    assert!(
        !t.iter()
            .any(|x| x.starts_with("Memory ") && !x.contains("in the container")),
        "{t:#?}"
    );
    let cpu = t
        .iter()
        .find(|x| x.starts_with("CPU saturated in the container: "))
        .unwrap_or_else(|| panic!("no container CPU finding: {t:#?}\n{limits:#}"));
    assert!(cpu.contains("of its 0.50-CPU quota used"), "{cpu}");
    // Load per CPU is judged on the quota's half CPU (the host's load is beside it).
    let load = s["load"]["one"].as_f64().unwrap();
    if load > 0.5 {
        assert!(
            t.iter()
                .any(|x| x.contains("on the container's CPU quota of 0.50 CPUs")),
            "load {load}: {t:#?}"
        );
    }

    // The text view says what was judged against what.
    let text = inside_container(
        &cg,
        &[
            "triage",
            "--window",
            "1s",
            "--logs",
            "/nonexistent",
            "--color",
            "never",
        ],
    );
    let text = String::from_utf8_lossy(&text.stdout);
    assert!(
        text.contains("memory judged against its limit 256 MiB (host ")
            && text.contains("CPU judged against its quota of 0.50 CPUs"),
        "{text}"
    );

    // Outside, the host view is its own: no container limits, no container findings.
    let host = triage(tempfile::tempdir().unwrap().path());
    assert!(
        host["sections"]["container_limits"].is_null(),
        "{:#}",
        host["sections"]
    );
    assert!(
        !titles(&host).iter().any(|x| x.contains("in the container")),
        "{:#?}",
        titles(&host)
    );
}
