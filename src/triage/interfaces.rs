//! Which interfaces the report shows: the busiest in the window, without the idle virtual
//! ones. Sorting by traffic alone kept /proc/net/dev's order when the host was quiet, which
//! put lo, ifb0 and ifb1 first and left eth0 out.

/// How many interfaces the report lists.
pub const SHOWN: usize = 3;

/// (name, rx bytes/s, tx bytes/s) of the interfaces to show, busiest first: a virtual
/// interface (lo, ifb, veth, bridges, tunnels) only when it carried traffic in the window;
/// a physical one always, as the link an engineer asks about first. Ties keep the order
/// given (the kernel's).
pub fn busiest(
    all: &[(String, f64, f64)],
    is_virtual: impl Fn(&str) -> bool,
) -> Vec<(String, f64, f64)> {
    let mut shown: Vec<(String, f64, f64)> = all
        .iter()
        .filter(|(name, rx, tx)| rx + tx > 0.0 || !is_virtual(name))
        .cloned()
        .collect();
    shown.sort_by(|a, b| (b.1 + b.2).total_cmp(&(a.1 + a.2)));
    shown.truncate(SHOWN);
    shown
}

/// A virtual device has no bus: sysfs files it under /sys/devices/virtual. Unknown (no
/// sysfs) counts as physical, so it is shown rather than hidden.
pub fn is_virtual(name: &str) -> bool {
    std::fs::read_link(format!("/sys/class/net/{name}"))
        .map(|target| target.to_string_lossy().contains("/devices/virtual/"))
        .unwrap_or(false)
}

#[cfg(test)]
mod tests {
    use super::busiest;

    fn row(name: &str, rx: f64, tx: f64) -> (String, f64, f64) {
        (name.to_string(), rx, tx)
    }

    fn virt(name: &str) -> bool {
        name == "lo" || name.starts_with("ifb") || name.starts_with("veth")
    }

    fn names(v: &[(String, f64, f64)]) -> Vec<&str> {
        v.iter().map(|r| r.0.as_str()).collect()
    }

    #[test]
    fn a_quiet_host_shows_its_physical_link_not_idle_virtual_ones() {
        // The order of /proc/net/dev on the host of the report.
        let quiet = [
            row("lo", 0.0, 0.0),
            row("ifb0", 0.0, 0.0),
            row("ifb1", 0.0, 0.0),
            row("eth0", 0.0, 0.0),
        ];
        assert_eq!(names(&busiest(&quiet, virt)), ["eth0"]);
    }

    #[test]
    fn busy_interfaces_rank_by_traffic_virtual_or_not() {
        let busy = [
            row("lo", 5e6, 5e6),
            row("ifb0", 0.0, 0.0),
            row("eth0", 1e3, 2e3),
            row("eth1", 0.0, 0.0),
            row("veth9", 4e6, 0.0),
        ];
        assert_eq!(names(&busiest(&busy, virt)), ["lo", "veth9", "eth0"]);
    }
}
