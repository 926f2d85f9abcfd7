#!/usr/bin/env bash
# oncall serve against the exporters it stands beside, on loopback only, side by side in one
# hyperfine run each:
#   1. a /metrics scrape vs prometheus-node-exporter's /metrics on this host (target ≤ 0.5)
#   2. /probe of a loopback nginx vs blackbox_exporter with the same module (target ≤ 0.5);
#      2b. the same per probe, net of curl's own start-up
#   3. idle RSS of oncall serve vs node_exporter's (VmRSS after the first windows)
#   4. 1,024 /probe requests at concurrency 64 (hey) vs blackbox_exporter: throughput (target ≥ 2×)
#      4b. RSS after that burst, at once and a sampler window later
#   5. CPU per /metrics scrape (2,000 scrapes by hey), oncall vs node_exporter
#   6. RSS over a loop of 10 /metrics scrapes a second: SERVE_SOAK seconds (default 120; the
#      issue's 10 minutes is SERVE_SOAK=600), RSS at the start and the end
# Needs: nginx, curl, hyperfine, hey, python3, prometheus-node-exporter, prometheus-blackbox-exporter.
set -euo pipefail
cd "$(dirname "$0")/.."

SOAK=${SERVE_SOAK:-120}
for tool in nginx curl hyperfine hey python3 prometheus-node-exporter prometheus-blackbox-exporter; do
  command -v "$tool" >/dev/null || [ -x "/usr/sbin/$tool" ] || { echo "bench/serve.sh needs $tool" >&2; exit 2; }
done
NGINX=$(command -v nginx || echo /usr/sbin/nginx)

cargo build --release --quiet
BIN=${CARGO_TARGET_DIR:-target}/release/oncall

WORK=$(mktemp -d)
port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }
NGX=$(port); ONCALL=$(port); NODE=$(port); BB=$(port)
chmod 755 "$WORK"
mkdir -p "$WORK/tmp"
cat > "$WORK/nginx.conf" <<CONF
worker_processes 1;
daemon off;
pid $WORK/nginx.pid;
error_log $WORK/error.log;
events { worker_connections 1024; }
http {
  access_log off;
  client_body_temp_path $WORK/tmp; proxy_temp_path $WORK/tmp; fastcgi_temp_path $WORK/tmp;
  uwsgi_temp_path $WORK/tmp; scgi_temp_path $WORK/tmp;
  server { listen 127.0.0.1:$NGX; location / { return 200 'ok'; } }
}
CONF
cat > "$WORK/blackbox.yml" <<CONF
modules:
  http_2xx:
    prober: http
    timeout: 5s
    http:
      preferred_ip_protocol: ip4
CONF
PIDS=()
"$NGINX" -p "$WORK" -e "$WORK/error.log" -c "$WORK/nginx.conf" & PIDS+=($!)
# --probe.concurrency 64: the throughput run sends 64 at once (the default, 32, answers the
# rest 503 at once, which would measure refusals); blackbox_exporter has no limit.
"$BIN" serve --web.listen-address "127.0.0.1:$ONCALL" --config.file "$WORK/blackbox.yml" --probe.concurrency 64 & ONCALL_PID=$!; PIDS+=($ONCALL_PID)
prometheus-node-exporter --web.listen-address "127.0.0.1:$NODE" >/dev/null 2>&1 & NODE_PID=$!; PIDS+=($NODE_PID)
prometheus-blackbox-exporter --config.file "$WORK/blackbox.yml" --web.listen-address "127.0.0.1:$BB" >/dev/null 2>&1 & BB_PID=$!; PIDS+=($BB_PID)
trap 'for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null; done; wait 2>/dev/null; rm -rf "$WORK"' EXIT
for p in $NGX $ONCALL $NODE $BB; do
  for _ in $(seq 200); do curl -s -o /dev/null "http://127.0.0.1:$p/" && break; sleep 0.05; done
done
# /metrics answers from the last complete window: wait for the first (15 s + budget).
for _ in $(seq 200); do
  [ "$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$ONCALL/-/ready")" = 200 ] && break
  sleep 0.2
done

ratio() { # hyperfine JSON → "oncall median, peer median, ratio"
  python3 - "$1" <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))["results"]
a, b = r[0]["median"], r[1]["median"]
print(f"  oncall median {a*1000:.2f} ms, peer median {b*1000:.2f} ms, ratio {a/b:.3f}")
PY
}

# One curl does 20 requests on one kept-alive connection, as Prometheus does: curl's own
# start-up is shared by both sides and does not drown the servers' time.
many() { for _ in $(seq 20); do printf ' -o /dev/null %s' "$1"; done; }
echo "== 1. /metrics scrape: oncall serve vs node_exporter (20 scrapes per run)"
hyperfine -N --warmup 3 --runs 30 --export-json "$WORK/metrics.json" \
  "curl -s $(many "http://127.0.0.1:$ONCALL/metrics")" \
  "curl -s $(many "http://127.0.0.1:$NODE/metrics")" >/dev/null
ratio "$WORK/metrics.json"

PROBE="probe?module=http_2xx&target=http://127.0.0.1:$NGX/"
echo "== 2. /probe of a loopback nginx: oncall serve vs blackbox_exporter (20 probes per run)"
hyperfine -N --warmup 3 --runs 30 --export-json "$WORK/probe.json" \
  "curl -s $(many "http://127.0.0.1:$ONCALL/$PROBE")" \
  "curl -s $(many "http://127.0.0.1:$BB/$PROBE")" >/dev/null
ratio "$WORK/probe.json"

# The 20-per-run figure above includes curl's own start-up (~6 ms here), the same for both
# sides, which pulls the ratio towards 1. Per probe without it: runs of 1 and of 21 probes,
# (t21 - t1) / 20 for each server.
echo "== 2b. /probe per request, net of curl's start-up: (runs of 21 - runs of 1) / 20"
many_n() { for _ in $(seq "$2"); do printf ' -o /dev/null %s' "$1"; done; }
hyperfine -N --warmup 3 --runs 30 --export-json "$WORK/probe_net.json" \
  "curl -s $(many_n "http://127.0.0.1:$ONCALL/$PROBE" 1)" \
  "curl -s $(many_n "http://127.0.0.1:$ONCALL/$PROBE" 21)" \
  "curl -s $(many_n "http://127.0.0.1:$BB/$PROBE" 1)" \
  "curl -s $(many_n "http://127.0.0.1:$BB/$PROBE" 21)" >/dev/null
python3 - "$WORK/probe_net.json" <<'PY'
import json, sys
m = [r["median"] for r in json.load(open(sys.argv[1]))["results"]]
a, b = (m[1] - m[0]) / 20, (m[3] - m[2]) / 20
print(f"  oncall {a*1e6:.0f} us per probe, blackbox {b*1e6:.0f} us per probe, ratio {a/b:.3f}")
PY

echo "== 3. idle RSS after the scrapes"
rss() { awk '/VmRSS/ {print $2}' "/proc/$1/status"; }
A=$(rss $ONCALL_PID); B=$(rss $NODE_PID)
python3 -c "print(f'  oncall serve {$A/1024:.1f} MiB, node_exporter {$B/1024:.1f} MiB, ratio {$A/$B:.3f}')"

echo "== 4. 1,024 /probe requests at concurrency 64 (hey): oncall serve vs blackbox_exporter"
rps() { hey -n 1024 -c 64 "$1" | awk '/Requests\/sec/ {print $2}'; }
codes() { hey -n 1024 -c 64 "$1" | awk '/^ *\[[0-9]+\]/ {printf "%s%s ", $1, $2}'; }
echo "  status codes: oncall $(codes "http://127.0.0.1:$ONCALL/$PROBE")| blackbox $(codes "http://127.0.0.1:$BB/$PROBE")"
# Three runs each, alternating; the median of each side.
A=(); B=()
for _ in 1 2 3; do
  A+=("$(rps "http://127.0.0.1:$ONCALL/$PROBE")"); B+=("$(rps "http://127.0.0.1:$BB/$PROBE")")
done
python3 - "${A[@]}" "${B[@]}" <<'PY'
import statistics, sys
v = [float(x) for x in sys.argv[1:]]
a, b = statistics.median(v[:3]), statistics.median(v[3:])
print(f"  oncall median {a:.0f} probes/s, blackbox median {b:.0f} probes/s, throughput ratio {a/b:.2f}x (runs: {v[:3]} vs {v[3:]})")
PY

echo "== 4b. RSS after the burst: at once, and once the next sampler window has ended (the heap is trimmed after each)"
samples() { curl -s "http://127.0.0.1:$ONCALL/metrics" | awk '/^oncall_samples_total / {print $2}'; }
A=$(rss $ONCALL_PID); S0=$(samples)
for _ in $(seq 200); do [ "$(samples)" != "$S0" ] && break; sleep 0.2; done
C=$(rss $ONCALL_PID); B=$(rss $NODE_PID)
python3 -c "print(f'  oncall serve {$A/1024:.1f} MiB at once, {$C/1024:.1f} MiB a window later; node_exporter {$B/1024:.1f} MiB; ratio {$C/$B:.3f}')"

echo "== 5. CPU per /metrics scrape (2,000 scrapes, 4 connections)"
ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }
HZ=$(getconf CLK_TCK)
cpu_per() { # pid url → CPU ms per scrape
  local t0 t1; t0=$(ticks "$1"); hey -n 2000 -c 4 "$2" >/dev/null; t1=$(ticks "$1")
  python3 -c "print(f'{($t1-$t0)*1000/$HZ/2000:.3f}')"
}
A=$(cpu_per $ONCALL_PID "http://127.0.0.1:$ONCALL/metrics"); B=$(cpu_per $NODE_PID "http://127.0.0.1:$NODE/metrics")
python3 -c "print(f'  oncall {$A} ms CPU per scrape (its sampler included), node_exporter {$B} ms, ratio {$A/$B:.3f}')"

echo "== 6. RSS over ${SOAK} s of 10 /metrics scrapes a second (and 1 /probe a second)"
R0=$(rss $ONCALL_PID)
hey -z "${SOAK}s" -c 1 -q 10 "http://127.0.0.1:$ONCALL/metrics" >/dev/null &
HEY=$!
hey -z "${SOAK}s" -c 1 -q 1 "http://127.0.0.1:$ONCALL/$PROBE" >/dev/null
wait $HEY
R1=$(rss $ONCALL_PID)
python3 -c "print(f'  oncall serve RSS at start {$R0/1024:.1f} MiB, after {$SOAK} s {$R1/1024:.1f} MiB ({($R1-$R0)/1024:+.1f} MiB)')"
