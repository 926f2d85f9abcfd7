//! What to read from a set of journal files, in sd_journal's match model (the one
//! journalctl builds from its flags): a query is an AND of clauses; a clause is an OR of
//! conjunctions; inside a conjunction, matches of the same field are ORed and different
//! fields ANDed. `-u UNIT`, `-p`, `-b ID` each become one clause, as in journalctl.
//! Since/until bound the realtime clock; `grep` is a regex on MESSAGE.

use std::sync::Arc;

use regex::bytes::Regex;

/// A test on an entry's MESSAGE beyond `grep` (the CLI's matcher: `-F`, `-i`, `-w`, `-v`,
/// several `-e`), shared by the per-file tasks.
#[derive(Clone)]
pub struct MessageFilter(pub Arc<MessageTest>);

pub type MessageTest = dyn Fn(&[u8]) -> bool + Send + Sync;

impl std::fmt::Debug for MessageFilter {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("MessageFilter")
    }
}

/// One `FIELD=value` match.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Match {
    pub field: String,
    pub value: Vec<u8>,
}

impl Match {
    pub fn new(field: &str, value: impl AsRef<[u8]>) -> Match {
        Match {
            field: field.to_string(),
            value: value.as_ref().to_vec(),
        }
    }

    pub fn payload(&self) -> Vec<u8> {
        let mut p = Vec::with_capacity(self.field.len() + 1 + self.value.len());
        p.extend_from_slice(self.field.as_bytes());
        p.push(b'=');
        p.extend_from_slice(&self.value);
        p
    }
}

/// Matches ANDed across fields, ORed within one field.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Conjunction(pub Vec<Match>);

/// Conjunctions ORed.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Clause(pub Vec<Conjunction>);

/// Which fields each returned entry carries.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Fields {
    All,
    Only(Vec<String>),
}

#[derive(Debug, Clone)]
pub struct Query {
    pub clauses: Vec<Clause>,
    /// Realtime bounds in µs since the epoch, both inclusive (journalctl's --since/--until).
    pub since: Option<u64>,
    pub until: Option<u64>,
    /// Only entries whose MESSAGE matches (journalctl -g).
    pub grep: Option<Regex>,
    /// Only entries whose MESSAGE passes this test; an entry without MESSAGE never does.
    pub message: Option<MessageFilter>,
    /// Only the last N matching entries (journalctl -n): each file's candidates are read
    /// from the end, so a tail costs N entries per file, not the journal.
    pub last: Option<usize>,
    pub fields: Fields,
}

impl Default for Query {
    fn default() -> Query {
        Query {
            clauses: Vec::new(),
            since: None,
            until: None,
            grep: None,
            message: None,
            last: None,
            fields: Fields::All,
        }
    }
}

impl Query {
    /// One more clause of plain matches (`FIELD=value …`, same field ORed).
    pub fn matches(mut self, matches: Vec<Match>) -> Query {
        self.clauses.push(Clause(vec![Conjunction(matches)]));
        self
    }

    /// journalctl's `FIELD=VALUE` operands: each group ANDs its fields (the same field ORed),
    /// the groups (separated by `+`) are ORed, and the whole is one clause beside `-u`, `-p`…
    pub fn operand_groups(mut self, groups: Vec<Vec<Match>>) -> Query {
        if !groups.is_empty() {
            self.clauses
                .push(Clause(groups.into_iter().map(Conjunction).collect()));
        }
        self
    }

    /// journalctl `-u UNIT` (repeatable: call with every unit at once): the unit's own
    /// messages, its coredumps, PID 1's messages about it and those of privileged daemons,
    /// as systemd's `add_matches_for_unit`; a `.slice` also matches every unit in it
    /// (`_SYSTEMD_SLICE`). A name without a suffix means `.service`, as journalctl mangles
    /// it; globs are expanded by the caller (`field_values::expand_units`).
    pub fn units(self, units: &[&str]) -> Query {
        self.units_and_user_units(units, &[], 0)
    }

    /// journalctl `-u` and `--user-unit` together: one clause, every unit ORed, as
    /// journalctl's add_units. A user unit is systemd's `add_matches_for_user_unit` for
    /// `uid` (journalctl's own uid): the unit's lines, the user manager's about it, its
    /// coredumps and privileged daemons' (those two also from `_UID=0`), a `.slice`'s units.
    pub fn units_and_user_units(mut self, units: &[&str], user_units: &[&str], uid: u32) -> Query {
        let mut clause = Clause::default();
        for unit in units {
            let unit = mangle_unit(unit);
            if unit.ends_with(".slice") {
                clause
                    .0
                    .push(Conjunction(vec![Match::new("_SYSTEMD_SLICE", &unit)]));
            }
            clause
                .0
                .push(Conjunction(vec![Match::new("_SYSTEMD_UNIT", &unit)]));
            clause.0.push(Conjunction(vec![
                Match::new("MESSAGE_ID", "fc2e22bc6ee647b6b90729ab34a250b1"),
                Match::new("_UID", "0"),
                Match::new("COREDUMP_UNIT", &unit),
            ]));
            clause.0.push(Conjunction(vec![
                Match::new("_PID", "1"),
                Match::new("UNIT", &unit),
            ]));
            clause.0.push(Conjunction(vec![
                Match::new("_UID", "0"),
                Match::new("OBJECT_SYSTEMD_UNIT", &unit),
            ]));
        }
        let uid = uid.to_string();
        for unit in user_units {
            let unit = mangle_unit(unit);
            let own =
                |field: &str| Conjunction(vec![Match::new(field, &unit), Match::new("_UID", &uid)]);
            let or_root = |field: &str| {
                Conjunction(vec![
                    Match::new(field, &unit),
                    Match::new("_UID", &uid),
                    Match::new("_UID", "0"),
                ])
            };
            clause.0.push(own("_SYSTEMD_USER_UNIT"));
            clause.0.push(own("USER_UNIT"));
            clause.0.push(or_root("COREDUMP_USER_UNIT"));
            clause.0.push(or_root("OBJECT_SYSTEMD_USER_UNIT"));
            if unit.ends_with(".slice") {
                clause.0.push(own("_SYSTEMD_USER_SLICE"));
            }
        }
        self.clauses.push(clause);
        self
    }

    /// journalctl `-p MIN..MAX` (numbers 0 emerg … 7 debug; `-p 3` is `0..=3`).
    pub fn priorities(self, from: u8, to: u8) -> Query {
        let (lo, hi) = (from.min(to), from.max(to).min(7));
        let matches = (lo..=hi)
            .map(|p| Match::new("PRIORITY", p.to_string()))
            .collect();
        self.matches(matches)
    }

    /// journalctl `-b ID`: 32 hex digits, dashes allowed.
    pub fn boot(self, id: &str) -> Option<Query> {
        let hex: String = id.chars().filter(|&c| c != '-').collect();
        if hex.len() != 32 || !hex.bytes().all(|b| b.is_ascii_hexdigit()) {
            return None;
        }
        Some(self.matches(vec![Match::new("_BOOT_ID", hex.to_ascii_lowercase())]))
    }

    pub fn wants_field(&self, name: &[u8]) -> bool {
        match &self.fields {
            Fields::All => true,
            Fields::Only(names) => names.iter().any(|n| n.as_bytes() == name),
        }
    }
}

const PRIORITY_NAMES: [&str; 8] = [
    "emerg", "alert", "crit", "err", "warning", "notice", "info", "debug",
];

fn one_priority(s: &str) -> Option<u8> {
    let s = s.trim();
    if let Ok(n) = s.parse::<u8>() {
        return (n <= 7).then_some(n);
    }
    PRIORITY_NAMES
        .iter()
        .position(|n| n.eq_ignore_ascii_case(s))
        .map(|p| p as u8)
}

/// journalctl `-p`: one level (`err`, `3`) is that level and every more severe one
/// (0..=3); a range `warning..err` (either order, either end may be left out) is those
/// levels. Returns (from, to), from ≤ to.
pub fn parse_priorities(spec: &str) -> Result<(u8, u8), String> {
    let bad = || {
        format!(
            "'{spec}' is not a priority (0-7 or emerg, alert, crit, err, warning, notice, info, \
             debug; a range as warning..err)"
        )
    };
    match spec.split_once("..") {
        None => Ok((0, one_priority(spec).ok_or_else(bad)?)),
        Some((a, b)) => {
            let a = if a.is_empty() {
                Some(0)
            } else {
                one_priority(a)
            };
            let b = if b.is_empty() {
                Some(7)
            } else {
                one_priority(b)
            };
            let (a, b) = (a.ok_or_else(bad)?, b.ok_or_else(bad)?);
            Ok((a.min(b), a.max(b)))
        }
    }
}

/// A `FIELD=VALUE` operand as journalctl takes it (`sd_journal_add_match`): a field name of
/// 1 to 64 upper-case letters, digits and `_`, not starting with a digit; any value.
pub fn field_match(operand: &str) -> Option<Match> {
    let (field, value) = operand.split_once('=')?;
    let valid = !field.is_empty()
        && field.len() <= 64
        && !field.starts_with(|c: char| c.is_ascii_digit())
        && field
            .bytes()
            .all(|b| b.is_ascii_uppercase() || b.is_ascii_digit() || b == b'_');
    valid.then(|| Match::new(field, value))
}

/// journalctl's operands: `FIELD=VALUE` matches, `+` between groups. None when an operand
/// is neither (it is then a path, and the caller says a path and the journal do not mix);
/// an empty group (a leading, trailing or doubled `+`) is an error, as journalctl's.
pub fn operand_groups(operands: &[&str]) -> Option<Result<Vec<Vec<Match>>, String>> {
    let mut groups = vec![Vec::new()];
    for op in operands {
        if *op == "+" {
            groups.push(Vec::new());
        } else {
            groups.last_mut().expect("one group").push(field_match(op)?);
        }
    }
    if operands.is_empty() {
        return Some(Ok(Vec::new()));
    }
    if groups.iter().any(|g| g.is_empty()) {
        return Some(Err("'+' must stand between two FIELD=VALUE matches".into()));
    }
    Some(Ok(groups))
}

/// journalctl's unit name mangling: a name without a unit suffix is a service (`nginx` →
/// `nginx.service`); a glob keeps its own (`ngin*` stays a glob over every unit type).
pub fn mangle_unit(unit: &str) -> String {
    if unit.contains('.') || is_glob(unit) {
        unit.to_string()
    } else {
        format!("{unit}.service")
    }
}

pub fn is_glob(s: &str) -> bool {
    s.contains(['*', '?', '['])
}

/// Sorted, deduplicated offset lists: the set algebra of matches.
pub fn union(a: &[u64], b: &[u64]) -> Vec<u64> {
    let mut out = Vec::with_capacity(a.len() + b.len());
    let (mut i, mut j) = (0, 0);
    while i < a.len() && j < b.len() {
        match a[i].cmp(&b[j]) {
            std::cmp::Ordering::Less => {
                out.push(a[i]);
                i += 1;
            }
            std::cmp::Ordering::Greater => {
                out.push(b[j]);
                j += 1;
            }
            std::cmp::Ordering::Equal => {
                out.push(a[i]);
                i += 1;
                j += 1;
            }
        }
    }
    out.extend_from_slice(&a[i..]);
    out.extend_from_slice(&b[j..]);
    out
}

pub fn intersect(a: &[u64], b: &[u64]) -> Vec<u64> {
    let mut out = Vec::with_capacity(a.len().min(b.len()));
    let (mut i, mut j) = (0, 0);
    while i < a.len() && j < b.len() {
        match a[i].cmp(&b[j]) {
            std::cmp::Ordering::Less => i += 1,
            std::cmp::Ordering::Greater => j += 1,
            std::cmp::Ordering::Equal => {
                out.push(a[i]);
                i += 1;
                j += 1;
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn priorities_are_levels_and_ranges_by_name_or_number() {
        assert_eq!(parse_priorities("err"), Ok((0, 3)));
        assert_eq!(parse_priorities("3"), Ok((0, 3)));
        assert_eq!(parse_priorities("warning..err"), Ok((3, 4)));
        assert_eq!(parse_priorities("0..2"), Ok((0, 2)));
        assert_eq!(parse_priorities("notice.."), Ok((5, 7)));
        assert!(parse_priorities("8").is_err());
        assert!(parse_priorities("loud").is_err());
        assert_eq!(mangle_unit("nginx"), "nginx.service");
        assert_eq!(mangle_unit("ngin*"), "ngin*");
        let q = Query::default().units(&["user.slice"]);
        assert_eq!(
            q.clauses[0].0[0].0[0],
            Match::new("_SYSTEMD_SLICE", "user.slice")
        );
    }

    #[test]
    fn operands_are_field_matches_in_groups() {
        assert_eq!(field_match("_PID=1"), Some(Match::new("_PID", "1")));
        assert_eq!(
            field_match("MESSAGE=a=b"),
            Some(Match::new("MESSAGE", "a=b"))
        );
        assert_eq!(field_match("pid=1"), None);
        assert_eq!(field_match("1X=1"), None);
        assert_eq!(field_match("=1"), None);
        assert_eq!(field_match("/var/log/syslog"), None);
        let g = operand_groups(&["A=1", "B=2", "+", "C=3"])
            .unwrap()
            .unwrap();
        assert_eq!(g.len(), 2);
        assert_eq!(g[0], vec![Match::new("A", "1"), Match::new("B", "2")]);
        assert!(operand_groups(&["A=1", "+"]).unwrap().is_err());
        assert!(operand_groups(&["A=1", "x.log"]).is_none());
        let q = Query::default().operand_groups(g);
        assert_eq!(q.clauses[0].0.len(), 2);
    }

    #[test]
    fn set_algebra_keeps_order_and_drops_duplicates() {
        assert_eq!(union(&[1, 3, 5], &[2, 3, 9]), vec![1, 2, 3, 5, 9]);
        assert_eq!(intersect(&[1, 3, 5, 9], &[2, 3, 9]), vec![3, 9]);
        assert!(intersect(&[], &[1]).is_empty());
    }

    #[test]
    fn units_without_suffix_are_services_and_priorities_are_a_range() {
        let q = Query::default().units(&["nginx"]).priorities(0, 3);
        assert_eq!(q.clauses.len(), 2);
        assert_eq!(
            q.clauses[0].0[0].0[0],
            Match::new("_SYSTEMD_UNIT", "nginx.service")
        );
        assert_eq!(q.clauses[1].0[0].0.len(), 4);
        assert!(Query::default().boot("not-a-boot").is_none());
        let b = Query::default()
            .boot("0123456789ABCDEF-0123456789abcdef")
            .unwrap();
        assert_eq!(
            b.clauses[0].0[0].0[0].value,
            b"0123456789abcdef0123456789abcdef"
        );
    }
}
