#!/usr/bin/env bash
# oncall mcp: what a tools/call costs against running the CLI with --json, start-up, memory,
# and what linking the MCP server costs `oncall cheat tar`.
#   round trip: tools/call memory | sockets | cheat_search in one stdio session (median of
#               RUNS after 3 warm-ups, bench/mcp_calls.py) vs hyperfine -N --warmup 3 of
#               `oncall mem --json` | `oncall net --json` | `oncall cheat --json port already
#               in use`: target ratio <= 0.5 (no exec per call)
#   start to the first answer (spawn → initialize result, median of 10); idle RSS (VmRSS after
#               initialize) and RSS after the calls
#   cheat tar:  `oncall cheat tar` of this tree vs the tree at BASE (default: the commit before
#               the MCP work), one hyperfine run: target <= 1.05
# Needs: hyperfine, python3. Builds two release binaries (BASE in target/bench-base).
set -euo pipefail
cd "$(dirname "$0")/.."
command -v hyperfine >/dev/null || { echo "bench: install hyperfine (apt-get install hyperfine)" >&2; exit 2; }
RUNS=${RUNS:-50}
BASE=${BASE:-$(git log --format=%H --grep='^request: one plain request type' -1)~1}

cargo build --release --quiet
bin=$PWD/target/release/oncall
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
export XDG_CONFIG_HOME=$work/none XDG_CACHE_HOME=$work/none

echo "== tools/call in one session vs the CLI with --json (median)"
python3 bench/mcp_calls.py "$bin" "$RUNS" > "$work/mcp.json"
hyperfine -N --warmup 3 --runs "$RUNS" --output=pipe --export-json "$work/cli.json" \
  "$bin mem --json" "$bin net --json" "$bin cheat --json port already in use" >/dev/null
python3 - "$work/mcp.json" "$work/cli.json" "$bin" <<'PY'
import json, sys
mcp = json.load(open(sys.argv[1])); cli = {r["command"]: r["median"] for r in json.load(open(sys.argv[2]))["results"]}
b = sys.argv[3]
pairs = {"memory": f"{b} mem --json", "sockets": f"{b} net --json", "cheat_search": f"{b} cheat --json port already in use"}
for tool, cmd in pairs.items():
    m, c = mcp["call_median_s"][tool], cli[cmd]
    print(f"{tool:13s} tools/call {m*1000:7.3f} ms | {cmd.replace(b, 'oncall'):40s} {c*1000:7.3f} ms | ratio {m/c:.2f}")
print(f"start to first answer {mcp['first_answer_median_s']*1000:.1f} ms; idle RSS {mcp['idle_rss_kib']/1024:.1f} MiB; after the calls {mcp['rss_after_calls_kib']/1024:.1f} MiB")
PY

echo "== oncall cheat tar: this tree vs $(git rev-parse --short "$BASE")"
mkdir -p "$work/base"
git archive "$BASE" | tar -x -C "$work/base"
(cd "$work/base" && cargo build --release --quiet --target-dir "$OLDPWD/target/bench-base")
base=$PWD/target/bench-base/release/oncall
hyperfine -N --warmup 3 --runs 300 --output=pipe --export-json "$work/cheat.json" \
  "$bin cheat tar" "$base cheat tar" >/dev/null
python3 - "$work/cheat.json" <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))["results"]
new, old = r[0]["median"], r[1]["median"]
print(f"cheat tar     with mcp {new*1000:7.3f} ms | before {old*1000:7.3f} ms | ratio {new/old:.2f}")
PY
# On a shared machine load changes between hyperfine's two blocks of runs: the same pair,
# alternated run by run (each time includes python's spawn, the same for both).
python3 - "$bin" "$base" <<'PY'
import statistics, subprocess, sys, time
new, old = sys.argv[1], sys.argv[2]
t = {new: [], old: []}
for i in range(600):
    for b in ((new, old) if i % 2 else (old, new)):
        t0 = time.perf_counter()
        subprocess.run([b, "cheat", "tar"], stdout=subprocess.DEVNULL)
        t[b].append(time.perf_counter() - t0)
m = {b: statistics.median(v[10:]) for b, v in t.items()}
print(f"cheat tar interleaved x600: with mcp {m[new]*1000:7.3f} ms | before {m[old]*1000:7.3f} ms | ratio {m[new]/m[old]:.2f}")
PY
echo "== binary size: $(stat -c %s "$bin") bytes (before: $(stat -c %s "$base"))"
