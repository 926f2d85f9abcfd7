//! `oncall cheat --explain` on 50 command lines an on-call engineer really types, from the
//! sheet alone (an empty `MANPATH`, so the host's man pages neither help nor hide a gap): the
//! share of tokens explained per line and overall, and the nested subcommands, `-j` targets and
//! dd operands that a line's meaning lives in.

mod support;

use serde_json::Value;
use support::oncall;

/// Our own choice of lines (kubectl, docker, journalctl, ss, ip, iptables, tcpdump, find, tar,
/// rsync, openssl, curl, dd, awk/sed pipelines, systemctl, strace, perf and the everyday rest),
/// one a line; bench/cheat.sh reports the share over the same file.
fn lines() -> Vec<&'static str> {
    include_str!("cheat_real_lines.txt")
        .lines()
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
        .collect()
}

/// The issue asks for every token of these lines known.
const FLOOR: f64 = 1.0;

/// `(token, kind, meaning)` of each part of the explanation, from the sheet alone.
fn explain(line: &str) -> Vec<(String, String, String)> {
    let no_pages = tempfile::tempdir().unwrap();
    let out = oncall()
        .env("MANPATH", no_pages.path())
        .args(["cheat", "--explain", line, "--json"])
        .assert()
        .success();
    let v: Value = serde_json::from_slice(&out.get_output().stdout).unwrap();
    v["parts"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| {
            let s = |k: &str| p[k].as_str().unwrap().to_string();
            (s("token"), s("kind"), s("meaning"))
        })
        .collect()
}

#[test]
fn fifty_real_lines_have_their_tokens_explained() {
    let (mut known, mut total) = (0usize, 0usize);
    let mut below = Vec::new();
    let lines = lines();
    assert_eq!(lines.len(), 50, "the file holds 50 lines");
    for line in &lines {
        let parts = explain(line);
        let unknown: Vec<&str> = parts
            .iter()
            .filter(|p| p.1 == "unknown")
            .map(|p| p.0.as_str())
            .collect();
        known += parts.len() - unknown.len();
        total += parts.len();
        if !unknown.is_empty() {
            let share = 1.0 - unknown.len() as f64 / parts.len() as f64;
            below.push(format!(
                "{:5.1}%  {line}   unknown: {unknown:?}",
                share * 100.0
            ));
        }
    }
    let share = known as f64 / total as f64;
    println!(
        "tokens explained: {known}/{total} ({:.1}%) on {} lines",
        share * 100.0,
        lines.len()
    );
    for b in &below {
        println!("{b}");
    }
    assert!(
        share >= FLOOR && below.is_empty(),
        "{:.1}% of tokens explained, floor {:.0}%; lines below it:\n{}",
        share * 100.0,
        FLOOR * 100.0,
        below.join("\n")
    );
}

fn kind_of<'a>(parts: &'a [(String, String, String)], token: &str) -> &'a (String, String, String) {
    parts
        .iter()
        .find(|p| p.0 == token)
        .unwrap_or_else(|| panic!("no part {token} in {parts:#?}"))
}

/// A nested subcommand is named as one, and the flags after it are its own.
#[test]
fn nested_subcommands_are_subcommands() {
    for (line, subs) in [
        (
            "kubectl rollout undo deployment/api",
            &["rollout", "undo"][..],
        ),
        ("docker compose up -d --build", &["compose", "up"]),
        ("git stash pop", &["stash", "pop"]),
        ("systemctl list-units --failed", &["list-units"]),
        ("ip addr show dev eth0", &["addr", "show"]),
        ("ip route get 10.0.0.1", &["route", "get"]),
        ("ip -s link show eth0", &["link", "show"]),
        ("ip neigh show", &["neigh", "show"]),
    ] {
        let parts = explain(line);
        for sub in subs {
            let p = kind_of(&parts, sub);
            assert_eq!(p.1, "subcommand", "{line}: {p:?}");
        }
    }
    let up = explain("docker compose up -d --build");
    assert!(
        kind_of(&up, "-d").2.to_lowercase().contains("background"),
        "{up:#?}"
    );
    let dev = explain("ip addr show dev eth0");
    assert_eq!(kind_of(&dev, "dev").1, "flag", "{dev:#?}");
    assert_eq!(kind_of(&dev, "eth0").1, "value", "{dev:#?}");
}

/// iptables' `-j` targets say what happens to the packet.
#[test]
fn iptables_targets_are_explained() {
    for (target, word) in [
        ("ACCEPT", "through"),
        ("DROP", "silently"),
        ("REJECT", "error"),
        ("LOG", "log"),
        ("MASQUERADE", "address"),
        ("DNAT", "destination"),
        ("SNAT", "source"),
    ] {
        let parts = explain(&format!("iptables -A INPUT -j {target}"));
        let p = kind_of(&parts, target);
        assert_eq!(p.1, "value", "{p:?}");
        assert!(p.2.to_lowercase().contains(word), "{target}: {p:?}");
    }
}

/// dd's `key=value` operands are dd's flags, each with its value.
#[test]
fn dd_operands_are_explained() {
    let parts = explain("dd if=/dev/zero of=/tmp/x.img bs=1M count=4 conv=fsync status=progress");
    for (token, word) in [
        ("if=/dev/zero", "read"),
        ("of=/tmp/x.img", "write"),
        ("bs=1M", "block"),
        ("count=4", "blocks"),
        ("conv=fsync", "conver"),
        ("status=progress", "progress"),
    ] {
        let p = kind_of(&parts, token);
        assert_eq!(p.1, "flag", "{p:?}");
        let (_, value) = token.split_once('=').unwrap();
        assert!(p.2.to_lowercase().contains(word), "{token}: {p:?}");
        assert!(p.2.ends_with(&format!("= {value}")), "{token}: {p:?}");
    }
}

/// Shapes real lines take: an optional value attached (`sed -i.bak`), a quoted command line
/// for watch, a program named by its path, a command after `kubectl exec … --`.
#[test]
fn attached_optional_values_quoted_commands_and_paths() {
    let sed = explain("sed -i.bak 's/a/b/' config.yaml");
    let i = kind_of(&sed, "-i");
    assert_eq!(i.1, "flag", "{sed:#?}");
    assert!(i.2.ends_with("= .bak"), "{i:?}");
    assert_eq!(
        sed.iter().filter(|p| p.1 == "unknown").count(),
        0,
        "{sed:#?}"
    );
    let watch = explain("watch -n 2 'kubectl get pods -n prod'");
    assert_eq!(kind_of(&watch, "kubectl").1, "command", "{watch:#?}");
    assert_eq!(kind_of(&watch, "get").1, "subcommand", "{watch:#?}");
    let app = explain("strace -f ./app");
    assert_eq!(kind_of(&app, "./app").1, "command", "{app:#?}");
    assert!(kind_of(&app, "./app").2.contains("cannot know"), "{app:#?}");
    let exec = explain("kubectl exec -it api-0 -- rm -rf /cache");
    assert_eq!(kind_of(&exec, "rm").1, "command", "{exec:#?}");
}
