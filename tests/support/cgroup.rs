//! A cgroup made for one test, with a memory limit and/or a CPU quota, under cgroup v2 or
//! the v1 memory and cpu hierarchies, whichever the machine runs. Removed on drop, after its
//! processes are killed.

use std::path::PathBuf;
use std::process::Command;
use std::sync::atomic::{AtomicU32, Ordering};
use std::time::{Duration, Instant};

pub struct TestCgroup {
    /// The cgroup's directories (one under v2; one per hierarchy under v1).
    dirs: Vec<PathBuf>,
    /// The name `/proc/self/cgroup` gives it: `/oncall-test-…`.
    pub path: String,
    pub version: u8,
}

const V2: &str = "/sys/fs/cgroup";
const PERIOD_US: u32 = 100_000;

impl TestCgroup {
    /// `None` (with the reason) where this machine does not let us make one (no root, a
    /// read-only cgroupfs in a container), except under CI, where it must.
    pub fn new(memory_limit: Option<u64>, cpu_quota_percent: Option<u32>) -> Option<TestCgroup> {
        static N: AtomicU32 = AtomicU32::new(0);
        let name = format!(
            "oncall-test-{}-{}",
            std::process::id(),
            N.fetch_add(1, Ordering::Relaxed)
        );
        let made = if std::path::Path::new(V2).join("cgroup.controllers").exists() {
            Self::make_v2(&name, memory_limit, cpu_quota_percent)
        } else {
            Self::make_v1(&name, memory_limit, cpu_quota_percent)
        };
        match made {
            Ok(cg) => Some(cg),
            Err(why) => {
                assert!(
                    std::env::var_os("CI").is_none(),
                    "under CI the cgroup tests must run (as root, writable cgroupfs): {why}"
                );
                eprintln!("skipped: cannot make a test cgroup here: {why}");
                None
            }
        }
    }

    fn make_v2(name: &str, memory: Option<u64>, cpu: Option<u32>) -> Result<TestCgroup, String> {
        let root = PathBuf::from(V2);
        let wanted: Vec<&str> = [memory.map(|_| "+memory"), cpu.map(|_| "+cpu")]
            .into_iter()
            .flatten()
            .collect();
        write(&root.join("cgroup.subtree_control"), &wanted.join(" "))?;
        let dir = root.join(name);
        std::fs::create_dir(&dir).map_err(|e| format!("{}: {e}", dir.display()))?;
        let cg = TestCgroup {
            dirs: vec![dir.clone()],
            path: format!("/{name}"),
            version: 2,
        };
        if let Some(bytes) = memory {
            write(&dir.join("memory.max"), &bytes.to_string())?;
            write(&dir.join("memory.swap.max"), "0").ok();
        }
        if let Some(pct) = cpu {
            write(
                &dir.join("cpu.max"),
                &format!("{} {PERIOD_US}", PERIOD_US / 100 * pct),
            )?;
            // The highest weight: on a busy machine the group still gets its whole quota, so
            // what limits it is the quota (throttling), not its share (a spinner at weight
            // 100 beside a build got 18 % of its periods throttled instead of nearly all).
            write(&dir.join("cpu.weight"), "10000").ok();
        }
        Ok(cg)
    }

    fn make_v1(name: &str, memory: Option<u64>, cpu: Option<u32>) -> Result<TestCgroup, String> {
        let mut cg = TestCgroup {
            dirs: Vec::new(),
            path: format!("/{name}"),
            version: 1,
        };
        if let Some(bytes) = memory {
            let dir = PathBuf::from(V2).join("memory").join(name);
            std::fs::create_dir(&dir).map_err(|e| format!("{}: {e}", dir.display()))?;
            cg.dirs.push(dir.clone());
            write(&dir.join("memory.limit_in_bytes"), &bytes.to_string())?;
        }
        if let Some(pct) = cpu {
            let dir = PathBuf::from(V2).join("cpu").join(name);
            std::fs::create_dir(&dir).map_err(|e| format!("{}: {e}", dir.display()))?;
            cg.dirs.push(dir.clone());
            write(&dir.join("cpu.cfs_period_us"), &PERIOD_US.to_string())?;
            write(
                &dir.join("cpu.cfs_quota_us"),
                &(PERIOD_US / 100 * pct).to_string(),
            )?;
            // The highest weight, as for v2: the quota, not the share, must limit the group.
            write(&dir.join("cpu.shares"), "262144").ok();
        }
        Ok(cg)
    }

    /// `program ARGS` started inside the cgroup: a shell joins it, then execs the program.
    pub fn command(&self, program: &std::path::Path, args: &[&str]) -> Command {
        let joins: Vec<String> = self
            .dirs
            .iter()
            .map(|d| format!("echo $$ > {}/cgroup.procs || exit 96", d.display()))
            .collect();
        let mut cmd = Command::new("sh");
        cmd.arg("-c")
            .arg(format!("{}\nexec \"$@\"", joins.join("\n")))
            .arg("sh")
            .arg(program)
            .args(args);
        cmd
    }

    /// The directory holding the memory (v1) or all (v2) controller files.
    pub fn dir(&self) -> &std::path::Path {
        &self.dirs[0]
    }
}

fn write(path: &std::path::Path, text: &str) -> Result<(), String> {
    std::fs::write(path, text).map_err(|e| format!("{}: {e}", path.display()))
}

impl Drop for TestCgroup {
    fn drop(&mut self) {
        // A cgroup can only be removed once empty: kill what the test left in it.
        let deadline = Instant::now() + Duration::from_secs(10);
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
            let _ = std::fs::remove_dir(dir);
        }
    }
}
