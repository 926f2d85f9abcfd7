//! `oncall disk usage` against coreutils `du` on a generated tree: hard links, a sparse file,
//! symlinks and an unreadable directory.

mod support;

use std::fs;
use std::io::Write;
use std::os::unix::fs::{symlink, PermissionsExt};
use std::path::Path;
use std::process::{Command, Stdio};
use support::{oncall, stdout_json};

fn is_root() -> bool {
    rustix::process::geteuid().is_root()
}

fn write(path: &Path, len: usize) {
    let mut f = fs::File::create(path).unwrap();
    f.write_all(&vec![b'x'; len]).unwrap();
    f.sync_all().unwrap();
}

/// The tree: big/ (one 3 MiB file), small/ (many small files, a hard link to a file in big/
/// and a sparse file), symlinks to a file, a dir and nowhere, and locked/ (mode 000).
fn make_tree(root: &Path) {
    fs::create_dir_all(root.join("big/deeper")).unwrap();
    fs::create_dir_all(root.join("small/a/b/c")).unwrap();
    fs::create_dir_all(root.join("locked/inside")).unwrap();
    write(&root.join("big/deeper/huge.bin"), 3 << 20);
    write(&root.join("big/linked.bin"), 200_000);
    fs::hard_link(
        root.join("big/linked.bin"),
        root.join("small/also-linked.bin"),
    )
    .unwrap();
    for i in 0..50 {
        write(&root.join(format!("small/a/f{i}.txt")), 100 + i * 37);
    }
    write(&root.join("small/a/b/c/leaf"), 5000);
    // Sparse: 8 MiB apparent, one 4 KiB block written.
    let sparse = fs::File::create(root.join("small/sparse.img")).unwrap();
    sparse.set_len(8 << 20).unwrap();
    std::os::unix::fs::FileExt::write_at(&sparse, &[1u8; 4096], 0).unwrap();
    sparse.sync_all().unwrap();
    symlink("big/linked.bin", root.join("link-to-file")).unwrap();
    symlink("small", root.join("link-to-dir")).unwrap();
    symlink("nowhere/at/all", root.join("dangling")).unwrap();
    write(&root.join("locked/inside/secret"), 70_000);
    fs::set_permissions(root.join("locked"), fs::Permissions::from_mode(0o000)).unwrap();
}

/// `du -s FLAGS DIR`: the first number.
fn du(flags: &str, dir: &Path) -> u64 {
    let out = Command::new("du")
        .arg(flags)
        .arg(dir)
        .stderr(Stdio::null())
        .output()
        .expect("coreutils du is installed");
    String::from_utf8_lossy(&out.stdout)
        .split_whitespace()
        .next()
        .unwrap()
        .parse()
        .unwrap()
}

/// Runs `oncall disk usage ARGS --json` on a tree whose allocation holds still around the
/// run: ext4's delayed allocation and preallocation trimming can change `st_blocks` for a
/// while after the files were written and synced, on a busy machine for longer. The tree is
/// synced, then `du` is read before and after oncall; a run with a change between them is
/// taken again (bounded), so oncall and `du` are compared on the same allocation.
fn usage_json_settled(root: &Path, args: &[&str]) -> (serde_json::Value, u64) {
    let _ = Command::new("sync").arg("-f").arg(root).status();
    let dir = root.to_str().unwrap();
    let mut argv = vec!["disk", "usage", dir, "--json"];
    argv.extend_from_slice(args);
    for _ in 0..20 {
        let before = du("-sB1", root);
        let doc = stdout_json(&argv);
        if du("-sB1", root) == before {
            return (doc, before);
        }
        std::thread::sleep(std::time::Duration::from_millis(100));
    }
    panic!("the allocation of {dir} kept changing for 20 runs");
}

fn count(dir: &Path, find_args: &[&str]) -> u64 {
    let out = Command::new("find")
        .arg(dir)
        .args(find_args)
        .stderr(Stdio::null())
        .output()
        .unwrap();
    String::from_utf8_lossy(&out.stdout).lines().count() as u64
}

fn unlock(root: &Path) {
    let _ = fs::set_permissions(root.join("locked"), fs::Permissions::from_mode(0o755));
}

#[test]
fn totals_match_du_allocated_and_apparent() {
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path().join("tree");
    make_tree(&root);
    let dir = root.to_str().unwrap();
    let (doc, allocated) = usage_json_settled(&root, &[]);
    let apparent = du("-sb", &root);
    let files = count(&root, &["!", "-type", "d"]);
    let dirs = count(&root, &["-type", "d"]);
    unlock(&root);
    assert_eq!(doc["path"], dir);
    assert_eq!(
        doc["allocated_bytes"].as_u64(),
        Some(allocated),
        "du -sB1: {doc}"
    );
    assert_eq!(
        doc["apparent_bytes"].as_u64(),
        Some(apparent),
        "du -sb: {doc}"
    );
    // find lists both names of the hard link; we count the file once.
    assert_eq!(doc["files"].as_u64(), Some(files - 1), "{doc}");
    assert_eq!(doc["dirs"].as_u64(), Some(dirs), "{doc}");
    assert_eq!(doc["hard_links_skipped"], 1);
    if is_root() {
        // chmod 000 does not stop root: the directory is read like any other, and du agrees.
        eprintln!(
            "running as root: locked/ is readable, the unreadable-directory count is not exercised"
        );
        assert_eq!(doc["unreadable_dirs"], 0);
    } else {
        assert_eq!(doc["unreadable_dirs"], 1, "{doc}");
        assert!(doc["unreadable_examples"][0]
            .as_str()
            .unwrap()
            .ends_with("/locked"));
    }
}

#[test]
fn largest_lists_directories_then_files_by_allocated_size() {
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path().join("tree");
    make_tree(&root);
    let (doc, _) = usage_json_settled(&root, &["--top", "2"]);
    let big = du("-sB1", &root.join("big"));
    unlock(&root);
    let largest = doc["largest"].as_array().unwrap();
    let kinds: Vec<&str> = largest
        .iter()
        .map(|l| l["kind"].as_str().unwrap())
        .collect();
    assert_eq!(kinds, ["dir", "dir", "file", "file"], "{doc}");
    let first_dir = largest[0]["path"].as_str().unwrap();
    assert!(first_dir.ends_with("/big"), "{first_dir}");
    // big/ holds huge.bin and the first name of the hard-linked file; du -sB1 big/ agrees.
    // (read just after a run around which the whole tree's allocation held still)
    assert_eq!(largest[0]["allocated_bytes"].as_u64(), Some(big), "{doc}");
    assert!(largest[2]["path"].as_str().unwrap().ends_with("huge.bin"));
    // The sparse file is big in apparent size only: not among the two largest allocated.
    assert!(largest
        .iter()
        .all(|l| !l["path"].as_str().unwrap().ends_with("sparse.img")));
    for l in largest {
        assert!(l["allocated_bytes"].is_u64() && l["path"].is_string());
    }
}

#[test]
fn table_summary_and_hint() {
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path().join("tree");
    make_tree(&root);
    let out = oncall()
        .args(["disk", "usage", root.to_str().unwrap()])
        .assert()
        .success();
    unlock(&root);
    let text = String::from_utf8_lossy(&out.get_output().stdout).to_string();
    assert!(text.contains("on disk"), "{text}");
    assert!(text.contains("Largest files"), "{text}");
    assert!(text.contains("hint: same as: du -xsh"), "{text}");
}

#[test]
fn a_missing_path_is_a_usage_error() {
    let out = oncall()
        .args(["disk", "usage", "/no/such/dir/here"])
        .assert()
        .code(2)
        .stdout("");
    let err = String::from_utf8_lossy(&out.get_output().stderr).to_string();
    assert!(err.starts_with("oncall: /no/such/dir/here: "), "{err}");
    assert_eq!(err.lines().count(), 1);
}

#[test]
fn ctrl_c_ends_a_walk_with_130() {
    // The whole filesystem tree (with /proc and /sys) takes seconds to walk: time to interrupt it.
    let bin = assert_cmd::cargo::cargo_bin("oncall");
    let child = Command::new(bin)
        .args(["disk", "usage", "/", "--json"])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    // Wait until its SIGINT handler is installed (SigCgt bit 2 in /proc/PID/status), so the
    // signal tests the handler, not the default action. Polling, not a timed pause.
    let status = format!("/proc/{}/status", child.id());
    loop {
        let text = std::fs::read_to_string(&status).unwrap_or_default();
        let caught = text
            .lines()
            .find_map(|l| l.strip_prefix("SigCgt:"))
            .and_then(|m| u64::from_str_radix(m.trim(), 16).ok())
            .unwrap_or(0);
        if caught & 0x2 != 0 {
            break;
        }
        assert!(
            !text.is_empty(),
            "the walk ended before its handler was seen"
        );
        std::thread::sleep(std::time::Duration::from_millis(5));
    }
    rustix::process::kill_process(
        rustix::process::Pid::from_raw(child.id() as i32).unwrap(),
        rustix::process::Signal::INT,
    )
    .unwrap();
    let out = child.wait_with_output().unwrap();
    assert_eq!(out.status.code(), Some(130), "{out:?}");
    assert!(out.stdout.is_empty(), "no half report");
    assert_eq!(
        String::from_utf8_lossy(&out.stderr).trim(),
        "oncall: interrupted"
    );
}

#[test]
fn one_file_system_stops_at_a_mount_as_du_x_does() {
    if !is_root() {
        eprintln!("not root: cannot mount a tmpfs to test -x; skipped");
        return;
    }
    let tmp = tempfile::tempdir().unwrap();
    let sub = tmp.path().join("other-fs");
    fs::create_dir(&sub).unwrap();
    let mounted = Command::new("mount")
        .args(["-t", "tmpfs", "-o", "size=8m", "oncall-test"])
        .arg(&sub)
        .status()
        .is_ok_and(|s| s.success());
    if !mounted {
        eprintln!("mount -t tmpfs refused here (a restricted container?): -x not tested");
        return;
    }
    write(&sub.join("on-tmpfs.bin"), 2 << 20);
    let dir = tmp.path().to_str().unwrap();
    let x = stdout_json(&["disk", "usage", "-x", dir, "--json"]);
    let all = stdout_json(&["disk", "usage", dir, "--json"]);
    let du_x = du("-sxB1", tmp.path());
    let du_all = du("-sB1", tmp.path());
    let _ = Command::new("umount").arg(&sub).status();
    assert_eq!(x["allocated_bytes"].as_u64(), Some(du_x), "{x}");
    assert_eq!(all["allocated_bytes"].as_u64(), Some(du_all), "{all}");
    assert!(du_all > du_x + (1 << 20));
}

#[test]
fn a_file_name_with_control_characters_stays_on_one_row() {
    // File names may hold newlines and escape sequences; the table shows them as '?'
    // (as ls does) so a row stays a row and the terminal is not driven by a name.
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path().join("tree");
    fs::create_dir_all(&root).unwrap();
    write(&root.join("new\nline\x1b[2J.bin"), 1 << 20);
    let out = oncall()
        .args(["disk", "usage", root.to_str().unwrap(), "--top", "3"])
        .assert()
        .success();
    let text = String::from_utf8_lossy(&out.get_output().stdout).to_string();
    assert!(!text.contains('\x1b'), "{text:?}");
    let rows: Vec<&str> = text.lines().filter(|l| l.contains(".bin")).collect();
    assert_eq!(rows.len(), 1, "{text}");
    assert!(rows[0].ends_with("/new?line?[2J.bin"), "{text}");
    let doc = stdout_json(&["disk", "usage", root.to_str().unwrap(), "--json"]);
    let file = doc["largest"]
        .as_array()
        .unwrap()
        .iter()
        .find(|l| l["kind"] == "file")
        .unwrap();
    assert!(file["path"]
        .as_str()
        .unwrap()
        .ends_with("/new\nline\x1b[2J.bin"));
}

#[test]
fn on_a_terminal_a_walk_stuck_on_a_dead_mount_shows_progress_and_ctrl_c_ends_it() {
    // PATH holds a directory and a mount that never answers (support::hung_mount): the walk
    // blocks in the kernel. On a terminal (script(1) gives it a pty) the progress line
    // appears after a second, and SIGINT (timeout -s INT, as Ctrl-C) ends it with 130
    // although a walker thread is still stuck.
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path().join("tree");
    fs::create_dir_all(root.join("dead")).unwrap();
    fs::create_dir_all(root.join("fine")).unwrap();
    write(&root.join("fine/file"), 10_000);
    let bin = assert_cmd::cargo::cargo_bin("oncall");
    let inner = format!(
        "timeout --preserve-status -s INT 2.5 {} disk usage {}",
        bin.display(),
        root.display()
    );
    let Some(out) = support::hung_mount(
        "deadsrv:/export",
        &root.join("dead"),
        &["script", "-qec", &inner, "/dev/null"],
    ) else {
        return;
    };
    let text = String::from_utf8_lossy(&out.stdout).to_string();
    assert_eq!(out.status.code(), Some(130), "{text:?}");
    assert!(
        text.contains("\r\x1b[Kscanned "),
        "no progress line: {text:?}"
    );
    assert!(text.contains("oncall: interrupted"), "{text:?}");
}
