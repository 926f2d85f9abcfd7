#!/usr/bin/env bash
# Containers: the group view against the plain process view on the same host, and container
# logs against ripgrep, in one hyperfine run each, as ratios of medians (oncall / peer).
#
#   1. oncall ps --by container --window 0 --json  vs  oncall ps --window 0 --json
#      (and systemd-cgtop -b -n 1 when it runs here), with 200 cgroups at Docker's paths
#      (/docker/<64 hex>, in v1's memory, cpu and cpuacct hierarchies or in v2) holding 10
#      sleeping processes each: 2,000 processes. Target: <= 1.2.
#   2. oncall logs grep [-c] PATTERN DIR  vs  rg [-c] PATTERN DIR over kubelet-style CRI logs
#      (/var/log/pods/<ns>_<pod>_<uid>/<container>/0.log, 200 pods, ~135 MB). oncall matches
#      the records' messages only (the prefix is skipped, not re-parsed per match) and prints
#      `TIME message`; rg matches and prints whole lines. Target: <= 1.2. Into a pipe both
#      print no line numbers unless asked (rg's rule, oncall's since the -n/-N flags), so the
#      lines case is timed plain against plain and `-n` against `-n` (numbering is a count of
#      every byte before each match, in both tools).
# Peak RSS from /usr/bin/time -v. Needs root (cgroups), hyperfine, rg, python3.
# `bench/containers.sh logs` runs only the second part (no root needed).
set -euo pipefail
cd "$(dirname "$0")/.."
for tool in hyperfine rg python3 /usr/bin/time; do
  command -v "$tool" >/dev/null || { echo "bench/containers.sh needs $tool" >&2; exit 2; }
done
ONLY="${1:-all}"
[ "$ONLY" = logs ] || [ "$(id -u)" = 0 ] || { echo "bench/containers.sh makes cgroups: run as root" >&2; exit 2; }

cargo build --release --quiet
ONCALL="$(realpath "${CARGO_TARGET_DIR:-target}")/release/oncall"
WORK="$(mktemp -d /tmp/oncall-bench-containers.XXXXXX)"
CG=/sys/fs/cgroup
if [ -e "$CG/cgroup.controllers" ]; then HIER=("$CG"); else HIER=("$CG/memory" "$CG/cpu" "$CG/cpuacct"); fi
GROUPS_MADE=()
SLEEPERS=()
cleanup() {
  if ((${#SLEEPERS[@]})); then kill "${SLEEPERS[@]}" 2>/dev/null || true; fi
  wait 2>/dev/null || true
  for g in "${GROUPS_MADE[@]}"; do
    for h in "${HIER[@]}"; do rmdir "$h/docker/$g" 2>/dev/null || true; done
  done
  for h in "${HIER[@]}"; do rmdir "$h/docker" 2>/dev/null || true; done
  rm -rf "$WORK"
}
trap cleanup EXIT

ratios() {
  python3 - "$1" <<'PY'
import json, sys
runs = json.load(open(sys.argv[1]))["results"]
base = runs[0]
for peer in runs[1:]:
    print(f"  {base['command']}\n    vs {peer['command']}: median {base['median']*1000:.1f} ms vs "
          f"{peer['median']*1000:.1f} ms, ratio {base['median']/peer['median']:.2f}")
PY
}
peak_rss() {
  /usr/bin/time -v "$@" >/dev/null 2>"$WORK/time.txt" || true
  awk -F: '/Maximum resident set size/ {printf "%.1f MiB", $2/1024}' "$WORK/time.txt"
}

if [ "$ONLY" != logs ]; then
echo "== ps --by container: 200 groups x 10 processes"
for i in $(seq 200); do
  id=$(printf 'bench%03d' "$i" | sha256sum | cut -c1-64)
  GROUPS_MADE+=("$id")
  for h in "${HIER[@]}"; do
    mkdir -p "$h/docker/$id"
    [ -e "$CG/cgroup.controllers" ] && echo "+memory +cpu" > "$h/cgroup.subtree_control" 2>/dev/null || true
  done
  for _ in $(seq 10); do
    sleep 3600 &
    pid=$!
    SLEEPERS+=("$pid")
    for h in "${HIER[@]}"; do echo "$pid" > "$h/docker/$id/cgroup.procs"; done
  done
done
echo "   $(ls -d /proc/[0-9]* | wc -l) processes now; cores: $(nproc); load: $(cut -d' ' -f1-3 /proc/loadavg)"
SEEN=$("$ONCALL" ps --by container --window 0 --json | python3 -c 'import json,sys; print(json.load(sys.stdin)["total_groups"])')
echo "   oncall sees $SEEN containers"
CMDS=("$ONCALL ps --by container --window 0 --json" "$ONCALL ps --window 0 --json")
if systemd-cgtop -b -n 1 >/dev/null 2>&1; then
  CMDS+=("systemd-cgtop -b -n 1")
else
  echo "   (systemd-cgtop does not run here: $(systemd-cgtop -b -n 1 2>&1 | head -1))"
fi
hyperfine -N --warmup 3 --output=pipe --export-json "$WORK/ps.json" "${CMDS[@]}"
ratios "$WORK/ps.json"
echo "   peak RSS: --by container $(peak_rss "$ONCALL" ps --by container --window 0 --json), plain $(peak_rss "$ONCALL" ps --window 0 --json)"
kill "${SLEEPERS[@]}" 2>/dev/null || true
wait 2>/dev/null || true
SLEEPERS=()
echo
fi

echo "== logs grep over CRI logs"
python3 - "$WORK/var/log/pods" <<'PY'
import os, sys, random
root = sys.argv[1]
random.seed(7)
words = "request served upstream timeout connection refused retry cache miss user login".split()
for p in range(200):
    d = os.path.join(root, f"shop_api-{p:03}_{p:08x}-0000-4000-8000-000000000000", "server")
    os.makedirs(d)
    with open(os.path.join(d, "0.log"), "w") as f:
        for n in range(5000):
            stream, tag = ("stderr", "F") if n % 50 == 0 else ("stdout", "F")
            level = "ERROR" if n % 50 == 0 else "INFO"
            msg = " ".join(random.choice(words) for _ in range(12))
            f.write(f"2026-12-01T10:{n // 600 % 60:02}:{n // 10 % 60:02}.{n:09}Z {stream} {tag} {level} {msg} id={n}\n")
PY
# The files were just written: their writeback would run under whichever command is timed
# first (a first run here gave 1.31 with it, 1.09 after it).
sync
echo "   $(du -sh "$WORK/var/log/pods" | cut -f1) in $(find "$WORK/var/log/pods" -type f | wc -l) files"
hyperfine -N --warmup 3 --output=pipe --export-json "$WORK/logs.json" \
  "$ONCALL logs grep -c 'upstream timeout' $WORK/var/log/pods" \
  "rg -c 'upstream timeout' $WORK/var/log/pods"
ratios "$WORK/logs.json"
hyperfine -N --warmup 3 --output=pipe --export-json "$WORK/lines.json" \
  "$ONCALL logs grep 'upstream timeout' $WORK/var/log/pods" \
  "rg 'upstream timeout' $WORK/var/log/pods"
ratios "$WORK/lines.json"
hyperfine -N --warmup 3 --output=pipe --export-json "$WORK/numbered.json" \
  "$ONCALL logs grep -n 'upstream timeout' $WORK/var/log/pods" \
  "rg -n 'upstream timeout' $WORK/var/log/pods"
ratios "$WORK/numbered.json"
a=$("$ONCALL" logs grep -c 'upstream timeout' "$WORK/var/log/pods" | awk -F: '{s+=$NF} END {print s}')
b=$(rg -c 'upstream timeout' "$WORK/var/log/pods" | awk -F: '{s+=$NF} END {print s}')
echo "   matches: oncall $a, rg $b"
a=$("$ONCALL" logs grep 'upstream timeout' "$WORK/var/log/pods" | wc -l)
b=$(rg 'upstream timeout' "$WORK/var/log/pods" | wc -l)
echo "   lines printed: oncall $a, rg $b"
echo "   peak RSS: oncall $(peak_rss "$ONCALL" logs grep -c 'upstream timeout' "$WORK/var/log/pods"), rg $(peak_rss rg -c 'upstream timeout' "$WORK/var/log/pods")"
