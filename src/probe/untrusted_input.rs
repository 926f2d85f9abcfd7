//! Property tests: every parser of what a server (or a targets file) sends us must return,
//! never panic, whatever the bytes. Deterministic pseudo-random and mutated inputs.

use super::{cert, clock, gateway, grpc, jwt, target, targets_file};

/// xorshift64*: reproducible without a rand crate.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }

    fn bytes(&mut self, alphabet: &[u8], max: usize) -> Vec<u8> {
        let n = (self.next() as usize) % (max + 1);
        (0..n)
            .map(|_| alphabet[(self.next() as usize) % alphabet.len()])
            .collect()
    }

    /// `seed` with a few bytes changed, inserted or cut.
    fn mutate(&mut self, seed: &[u8]) -> Vec<u8> {
        let mut v = seed.to_vec();
        for _ in 0..1 + self.next() % 4 {
            let at = if v.is_empty() {
                0
            } else {
                (self.next() as usize) % v.len()
            };
            match self.next() % 3 {
                0 if !v.is_empty() => v[at] = self.next() as u8,
                1 => v.insert(at, self.next() as u8),
                _ => v.truncate(at),
            }
        }
        v
    }
}

const TEXTY: &[u8] = b"aZ09 ,;=\"\\'/:.[]@?#%-_xX\t\n\r\x00\xff";

#[test]
fn header_parsers_never_panic() {
    let mut rng = Rng(0x9e37_79b9_7f4a_7c15);
    let seeds: [&[u8]; 4] = [
        br#"Bearer realm="api", error="invalid_token", error_description="a \"b\"""#,
        b"limit=10, remaining=3, reset=20",
        b"\"default\";r=5;t=30",
        b"Sun, 06 Nov 1994 08:49:37 GMT",
    ];
    for i in 0..20_000 {
        let bytes = if i % 2 == 0 {
            rng.bytes(TEXTY, 80)
        } else {
            rng.mutate(seeds[i % seeds.len()])
        };
        let text = String::from_utf8_lossy(&bytes);
        let _ = gateway::parse_challenge(&text);
        let _ = clock::parse_http_date(&text);
        if let Ok(v) = hyper::header::HeaderValue::from_bytes(&bytes) {
            let mut h = hyper::HeaderMap::new();
            for name in [
                "ratelimit",
                "ratelimit-policy",
                "x-ratelimit-reset",
                "retry-after",
            ] {
                h.insert(name, v.clone());
            }
            let mut rl = gateway::RateLimit::default();
            gateway::read_rate_limit(&h, &mut rl, i as i64);
        }
    }
}

#[test]
fn token_message_and_certificate_parsers_never_panic() {
    let mut rng = Rng(0x1234_5678_9abc_def1);
    let jwt_seed = format!(
        "{}.{}.sig",
        jwt::base64url_encode(br#"{"alg":"none"}"#),
        jwt::base64url_encode(br#"{"exp":1e300,"aud":[1,"x"]}"#)
    );
    for i in 0..20_000 {
        let text = String::from_utf8_lossy(&rng.mutate(jwt_seed.as_bytes())).into_owned();
        let _ = jwt::decode(&text);
        let msg = rng.bytes(&[0, 1, 2, 5, 8, 0x0a, 0x12, 0x80, 0xff], 24);
        let _ = grpc::decode_response(&grpc::frame(&msg));
        let _ = grpc::decode_response(&msg);
        let der = rng.bytes(
            &[
                0x30, 0x31, 0x02, 0x06, 0x17, 0x18, 0xa0, 0x80, 0x81, 0x82, 0x55, 0x04, 0x03, b'Z',
                b'1',
            ],
            64,
        );
        let _ = cert::parse(&der);
        if i % 4 == 0 {
            let _ = cert::parse(&rng.mutate(&der));
        }
    }
}

#[test]
fn target_text_never_panics() {
    let mut rng = Rng(0xdead_beef_cafe_f00d);
    let seeds: [&[u8]; 3] = [
        b"https://[::1]:8443/health?x=1",
        b"grpc://h:1/svc",
        b"http://a/ --expect-header 'X: y' --max-latency 2s",
    ];
    for i in 0..20_000 {
        let text = String::from_utf8_lossy(&rng.mutate(seeds[i % seeds.len()])).into_owned();
        if let Ok(t) = target::parse(&text) {
            let _ = target::follow(&t, &text);
        }
        let _ = targets_file::parse(&text, "fuzz", &Default::default());
    }
}
