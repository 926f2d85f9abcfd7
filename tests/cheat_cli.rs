//! `oncall cheat` end to end: the real binary on the real embedded sheet.

mod support;

use serde_json::Value;
use support::{oncall, stdout_json};

fn names(v: &Value) -> Vec<String> {
    v.as_array()
        .expect("a JSON array of commands")
        .iter()
        .map(|c| c["name"].as_str().unwrap().to_string())
        .collect()
}

#[test]
fn exact_name_shows_that_entry_first() {
    let out = oncall().args(["cheat", "tar"]).assert().success();
    let text = String::from_utf8(out.get_output().stdout.clone()).unwrap();
    assert!(text.starts_with("tar — "), "{text}");
    assert!(text.contains("Flags"), "{text}");
    let v = stdout_json(&["cheat", "tar", "--json"]);
    assert_eq!(names(&v)[0], "tar");
    let first = &v[0];
    for field in ["name", "category", "summary", "tags", "examples"] {
        assert!(!first[field].is_null(), "missing {field}");
    }
    let ex = &first["examples"][0];
    for field in ["description", "command", "safety"] {
        assert!(ex[field].is_string(), "example missing {field}");
    }
}

#[test]
fn typos_find_the_command() {
    for (typo, want) in [
        ("jounralctl", "journalctl"),
        ("systemclt", "systemctl"),
        ("grpe", "grep"),
    ] {
        let v = stdout_json(&["cheat", typo, "--json"]);
        assert_eq!(names(&v).first().map(String::as_str), Some(want), "{typo}");
    }
}

#[test]
fn words_rank_by_meaning() {
    let v = stdout_json(&["cheat", "disk", "full", "--json"]);
    let top: Vec<String> = names(&v).into_iter().take(5).collect();
    assert!(top.iter().any(|n| n == "df" || n == "du"), "{top:?}");
    let v = stdout_json(&["cheat", "listening", "ports", "--json"]);
    let top: Vec<String> = names(&v).into_iter().take(5).collect();
    assert!(top.iter().any(|n| n == "ss" || n == "netstat"), "{top:?}");
}

/// A search lists hits: the fields DESIGN.md fixes and the counts of what the entry holds
/// (`oncall cheat NAME --json` has the flags and subcommands themselves), so a search that
/// finds kubectl does not carry its 11 KB of flags and subcommands.
#[test]
fn a_search_lists_hits_and_the_entry_holds_the_flags() {
    let hits = stdout_json(&["cheat", "port", "already", "in", "use", "--json"]);
    let hits = hits.as_array().unwrap();
    assert!(hits.len() >= 3, "{hits:?}");
    for hit in hits {
        let name = hit["name"].as_str().unwrap();
        for field in [
            "name", "category", "summary", "tags", "examples", "see_also",
        ] {
            assert!(!hit[field].is_null(), "{name}: missing {field}");
        }
        assert!(
            hit.get("flags").is_none() && hit.get("subcommands").is_none(),
            "{hit}"
        );
        let entry = stdout_json(&["cheat", name, "--json"]);
        let full = &entry[0];
        assert_eq!(full["name"], name);
        assert_eq!(hit["examples"], full["examples"], "{name}");
        assert_eq!(
            hit["flag_count"],
            full["flags"].as_array().unwrap().len() as u64
        );
        assert_eq!(
            hit["subcommand_count"],
            full["subcommands"].as_array().unwrap().len() as u64
        );
    }
    let kubectl = hits
        .iter()
        .find(|h| h["name"] == "kubectl")
        .expect("kubectl is a hit");
    assert!(
        kubectl["subcommand_count"].as_u64().unwrap() > 10,
        "{kubectl}"
    );
}

#[test]
fn a_search_names_the_matching_runbook() {
    let out = oncall().args(["cheat", "disk", "full"]).assert().success();
    let text = String::from_utf8_lossy(&out.get_output().stdout).to_string();
    assert!(text.contains("oncall cheat --runbook disk-full"), "{text}");
}

#[test]
fn no_match_exits_1_with_nearest_names() {
    let out = oncall().args(["cheat", "qqqzzzxx"]).assert().code(1);
    let err = String::from_utf8_lossy(&out.get_output().stderr).to_string();
    assert!(
        err.starts_with("oncall: no command matches 'qqqzzzxx'"),
        "{err}"
    );
    assert!(err.contains("nearest names"), "{err}");
    assert_eq!(err.lines().count(), 1, "{err}");
}

#[test]
fn categories_cover_design_and_counts_add_up() {
    let v = stdout_json(&["cheat", "--categories", "--json"]);
    let cats = v.as_array().unwrap();
    assert!(cats.len() >= 20);
    let total: u64 = cats.iter().map(|c| c["count"].as_u64().unwrap()).sum();
    let examples: u64 = cats.iter().map(|c| c["examples"].as_u64().unwrap()).sum();
    assert!(total >= 450, "{total} commands");
    assert!(examples >= 1700, "{examples} examples");
    for c in cats {
        assert!(c["count"].as_u64().unwrap() > 0, "{c}");
        let listed = stdout_json(&["cheat", "-c", c["id"].as_str().unwrap(), "--json"]);
        assert_eq!(
            listed.as_array().unwrap().len() as u64,
            c["count"].as_u64().unwrap()
        );
    }
}

#[test]
fn the_issue_s_must_have_commands_are_there() {
    let required = "ls cd cp mv rm cat less head tail nano vim grep awk sort diff chmod chown ssh scp \
        curl ping ss ip ps top htop df free uname tar gzip zip apt dnf systemctl journalctl man apropos \
        uptime dmesg vmstat mpstat pidstat iostat sar lsof strace tcpdump dig openssl";
    for name in required.split_whitespace() {
        let v = stdout_json(&["cheat", name, "--json"]);
        assert_eq!(names(&v)[0], name);
    }
}

#[test]
fn unknown_category_is_a_usage_error() {
    let out = oncall().args(["cheat", "-c", "nosuch"]).assert().code(2);
    let err = String::from_utf8_lossy(&out.get_output().stderr).to_string();
    assert!(
        err.starts_with("oncall: unknown category 'nosuch'"),
        "{err}"
    );
    assert_eq!(err.lines().count(), 1);
}

#[test]
fn category_prefix_is_enough() {
    let v = stdout_json(&["cheat", "-c", "network", "--json"]);
    assert!(names(&v).contains(&"ss".to_string()));
}

#[test]
fn safe_keeps_only_read_only_examples() {
    let v = stdout_json(&["cheat", "--safe", "-c", "disks-storage", "--json"]);
    let mut seen = 0;
    for c in v.as_array().unwrap() {
        for e in c["examples"].as_array().unwrap() {
            assert_eq!(e["safety"], "read-only", "{e}");
            seen += 1;
        }
    }
    assert!(seen > 10);
    let all = stdout_json(&["cheat", "-c", "disks-storage", "--json"]);
    let destructive = all
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|c| c["examples"].as_array().unwrap())
        .filter(|e| e["safety"] == "destructive")
        .count();
    assert!(destructive > 0, "the filter must have something to remove");
}

#[test]
fn runbooks_list_and_match_symptoms() {
    let list = stdout_json(&["cheat", "--runbook", "--json"]);
    let ids: Vec<&str> = list
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["id"].as_str().unwrap())
        .collect();
    for id in [
        "disk-full",
        "inodes-exhausted",
        "high-load",
        "memory-pressure",
        "port-in-use",
        "too-many-open-files",
        "dns-failing",
        "tls-expired",
        "backend-unhealthy",
        "gateway-429",
        "auth-401",
        "service-wont-start",
    ] {
        assert!(ids.contains(&id), "missing runbook {id}");
    }
    for (symptom, want) in [
        ("disk full", "disk-full"),
        ("No space left on device", "disk-full"),
        ("address already in use", "port-in-use"),
        ("too many open files", "too-many-open-files"),
        ("429", "gateway-429"),
        ("certificate has expired", "tls-expired"),
    ] {
        let r = stdout_json(&["cheat", "--runbook", symptom, "--json"]);
        assert_eq!(r["id"], want, "{symptom}");
        let steps = r["steps"].as_array().unwrap();
        assert!(steps.len() >= 4);
        assert!(steps
            .iter()
            .all(|s| s["normal"].is_string() && s["look_for"].is_string()));
    }
    oncall()
        .args(["cheat", "--runbook", "unicorns dancing"])
        .assert()
        .code(1);
}

#[test]
fn explain_splits_combined_flags_and_takes_values() {
    let v = stdout_json(&[
        "cheat",
        "--explain",
        "tar -xzvf backup.tar.gz -C /tmp",
        "--json",
    ]);
    assert_eq!(v["command"], "tar -xzvf backup.tar.gz -C /tmp");
    let parts = v["parts"].as_array().unwrap();
    let tokens: Vec<&str> = parts.iter().map(|p| p["token"].as_str().unwrap()).collect();
    assert_eq!(
        tokens,
        ["tar", "-x", "-z", "-v", "-f", "backup.tar.gz", "-C", "/tmp"]
    );
    assert_eq!(parts[5]["kind"], "value");
    assert_eq!(parts[7]["kind"], "value");
    assert!(parts.iter().all(|p| p["kind"] != "unknown"), "{v}");
}

#[test]
fn explain_handles_prefixes_pipes_redirects_and_long_flags() {
    let line =
        "sudo -u www-data env LANG=C ss -tlnp --no-header | grep -E ':(80|443)' > ports.txt 2>&1";
    let v = stdout_json(&["cheat", "--explain", line, "--json"]);
    let parts = v["parts"].as_array().unwrap();
    let kind_of = |tok: &str| {
        parts
            .iter()
            .find(|p| p["token"] == tok)
            .map(|p| p["kind"].as_str().unwrap().to_string())
            .unwrap_or_else(|| panic!("no part {tok} in {v}"))
    };
    assert_eq!(kind_of("sudo"), "command");
    assert_eq!(kind_of("www-data"), "value");
    assert_eq!(kind_of("env"), "command");
    assert_eq!(kind_of("LANG=C"), "assignment");
    assert_eq!(kind_of("ss"), "command");
    assert_eq!(kind_of("-t"), "flag");
    assert_eq!(kind_of("|"), "operator");
    assert_eq!(kind_of("grep"), "command");
    assert_eq!(kind_of(">"), "redirect");
    assert_eq!(kind_of("ports.txt"), "argument");
    assert_eq!(kind_of("2>&1"), "redirect");
    let v = stdout_json(&["cheat", "--explain", "grep --max-count=5 x f", "--json"]);
    assert!(
        v["parts"][1]["meaning"].as_str().unwrap().ends_with("= 5"),
        "{v}"
    );
}

#[test]
fn explain_says_unknown_instead_of_inventing() {
    let v = stdout_json(&["cheat", "--explain", "ls --frobnicate -Q9", "--json"]);
    let parts = v["parts"].as_array().unwrap();
    assert_eq!(parts[1]["kind"], "unknown");
    assert!(parts[1]["meaning"].as_str().unwrap().starts_with("unknown"));
    let v = stdout_json(&["cheat", "--explain", "frobctl --all now", "--json"]);
    assert_eq!(v["parts"][0]["kind"], "unknown");
    assert_eq!(v["parts"][1]["kind"], "unknown");
    oncall()
        .args(["cheat", "--explain", "echo 'unclosed"])
        .assert()
        .code(2)
        .stderr(predicates::str::starts_with(
            "oncall: --explain: unclosed single quote",
        ));
}

#[test]
fn markdown_output_is_markdown() {
    let out = oncall()
        .args(["cheat", "ss", "--format", "markdown"])
        .assert()
        .success();
    let text = String::from_utf8_lossy(&out.get_output().stdout).to_string();
    assert!(text.starts_with("## ss\n"), "{text}");
    assert!(text.contains("```sh"), "{text}");
}

/// Issue 14's breadth, per category: each area holds at least this many commands, so a
/// file lost in a merge or a category emptied by a rename fails here, by name.
#[test]
fn each_category_holds_its_share_of_commands() {
    let minimum = [
        ("file-management", 35),
        ("viewing-editing", 17),
        ("text-processing", 38),
        ("permissions", 22),
        ("networking", 50),
        ("kernel-networking", 16),
        ("http-tls-clients", 16),
        ("processes-system", 35),
        ("disks-storage", 17),
        ("hardware-storage", 36),
        ("archiving", 16),
        ("package-management", 19),
        ("services", 36),
        ("containers-kubernetes", 35),
        ("users-sessions", 20),
        ("performance-incident", 29),
        ("tracing-profiling", 32),
        ("data-stores", 24),
        ("version-control", 6),
        ("help", 9),
    ];
    let v = stdout_json(&["cheat", "--categories", "--json"]);
    let count = |id: &str| {
        v.as_array()
            .unwrap()
            .iter()
            .find(|c| c["id"] == id)
            .and_then(|c| c["count"].as_u64())
            .unwrap_or_else(|| panic!("no category {id} in {v}"))
    };
    for (id, least) in minimum {
        assert!(
            count(id) >= least,
            "{id}: {} commands, want {least}",
            count(id)
        );
    }
    for name in "docker docker-compose podman kubectl crictl ctr nerdctl helm nsenter unshare \
        conntrack tc sysctl bridge arping ipvsadm lspci dmidecode smartctl modprobe lsmod mdadm \
        e2fsck taskset chrt ionice numactl execsnoop gcore coredumpctl valgrind grpcurl http ab \
        wrk psql mysql redis-cli etcdctl git gpg busctl udevadm networkctl nmcli chronyc whois \
        pv parallel flock yq"
        .split_whitespace()
    {
        let v = stdout_json(&["cheat", name, "--json"]);
        assert_eq!(names(&v)[0], name);
    }
}

#[test]
fn explain_reads_flags_in_the_light_of_the_subcommand() {
    let v = stdout_json(&[
        "cheat",
        "--explain",
        "kubectl get pods -n prod -o wide",
        "--json",
    ]);
    let kinds: Vec<&str> = v["parts"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["kind"].as_str().unwrap())
        .collect();
    assert_eq!(
        kinds,
        [
            "command",
            "subcommand",
            "argument",
            "flag",
            "value",
            "flag",
            "value"
        ],
        "{v}"
    );
    assert!(
        v["parts"][5]["meaning"].as_str().unwrap().contains("wide"),
        "{v}"
    );
    let meaning = |line: &str, i: usize| {
        let v = stdout_json(&["cheat", "--explain", line, "--json"]);
        v["parts"][i]["meaning"].as_str().unwrap().to_string()
    };
    // One letter, two meanings: the subcommand decides.
    assert!(meaning("kubectl logs web-0 -f", 3).contains("streaming"));
    assert!(meaning("kubectl apply -f app.yaml", 2).contains("Manifest file"));
    assert!(meaning("docker run -d nginx", 2).contains("background"));
    assert!(meaning("docker inspect -f '{{.State}}' web", 2).contains("template"));
    // A flag the subcommand does not redefine keeps the command's meaning.
    assert!(meaning("kubectl logs -n prod web-0", 2).contains("Namespace"));
    // Before the subcommand, only the command's own flags apply.
    assert!(meaning("kubectl -n prod logs web-0", 1).contains("Namespace"));
}

/// Every subcommand in the sheet is recognised by --explain with its own meaning, and so is
/// every flag a subcommand defines (all subcommands of one command in one `;` list).
#[test]
fn every_subcommand_and_its_flags_are_explained() {
    let cats = stdout_json(&["cheat", "--categories", "--json"]);
    let mut subcommands = 0;
    for cat in cats.as_array().unwrap() {
        let listed = stdout_json(&["cheat", "-c", cat["id"].as_str().unwrap(), "--json"]);
        for hit in listed.as_array().unwrap() {
            // A category lists hits, with the subcommands counted; the entry has them.
            if hit["subcommand_count"] == 0 {
                continue;
            }
            let name = hit["name"].as_str().unwrap();
            let entry = stdout_json(&["cheat", name, "--json"]);
            let c = &entry[0];
            assert_eq!(c["name"], name, "{entry}");
            let subs = c["subcommands"].as_array().unwrap();
            assert_eq!(subs.len() as u64, hit["subcommand_count"], "{name}");
            // (the segment as typed, the kind of its last part, the meaning wanted); a nested
            // subcommand's name holds its path (`rollout undo`).
            let mut want: Vec<(String, &str, String)> = Vec::new();
            for s in subs {
                let sub = s["name"].as_str().unwrap();
                let meaning = s["meaning"].as_str().unwrap().to_string();
                want.push((sub.to_string(), "subcommand", meaning));
                for f in s["flags"].as_array().unwrap() {
                    let typed = f["long"].as_str().or(f["flag"].as_str()).unwrap();
                    want.push((
                        format!("{sub} {typed}"),
                        "flag",
                        f["meaning"].as_str().unwrap().to_string(),
                    ));
                }
            }
            let line = want
                .iter()
                .map(|(seg, _, _)| format!("{name} {seg}"))
                .collect::<Vec<_>>()
                .join(" ; ");
            let v = stdout_json(&["cheat", "--explain", &line, "--json"]);
            let parts = v["parts"].as_array().unwrap();
            let segments: Vec<&[serde_json::Value]> =
                parts.split(|p| p["kind"] == "operator").collect();
            assert_eq!(segments.len(), want.len(), "{name}: {v}");
            for (seg, (typed, wanted_kind, meaning)) in segments.iter().zip(&want) {
                let last = seg.last().unwrap();
                assert_eq!(seg[1]["kind"], "subcommand", "{name} {typed}: {seg:?}");
                assert_eq!(last["kind"], *wanted_kind, "{name} {typed}: {seg:?}");
                assert!(
                    last["meaning"]
                        .as_str()
                        .unwrap()
                        .starts_with(meaning.as_str()),
                    "{name} {typed}: {seg:?}"
                );
                subcommands += 1;
            }
        }
    }
    assert!(
        subcommands > 400,
        "only {subcommands} subcommands and their flags"
    );
}
