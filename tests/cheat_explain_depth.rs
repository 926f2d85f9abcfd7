//! `oncall cheat --explain` in depth: whole tokens before letters, the command after
//! `find -exec`/`xargs`/`sudo`/`timeout`/`watch`/`ssh host` explained as its own, lines that
//! destroy flagged first, and the host's real man pages for what the sheet lacks.

mod support;

use serde_json::Value;
use std::path::Path;
use support::oncall;

/// `--explain LINE --json` with `MANPATH` pointing where `man_dir` says (`None`: the host's).
fn explain_with(line: &str, man_dir: Option<&Path>) -> Value {
    let mut cmd = oncall();
    match man_dir {
        Some(d) => cmd.env("MANPATH", d),
        None => cmd.env_remove("MANPATH"),
    };
    let out = cmd
        .args(["cheat", "--explain", line, "--json"])
        .assert()
        .success();
    serde_json::from_slice(&out.get_output().stdout).unwrap()
}

/// The sheet alone: a MANPATH with no pages in it.
fn sheet_only(line: &str) -> Value {
    let empty = tempfile::tempdir().unwrap();
    explain_with(line, Some(empty.path()))
}

fn parts(v: &Value) -> Vec<(String, String, String)> {
    v["parts"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| {
            (
                p["token"].as_str().unwrap().to_string(),
                p["kind"].as_str().unwrap().to_string(),
                p["meaning"].as_str().unwrap().to_string(),
            )
        })
        .collect()
}

fn part<'a>(v: &'a [(String, String, String)], token: &str) -> &'a (String, String, String) {
    v.iter()
        .find(|p| p.0 == token)
        .unwrap_or_else(|| panic!("no part {token} in {v:?}"))
}

#[test]
fn real_lines_have_every_token_known() {
    for line in [
        "find /var/log -name '*.gz' -mtime +7 -exec ls -lh {} \\;",
        "find /srv -type f -exec du -h {} +",
        "sudo -u postgres timeout 5 watch -n 1 df -h",
        "ssh -p 2222 web1 'df -h | sort -h'",
        "tar -xzvf backup.tar.gz -C /tmp",
    ] {
        let v = sheet_only(line);
        let p = parts(&v);
        assert!(
            p.iter().all(|(_, kind, _)| kind != "unknown"),
            "{line}: {p:#?}"
        );
    }
}

#[test]
fn the_command_after_find_exec_is_its_own() {
    let p = parts(&sheet_only(
        "find /var/log -name '*.log' -exec ls -lh {} \\;",
    ));
    let ls = part(&p, "ls");
    assert_eq!(ls.1, "command", "{p:?}");
    // -lh is ls's, not find's.
    let l = part(&p, "-l");
    assert!(!l.2.contains("find"), "{l:?}");
    assert!(part(&p, "{}").2.contains("find puts the path"), "{p:?}");
    assert!(part(&p, "\\;").2.contains("once per match"), "{p:?}");
}

#[test]
fn wrapped_commands_are_their_own() {
    let p = parts(&sheet_only("ssh web1 'df -h'"));
    assert_eq!(part(&p, "df").1, "command", "{p:?}");
    assert!(part(&p, "-h").2.contains("1024"), "{p:?}");
    let p = parts(&sheet_only("find . -print0 | xargs -0 -n 10 ls -lh"));
    assert_eq!(part(&p, "ls").1, "command", "{p:?}");
    let p = parts(&sheet_only("sudo timeout 10 watch -n 2 ss -tlnp"));
    assert_eq!(part(&p, "ss").1, "command", "{p:?}");
}

#[test]
fn a_token_is_looked_up_whole_before_it_is_split() {
    // Without man pages, find's -noleaf and openssl x509's -serial (flags the sheet does not
    // hold) are unknown as one token, never letters of guesses.
    for (line, token) in [
        ("find . -noleaf", "-noleaf"),
        ("openssl x509 -noout -serial -in c.pem", "-serial"),
    ] {
        let v = sheet_only(line);
        let p = parts(&v);
        let unknown = part(&p, token);
        assert_eq!(unknown.1, "unknown", "{p:?}");
        assert!(
            v["parts"]
                .as_array()
                .unwrap()
                .iter()
                .all(|p| p["from"].is_null()),
            "{line} was split: {p:?}"
        );
    }
    // openssl's -noout is the sheet's, whole.
    let p = parts(&sheet_only("openssl x509 -noout -in c.pem"));
    assert_eq!(part(&p, "-noout").1, "flag", "{p:?}");
}

#[test]
fn destructive_lines_say_so_at_the_top() {
    for (line, says) in [
        ("rm -rf /", "everything"),
        ("sudo mkfs.ext4 /dev/sdb1", "filesystem"),
        ("dd if=/dev/zero of=/dev/sda bs=1M", "/dev/sda"),
        ("kubectl delete ns prod", "namespace"),
        ("find /tmp -name '*.tmp' -exec rm {} \\;", "rm deletes"),
        ("cat image.raw > /dev/sdb", "/dev/sdb"),
    ] {
        let v = sheet_only(line);
        let why = v["destroys"]
            .as_array()
            .unwrap_or_else(|| panic!("{line}: {v}"));
        assert!(
            why.iter().any(|w| w.as_str().unwrap().contains(says)),
            "{line}: {why:?}"
        );
        let out = oncall()
            .args(["cheat", "--explain", line])
            .assert()
            .success();
        let text = String::from_utf8_lossy(&out.get_output().stdout).to_string();
        assert!(text.starts_with("DESTRUCTIVE: "), "{line}: {text}");
    }
    for line in [
        "ls -la /",
        "dd if=/dev/sda of=/tmp/mbr bs=512 count=1",
        "kubectl get ns",
    ] {
        let v = sheet_only(line);
        assert!(v["destroys"].is_null(), "{line}: {v}");
    }
}

/// The host's man pages, or `None` (with a message) outside CI when there are none.
fn host_man() -> Option<()> {
    let root = Path::new("/usr/share/man/man1");
    let empty = std::fs::read_dir(root).map_or(true, |mut d| d.next().is_none());
    if empty {
        assert!(
            std::env::var_os("CI").is_none(),
            "CI must install man pages (.ci/run)"
        );
        eprintln!("skipped: /usr/share/man is empty on this host");
        return None;
    }
    Some(())
}

fn page(name: &str) -> Option<std::path::PathBuf> {
    for dir in ["man1", "man8"] {
        let d = Path::new("/usr/share/man").join(dir);
        for ext in [".1.gz", ".8.gz", ".1", ".8", ".1ssl.gz"] {
            let p = d.join(format!("{name}{ext}"));
            if p.is_file() {
                return Some(p);
            }
        }
    }
    None
}

#[test]
fn flags_the_sheet_lacks_come_from_the_local_man_page() {
    if host_man().is_none() {
        return;
    }
    for (line, token, page_name) in [
        ("find . -anewer /tmp/stamp -noleaf", "-noleaf", "find"),
        ("find . -anewer /tmp/stamp -noleaf", "-anewer", "find"),
        (
            "openssl x509 -noout -serial -in c.pem",
            "-serial",
            "openssl-x509",
        ),
        ("ls --author -l", "--author", "ls"),
        ("iptables -4 -A INPUT -j DROP", "-4", "iptables"),
        ("ssh -C web1", "-C", "ssh"),
    ] {
        if page(page_name).is_none() {
            assert!(
                std::env::var_os("CI").is_none(),
                "CI installs {page_name}'s page"
            );
            eprintln!("skipped {line}: no man page of {page_name} here");
            continue;
        }
        let p = parts(&explain_with(line, None));
        let f = part(&p, token);
        assert_eq!(f.1, "flag", "{line}: {p:?}");
        assert!(f.2.ends_with("(from the local man page)"), "{line}: {f:?}");
    }
    // The value of a man page flag is taken: /tmp/stamp is -anewer's.
    let p = parts(&explain_with("find . -anewer /tmp/stamp", None));
    assert_eq!(part(&p, "/tmp/stamp").1, "value", "{p:?}");
}

#[test]
fn a_command_only_the_man_page_knows() {
    // fold (coreutils) is not in the sheet; its page is.
    if host_man().is_none() || page("fold").is_none() {
        return;
    }
    let p = parts(&explain_with("fold -w 3 names.txt", None));
    assert_eq!(p[0].1, "command", "{p:?}");
    assert!(p[0].2.ends_with("(from the local man page)"), "{p:?}");
    assert_eq!(part(&p, "-w").1, "flag", "{p:?}");
    assert_eq!(part(&p, "3").1, "value", "{p:?}");
    // Still unknown is said to be unknown.
    let p = parts(&explain_with("fold --frobnicate", None));
    assert_eq!(part(&p, "--frobnicate").1, "unknown", "{p:?}");
}

#[test]
fn manpath_is_honoured() {
    if host_man().is_none() {
        return;
    }
    let Some(find) = page("find") else { return };
    // A MANPATH of our own holding the host's page (copied at run time, not into the repo).
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(dir.path().join("man1")).unwrap();
    let name = find.file_name().unwrap();
    std::fs::copy(&find, dir.path().join("man1").join(name)).unwrap();
    let p = parts(&explain_with("find . -noleaf", Some(dir.path())));
    assert_eq!(part(&p, "-noleaf").1, "flag", "{p:?}");
    let p = parts(&sheet_only("find . -noleaf"));
    assert_eq!(part(&p, "-noleaf").1, "unknown", "{p:?}");
}
