//! `oncall disk`, `oncall disk usage`, `oncall disk deleted`: options → collector → renderer.

use crate::cli::{DiskAction, DiskArgs};
use crate::error::Error;
use crate::exit_codes;
use crate::render::{self, units, Ui};
use crate::system::usage::{self, Progress, UsageOptions};
use crate::system::{deleted, disks, interrupt};
use std::io::Write;
use std::time::Duration;

pub fn run(args: DiskArgs, ui: &Ui, out: &mut dyn Write) -> Result<u8, Error> {
    match args.action {
        None => {
            let report = disks::collect(args.all, args.timeout)
                .map_err(|e| Error::usage("/proc/self/mountinfo", e))?;
            render::disk::filesystems(ui, out, &report)?;
        }
        Some(DiskAction::Usage {
            path,
            one_file_system,
            top,
        }) => {
            let opts = UsageOptions {
                path,
                one_file_system,
                top,
                threads: 0,
            };
            let cancel = interrupt::flag();
            let mut progress = ProgressLine::new();
            let result = usage::walk(&opts, &cancel, &mut |p| progress.show(p));
            progress.clear();
            render::disk::usage(ui, out, &result?)?;
        }
        Some(DiskAction::Deleted) => {
            let report = deleted::collect().map_err(|e| Error::usage("/proc", e))?;
            render::disk::deleted(ui, out, &report)?;
        }
    }
    Ok(exit_codes::SUCCESS)
}

/// "scanned 12,345 files, 1.2 GiB" on stderr, rewritten in place, only on a terminal and only
/// once the walk has taken a second (a quick walk prints nothing extra).
struct ProgressLine {
    enabled: bool,
    shown: bool,
}

impl ProgressLine {
    fn new() -> ProgressLine {
        ProgressLine {
            enabled: render::stderr::shows_progress(),
            shown: false,
        }
    }

    fn show(&mut self, p: &Progress) {
        if !self.enabled || p.elapsed < Duration::from_secs(1) {
            return;
        }
        self.shown = true;
        render::stderr::progress(Some(format_args!(
            "scanned {} files, {} directories, {}",
            units::count(p.files),
            units::count(p.dirs),
            units::bytes(p.allocated_bytes)
        )));
    }

    fn clear(&mut self) {
        if self.shown {
            render::stderr::progress(None);
        }
    }
}
