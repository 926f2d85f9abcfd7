//! Logs: finding them (rotated sets, compressed members), searching them with ripgrep's
//! libraries, reading their timestamps and levels, following them across rotation, and
//! grouping error lines by signature. Nothing here prints: lines go to sinks that the
//! renderers implement.

pub mod capped_reader;
pub mod container_files;
pub mod container_formats;
pub mod container_stream;
pub mod container_tail;
pub mod cri_direct;
pub mod fields;
pub mod follow;
pub mod last_lines;
pub mod levels;
pub mod line_cap;
pub mod local_zone;
pub mod mapped;
pub mod matcher;
pub mod message_matcher;
pub mod search;
pub mod signatures;
pub mod sources;
pub mod time_range;
pub mod timestamps;
