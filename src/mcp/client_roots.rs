//! The client's roots narrow what a call may read; they never widen it. A client that
//! declares the `roots` capability is asked for them on each call of a tool that reads
//! paths (so a changed list counts at once, with nothing cached to go stale): over
//! 2025-11-25 with a `roots/list` request to the client, over 2026-07-28 (stateless, no
//! server-to-client requests) with an `input_required` result that the client answers by
//! retrying the call with its roots. Only local `file:` roots count; the narrowed list is
//! each server root that lies under a client root, and each client root that lies under a
//! server root. Roots that share no directory with the server's list (an empty list, an
//! editor's project) leave it as it is: they bound the client's workspace, not the host's
//! logs, and a server narrowed to nothing by them would answer nothing from any editor.
//!
//! rmcp marks roots deprecated (SEP-2577 drops them after 2026-07-28), but the clients in use
//! today send them, and a client that says where it may look must be heard.
#![allow(deprecated)]

use super::allowlist::Allowlist;
use rmcp::model::{CallToolRequestParams, InputRequiredResult, ListRootsResult, Root};
use rmcp::service::RequestContext;
use rmcp::{ErrorData as McpError, RoleServer};
use serde_json::json;
use std::path::PathBuf;
use std::time::Duration;

/// The tools whose arguments (or defaults) name paths to read.
const PATH_TOOLS: &[&str] = &["triage", "disk_usage", "logs_grep", "logs_tail", "logs_top"];

/// The key of the roots request in an `input_required` result and in the retry's answers.
const ROOTS_KEY: &str = "roots";

/// How long a 2025-11-25 client has to answer `roots/list`.
const ANSWER_WITHIN: Duration = Duration::from_secs(10);

pub enum Narrowed {
    /// The allowlist this call reads under.
    Allow(Allowlist),
    /// Ask the client for its roots first (2026-07-28).
    AskFirst(InputRequiredResult),
}

/// The allowlist for one call: the server's, narrowed by the client's roots when the client
/// has them and the tool reads paths.
pub async fn for_call(
    server: &Allowlist,
    request: &CallToolRequestParams,
    context: &RequestContext<RoleServer>,
) -> Result<Narrowed, McpError> {
    if !PATH_TOOLS.contains(&request.name.as_ref()) {
        return Ok(Narrowed::Allow(server.clone()));
    }
    let declared = context
        .client_capabilities()
        .is_some_and(|c| c.roots.is_some());
    if let Some(answer) = request
        .input_responses
        .as_ref()
        .and_then(|r| r.get(ROOTS_KEY))
    {
        // The client's answer to our own request; whatever it says can only narrow.
        let listed: ListRootsResult = serde_json::from_value(answer.clone()).map_err(|e| {
            McpError::invalid_params(format!("the client's roots answer: {e}"), None)
        })?;
        return Ok(Narrowed::Allow(
            server.narrowed(&local_paths(&listed.roots)),
        ));
    }
    if !declared {
        return Ok(Narrowed::Allow(server.clone()));
    }
    let stateless = context
        .protocol_version()
        .is_some_and(|v| v >= rmcp::model::ProtocolVersion::V_2026_07_28);
    if stateless {
        let ask = serde_json::from_value(json!({
            "resultType": "input_required",
            "inputRequests": { ROOTS_KEY: { "method": "roots/list" } }
        }))
        .map_err(|e| McpError::internal_error(e.to_string(), None))?;
        return Ok(Narrowed::AskFirst(ask));
    }
    let listed = tokio::time::timeout(ANSWER_WITHIN, context.peer.list_roots()).await;
    match listed {
        Ok(Ok(listed)) => Ok(Narrowed::Allow(
            server.narrowed(&local_paths(&listed.roots)),
        )),
        // A client that declared roots and does not give them gets nothing read: reading
        // the server's whole list instead would ignore what it asked for.
        Ok(Err(e)) => Err(McpError::internal_error(
            format!("the client declared roots but roots/list failed: {e}"),
            None,
        )),
        Err(_) => Err(McpError::internal_error(
            format!(
                "the client declared roots but did not answer roots/list within {}s",
                ANSWER_WITHIN.as_secs()
            ),
            None,
        )),
    }
}

/// The local paths of `file:` roots (`file:///p` or `file://localhost/p`); other schemes and
/// other hosts name nothing this server can read.
fn local_paths(roots: &[Root]) -> Vec<PathBuf> {
    roots.iter().filter_map(|r| file_path(&r.uri)).collect()
}

fn file_path(uri: &str) -> Option<PathBuf> {
    let rest = uri
        .strip_prefix("file://")
        .or_else(|| uri.strip_prefix("FILE://"))?;
    let path = rest.strip_prefix("localhost").unwrap_or(rest);
    if !path.starts_with('/') {
        return None;
    }
    let decoded = percent_decode(path)?;
    use std::os::unix::ffi::OsStringExt;
    Some(PathBuf::from(std::ffi::OsString::from_vec(decoded)))
}

/// `%XX` escapes to bytes; a malformed escape makes the URI name nothing.
fn percent_decode(s: &str) -> Option<Vec<u8>> {
    let b = s.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'%' {
            let hex = std::str::from_utf8(b.get(i + 1..i + 3)?).ok()?;
            out.push(u8::from_str_radix(hex, 16).ok()?);
            i += 3;
        } else {
            out.push(b[i]);
            i += 1;
        }
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn file_uris_become_paths_and_others_name_nothing() {
        assert_eq!(
            file_path("file:///var/log"),
            Some(PathBuf::from("/var/log"))
        );
        assert_eq!(
            file_path("file://localhost/srv/my%20logs"),
            Some(PathBuf::from("/srv/my logs"))
        );
        assert_eq!(file_path("file://otherhost/var/log"), None);
        assert_eq!(file_path("https://example.com/"), None);
        assert_eq!(file_path("file:///bad%zz"), None);
        assert_eq!(file_path("file:///cut%2"), None);
    }
}
