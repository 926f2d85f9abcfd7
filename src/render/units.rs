//! Numbers for people: sizes in binary units (KiB, MiB, GiB, as DESIGN.md asks), durations,
//! and "?" for what permissions hid (never a misleading 0).

/// `0 B`, `512 B`, `1.5 KiB`, `23.5 GiB`.
pub fn bytes(n: u64) -> String {
    const UNITS: [&str; 6] = ["KiB", "MiB", "GiB", "TiB", "PiB", "EiB"];
    if n < 1024 {
        return format!("{n} B");
    }
    let mut value = n as f64 / 1024.0;
    let mut unit = 0;
    while value >= 1024.0 && unit < UNITS.len() - 1 {
        value /= 1024.0;
        unit += 1;
    }
    if value >= 100.0 {
        format!("{value:.0} {}", UNITS[unit])
    } else {
        format!("{value:.1} {}", UNITS[unit])
    }
}

pub fn opt_bytes(n: Option<u64>) -> String {
    n.map(bytes).unwrap_or_else(|| "?".into())
}

pub fn opt<T: std::fmt::Display>(v: Option<T>) -> String {
    v.map(|v| v.to_string()).unwrap_or_else(|| "?".into())
}

/// A rate in bytes per second, `-` for none at all (most processes do no I/O).
pub fn rate(bytes_per_second: Option<f64>) -> String {
    match bytes_per_second {
        None => "?".into(),
        Some(r) if r < 0.5 => "-".into(),
        Some(r) => format!("{}/s", bytes(r as u64)),
    }
}

/// Elapsed time as `ps` prints etime, shortened: `45s`, `12m03s`, `3h07m`, `12d04h`.
pub fn elapsed(seconds: u64) -> String {
    let (d, h, m, s) = (
        seconds / 86_400,
        seconds / 3600 % 24,
        seconds / 60 % 60,
        seconds % 60,
    );
    if d > 0 {
        format!("{d}d{h:02}h")
    } else if h > 0 {
        format!("{h}h{m:02}m")
    } else if m > 0 {
        format!("{m}m{s:02}s")
    } else {
        format!("{s}s")
    }
}

/// `12,345`: counts read faster with separators.
pub fn count(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// `1 socket`, `2 sockets`, `1,024 processes`: the count and the word that agrees with it.
pub fn plural(n: u64, one: &str, many: &str) -> String {
    format!("{} {}", count(n), if n == 1 { one } else { many })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sizes() {
        assert_eq!(bytes(0), "0 B");
        assert_eq!(bytes(1023), "1023 B");
        assert_eq!(bytes(1536), "1.5 KiB");
        assert_eq!(bytes(300 * 1024 * 1024), "300 MiB");
        assert_eq!(opt_bytes(None), "?");
    }

    #[test]
    fn times_and_counts() {
        assert_eq!(elapsed(45), "45s");
        assert_eq!(elapsed(723), "12m03s");
        assert_eq!(elapsed(90_000), "1d01h");
        assert_eq!(count(1234567), "1,234,567");
        assert_eq!(count(12), "12");
        assert_eq!(plural(1, "socket", "sockets"), "1 socket");
        assert_eq!(plural(0, "socket", "sockets"), "0 sockets");
        assert_eq!(plural(1200, "process", "processes"), "1,200 processes");
        assert_eq!(rate(None), "?");
        assert_eq!(rate(Some(0.0)), "-");
    }
}
