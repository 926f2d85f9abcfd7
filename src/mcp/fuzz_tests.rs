//! Arbitrary JSON as a tool's arguments: parsing into the request, its validation and the
//! page never panic, whatever the shape. Deterministic pseudo-random values built around
//! each schema's own property names (so the deserialiser goes past "unknown field"), and
//! hostile strings (huge, control characters, regex and duration syntax).

use super::budget::Page;
use super::tools::TOOLS;
use serde_json::{json, Map, Value};

/// xorshift64*: reproducible without a rand crate.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }

    fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[(self.next() as usize) % items.len()]
    }

    fn value(&mut self, depth: u32) -> Value {
        const STRINGS: &[&str] = &[
            "",
            "0",
            "500ms",
            "-1s",
            "1e400",
            "99999999999999999999h",
            "(",
            "[a-",
            "\u{1b}]0;x\u{7}",
            "../../etc/passwd",
            "http://169.254.169.254/",
            "tcp://[::1]:0",
            "grpc://",
            "KEY=",
            "Name:",
            "\u{202e}",
            "é",
        ];
        match self.next() % 9 {
            0 => Value::Null,
            1 => json!(self.next() % 2 == 0),
            2 => json!(self.next() as i64),
            3 => json!(-(self.next() as i64 % 1000)),
            4 => json!((self.next() % 1000) as f64 / 7.0),
            5 => json!(self.pick(STRINGS)),
            6 => json!("x".repeat((self.next() % 5000) as usize)),
            7 if depth < 3 => Value::Array(
                (0..self.next() % 4)
                    .map(|_| self.value(depth + 1))
                    .collect(),
            ),
            _ if depth < 3 => {
                let mut m = Map::new();
                for _ in 0..self.next() % 3 {
                    m.insert(format!("k{}", self.next() % 3), self.value(depth + 1));
                }
                Value::Object(m)
            }
            _ => json!(1),
        }
    }
}

#[test]
fn arbitrary_arguments_never_panic() {
    let mut rng = Rng(0x9e37_79b9_7f4a_7c15);
    for def in TOOLS {
        let schema = (def.schema)();
        let props: Vec<String> = schema["properties"]
            .as_object()
            .map(|p| p.keys().cloned().collect())
            .unwrap_or_default();
        for _ in 0..300 {
            let mut args = Map::new();
            for _ in 0..rng.next() % 5 {
                let key = if props.is_empty() || rng.next() % 8 == 0 {
                    "offset".to_string()
                } else {
                    rng.pick(&props).clone()
                };
                args.insert(key, rng.value(0));
            }
            if let Some(spec) = &def.list {
                let _ = Page::take(&mut args, spec);
            }
            super::tools::check_only(def, Value::Object(args));
        }
        // Not even an object.
        for v in [json!(null), json!([1, 2]), json!("x"), json!(7)] {
            super::tools::check_only(def, v);
        }
    }
}
