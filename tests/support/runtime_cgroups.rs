//! Cgroups at the exact paths container runtimes, kubelet and systemd give them
//! (`/docker/<id>`, `/kubepods.slice/…/cri-containerd-<id>.scope`, `/system.slice/x.service`),
//! made in every hierarchy oncall reads (v2, or v1's memory, cpu and cpuacct), with real
//! processes in them. On drop the processes are killed and the directories this guard made
//! are removed, deepest first; a shared parent (`kubepods.slice`) goes only once empty.

use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicU32, Ordering};
use std::time::{Duration, Instant, SystemTime};

const ROOT: &str = "/sys/fs/cgroup";

/// Every directory any guard of this test binary made: a shared parent (`/docker`) made by
/// one guard is removed by whichever guard ends last, once it is empty.
static MADE: std::sync::Mutex<Vec<PathBuf>> = std::sync::Mutex::new(Vec::new());

pub struct RuntimeCgroup {
    /// As `/proc/PID/cgroup` names it.
    pub path: String,
    /// The group's directory in each hierarchy (memory's first under v1).
    pub dirs: Vec<PathBuf>,
    /// Directories this guard made, in creation order.
    made: Vec<PathBuf>,
    children: Vec<Child>,
    pub version: u8,
}

/// 64 hex digits no other test (nor another run) uses.
pub fn unique_id() -> String {
    unique_hex(64)
}

/// A pod UID (8-4-4-4-12) no other test uses.
pub fn unique_uid() -> String {
    let h = unique_hex(32);
    format!(
        "{}-{}-{}-{}-{}",
        &h[..8],
        &h[8..12],
        &h[12..16],
        &h[16..20],
        &h[20..]
    )
}

/// A short unique marker for names (`web-<marker>`).
pub fn unique_marker() -> String {
    unique_hex(10)
}

fn unique_hex(len: usize) -> String {
    static N: AtomicU32 = AtomicU32::new(0);
    let nanos = SystemTime::now()
        .duration_since(SystemTime::UNIX_EPOCH)
        .unwrap()
        .as_nanos();
    let seed = format!(
        "{}-{}-{nanos}",
        std::process::id(),
        N.fetch_add(1, Ordering::Relaxed)
    );
    // FNV-1a, stretched: uniqueness, not secrecy.
    let mut out = String::new();
    let mut h: u64 = 0xcbf29ce484222325;
    while out.len() < len {
        for b in seed.bytes().chain(out.clone().into_bytes()) {
            h ^= u64::from(b);
            h = h.wrapping_mul(0x100000001b3);
        }
        out.push_str(&format!("{h:016x}"));
    }
    out.truncate(len);
    out
}

impl RuntimeCgroup {
    /// The group at `path` (e.g. `/docker/<id>`), with an optional memory limit and CPU quota
    /// (percent of one CPU). `None` (with the reason) where cgroups cannot be made here,
    /// except under CI, where they must.
    pub fn new(
        path: &str,
        memory_limit: Option<u64>,
        cpu_quota_percent: Option<u32>,
    ) -> Option<Self> {
        let v2 = std::path::Path::new(ROOT)
            .join("cgroup.controllers")
            .exists();
        let mut cg = RuntimeCgroup {
            path: path.to_string(),
            dirs: Vec::new(),
            made: Vec::new(),
            children: Vec::new(),
            version: if v2 { 2 } else { 1 },
        };
        let result = if v2 {
            cg.make_v2(memory_limit, cpu_quota_percent)
        } else {
            cg.make_v1(memory_limit, cpu_quota_percent)
        };
        match result {
            Ok(()) => Some(cg),
            Err(why) => {
                assert!(
                    std::env::var_os("CI").is_none(),
                    "under CI the runtime cgroup tests must run (root, writable cgroupfs): {why}"
                );
                eprintln!("skipped: cannot make {path}: {why}");
                None
            }
        }
    }

    fn make_v1(&mut self, memory: Option<u64>, cpu: Option<u32>) -> Result<(), String> {
        for controller in ["memory", "cpu", "cpuacct"] {
            let base = PathBuf::from(ROOT).join(controller);
            if !base.is_dir() {
                continue;
            }
            let dir = self.make_dirs(&base)?;
            self.dirs.push(dir);
        }
        if self.dirs.is_empty() {
            return Err("no v1 memory, cpu or cpuacct hierarchy".into());
        }
        let mem = &self.dirs[0];
        if let Some(bytes) = memory {
            write(&mem.join("memory.limit_in_bytes"), &bytes.to_string())?;
        }
        if let Some(pct) = cpu {
            let cpu_dir = PathBuf::from(ROOT)
                .join("cpu")
                .join(self.path.trim_start_matches('/'));
            write(&cpu_dir.join("cpu.cfs_period_us"), "100000")?;
            write(&cpu_dir.join("cpu.cfs_quota_us"), &(1000 * pct).to_string())?;
        }
        Ok(())
    }

    fn make_v2(&mut self, memory: Option<u64>, cpu: Option<u32>) -> Result<(), String> {
        // Every level above the group hands memory and cpu down.
        let mut dir = PathBuf::from(ROOT);
        let segments: Vec<String> = self
            .path
            .split('/')
            .filter(|s| !s.is_empty())
            .map(str::to_string)
            .collect();
        for seg in &segments {
            write(&dir.join("cgroup.subtree_control"), "+memory +cpu").ok();
            dir = dir.join(seg);
            self.mkdir(&dir)?;
        }
        if let Some(bytes) = memory {
            write(&dir.join("memory.max"), &bytes.to_string())?;
        }
        if let Some(pct) = cpu {
            write(&dir.join("cpu.max"), &format!("{} 100000", 1000 * pct))?;
        }
        self.dirs.push(dir);
        Ok(())
    }

    /// The group's directories below `base`, made level by level (a shared parent that another
    /// test's guard removes meanwhile is made again).
    fn make_dirs(&mut self, base: &std::path::Path) -> Result<PathBuf, String> {
        let mut dir = base.to_path_buf();
        let path = self.path.clone();
        for seg in path.split('/').filter(|s| !s.is_empty()) {
            dir = dir.join(seg);
            self.mkdir(&dir)?;
        }
        Ok(dir)
    }

    fn mkdir(&mut self, dir: &std::path::Path) -> Result<(), String> {
        for _ in 0..20 {
            match std::fs::create_dir(dir) {
                Ok(()) => {
                    self.made.push(dir.to_path_buf());
                    MADE.lock().unwrap().push(dir.to_path_buf());
                    return Ok(());
                }
                Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => return Ok(()),
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                    // The parent went (another guard's cleanup): make it again.
                    if let Some(parent) = dir.parent() {
                        let _ = std::fs::create_dir_all(parent);
                    }
                }
                Err(e) => return Err(format!("{}: {e}", dir.display())),
            }
        }
        Err(format!("{}: parent kept vanishing", dir.display()))
    }

    /// Starts `sh -c SCRIPT` inside the group (it joins every hierarchy, then runs the
    /// script); returns its pid.
    pub fn spawn(&mut self, script: &str) -> i32 {
        let joins: Vec<String> = self
            .dirs
            .iter()
            .map(|d| format!("echo $$ > '{}/cgroup.procs' || exit 96", d.display()))
            .collect();
        let child = Command::new("sh")
            .arg("-c")
            .arg(format!("{}\n{script}", joins.join("\n")))
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("start sh");
        let pid = child.id() as i32;
        self.children.push(child);
        self.wait_member(pid);
        pid
    }

    /// A `sleep` inside the group.
    pub fn sleeper(&mut self) -> i32 {
        self.spawn("exec sleep 600")
    }

    /// Bounded poll until `pid` is listed in the group (the shell has joined).
    fn wait_member(&self, pid: i32) {
        let deadline = Instant::now() + Duration::from_secs(10);
        let file = self.dirs.last().unwrap().join("cgroup.procs");
        while Instant::now() < deadline {
            let procs = std::fs::read_to_string(&file).unwrap_or_default();
            if procs.lines().any(|l| l.trim() == pid.to_string()) {
                return;
            }
            std::thread::sleep(Duration::from_millis(10));
        }
        panic!("pid {pid} did not join {}", file.display());
    }

    /// A file of the group's memory (v1) or only (v2) directory.
    pub fn read(&self, file: &str) -> String {
        let dir = self
            .dirs
            .iter()
            .find(|d| d.join(file).exists())
            .unwrap_or_else(|| panic!("{file} in none of {:?}", self.dirs));
        std::fs::read_to_string(dir.join(file)).unwrap()
    }

    pub fn read_u64(&self, file: &str) -> u64 {
        self.read(file).trim().parse().unwrap()
    }
}

fn write(path: &std::path::Path, text: &str) -> Result<(), String> {
    std::fs::write(path, text).map_err(|e| format!("{}: {e}", path.display()))
}

impl Drop for RuntimeCgroup {
    fn drop(&mut self) {
        for c in &mut self.children {
            let _ = c.kill();
            let _ = c.wait();
        }
        let deadline = Instant::now() + Duration::from_secs(10);
        // Anything else that joined (a forked child) is killed too, then the directories go.
        for dir in &self.dirs {
            loop {
                let procs = std::fs::read_to_string(dir.join("cgroup.procs")).unwrap_or_default();
                let pids: Vec<i32> = procs.lines().filter_map(|l| l.parse().ok()).collect();
                if pids.is_empty() || Instant::now() > deadline {
                    break;
                }
                for pid in pids.into_iter().filter_map(rustix::process::Pid::from_raw) {
                    let _ = rustix::process::kill_process(pid, rustix::process::Signal::KILL);
                }
                std::thread::sleep(Duration::from_millis(20));
            }
        }
        // Deepest first; a shared parent still holding another test's group stays (EBUSY)
        // for the guard that ends last.
        for dir in self.made.iter().rev() {
            let _ = std::fs::remove_dir(dir);
        }
        let mut made = MADE.lock().unwrap();
        made.sort_by_key(|d| std::cmp::Reverse(d.components().count()));
        // Only this group's ancestors: another test's new group may be empty a moment yet.
        let mine = |d: &PathBuf| self.dirs.iter().any(|own| own.starts_with(d) && own != d);
        made.retain(|d| !mine(d) || (std::fs::remove_dir(d).is_err() && d.exists()));
    }
}
