//! A request type's JSON Schema in the portable form MCP clients accept: one inline object
//! (no `$ref`, no `$defs`), no `null` in any `type`, `additionalProperties: false`, and no
//! schemars-only integer formats (`uint64`, …) that strict validators reject.

use schemars::generate::SchemaSettings;
use schemars::JsonSchema;
use serde_json::{Map, Value};

pub fn portable<T: JsonSchema>() -> Map<String, Value> {
    let generator = SchemaSettings::draft2020_12()
        .with(|s| {
            s.inline_subschemas = true;
            s.meta_schema = None;
        })
        .for_deserialize()
        .into_generator();
    let schema = generator.into_root_schema_for::<T>();
    let mut value = schema.to_value();
    clean(&mut value);
    match value {
        Value::Object(mut m) => {
            m.remove("title");
            m.entry("type").or_insert_with(|| "object".into());
            m.entry("properties")
                .or_insert_with(|| Value::Object(Map::new()));
            m.insert("additionalProperties".into(), Value::Bool(false));
            m
        }
        _ => Map::new(),
    }
}

fn clean(v: &mut Value) {
    match v {
        Value::Object(m) => {
            // Option<T> comes out as `type: [T, "null"]`, or as an anyOf with a null arm.
            if let Some(Value::Array(types)) = m.get_mut("type") {
                types.retain(|t| t != "null");
                if types.len() == 1 {
                    let only = types.remove(0);
                    m.insert("type".into(), only);
                }
            }
            for key in ["anyOf", "oneOf"] {
                if let Some(Value::Array(arms)) = m.get_mut(key) {
                    arms.retain(|a| a.get("type").is_none_or(|t| t != "null"));
                    if arms.len() == 1 {
                        let only = arms.remove(0);
                        m.remove(key);
                        if let Value::Object(inner) = only {
                            for (k, val) in inner {
                                m.entry(k).or_insert(val);
                            }
                        }
                    }
                }
            }
            if m.get("format")
                .and_then(Value::as_str)
                .is_some_and(|f| f.starts_with("uint") || f.starts_with("int"))
            {
                m.remove("format");
            }
            // A null default says nothing a missing field does not.
            if m.get("default").is_some_and(Value::is_null) {
                m.remove("default");
            }
            m.remove("$schema");
            for (_, child) in m.iter_mut() {
                clean(child);
            }
        }
        Value::Array(items) => items.iter_mut().for_each(clean),
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    /// No `null` anywhere in a `type` of any request's schema, and unknown fields refused.
    #[test]
    fn schemas_are_portable() {
        let all = [
            super::portable::<crate::request::processes::ProcessesRequest>(),
            super::portable::<crate::request::logs_grep::LogsGrepRequest>(),
            super::portable::<crate::request::probe::ProbeRequest>(),
            super::portable::<crate::request::sockets::SocketsRequest>(),
        ];
        for s in all {
            let text = serde_json::to_string(&s).unwrap();
            assert!(!text.contains("\"null\""), "{text}");
            assert!(!text.contains("$ref"), "{text}");
            assert_eq!(s["additionalProperties"], false, "{text}");
            assert_eq!(s["type"], "object", "{text}");
        }
    }
}
