//! What one result may hold: clients cut or reject large results (Claude Code near 25k
//! tokens, Codex and Copilot near 10 KB). A list tool returns a page of its list (a default
//! limit, a cap), the whole result fits a byte budget, and the `page` object says what was
//! left out and where the next page starts.

use serde_json::{json, Map, Value};

/// The default byte budget of one result's structured content (its text twin is the same
/// JSON, so a client that reads either sees at most this).
pub const DEFAULT_BUDGET: usize = 24 * 1024;

/// A tool's pageable list: the report's key that holds it, its default page and cap.
#[derive(Debug, Clone, Copy)]
pub struct ListSpec {
    pub key: &'static str,
    pub default_limit: usize,
    pub cap: usize,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Page {
    pub offset: usize,
    pub limit: usize,
}

impl Page {
    /// Takes `offset` and `limit` out of a call's arguments (they are the server's, not the
    /// request's); a limit above the cap is the cap.
    pub fn take(args: &mut Map<String, Value>, spec: &ListSpec) -> Result<Page, String> {
        let number = |v: Option<Value>, what: &str| -> Result<Option<usize>, String> {
            match v {
                None => Ok(None),
                Some(v) => v
                    .as_u64()
                    .map(|n| Some(n.min(usize::MAX as u64) as usize))
                    .ok_or_else(|| format!("{what}: expected a whole number ≥ 0")),
            }
        };
        let offset = number(args.remove("offset"), "offset")?.unwrap_or(0);
        let limit = number(args.remove("limit"), "limit")?
            .unwrap_or(spec.default_limit)
            .min(spec.cap);
        Ok(Page { offset, limit })
    }

    /// The schema properties every list tool adds to its request's.
    pub fn schema(spec: &ListSpec) -> [(String, Value); 2] {
        [
            (
                "offset".into(),
                json!({"type": "integer", "minimum": 0, "default": 0,
                       "description": format!("Skip this many {} (the next_offset of the previous page).", spec.key)}),
            ),
            (
                "limit".into(),
                json!({"type": "integer", "minimum": 0, "default": spec.default_limit,
                       "maximum": spec.cap,
                       "description": format!("At most this many {} (default {}, at most {}).", spec.key, spec.default_limit, spec.cap)}),
            ),
        ]
    }
}

/// Bytes written, and nothing kept: a value's JSON size without building the JSON.
struct Counted(usize);

impl std::io::Write for Counted {
    fn write(&mut self, b: &[u8]) -> std::io::Result<usize> {
        self.0 += b.len();
        Ok(b.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

fn size<T: serde::Serialize + ?Sized>(v: &T) -> usize {
    let mut n = Counted(0);
    serde_json::to_writer(&mut n, v).map_or(0, |_| n.0)
}

/// Cuts the list at `spec.key` to the page, then to what fits `budget` bytes, and says so in
/// `page`: `{offset, returned, total, omitted, truncated, next_offset}`. `prepare` runs on
/// the rest of the report and on each item before it is weighed (the server cleans host text
/// there): an item past the page or the budget is never sent, so it is never prepared.
pub fn fit(
    report: &mut Map<String, Value>,
    spec: &ListSpec,
    page: Page,
    budget: usize,
    prepare: impl Fn(&mut Value),
) {
    let list = report.remove(spec.key);
    let mut rest = Value::Object(std::mem::take(report));
    prepare(&mut rest);
    if let Value::Object(m) = rest {
        *report = m;
    }
    let Some(Value::Array(all)) = list else {
        if let Some(mut other) = list {
            prepare(&mut other);
            report.insert(spec.key.into(), other);
        }
        return;
    };
    let total = all.len();
    let mut items: Vec<Value> = all.into_iter().skip(page.offset).take(page.limit).collect();
    let page_info = |returned: usize| {
        let omitted = total.saturating_sub(page.offset).saturating_sub(returned);
        let mut p = json!({
            "list": spec.key,
            "offset": page.offset,
            "returned": returned,
            "total": total,
            "omitted": omitted,
            "truncated": omitted > 0,
        });
        if omitted > 0 {
            p["next_offset"] = json!(page.offset + returned);
        }
        p
    };
    // What is left when every item is gone, with the page object at its largest.
    report.insert("page".into(), page_info(0));
    report.insert(spec.key.into(), Value::Array(Vec::new()));
    let base = size(&*report) + 16;
    let mut used = base;
    let mut kept = 0;
    for item in &mut items {
        prepare(item);
        let s = size(item) + 1;
        if used + s > budget {
            break;
        }
        used += s;
        kept += 1;
    }
    items.truncate(kept);
    report.insert("page".into(), page_info(kept));
    report.insert(spec.key.into(), Value::Array(items));
}

#[cfg(test)]
mod tests {
    use super::*;

    fn report(n: usize) -> Map<String, Value> {
        let items: Vec<Value> = (0..n)
            .map(|i| json!({"i": i, "pad": "x".repeat(90)}))
            .collect();
        json!({"rows": items, "other": 1})
            .as_object()
            .unwrap()
            .clone()
    }

    const SPEC: ListSpec = ListSpec {
        key: "rows",
        default_limit: 100,
        cap: 2000,
    };

    /// 500 rows, fitted to a page and a budget.
    fn fitted(
        offset: usize,
        limit: usize,
        budget: usize,
        prepare: impl Fn(&mut Value),
    ) -> Map<String, Value> {
        let mut r = report(500);
        fit(&mut r, &SPEC, Page { offset, limit }, budget, prepare);
        r
    }

    #[test]
    fn page_then_budget() {
        let r = fitted(0, 100, 1 << 20, |_| {});
        assert_eq!(r["rows"].as_array().unwrap().len(), 100);
        assert_eq!(r["page"]["next_offset"], 100);
        assert_eq!(r["page"]["omitted"], 400);
        let r = fitted(490, 100, 1 << 20, |_| {});
        assert_eq!(r["rows"][0]["i"], 490);
        assert_eq!(r["page"]["truncated"], false);
        assert!(r["page"].get("next_offset").is_none());
        let r = fitted(0, 2000, 4096, |_| {});
        let kept = r["rows"].as_array().unwrap().len();
        assert!(kept > 10 && kept < 50, "{kept}");
        assert!(size(&Value::Object(r.clone())) <= 4096);
        assert_eq!(r["page"]["next_offset"], kept);
    }

    /// `prepare` sees the rest of the report and the items the budget weighs, after which
    /// their prepared size is what counts; items past the page or the budget are not touched.
    #[test]
    fn only_what_may_be_sent_is_prepared_and_its_prepared_size_counts() {
        let calls = std::cell::Cell::new(0);
        let shrink = |v: &mut Value| {
            calls.set(calls.get() + 1);
            if let Some(pad) = v.get_mut("pad") {
                *pad = json!("x");
            }
        };
        let r = fitted(10, 100, 1 << 20, shrink);
        assert_eq!(
            calls.get(),
            1 + 100,
            "the rest once, then each item of the page"
        );
        assert!(r["rows"]
            .as_array()
            .unwrap()
            .iter()
            .all(|i| i["pad"] == "x"));
        // 90-byte pads would fit ~35 items in 4 KiB; shrunk, about three times as many do.
        calls.set(0);
        let r = fitted(0, 2000, 4096, shrink);
        let kept = r["rows"].as_array().unwrap().len();
        assert!(kept > 80, "{kept}");
        assert_eq!(
            calls.get(),
            1 + kept + 1,
            "the one that did not fit was weighed, no more"
        );
        assert!(size(&r) <= 4096);
    }
}
