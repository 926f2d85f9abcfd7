"""Drives `oncall mcp` with the official MCP Python SDK (a client nobody here wrote).

Usage: session.py MODE ONCALL [SERVER ARGS...] < operations.json
       session.py MODE http://HOST:PORT/mcp < operations.json   (Streamable HTTP; the bearer
       token, if any, in the environment's ONCALL_MCP_TOKEN)

An operation {"op": "roots", "roots": [URI, ...]} sets the client's roots: as the first
operation it makes the client declare the roots capability and answer roots/list (over
2026-07-28 the SDK answers the server's input_required request with them); later, it changes
them and (2025-11-25) sends notifications/roots/list_changed.

MODE is the SDK's connect mode: "auto" (2026-07-28: server/discover, stateless) or "legacy"
(2025-11-25: the initialize handshake). stdin holds a JSON list of operations, run in order
in one session; stdout gets a JSON list with one outcome per operation. A protocol error is
an outcome {"error": {"code", "message"}}, not a crash, so a test can assert on it.
"""

import json
import sys

import os

import anyio
import httpx2
from mcp.client.client import Client
from mcp.client.stdio import StdioServerParameters
from mcp.client.streamable_http import streamable_http_client
from mcp.shared.exceptions import MCPError
import mcp_types as types


def dump(model):
    return model.model_dump(mode="json", by_alias=True, exclude_none=True)


ROOTS = []


async def list_roots(context):
    return types.ListRootsResult(roots=[types.Root(uri=u) for u in ROOTS])


async def run_op(client, op):
    kind = op["op"]
    if kind == "roots":
        ROOTS[:] = op["roots"]
        if client.protocol_version < "2026-07-28":
            await client.send_roots_list_changed()
        return {"roots": ROOTS}
    if kind == "list":
        return {
            "tools": dump(await client.list_tools())["tools"],
            "resources": dump(await client.list_resources())["resources"],
            "templates": dump(await client.list_resource_templates())["resourceTemplates"],
            "prompts": dump(await client.list_prompts())["prompts"],
            "protocol_version": client.protocol_version,
        }
    if kind == "call":
        progress = []

        async def on_progress(value, total, message):
            progress.append({"progress": value, "total": total, "message": message})

        callback = on_progress if op.get("progress") else None
        result = await client.call_tool(op["name"], op.get("args", {}), progress_callback=callback)
        out = dump(result)
        out["progress_seen"] = progress
        return out
    if kind == "call_checked":
        # Calls a tool and validates its structured content against the outputSchema that
        # tools/list gives it, with `jsonschema` (the SDK's own validator library), error
        # results included (the SDK checks only successful ones).
        from jsonschema import Draft202012Validator

        listed = {t["name"]: t for t in dump(await client.list_tools())["tools"]}
        schema = listed[op["name"]].get("outputSchema")
        try:
            result = dump(await client.call_tool(op["name"], op.get("args", {})))
        except RuntimeError as e:  # the SDK's own validation refused the result
            return {"sdk_rejected": str(e), "outputSchema": schema}
        Draft202012Validator.check_schema(schema)
        content = result.get("structuredContent")
        errors = [
            "/".join(str(p) for p in e.absolute_path) + ": " + e.message
            for e in Draft202012Validator(schema).iter_errors(content)
        ]
        result["schema_errors"] = errors
        result["outputSchema"] = schema
        return result
    if kind == "cancel_walk":
        # Starts a call with progress, cancels it once progress has been seen, then proves the
        # server still answers.
        seen = anyio.Event()

        async def on_progress(value, total, message):
            seen.set()

        outcome = {}
        async with anyio.create_task_group() as tg:
            async def call():
                try:
                    r = await client.call_tool(op["name"], op.get("args", {}), progress_callback=on_progress)
                    outcome["finished"] = dump(r)
                except BaseException as e:  # noqa: BLE001 - the cancellation itself
                    outcome["cancelled_with"] = type(e).__name__
                    raise

            tg.start_soon(call)
            with anyio.fail_after(op.get("wait", 30)):
                await seen.wait()
            outcome["progress_before_cancel"] = True
            tg.cancel_scope.cancel()
        ping = await client.list_tools()
        outcome["alive_after"] = len(ping.tools) > 0
        return outcome
    if kind == "read":
        return dump(await client.read_resource(op["uri"]))
    if kind == "prompt":
        return dump(await client.get_prompt(op["name"], op.get("args", {})))
    if kind == "complete":
        if op["ref"].startswith("oncall://"):
            ref = types.ResourceTemplateReference(type="ref/resource", uri=op["ref"])
        else:
            ref = types.PromptReference(type="ref/prompt", name=op["ref"])
        return dump(await client.complete(ref, {"name": op["argument"], "value": op["value"]}))
    raise ValueError(f"unknown op {kind}")


async def main():
    mode, oncall, *server_args = sys.argv[1:]
    ops = json.load(sys.stdin)
    # As the CLI tests run oncall: no user sheets nor tldr caches of this machine.
    quiet = "/nonexistent/oncall-tests"
    env = {"XDG_CONFIG_HOME": quiet, "XDG_CACHE_HOME": quiet, "HOME": quiet}
    if oncall.startswith("http://"):
        token = os.environ.get("ONCALL_MCP_TOKEN")
        headers = {"Authorization": f"Bearer {token}"} if token else {}
        http = httpx2.AsyncClient(headers=headers, timeout=httpx2.Timeout(60.0))
        server = streamable_http_client(oncall, http_client=http)
    else:
        server = StdioServerParameters(command=oncall, args=["mcp", *server_args], env=env)
    outcomes = []
    roots_callback = None
    if ops and ops[0]["op"] == "roots":
        ROOTS[:] = ops.pop(0)["roots"]
        outcomes.append({"roots": list(ROOTS)})
        roots_callback = list_roots
    async with Client(server, mode=mode, list_roots_callback=roots_callback) as client:
        for op in ops:
            try:
                outcomes.append(await run_op(client, op))
            except MCPError as e:
                outcomes.append({"error": {"code": e.error.code, "message": e.error.message}})
    json.dump(outcomes, sys.stdout)


anyio.run(main)
