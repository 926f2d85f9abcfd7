//! Whole-file searches read plain files through a memory map: a quarter faster than read()
//! here (no copy into a buffer; bench/logs.sh), and what lets `logs grep` keep up with
//! ripgrep. The danger of a map is a file truncated under it — logrotate's copytruncate, at
//! any hour — after which touching a page past the new end raises SIGBUS, which kills the
//! process (ripgrep dies so).
//!
//! Here each map is registered in a fixed table, and a SIGBUS handler that finds the faulting
//! address inside a registered map lays anonymous zero pages over the rest of that map (one
//! `mmap(MAP_FIXED)`, so one signal per truncation) and records the offset of the first lost
//! page. The search then reads zeros instead of dying; the sink stops at the recorded offset
//! and the caller says the file was truncated. A SIGBUS at any other address gets the default
//! action back and kills the process as it would have.

use std::fs::File;
use std::io;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::Once;

/// More than the searches that run at once (one per worker thread); when all are taken the
/// caller reads the file instead.
const SLOTS: usize = 64;
const NOT_CUT: usize = usize::MAX;

struct Slot {
    taken: AtomicBool,
    /// Start address of the map; 0 while the slot is being filled or emptied.
    start: AtomicUsize,
    len: AtomicUsize,
    /// Offset of the first page lost to a truncation; `NOT_CUT` when none was. The lowest
    /// wins: a look back (context lines) may fault below an earlier cut.
    cut: AtomicUsize,
}

#[allow(clippy::declare_interior_mutable_const)] // the array initialiser needs a const item
const EMPTY: Slot = Slot {
    taken: AtomicBool::new(false),
    start: AtomicUsize::new(0),
    len: AtomicUsize::new(0),
    cut: AtomicUsize::new(NOT_CUT),
};
static TABLE: [Slot; SLOTS] = [EMPTY; SLOTS];
static PAGE_SIZE: AtomicUsize = AtomicUsize::new(4096);
static INSTALL: Once = Once::new();

/// A file mapped for reading that survives being truncated under the map.
pub struct MappedLog {
    map: memmap2::Mmap,
    slot: usize,
}

impl MappedLog {
    /// Maps the first `len` bytes of `file`; `None` when every slot is in use or `len` is 0
    /// (the caller then reads the file).
    pub fn map(file: &File, len: u64) -> io::Result<Option<MappedLog>> {
        let Ok(len) = usize::try_from(len) else {
            return Ok(None);
        };
        if len == 0 {
            return Ok(None);
        }
        INSTALL.call_once(install_handler);
        let Some(slot) = (0..SLOTS).find(|&i| {
            TABLE[i]
                .taken
                .compare_exchange(false, true, Ordering::AcqRel, Ordering::Relaxed)
                .is_ok()
        }) else {
            return Ok(None);
        };
        // SAFETY: the map is read-only and private to this process. The one hazard, the file
        // shrinking under it, is caught by the SIGBUS handler below for registered maps.
        let map = match unsafe { memmap2::MmapOptions::new().len(len).map(file) } {
            Ok(map) => map,
            Err(e) => {
                TABLE[slot].taken.store(false, Ordering::Release);
                return Err(e);
            }
        };
        let _ = map.advise(memmap2::Advice::Sequential);
        let s = &TABLE[slot];
        s.cut.store(NOT_CUT, Ordering::Relaxed);
        s.len.store(len, Ordering::Relaxed);
        s.start.store(map.as_ptr() as usize, Ordering::Release);
        Ok(Some(MappedLog { map, slot }))
    }

    pub fn bytes(&self) -> &[u8] {
        &self.map
    }

    /// Where the file was found cut short during the search: bytes from here on were not
    /// read from the file (they read as zeros).
    pub fn truncated_at(&self) -> Option<u64> {
        match TABLE[self.slot].cut.load(Ordering::Acquire) {
            NOT_CUT => None,
            n => Some(n as u64),
        }
    }
}

impl Drop for MappedLog {
    fn drop(&mut self) {
        // Unregister before the map goes (the field drops after this body).
        let s = &TABLE[self.slot];
        s.start.store(0, Ordering::Release);
        s.taken.store(false, Ordering::Release);
    }
}

fn install_handler() {
    // SAFETY: sysconf has no preconditions.
    let page = unsafe { libc::sysconf(libc::_SC_PAGESIZE) };
    if page > 0 {
        PAGE_SIZE.store(page as usize, Ordering::Relaxed);
    }
    // SAFETY: a zeroed sigaction is valid; the handler is an extern "C" fn of the SA_SIGINFO
    // signature, and it only touches atomics and makes async-signal-safe system calls.
    unsafe {
        let mut sa: libc::sigaction = std::mem::zeroed();
        sa.sa_sigaction = on_sigbus as *const () as usize;
        sa.sa_flags = libc::SA_SIGINFO;
        libc::sigemptyset(&mut sa.sa_mask);
        libc::sigaction(libc::SIGBUS, &sa, std::ptr::null_mut());
    }
}

extern "C" fn on_sigbus(_: libc::c_int, info: *mut libc::siginfo_t, _: *mut libc::c_void) {
    // SAFETY: the kernel passes a valid siginfo for a SA_SIGINFO handler.
    let addr = unsafe { (*info).si_addr() } as usize;
    let page = PAGE_SIZE.load(Ordering::Relaxed);
    for s in &TABLE {
        let start = s.start.load(Ordering::Acquire);
        let len = s.len.load(Ordering::Relaxed);
        if start == 0 || addr < start || addr >= start + len {
            continue;
        }
        let from = addr & !(page - 1);
        let end = (start + len).div_ceil(page) * page;
        // SAFETY: [from, end) lies inside our own registered map (pages of it past the
        // file's new end); replacing them with anonymous zero pages is what makes the
        // faulting read succeed when the handler returns. A raw system call, safe here.
        let zeros = unsafe {
            libc::mmap(
                from as *mut libc::c_void,
                end - from,
                libc::PROT_READ,
                libc::MAP_PRIVATE | libc::MAP_ANONYMOUS | libc::MAP_FIXED,
                -1,
                0,
            )
        };
        if zeros != libc::MAP_FAILED {
            s.cut.fetch_min(from - start, Ordering::AcqRel);
            return;
        }
        break;
    }
    // Not one of ours (or the zero pages could not be laid): the default action, so that the
    // access faults again and the process ends as it would have without this handler.
    // SAFETY: resetting a disposition is async-signal-safe.
    unsafe {
        let mut sa: libc::sigaction = std::mem::zeroed();
        sa.sa_sigaction = libc::SIG_DFL;
        libc::sigaction(libc::SIGBUS, &sa, std::ptr::null_mut());
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write;

    #[test]
    fn a_file_truncated_under_the_map_reads_as_zeros_and_says_where() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("app.log");
        let mut f = File::create(&path).unwrap();
        let line = b"2026-11-27T10:00:00Z INFO a line of a log that will be cut\n";
        for _ in 0..20_000 {
            f.write_all(line).unwrap();
        }
        drop(f);
        let file = File::open(&path).unwrap();
        let len = file.metadata().unwrap().len();
        let mapped = MappedLog::map(&file, len).unwrap().unwrap();
        assert_eq!(mapped.bytes()[..line.len()], line[..]);
        // copytruncate: the file is emptied while it is mapped.
        File::options()
            .write(true)
            .open(&path)
            .unwrap()
            .set_len(0)
            .unwrap();
        // Without the handler this read would kill the test process with SIGBUS.
        let zeros = mapped.bytes().iter().filter(|b| **b == 0).count();
        assert_eq!(zeros as u64, len);
        assert_eq!(mapped.truncated_at(), Some(0));
    }

    #[test]
    fn an_untouched_file_is_not_reported_cut() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("app.log");
        std::fs::write(&path, b"one\ntwo\n").unwrap();
        let file = File::open(&path).unwrap();
        let mapped = MappedLog::map(&file, 8).unwrap().unwrap();
        assert_eq!(mapped.bytes(), b"one\ntwo\n");
        assert_eq!(mapped.truncated_at(), None);
        assert!(MappedLog::map(&file, 0).unwrap().is_none());
    }
}
