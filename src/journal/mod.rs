//! A native reader of systemd journal files (issue 10): no `journalctl` process, no
//! libsystemd. See ARCHITECTURE.md, "Journal".
//!
//! ```text
//! sources.rs  journalctl's default directories, --journal-dir, --journal-file globs
//!    ▼
//! reader.rs   per file, in parallel: file.rs (open, header.rs checks) → query.rs matches
//!             through the data hash table (hash.rs) and DATA entry lists (object.rs) →
//!             time bounds, MESSAGE regex → merge in journalctl's order → fields (payload.rs)
//! ```

pub mod boots;
pub mod context;
pub mod exercise;
pub mod field_values;
pub mod file;
pub mod hash;
pub mod header;
pub mod message_index;
pub mod object;
pub mod payload;
pub mod query;
pub mod reader;
pub mod selection;
pub mod sources;

pub use query::{Clause, Conjunction, Fields, Match, MessageFilter, Query};
pub use reader::{collect, search, search_new, Entry, FileStatus, Outcome, Seen};
