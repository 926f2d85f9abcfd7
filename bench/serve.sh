#!/usr/bin/env bash
# oncall serve against the exporters it stands beside, on loopback only, side by side in one
# hyperfine run each:
#   1. a /metrics scrape vs prometheus-node-exporter's /metrics on this host (target ≤ 0.5)
#   2. /probe of a loopback nginx vs blackbox_exporter with the same module (target ≤ 0.5)
#   3. idle RSS of oncall serve vs node_exporter's (VmRSS after the first windows)
# Needs: nginx, curl, hyperfine, python3, prometheus-node-exporter, prometheus-blackbox-exporter.
set -euo pipefail
cd "$(dirname "$0")/.."

for tool in nginx curl hyperfine python3 prometheus-node-exporter prometheus-blackbox-exporter; do
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
"$BIN" serve --web.listen-address "127.0.0.1:$ONCALL" --config.file "$WORK/blackbox.yml" & ONCALL_PID=$!; PIDS+=($ONCALL_PID)
prometheus-node-exporter --web.listen-address "127.0.0.1:$NODE" >/dev/null 2>&1 & NODE_PID=$!; PIDS+=($NODE_PID)
prometheus-blackbox-exporter --config.file "$WORK/blackbox.yml" --web.listen-address "127.0.0.1:$BB" >/dev/null 2>&1 & PIDS+=($!)
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

echo "== 3. idle RSS after the scrapes"
rss() { awk '/VmRSS/ {print $2}' "/proc/$1/status"; }
A=$(rss $ONCALL_PID); B=$(rss $NODE_PID)
python3 -c "print(f'  oncall serve {$A/1024:.1f} MiB, node_exporter {$B/1024:.1f} MiB, ratio {$A/$B:.3f}')"
