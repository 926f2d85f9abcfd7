//! Whether one simple command of a pasted line destroys data, for the warning at the top of
//! `oncall cheat --explain`. The words are the command's own (after any wrapper such as
//! `sudo`); nothing is run. This is the explain side of the rule; the sheet's safety classes
//! (`schema.rs`) judge examples, and the two are meant to become one rule.

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

/// Commands that destroy whatever they are pointed at.
const ALWAYS: [(&str, &str); 13] = [
    (
        "mkfs",
        "creates a new filesystem: everything on the device is lost",
    ),
    (
        "mke2fs",
        "creates a new filesystem: everything on the device is lost",
    ),
    (
        "mkswap",
        "turns the device into swap: everything on it is lost",
    ),
    (
        "wipefs",
        "erases filesystem signatures: the data on the device becomes unreachable",
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
    ("rmdir", "removes directories"),
];

pub fn is_device(path: &str) -> bool {
    DEVICE_PREFIXES.iter().any(|p| path.starts_with(p))
}

/// Short flags of `word` (`-rf` → r, f), empty for long flags and operands.
fn letters(word: &str) -> &str {
    match word.strip_prefix('-') {
        Some(rest) if !rest.starts_with('-') => rest,
        _ => "",
    }
}

/// Why the command `name` with `args` destroys data, if it does.
pub fn check(name: &str, args: &[&str]) -> Option<String> {
    let has = |w: &str| args.contains(&w);
    let operands = || args.iter().filter(|a| !a.starts_with('-'));
    if name.starts_with("mkfs.") {
        return Some(format!(
            "{name} creates a new filesystem: everything on the device is lost"
        ));
    }
    if let Some((_, why)) = ALWAYS.iter().find(|(n, _)| *n == name) {
        return Some(format!("{name} {why}"));
    }
    match name {
        "rm" => {
            let recursive =
                has("--recursive") || args.iter().any(|a| letters(a).contains(['r', 'R']));
            let root = operands().any(|o| matches!(*o, "/" | "/*" | "~" | "~/" | "*" | "." | ".."))
                || has("--no-preserve-root");
            Some(match (recursive, root) {
                (_, true) => "rm deletes everything under the top directory it is given, for good (there is no trash)".to_string(),
                (true, false) => "rm deletes whole directory trees for good (there is no trash)".to_string(),
                _ => "rm deletes files for good (there is no trash)".to_string(),
            })
        }
        "dd" => args
            .iter()
            .find_map(|a| a.strip_prefix("of="))
            .filter(|of| is_device(of))
            .map(|of| {
                format!("dd writes raw data onto the device {of}: what was on it is overwritten")
            }),
        "find" if has("-delete") => Some("find -delete deletes every file it matches".to_string()),
        "kubectl" if args.first() == Some(&"delete") => {
            let what = args.get(1).copied().unwrap_or("");
            Some(if matches!(what, "ns" | "namespace" | "namespaces") {
                "kubectl delete namespace deletes the namespace and everything in it".to_string()
            } else {
                "kubectl delete removes objects from the cluster".to_string()
            })
        }
        "git" => match args.first().copied() {
            Some("clean") if args.iter().any(|a| letters(a).contains('f')) => {
                Some("git clean deletes untracked files".to_string())
            }
            Some("reset") if has("--hard") => {
                Some("git reset --hard discards uncommitted changes".to_string())
            }
            _ => None,
        },
        "docker" | "podman" => match args.first().copied() {
            Some("rm" | "rmi") => Some(format!("{name} {} removes containers or images", args[0])),
            Some("system" | "volume" | "image" | "container")
                if args.get(1).is_some_and(|a| matches!(*a, "prune" | "rm")) =>
            {
                Some(format!(
                    "{name} {} {} deletes data for good",
                    args[0], args[1]
                ))
            }
            _ => None,
        },
        "crontab" if args.iter().any(|a| letters(a).contains('r')) => {
            Some("crontab -r deletes every cron job of the user".to_string())
        }
        "truncate" => Some("truncate cuts files to a size: the data past it is lost".to_string()),
        "fdisk" | "sfdisk" | "parted" | "sgdisk" | "gdisk" if operands().any(|o| is_device(o)) => {
            Some(format!(
                "{name} rewrites the partition table: partitions may be lost"
            ))
        }
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_issue_s_lines() {
        assert!(check("rm", &["-rf", "/"]).unwrap().contains("everything"));
        assert!(check("mkfs.ext4", &["/dev/sdb1"]).is_some());
        assert!(check("dd", &["if=/dev/zero", "of=/dev/sda"])
            .unwrap()
            .contains("/dev/sda"));
        assert!(check("kubectl", &["delete", "ns", "prod"])
            .unwrap()
            .contains("namespace"));
    }

    #[test]
    fn reading_is_not_destroying() {
        assert!(check("dd", &["if=/dev/sda", "of=/tmp/mbr", "count=1"]).is_none());
        assert!(check("kubectl", &["get", "ns"]).is_none());
        assert!(check("ls", &["-rf"]).is_none());
        assert!(check("find", &["/", "-name", "x"]).is_none());
    }
}
