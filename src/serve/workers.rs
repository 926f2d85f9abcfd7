//! The threads that answer connections: one current-thread tokio runtime per thread, each
//! connection dealt to the next thread in turn and served there to its end. A /probe is then
//! one thread's work from the request to the answer: the target's readiness arrives at the
//! epoll of the thread that waits for it, so no other thread is woken and no task moves
//! between cores mid-probe, as tokio's work-stealing runtime did (several wake-ups and
//! hand-overs per probe). Dealing connections in turn still puts a burst of 64 on every core.

use std::sync::atomic::{AtomicUsize, Ordering};
use tokio::runtime::Handle;

pub struct Workers {
    handles: Vec<Handle>,
    next: AtomicUsize,
}

impl Workers {
    /// Starts `n` (at least 1) threads, each running its runtime until the process ends.
    pub fn start(n: usize) -> std::io::Result<Workers> {
        let mut handles = Vec::new();
        for i in 0..n.max(1) {
            let (tx, rx) = std::sync::mpsc::channel();
            std::thread::Builder::new()
                .name(format!("oncall-serve-{i}"))
                .spawn(move || {
                    let rt = tokio::runtime::Builder::new_current_thread()
                        .enable_io()
                        .enable_time()
                        .build();
                    match rt {
                        Ok(rt) => {
                            let _ = tx.send(Ok(rt.handle().clone()));
                            rt.block_on(std::future::pending::<()>());
                        }
                        Err(e) => {
                            let _ = tx.send(Err(e));
                        }
                    }
                })?;
            let handle = rx
                .recv()
                .map_err(|_| std::io::Error::other("a serve worker thread ended at start"))??;
            handles.push(handle);
        }
        Ok(Workers {
            handles,
            next: AtomicUsize::new(0),
        })
    }

    /// The runtime the next connection goes to.
    pub fn next(&self) -> &Handle {
        let i = self.next.fetch_add(1, Ordering::Relaxed) % self.handles.len();
        &self.handles[i]
    }
}
