//! `oncall mcp`: flags → McpOptions → the MCP server (which builds its own runtime).

use crate::cli::McpArgs;
use crate::error::Error;
use crate::mcp::http::{Auth, HttpOptions};
use crate::mcp::{self, McpOptions};

pub fn run(args: McpArgs) -> Result<u8, Error> {
    mcp::run(McpOptions {
        allow_paths: args.allow_path,
        allow_targets: args.allow_target,
        budget: args.max_result_bytes,
        tool_timeout: args.tool_timeout,
        http: args.http.map(|listen| HttpOptions {
            listen,
            auth: match (args.token_file, args.no_auth) {
                (Some(file), _) => Auth::TokenFile(file),
                (None, true) => Auth::None,
                (None, false) => Auth::Generated,
            },
            allow_hosts: args.allow_host,
            allow_origins: args.allow_origin,
        }),
    })
}
