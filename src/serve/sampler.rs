//! The background sampler: triage's own collector and rules (`triage::run`, what `oncall
//! triage` calls) back to back on a thread of their own, each window `--interval` long, so
//! the windows tile time and their in-window counts add up to true `_total` counters. Each
//! finished window is rendered once and published; a scrape only copies the last one, so a
//! hung mount (whose statvfs thread triage abandons) never holds a scrape.

use super::triage_metrics::{self, Totals};
use crate::request::{triage::TriageRequest, Span};
use crate::triage::{self, TriageReport};
use std::path::PathBuf;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// One finished window: the report (for `/triage`) and its exposition (for `/metrics`).
pub struct Sample {
    pub report: TriageReport,
    pub metrics: String,
}

#[derive(Clone, Default)]
pub struct Latest(Arc<Mutex<Option<Arc<Sample>>>>);

impl Latest {
    pub fn get(&self) -> Option<Arc<Sample>> {
        self.0.lock().unwrap_or_else(|p| p.into_inner()).clone()
    }

    fn set(&self, s: Sample) {
        *self.0.lock().unwrap_or_else(|p| p.into_inner()) = Some(Arc::new(s));
    }
}

pub struct SamplerOptions {
    pub interval: Duration,
    pub logs: Vec<PathBuf>,
}

/// Starts the sampler thread; it runs until the process ends.
pub fn start(opts: SamplerOptions) -> std::io::Result<Latest> {
    let latest = Latest::default();
    let publish = latest.clone();
    std::thread::Builder::new()
        .name("oncall-sampler".into())
        .spawn(move || {
            // The same request `oncall triage` and the MCP tool run (serve checked the
            // interval at start).
            let triage_opts = TriageRequest {
                window: Span(opts.interval),
                logs: opts.logs,
                ..TriageRequest::default()
            }
            .options();
            let mut totals = Totals::default();
            let mut first = true;
            loop {
                let start = Instant::now();
                let report = triage::run(&triage_opts);
                totals.add(&report, start.elapsed());
                let metrics = triage_metrics::render(&report, &totals);
                publish.set(Sample { report, metrics });
                // The window's collector threads and any /probe burst since the last
                // one freed their memory: hand the pages back (see heap.rs).
                super::heap::give_back();
                if std::mem::take(&mut first) {
                    // Start-up is over: its pages of the binary need not stay resident
                    // (startup_text.rs).
                    super::startup_text::release();
                }
            }
        })?;
    Ok(latest)
}
