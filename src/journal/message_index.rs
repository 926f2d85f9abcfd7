//! A MESSAGE test (grep) answered through the file's own index instead of entry by entry:
//! a journal file stores each distinct `MESSAGE=…` once, as a DATA object, and the MESSAGE
//! FIELD object chains all of them (`head_data_offset`, then each DATA's
//! `next_field_offset`). So the test runs once per distinct message (inflating each
//! compressed one once), and the entries of the messages that pass come from those DATA
//! objects' own entry lists: the entries whose message fails are never touched.
//!
//! journalctl -g tests an entry's *first* MESSAGE (`sd_journal_get_data`); an entry with
//! two can be listed under a passing second one. So every candidate is checked again by
//! its first MESSAGE item — by offset, in two bitmaps over the file's DATA offsets, without
//! reading any DATA object.
//!
//! Any damage on the way (a chain that does not run backwards through the file, a DATA
//! object that is not a MESSAGE, an entry list cut short) gives None: the caller then tests
//! entry by entry, which reports the damage where it is.

use super::boots::field_head_data;
use super::file::JournalFile;
use super::object::{self, Data};
use super::payload;

/// One bit per 8-byte-aligned offset of the file.
struct Bitmap(Vec<u64>);

impl Bitmap {
    fn new(file_len: u64) -> Bitmap {
        Bitmap(vec![0; (file_len / 8 / 64 + 1) as usize])
    }
    fn set(&mut self, offset: u64) {
        let i = offset / 8;
        if let Some(w) = self.0.get_mut((i / 64) as usize) {
            *w |= 1 << (i % 64);
        }
    }
    fn get(&self, offset: u64) -> bool {
        let i = offset / 8;
        self.0
            .get((i / 64) as usize)
            .is_some_and(|w| w & (1 << (i % 64)) != 0)
    }
}

pub struct MessageIndex {
    /// The entries listed under a passing MESSAGE, in file order, each once.
    pub candidates: Vec<u64>,
    /// Offsets of every MESSAGE DATA object, and of those that passed.
    message: Bitmap,
    passing: Bitmap,
}

impl MessageIndex {
    /// Runs `test` on each distinct MESSAGE value of `file` (the value, without `MESSAGE=`).
    /// None: the index could not be followed to its end (see the module comment).
    pub fn build(file: &JournalFile, test: &dyn Fn(&[u8]) -> bool) -> Option<MessageIndex> {
        let b = file.bytes();
        let mut ix = MessageIndex {
            candidates: Vec::new(),
            message: Bitmap::new(b.file_len()),
            passing: Bitmap::new(b.file_len()),
        };
        let mut at = field_head_data(file, b"MESSAGE").ok()?.unwrap_or(0);
        // Values are put at the head of the chain as they are written, so each link lies
        // before the one that points to it: a damaged link cannot loop.
        let mut above = u64::MAX;
        while at != 0 {
            if at >= above {
                return None;
            }
            let data = Data::read(&b, at).ok()?;
            let raw = data.raw_payload(&b).ok()?;
            let plain = payload::decode(&data, raw).ok()?;
            let value = plain.strip_prefix(b"MESSAGE=")?;
            ix.message.set(at);
            if test(value) {
                ix.passing.set(at);
                let (list, problem) = file.data_entries(&data);
                if problem.is_some() {
                    return None;
                }
                ix.candidates.extend_from_slice(&list);
            }
            above = at;
            at = b.u64_at(at + 32).ok()?;
        }
        ix.candidates.sort_unstable();
        ix.candidates.dedup();
        Some(ix)
    }

    /// Whether the entry's first MESSAGE is one that passed (an entry without MESSAGE
    /// never passes, as journalctl -g).
    pub fn first_message_passes(&self, file: &JournalFile, entry: u64) -> bool {
        let mut verdict = false;
        let _ = object::for_each_entry_item(&file.bytes(), entry, |data| {
            if self.message.get(data) {
                verdict = self.passing.get(data);
                return false;
            }
            true
        });
        verdict
    }
}
