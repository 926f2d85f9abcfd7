pub mod net_stats;
pub mod sockets;
