//! The cheat sheet and runbooks as resources: `oncall://cheat/{name}`,
//! `oncall://runbook/{id}`, `oncall://category/{id}` (templates, with completions) and
//! `oncall://categories`. Contents are the Markdown `oncall cheat --format markdown` prints;
//! a name that is not in the sheet is an error, never empty contents.

use crate::cheat::sheet::Sheet;
use crate::cheat::{self, CheatOptions, CheatReport};
use crate::render::Format;
use crate::request::sheet::plain_ui;
use serde_json::{json, Value};

pub const CATEGORIES_URI: &str = "oncall://categories";

pub fn templates() -> Value {
    json!([
        {"uriTemplate": "oncall://cheat/{name}", "name": "cheat", "title": "Cheat sheet entry",
         "description": "One command's cheat sheet entry (examples, flags, see also) as Markdown.",
         "mimeType": "text/markdown"},
        {"uriTemplate": "oncall://runbook/{id}", "name": "runbook", "title": "Runbook",
         "description": "A symptom's runbook: ordered steps with classic and oncall commands, as Markdown.",
         "mimeType": "text/markdown"},
        {"uriTemplate": "oncall://category/{id}", "name": "category", "title": "Cheat sheet category",
         "description": "Every command of one cheat sheet category, as Markdown.",
         "mimeType": "text/markdown"}
    ])
}

pub fn listed(sheet: &Sheet) -> Value {
    let mut all = vec![json!({"uri": CATEGORIES_URI, "name": "categories",
        "title": "Cheat sheet categories", "mimeType": "text/markdown"})];
    for r in sheet.runbooks {
        all.push(
            json!({"uri": format!("oncall://runbook/{}", r.id), "name": format!("runbook {}", r.id),
            "title": r.title.to_string(), "mimeType": "text/markdown"}),
        );
    }
    Value::Array(all)
}

fn markdown(report: &CheatReport) -> String {
    let mut buf = Vec::new();
    crate::render::cheat::render(&plain_ui(Format::Markdown), &mut buf, report)
        .expect("writing to memory");
    String::from_utf8_lossy(&buf).into_owned()
}

/// The Markdown behind a URI; `Err` says why there is none.
pub fn read(sheet: &Sheet, uri: &str) -> Result<String, String> {
    let missing = || format!("no resource {uri}");
    if uri == CATEGORIES_URI {
        let opts = CheatOptions {
            categories: true,
            ..CheatOptions::default()
        };
        return cheat::query(sheet, &opts)
            .map(|r| markdown(&r))
            .map_err(|e| e.to_string());
    }
    let (kind, name) = uri
        .strip_prefix("oncall://")
        .and_then(|rest| rest.split_once('/'))
        .ok_or_else(missing)?;
    let name = percent_decode(name);
    match kind {
        "cheat" => {
            let cmd = sheet.all().find(|c| *c.name == *name).ok_or_else(missing)?;
            Ok(markdown(&CheatReport::Entry {
                command: cmd,
                related: Vec::new(),
                runbooks: Vec::new(),
                tldr: None,
            }))
        }
        "runbook" => {
            let r = sheet
                .runbooks
                .iter()
                .find(|r| *r.id == *name)
                .ok_or_else(missing)?;
            Ok(markdown(&CheatReport::Runbook(r.clone())))
        }
        "category" => {
            if !sheet.categories.iter().any(|c| c.id == name) {
                return Err(missing());
            }
            let opts = CheatOptions {
                category: Some(name),
                ..CheatOptions::default()
            };
            cheat::query(sheet, &opts)
                .map(|r| markdown(&r))
                .map_err(|e| e.to_string())
        }
        _ => Err(missing()),
    }
}

fn percent_decode(s: &str) -> String {
    let b = s.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'%' && i + 2 < b.len() {
            // Bytes, not a str slice: a multi-byte character after `%` must not split.
            let hex = std::str::from_utf8(&b[i + 1..i + 3]).ok();
            if let Some(v) = hex.and_then(|h| u8::from_str_radix(h, 16).ok()) {
                out.push(v);
                i += 3;
                continue;
            }
        }
        out.push(b[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// Completion values for a template's argument (or a prompt's runbook id): names starting
/// with what was typed, at most 100 (the protocol's limit).
pub fn complete(sheet: &Sheet, template: &str, typed: &str) -> Vec<String> {
    let typed = typed.to_ascii_lowercase();
    let names: Vec<String> = if template.contains("cheat/") {
        sheet.all().map(|c| c.name.to_string()).collect()
    } else if template.contains("runbook") {
        sheet.runbooks.iter().map(|r| r.id.to_string()).collect()
    } else if template.contains("category/") {
        sheet.categories.iter().map(|c| c.id.to_string()).collect()
    } else {
        Vec::new()
    };
    let mut hits: Vec<String> = names
        .into_iter()
        .filter(|n| n.to_ascii_lowercase().starts_with(&typed))
        .collect();
    hits.sort();
    hits.dedup();
    hits.truncate(100);
    hits
}
