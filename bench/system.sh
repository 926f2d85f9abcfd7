#!/usr/bin/env bash
# Times oncall's system collectors against the classic tools, side by side in one hyperfine
# run each, and prints the ratio of medians (oncall / peer; below 1.0 means oncall is faster).
#
#   1. oncall ps --window 0 --json   vs  ps -eo pid,ppid,user,stat,pcpu,rss,nlwp,args (and procs)
#      with 1,000 extra sleeping processes started here
#   2. oncall disk usage DIR         vs  du -s DIR (and dua a DIR), on a generated tree of
#      100,000 files, warm cache; peak RSS of each from /usr/bin/time -v
#   3. oncall disk                   vs  df
#
# procs and dua are used when installed (`cargo install procs dua-cli`), skipped otherwise.
# Inputs are generated under $BENCH_DIR (default a fresh temp dir) and removed at the end.
set -euo pipefail
cd "$(dirname "$0")/.."

for tool in hyperfine python3 /usr/bin/time; do
  command -v "$tool" >/dev/null || { echo "bench/system.sh needs $tool" >&2; exit 2; }
done

cargo build --release --quiet
ONCALL="$(realpath "${CARGO_TARGET_DIR:-target}")/release/oncall"

WORK="${BENCH_DIR:-$(mktemp -d /tmp/oncall-bench-system.XXXXXX)}"
mkdir -p "$WORK"
SLEEPERS=()
cleanup() {
  if ((${#SLEEPERS[@]})); then kill "${SLEEPERS[@]}" 2>/dev/null || true; fi
  rm -rf "$WORK"
}
trap cleanup EXIT

have() { command -v "$1" >/dev/null; }

# Prints "label: ratio of medians" for every command after the first, from hyperfine's JSON.
ratios() {
  python3 - "$1" <<'EOF'
import json, sys
runs = json.load(open(sys.argv[1]))["results"]
base = runs[0]
for peer in runs[1:]:
    print(f"  {base['command']}\n    vs {peer['command']}: median {base['median']*1000:.1f} ms vs "
          f"{peer['median']*1000:.1f} ms, ratio {base['median']/peer['median']:.2f}")
EOF
}

# Peak resident set of one run, in MiB.
peak_rss() {
  /usr/bin/time -v "$@" >/dev/null 2>"$WORK/time.txt" || true
  awk -F: '/Maximum resident set size/ {printf "%.1f MiB", $2/1024}' "$WORK/time.txt"
}

echo "== processes: 1,000 extra sleeping processes"
for _ in $(seq 1000); do
  sleep 3600 &
  SLEEPERS+=($!)
done
echo "   $(ls -d /proc/[0-9]* | wc -l) processes now; cores: $(nproc); load: $(cut -d' ' -f1-3 /proc/loadavg)"
PS_CMDS=("$ONCALL ps --window 0 --json" "ps -eo pid,ppid,user,stat,pcpu,rss,nlwp,args")
have procs && PS_CMDS+=("procs --color disable --pager disable")
have procs || echo "   (procs not installed: that comparison is skipped)"
hyperfine -N --warmup 3 --output=pipe --export-json "$WORK/ps.json" "${PS_CMDS[@]}"
ratios "$WORK/ps.json"
echo "   peak RSS: oncall $(peak_rss "$ONCALL" ps --window 0 --json), ps $(peak_rss ps -eo pid,ppid,user,stat,pcpu,rss,nlwp,args)"
kill "${SLEEPERS[@]}" 2>/dev/null || true
wait 2>/dev/null || true
SLEEPERS=()

echo
echo "== disk usage: generated tree"
TREE="$WORK/tree"
python3 - "$TREE" <<'EOF'
import os, sys
root = sys.argv[1]
# 100 top directories x 10 subdirectories x 100 files = 100,000 files, 1,101 directories;
# sizes vary from empty to a few blocks, and every 1,000th file gets a hard link.
n = 0
for a in range(100):
    for b in range(10):
        d = os.path.join(root, f"d{a:03}", f"s{b:02}")
        os.makedirs(d)
        for c in range(100):
            p = os.path.join(d, f"f{c:03}.dat")
            with open(p, "wb") as f:
                f.write(b"x" * ((n * 7919) % 9000))
            if n % 1000 == 0:
                os.link(p, p + ".link")
            n += 1
EOF
# Written back before timing: dirty pages being flushed would compete with the walks.
sync
echo "   $(find "$TREE" -type f | wc -l) names, $(du -sh "$TREE" | cut -f1); cache warmed by hyperfine's warmup runs"
echo "   load before timing: $(cut -d' ' -f1-3 /proc/loadavg) (other work on these $(nproc) cores skews parallel walks)"
DU_CMDS=("$ONCALL disk usage $TREE" "du -s $TREE")
have dua && DU_CMDS+=("dua a $TREE")
have dua || echo "   (dua not installed: that comparison is skipped)"
hyperfine -N --warmup 3 --min-runs 20 --output=pipe --export-json "$WORK/usage.json" "${DU_CMDS[@]}"
ratios "$WORK/usage.json"
echo "   totals: oncall $("$ONCALL" disk usage "$TREE" --json | python3 -c 'import json,sys; print(json.load(sys.stdin)["allocated_bytes"])') bytes, du -sB1 $(du -sB1 "$TREE" | cut -f1) bytes"
echo "   peak RSS: oncall $(peak_rss "$ONCALL" disk usage "$TREE"), du $(peak_rss du -s "$TREE")$(have dua && echo ", dua $(peak_rss dua a "$TREE")")"

echo
echo "== filesystems"
echo "   $(grep -c . /proc/self/mountinfo) mounts; load: $(cut -d' ' -f1-3 /proc/loadavg)"
hyperfine -N --warmup 3 --output=pipe --export-json "$WORK/df.json" "$ONCALL disk" "df"
ratios "$WORK/df.json"
echo "   peak RSS: oncall $(peak_rss "$ONCALL" disk), df $(peak_rss df)"
