//! `oncall disk`, `oncall disk usage`, `oncall disk deleted`: flags → requests (request/) → renderers.

use crate::cli::{DiskAction, DiskArgs};
use crate::error::Error;
use crate::exit_codes;
use crate::render::{self, units, Ui};
use crate::request::deleted_files::{self, DeletedFilesRequest};
use crate::request::disk_usage::{self, DiskUsageRequest};
use crate::request::filesystems::{self, FilesystemsRequest};
use crate::request::Span;
use crate::system::interrupt;
use crate::system::usage::Progress;
use std::io::Write;
use std::time::Duration;

pub fn run(args: DiskArgs, ui: &Ui, out: &mut dyn Write) -> Result<u8, Error> {
    match args.action {
        None => {
            let report = filesystems::run(&FilesystemsRequest {
                all: args.all,
                timeout: Span(args.timeout),
            })?;
            render::disk::filesystems(ui, out, &report)?;
        }
        Some(DiskAction::Usage {
            path,
            one_file_system,
            top,
        }) => {
            let req = DiskUsageRequest {
                path,
                one_file_system,
                top,
            };
            let cancel = interrupt::flag();
            let mut progress = ProgressLine::new();
            let result = disk_usage::run_with(&req, &cancel, &mut |p| progress.show(p));
            progress.clear();
            render::disk::usage(ui, out, &result?)?;
        }
        Some(DiskAction::Deleted) => {
            let report = deleted_files::run(&DeletedFilesRequest {})?;
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
