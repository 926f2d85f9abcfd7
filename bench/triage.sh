#!/usr/bin/env bash
# Triage's wall time against its window (target: window + <= 300 ms), and against the
# classic first-60-seconds checklist run with 1-second intervals, in one hyperfine run.
# Needs: hyperfine, sysstat (mpstat, pidstat, iostat, sar), procps, python3.
set -euo pipefail
cd "$(dirname "$0")/.."
for t in hyperfine mpstat pidstat iostat sar vmstat; do
  command -v "$t" >/dev/null || { echo "bench: $t missing (apt-get install hyperfine sysstat procps)" >&2; exit 2; }
done
cargo build --release --quiet
bin=$PWD/target/release/oncall
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# The checklist (Brendan Gregg's "Linux performance analysis in 60,000 ms"), each sampled
# for one second, run one after another as a person at a prompt would.
cat > "$work/checklist.sh" <<'SH'
uptime
dmesg -T 2>/dev/null | tail -20
vmstat 1 2
mpstat -P ALL 1 1
pidstat 1 1
iostat -xz 1 1
free -m
sar -n DEV 1 1
sar -n TCP,ETCP 1 1
top -b -n 1 | head -20
SH

echo "warm cache; $(nproc) cores; $(date -u +%FT%TZ)"
hyperfine -N --warmup 1 --runs 10 --output=pipe --export-json "$work/t.json" \
  -n "oncall triage --window 1s" "$bin triage --window 1s" \
  -n "checklist (10 commands, 1 s samples)" "bash $work/checklist.sh" >/dev/null
python3 - "$work/t.json" <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))["results"]
med = {x["command"]: x["median"] for x in r}
o, c = r[0]["command"], r[1]["command"]
print(f"{o:38s} median {med[o]*1000:8.1f} ms  (window 1000 ms: +{med[o]*1000-1000:.0f} ms)")
print(f"{c:38s} median {med[c]*1000:8.1f} ms")
print(f"ratio triage / checklist: {med[o]/med[c]:.2f}")
PY
rss=$( { /usr/bin/time -v "$bin" triage --window 1s >/dev/null; } 2>&1 | awk '/Maximum resident/ {print $6}')
echo "peak RSS oncall triage: ${rss} KiB"
