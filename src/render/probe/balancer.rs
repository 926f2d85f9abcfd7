//! `oncall probe --balancer N`: the distribution table, failures, stickiness.

use crate::probe::balancer::BalancerReport;
use crate::render::{json, markdown, table, Format, Ui};
use std::io::{self, Write};

pub fn render(ui: &Ui, out: &mut dyn Write, r: &BalancerReport) -> io::Result<()> {
    match ui.format {
        Format::Json | Format::Prometheus => json::write(out, r),
        Format::Markdown => markdown::table(out, HEADER, &rows(r)),
        Format::Table => {
            let st = &ui.style;
            let verdict = if r.ok {
                st.good("OK  ")
            } else {
                st.bad("FAIL")
            };
            writeln!(
                out,
                "{verdict}  {}  {} ({}), backend by {}",
                st.bold(&r.target),
                crate::render::units::plural(r.requests as u64, "request", "requests"),
                if r.reuse {
                    "one kept-alive connection"
                } else {
                    "fresh connections"
                },
                r.identified_by
            )?;
            let mut t = table::new(ui, HEADER);
            for row in rows(r) {
                t.add_row(row);
            }
            table::write(out, &t)?;
            if r.failed > 0 {
                writeln!(
                    out,
                    "{}",
                    st.bad(&format!(
                        "{} of {} failed",
                        r.failed,
                        crate::render::units::plural(r.requests as u64, "request", "requests")
                    ))
                )?;
                for s in r.samples.iter().filter(|s| !s.ok) {
                    writeln!(
                        out,
                        "  #{} {} {}",
                        s.n,
                        s.backend.as_deref().unwrap_or("(unidentified)"),
                        s.status
                            .map(|c| c.to_string())
                            .or_else(|| s.error.clone())
                            .unwrap_or_default()
                    )?;
                }
            }
            match &r.stickiness {
                Some(s) if s.sticky => writeln!(
                    out,
                    "sticky: cookie {} kept {} on {}",
                    s.cookie,
                    crate::render::units::plural(s.requests as u64, "request", "requests"),
                    s.backends.join(", ")
                )?,
                Some(s) => writeln!(
                    out,
                    "{}",
                    st.warn(&format!(
                        "not sticky: with cookie {}, {} went to {}",
                        s.cookie,
                        crate::render::units::plural(s.requests as u64, "request", "requests"),
                        s.backends.join(", ")
                    ))
                )?,
                None => writeln!(out, "stickiness: no cookie was set")?,
            }
            ui.hint(
                out,
                "same as: for i in $(seq N); do curl -s -o /dev/null -D - URL | grep -i -e '^server:' -e '^x-served-by:'; done | sort | uniq -c",
            )
        }
    }
}

const HEADER: &[&str] = &[
    "backend", "requests", "share", "statuses", "failed", "p50 ms", "p90 ms", "max ms",
];

fn rows(r: &BalancerReport) -> Vec<Vec<String>> {
    r.backends
        .iter()
        .map(|b| {
            let statuses: Vec<String> =
                b.statuses.iter().map(|(k, v)| format!("{k}×{v}")).collect();
            vec![
                b.backend.clone(),
                b.requests.to_string(),
                format!("{:.1}%", b.share_percent),
                statuses.join(" "),
                b.failed.to_string(),
                format!("{:.1}", b.p50_ms),
                format!("{:.1}", b.p90_ms),
                format!("{:.1}", b.max_ms),
            ]
        })
        .collect()
}
