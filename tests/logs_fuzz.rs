//! The log-line parsers take untrusted text: random and mutated lines must never panic them.
//! A seeded generator keeps failures reproducible (the seed and line are in the message).

use oncall::logs::fields::{self, FieldFilter};
use oncall::logs::levels;
use oncall::logs::signatures;
use oncall::logs::time_range::{self, TimeRange};
use oncall::logs::timestamps::{Clock, Format, Parser};

struct Rng(u64);
impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
}

const SEEDS: [&[u8]; 8] = [
    b"2026-11-27T14:03:01.123+05:30 ERROR x",
    b"Nov 27 14:03:01 host app[1]: WARNING: y",
    b"10.0.0.1 - - [27/Nov/2026:14:03:01 +0000] \"GET / HTTP/1.1\" 500 1",
    br#"{"ts":1795788181,"level":"error","msg":"db \"x\" 0xdead","http":{"status":500}}"#,
    b"<13>Nov  7 01:02:03 h p: level=warn id=123e4567-e89b-12d3-a456-426614174000",
    b"[error] 10.1.2.3:8080 'quoted' 9f3a2b1c4d5e6f70 v1.2.3",
    b"9999-99-99T99:99:99.9999999999Z",
    b"{\"t\": 99999999999999999999999999}",
];

#[test]
fn parsers_never_panic_on_random_or_mutated_lines() {
    let clock = Clock::utc();
    let parsers: Vec<Parser> = [
        Format::Iso,
        Format::CommonLog,
        Format::Syslog,
        Format::JsonEpoch,
        Format::Klog,
        Format::LeadingEpoch,
    ]
    .into_iter()
    .map(|f| Parser::with_format(f, &clock))
    .collect();
    let filter = FieldFilter::parse("http.status=500").unwrap();
    let mut rng = Rng(0x9e37_79b9_7f4a_7c15);
    for round in 0..60_000u32 {
        let mut line: Vec<u8> = SEEDS[(rng.next() % SEEDS.len() as u64) as usize].to_vec();
        // Mutate: flip, insert, delete, truncate, or start from pure noise.
        match rng.next() % 5 {
            0 => line = (0..rng.next() % 200).map(|_| rng.next() as u8).collect(),
            1 => {
                let cut = (rng.next() as usize) % (line.len() + 1);
                line.truncate(cut);
            }
            _ => {
                for _ in 0..1 + rng.next() % 6 {
                    let at = (rng.next() as usize) % (line.len() + 1);
                    match rng.next() % 3 {
                        0 if at < line.len() => line[at] = rng.next() as u8,
                        1 => {
                            let alphabet = b"0123456789:-/.[]{}\"' TZ+\0\xff";
                            line.insert(at, alphabet[(rng.next() as usize) % alphabet.len()])
                        }
                        _ if at < line.len() => {
                            line.remove(at);
                        }
                        _ => {}
                    }
                }
            }
        }
        let ctx = format!("round {round}: {:?}", String::from_utf8_lossy(&line));
        let r = std::panic::catch_unwind(|| {
            for p in &parsers {
                let _ = p.parse(&line);
            }
            let _ = Parser::detect(&line, &clock);
            let _ = levels::detect(&line);
            let _ = signatures::signature(&line);
            let _ = fields::all_match(std::slice::from_ref(&filter), &line);
            let _ = time_range::slice_range(
                &line,
                &TimeRange {
                    since: Some(1_795_788_181_000),
                    until: Some(1_795_788_182_000),
                },
                &parsers[0],
            );
        });
        assert!(r.is_ok(), "panicked on {ctx}");
    }
}
