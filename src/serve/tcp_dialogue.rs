//! blackbox's TCP prober with `query_response` and `tls`: connect (through TLS when the
//! module says `tls: true`) with the probe's own dialer — so resolution, the SSRF gate,
//! timings and the certificate report are the CLI's — then the dialogue: each step reads
//! lines until one matches its `expect` regexp (none matching before the end of the stream
//! is `probe_failed_due_to_regex 1`), then writes its `send` line, with `${1}`/`${name}` of
//! the match filled in, as blackbox expands them. Lines are capped at LINE_CAP (Go's bufio
//! scanner's 64 KiB: a longer one fails the probe) and the whole dialogue is bounded by the
//! probe's deadline.

use crate::probe::deadline::Deadline;
use crate::probe::dial::{self, DialSpec, Io};
use crate::probe::report::{CheckResult, ProbeResult};
use crate::probe::{run, Ctx, TargetSpec};
use regex::Regex;
use std::time::Instant;
use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};

/// One `query_response` entry.
#[derive(Debug, Clone)]
pub struct Step {
    pub expect: Option<Regex>,
    pub send: Option<String>,
}

/// Go's bufio.Scanner refuses a longer token.
const LINE_CAP: usize = 64 * 1024;

/// The check a failed `expect` is recorded under (render::probe counts it as a regex).
pub const CHECK: &str = "query_response";

enum Failed {
    /// The stream ended, or no line matched: a regex failure.
    NoMatch(String),
    /// An I/O error, a line over the cap, the deadline.
    Other(String),
}

/// One line without its end (`\n`, and a `\r` before it, as ScanLines drops them); None at
/// the end of the stream.
async fn line<R: tokio::io::AsyncBufRead + Unpin>(r: &mut R) -> Result<Option<String>, Failed> {
    let mut buf = Vec::new();
    loop {
        let chunk = r
            .fill_buf()
            .await
            .map_err(|e| Failed::Other(format!("reading: {e}")))?;
        if chunk.is_empty() {
            return Ok((!buf.is_empty()).then(|| String::from_utf8_lossy(&buf).into_owned()));
        }
        let (take, done) = match memchr::memchr(b'\n', chunk) {
            Some(i) => (i + 1, true),
            None => (chunk.len(), false),
        };
        buf.extend_from_slice(&chunk[..take]);
        r.consume(take);
        if buf.len() > LINE_CAP + 1 {
            return Err(Failed::Other(format!(
                "a line longer than {} KiB",
                LINE_CAP / 1024
            )));
        }
        if done {
            buf.pop();
            if buf.last() == Some(&b'\r') {
                buf.pop();
            }
            return Ok(Some(String::from_utf8_lossy(&buf).into_owned()));
        }
    }
}

async fn converse(stream: Box<dyn Io>, steps: &[Step]) -> Result<Vec<String>, Failed> {
    let mut s = BufReader::new(stream);
    let mut log = Vec::new();
    for (i, step) in steps.iter().enumerate() {
        let mut send = step.send.clone().unwrap_or_default();
        if let Some(re) = &step.expect {
            loop {
                let Some(l) = line(&mut s).await? else {
                    return Err(Failed::NoMatch(format!(
                        "step {}: the stream ended before a line matched {}",
                        i + 1,
                        re.as_str()
                    )));
                };
                if let Some(caps) = re.captures(&l) {
                    log.push(format!("step {}: {:?} matched {}", i + 1, l, re.as_str()));
                    let mut filled = String::new();
                    caps.expand(&send, &mut filled);
                    send = filled;
                    break;
                }
            }
        }
        if step.send.is_some() {
            s.get_mut()
                .write_all(format!("{send}\n").as_bytes())
                .await
                .map_err(|e| Failed::Other(format!("step {}: writing: {e}", i + 1)))?;
            log.push(format!("step {}: sent {send:?}", i + 1));
        }
    }
    let _ = s.get_mut().shutdown().await;
    Ok(log)
}

/// The probe of one TCP target with the module's TLS and dialogue; the verdict as
/// `run::attempt` gives it (no error, every check passed).
pub async fn attempt(ctx: &Ctx, spec: &TargetSpec, tls: bool, steps: &[Step]) -> ProbeResult {
    let start = Instant::now();
    let deadline = Deadline::after(ctx.opts.timeout);
    let d = dial::dial(DialSpec {
        target: &spec.target,
        pin: None,
        resolver: &ctx.opts.resolver,
        connect_timeout: ctx.opts.connect_timeout,
        deadline,
        tls: tls.then_some((&ctx.tls, &[][..])),
    })
    .await;
    let mut r = run::from_dial(spec, &d);
    run::transport_checks(&mut r, &d);
    match d.stream {
        Err(e) => r.error = Some(e),
        Ok(stream) if !steps.is_empty() => {
            match tokio::time::timeout(deadline.left(), converse(stream, steps)).await {
                Ok(Ok(log)) => r.checks.push(CheckResult::new(CHECK, true, log.join("; "))),
                Ok(Err(Failed::NoMatch(why))) => r.checks.push(CheckResult::new(CHECK, false, why)),
                Ok(Err(Failed::Other(why))) => r.error = Some(why),
                Err(_) => r.error = Some(deadline.message("in the query_response dialogue")),
            }
        }
        Ok(_) => {}
    }
    r.phases_ms.total = dial::since_ms(start);
    r.ok = r.error.is_none() && r.checks.iter().all(|c| c.ok);
    r.attempts_ok = u32::from(r.ok);
    r
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn lines_end_as_go_scans_them_and_are_capped() {
        let mut r = BufReader::new(&b"SSH-2.0-x\r\nplain\nlast"[..]);
        assert_eq!(
            line(&mut r).await.ok().flatten().as_deref(),
            Some("SSH-2.0-x")
        );
        assert_eq!(line(&mut r).await.ok().flatten().as_deref(), Some("plain"));
        assert_eq!(line(&mut r).await.ok().flatten().as_deref(), Some("last"));
        assert!(matches!(line(&mut r).await, Ok(None)));
        let long = vec![b'a'; LINE_CAP + 10];
        let mut r = BufReader::new(&long[..]);
        assert!(matches!(line(&mut r).await, Err(Failed::Other(_))));
    }
}
