//! A deterministic log generator for the logs tests: ISO timestamps one step apart, levels,
//! request ids, HTTP statuses, and on request the damage real logs carry (NUL bytes, invalid
//! UTF-8, a 10 MB line). It returns each line's timestamp so time-range tests can check
//! results against the generator's own clock.
#![allow(dead_code)]

use std::io::Write;
use std::path::Path;
use std::process::Command;

pub struct Gen {
    state: u64,
    pub t_ms: i64,
    pub step_ms: i64,
}

pub const T0: i64 = 1_795_788_181_000; // 2026-11-27T14:03:01Z

impl Gen {
    pub fn new(seed: u64, t0_ms: i64, step_ms: i64) -> Gen {
        Gen {
            state: seed.wrapping_mul(6_364_136_223_846_793_005) | 1,
            t_ms: t0_ms,
            step_ms,
        }
    }

    fn next(&mut self) -> u64 {
        self.state ^= self.state << 13;
        self.state ^= self.state >> 7;
        self.state ^= self.state << 17;
        self.state
    }

    /// One line (without newline) and its timestamp.
    pub fn line(&mut self) -> (Vec<u8>, i64) {
        let t = self.t_ms;
        self.t_ms += self.step_ms;
        let r = self.next();
        let level = match r % 100 {
            0..=4 => "ERROR",
            5..=14 => "WARN",
            15..=89 => "INFO",
            _ => "DEBUG",
        };
        let status = [200, 200, 200, 201, 204, 301, 404, 500, 502, 503][(r >> 8) as usize % 10];
        let ts = iso(t);
        let line = format!(
            "{ts} {level} service=api req={:016x} status={status} path=/v1/items/{} took={}ms user=u{}",
            self.next(),
            (r >> 20) % 1000,
            (r >> 32) % 500,
            (r >> 40) % 50
        );
        (line.into_bytes(), t)
    }
}

/// UTC RFC 3339 with milliseconds.
pub fn iso(ms: i64) -> String {
    let secs = ms.div_euclid(1000);
    let days = secs.div_euclid(86_400);
    let rem = secs.rem_euclid(86_400);
    // Civil from days (H. Hinnant).
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let y = yoe + era * 400;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = if m <= 2 { y + 1 } else { y };
    format!(
        "{y:04}-{m:02}-{d:02}T{:02}:{:02}:{:02}.{:03}Z",
        rem / 3600,
        rem / 60 % 60,
        rem % 60,
        ms.rem_euclid(1000)
    )
}

pub struct Damage {
    pub nul_every: usize,
    pub bad_utf8_every: usize,
    pub huge_line_at: Option<usize>,
}

/// Writes `n` lines; returns each line's timestamp.
pub fn write_log(path: &Path, gen: &mut Gen, n: usize, damage: Option<&Damage>) -> Vec<i64> {
    let mut f = std::io::BufWriter::new(std::fs::File::create(path).unwrap());
    let mut times = Vec::with_capacity(n);
    for i in 0..n {
        let (mut line, t) = gen.line();
        if let Some(d) = damage {
            if d.nul_every > 0 && i % d.nul_every == 3 {
                line.extend_from_slice(b" nul=\0\0\0 after");
            }
            if d.bad_utf8_every > 0 && i % d.bad_utf8_every == 5 {
                line.extend_from_slice(b" bytes=\xff\xfe\xc3(ERROR)");
            }
            if d.huge_line_at == Some(i) {
                line.extend_from_slice(b" huge=");
                line.extend(std::iter::repeat_n(b'x', 10 * 1024 * 1024));
                line.extend_from_slice(b" status=503 ERROR end");
            }
        }
        f.write_all(&line).unwrap();
        f.write_all(b"\n").unwrap();
        times.push(t);
    }
    f.flush().unwrap();
    times
}

/// Runs a classic tool, returns (stdout, exit code).
pub fn classic(cmd: &str, args: &[&str]) -> (String, i32) {
    let out = Command::new(cmd)
        .args(args)
        .output()
        .unwrap_or_else(|e| panic!("{cmd} is needed for this test: {e}"));
    (
        String::from_utf8_lossy(&out.stdout).into_owned(),
        out.status.code().unwrap_or(-1),
    )
}

/// Runs a shell pipeline (for `gzip -dc f | grep -c`).
pub fn sh(script: &str) -> String {
    let out = Command::new("sh").arg("-c").arg(script).output().unwrap();
    assert!(
        out.status.success() || out.status.code() == Some(1),
        "{script}: {out:?}"
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}
