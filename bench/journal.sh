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
# Last, `oncall triage` with a 1 GiB journal (see triage_section; TRIAGE_ONLY=1 runs only
# that, NO_TRIAGE=1 skips it).
# CLI_ONLY=1 skips the examples/journal_scan part (the issue's targets are the CLI rows). Inputs
# are generated here and never committed. Needs: hyperfine, python3, systemd-journal-remote,
# journalctl.
set -euo pipefail

cd "$(dirname "$0")/.."
ENTRIES="${ENTRIES:-1000000}"
WORK="${WORK:-${TMPDIR:-/tmp}/oncall-bench-journal}"
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$PWD/target}"
DIR="$WORK/journal"

if [[ -z "${SCAN:-}" && -z "${CLI_ONLY:-}" && -z "${TRIAGE_ONLY:-}" ]]; then
  cargo build --release --quiet --example journal_scan
  SCAN="$CARGO_TARGET_DIR/release/examples/journal_scan"
fi
if [[ -z "${ONCALL:-}" ]]; then
  cargo build --release --quiet --bin oncall
  ONCALL="$CARGO_TARGET_DIR/release/oncall"
fi

# `oncall triage` with a 1 GiB journal (the issue's target: still window + ≤ 300 ms). A
# journal of TRIAGE_ENTRIES entries over the last 7 days up to now (so its last hour holds
# a 168th of them: the error-burst rule's hour, the unit rule's 15 minutes), with a unit
# failure, a coredump and a kernel OOM kill planted in the last 15 minutes; triage with it
# against triage with an empty journal directory, side by side, and the journal collectors'
# own elapsed_ms from the JSON. TRIAGE_ONLY=1 runs only this part. The files are made in
# $WORK/triage and deleted afterwards (KEEP=1 keeps them).
triage_section() {
  local tdir="$WORK/triage/journal" empty="$WORK/triage/empty" n="${TRIAGE_ENTRIES:-4000000}"
  rm -rf "$WORK/triage" && mkdir -p "$tdir" "$empty"
  echo "generating $n entries over 7 days up to now in $tdir ..."
  python3 - "$n" <<'PY' | /lib/systemd/systemd-journal-remote --output="$tdir/system.journal" -
import sys, random, struct, time
n = int(sys.argv[1])
rnd = random.Random(7)
out = sys.stdout.buffer
units = ["nginx.service", "sshd.service", "cron.service", "app.service", "db.service"]
end = int(time.time() * 1e6) - 60_000_000
t = end - 7 * 86400 * 1_000_000
step = (end - t) // n
boot = b"_BOOT_ID=%032x" % 0xb0071
buf = []
def entry(t, fields):
    e = [b"__REALTIME_TIMESTAMP=%d" % t, b"__MONOTONIC_TIMESTAMP=%d" % (t - end + 8 * 86400 * 1_000_000),
         boot, b"_HOSTNAME=web-1"] + fields
    buf.append(b"\n".join(e) + b"\n\n")
for i in range(n):
    t += step
    u = units[rnd.randrange(5)].encode()
    r = rnd.randrange(100)
    prio = b"PRIORITY=%d" % rnd.randrange(8)
    if r < 5:
        entry(t, [prio, b"_TRANSPORT=kernel", b"SYSLOG_IDENTIFIER=kernel",
                  b"MESSAGE=EXT4-fs (sda1): error count since last fsck: %d" % i])
    elif r < 10:
        entry(t, [prio, b"_PID=1", b"_UID=0", b"_SYSTEMD_UNIT=init.scope", b"UNIT=" + u,
                  b"MESSAGE=Started " + u])
    else:
        f = [prio, b"_PID=%d" % (1000 + r), b"_UID=100", b"_SYSTEMD_UNIT=" + u, b"SYSLOG_IDENTIFIER=" + u[:-8]]
        if r >= 98:
            m = b"panic in request %d: stack follows" % i + b"".join(
                b"\n  at frame %d handler::serve::h%016x" % (d, rnd.getrandbits(64)) for d in range(20))
            f.append(b"MESSAGE\n" + struct.pack("<Q", len(m)) + m)
        else:
            f.append(b"MESSAGE=GET /api/%d status=%d id=%d" % (rnd.randrange(1000), 200 + rnd.randrange(4) * 100, i))
        entry(t, f)
    if i == n - 1000:
        # The last few minutes' troubles, among the ordinary entries.
        entry(t, [b"PRIORITY=4", b"_PID=1", b"_UID=0", b"_SYSTEMD_UNIT=init.scope", b"UNIT=db.service",
                  b"UNIT_RESULT=exit-code", b"MESSAGE_ID=d9b373ed55a64feb8242e02dbe79a49c",
                  b"MESSAGE=db.service: Failed with result 'exit-code'."])
        entry(t + 1, [b"PRIORITY=2", b"_PID=777", b"_UID=0", b"MESSAGE_ID=fc2e22bc6ee647b6b90729ab34a250b1",
                      b"COREDUMP_UNIT=app.service", b"COREDUMP_PID=1050", b"COREDUMP_COMM=app",
                      b"COREDUMP_SIGNAL_NAME=SIGSEGV", b"MESSAGE=Process 1050 (app) of user 100 dumped core."])
        entry(t + 2, [b"PRIORITY=3", b"_TRANSPORT=kernel", b"SYSLOG_IDENTIFIER=kernel",
                      b"MESSAGE=Out of memory: Killed process 1060 (nginx) total-vm:1048576kB"])
    if len(buf) >= 10000:
        out.write(b"".join(buf)); buf = []
out.write(b"".join(buf))
PY
  ls -la "$tdir"
  local args="triage --json --window 1s --logs /nonexistent"
  echo "the journal collectors' elapsed_ms (journal: error bursts, journal-units: failed/OOM/crashed units):"
  for _ in 1 2 3; do
    "$ONCALL" $args --journal-dir "$tdir" | python3 -c 'import sys,json; r=json.load(sys.stdin); print("  ", {c["name"]: c["elapsed_ms"] for c in r["sections"]["collectors"] if c["name"].startswith("journal")}, "findings:", [f["subject"] for f in r["findings"] if f["rule"] == "logs"])'
  done
  run triage-1gib "$ONCALL $args --journal-dir $tdir" "$ONCALL $args --journal-dir $empty"
  /usr/bin/time -f "triage with the 1 GiB journal: max RSS %M KiB" "$ONCALL" $args --journal-dir "$tdir" >/dev/null
  [[ -n "${KEEP:-}" ]] || rm -rf "$WORK/triage"
}

run() {
  local name="$1"; shift
  local cmds=("$@")
  hyperfine -N --warmup "${WARMUP:-3}" ${RUNS:+--runs "$RUNS"} --export-markdown "$WORK/$name.md" \
    --export-json "$WORK/$name.json" "${cmds[@]}"
}
if [[ -n "${TRIAGE_ONLY:-}" ]]; then
  triage_section
  exit 0
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
[[ -n "${NO_TRIAGE:-}" ]] || triage_section
