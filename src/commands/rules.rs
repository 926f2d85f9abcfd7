//! `oncall rules prometheus`: the alerting rules of serve/alert_rules.rs, as YAML for
//! Prometheus' `rule_files` (or JSON with --json, which Prometheus reads as well: JSON is
//! YAML). Markdown wraps the YAML in a fenced block.

use crate::cli::RulesPrometheusArgs;
use crate::error::Error;
use crate::render::{Format, Ui};
use crate::serve::alert_rules;
use std::io::Write;
use std::time::Duration;

/// A duration as Prometheus writes one: whole seconds, else milliseconds.
fn prometheus_duration(d: Duration) -> String {
    let ms = d.as_millis();
    if ms % 1000 == 0 {
        format!("{}s", ms / 1000)
    } else {
        format!("{ms}ms")
    }
}

pub fn prometheus(args: RulesPrometheusArgs, ui: &Ui, out: &mut dyn Write) -> Result<u8, Error> {
    let file = alert_rules::generate(&prometheus_duration(args.for_));
    let yaml = || serde_yaml::to_string(&file).map_err(|e| Error::Usage(e.to_string()));
    match ui.format {
        Format::Json => {
            serde_json::to_writer_pretty(&mut *out, &file).map_err(std::io::Error::from)?;
            writeln!(out)?;
        }
        Format::Markdown => write!(out, "```yaml\n{}```\n", yaml()?)?,
        _ => write!(out, "{}", yaml()?)?,
    }
    Ok(crate::exit_codes::SUCCESS)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations_as_prometheus_writes_them() {
        assert_eq!(prometheus_duration(Duration::from_secs(60)), "60s");
        assert_eq!(prometheus_duration(Duration::from_millis(1500)), "1500ms");
        assert_eq!(prometheus_duration(Duration::ZERO), "0s");
    }
}
