pub mod net_stats;
pub mod sockets;
pub mod host_counters;
