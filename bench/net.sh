#!/usr/bin/env bash
# oncall net against ss with 10,000 established loopback TCP connections (20,000 sockets:
# both ends live on this host), made and held by a small python3 program for the run.
#
#   oncall net --json              vs ss -tan     (target ratio ≤ 1.2)
#   oncall net --processes --json  vs ss -tanp    (target ≤ 1.0)
#   oncall net --listen --json     vs ss -tln     (target ≤ 1.2)
#
# Usage: bench/net.sh [CONNECTIONS]   (needs python3, hyperfine, ss)
set -euo pipefail
cd "$(dirname "$0")/.."

CONNS=${1:-10000}
PORTS=4
WORK=$(mktemp -d /tmp/oncall-bench-net.XXXXXX)
HOLDER_PID=
cleanup() {
  if [[ -n "$HOLDER_PID" ]]; then kill "$HOLDER_PID" 2>/dev/null || true; fi
  rm -rf "$WORK"
}
trap cleanup EXIT

for tool in python3 hyperfine ss; do
  command -v "$tool" >/dev/null || { echo "bench/net.sh: $tool is needed" >&2; exit 2; }
done

# Each holder process keeps N descriptors plus a few.
ulimit -n $((CONNS + 256)) 2>/dev/null || true
if (( $(ulimit -n) < CONNS + 64 )); then
  echo "bench/net.sh: open-file limit $(ulimit -n) is below $CONNS connections" >&2
  exit 2
fi

cargo build --release --quiet
ONCALL=${CARGO_TARGET_DIR:-target}/release/oncall

# Opens N loopback TCP connections spread over a few listening ports on 127.0.0.1 and
# holds every socket until killed: a forked child connects and holds the client ends,
# the parent accepts and holds the server ends (one process may not be allowed 2N
# descriptors: the hard limit of open files can be below 20,000).
cat >"$WORK/hold.py" <<'EOF'
import os, signal, socket, sys, time
n, ports, ready = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3]
listeners = []
for _ in range(ports):
    l = socket.socket()
    l.bind(("127.0.0.1", 0))
    l.listen(4096)
    listeners.append(l)
addrs = [l.getsockname() for l in listeners]
child = os.fork()
if child == 0:
    held = [socket.create_connection(addrs[i % ports]) for i in range(n)]
    time.sleep(3600)
    os._exit(0)
def stop(*_):
    os.kill(child, signal.SIGKILL)
    os._exit(0)
signal.signal(signal.SIGTERM, stop)
held = [listeners[i % ports].accept()[0] for i in range(n)]
open(ready, "w").write(" ".join(str(a[1]) for a in addrs))
time.sleep(3600)
EOF

python3 "$WORK/hold.py" "$CONNS" "$PORTS" "$WORK/ready" &
HOLDER_PID=$!
for _ in $(seq 1 600); do
  [[ -s "$WORK/ready" ]] && break
  kill -0 "$HOLDER_PID" 2>/dev/null || { echo "bench/net.sh: the connection holder died" >&2; exit 1; }
  sleep 0.1
done
[[ -s "$WORK/ready" ]] || { echo "bench/net.sh: connections not ready in 60 s" >&2; exit 1; }

echo "TCP sockets now: ss -tanH | wc -l = $(ss -tanH | wc -l); oncall net --tcp sees $("$ONCALL" net --tcp --json | grep -c '"proto"')"
echo "kernel $(uname -r), $(nproc) cores, $(ss -V), warm page cache (nothing read from disk)"

hyperfine -N --warmup 3 --output=pipe --export-json "$WORK/net.json" \
  "$ONCALL net --json" "ss -tan" \
  "$ONCALL net --processes --json" "ss -tanp" \
  "$ONCALL net --listen --json" "ss -tln"

python3 - "$WORK/net.json" <<'EOF'
import json, sys
r = {x["command"].split("/")[-1]: x["median"] for x in json.load(open(sys.argv[1]))["results"]}
pairs = [("oncall net --json", "ss -tan", 1.2),
         ("oncall net --processes --json", "ss -tanp", 1.0),
         ("oncall net --listen --json", "ss -tln", 1.2)]
print()
print(f"{'oncall':32} {'median':>9}  {'peer':10} {'median':>9}  ratio  target")
for a, b, target in pairs:
    ratio = r[a] / r[b]
    ok = "ok" if ratio <= target else "MISSED"
    print(f"{a:32} {r[a]*1000:7.2f}ms  {b:10} {r[b]*1000:7.2f}ms  {ratio:5.2f}  <= {target} {ok}")
EOF

if [[ -x /usr/bin/time ]]; then
  echo
  echo "peak RSS (/usr/bin/time -v):"
  for cmd in "$ONCALL net --json" "ss -tan" "$ONCALL net --processes --json" "ss -tanp"; do
    # shellcheck disable=SC2086 # the command line is split on purpose
    rss=$( { /usr/bin/time -v $cmd >/dev/null; } 2>&1 | awk -F': ' '/Maximum resident/ {print $2}')
    echo "  ${cmd##*/}: ${rss} KiB"
  done
fi
