//! Containers, pods and systemd units: which one a process runs in (its cgroup path), the
//! names the host's runtime files give them, and each group's own cgroup counters.

pub mod census;
pub mod groups;
pub mod hierarchy;
pub mod identity;
pub mod inside;
pub mod names;
pub mod oom_log;
pub mod placement;
