#!/usr/bin/env bash
# oncall logs over many files, endless input and xz/bz2 rotations (issue 15):
#   1. logs grep -c / -l and logs top over 5k…100k small files (rotated sets): oncall vs rg -c
#      and grep -rc; the file-set ordering was once quadratic (100k files: 170 s)
#   2. endless input for 10 s: /dev/zero (refused at once) and a zstd stream of 4 GiB of NUL
#      bytes without a newline (the line cap at work): exit code and peak RSS
#   3. .xz and .bz2 decoded in-process vs xzgrep -c / bzgrep -c (and xz -dc | rg -c)
# Warm cache. Inputs are generated here and never committed.
# Needs: hyperfine, ripgrep, grep, xz-utils, bzip2, zstd, python3, /usr/bin/time.
#   FILES="5000 10000 20000 100000" SIZE_MB=100 bench/logs_sources.sh
set -euo pipefail

cd "$(dirname "$0")/.."
FILES="${FILES:-5000 10000 20000 100000}"
SIZE_MB="${SIZE_MB:-100}"
WORK="${WORK:-${TMPDIR:-/tmp}/oncall-bench-logs-sources}"
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$PWD/target}"
mkdir -p "$WORK"

cargo build --release --quiet
ONCALL="$CARGO_TARGET_DIR/release/oncall"

ratio() { # json file, then: name of ours, names of peers
  python3 - "$@" <<'PY'
import json, sys
data = {r["command"]: r for r in json.load(open(sys.argv[1]))["results"]}
ours = data[sys.argv[2]]["median"]
for peer in sys.argv[3:]:
    p = data[peer]["median"]
    print(f"  {sys.argv[2]:>30}  median {ours*1000:9.1f} ms | {peer:>24} median {p*1000:9.1f} ms | ratio {ours/p:.2f}")
PY
}

rss() { # exit code and peak RSS of one run: rss SECONDS CMD…
  local secs=$1; shift
  /usr/bin/time -f "%x %M" -o "$WORK/time.txt" timeout "$secs" "$@" >/dev/null 2>"$WORK/stderr.txt" || true
  tail -n 1 "$WORK/time.txt" | awk '{printf "exit %s, peak RSS %.1f MiB", $(NF-1), $NF / 1024}'
  [[ -s "$WORK/stderr.txt" ]] && printf " (stderr: %s)" "$(head -c 120 "$WORK/stderr.txt" | head -n 1)"
  return 0
}

echo "== 1. many small files (3 lines each; sets of app-K.log, .1, .2.gz)"
for n in $FILES; do
  dir="$WORK/files-$n"
  if [[ ! -d "$dir" || $(find "$dir" -type f | wc -l) -ne $n ]]; then
    rm -rf "$dir"; mkdir -p "$dir"
    python3 - "$dir" "$n" <<'PY'
import gzip, os, sys
d, n = sys.argv[1], int(sys.argv[2])
for i in range(n):
    sub = os.path.join(d, "svc%03d" % (i % 100))
    os.makedirs(sub, exist_ok=True)
    k, member = divmod(i, 3)
    name = ["app-%d.log" % k, "app-%d.log.1" % k, "app-%d.log.2.gz" % k][member]
    body = ("2026-11-27T14:03:%02dZ %s request id=%d status=%d\n" % (i % 60, "ERROR" if i % 7 == 0 else "INFO", i, 500 if i % 11 == 0 else 200)) * 3
    path = os.path.join(sub, name)
    if name.endswith(".gz"):
        with gzip.open(path, "wt") as f: f.write(body)
    else:
        with open(path, "w") as f: f.write(body)
PY
  fi
  runs=$([[ $n -ge 50000 ]] && echo 3 || echo 5)
  hyperfine -N --warmup 1 --runs "$runs" --output=pipe --export-json "$WORK/files-$n.json" \
    -n "oncall -c ($n)" "$ONCALL logs grep -c ERROR $dir" \
    -n "oncall -l ($n)" "$ONCALL logs grep -l ERROR $dir" \
    -n "oncall top ($n)" "$ONCALL logs top $dir" \
    -n "rg -z -c ($n)" "rg --no-config -z -c ERROR $dir" \
    -n "rg -c ($n)" "rg --no-config -c ERROR $dir" \
    -n "grep -rc ($n)" "grep -rc ERROR $dir" >/dev/null
  # rg -c and grep -rc read the .gz members as binary, not decompressed: a floor, not a peer.
  ratio "$WORK/files-$n.json" "oncall -c ($n)" "rg -z -c ($n)" "rg -c ($n)" "grep -rc ($n)"
  ratio "$WORK/files-$n.json" "oncall -l ($n)" "rg -z -c ($n)"
  ratio "$WORK/files-$n.json" "oncall top ($n)" "rg -z -c ($n)"
done

echo
echo "== 2. endless input, 10 s at most each"
ZEROS="$WORK/zeros.log.zst"
[[ -s "$ZEROS" ]] || head -c 4294967296 /dev/zero | zstd -q -1 -c > "$ZEROS"
echo "  oncall logs grep x /dev/zero:           $(rss 10 "$ONCALL" logs grep x /dev/zero)"
echo "  oncall logs top /dev/zero:              $(rss 10 "$ONCALL" logs top /dev/zero)"
echo "  oncall logs grep -c x (4 GiB NULs .zst): $(rss 10 "$ONCALL" logs grep -c x "$ZEROS")"
echo "  oncall logs top (4 GiB NULs .zst):       $(rss 10 "$ONCALL" logs top "$ZEROS")"
echo "  rg -z -c x (4 GiB NULs .zst):            $(rss 10 rg --no-config -a -z -c x "$ZEROS")"

echo
echo "== 3. .xz and .bz2 (${SIZE_MB} MB of log)"
LOG="$WORK/xzbz.log"
if [[ ! -s "$LOG.xz" || ! -s "$LOG.bz2" ]]; then
  python3 - "$LOG" "$SIZE_MB" <<'PY'
import random, sys
path, target = sys.argv[1], int(sys.argv[2]) * 1024 * 1024
rnd = random.Random(7)
levels = ["ERROR"] * 3 + ["WARN"] * 10 + ["INFO"] * 87
written = 0
with open(path, "w") as f:
    i = 0
    while written < target:
        line = "2026-11-27T14:%02d:%02d.%03dZ %s service=api req=%016x status=%d took=%dms\n" % (
            i // 60000 % 60, i // 1000 % 60, i % 1000, rnd.choice(levels), rnd.getrandbits(64),
            rnd.choice([200] * 9 + [503]), rnd.randrange(500))
        f.write(line); written += len(line); i += 1
PY
  # -3: -6 takes minutes on 100 MB; decoding speed hardly depends on the level.
  xz -k -T1 -3 -f "$LOG" && bzip2 -k -f "$LOG"
fi
hyperfine -N --warmup 1 --runs 5 --output=pipe --export-json "$WORK/xzbz.json" \
  -n "oncall -c .xz" "$ONCALL logs grep -c ERROR $LOG.xz" \
  -n "xzgrep -c .xz" "xzgrep -c ERROR $LOG.xz" \
  -n "rg -z -c .xz" "rg --no-config -z -c ERROR $LOG.xz" \
  -n "oncall -c .bz2" "$ONCALL logs grep -c ERROR $LOG.bz2" \
  -n "bzgrep -c .bz2" "bzgrep -c ERROR $LOG.bz2" \
  -n "rg -z -c .bz2" "rg --no-config -z -c ERROR $LOG.bz2" >/dev/null
ratio "$WORK/xzbz.json" "oncall -c .xz" "xzgrep -c .xz" "rg -z -c .xz"
ratio "$WORK/xzbz.json" "oncall -c .bz2" "bzgrep -c .bz2" "rg -z -c .bz2"
echo "  counts: .xz oncall $("$ONCALL" logs grep -c ERROR "$LOG.xz") / xzgrep $(xzgrep -c ERROR "$LOG.xz");" \
     ".bz2 oncall $("$ONCALL" logs grep -c ERROR "$LOG.bz2") / bzgrep $(bzgrep -c ERROR "$LOG.bz2")"
echo "  peak RSS: .xz $(rss 60 "$ONCALL" logs grep -c ERROR "$LOG.xz"); .bz2 $(rss 60 "$ONCALL" logs grep -c ERROR "$LOG.bz2")"
