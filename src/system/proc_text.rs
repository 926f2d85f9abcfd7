//! Reads a /proc text file in two reads (the text, then the end) instead of std's four or
//! more: `fs::read_to_string` sizes its buffer from the file's length, which procfs gives as
//! 0, so it starts with a 32-byte probe and grows from there. A process's `cgroup` file is
//! ~400 bytes on a v1 host; read for every process by `mem`, `ps --by` and `net --processes`,
//! the probes were most of their syscalls after the kernel log.

use std::io::{self, Read};
use std::path::Path;

/// Room for nearly every per-process file in one read; longer files grow as usual.
const FIRST_READ: usize = 4096;

pub fn read(path: impl AsRef<Path>) -> io::Result<String> {
    let mut text = String::with_capacity(FIRST_READ);
    std::fs::File::open(path)?.read_to_string(&mut text)?;
    Ok(text)
}

#[cfg(test)]
mod tests {
    #[test]
    fn reads_what_std_reads() {
        for p in [
            "/proc/self/cgroup",
            "/proc/self/mountinfo",
            "/proc/self/status",
        ] {
            assert_eq!(
                super::read(p).unwrap(),
                std::fs::read_to_string(p).unwrap(),
                "{p}"
            );
        }
        assert!(super::read("/proc/self/no-such-file").is_err());
    }
}
