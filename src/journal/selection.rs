//! journalctl's selectors turned into a `Query` over a given set of files: `-u` (globs
//! expanded against the unit names in the files), `-p`, `-t`, `-k`, `-b`, `--since/--until`.
//! `-b` and `-k` resolve boots from the files themselves, as journalctl 252 does (`-b` and
//! `-b 0` are the last boot the files hold, which on the live journal is the current one).

use std::path::PathBuf;

use super::boots;
use super::field_values::{expand_units, expand_units_in, USER_UNIT_FIELDS};
use super::query::{parse_priorities, Match, Query};

#[derive(Debug, Clone, Default)]
pub struct Selection {
    pub units: Vec<String>,
    /// journalctl --user-unit, for the user `uid`.
    pub user_units: Vec<String>,
    pub uid: u32,
    pub priority: Option<String>,
    pub identifiers: Vec<String>,
    /// journalctl -k: kernel messages, of the current boot unless `boot` says otherwise.
    pub dmesg: bool,
    /// journalctl -b: an offset (`0`, `-1`, `2`), a boot id, or `all`.
    pub boot: Option<String>,
    /// Realtime bounds in µs, inclusive.
    pub since_us: Option<u64>,
    pub until_us: Option<u64>,
    /// journalctl's `FIELD=VALUE` operands, in groups separated by `+`.
    pub operands: Vec<Vec<Match>>,
}

impl Selection {
    /// The query for `paths`; an error is a bad value or a boot the files do not hold.
    pub fn query(&self, paths: &[PathBuf]) -> Result<Query, String> {
        let mut q = Query {
            since: self.since_us,
            until: self.until_us,
            ..Query::default()
        }
        .operand_groups(self.operands.clone());
        if !self.units.is_empty() || !self.user_units.is_empty() {
            let units = expand_units(&self.units, paths);
            let user_units = expand_units_in(&self.user_units, paths, &USER_UNIT_FIELDS);
            let names: Vec<&str> = units.iter().map(String::as_str).collect();
            let user_names: Vec<&str> = user_units.iter().map(String::as_str).collect();
            // A glob that matches no unit in the files leaves an empty clause: nothing.
            q = q.units_and_user_units(&names, &user_names, self.uid);
        }
        if let Some(p) = &self.priority {
            let (from, to) = parse_priorities(p)?;
            q = q.priorities(from, to);
        }
        if !self.identifiers.is_empty() {
            q = q.matches(
                self.identifiers
                    .iter()
                    .map(|t| Match::new("SYSLOG_IDENTIFIER", t))
                    .collect(),
            );
        }
        if self.dmesg {
            q = q.matches(vec![Match::new("_TRANSPORT", "kernel")]);
        }
        let boot = match (&self.boot, self.dmesg) {
            (Some(b), _) => Some(b.as_str()),
            (None, true) => Some("0"),
            (None, false) => None,
        };
        match boot {
            None | Some("all") => {}
            Some(spec) => {
                if let Some(with_id) = q.clone().boot(spec) {
                    return Ok(with_id);
                }
                let offset: i64 = spec.parse().map_err(|_| {
                    format!(
                        "'{spec}' is not a boot (0 the current one, -1 the one before, 1 the \
                         first, a 32-digit boot id, or all)"
                    )
                })?;
                let (list, _) = boots::list(paths);
                let Some(b) = boots::by_offset(&list, offset) else {
                    return Err(format!(
                        "no boot {spec} in the journal ({} boot(s) in its files)",
                        list.len()
                    ));
                };
                q = q
                    .boot(&b.id_hex())
                    .expect("a boot id from the files is 32 hex digits");
            }
        }
        Ok(q)
    }
}
