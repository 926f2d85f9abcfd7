//! The compact PSI cell of a cgroup row (`ps --by`, `mem`): the group's own `some avg10`
//! for cpu, memory and io, as `cpu/mem/io` whole percentages. v1 keeps no PSI per group, so a
//! view shows the column only when some row has a figure, and a row without one shows `-`.

use crate::system::containers::hierarchy::GroupCounters;
use crate::system::pressure::Pressure;

/// Short enough for ten columns at 80: the footer (ps) and the row text say what C/M/IO are.
pub const HEADER: &str = "PSI C/M/IO";

/// Whether any row has a PSI figure (the column is left out otherwise).
pub fn any<'a>(mut rows: impl Iterator<Item = &'a GroupCounters>) -> bool {
    rows.any(|c| c.cpu_pressure.is_some() || c.memory_pressure.is_some() || c.io_pressure.is_some())
}

/// `2/0/13` (some avg10, whole %; `<1` for a stall under one); an unreadable file is `?`;
/// none at all is `-`.
pub fn cell(c: &GroupCounters) -> String {
    let all = [c.cpu_pressure, c.memory_pressure, c.io_pressure];
    if all.iter().all(Option::is_none) {
        return "-".into();
    }
    // Whole percents keep ten columns inside 80; under one but above zero is `<1`, never a
    // `0` that hides a stall. The JSON has the figures to the hundredth.
    let one = |p: &Option<Pressure>| match p {
        Some(p) if p.some.avg10 > 0.0 && p.some.avg10 < 1.0 => "<1".into(),
        Some(p) => format!("{:.0}", p.some.avg10),
        None => "?".into(),
    };
    all.iter().map(one).collect::<Vec<_>>().join("/")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::system::pressure::Averages;

    fn psi(avg10: f64) -> Option<Pressure> {
        Some(Pressure {
            some: Averages {
                avg10,
                avg60: 0.0,
                avg300: 0.0,
            },
            full: None,
        })
    }

    #[test]
    fn cells() {
        let mut c = GroupCounters::default();
        assert_eq!(cell(&c), "-");
        assert!(!any([&c].into_iter()));
        c.cpu_pressure = psi(2.5);
        c.io_pressure = psi(13.14);
        assert_eq!(cell(&c), "2/?/13", "2.5 rounds to even");
        c.memory_pressure = psi(0.25);
        c.io_pressure = psi(0.0);
        assert_eq!(cell(&c), "2/<1/0");
        assert!(any([&GroupCounters::default(), &c].into_iter()));
    }
}
