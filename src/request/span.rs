//! A duration in a request: `"500ms"`, `"2s"`, `"1m30s"` as on the command line, or a bare
//! number of seconds. The CLI hands over the `Duration` clap already parsed.

use schemars::{json_schema, JsonSchema, Schema, SchemaGenerator};
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use std::borrow::Cow;
use std::time::Duration;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct Span(pub Duration);

impl Span {
    pub const fn millis(ms: u64) -> Span {
        Span(Duration::from_millis(ms))
    }

    pub const fn secs(s: u64) -> Span {
        Span(Duration::from_secs(s))
    }

    pub fn is_zero(&self) -> bool {
        self.0.is_zero()
    }
}

impl<'de> Deserialize<'de> for Span {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Span, D::Error> {
        #[derive(Deserialize)]
        #[serde(untagged)]
        enum Raw {
            Seconds(f64),
            Text(String),
        }
        let text = match Raw::deserialize(d)? {
            Raw::Seconds(s) => s.to_string(),
            Raw::Text(t) => t,
        };
        crate::duration::parse(&text)
            .map(Span)
            .map_err(serde::de::Error::custom)
    }
}

impl Serialize for Span {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&format!("{}ms", self.0.as_millis()))
    }
}

impl JsonSchema for Span {
    fn schema_name() -> Cow<'static, str> {
        "Duration".into()
    }

    fn json_schema(_: &mut SchemaGenerator) -> Schema {
        json_schema!({
            "type": "string",
            "description": "a duration: 500ms, 2s, 1m30s, 2h (a bare number is seconds)",
            "pattern": "^[0-9.]+(ms|s|sec|m|min|h|d)?([0-9.]+(ms|s|sec|m|min|h|d))*$"
        })
    }
}
