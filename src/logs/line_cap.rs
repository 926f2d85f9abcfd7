//! The longest line any logs command keeps. A log can hold a line without end (a device or a
//! stream of NUL bytes, a file of zeros after a crash, a minified JSON blob); without a cap a
//! buffered reader grows to the size of that line, so memory would have no bound. Longer
//! lines are cut here, the cut said on stderr.

/// 16 MiB: far above real log lines (multi-megabyte stack traces and JSON blobs still pass
/// whole), small enough that a few buffers of it stay well inside any machine.
pub const MAX_LINE_BYTES: usize = 16 * 1024 * 1024;
