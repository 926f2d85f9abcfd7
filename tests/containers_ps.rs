//! `oncall ps` names containers, pods and units: real cgroups at the paths Docker, containerd,
//! CRI-O, Podman, kubelet and systemd use, real processes in them, the runtimes' name files
//! written in their documented formats under a temporary root (`ONCALL_CONTAINER_ROOT`).
//! Differential: a group's memory is its cgroup's own `memory.usage_in_bytes` /
//! `memory.current`; its CPU agrees with the usage counter's delta.

mod support;

use serde_json::Value;
use std::path::Path;
use std::time::Instant;
use support::runtime_cgroups::{unique_id, unique_marker, unique_uid, RuntimeCgroup};

const MIB: u64 = 1 << 20;

/// `oncall ps ARGS --json` with the runtime files under `root`.
fn ps_json(root: &Path, args: &[&str]) -> Value {
    let out = support::oncall()
        .env("ONCALL_CONTAINER_ROOT", root)
        .arg("ps")
        .args(args)
        .arg("--json")
        .output()
        .unwrap();
    assert!(out.status.success(), "ps {args:?}: {out:?}");
    serde_json::from_slice(&out.stdout).unwrap()
}

fn ps_table(root: &Path, args: &[&str]) -> String {
    let out = support::oncall()
        .env("ONCALL_CONTAINER_ROOT", root)
        .env("COLUMNS", "250")
        .arg("ps")
        .args(args)
        .output()
        .unwrap();
    assert!(out.status.success(), "ps {args:?}: {out:?}");
    String::from_utf8(out.stdout).unwrap()
}

fn write(path: &Path, text: &str) {
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(path, text).unwrap();
}

/// Docker's `config.v2.json` for container `id`.
fn docker_config(root: &Path, id: &str, body: &str) {
    write(
        &root
            .join("var/lib/docker/containers")
            .join(id)
            .join("config.v2.json"),
        body,
    );
}

/// kubelet's log directory of a pod and the symlink name of one of its containers.
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

fn pids(doc: &Value) -> Vec<i64> {
    let mut v: Vec<i64> = doc["processes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["pid"].as_i64().unwrap())
        .collect();
    v.sort();
    v
}

#[test]
fn docker_container_is_named_and_its_group_is_its_own_cgroup() {
    let id = unique_id();
    let Some(mut cg) = RuntimeCgroup::new(&format!("/docker/{id}"), Some(64 * MIB), None) else {
        return;
    };
    let mut want = vec![i64::from(cg.sleeper()), i64::from(cg.sleeper())];
    want.sort();
    let root = tempfile::tempdir().unwrap();
    let name = format!("web-{}", unique_marker());
    docker_config(
        root.path(),
        &id,
        &format!(r#"{{"ID":"{id}","Name":"/{name}","Config":{{"Image":"nginx:1.25"}}}}"#),
    );
    let doc = ps_json(root.path(), &["--container", &name, "--window", "0"]);
    assert_eq!(pids(&doc), want, "{doc:#}");
    let p = &doc["processes"][0];
    assert_eq!(p["container_name"], name.as_str());
    assert_eq!(p["container_runtime"], "docker");
    assert_eq!(p["container_image"], "nginx:1.25");
    assert_eq!(p["container_id"], &id[..12]);
    // The id's prefix selects it as well.
    let by_id = ps_json(root.path(), &["--container", &id[..12], "--window", "0"]);
    assert_eq!(pids(&by_id), want);

    let before = cg.read_u64("memory.usage_in_bytes");
    let doc = ps_json(root.path(), &["--by", "container", "--container", &name]);
    let after = cg.read_u64("memory.usage_in_bytes");
    let groups = doc["groups"].as_array().unwrap();
    assert_eq!(groups.len(), 1, "{doc:#}");
    let g = &groups[0];
    assert_eq!(g["name"], name.as_str());
    assert_eq!(g["id"], id.as_str());
    assert_eq!(g["processes"], 2);
    assert_eq!(g["memory_limit_bytes"], 64 * MIB);
    let mem = g["memory_bytes"].as_u64().unwrap();
    assert!(
        (before.min(after)..=before.max(after)).contains(&mem),
        "the group's own charge {mem}, the file said {before} then {after}"
    );
    assert_eq!(g["cgroup"], format!("/docker/{id}").as_str());
    let table = ps_table(root.path(), &["--by", "container", "--container", &name]);
    assert!(
        table.contains(&name) && table.contains("nginx:1.25"),
        "{table}"
    );
}

#[test]
fn kubernetes_pod_systemd_driver_named_from_kubelet_logs() {
    let (id, uid) = (unique_id(), unique_uid());
    let path = format!(
        "/kubepods.slice/kubepods-burstable.slice/kubepods-burstable-pod{}.slice/cri-containerd-{id}.scope",
        uid.replace('-', "_")
    );
    let Some(mut cg) = RuntimeCgroup::new(&path, Some(128 * MIB), None) else {
        return;
    };
    let pid = i64::from(cg.sleeper());
    let root = tempfile::tempdir().unwrap();
    let pod = format!("api-{}", unique_marker());
    kubelet_logs(root.path(), "shop", &pod, &uid, "server", &id);
    let doc = ps_json(
        root.path(),
        &["--pod", &format!("shop/{pod}"), "--window", "0"],
    );
    assert_eq!(pids(&doc), [pid], "{doc:#}");
    let p = &doc["processes"][0];
    assert_eq!(p["pod_name"], pod.as_str());
    assert_eq!(p["pod_namespace"], "shop");
    assert_eq!(p["pod_uid"], uid.as_str());
    assert_eq!(p["qos_class"], "Burstable");
    assert_eq!(p["container_runtime"], "containerd");
    assert_eq!(p["container_name"], "server");
    assert!(p["unit"].as_str().unwrap().starts_with("cri-containerd-"));
    // The bare pod name selects it too; the table shows namespace/pod.
    assert_eq!(
        pids(&ps_json(root.path(), &["--pod", &pod, "--window", "0"])),
        [pid]
    );
    let table = ps_table(root.path(), &["--pod", &pod, "--window", "0"]);
    assert!(
        table.contains(&format!("shop/{pod}")) && table.contains("server"),
        "{table}"
    );

    // --by pod: the pod slice's own charge.
    let pod_dir = cg.dirs[0].parent().unwrap().to_path_buf();
    let usage = || -> u64 {
        let f = if cg.version == 2 {
            "memory.current"
        } else {
            "memory.usage_in_bytes"
        };
        std::fs::read_to_string(pod_dir.join(f))
            .unwrap()
            .trim()
            .parse()
            .unwrap()
    };
    let before = usage();
    let doc = ps_json(root.path(), &["--by", "pod", "--pod", &pod]);
    let after = usage();
    let g = &doc["groups"][0];
    assert_eq!(g["name"], format!("shop/{pod}").as_str(), "{doc:#}");
    assert_eq!(g["qos_class"], "Burstable");
    let mem = g["memory_bytes"].as_u64().unwrap();
    assert!(
        (before.min(after)..=before.max(after)).contains(&mem),
        "{mem} vs {before}..{after}"
    );
}

#[test]
fn kubelet_cgroupfs_driver_without_names_shows_the_short_id() {
    let (id, uid) = (unique_id(), unique_uid());
    let Some(mut cg) =
        RuntimeCgroup::new(&format!("/kubepods/besteffort/pod{uid}/{id}"), None, None)
    else {
        return;
    };
    let pid = i64::from(cg.sleeper());
    let root = tempfile::tempdir().unwrap(); // no runtime files: nothing is known by name
    let doc = ps_json(root.path(), &["--container", &id[..16], "--window", "0"]);
    assert_eq!(pids(&doc), [pid], "{doc:#}");
    let p = &doc["processes"][0];
    assert_eq!(p["container_name"], Value::Null, "unknown, not invented");
    assert_eq!(p["pod_name"], Value::Null);
    assert_eq!(p["qos_class"], "BestEffort");
    let table = ps_table(root.path(), &["--container", &id[..16], "--window", "0"]);
    assert!(table.contains(&id[..12]), "{table}");
    assert!(table.contains(&format!("pod {}", &uid[..8])), "{table}");
}

#[test]
fn systemd_service_is_the_unit() {
    let unit = format!("oncall-test-{}.service", unique_marker());
    let Some(mut cg) = RuntimeCgroup::new(&format!("/system.slice/{unit}"), None, None) else {
        return;
    };
    let want = i64::from(cg.sleeper());
    let root = tempfile::tempdir().unwrap();
    let stem = unit.trim_end_matches(".service");
    let doc = ps_json(root.path(), &["--unit", stem, "--window", "0"]);
    assert_eq!(pids(&doc), [want], "{doc:#}");
    assert_eq!(doc["processes"][0]["unit"], unit.as_str());
    let doc = ps_json(root.path(), &["--by", "unit", "--unit", &unit]);
    assert_eq!(doc["groups"][0]["name"], unit.as_str(), "{doc:#}");
    assert_eq!(doc["groups"][0]["processes"], 1);
    // A filter that matches nothing fails as pgrep does.
    support::oncall()
        .args(["ps", "--unit", "oncall-no-such-unit-x", "--window", "0"])
        .assert()
        .code(1);
}

#[test]
fn podman_and_crio_scopes() {
    let (pod_id, crio_id) = (unique_id(), unique_id());
    let Some(mut podman) =
        RuntimeCgroup::new(&format!("/machine.slice/libpod-{pod_id}.scope"), None, None)
    else {
        return;
    };
    let Some(mut crio) =
        RuntimeCgroup::new(&format!("/system.slice/crio-{crio_id}.scope"), None, None)
    else {
        return;
    };
    let (a, b) = (i64::from(podman.sleeper()), i64::from(crio.sleeper()));
    let root = tempfile::tempdir().unwrap();
    let name = format!("db-{}", unique_marker());
    write(
        &root
            .path()
            .join("var/lib/containers/storage/overlay-containers/containers.json"),
        &format!(
            r#"[{{"id":"{pod_id}","names":["{name}"],"image":"f00","metadata":"{{\"image-name\":\"docker.io/library/postgres:16\"}}"}}]"#
        ),
    );
    let doc = ps_json(root.path(), &["--container", &name, "--window", "0"]);
    assert_eq!(pids(&doc), [a], "{doc:#}");
    assert_eq!(doc["processes"][0]["container_runtime"], "podman");
    assert_eq!(
        doc["processes"][0]["container_image"],
        "docker.io/library/postgres:16"
    );
    let doc = ps_json(
        root.path(),
        &["--container", &crio_id[..12], "--window", "0"],
    );
    assert_eq!(pids(&doc), [b]);
    assert_eq!(doc["processes"][0]["container_runtime"], "cri-o");
}

#[test]
fn hostile_runtime_files_show_the_short_id_and_printable_names() {
    let (bad_id, odd_id) = (unique_id(), unique_id());
    let Some(mut bad) = RuntimeCgroup::new(&format!("/docker/{bad_id}"), None, None) else {
        return;
    };
    let Some(mut odd) = RuntimeCgroup::new(&format!("/docker/{odd_id}"), None, None) else {
        return;
    };
    bad.sleeper();
    odd.sleeper();
    let root = tempfile::tempdir().unwrap();
    docker_config(root.path(), &bad_id, "{\"Name\": not json \u{1b}[2J");
    let marker = unique_marker();
    docker_config(
        root.path(),
        &odd_id,
        &format!(r#"{{"Name":"/evil\u001b[2J\n{marker}","Config":{{"Image":"x\u0007"}}}}"#),
    );
    let doc = ps_json(
        root.path(),
        &["--container", &bad_id[..12], "--window", "0"],
    );
    assert_eq!(doc["processes"][0]["container_name"], Value::Null);
    let table = ps_table(
        root.path(),
        &["--by", "container", "--container", &bad_id[..12]],
    );
    assert!(table.contains(&bad_id[..12]), "{table}");
    let odd_name = format!("evil\u{1b}[2J\n{marker}");
    let doc = ps_json(root.path(), &["--container", &odd_name, "--window", "0"]);
    assert_eq!(
        doc["processes"][0]["container_name"],
        odd_name.as_str(),
        "JSON keeps the text"
    );
    let table = ps_table(
        root.path(),
        &["--by", "container", "--container", &odd_id[..12]],
    );
    assert!(table.contains(&format!("evil?[2J?{marker}")), "{table}");
    assert!(
        !table.contains('\u{1b}') && !table.contains('\u{7}'),
        "{table:?}"
    );
}

#[test]
fn group_cpu_agrees_with_the_cgroup_usage_counter() {
    let id = unique_id();
    // A spinner held to 30% of a CPU by its quota: a steady rate to compare.
    let Some(mut cg) = RuntimeCgroup::new(&format!("/docker/{id}"), None, Some(30)) else {
        return;
    };
    cg.spawn("while :; do :; done");
    let usage = |cg: &RuntimeCgroup| -> u64 {
        if cg.version == 2 {
            let stat = cg.read("cpu.stat");
            let us: u64 = stat
                .lines()
                .find_map(|l| l.strip_prefix("usage_usec ")?.parse().ok())
                .unwrap();
            us * 1000
        } else {
            let dir = cg
                .dirs
                .iter()
                .find(|d| d.join("cpuacct.usage").exists())
                .unwrap();
            std::fs::read_to_string(dir.join("cpuacct.usage"))
                .unwrap()
                .trim()
                .parse()
                .unwrap()
        }
    };
    let root = tempfile::tempdir().unwrap();
    let (t0, u0) = (Instant::now(), usage(&cg));
    let doc = ps_json(
        root.path(),
        &[
            "--by",
            "container",
            "--container",
            &id[..12],
            "--window",
            "2s",
        ],
    );
    let (t1, u1) = (Instant::now(), usage(&cg));
    let counter = (u1 - u0) as f64 / 1e9 / (t1 - t0).as_secs_f64() * 100.0;
    let g = &doc["groups"][0];
    assert_eq!(g["cpu_from"], "cgroup", "{doc:#}");
    let shown = g["cpu_percent"].as_f64().unwrap();
    assert!(
        (shown - counter).abs() < 10.0,
        "oncall says {shown}%, the counter's delta {counter:.1}% over the run"
    );
    assert!(
        shown > 5.0 && shown < 35.0,
        "held to 30% by its quota: {shown}"
    );
    assert!(g["nr_periods"].as_u64().unwrap() > 0, "{g}");
}

/// A group made in a real cgroup2 tree, where the host has one: the unified hierarchy of a
/// hybrid host (its controllers are bound to v1, so memory stays unknown, but v2's `cpu.stat`
/// counts usage). The identity comes from the `0::` line and the CPU from v2's `usage_usec`.
#[test]
fn the_v2_tree_of_a_hybrid_host_gives_identity_and_cpu() {
    let unified = Path::new("/sys/fs/cgroup/unified");
    if !unified.join("cgroup.procs").exists() {
        eprintln!("skipped: no hybrid unified cgroup2 tree here (pure v1 or pure v2 host)");
        return;
    }
    struct Gone(std::path::PathBuf, Vec<std::process::Child>);
    impl Drop for Gone {
        fn drop(&mut self) {
            for c in &mut self.1 {
                let _ = c.kill();
                let _ = c.wait();
            }
            let _ = std::fs::remove_dir(&self.0);
            let _ = std::fs::remove_dir(self.0.parent().unwrap());
        }
    }
    let id = unique_id();
    let dir = unified.join("docker").join(&id);
    std::fs::create_dir_all(&dir).unwrap();
    let mut guard = Gone(dir.clone(), Vec::new());
    let script = format!(
        "echo $$ > {}/cgroup.procs && exec sh -c 'while :; do :; done'",
        dir.display()
    );
    guard.1.push(
        std::process::Command::new("sh")
            .arg("-c")
            .arg(script)
            .spawn()
            .unwrap(),
    );
    let pid = guard.1[0].id();
    let deadline = Instant::now() + std::time::Duration::from_secs(10);
    while !std::fs::read_to_string(dir.join("cgroup.procs"))
        .unwrap()
        .contains(&pid.to_string())
    {
        assert!(Instant::now() < deadline, "the spinner did not join");
        std::thread::sleep(std::time::Duration::from_millis(10));
    }
    let root = tempfile::tempdir().unwrap();
    let doc = ps_json(
        root.path(),
        &[
            "--by",
            "container",
            "--container",
            &id[..12],
            "--window",
            "1s",
        ],
    );
    let g = &doc["groups"][0];
    assert_eq!(g["cgroup"], format!("/docker/{id}").as_str(), "{doc:#}");
    assert_eq!(g["cpu_from"], "cgroup", "v2 cpu.stat usage_usec: {g}");
    assert!(g["cpu_percent"].as_f64().unwrap() > 5.0, "a spinner: {g}");
}

#[test]
fn net_processes_say_which_container_owns_a_socket() {
    let id = unique_id();
    let Some(mut cg) = RuntimeCgroup::new(&format!("/docker/{id}"), None, None) else {
        return;
    };
    let port = support::servers::free_port();
    cg.spawn(&format!(
        "exec python3 -c 'import socket, time; s = socket.socket(); s.bind((\"127.0.0.1\", {port})); s.listen(); time.sleep(600)'"
    ));
    let root = tempfile::tempdir().unwrap();
    let name = format!("api-{}", unique_marker());
    write(
        &root
            .path()
            .join("var/lib/docker/containers")
            .join(&id)
            .join("config.v2.json"),
        &format!(r#"{{"Name":"/{name}"}}"#),
    );
    // Bounded poll: the listener binds after python starts.
    let deadline = Instant::now() + std::time::Duration::from_secs(20);
    loop {
        let out = support::oncall()
            .env("ONCALL_CONTAINER_ROOT", root.path())
            .args([
                "net",
                "--processes",
                "--listen",
                "--port",
                &port.to_string(),
                "--json",
            ])
            .output()
            .unwrap();
        let doc: Value = serde_json::from_slice(&out.stdout).unwrap_or(Value::Null);
        let found = doc["sockets"].as_array().and_then(|s| s.first().cloned());
        if let Some(s) = found {
            assert_eq!(s["runs_in"], format!("container {name}").as_str(), "{s}");
            return;
        }
        assert!(Instant::now() < deadline, "no listener on {port}: {out:?}");
        std::thread::sleep(std::time::Duration::from_millis(50));
    }
}

#[test]
fn containerd_without_kubelet_cgroupfs_and_nerdctl_scope() {
    // containerd's default /<namespace>/<id> (ctr, nerdctl on cgroupfs) and nerdctl's
    // systemd-driver scope; an id under another top-level name stays unknown.
    let (a, b, c) = (unique_id(), unique_id(), unique_id());
    let paths = [
        format!("/default/{a}"),
        format!("/system.slice/nerdctl-{b}.scope"),
        format!("/oncall-unknown-parent/{c}"),
    ];
    let mut groups = Vec::new();
    for p in &paths {
        let Some(cg) = RuntimeCgroup::new(p, None, None) else {
            return;
        };
        groups.push(cg);
    }
    let spawned: Vec<i64> = groups.iter_mut().map(|g| i64::from(g.sleeper())).collect();
    let root = tempfile::tempdir().unwrap();
    for (id, pid) in [(&a, spawned[0]), (&b, spawned[1])] {
        let doc = ps_json(
            root.path(),
            &[
                "--by",
                "container",
                "--container",
                &id[..12],
                "--window",
                "0",
            ],
        );
        let g = &doc["groups"][0];
        assert_eq!(g["id"], id.as_str(), "{doc:#}");
        assert_eq!(g["runtime"], "containerd", "{doc:#}");
        assert_eq!(
            g["name"],
            &id[..12],
            "no name is invented, the short id: {doc:#}"
        );
        let doc = ps_json(root.path(), &["--container", &id[..12], "--window", "0"]);
        assert_eq!(pids(&doc), [pid], "{doc:#}");
        assert_eq!(
            doc["processes"][0]["container_runtime"], "containerd",
            "{doc:#}"
        );
    }
    let doc = ps_json(root.path(), &["--window", "0", "--top", "100000"]);
    let unknown = doc["processes"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["pid"] == spawned[2])
        .unwrap_or_else(|| panic!("pid {} not listed", spawned[2]));
    // ps's older container_id field takes any 64-hex segment; the runtime is not guessed.
    assert_eq!(unknown["container_runtime"], Value::Null, "{unknown:#}");
}
