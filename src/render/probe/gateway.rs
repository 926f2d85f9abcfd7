//! `oncall probe --gateway`: auth challenge, rate limits, CORS and the JWT's times.

use crate::probe::gateway::GatewayReport;
use crate::render::{json, markdown, table, Format, Ui};
use std::io::{self, Write};

pub fn render(ui: &Ui, out: &mut dyn Write, r: &GatewayReport) -> io::Result<()> {
    match ui.format {
        Format::Json | Format::Prometheus => json::write(out, r),
        Format::Markdown => {
            let rows: Vec<Vec<String>> = r
                .checks
                .iter()
                .map(|c| {
                    vec![
                        c.name.clone(),
                        if c.ok { "ok".into() } else { "**FAIL**".into() },
                        c.detail.clone(),
                    ]
                })
                .collect();
            markdown::table(out, &["check", "result", "detail"], &rows)
        }
        Format::Table => {
            let st = &ui.style;
            let verdict = if r.ok {
                st.good("OK  ")
            } else {
                st.bad("FAIL")
            };
            writeln!(out, "{verdict}  {}", st.bold(&r.target))?;
            let rl = &r.rate_limit;
            let mut facts = Vec::new();
            if let Some(l) = rl.limit {
                facts.push(format!("limit {l}"));
            }
            if let Some(x) = rl.remaining {
                facts.push(format!("remaining {x}"));
            }
            if let Some(x) = rl.reset_seconds {
                facts.push(format!("reset in {x}s"));
            }
            if let Some(x) = &rl.policy {
                facts.push(format!("policy {x}"));
            }
            if let Some(x) = rl.retry_after_seconds {
                facts.push(format!("retry after {x}s"));
            }
            if !facts.is_empty() {
                writeln!(out, "      rate limit: {}", facts.join(", "))?;
            }
            if let Some(j) = &r.jwt {
                writeln!(
                    out,
                    "      jwt: alg {} iss {} aud {} exp {}{}",
                    j.alg.as_deref().unwrap_or("?"),
                    j.iss.as_deref().unwrap_or("-"),
                    if j.aud.is_empty() {
                        "-".to_string()
                    } else {
                        j.aud.join(",")
                    },
                    j.exp.as_deref().unwrap_or("-"),
                    j.clock_skew_seconds
                        .map(|s| format!(", our clock is {s}s ahead of the server's"))
                        .unwrap_or_default()
                )?;
            }
            let mut t = table::new(ui, &["", "check", "result", "detail"]);
            for c in &r.checks {
                let res = if c.ok { st.good("ok") } else { st.bad("FAIL") };
                t.add_row(vec![
                    "    ".to_string(),
                    c.name.clone(),
                    res,
                    c.detail.clone(),
                ]);
            }
            table::write(out, &t)?;
            ui.hint(
                out,
                "same as: curl -s -o /dev/null -D - URL (once without and once with -H 'Authorization: Bearer …'); curl -X OPTIONS -H 'Origin: …' -D - URL",
            )
        }
    }
}
