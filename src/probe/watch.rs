//! `--watch INTERVAL`: probe again and again until Ctrl-C; print the first state of every
//! target, then only the changes (UP → DOWN and back), each with its time and reason.

use super::report::ProbeResult;
use super::run::probe_all;
use super::{clock, Ctx, TargetSpec};
use crate::error::Error;
use crate::render::{Format, Ui};
use serde::Serialize;
use std::io::Write;
use std::sync::Arc;
use std::time::Duration;

#[derive(Debug, Serialize)]
pub struct Change<'a> {
    pub time: String,
    pub target: &'a str,
    pub remote: Option<&'a str>,
    pub ok: bool,
    /// `None` on the first round.
    pub was_ok: Option<bool>,
    pub detail: String,
}

fn reason(r: &ProbeResult) -> String {
    let failed = r.failed_checks();
    if failed.is_empty() {
        format!("{:.1}ms", r.phases_ms.total)
    } else {
        failed
    }
}

pub fn run(
    rt: &tokio::runtime::Runtime,
    ctx: Arc<Ctx>,
    specs: Vec<TargetSpec>,
    every: Duration,
    ui: &Ui,
    out: &mut dyn Write,
) -> Result<u8, Error> {
    let mut last: Vec<Option<bool>> = Vec::new();
    loop {
        let report = rt.block_on(probe_all(ctx.clone(), specs.clone()));
        last.resize(report.results.len(), None);
        let time = clock::rfc3339(clock::now_unix());
        for (r, was) in report.results.iter().zip(last.iter_mut()) {
            if *was == Some(r.ok) {
                continue;
            }
            let change = Change {
                time: time.clone(),
                target: &r.target,
                remote: r.remote.as_deref(),
                ok: r.ok,
                was_ok: *was,
                detail: reason(r),
            };
            if ui.format == Format::Json {
                serde_json::to_writer(&mut *out, &change).map_err(std::io::Error::from)?;
                writeln!(out)?;
            } else {
                let state = |ok: bool| if ok { "UP" } else { "DOWN" };
                let arrow = match change.was_ok {
                    Some(w) => format!("{} → {}", state(w), state(r.ok)),
                    None => state(r.ok).to_string(),
                };
                let arrow = if r.ok {
                    ui.style.good(&arrow)
                } else {
                    ui.style.bad(&arrow)
                };
                writeln!(out, "{time}  {arrow}  {}  {}", r.target, change.detail)?;
            }
            *was = Some(r.ok);
        }
        out.flush()?;
        let pause = every.max(Duration::from_millis(100));
        if pause_or_reader_gone(pause) {
            // `| head -1` has what it wanted: end quietly, as on EPIPE elsewhere.
            return Ok(crate::exit_codes::SUCCESS);
        }
    }
}

/// Waits `pause`; true as soon as stdout is a pipe whose reader has closed. Only changes are
/// printed, so a steady target would never write and never meet EPIPE: the closed reader
/// shows as POLLERR on the write end, which poll(2) reports without being asked for it.
/// A terminal or a file never raises it, and the wait is the whole pause.
fn pause_or_reader_gone(pause: Duration) -> bool {
    let end = std::time::Instant::now() + pause;
    loop {
        let left = end.saturating_duration_since(std::time::Instant::now());
        if left.is_zero() {
            return false;
        }
        let mut fd = libc::pollfd {
            fd: libc::STDOUT_FILENO,
            events: 0,
            revents: 0,
        };
        let ms = left.as_millis().clamp(1, i32::MAX as u128) as i32;
        // SAFETY: one valid pollfd for the duration of the call.
        let n = unsafe { libc::poll(&mut fd, 1, ms) };
        if n > 0 && fd.revents & (libc::POLLERR | libc::POLLHUP) != 0 {
            return true;
        }
        if n > 0 && fd.revents & libc::POLLNVAL != 0 {
            // stdout closed outright: nothing to wait on, sleep the rest.
            std::thread::sleep(left);
            return false;
        }
        // n == 0: the pause is over; n < 0: EINTR, go round for the rest.
    }
}
