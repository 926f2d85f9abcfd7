//! `oncall mcp`: flags → McpOptions → the MCP server (which builds its own runtime).

use crate::cli::McpArgs;
use crate::error::Error;
use crate::mcp::{self, McpOptions};

pub fn run(args: McpArgs) -> Result<u8, Error> {
    mcp::run(McpOptions {
        allow_paths: args.allow_path,
        allow_targets: args.allow_target,
        budget: args.max_result_bytes,
        tool_timeout: args.tool_timeout,
    })
}
