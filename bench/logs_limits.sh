#!/usr/bin/env bash
# oncall logs top / logs tail on hostile input: cost that must stay linear, memory that must
# stay bounded (issue 15).
#   1. logs top on one ERROR line of 1 MB vs 10 MB (and 4 MB of words): ratio of medians
#      (linear: ~10; the table used to lay out the whole line as the signature, ~80x)
#   2. logs tail -f /dev/zero: refused at once (it grew to gigabytes in seconds)
#   3. logs tail -f on a regular file whose writer never ends its line, for 10 s: peak RSS
#      (lines are cut at MAX_LINE_BYTES, 1 MiB)
# Warm cache: every timed command runs 3 times before measuring. Inputs are generated here and
# never committed. Needs: hyperfine, python3, /usr/bin/time.
set -euo pipefail

cd "$(dirname "$0")/.."
WORK="${WORK:-${TMPDIR:-/tmp}/oncall-bench-logs-limits}"
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$PWD/target}"
mkdir -p "$WORK"

cargo build --release --quiet
ONCALL="$CARGO_TARGET_DIR/release/oncall"

python3 - "$WORK" <<'PY'
import sys
w = sys.argv[1]
head = "2026-11-27T14:03:01Z ERROR "
for name, body in [("1mb", "x" * (1 << 20)), ("10mb", "x" * (10 << 20)),
                   ("4mb-words", "word " * ((4 << 20) // 5))]:
    with open(f"{w}/{name}.log", "w") as f:
        f.write("2026-11-27T14:03:00Z ERROR short one\n" + head + body + "\n")
PY

ratio() { # json file, then: name of ours, name of peer
  python3 - "$@" <<'PY'
import json, sys
data = {r["command"]: r for r in json.load(open(sys.argv[1]))["results"]}
ours = data[sys.argv[2]]["median"]
for peer in sys.argv[3:]:
    p = data[peer]["median"]
    print(f"  {sys.argv[2]:>28}  median {ours*1000:8.1f} ms | {peer:>28} median {p*1000:8.1f} ms | ratio {ours/p:.2f}")
PY
}

echo "== 1. logs top on one long line (table output, 120 columns)"
COLUMNS=120 hyperfine -N --warmup 3 --output=pipe --export-json "$WORK/top.json" \
  -n "top 10 MB line" "$ONCALL logs top --color never $WORK/10mb.log" \
  -n "top 4 MB of words" "$ONCALL logs top --color never $WORK/4mb-words.log" \
  -n "top 1 MB line" "$ONCALL logs top --color never $WORK/1mb.log"
ratio "$WORK/top.json" "top 10 MB line" "top 1 MB line"
ratio "$WORK/top.json" "top 4 MB of words" "top 1 MB line"
echo "  printed for the 10 MB line: $(COLUMNS=120 "$ONCALL" logs top --color never "$WORK/10mb.log" | wc -c) bytes"

echo
echo "== 2. logs tail -f /dev/zero (bounded to 10 s)"
/usr/bin/time -f "  exit %x after %e s, peak RSS %M KiB" \
  timeout 10 "$ONCALL" logs tail -f /dev/zero 2>&1 | sed 's/^oncall/  oncall/' || true

echo
echo "== 3. logs tail -f on a file whose line never ends (writer appends 20 MB/s of 'x' for 10 s)"
LIVE="$WORK/endless.log"
: >"$LIVE"
"$ONCALL" logs tail -f "$LIVE" >/dev/null 2>"$WORK/endless.err" &
FOLLOWER=$!
python3 - "$LIVE" <<'PY'
import sys, time
chunk = b"x" * (1 << 20)
with open(sys.argv[1], "ab", buffering=0) as f:
    end = time.time() + 10
    while time.time() < end:
        for _ in range(2):
            f.write(chunk)
        time.sleep(0.1)
PY
sleep 1
HWM=$(awk '/VmHWM/ {print $2}' "/proc/$FOLLOWER/status")
kill "$FOLLOWER"
wait "$FOLLOWER" 2>/dev/null || true
echo "  file grew to $(( $(stat -c %s "$LIVE") / 1048576 )) MiB with no newline; follower peak RSS ${HWM} KiB"
echo "  stderr: $(sort "$WORK/endless.err" | uniq -c | sort -rn | head -1)"
rm -f "$LIVE"
