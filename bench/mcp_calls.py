"""bench/mcp.sh's client: one `oncall mcp` session over stdio, raw newline-delimited JSON-RPC
(no SDK: its own overhead is not the server's). Prints JSON: the median round trip of
tools/call per tool, the time from spawn to the initialize answer, and the server's idle RSS.

Usage: mcp_calls.py ONCALL RUNS
"""

import json
import statistics
import subprocess
import sys
import time

oncall, runs = sys.argv[1], int(sys.argv[2])
CALLS = {
    "memory": {},
    "sockets": {},
    "cheat_search": {"query": "port already in use"},
}


def start():
    t0 = time.perf_counter()
    p = subprocess.Popen([oncall, "mcp"], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    send(p, {"jsonrpc": "2.0", "id": 0, "method": "initialize",
             "params": {"protocolVersion": "2025-11-25", "capabilities": {},
                        "clientInfo": {"name": "bench", "version": "0"}}})
    recv(p, 0)
    first = time.perf_counter() - t0
    send(p, {"jsonrpc": "2.0", "method": "notifications/initialized"})
    return p, first


def send(p, msg):
    p.stdin.write(json.dumps(msg) + "\n")
    p.stdin.flush()


def recv(p, want):
    while True:
        line = p.stdout.readline()
        if not line:
            raise SystemExit("bench: the server closed stdout")
        msg = json.loads(line)
        if msg.get("id") == want:
            if "error" in msg:
                raise SystemExit(f"bench: {msg['error']}")
            return msg


def rss_kib(pid):
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    return 0


firsts = []
for _ in range(10):
    p, first = start()
    firsts.append(first)
    p.stdin.close()
    p.wait()

p, _ = start()
idle = rss_kib(p.pid)
ident = 1
medians = {}
for name, args in CALLS.items():
    times = []
    for i in range(runs + 3):
        ident += 1
        t0 = time.perf_counter()
        send(p, {"jsonrpc": "2.0", "id": ident, "method": "tools/call",
                 "params": {"name": name, "arguments": args}})
        recv(p, ident)
        if i >= 3:  # as hyperfine's --warmup 3
            times.append(time.perf_counter() - t0)
    medians[name] = statistics.median(times)
peak = rss_kib(p.pid)
p.stdin.close()
p.wait()
json.dump({"call_median_s": medians, "first_answer_median_s": statistics.median(firsts),
           "idle_rss_kib": idle, "rss_after_calls_kib": peak}, sys.stdout)
