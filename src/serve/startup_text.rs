//! Lets go of the binary's pages that only start-up used. One binary carries the whole CLI,
//! so start-up (clap's command tree, config and YAML parsing, TLS set-up, the first triage
//! window's one-off reads) touches code and read-only data a serving exporter never runs
//! again, and with the kernel's fault-around each touch maps 64 KiB. Those pages stay in the
//! process's resident set for its life: measured, ~1.4 MiB of a 11.6 MiB idle RSS.
//!
//! After the first window the sampler calls `release`: `madvise(MADV_DONTNEED)` over the
//! executable's own read-only file mappings drops them from this process's page tables. The
//! pages stay in the page cache (nothing is read from disk again); what the exporter still
//! runs faults straight back in, so its resident set becomes what serving really uses.
//!
//! Safe only for pages identical to the file: a private mapping's page that was ever written
//! (relocations applied to RELRO before it was made read-only, in a PIE or dynamic build) is
//! anonymous, and DONTNEED would put the file's unrelocated bytes back. So only mappings that
//! are not writable, belong to the executable (device and inode of /proc/self/exe), and hold
//! no anonymous page (smaps' `Anonymous: 0 kB`) are released; any doubt skips the mapping.

use std::ops::Range;

/// One mapping of /proc/self/smaps, as far as this module needs it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Mapping {
    pub range: Range<usize>,
    pub writable: bool,
    pub private: bool,
    /// (major, minor, inode) of the backing file; inode 0 for anonymous memory.
    pub file: (u32, u32, u64),
    pub rss_kib: u64,
    pub anonymous_kib: u64,
}

/// Parses smaps text. A header line is `START-END PERMS OFFSET MAJ:MIN INODE [PATH]`; the
/// fields after it until the next header belong to it. Lines that do not parse are skipped:
/// a mapping whose header does not parse is never released.
pub fn parse_smaps(text: &str) -> Vec<Mapping> {
    let mut out: Vec<Mapping> = Vec::new();
    let mut current_ok = false;
    for line in text.lines() {
        if let Some(m) = header(line) {
            out.push(m);
            current_ok = true;
            continue;
        }
        let Some(last) = out.last_mut().filter(|_| current_ok) else {
            continue;
        };
        let mut words = line.split_whitespace();
        let (Some(key), Some(value)) = (words.next(), words.next()) else {
            continue;
        };
        let Ok(kib) = value.parse::<u64>() else {
            // A key's value is not a number: trust nothing more of this mapping.
            if key == "Anonymous:" {
                last.anonymous_kib = u64::MAX;
            }
            continue;
        };
        match key {
            "Rss:" => last.rss_kib = kib,
            "Anonymous:" => last.anonymous_kib = kib,
            _ => {}
        }
    }
    out
}

fn header(line: &str) -> Option<Mapping> {
    let mut f = line.split_whitespace();
    let (lo, hi) = f.next()?.split_once('-')?;
    let perms = f.next()?.as_bytes();
    let _offset = f.next()?;
    let (maj, min) = f.next()?.split_once(':')?;
    let inode = f.next()?.parse().ok()?;
    if perms.len() != 4 {
        return None;
    }
    let range = usize::from_str_radix(lo, 16).ok()?..usize::from_str_radix(hi, 16).ok()?;
    if range.start >= range.end {
        return None;
    }
    Some(Mapping {
        range,
        writable: perms[1] != b'-',
        private: perms[3] == b'p',
        file: (
            u32::from_str_radix(maj, 16).ok()?,
            u32::from_str_radix(min, 16).ok()?,
            inode,
        ),
        rss_kib: 0,
        // Until smaps says otherwise, assume the worst.
        anonymous_kib: u64::MAX,
    })
}

/// The mappings `release` may drop: the executable's, read-only, private, all from the file.
pub fn releasable(maps: &[Mapping], exe: (u32, u32, u64)) -> Vec<Range<usize>> {
    maps.iter()
        .filter(|m| m.file == exe && exe.2 != 0 && !m.writable && m.private)
        .filter(|m| m.anonymous_kib == 0)
        .map(|m| m.range.clone())
        .collect()
}

/// Drops one range from this process's page tables (see the module comment for why only
/// file-identical ranges may be given). Returns whether the kernel took it.
pub fn drop_range(range: &Range<usize>) -> bool {
    // SAFETY: `range` is a whole mapping from smaps whose pages all equal the file's bytes
    // (no anonymous page, not writable), so DONTNEED changes no byte any code can read:
    // the next access faults the same bytes back from the page cache.
    unsafe {
        libc::madvise(
            range.start as *mut libc::c_void,
            range.end - range.start,
            libc::MADV_DONTNEED,
        ) == 0
    }
}

/// The executable's (major, minor, inode), from /proc/self/exe.
fn exe_identity() -> Option<(u32, u32, u64)> {
    let st = rustix::fs::stat("/proc/self/exe").ok()?;
    Some((
        rustix::fs::major(st.st_dev),
        rustix::fs::minor(st.st_dev),
        st.st_ino,
    ))
}

/// Releases the start-up pages; returns the KiB that were resident in what it dropped.
/// Anything it cannot read means nothing is released.
pub fn release() -> u64 {
    let (Some(exe), Ok(text)) = (exe_identity(), std::fs::read_to_string("/proc/self/smaps"))
    else {
        return 0;
    };
    let maps = parse_smaps(&text);
    let mut freed = 0;
    for range in releasable(&maps, exe) {
        if drop_range(&range) {
            freed += maps
                .iter()
                .find(|m| m.range == range)
                .map_or(0, |m| m.rss_kib);
        }
    }
    freed
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write;

    const SMAPS: &str = "\
00200000-0066c000 r--p 00000000 fe:00 5892276                            /x/oncall
Size:               4536 kB
Rss:                1216 kB
Anonymous:             0 kB
0066c000-0124e000 r-xp 0046b000 fe:00 5892276                            /x/oncall
Rss:                8056 kB
Anonymous:             0 kB
0124e000-012d1000 r--p 0104c000 fe:00 5892276                            /x/oncall
Rss:                 460 kB
Anonymous:            12 kB
012d1000-012e0000 rw-p 010cf000 fe:00 5892276                            /x/oncall
Rss:                  60 kB
Anonymous:            60 kB
05e80000-0601c000 rw-p 00000000 00:00 0                                  [heap]
Rss:                1604 kB
Anonymous:          1604 kB
7f0000000000-7f0000001000 r-xp 00000000 fe:00 777                        /lib/other.so
Rss:                   4 kB
Anonymous:             0 kB
7f0000002000-7f0000003000 r-xp 00000000 fe:00 5892276                    /x/oncall
Rss:                   4 kB
";

    #[test]
    fn only_the_executables_file_identical_read_only_mappings_are_released() {
        let maps = parse_smaps(SMAPS);
        assert_eq!(maps.len(), 7);
        assert_eq!(maps[1].rss_kib, 8056);
        let got = releasable(&maps, (0xfe, 0, 5892276));
        assert_eq!(
            got,
            [0x200000..0x66c000, 0x66c000..0x124e000],
            "not RELRO with written pages, not .data, not the heap, not another file's text, \
             not a mapping smaps gave no Anonymous line for"
        );
        assert!(releasable(&maps, (0xfe, 1, 5892276)).is_empty(), "device");
        assert!(releasable(&maps, (0, 0, 0)).is_empty(), "anonymous memory");
    }

    #[test]
    fn hostile_smaps_text_releases_nothing() {
        for text in [
            "",
            "garbage\nRss: 10 kB\nAnonymous: 0 kB\n",
            "00200000-00100000 r-xp 0 fe:00 5 /x\nAnonymous: 0 kB\n",
            "00200000-00300000 r-xp 0 fe:00 5 /x\nAnonymous: lots kB\n",
            "zz-00300000 r-xp 0 fe:00 5 /x\nAnonymous: 0 kB\n",
            "00200000-00300000 r-x 0 fe:00 5 /x\nAnonymous: 0 kB\n",
        ] {
            assert!(
                releasable(&parse_smaps(text), (0xfe, 0, 5)).is_empty(),
                "{text:?}"
            );
        }
    }

    /// The real thing on a mapping only this test touches: a private read-only map of a
    /// file, every page read, then dropped: smaps shows it resident, then not, and the bytes
    /// read back are the file's.
    #[test]
    fn a_dropped_file_mapping_leaves_the_resident_set_and_reads_back_the_same() {
        let mut f = tempfile::tempfile().unwrap();
        let bytes: Vec<u8> = (0..64 * 4096u32).map(|i| (i % 251) as u8).collect();
        f.write_all(&bytes).unwrap();
        // SAFETY: a private read-only map of a file this test alone holds.
        let map = unsafe { memmap2::MmapOptions::new().map_copy_read_only(&f).unwrap() };
        let sum: u64 = map.iter().step_by(4096).map(|&b| u64::from(b)).sum();
        assert!(sum > 0);
        let range = map.as_ptr() as usize..map.as_ptr() as usize + map.len();
        let rss = || {
            parse_smaps(&std::fs::read_to_string("/proc/self/smaps").unwrap())
                .into_iter()
                .find(|m| m.range == range)
                .expect("the mapping is in smaps")
        };
        let before = rss();
        assert_eq!(before.rss_kib, 256, "all 64 pages resident");
        assert_eq!(before.anonymous_kib, 0);
        assert!(!before.writable && before.private);
        assert!(drop_range(&range));
        assert_eq!(rss().rss_kib, 0, "dropped from the resident set");
        assert_eq!(&map[..], &bytes[..], "the same bytes fault back in");
    }

    fn here() -> usize {
        let f: fn() -> Option<(u32, u32, u64)> = exe_identity;
        f as usize
    }

    #[test]
    fn this_test_binarys_text_is_found_releasable() {
        let maps = parse_smaps(&std::fs::read_to_string("/proc/self/smaps").unwrap());
        let exe = exe_identity().unwrap();
        let got = releasable(&maps, exe);
        let text = maps
            .iter()
            .find(|m| m.file == exe && !m.writable && m.range.contains(&here()))
            .expect("the mapping that holds this code");
        assert!(got.contains(&text.range), "{got:?} lacks {:?}", text.range);
        for m in maps.iter().filter(|m| got.contains(&m.range)) {
            assert_eq!(m.anonymous_kib, 0);
        }
    }
}
