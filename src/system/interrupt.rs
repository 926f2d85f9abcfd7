//! Ctrl-C for long walks: SIGINT sets a flag that the walkers poll, so the command can stop
//! at once and `main` exits 130 (`Error::Interrupted`), instead of dying mid-write.

use std::sync::atomic::AtomicBool;
use std::sync::{Arc, OnceLock};

static FLAG: OnceLock<Arc<AtomicBool>> = OnceLock::new();

/// Installs the SIGINT handler (once) and returns the flag it sets.
pub fn flag() -> Arc<AtomicBool> {
    FLAG.get_or_init(|| {
        let flag = Arc::new(AtomicBool::new(false));
        // If the handler cannot be installed, Ctrl-C keeps its default: the process ends at
        // once with the signal (status 130 in a shell), which is still "ends it at once".
        let _ = signal_hook::flag::register(signal_hook::consts::SIGINT, Arc::clone(&flag));
        flag
    })
    .clone()
}
