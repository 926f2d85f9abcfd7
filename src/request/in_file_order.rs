//! Many files searched in parallel, their output handed on in the files' order, with no
//! barrier between groups of files: each worker takes the next file as soon as it is done
//! with one, as long as that file is at most `window` files ahead of the one being handed
//! on (which bounds the output held to `window` buffers). Searching in batches that each
//! waited for their slowest file left a core idle at every batch's end and woke the pool
//! again for the next one (200 small files: 25 batches).

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Condvar, Mutex, MutexGuard};

struct Shared<B, R> {
    /// A finished item's buffer and result, at `item % window` until it is handed on.
    done: Vec<Option<(B, R)>>,
    /// Buffers handed back, reused (grown once, their pages stay mapped).
    spare: Vec<B>,
    /// Items before this one have been handed on.
    handed: usize,
    /// No item is to be started any more (the caller stopped, or a worker died).
    stop: bool,
    /// A worker ended inside an item (a panic): its item will never come.
    lost: bool,
}

/// Marks the work lost when a thread unwinds inside an item, so no one waits for it: the
/// caller for its item, the workers for room the caller will never make.
struct LostOnPanic<'a, B, R> {
    shared: &'a Mutex<Shared<B, R>>,
    ready: &'a Condvar,
    room: &'a Condvar,
}

impl<B, R> Drop for LostOnPanic<'_, B, R> {
    fn drop(&mut self) {
        if std::thread::panicking() {
            let mut g = lock(self.shared);
            g.lost = true;
            g.stop = true;
            self.ready.notify_all();
            self.room.notify_all();
        }
    }
}

fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|e| e.into_inner())
}

/// Runs `work(state, i, buffer)` for every item `0..total` on `workers` threads (each with
/// its own `state` from `init`) and calls `hand_on(i, buffer, result)` for each in order, on
/// the calling thread. The calling thread is one of the workers: when the item it is to hand
/// on next is not done, it searches the next one not started rather than sleep. Handing each
/// file over to a thread that slept for it cost two context switches per file (330 for 200
/// files against rg's 20) and, with a thread more than CPUs, preemptions. An error from
/// `hand_on` starts no further item (those under way end first) and is returned.
pub fn in_order<S, B, R, E>(
    total: usize,
    workers: usize,
    window: usize,
    init: impl Fn() -> S + Sync,
    work: impl Fn(&mut S, usize, &mut B) -> R + Sync,
    mut hand_on: impl FnMut(usize, &mut B, R) -> Result<(), E>,
) -> Result<(), E>
where
    B: Default + Send,
    R: Send,
{
    let window = window.max(1);
    let shared = Mutex::new(Shared {
        done: (0..window).map(|_| None).collect(),
        spare: Vec::new(),
        handed: 0,
        stop: false,
        lost: false,
    });
    let ready = Condvar::new();
    let room = Condvar::new();
    let next = AtomicUsize::new(0);
    let guard = || LostOnPanic {
        shared: &shared,
        ready: &ready,
        room: &room,
    };
    std::thread::scope(|scope| {
        for _ in 1..workers.clamp(1, total.max(1)) {
            scope.spawn(|| {
                let _guard = guard();
                let mut state = init();
                loop {
                    let i = next.fetch_add(1, Ordering::Relaxed);
                    if i >= total {
                        break;
                    }
                    let mut buf = {
                        let mut g = lock(&shared);
                        while !g.stop && i >= g.handed + window {
                            g = room.wait(g).unwrap_or_else(|e| e.into_inner());
                        }
                        if g.stop {
                            break;
                        }
                        g.spare.pop().unwrap_or_default()
                    };
                    let r = work(&mut state, i, &mut buf);
                    let mut g = lock(&shared);
                    g.done[i % window] = Some((buf, r));
                    // Only the item the caller waits for can end its wait.
                    if i == g.handed {
                        ready.notify_one();
                    }
                }
            });
        }
        let _guard = guard();
        let mut mine: Option<S> = None;
        let outcome = (|| {
            for i in 0..total {
                let (mut buf, r) = 'item: loop {
                    let mut g = lock(&shared);
                    loop {
                        if let Some(item) = g.done[i % window].take() {
                            break 'item item;
                        }
                        if g.lost {
                            // The scope re-raises the worker's panic when it joins it.
                            return Ok(());
                        }
                        // Not done yet: search the next item not started, if it may start.
                        let j = next.load(Ordering::Relaxed);
                        if !g.stop && j < total && j < g.handed + window {
                            if next
                                .compare_exchange(j, j + 1, Ordering::Relaxed, Ordering::Relaxed)
                                .is_err()
                            {
                                continue;
                            }
                            let mut b = g.spare.pop().unwrap_or_default();
                            drop(g);
                            let state = mine.get_or_insert_with(&init);
                            let r = work(state, j, &mut b);
                            lock(&shared).done[j % window] = Some((b, r));
                            continue 'item;
                        }
                        g = ready.wait(g).unwrap_or_else(|e| e.into_inner());
                    }
                };
                let handed = hand_on(i, &mut buf, r);
                {
                    let mut g = lock(&shared);
                    g.handed = i + 1;
                    g.spare.push(buf);
                    g.stop |= handed.is_err();
                }
                room.notify_all();
                handed?;
            }
            Ok(())
        })();
        lock(&shared).stop = true;
        room.notify_all();
        outcome
    })
}

/// The workers for `in_order`: one per CPU this process may use.
pub fn workers() -> usize {
    std::thread::available_parallelism().map_or(1, |n| n.get())
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    #[test]
    fn every_item_is_handed_on_once_in_order_whatever_finishes_first() {
        let mut seen = Vec::new();
        let r: Result<(), ()> = in_order(
            50,
            3,
            4,
            || (),
            |_, i, buf: &mut Vec<usize>| {
                // Early items are the slow ones: later ones finish first.
                std::thread::sleep(Duration::from_micros(((50 - i) * 40) as u64));
                buf.clear();
                buf.push(i);
                i * 2
            },
            |i, buf, r| {
                assert_eq!((buf[0], r), (i, i * 2));
                seen.push(i);
                Ok(())
            },
        );
        assert!(r.is_ok());
        assert_eq!(seen, (0..50).collect::<Vec<_>>());
    }

    #[test]
    fn an_error_stops_the_items_not_yet_started_and_is_returned() {
        let started = AtomicUsize::new(0);
        let r = in_order(
            1000,
            2,
            4,
            || (),
            |_, _, _: &mut Vec<u8>| {
                started.fetch_add(1, Ordering::Relaxed);
            },
            |i, _, ()| if i == 3 { Err(i) } else { Ok(()) },
        );
        assert_eq!(r, Err(3));
        // At most the window past the failed item, and the ones under way, were started.
        assert!(started.load(Ordering::Relaxed) <= 3 + 1 + 4 + 2);
    }

    #[test]
    fn no_items_and_one_worker_are_fine() {
        let r: Result<(), ()> = in_order(
            0,
            2,
            4,
            || (),
            |_, _, _: &mut Vec<u8>| (),
            |_, _, ()| Ok(()),
        );
        assert!(r.is_ok());
        let mut n = 0;
        let r: Result<(), ()> = in_order(
            5,
            1,
            1,
            || (),
            |_, i, _: &mut Vec<u8>| i,
            |i, _, r| {
                assert_eq!(i, r);
                n += 1;
                Ok(())
            },
        );
        assert!(r.is_ok());
        assert_eq!(n, 5);
    }

    /// Whichever thread runs the item that panics (a worker, or the caller searching while
    /// it waits), the run ends with that panic instead of waiting for the item forever.
    #[test]
    fn a_panic_in_any_thread_ends_the_run_instead_of_hanging() {
        for workers in [1, 2, 3] {
            for bad in [0, 1, 5] {
                let r = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
                    in_order(
                        50,
                        workers,
                        2,
                        || (),
                        |_, i, _: &mut Vec<u8>| assert_ne!(i, bad, "item {bad}"),
                        |_, _, ()| Ok::<(), ()>(()),
                    )
                }));
                assert!(r.is_err(), "workers {workers}, item {bad}");
            }
        }
    }
}
