//! Someone waiting on a triage run: it can cancel it (the window ends early and nobody waits
//! for the collectors still out) and hear how far it is (the window's seconds, then the
//! collectors as they report). `oncall mcp` passes one for a call with a progress token; the
//! CLI and the exporter pass none.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

/// `(progress, total, message)`.
pub type Tell = dyn Fn(f64, Option<f64>, String) + Send + Sync;

#[derive(Clone)]
pub struct Watch {
    pub cancel: Arc<AtomicBool>,
    pub tell: Arc<Tell>,
}

impl std::fmt::Debug for Watch {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Watch")
            .field("cancelled", &self.cancelled())
            .finish()
    }
}

/// How often a window being waited out looks at the cancel flag.
const LOOK_EVERY: Duration = Duration::from_millis(100);

impl Watch {
    pub fn cancelled(&self) -> bool {
        self.cancel.load(Ordering::Relaxed)
    }
}

/// Waits the window out; with a watch, in steps that look at its cancel flag and tell the
/// seconds gone. False when cancelled before the window ended.
pub fn wait(window: Duration, watch: Option<&Watch>) -> bool {
    let Some(w) = watch else {
        std::thread::sleep(window);
        return true;
    };
    let start = Instant::now();
    let total = window.as_secs_f64();
    let mut told = 0u64;
    loop {
        if w.cancelled() {
            return false;
        }
        let gone = start.elapsed();
        if gone >= window {
            return true;
        }
        if gone.as_secs() >= told {
            (w.tell)(
                gone.as_secs_f64(),
                Some(total),
                format!("sampling window: {} of {:.1} s", gone.as_secs(), total),
            );
            told = gone.as_secs() + 1;
        }
        std::thread::sleep(LOOK_EVERY.min(window - gone));
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::Mutex;

    #[test]
    fn a_cancelled_window_ends_early_and_a_watched_one_tells_its_seconds() {
        let heard = Arc::new(Mutex::new(Vec::new()));
        let h = Arc::clone(&heard);
        let w = Watch {
            cancel: Arc::new(AtomicBool::new(false)),
            tell: Arc::new(move |p, t, m| h.lock().unwrap().push((p, t, m))),
        };
        assert!(wait(Duration::from_millis(1200), Some(&w)));
        let heard = heard.lock().unwrap().clone();
        assert_eq!(heard.len(), 2, "{heard:?}");
        assert_eq!(heard[0].1, Some(1.2));
        assert!(
            heard[1].2.starts_with("sampling window: 1 of 1.2 s"),
            "{heard:?}"
        );
        // Cancelled: a window of an hour returns (this test would hang otherwise).
        w.cancel.store(true, Ordering::Relaxed);
        assert!(!wait(Duration::from_secs(3600), Some(&w)));
    }
}
