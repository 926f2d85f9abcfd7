#!/usr/bin/env bash
# oncall logs vs the classic tools, on a generated 500 MB log (24 h of lines ending now).
#   1. grep -c ERROR and the regex status=5\d\d: oncall vs rg -c vs grep -c
#   2. the same file gzipped: oncall vs zgrep -c
#   3. --since 1h (binary search) vs a full scan, same tool
#   4. follow at 5k lines/s across three renames and a copytruncate: lines lost by tail -F and
#      by oncall logs tail -f, and the p50/p99 delay from write to print
# (hyperfine -N splits commands like a shell: patterns with backslashes are single-quoted.)
# Warm cache: every timed command runs 3 times before measuring. Inputs are generated here and
# never committed. Needs: hyperfine, ripgrep, grep, gzip (zgrep), python3, /usr/bin/time.
set -euo pipefail

cd "$(dirname "$0")/.."
SIZE_MB="${SIZE_MB:-500}"
WORK="${WORK:-${TMPDIR:-/tmp}/oncall-bench-logs}"
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$PWD/target}"
mkdir -p "$WORK"
LOG="$WORK/big.log"

cargo build --release --quiet
ONCALL="$CARGO_TARGET_DIR/release/oncall"

# The log ends "now": regenerate when older than 10 minutes, so --since 1h means the last hour.
if [[ ! -s "$LOG" || $(( $(stat -c %s "$LOG") / 1048576 )) -lt "$SIZE_MB" || -n "$(find "$LOG" -mmin +10)" ]]; then
  echo "generating ${SIZE_MB} MB log in $LOG ..."
  python3 - "$LOG" "$SIZE_MB" <<'PY'
import sys, time, random
path, size_mb = sys.argv[1], int(sys.argv[2])
target = size_mb * 1024 * 1024
now_ms = int(time.time() * 1000)
start = now_ms - 24 * 3600 * 1000
rnd = random.Random(42)
levels = ["ERROR"] * 3 + ["WARN"] * 10 + ["INFO"] * 77 + ["DEBUG"] * 10
statuses = [200] * 14 + [201, 204, 301, 404, 500, 502, 503]
written = 0
with open(path, "w") as f:
    buf = []
    i = 0
    while written < target:
        t = start + written * 24 * 3600 * 1000 // target   # by byte position: ends now
        s, ms = divmod(t, 1000)
        ts = time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(s)) + ".%03dZ" % ms
        line = "%s %s service=api req=%016x status=%d path=/v1/items/%d took=%dms user=u%d\n" % (
            ts, rnd.choice(levels), rnd.getrandbits(64), rnd.choice(statuses),
            rnd.randrange(1000), rnd.randrange(500), rnd.randrange(50))
        buf.append(line)
        written += len(line)
        i += 1
        if len(buf) == 10000:
            f.write("".join(buf)); buf = []
    f.write("".join(buf))
PY
  rm -f "$LOG.gz"
fi
[[ -s "$LOG.gz" ]] || gzip -k -6 "$LOG"

ratio() { # json file, then: name of ours, name of peer
  python3 - "$@" <<'PY'
import json, sys
data = {r["command"]: r for r in json.load(open(sys.argv[1]))["results"]}
ours = data[sys.argv[2]]["median"]
for peer in sys.argv[3:]:
    p = data[peer]["median"]
    print(f"  {sys.argv[2]:>40}  median {ours*1000:8.1f} ms | {peer:>28} median {p*1000:8.1f} ms | ratio {ours/p:.2f}")
PY
}

rss() { # peak RSS in MiB of one run
  /usr/bin/time -v "$@" 2>&1 >/dev/null | awk '/Maximum resident/ {printf "%.1f MiB", $6/1024}'
}

echo
echo "== 1. grep -c on $(du -h "$LOG" | cut -f1) (warm cache)"
hyperfine -N --warmup 3 --output=pipe --export-json "$WORK/literal.json" \
  -n "oncall -c ERROR" "$ONCALL logs grep -c ERROR $LOG" \
  -n "rg -c ERROR" "rg --no-config -c ERROR $LOG" \
  -n "grep -c ERROR" "grep -c ERROR $LOG" >/dev/null
ratio "$WORK/literal.json" "oncall -c ERROR" "rg -c ERROR" "grep -c ERROR"
hyperfine -N --warmup 3 --output=pipe --export-json "$WORK/regex.json" \
  -n 'oncall -c status=5\d\d' "$ONCALL logs grep -c 'status=5\d\d' $LOG" \
  -n 'rg -c status=5\d\d' "rg --no-config -c 'status=5\d\d' $LOG" \
  -n 'grep -cE status=5[0-9][0-9]' "grep -cE 'status=5[0-9][0-9]' $LOG" >/dev/null
ratio "$WORK/regex.json" 'oncall -c status=5\d\d' 'rg -c status=5\d\d' 'grep -cE status=5[0-9][0-9]'
echo "  counts: oncall $("$ONCALL" logs grep -c ERROR "$LOG") / rg $(rg --no-config -c ERROR "$LOG") / grep $(grep -c ERROR "$LOG")"
echo "  peak RSS: oncall $(rss "$ONCALL" logs grep -c ERROR "$LOG"), rg $(rss rg --no-config -c ERROR "$LOG")"

echo
echo "== 2. gzip ($(du -h "$LOG.gz" | cut -f1))"
hyperfine -N --warmup 3 --runs 5 --output=pipe --export-json "$WORK/gz.json" \
  -n "oncall -c ERROR .gz" "$ONCALL logs grep -c ERROR $LOG.gz" \
  -n "zgrep -c ERROR .gz" "zgrep -c ERROR $LOG.gz" \
  -n 'oncall -c status=5\d\d .gz' "$ONCALL logs grep -c 'status=5\d\d' $LOG.gz" \
  -n 'zgrep -cE status=5.. .gz' "zgrep -cE 'status=5[0-9][0-9]' $LOG.gz" >/dev/null
ratio "$WORK/gz.json" "oncall -c ERROR .gz" "zgrep -c ERROR .gz"
ratio "$WORK/gz.json" 'oncall -c status=5\d\d .gz' 'zgrep -cE status=5.. .gz'
echo "  peak RSS: oncall $(rss "$ONCALL" logs grep -c ERROR "$LOG.gz")"

echo
echo "== 3. --since 1h (last hour of 24) vs full scan"
hyperfine -N --warmup 3 --output=pipe --export-json "$WORK/since.json" \
  -n "oncall --since 1h -c ERROR" "$ONCALL logs grep --since 1h -c ERROR $LOG" \
  -n "oncall -c ERROR (full)" "$ONCALL logs grep -c ERROR $LOG" >/dev/null
ratio "$WORK/since.json" "oncall --since 1h -c ERROR" "oncall -c ERROR (full)"
echo "  last hour: $("$ONCALL" logs grep --since 1h -c ERROR "$LOG") ERROR lines of $("$ONCALL" logs grep -c ERROR "$LOG")"

echo
echo "== 4. follow at 5k lines/s: 3 renames (old handle kept 100 ms), then a copytruncate"
python3 - "$ONCALL" "$WORK/follow" <<'PY'
import os, shutil, subprocess, sys, threading, time
oncall, base = sys.argv[1], sys.argv[2]
RATE, PHASE = 5000, 2.0          # lines/s, seconds between rotations

def run(name, cmd_for):
    d = os.path.join(base, name)
    shutil.rmtree(d, ignore_errors=True); os.makedirs(d)
    log = os.path.join(d, "app.log")
    open(log, "w").close()
    p = subprocess.Popen(cmd_for(log), stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
    seen, delays = {}, []
    def reader():
        for raw in p.stdout:
            now = time.monotonic_ns()
            parts = raw.split()
            if len(parts) >= 2 and parts[0].startswith(b"seq="):
                n = int(parts[0][4:]); seen[n] = seen.get(n, 0) + 1
                delays.append((now - int(parts[1][2:])) / 1e6)
    t = threading.Thread(target=reader, daemon=True); t.start()
    time.sleep(0.5)
    f = open(log, "a", buffering=1)
    seq = 0; t0 = time.monotonic()
    def write_for(secs, fh):
        nonlocal seq
        end = time.monotonic() + secs
        while time.monotonic() < end:
            due = t0 + seq / RATE
            lag = due - time.monotonic()
            if lag > 0: time.sleep(lag)
            fh.write("seq=%d t=%d payload=abcdefghijklmnopqrstuvwxyz\n" % (seq, time.monotonic_ns()))
            seq += 1
    write_for(PHASE, f)
    for gen in range(1, 4):
        for k in range(gen - 1, 0, -1):
            os.rename(f"{log}.{k}", f"{log}.{k+1}")
        os.rename(log, log + ".1")
        write_for(0.1, f)                      # the writer still holds the old file
        f.close(); f = open(log, "a", buffering=1)
        write_for(PHASE, f)
    before_copy = seq
    shutil.copyfile(log, log + ".copy")
    with open(log, "r+") as tr: tr.truncate(0)
    after_trunc = seq
    write_for(PHASE, f)
    f.close()
    time.sleep(1.5)
    p.kill(); p.wait(); t.join(timeout=2)
    lost = [n for n in range(seq) if n not in seen]
    # copytruncate loses the lines not yet read when the file is truncated: a run ending there.
    lost_ct, k = [], after_trunc - 1
    while k >= 0 and k not in seen:
        lost_ct.append(k); k -= 1
    dup = sum(1 for c in seen.values() if c > 1)
    delays.sort()
    pct = lambda q: delays[min(len(delays) - 1, int(q * len(delays)))] if delays else float("nan")
    print(f"  {name:>22}: {seq} written, {len(lost)} lost ({len(lost) - len(lost_ct)} across renames, "
          f"{len(lost_ct)} unread at the copytruncate), {dup} printed twice, "
          f"delay p50 {pct(0.5):.2f} ms p99 {pct(0.99):.2f} ms")

run("tail -F", lambda log: ["tail", "-F", "-n", "+1", log])
run("oncall logs tail -f", lambda log: [oncall, "logs", "tail", "-f", "-n", "100000000", log])
PY
