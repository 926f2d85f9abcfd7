#!/usr/bin/env bash
# oncall mcp: what a tools/call costs against running the CLI with --json, start-up, memory,
# and what linking the MCP server costs `oncall cheat tar`.
#   round trip: tools/call memory | sockets | cheat_search in one stdio session (median of
#               RUNS after 3 warm-ups, bench/mcp_calls.py; ROUNDS rounds, default 3, the
#               median ratio reported) vs hyperfine -N --warmup 3 of
#               `oncall mem --json` | `oncall net --json` | `oncall cheat --json port already
#               in use`: target ratio <= 0.5 (no exec per call)
#   sockets' floor: the kernel's walk of the TCP hash (bench/tcpdiag_floor.py), and sockets
#               again in a network namespace with a small hash (root only)
#   start to the first answer (spawn → initialize result, median of 10); idle RSS (VmRSS after
#               initialize) and RSS after the calls
#   cheat tar:  `oncall cheat tar` of this tree vs the tree at BASE (default: the commit before
#               the MCP work), one hyperfine run: target <= 1.05, like for like (this tree
#               linked dynamically, as BASE was), plus callgrind's instruction counts
# Needs: hyperfine, python3 (valgrind for the instruction counts). Builds three release binaries
# (BASE in target/bench-base, this tree linked dynamically, kept as target/bench-dynamic/oncall).
set -euo pipefail
cd "$(dirname "$0")/.."
command -v hyperfine >/dev/null || { echo "bench: install hyperfine (apt-get install hyperfine)" >&2; exit 2; }
RUNS=${RUNS:-50}
ROUNDS=${ROUNDS:-3}
BASE=${BASE:-$(git log --format=%H --grep='^request: one plain request type' -1)~1}

cargo build --release --quiet
bin=$PWD/target/release/oncall
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
export XDG_CONFIG_HOME=$work/none XDG_CACHE_HOME=$work/none

echo "== tools/call in one session vs the CLI with --json (median), ROUNDS=$ROUNDS rounds"
# This VM's noise moves a ratio by ±0.1 from one run to the next: the session and hyperfine
# alternate ROUNDS times, and the median of each tool's ratios is the figure.
for round in $(seq "$ROUNDS"); do
  python3 bench/mcp_calls.py "$bin" "$RUNS" > "$work/mcp.$round.json"
  hyperfine -N --warmup 3 --runs "$RUNS" --output=pipe --export-json "$work/cli.$round.json" \
    "$bin mem --json" "$bin net --json" "$bin cheat --json port already in use" >/dev/null
done
python3 - "$work" "$ROUNDS" "$bin" <<'PY'
import json, statistics, sys
work, rounds, b = sys.argv[1], int(sys.argv[2]), sys.argv[3]
pairs = {"memory": f"{b} mem --json", "sockets": f"{b} net --json", "cheat_search": f"{b} cheat --json port already in use"}
ratios = {t: [] for t in pairs}
for r in range(1, rounds + 1):
    mcp = json.load(open(f"{work}/mcp.{r}.json"))
    cli = {x["command"]: x["median"] for x in json.load(open(f"{work}/cli.{r}.json"))["results"]}
    for tool, cmd in pairs.items():
        m, c = mcp["call_median_s"][tool], cli[cmd]
        ratios[tool].append(m / c)
        print(f"round {r}: {tool:13s} tools/call {m*1000:7.3f} ms | {cmd.replace(b, 'oncall'):40s} {c*1000:7.3f} ms | ratio {m/c:.2f}")
for tool, rs in ratios.items():
    print(f"{tool:13s} median ratio {statistics.median(rs):.2f} (rounds: {' '.join(f'{x:.2f}' for x in rs)}); target <= 0.5")
print(f"start to first answer {mcp['first_answer_median_s']*1000:.1f} ms; idle RSS {mcp['idle_rss_kib']/1024:.1f} MiB; after the calls {mcp['rss_after_calls_kib']/1024:.1f} MiB (last round)")
PY

# sockets' floor: the kernel's walk of the TCP hash for the one dump oncall sends, by itself.
python3 bench/tcpdiag_floor.py 200

# sockets without that floor: a network namespace whose TCP hash has 1,024 buckets
# (tcp_child_ehash_entries, Linux 6.1+, root; set back after). The host's hash is sized by its
# memory (262,144 buckets for 24 GiB here) and a dump walks every bucket, sockets or not.
if [ "$(id -u)" = 0 ] && child=$(sysctl -n net.ipv4.tcp_child_ehash_entries 2>/dev/null) \
  && command -v unshare >/dev/null; then
  sysctl -qw net.ipv4.tcp_child_ehash_entries=1024
  unshare -n bash -c '
    set -e
    python3 bench/tcpdiag_floor.py 200
    python3 bench/mcp_calls.py "$1" "$2" > "$3/netns.json"
    hyperfine -N --warmup 3 --runs "$2" --output=pipe --export-json "$3/netns-cli.json" "$1 net --json" >/dev/null
  ' netns "$bin" "$RUNS" "$work" || echo "bench: the namespace run failed" >&2
  sysctl -qw net.ipv4.tcp_child_ehash_entries="$child"
  [ -f "$work/netns-cli.json" ] && python3 - "$work" <<'PY'
import json, sys
w = sys.argv[1]
m = json.load(open(f"{w}/netns.json"))["call_median_s"]["sockets"]
c = json.load(open(f"{w}/netns-cli.json"))["results"][0]["median"]
print(f"sockets in a namespace with a 1,024-bucket TCP hash: tools/call {m*1000:.3f} ms | oncall net --json {c*1000:.3f} ms | ratio {m/c:.2f}")
PY
else
  echo "sockets in a small-hash namespace: skipped (needs root, unshare and Linux 6.1+)"
fi

echo "== oncall cheat tar: this tree vs $(git rev-parse --short "$BASE")"
# BASE's tree stays in target/bench-base-src (BASE_SRC), so a second run rebuilds nothing.
src=${BASE_SRC:-$PWD/target/bench-base-src}
[ -f "$src/Cargo.toml" ] || { mkdir -p "$src"; git archive "$BASE" | tar -x -C "$src"; }
(cd "$src" && cargo build --release --quiet --target-dir "$OLDPWD/target/bench-base")
base=$PWD/target/bench-base/release/oncall
# BASE predates the static link (build/link_mode.rs), so "with mcp" against it mixes two
# changes. This tree linked as BASE was (ONCALL_LINK=dynamic: dynamic, fixed address) is the
# like-for-like: the only difference left is the MCP code and the request layer.
# Linked again in target/ (only the binary's crate is rebuilt), kept aside, then the static
# build restored.
ONCALL_LINK=dynamic cargo build --release --quiet
mkdir -p target/bench-dynamic
cp target/release/oncall target/bench-dynamic/oncall
cargo build --release --quiet
dynamic=$PWD/target/bench-dynamic/oncall
hyperfine -N --warmup 3 --runs 300 --output=pipe --export-json "$work/cheat.json" \
  "$bin cheat tar" "$dynamic cheat tar" "$base cheat tar" >/dev/null
python3 - "$work/cheat.json" <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))["results"]
new, dyn, old = (x["median"] for x in r)
print(f"cheat tar     static with mcp {new*1000:7.3f} ms | dynamic with mcp {dyn*1000:7.3f} ms | before (dynamic) {old*1000:7.3f} ms")
print(f"cheat tar     ratio like for like (dynamic with mcp / before) {dyn/old:.2f}; as shipped (static / before) {new/old:.2f}")
PY
# On a shared machine load changes between hyperfine's blocks of runs: the like-for-like
# pair, alternated run by run (each time includes python's spawn, the same for both).
python3 - "$dynamic" "$base" <<'PY'
import statistics, subprocess, sys, time
new, old = sys.argv[1], sys.argv[2]
t = {new: [], old: []}
for i in range(600):
    for b in ((new, old) if i % 2 else (old, new)):
        t0 = time.perf_counter()
        subprocess.run([b, "cheat", "tar"], stdout=subprocess.DEVNULL)
        t[b].append(time.perf_counter() - t0)
m = {b: statistics.median(v[10:]) for b, v in t.items()}
print(f"cheat tar interleaved x600: dynamic with mcp {m[new]*1000:7.3f} ms | before {m[old]*1000:7.3f} ms | ratio {m[new]/m[old]:.2f}")
PY
# Instructions do not depend on what else the machine runs: the load-proof figure.
if command -v valgrind >/dev/null; then
  for b in "$bin" "$dynamic" "$base"; do
    valgrind --tool=callgrind --callgrind-out-file=/dev/null "$b" cheat tar 2>&1 >/dev/null |
      awk -v b="${b#$PWD/}" '/Collected/ {print "cheat tar instructions " $4 "  " b}'
  done
fi
echo "== binary size: $(stat -c %s "$bin") bytes static, $(stat -c %s "$dynamic") dynamic (before: $(stat -c %s "$base"))"
