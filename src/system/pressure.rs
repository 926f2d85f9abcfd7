//! Pressure stall information (`/proc/pressure/{cpu,memory,io}`, Linux 4.20+): the share of
//! time tasks waited for a resource, over 10 s, 60 s and 300 s.

use serde::Serialize;

#[derive(Debug, Clone, Copy, PartialEq, Serialize, schemars::JsonSchema)]
pub struct Averages {
    pub avg10: f64,
    pub avg60: f64,
    pub avg300: f64,
}

#[derive(Debug, Clone, Copy, PartialEq, Serialize, schemars::JsonSchema)]
pub struct Pressure {
    /// Some tasks stalled.
    pub some: Averages,
    /// All non-idle tasks stalled at once (absent for cpu on older kernels).
    pub full: Option<Averages>,
}

/// `resource` is `cpu`, `memory` or `io`; `None` where the kernel has no PSI.
pub fn read(resource: &str) -> Option<Pressure> {
    let text = std::fs::read_to_string(format!("/proc/pressure/{resource}")).ok()?;
    parse(&text)
}

/// A PSI file's `some`/`full` lines. A share that is not a number from 0 to 100 (`NaN`,
/// `inf`, `-1`, `1e999`) makes that line unreadable rather than a figure nobody measured.
pub fn parse(text: &str) -> Option<Pressure> {
    let mut some = None;
    let mut full = None;
    for line in text.lines() {
        let mut words = line.split_whitespace();
        let kind = words.next();
        let avg = |key: &str| -> Option<f64> {
            words
                .clone()
                .find_map(|w| w.strip_prefix(key)?.strip_prefix('=')?.parse().ok())
                .filter(|v: &f64| (0.0..=100.0).contains(v))
        };
        let averages = (|| {
            Some(Averages {
                avg10: avg("avg10")?,
                avg60: avg("avg60")?,
                avg300: avg("avg300")?,
            })
        })();
        match kind {
            Some("some") => some = averages,
            Some("full") => full = averages,
            _ => {}
        }
    }
    Some(Pressure { some: some?, full })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_some_and_full() {
        let p = parse("some avg10=1.50 avg60=0.20 avg300=0.00 total=12\nfull avg10=0.10 avg60=0.00 avg300=0.00 total=3\n").unwrap();
        assert_eq!(p.some.avg10, 1.5);
        assert_eq!(p.full.unwrap().avg10, 0.1);
        assert!(parse("nonsense").is_none());
        assert!(parse("some avg10=x").is_none());
    }

    #[test]
    fn hostile_text_gives_no_figures() {
        for text in [
            "",
            "\0\0\0",
            "some avg10=NaN avg60=0 avg300=0 total=0\n",
            "some avg10=inf avg60=0 avg300=0 total=0\n",
            "some avg10=-1 avg60=0 avg300=0 total=0\n",
            "some avg10=1e999 avg60=0 avg300=0 total=0\n",
            "some avg10=101 avg60=0 avg300=0 total=0\n",
            "some avg10=1.0 avg60=0\n",
            "full avg10=1.0 avg60=0 avg300=0 total=0\n",
            "some avg10 = 1.0 avg60 = 0 avg300 = 0\n",
            "SOME avg10=1.00 avg60=0.00 avg300=0.00 total=0\n",
        ] {
            assert_eq!(parse(text), None, "{text:?}");
        }
        // A damaged full line keeps the some figures; unknown words and a missing total pass.
        let p = parse("some x=1 avg10=2.5 avg60=1 avg300=0.5\nfull avg10=\u{1b}[31m\n").unwrap();
        assert_eq!((p.some.avg10, p.some.avg300), (2.5, 0.5));
        assert_eq!(p.full, None);
        // Repeated lines: the last one read wins, as for any flat-keyed file read twice.
        let p = parse("some avg10=1 avg60=1 avg300=1\nsome avg10=3 avg60=3 avg300=3\n").unwrap();
        assert_eq!(p.some.avg10, 3.0);
    }
}
