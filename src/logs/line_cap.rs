//! The longest line the logs commands keep in memory.

/// Bytes of one line kept; the rest of a longer line is skipped (and the cut is said). Real
/// log lines are far shorter (a Java stack trace on one line is tens of KiB); 1 MiB keeps every
/// real line whole while an endless line (`/dev/zero`, a writer that never ends a line) costs
/// bounded memory: a few of these per open file, not the whole stream.
pub const MAX_LINE_BYTES: usize = 1 << 20;
