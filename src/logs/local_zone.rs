//! The host's time zone without jiff's zoneinfo index. `TimeZone::try_system` resolves
//! `/etc/localtime` through jiff's database, whose first use lists every directory of
//! /usr/share/zoneinfo (21 directories, ~1 ms here): the serial start of every `logs`
//! command, paid before any file is searched. The common case, no `TZ` and /etc/localtime a
//! TZif file or a symlink to one, is read directly; anything else goes to jiff as before.

use jiff::tz::TimeZone;
use std::path::Path;

const LOCALTIME: &str = "/etc/localtime";

pub fn system() -> TimeZone {
    if std::env::var_os("TZ").is_none() {
        if let Some(tz) = from_file(Path::new(LOCALTIME)) {
            return tz;
        }
    }
    TimeZone::try_system().unwrap_or(TimeZone::UTC)
}

/// A TZif file as a zone, named as the symlink names it (`Europe/Berlin` for a link into a
/// zoneinfo tree), else `Local`.
fn from_file(path: &Path) -> Option<TimeZone> {
    let data = std::fs::read(path).ok()?;
    let target = std::fs::read_link(path).ok();
    let name = target
        .as_deref()
        .and_then(|t| t.to_str())
        .and_then(|t| t.split_once("zoneinfo/").map(|(_, name)| name))
        .filter(|name| !name.is_empty())
        .unwrap_or("Local");
    TimeZone::tzif(name, &data).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The direct read gives the zone jiff's own lookup gives, at instants on both sides of
    /// a year's transitions (this host's zone, whatever it is).
    #[test]
    fn the_direct_read_agrees_with_jiff() {
        let Some(direct) = from_file(Path::new(LOCALTIME)) else {
            return; // no /etc/localtime: system() takes jiff's path, nothing to compare
        };
        let jiff = TimeZone::try_system().unwrap_or(TimeZone::UTC);
        for secs in [
            0i64,
            1_700_000_000,
            1_711_846_800,
            1_729_990_800,
            1_800_000_000,
        ] {
            let t = jiff::Timestamp::from_second(secs).unwrap();
            assert_eq!(direct.to_offset(t), jiff.to_offset(t), "at {t}");
        }
    }

    /// A file that is not TZif is no zone (the caller falls back to jiff).
    #[test]
    fn a_file_that_is_not_tzif_is_refused() {
        let dir = std::env::temp_dir().join(format!("oncall-local-zone-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let bad = dir.join("localtime");
        std::fs::write(&bad, b"not a zone file\x1b]0;x\x07").unwrap();
        assert!(from_file(&bad).is_none());
        assert!(from_file(&dir.join("missing")).is_none());
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
