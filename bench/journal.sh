#!/usr/bin/env bash
# The native journal reader (src/journal) vs journalctl, on 1,000,000 generated entries
# written by systemd's own writer (systemd-journal-remote), three boots, five units,
# multi-line compressed messages: count the entries that
#   1. match a MESSAGE regex (journalctl -g; an upper-case pattern is case-sensitive there)
#   2. belong to one unit (-u: index lookups, no scan)
#   3. are in the files at all (a full scan reading MESSAGE)
# The reader runs as examples/journal_scan (it prints a count; journalctl prints the messages
# with -o cat to /dev/null, hyperfine's default), then through the CLI: `oncall logs grep
# … -o cat` against the same journalctl query, both printing every message (-g, -u, -p, -u
# in a window of a third of the journal), `logs tail -n 100 -u` against `journalctl -n 100
# -u` in journalctl's short output, and peak RSS of each of ours (/usr/bin/time -v).
# SDJOURNAL=path/to/binary adds the same queries through the sdjournal crate (a throwaway
# program, not part of the tree: see ARCHITECTURE.md, "Journal").
# Warm cache: every command runs 3 times before measuring (WARMUP=N, RUNS=N to change it on a
# loaded machine; hyperfine's user and system times are then the steadier numbers).
# CLI_ONLY=1 skips the examples/journal_scan part (the issue's targets are the CLI rows). Inputs
# are generated here and never committed. Needs: hyperfine, python3, systemd-journal-remote,
# journalctl.
set -euo pipefail

cd "$(dirname "$0")/.."
ENTRIES="${ENTRIES:-1000000}"
WORK="${WORK:-${TMPDIR:-/tmp}/oncall-bench-journal}"
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$PWD/target}"
DIR="$WORK/journal"

if [[ -z "${SCAN:-}" && -z "${CLI_ONLY:-}" ]]; then
  cargo build --release --quiet --example journal_scan
  SCAN="$CARGO_TARGET_DIR/release/examples/journal_scan"
fi
if [[ -z "${ONCALL:-}" ]]; then
  cargo build --release --quiet --bin oncall
  ONCALL="$CARGO_TARGET_DIR/release/oncall"
fi

if [[ ! -s "$WORK/entries" || "$(cat "$WORK/entries")" != "$ENTRIES" ]]; then
  echo "generating $ENTRIES entries in $DIR ..."
  rm -rf "$DIR" && mkdir -p "$DIR"
  python3 - "$ENTRIES" <<'PY' | /lib/systemd/systemd-journal-remote --output="$DIR/bench.journal" -
import sys, random, struct
n = int(sys.argv[1])
rnd = random.Random(42)
out = sys.stdout.buffer
units = ["nginx.service", "sshd.service", "cron.service", "app.service", "db.service"]
t = 1_795_788_181_000_000
buf = []
boot_start, last_boot = t, 0
for i in range(n):
    boot = i * 3 // n
    t += 1000 + rnd.randrange(500)
    if boot != last_boot:
        t += 60_000_000
        boot_start, last_boot = t, boot
    mono = t - boot_start + 1_000_000
    u = units[rnd.randrange(5)]
    prio = rnd.randrange(8)
    e = [b"__REALTIME_TIMESTAMP=%d" % t, b"__MONOTONIC_TIMESTAMP=%d" % mono,
         b"_BOOT_ID=%032x" % (0xb0070000 + boot), b"_HOSTNAME=web-1", b"PRIORITY=%d" % prio]
    r = rnd.randrange(100)
    if r < 5:
        e += [b"_TRANSPORT=kernel", b"SYSLOG_IDENTIFIER=kernel",
              b"MESSAGE=EXT4-fs (sda1): error count since last fsck: %d" % i]
    elif r < 10:
        e += [b"_PID=1", b"_UID=0", b"_SYSTEMD_UNIT=init.scope", b"UNIT=" + u.encode(),
              b"MESSAGE=Started " + u.encode()]
    else:
        e += [b"_PID=%d" % (1000 + r), b"_UID=100", b"_SYSTEMD_UNIT=" + u.encode(),
              b"SYSLOG_IDENTIFIER=" + u.encode()[:-8]]
        if r >= 98:
            m = b"panic in request %d: stack follows" % i + b"".join(
                b"\n  at frame %d handler::serve::h%016x" % (d, rnd.getrandbits(64)) for d in range(20))
            e.append(b"MESSAGE\n" + struct.pack("<Q", len(m)) + m)
        else:
            word = b"Timeout talking to upstream" if r == 50 else b"GET /api/%d" % rnd.randrange(1000)
            e.append(b"MESSAGE=%s status=%d id=%d" % (word, 200 + rnd.randrange(4) * 100, i))
    buf.append(b"\n".join(e) + b"\n\n")
    if len(buf) >= 10000:
        out.write(b"".join(buf)); buf = []
out.write(b"".join(buf))
PY
  echo "$ENTRIES" > "$WORK/entries"
fi
ls -la "$DIR"
run() {
  local name="$1"; shift
  local cmds=("$@")
  hyperfine -N --warmup "${WARMUP:-3}" ${RUNS:+--runs "$RUNS"} --export-markdown "$WORK/$name.md" \
    --export-json "$WORK/$name.json" "${cmds[@]}"
}
if [[ -z "${CLI_ONLY:-}" ]]; then
echo "counts (ours, journalctl -o json lines):"
for q in "-g Timeout" "-u nginx" ""; do
  # shellcheck disable=SC2086
  echo "  ${q:-all}: $("$SCAN" -D "$DIR" $q) $(journalctl -D "$DIR" -q -o json $q | grep -c '' || true)"
done

SD=()
[[ -n "${SDJOURNAL:-}" ]] && SD=("$SDJOURNAL -D $DIR -g Timeout")
run grep "$SCAN -D $DIR -g Timeout" "journalctl -D $DIR -q -o cat -g Timeout" "${SD[@]}"
SD=()
[[ -n "${SDJOURNAL:-}" ]] && SD=("$SDJOURNAL -D $DIR -u nginx.service")
run unit "$SCAN -D $DIR -u nginx" "journalctl -D $DIR -q -o cat -u nginx" "${SD[@]}"
SD=()
[[ -n "${SDJOURNAL:-}" ]] && SD=("$SDJOURNAL -D $DIR")
run all "$SCAN -D $DIR" "journalctl -D $DIR -q -o cat" "${SD[@]}"
/usr/bin/time -f "journal_scan -g: max RSS %M KiB" "$SCAN" -D "$DIR" -g Timeout >/dev/null
fi

# The CLI path. The window: the middle third of the journal's time span, as @EPOCH.
stamp() { python3 -c 'import sys,json,datetime; t=json.loads(sys.stdin.readline())["timestamp"]; print(int(datetime.datetime.fromisoformat(t.replace("Z","+00:00")).timestamp()))'; }
FIRST=$("$ONCALL" --json logs grep -m 1 '' --journal-dir "$DIR" | stamp)
LAST=$("$ONCALL" --json logs tail -n 1 --journal-dir "$DIR" | stamp)
THIRD=$(( (LAST - FIRST) / 3 ))
SINCE="@$(( FIRST + THIRD ))"; UNTIL="@$(( FIRST + 2 * THIRD ))"
echo "CLI counts (oncall logs grep -c, journalctl -o json lines):"
for q in "Timeout" "'' -u nginx" "'' -p err" "'' -u nginx --since $SINCE --until $UNTIL"; do
  j="${q#\'\' }"; [[ "$q" == Timeout ]] && j="-g Timeout"
  # shellcheck disable=SC2086
  echo "  $q: $(eval "$ONCALL" logs grep -c $q --journal-dir "$DIR") $(journalctl -D "$DIR" -q -o json $j | grep -c '' || true)"
done
run cli-grep "$ONCALL logs grep Timeout -o cat --journal-dir $DIR" "journalctl -D $DIR -q -o cat -g Timeout"
run cli-unit "$ONCALL logs grep '' -u nginx -o cat --journal-dir $DIR" "journalctl -D $DIR -q -o cat -u nginx"
run cli-prio "$ONCALL logs grep '' -p err -o cat --journal-dir $DIR" "journalctl -D $DIR -q -o cat -p err"
run cli-window "$ONCALL logs grep '' -u nginx --since $SINCE --until $UNTIL -o cat --journal-dir $DIR" \
  "journalctl -D $DIR -q -o cat -u nginx --since $SINCE --until $UNTIL"
run cli-tail "$ONCALL logs tail -n 100 -u nginx --journal-dir $DIR" "journalctl -D $DIR -q -n 100 -u nginx"
for q in "Timeout" "'' -u nginx" "'' -p err"; do
  eval /usr/bin/time -f "\"logs grep $q: max RSS %M KiB\"" "$ONCALL" logs grep $q -o cat --journal-dir "$DIR" >/dev/null
done
/usr/bin/time -f "logs tail -n 100 -u nginx: max RSS %M KiB" "$ONCALL" logs tail -n 100 -u nginx --journal-dir "$DIR" >/dev/null
/usr/bin/time -f "journalctl -n 100 -u nginx: max RSS %M KiB" journalctl -D "$DIR" -q -n 100 -u nginx >/dev/null
