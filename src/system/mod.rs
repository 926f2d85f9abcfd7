//! Read-only collectors of this host's state, straight from `/proc`, `/sys` and system calls.
//! Each returns plain data (serde `Serialize`); none prints. Kept a plain list of modules.

pub mod cgroup;
pub mod containers;
pub mod deleted;
pub mod disks;
pub mod host_counters;
pub mod interrupt;
pub mod kernel_log;
pub mod kernel_ring;
pub mod memory;
pub mod net_stats;
pub mod pressure;
pub mod proc_text;
pub mod process_select;
pub mod processes;
pub mod ps_report;
pub mod sockets;
pub mod timestamps;
pub mod usage;
pub mod users;
