//! The one rule for commands that destroy data or change state past undoing. It judges the
//! sheet's examples (`schema.rs`: built-in ones at build time, user sheets when they load: such
//! an example cannot be marked read-only) and pasted lines (`--explain` says DESTRUCTIVE at the
//! top). Compiled into the library and, through `#[path]`, into `build.rs`, so that the built-in
//! data, user sheets and explain cannot disagree. Nothing is run: words are looked at per simple
//! command, after any wrapper such as `sudo`. The list is of unmistakable kinds, not every way
//! to lose data: a check for slips, not a sandbox.

/// How bad a command is, by the rule (ordered: the worst of a line wins).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Harm {
    /// Not read-only (writes a file, evicts pods), yet nothing is lost for good.
    Writes,
    /// Data, objects or rules are gone: `--explain` says so first.
    Destroys,
}

/// What a command does that is not read-only. `what` is a verb phrase without its subject
/// ("deletes files for good"): examples read "marked read-only but {what}", explain lines
/// "{command} {what}".
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Finding {
    pub harm: Harm,
    pub what: String,
}

fn destroys(what: impl Into<String>) -> Option<Finding> {
    Some(Finding {
        harm: Harm::Destroys,
        what: what.into(),
    })
}

fn writes(what: impl Into<String>) -> Option<Finding> {
    Some(Finding {
        harm: Harm::Writes,
        what: what.into(),
    })
}

/// Block devices by their kernel names: writing onto one overwrites a disk.
const DEVICE_PREFIXES: [&str; 7] = [
    "/dev/sd",
    "/dev/nvme",
    "/dev/vd",
    "/dev/xvd",
    "/dev/hd",
    "/dev/mmcblk",
    "/dev/mapper/",
];

pub fn is_device(path: &str) -> bool {
    DEVICE_PREFIXES.iter().any(|p| path.starts_with(p))
}

/// Commands that destroy whatever they are pointed at.
const ALWAYS: [(&str, &str); 11] = [
    (
        "mkswap",
        "turns the device into swap: everything on it is lost",
    ),
    ("shred", "overwrites files so that they cannot be recovered"),
    (
        "blkdiscard",
        "discards every block of the device: its data is gone",
    ),
    ("lvremove", "removes logical volumes and the data on them"),
    ("vgremove", "removes volume groups and the volumes in them"),
    ("pvremove", "wipes the LVM label of physical volumes"),
    ("userdel", "deletes a user account"),
    ("srm", "deletes files securely: they cannot be recovered"),
    ("unlink", "deletes a file for good"),
    ("truncate", "cuts files to a size: the data past it is lost"),
    ("rmdir", "removes directories"),
];

/// SQL that drops or empties, wherever it stands in a line (`psql -c 'DROP TABLE x'`).
const SQL: [(&str, &str); 4] = [
    ("drop table", "drops a table"),
    ("drop database", "drops a database"),
    ("drop schema", "drops a schema"),
    ("truncate table", "empties a table"),
];

pub fn sql(line: &str) -> Option<Finding> {
    let lower = line.to_ascii_lowercase();
    SQL.iter()
        .find(|(s, _)| lower.contains(s))
        .and_then(|(_, what)| destroys(*what))
}

/// Programs that run the next word as a command: `sudo rm` deletes as surely as `rm`.
const WRAPPERS: [&str; 13] = [
    "sudo", "doas", "env", "xargs", "nohup", "nice", "ionice", "time", "exec", "watch", "command",
    "timeout", "chroot",
];

/// The worst finding of any simple command in `line` (split at pipes, lists, `$(`, and `--`
/// before a command run in a container), so `man rm` or `grep 'docker rm' history` is not
/// mistaken for the thing itself. For the sheet's examples, which are whole lines.
pub fn in_line(line: &str) -> Option<Finding> {
    if let Some(f) = sql(line) {
        return Some(f);
    }
    let mut spaced = String::with_capacity(line.len());
    for c in line.chars() {
        match c {
            '|' | ';' | '&' | '(' | ')' | '`' | '\n' => spaced.push_str(" | "),
            '\'' | '"' => {}
            c => spaced.push(c),
        }
    }
    let mut found: Option<Finding> = None;
    let mut segment: Vec<&str> = Vec::new();
    for word in spaced.split_whitespace().chain(std::iter::once("|")) {
        // `kubectl exec pod -- rm -rf /x`: what follows `--` is a command of its own.
        if word == "|" || word == "--" {
            if let Some(f) = unwrapped(&segment) {
                if found.as_ref().is_none_or(|old| old.harm < f.harm) {
                    found = Some(f);
                }
            }
            segment.clear();
        } else {
            segment.push(word);
        }
    }
    found
}

/// One simple command of `in_line`: wrappers and their flags skipped, then `check`.
fn unwrapped(words: &[&str]) -> Option<Finding> {
    let mut i = 0;
    while i < words.len() {
        let w = words[i].rsplit('/').next().unwrap_or(words[i]);
        if !WRAPPERS.contains(&w) {
            break;
        }
        i += 1;
        while i < words.len() && (words[i].starts_with('-') || words[i].contains('=')) {
            i += 1;
        }
        if matches!(w, "timeout" | "chroot") {
            i += 1;
        }
    }
    let program = words.get(i)?.rsplit('/').next().unwrap_or("");
    check(program, &words[i + 1..])
}

/// The first word of `args` that is not a flag: the subcommand of docker, kubectl, git …
fn subcommand<'a>(args: &[&'a str]) -> Option<&'a str> {
    args.iter().copied().find(|a| !a.starts_with('-'))
}

/// What the command `name` (no wrapper) does with `args`, if it is not read-only.
pub fn check(name: &str, args: &[&str]) -> Option<Finding> {
    let has = |w: &str| args.iter().any(|a| a.eq_ignore_ascii_case(w));
    let operands = || args.iter().filter(|a| !a.starts_with('-'));
    // Short flags of one word: `-rf` holds r and f; long flags and operands hold none.
    let letter = |c: char| {
        args.iter()
            .any(|a| a.starts_with('-') && !a.starts_with("--") && a.contains(c))
    };
    // `kubectl delete --dry-run=server` shows what would go, and deletes nothing.
    let dry_run = args.iter().any(|a| a.starts_with("--dry-run"));
    if let Some((_, why)) = ALWAYS.iter().find(|(n, _)| *n == name) {
        return destroys(*why);
    }
    match name {
        "rm" => {
            let root = operands().any(|o| matches!(*o, "/" | "/*" | "~" | "~/" | "*" | "." | ".."))
                || has("--no-preserve-root");
            if root {
                destroys("deletes everything under the top directory it is given, for good (there is no trash)")
            } else if has("--recursive") || letter('r') || letter('R') {
                destroys("deletes files and whole directory trees for good (there is no trash)")
            } else {
                destroys("deletes files for good (there is no trash)")
            }
        }
        // Without -a or -o, wipefs only lists the signatures it finds.
        "wipefs"
            if (letter('a') || letter('o') || has("--all") || has("--offset"))
                && !has("-n")
                && !has("--no-act") =>
        {
            destroys("erases filesystem signatures: the data on the device becomes unreachable")
        }
        // mke2fs's `-n` and mkfs.xfs's `-N` only print what would be made.
        p if (p == "mkfs" || p.starts_with("mkfs.") || p == "mke2fs") && !has("-n") => {
            destroys("creates a new filesystem: everything on the device is lost")
        }
        "dd" => match args.iter().find_map(|a| a.strip_prefix("of=")) {
            Some("/dev/null") | None => None,
            Some(of) if is_device(of) => destroys(format!(
                "writes raw data onto the device {of}: what was on it is overwritten"
            )),
            Some(of) => writes(format!("writes over its output file {of}")),
        },
        "find" if has("-delete") => destroys("deletes every file it matches (-delete)"),
        "kubectl" | "oc" if has("delete") && !has("can-i") && !dry_run => {
            let after = args
                .iter()
                .skip_while(|a| !a.eq_ignore_ascii_case("delete"));
            let what = after.skip(1).find(|a| !a.starts_with('-')).copied();
            if matches!(what, Some("ns" | "namespace" | "namespaces")) {
                destroys("delete namespace deletes the namespace and everything in it")
            } else {
                destroys("delete removes objects from the cluster")
            }
        }
        "kubectl" | "oc" if has("drain") && !dry_run => {
            writes("drain evicts every pod from the node")
        }
        "docker" | "podman" | "nerdctl" => {
            let sub = subcommand(args)?;
            // `docker exec web rm -rf /data`: the command run inside is judged too (each word
            // after the subcommand tried as its start; flags' values are never destructive).
            if matches!(sub, "exec" | "run") {
                let after: Vec<&str> = args.iter().copied().skip_while(|a| *a != sub).collect();
                return (1..after.len())
                    .filter(|&k| !after[k].starts_with('-'))
                    .find_map(|k| check(after[k], &after[k + 1..]));
            }
            let next = args
                .iter()
                .skip_while(|a| **a != sub)
                .skip(1)
                .find(|a| !a.starts_with('-'));
            let removes = matches!(sub, "rm" | "rmi" | "prune")
                || (matches!(
                    sub,
                    "system" | "volume" | "image" | "container" | "network" | "builder" | "pod"
                ) && next.is_some_and(|n| matches!(*n, "prune" | "rm")))
                || (sub == "compose"
                    && next.is_some_and(|n| *n == "rm" || (*n == "down" && letter('v'))));
            if removes {
                destroys("removes containers, images or volumes for good")
            } else {
                None
            }
        }
        "crictl" if has("rm") || has("rmi") || has("rmp") => {
            destroys("removes containers, pods or images")
        }
        "ctr" if has("rm") || has("delete") || has("del") => {
            destroys("removes containers or images")
        }
        "helm" if (has("uninstall") || has("delete")) && !dry_run => {
            destroys("uninstalls a release")
        }
        "etcdctl" if has("del") => destroys("deletes etcd keys"),
        "etcdctl" if has("defrag") => writes("rewrites the etcd database (defrag)"),
        "redis-cli" if has("flushall") || has("flushdb") || has("del") => {
            destroys("deletes Redis keys")
        }
        "git" => match subcommand(args) {
            Some("reset") if has("--hard") => destroys("reset --hard discards uncommitted changes"),
            Some("clean") if letter('f') || has("--force") => {
                destroys("clean deletes untracked files")
            }
            Some("push") if has("--force") || has("-f") || has("--force-with-lease") => {
                destroys("push --force replaces the remote branch, dropping its commits")
            }
            _ => None,
        },
        "iptables" | "ip6tables" | "iptables-legacy" | "iptables-nft"
            if has("--flush") || has("--delete-chain") || letter('F') || letter('X') =>
        {
            destroys("flushes or deletes firewall rules")
        }
        "nft" if has("flush") => destroys("flushes firewall rules"),
        "ipvsadm" if letter('C') || has("--clear") => destroys("clears the load balancer's table"),
        "mdadm" if has("--zero-superblock") => destroys("erases RAID metadata"),
        "crontab" if letter('r') => destroys("-r deletes every cron job of the user"),
        // Listing a partition table is read-only; anything else on a disk may rewrite it.
        "fdisk" | "sfdisk" | "parted" | "sgdisk" | "gdisk"
            if operands().any(|o| is_device(o)) && !lists_partitions(name, args) =>
        {
            destroys("rewrites the partition table: partitions may be lost")
        }
        _ => None,
    }
}

/// Whether a partitioner is only asked to show the table (`fdisk -l`, `parted DEV print`).
fn lists_partitions(name: &str, args: &[&str]) -> bool {
    let listing: &[&str] = match name {
        "fdisk" => &["-l", "-x", "--list", "--list-details"],
        "sfdisk" => &[
            "-l", "-d", "-J", "-V", "-s", "--list", "--dump", "--json", "--verify",
        ],
        "parted" => &["-l", "--list", "print"],
        _ => &["-l", "-p", "-i", "-v", "--print", "--info", "--verify"],
    };
    args.iter().any(|a| listing.contains(a))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn why(name: &str, args: &[&str]) -> String {
        match check(name, args) {
            Some(f) if f.harm == Harm::Destroys => f.what,
            other => panic!("{name} {args:?}: {other:?}"),
        }
    }

    #[test]
    fn the_issue_s_lines() {
        assert!(why("rm", &["-rf", "/"]).contains("everything"));
        assert!(why("mkfs.ext4", &["/dev/sdb1"]).contains("filesystem"));
        assert!(why("dd", &["if=/dev/zero", "of=/dev/sda"]).contains("/dev/sda"));
        assert!(why("kubectl", &["delete", "ns", "prod"]).contains("namespace"));
        assert!(why("kubectl", &["-n", "prod", "delete", "pod", "x"]).contains("objects"));
        assert!(why("iptables", &["-F"]).contains("firewall"));
        assert!(why("docker", &["compose", "down", "-v"]).contains("volumes"));
        assert!(why("docker", &["exec", "-u", "0", "web", "rm", "-rf", "/data"]).contains("trees"));
        assert!(in_line("psql -c 'DROP TABLE sessions'").is_some());
    }

    #[test]
    fn reading_is_not_destroying() {
        for (name, args) in [
            ("dd", &["if=/dev/sda", "of=/dev/null", "count=1"][..]),
            ("kubectl", &["get", "ns"]),
            ("ls", &["-rf"]),
            ("find", &["/", "-name", "x"]),
            ("docker", &["exec", "web", "ls"]),
            ("fdisk", &["-l", "/dev/sda"]),
            ("parted", &["/dev/sda", "print"]),
            ("wipefs", &["/dev/sdc"]),
        ] {
            assert_eq!(check(name, args), None, "{name} {args:?}");
        }
    }

    #[test]
    fn writing_a_file_is_not_destroying_but_not_read_only() {
        let f = check("dd", &["if=/dev/sda", "of=/tmp/mbr", "count=1"]).unwrap();
        assert_eq!(f.harm, Harm::Writes);
        assert_eq!(
            in_line("sudo dd if=/dev/sda of=/tmp/mbr").unwrap().harm,
            Harm::Writes
        );
    }

    #[test]
    fn the_worst_command_of_a_line_counts() {
        let f = in_line("kubectl drain node-1 && kubectl delete node node-1").unwrap();
        assert_eq!(f.harm, Harm::Destroys);
        assert_eq!(in_line("grep -n 'docker rm' ~/.bash_history"), None);
        assert_eq!(in_line("man rm"), None);
    }
}
