//! The compact PSI cell of a cgroup row (`ps --by`, `mem`): the group's own `some avg10`
//! for cpu, memory and io, as `cpu/mem/io` percentages. v1 keeps no PSI per group, so a
//! view shows the column only when some row has a figure, and a row without one shows `-`.

use crate::system::containers::hierarchy::GroupCounters;
use crate::system::pressure::Pressure;

pub const HEADER: &str = "PSI CPU/MEM/IO";

/// Whether any row has a PSI figure (the column is left out otherwise).
pub fn any<'a>(mut rows: impl Iterator<Item = &'a GroupCounters>) -> bool {
    rows.any(|c| c.cpu_pressure.is_some() || c.memory_pressure.is_some() || c.io_pressure.is_some())
}

/// `2.5/0.0/13.1` (some avg10, %); an unreadable file is `?`; none at all is `-`.
pub fn cell(c: &GroupCounters) -> String {
    let all = [c.cpu_pressure, c.memory_pressure, c.io_pressure];
    if all.iter().all(Option::is_none) {
        return "-".into();
    }
    let one = |p: &Option<Pressure>| match p {
        Some(p) => format!("{:.1}", p.some.avg10),
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
        assert_eq!(cell(&c), "2.5/?/13.1");
        assert!(any([&GroupCounters::default(), &c].into_iter()));
    }
}
