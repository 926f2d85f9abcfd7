//! The cgroup v2 code paths on a real cgroup2 hierarchy: mounted in a private mount namespace
//! (`support::cgroup2_mount`) on this host, whose controllers are all bound to v1, with groups
//! at the exact paths systemd, kubelet (systemd driver), Docker, containerd, CRI-O and Podman
//! make, real processes inside, and oncall run in that namespace. Identity comes from the
//! `0::` line of `/proc/PID/cgroup` (a hybrid layout: the v1 lines are there too); CPU from
//! the group's own `cpu.stat` usage_usec, checked against that counter's delta. Where a
//! process is in a v1 memory group as well, memory is v1's (the memory controller is there).

mod support;

use serde_json::Value;
use std::path::Path;
use std::process::Command;
use std::time::Instant;
use support::cgroup2_mount::Cgroup2;
use support::runtime_cgroups::{unique_id, unique_marker, unique_uid, RuntimeCgroup};

const MIB: u64 = 1 << 20;
const SPIN: &str = "exec sh -c 'while :; do :; done'";

fn json(mut cmd: Command, root: &Path, args: &[&str]) -> Value {
    let out = cmd
        .env("ONCALL_CONTAINER_ROOT", root)
        .args(args)
        .arg("--json")
        .output()
        .unwrap();
    assert!(out.status.success(), "{args:?}: {out:?}");
    serde_json::from_slice(&out.stdout).unwrap_or_else(|e| panic!("{args:?}: {e}: {out:?}"))
}

/// `oncall ARGS` inside the namespace, with the group's CPU% by its own counter over the run.
fn with_cpu_delta(cg: &Cgroup2, path: &str, root: &Path, args: &[&str]) -> (Value, f64) {
    let usage = || cg.key(path, "cpu.stat", "usage_usec");
    let (t0, u0) = (Instant::now(), usage());
    let doc = json(cg.oncall(), root, args);
    let (t1, u1) = (Instant::now(), usage());
    let pct = (u1 - u0) as f64 / 1e6 / (t1 - t0).as_secs_f64() * 100.0;
    (doc, pct)
}

fn write(path: &Path, text: &str) {
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(path, text).unwrap();
}

/// kubelet's log directory of a pod and the `/var/log/containers` link of one container.
fn kubelet_logs(root: &Path, ns: &str, pod: &str, uid: &str, container: &str, id: &str) {
    let dir = root
        .join("var/log/pods")
        .join(format!("{ns}_{pod}_{uid}"))
        .join(container);
    write(
        &dir.join("0.log"),
        "2026-12-01T00:00:00.000000000Z stdout F hello\n",
    );
    let links = root.join("var/log/containers");
    std::fs::create_dir_all(&links).unwrap();
    std::os::unix::fs::symlink(
        dir.join("0.log"),
        links.join(format!("{pod}_{ns}_{container}-{id}.log")),
    )
    .unwrap();
}

fn sorted(mut v: Vec<i64>) -> Vec<i64> {
    v.sort();
    v
}

fn pids(doc: &Value) -> Vec<i64> {
    sorted(
        doc["processes"]
            .as_array()
            .unwrap()
            .iter()
            .map(|p| p["pid"].as_i64().unwrap())
            .collect(),
    )
}

/// The spinner shares 2 cores with other builds: the two rates are over windows that differ
/// by oncall's start-up, so they agree within a band, not exactly.
fn assert_agrees(shown: f64, counter: f64, what: &str) {
    assert!(
        (shown - counter).abs() < 15.0,
        "{what}: oncall says {shown}%, the cgroup's usage_usec delta {counter:.1}% over the run"
    );
    assert!(shown > 5.0, "{what}: a spinner at {shown}%");
}

#[test]
fn docker_scope_on_v2_identity_from_the_unified_line_and_cpu_from_its_cpu_stat() {
    let Some(mut cg) = Cgroup2::mount() else {
        return;
    };
    let id = unique_id();
    let path = format!("/system.slice/docker-{id}.scope");
    cg.make(&path);
    let spinner = i64::from(cg.spawn(&path, &[], SPIN));
    let sleeper = i64::from(cg.spawn(&path, &[], "exec sleep 600"));
    let line = std::fs::read_to_string(format!("/proc/{spinner}/cgroup")).unwrap();
    assert!(line.contains(&format!("0::{path}\n")), "{line}");
    let root = tempfile::tempdir().unwrap();

    let (doc, counter) = with_cpu_delta(
        &cg,
        &path,
        root.path(),
        &[
            "ps",
            "--by",
            "container",
            "--container",
            &id[..12],
            "--window",
            "2s",
        ],
    );
    assert_eq!(doc["groups"].as_array().unwrap().len(), 1, "{doc:#}");
    let g = &doc["groups"][0];
    assert_eq!(g["cgroup"], path.as_str(), "{g}");
    assert_eq!(g["id"], id.as_str());
    assert_eq!(g["name"], &id[..12], "no config.v2.json: the short id");
    assert_eq!(g["runtime"], "docker");
    assert_eq!(g["processes"], 2);
    assert_eq!(g["cpu_from"], "cgroup", "{g}");
    assert_agrees(g["cpu_percent"].as_f64().unwrap(), counter, "docker scope");
    // No memory controller in this v2 tree, and the process's v1 memory group is not the
    // container's: unknown, never the sum of RSS nor another group's charge.
    if !cg.dir(&path).join("memory.current").exists() {
        assert!(g["memory_bytes"].is_null(), "{g}");
        assert!(g["nr_throttled"].is_null(), "no cpu controller: {g}");
    }

    let doc = json(
        cg.oncall(),
        root.path(),
        &["ps", "--container", &id[..12], "--window", "0"],
    );
    assert_eq!(pids(&doc), sorted(vec![spinner, sleeper]), "{doc:#}");
    let p = &doc["processes"][0];
    assert_eq!(
        p["container_id"],
        &id[..12],
        "ps shows the short id, as docker ps"
    );
    assert_eq!(p["container_runtime"], "docker");
    assert_eq!(p["unit"], format!("docker-{id}.scope").as_str());

    let unit = format!("docker-{id}.scope");
    let doc = json(
        cg.oncall(),
        root.path(),
        &["ps", "--by", "unit", "--unit", &unit, "--window", "0"],
    );
    let g = &doc["groups"][0];
    assert_eq!(
        (&g["name"], &g["cgroup"]),
        (&Value::from(unit), &Value::from(path))
    );
    assert_eq!(g["processes"], 2);
}

#[test]
fn kubepods_systemd_driver_on_v2_pod_and_containers_named_and_counted() {
    let Some(mut cg) = Cgroup2::mount() else {
        return;
    };
    let (uid, server, sidecar) = (unique_uid(), unique_id(), unique_id());
    let pod_slice = format!(
        "/kubepods.slice/kubepods-burstable.slice/kubepods-burstable-pod{}.slice",
        uid.replace('-', "_")
    );
    let server_path = format!("{pod_slice}/cri-containerd-{server}.scope");
    let sidecar_path = format!("{pod_slice}/cri-containerd-{sidecar}.scope");
    cg.make(&server_path);
    cg.make(&sidecar_path);
    let a = i64::from(cg.spawn(&server_path, &[], SPIN));
    let b = i64::from(cg.spawn(&sidecar_path, &[], "exec sleep 600"));
    let root = tempfile::tempdir().unwrap();
    let pod = format!("api-{}", unique_marker());
    kubelet_logs(root.path(), "shop", &pod, &uid, "server", &server);
    kubelet_logs(root.path(), "shop", &pod, &uid, "sidecar", &sidecar);

    let (doc, counter) = with_cpu_delta(
        &cg,
        &pod_slice,
        root.path(),
        &["ps", "--by", "pod", "--pod", &pod, "--window", "2s"],
    );
    assert_eq!(doc["groups"].as_array().unwrap().len(), 1, "{doc:#}");
    let g = &doc["groups"][0];
    assert_eq!(g["name"], format!("shop/{pod}").as_str(), "{g}");
    assert_eq!(g["id"], uid.as_str());
    assert_eq!(g["cgroup"], pod_slice.as_str());
    assert_eq!(g["qos_class"], "Burstable");
    assert_eq!(g["processes"], 2);
    assert_eq!(g["cpu_from"], "cgroup", "{g}");
    // The pod slice's usage_usec counts both containers (v2's counter is hierarchical).
    assert_agrees(g["cpu_percent"].as_f64().unwrap(), counter, "pod slice");

    let doc = json(
        cg.oncall(),
        root.path(),
        &["ps", "--by", "container", "--pod", &pod, "--window", "0"],
    );
    let mut rows: Vec<(String, String, String)> = doc["groups"]
        .as_array()
        .unwrap()
        .iter()
        .map(|g| {
            assert_eq!(g["runtime"], "containerd", "{g}");
            assert_eq!(g["pod"], format!("shop/{pod}").as_str(), "{g}");
            (
                g["name"].as_str().unwrap().to_string(),
                g["id"].as_str().unwrap().to_string(),
                g["cgroup"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    rows.sort();
    assert_eq!(
        rows,
        [
            ("server".to_string(), server.clone(), server_path.clone()),
            ("sidecar".to_string(), sidecar.clone(), sidecar_path.clone()),
        ],
        "{doc:#}"
    );
    let doc = json(
        cg.oncall(),
        root.path(),
        &["ps", "--pod", &format!("shop/{pod}"), "--window", "0"],
    );
    assert_eq!(pids(&doc), sorted(vec![a, b]), "{doc:#}");
    for p in doc["processes"].as_array().unwrap() {
        assert_eq!(p["pod_uid"], uid.as_str());
        assert_eq!(p["qos_class"], "Burstable");
    }
}

#[test]
fn crio_and_podman_scopes_on_v2() {
    let Some(mut cg) = Cgroup2::mount() else {
        return;
    };
    let (uid, crio, podman) = (unique_uid(), unique_id(), unique_id());
    let crio_path = format!(
        "/kubepods.slice/kubepods-besteffort.slice/kubepods-besteffort-pod{}.slice/crio-{crio}.scope",
        uid.replace('-', "_")
    );
    // Podman's monitor sits beside the container; it is not one.
    let podman_path = format!("/machine.slice/libpod-{podman}.scope");
    let conmon_path = format!("/machine.slice/libpod-conmon-{podman}.scope");
    for p in [&crio_path, &podman_path, &conmon_path] {
        cg.make(p);
    }
    cg.spawn(&crio_path, &[], "exec sleep 600");
    cg.spawn(&podman_path, &[], "exec sleep 600");
    let conmon = i64::from(cg.spawn(&conmon_path, &[], "exec sleep 600"));
    let root = tempfile::tempdir().unwrap();
    for (id, path, runtime, qos) in [
        (&crio, &crio_path, "cri-o", Value::from("BestEffort")),
        (&podman, &podman_path, "podman", Value::Null),
    ] {
        let doc = json(
            cg.oncall(),
            root.path(),
            &[
                "ps",
                "--by",
                "container",
                "--container",
                id,
                "--window",
                "0",
            ],
        );
        let g = &doc["groups"][0];
        assert_eq!(g["cgroup"], path.as_str(), "{doc:#}");
        assert_eq!(g["runtime"], runtime);
        assert_eq!(g["qos_class"], qos);
        assert_eq!(g["processes"], 1);
    }
    let doc = json(
        cg.oncall(),
        root.path(),
        &["ps", "--pid", &conmon.to_string(), "--window", "0"],
    );
    let p = &doc["processes"][0];
    // conmon is no container: `--container` above counted one process, and plain ps says
    // none (its old any-64-hex fallback named conmon's scope's id until this test).
    assert!(p["container_id"].is_null(), "conmon is no container: {p}");
    assert!(p["container_runtime"].is_null(), "{p}");
    assert_eq!(p["unit"], format!("libpod-conmon-{podman}.scope").as_str());
}

/// Hybrid, as systemd's "unified" mode with Docker's systemd driver: one path in v1's memory,
/// cpu and cpuacct hierarchies and in the v2 tree, the process in all of them. Memory and the
/// limit are v1's (only v1 has the memory controller); CPU is v2's usage_usec, which counts
/// the same process as v1's cpuacct.usage.
#[test]
fn hybrid_membership_memory_from_v1_cpu_from_v2() {
    let id = unique_id();
    let path = format!("/system.slice/docker-{id}.scope");
    let Some(v1) = RuntimeCgroup::new(&path, Some(64 * MIB), None) else {
        return;
    };
    if v1.version == 2 {
        eprintln!("skipped: a pure v2 host has no hybrid membership");
        return;
    }
    let Some(mut cg) = Cgroup2::mount() else {
        return;
    };
    cg.make(&path);
    cg.spawn(&path, &v1.dirs, SPIN);
    let line = std::fs::read_to_string(format!("/proc/{}/cgroup", cg.pids(&path)[0])).unwrap();
    assert!(
        line.contains(&format!("memory:{path}\n")) && line.contains(&format!("0::{path}\n")),
        "{line}"
    );
    let root = tempfile::tempdir().unwrap();
    let before = v1.read_u64("memory.usage_in_bytes");
    let (doc, counter) = with_cpu_delta(
        &cg,
        &path,
        root.path(),
        &[
            "ps",
            "--by",
            "container",
            "--container",
            &id[..12],
            "--window",
            "2s",
        ],
    );
    let after = v1.read_u64("memory.usage_in_bytes");
    let g = &doc["groups"][0];
    assert_eq!(g["cgroup"], path.as_str(), "{doc:#}");
    assert_eq!(g["memory_limit_bytes"], 64 * MIB, "v1's limit: {g}");
    let mem = g["memory_bytes"].as_u64().unwrap();
    assert!(
        (before.min(after)..=before.max(after)).contains(&mem),
        "v1's charge: {mem} vs {before}..{after}"
    );
    assert!(
        g["memory_dir"].as_str().unwrap().contains("/memory/"),
        "{g}"
    );
    assert_eq!(g["cpu_from"], "cgroup", "{g}");
    assert_agrees(g["cpu_percent"].as_f64().unwrap(), counter, "hybrid");

    // mem lists it (it has a limit), with v1's figures.
    let doc = json(cg.oncall(), root.path(), &["mem"]);
    let g = doc["groups"]
        .as_array()
        .unwrap()
        .iter()
        .find(|g| g["cgroup"] == path.as_str())
        .unwrap_or_else(|| panic!("{path} not in mem's groups: {doc:#}"));
    assert_eq!(g["kind"], "container");
    assert_eq!(g["memory_limit_bytes"], 64 * MIB);
    assert!(g["memory_bytes"].as_u64().unwrap() > 0, "{g}");
}

/// `some`/`full` avg10/avg60/avg300 of a PSI file, as the kernel writes them.
fn psi_file(text: &str) -> Vec<(String, f64)> {
    let mut out = Vec::new();
    for line in text.lines() {
        let mut words = line.split_whitespace();
        let kind = words.next().unwrap();
        for w in words {
            let (k, v) = w.split_once('=').unwrap();
            if k != "total" {
                out.push((format!("{kind}.{k}"), v.parse().unwrap()));
            }
        }
    }
    out
}

/// Each figure oncall gives equals the file's, read just before or just after it ran (the
/// kernel updates the averages every 2 s, so one update may fall inside the run).
fn assert_psi(g: &Value, field: &str, before: &str, after: &str) {
    let (b, a) = (psi_file(before), psi_file(after));
    assert!(!b.is_empty(), "{field}: {before:?}");
    for ((key, x), (_, y)) in b.iter().zip(&a) {
        let (kind, avg) = key.split_once('.').unwrap();
        let shown = g[field][kind][avg]
            .as_f64()
            .unwrap_or_else(|| panic!("{field}.{key} missing: {g}"));
        assert!(
            shown >= x.min(*y) && shown <= x.max(*y),
            "{field}.{key}: oncall {shown}, the file {x} then {y}"
        );
    }
}

#[test]
fn per_group_psi_on_v2_in_ps_by_and_mem_absent_on_v1() {
    let id = unique_id();
    let path = format!("/system.slice/docker-{id}.scope");
    let Some(v1) = RuntimeCgroup::new(&path, Some(64 * MIB), None) else {
        return;
    };
    if v1.version == 2 {
        eprintln!("skipped: a pure v2 host has no v1-only group to compare");
        return;
    }
    let Some(mut cg) = Cgroup2::mount() else {
        return;
    };
    cg.make(&path);
    // A spinner on a shared machine waits for a CPU now and then: cpu.pressure moves.
    cg.spawn(&path, &v1.dirs, SPIN);
    let root = tempfile::tempdir().unwrap();
    let files = ["cpu.pressure", "memory.pressure", "io.pressure"];
    let read_all = || files.map(|f| cg.read(&path, f));
    for args in [
        &[
            "ps",
            "--by",
            "container",
            "--container",
            &id[..12],
            "--window",
            "0",
        ][..],
        &["mem"][..],
    ] {
        let before = read_all();
        let doc = json(cg.oncall(), root.path(), args);
        let after = read_all();
        let g = doc["groups"]
            .as_array()
            .unwrap()
            .iter()
            .find(|g| g["cgroup"] == path.as_str())
            .unwrap_or_else(|| panic!("{path} not in {args:?}: {doc:#}"));
        for (i, field) in ["cpu_pressure", "memory_pressure", "io_pressure"]
            .iter()
            .enumerate()
        {
            assert_psi(g, field, &before[i], &after[i]);
        }
        // The text table has the compact column.
        let out = cg
            .oncall()
            .env("ONCALL_CONTAINER_ROOT", root.path())
            .env("COLUMNS", "250")
            .args(args)
            .output()
            .unwrap();
        let text = String::from_utf8(out.stdout).unwrap();
        assert!(text.contains("PSI C/M/IO"), "{args:?}: {text}");
    }

    // A v1-only container (this host's memory, cpu and cpuacct): no per-group PSI there,
    // so null and no column, never 0.
    let other = unique_id();
    let Some(mut v1_only) = RuntimeCgroup::new(&format!("/docker/{other}"), None, None) else {
        return;
    };
    v1_only.sleeper();
    let args = [
        "ps",
        "--by",
        "container",
        "--container",
        &other[..12],
        "--window",
        "0",
    ];
    let doc = json(cg.oncall(), root.path(), &args);
    let g = &doc["groups"][0];
    assert_eq!(g["cgroup"], format!("/docker/{other}").as_str(), "{doc:#}");
    for field in ["cpu_pressure", "memory_pressure", "io_pressure"] {
        assert!(g[field].is_null(), "{field} on v1: {g}");
    }
    let out = cg
        .oncall()
        .env("ONCALL_CONTAINER_ROOT", root.path())
        .env("COLUMNS", "250")
        .args(args)
        .output()
        .unwrap();
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(!text.contains("PSI"), "{text}");
}

/// triage names a container whose own tasks wait for a CPU, by the group's own v2 PSI (the
/// host-wide figure can hide one group): twice as many spinners as CPUs in one group keep
/// one of them waiting, and its `cpu.pressure` rises. The figure in the title lies within
/// what the file said just before and just after triage ran (the kernel updates it every 2 s).
#[test]
fn triage_names_a_container_stalled_on_cpu_by_its_own_psi() {
    let Some(mut cg) = Cgroup2::mount() else {
        return;
    };
    let id = unique_id();
    let path = format!("/system.slice/docker-{id}.scope");
    cg.make(&path);
    let cpus = std::thread::available_parallelism().map_or(2, |n| n.get());
    for _ in 0..cpus * 2 {
        cg.spawn(&path, &[], SPIN);
    }
    let some = |cg: &Cgroup2| {
        psi_file(&cg.read(&path, "cpu.pressure"))
            .into_iter()
            .find(|(k, _)| k == "some.avg10")
            .map(|(_, v)| v)
            .unwrap()
    };
    // avg10 climbs toward 100 by a fifth of the way every 2 s: over 20 within a few seconds.
    let deadline = Instant::now() + std::time::Duration::from_secs(60);
    while some(&cg) <= 20.0 {
        assert!(
            Instant::now() < deadline,
            "cpu.pressure stayed low: {}",
            cg.read(&path, "cpu.pressure")
        );
        std::thread::sleep(std::time::Duration::from_millis(200));
    }
    let root = tempfile::tempdir().unwrap();
    let empty = root.path().display().to_string();
    let before = some(&cg);
    let doc = json(
        cg.oncall(),
        root.path(),
        &[
            "triage",
            "--window",
            "100ms",
            "--logs",
            &empty,
            "--journal-dir",
            &empty,
        ],
    );
    let after = some(&cg);
    let want = format!("container {}: tasks stalled on CPU ", &id[..12]);
    let f = doc["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["title"].as_str().unwrap().starts_with(&want))
        .unwrap_or_else(|| panic!("no '{want}…' finding: {:#}", doc["findings"]));
    assert_eq!(f["severity"], "warning", "{f}");
    assert_eq!(f["subject"], path.as_str(), "{f}");
    let shown: f64 = f["title"].as_str().unwrap()[want.len()..]
        .split('%')
        .next()
        .unwrap()
        .parse()
        .unwrap();
    // One decimal in the title: the file's two decimals rounded.
    let (lo, hi) = (before.min(after) - 0.05, before.max(after) + 0.05);
    assert!(
        shown >= lo && shown <= hi,
        "shown {shown}, the file {before} then {after}"
    );
    assert!(
        f["next"]
            .as_array()
            .unwrap()
            .iter()
            .any(|n| n == format!("oncall ps --container {}", &id[..12]).as_str()),
        "{f}"
    );
}
