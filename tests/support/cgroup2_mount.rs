//! A real cgroup2 hierarchy on a host that binds every controller to v1: mounted in a private
//! mount namespace held by one `sleep` (the host's mount table never sees it), reached from
//! the test through `/proc/HOLDER/root`, and oncall run inside that namespace with `nsenter`,
//! so it finds the hierarchy through its own `/proc/self/mountinfo` as on a real hybrid host.
//! The groups are the kernel's one v2 tree (a host that already mounts it, at
//! `/sys/fs/cgroup/unified`, sees them there too). That tree has no memory or cpu controller
//! here, but every group has `cgroup.procs`, `cpu.stat` (usage) and the PSI files.
//!
//! On drop: the processes are killed (`cgroup.kill`, then each pid), the directories this
//! guard made removed deepest first (a shared parent only once empty), then the holder.

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// Every directory any guard of this test binary made: a shared parent (`/system.slice`) made
/// by one guard is removed by whichever guard ends last, once it is empty.
static MADE: std::sync::Mutex<Vec<String>> = std::sync::Mutex::new(Vec::new());

pub struct Cgroup2 {
    holder: Child,
    /// The mount point, as paths inside the namespace name it.
    mount: PathBuf,
    _dir: tempfile::TempDir,
    made: Vec<String>,
    /// The groups `spawn` put processes in (the only ones `cgroup.kill` is written to: it
    /// kills a whole subtree, and a shared parent's holds other tests' processes).
    used: Vec<String>,
    children: Vec<Child>,
}

impl Cgroup2 {
    /// `None` (with the reason printed) where unshare or the mount is refused, except under CI.
    pub fn mount() -> Option<Cgroup2> {
        match Cgroup2::try_mount() {
            Ok(m) => Some(m),
            Err(why) => {
                assert!(
                    std::env::var_os("CI").is_none(),
                    "under CI the cgroup2 tests must run (root, unshare, mount -t cgroup2): {why}"
                );
                eprintln!("skipped: no private cgroup2 mount here: {why}");
                None
            }
        }
    }

    fn try_mount() -> Result<Cgroup2, String> {
        let dir = tempfile::tempdir().map_err(|e| e.to_string())?;
        let mount = dir.path().join("cg2");
        std::fs::create_dir(&mount).map_err(|e| e.to_string())?;
        // unshare execs sh in place (no --fork): the child's pid is the namespace's holder.
        let mut holder = Command::new("unshare")
            .args(["--mount", "--propagation", "private", "sh", "-c"])
            .arg(format!(
                "mount -t cgroup2 none '{}' || exit 97\nexec sleep 3600",
                mount.display()
            ))
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .map_err(|e| format!("unshare: {e}"))?;
        let deadline = Instant::now() + Duration::from_secs(10);
        let probe = PathBuf::from(format!("/proc/{}/root", holder.id()))
            .join(mount.strip_prefix("/").unwrap())
            .join("cgroup.procs");
        loop {
            if let Some(status) = holder.try_wait().map_err(|e| e.to_string())? {
                let mut err = String::new();
                use std::io::Read;
                let _ = holder.stderr.take().unwrap().read_to_string(&mut err);
                return Err(format!("unshare/mount ended {status}: {}", err.trim()));
            }
            if probe.exists() {
                break;
            }
            if Instant::now() > deadline {
                let _ = holder.kill();
                let _ = holder.wait();
                return Err("the cgroup2 mount did not appear in 10 s".into());
            }
            std::thread::sleep(Duration::from_millis(10));
        }
        Ok(Cgroup2 {
            holder,
            mount,
            _dir: dir,
            made: Vec::new(),
            used: Vec::new(),
            children: Vec::new(),
        })
    }

    /// A path inside the hierarchy (`/system.slice/x.scope`), as the test reaches it.
    pub fn dir(&self, path: &str) -> PathBuf {
        PathBuf::from(format!("/proc/{}/root", self.holder.id()))
            .join(self.mount.strip_prefix("/").unwrap())
            .join(path.trim_start_matches('/'))
    }

    /// Makes the group at `path` level by level (a shared parent another guard removes
    /// meanwhile is made again).
    pub fn make(&mut self, path: &str) {
        let mut rel = String::new();
        for seg in path.split('/').filter(|s| !s.is_empty()) {
            rel.push('/');
            rel.push_str(seg);
            let dir = self.dir(&rel);
            let mut tries = 0;
            loop {
                match std::fs::create_dir(&dir) {
                    Ok(()) => {
                        self.made.push(rel.clone());
                        MADE.lock().unwrap().push(rel.clone());
                        break;
                    }
                    Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => break,
                    Err(e) if e.kind() == std::io::ErrorKind::NotFound && tries < 20 => {
                        // Another guard removed the parent meanwhile: make this path again.
                        tries += 1;
                        self.make(rel.rsplit_once('/').unwrap().0);
                    }
                    Err(e) => panic!("{}: {e}", dir.display()),
                }
            }
        }
    }

    /// Starts `sh -c SCRIPT` after it joined the group at `path` (and `also`: v1 group
    /// directories it joins first, for a hybrid membership); returns its pid.
    pub fn spawn(&mut self, path: &str, also: &[PathBuf], script: &str) -> u32 {
        let mut joins: Vec<String> = also
            .iter()
            .map(|d| format!("echo $$ > '{}/cgroup.procs' || exit 96", d.display()))
            .collect();
        let procs = self.dir(path).join("cgroup.procs");
        joins.push(format!("echo $$ > '{}' || exit 96", procs.display()));
        let child = Command::new("sh")
            .arg("-c")
            .arg(format!("{}\n{script}", joins.join("\n")))
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("start sh");
        let pid = child.id();
        self.children.push(child);
        self.used.push(path.to_string());
        let deadline = Instant::now() + Duration::from_secs(10);
        while !self.pids(path).contains(&pid) {
            assert!(Instant::now() < deadline, "pid {pid} did not join {path}");
            std::thread::sleep(Duration::from_millis(10));
        }
        pid
    }

    pub fn pids(&self, path: &str) -> Vec<u32> {
        std::fs::read_to_string(self.dir(path).join("cgroup.procs"))
            .unwrap_or_default()
            .lines()
            .filter_map(|l| l.trim().parse().ok())
            .collect()
    }

    pub fn read(&self, path: &str, file: &str) -> String {
        let f = self.dir(path).join(file);
        std::fs::read_to_string(&f).unwrap_or_else(|e| panic!("{}: {e}", f.display()))
    }

    /// `key N` of the group's flat-keyed file (`cpu.stat` usage_usec).
    pub fn key(&self, path: &str, file: &str, key: &str) -> u64 {
        let text = self.read(path, file);
        text.lines()
            .find_map(|l| l.strip_prefix(key)?.strip_prefix(' ')?.trim().parse().ok())
            .unwrap_or_else(|| panic!("no {key} in {file}: {text}"))
    }

    /// The oncall binary, run inside the namespace (which sees the cgroup2 mount).
    pub fn oncall(&self) -> Command {
        let mut cmd = Command::new("nsenter");
        cmd.arg(format!("--mount=/proc/{}/ns/mnt", self.holder.id()))
            .arg("--")
            .arg(env!("CARGO_BIN_EXE_oncall"))
            .env_remove("NO_COLOR")
            .env_remove("CLICOLOR_FORCE")
            .env_remove("COLUMNS")
            .env("XDG_CONFIG_HOME", "/nonexistent/oncall-tests")
            .env("XDG_CACHE_HOME", "/nonexistent/oncall-tests")
            .env("HOME", "/nonexistent/oncall-tests");
        cmd
    }
}

/// Kills the group's own members (`cgroup.procs` lists no descendants' processes), and with
/// `subtree` its whole subtree (`cgroup.kill`, 5.14+: forked children too).
fn kill_members(dir: &Path, subtree: bool) {
    if subtree {
        let _ = std::fs::write(dir.join("cgroup.kill"), "1");
    }
    let procs = std::fs::read_to_string(dir.join("cgroup.procs")).unwrap_or_default();
    for pid in procs.lines().filter_map(|l| l.trim().parse::<i32>().ok()) {
        let _ = Command::new("kill").arg("-9").arg(pid.to_string()).status();
    }
}

impl Drop for Cgroup2 {
    fn drop(&mut self) {
        for c in &mut self.children {
            let _ = c.kill();
            let _ = c.wait();
        }
        for rel in &self.used {
            kill_members(&self.dir(rel), true);
        }
        let deadline = Instant::now() + Duration::from_secs(10);
        for rel in self.made.iter().rev() {
            let dir = self.dir(rel);
            loop {
                kill_members(&dir, false);
                match std::fs::remove_dir(&dir) {
                    Ok(()) => break,
                    Err(e) if e.kind() == std::io::ErrorKind::NotFound => break,
                    // A shared parent another test still uses (its own guard removes it).
                    Err(_)
                        if std::fs::read_dir(&dir)
                            .is_ok_and(|d| d.flatten().any(|e| e.path().is_dir())) =>
                    {
                        break
                    }
                    Err(_) if Instant::now() > deadline => break,
                    Err(_) => std::thread::sleep(Duration::from_millis(20)),
                }
            }
        }
        // Shared parents that are empty now (rmdir refuses a group with children), whichever
        // guard made them.
        let mut all = MADE.lock().unwrap();
        all.sort_by_key(|r| std::cmp::Reverse(r.matches('/').count()));
        all.retain(|rel| {
            // Only parents of this guard's groups: another test's own group, made a moment
            // ago and still empty, is not to be taken from under it.
            let prefix = format!("{rel}/");
            let ours = self.used.iter().chain(&self.made);
            if !ours.into_iter().any(|m| m.starts_with(&prefix)) {
                return true;
            }
            let gone = std::fs::remove_dir(self.dir(rel))
                .map_or_else(|e| e.kind() == std::io::ErrorKind::NotFound, |()| true);
            !gone
        });
        drop(all);
        let _ = self.holder.kill();
        let _ = self.holder.wait();
    }
}
