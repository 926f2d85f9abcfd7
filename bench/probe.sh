#!/usr/bin/env bash
# oncall probe against curl on loopback (nginx serves; never any other host):
#   1. one probe of a loopback URL vs `curl -s -o /dev/null` (whole-process medians; target ≤ 1.5)
#   2. 1,000 loopback targets vs `xargs -P64 curl` (target ≤ 0.25), with peak RSS
#   3. our phase timings next to curl -w's for the same URL
# Needs: nginx, curl, hyperfine, python3, /usr/bin/time. Inputs are generated in a temp dir.
set -euo pipefail
cd "$(dirname "$0")/.."

for tool in nginx curl hyperfine python3; do
  command -v "$tool" >/dev/null || [ -x "/usr/sbin/$tool" ] || { echo "bench/probe.sh needs $tool" >&2; exit 2; }
done
NGINX=$(command -v nginx || echo /usr/sbin/nginx)

cargo build --release --quiet
BIN=${CARGO_TARGET_DIR:-target}/release/oncall

WORK=$(mktemp -d)
PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
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
  server {
    listen 127.0.0.1:$PORT backlog=1024;
    location / { default_type application/json; return 200 '{"status":"UP"}'; }
  }
}
CONF
"$NGINX" -p "$WORK" -e "$WORK/error.log" -c "$WORK/nginx.conf" &
NGINX_PID=$!
trap 'kill $NGINX_PID 2>/dev/null; wait $NGINX_PID 2>/dev/null; rm -rf "$WORK"' EXIT
for _ in $(seq 100); do curl -s -o /dev/null "http://127.0.0.1:$PORT/" && break; sleep 0.05; done

URL="http://127.0.0.1:$PORT/health"
for i in $(seq 1000); do echo "http://127.0.0.1:$PORT/t/$i"; done > "$WORK/urls.txt"

ratio() { # hyperfine JSON → "oncall median, peer median, ratio"
  python3 - "$1" <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))["results"]
a, b = r[0]["median"], r[1]["median"]
print(f"  oncall median {a*1000:.2f} ms, peer median {b*1000:.2f} ms, ratio {a/b:.3f}")
PY
}

echo "== 1. one loopback probe vs curl (warm, nginx on 127.0.0.1)"
hyperfine -N --warmup 3 --runs 50 --export-json "$WORK/one.json" \
  "$BIN probe $URL" \
  "curl -s -o /dev/null $URL" >/dev/null
ratio "$WORK/one.json"

echo "== 2. 1,000 loopback targets vs xargs -P64 curl"
hyperfine -N --warmup 3 --runs 10 --export-json "$WORK/many.json" \
  "$BIN probe --targets $WORK/urls.txt --concurrency 64 --json" \
  "xargs -a $WORK/urls.txt -P64 -n1 curl -s -o /dev/null" >/dev/null
ratio "$WORK/many.json"
/usr/bin/time -v "$BIN" probe --targets "$WORK/urls.txt" --concurrency 64 --json 2>"$WORK/time.txt" >/dev/null
echo "  oncall peak RSS (1,000 targets): $(awk -F': ' '/Maximum resident/ {print $2}' "$WORK/time.txt") KiB"

echo "== 3. phases of the same URL, 5 runs each (ms): dns connect tls ttfb total"
for _ in 1 2 3 4 5; do
  "$BIN" probe "$URL" --json | python3 -c 'import json, sys
p = json.load(sys.stdin)["results"][0]["phases_ms"]
print("  oncall  " + " ".join("%7.3f" % p[k] for k in ("dns", "connect", "tls", "ttfb", "total")))'
  # curl -w times are cumulative from the start; print the connect phase on its own, as we do.
  curl -s -o /dev/null -w '%{time_namelookup} %{time_connect} %{time_appconnect} %{time_starttransfer} %{time_total}\n' "$URL" |
    awk '{ tls = ($3 > 0) ? ($3 - $2) : 0; printf "  curl    %7.3f %7.3f %7.3f %7.3f %7.3f\n", $1*1000, ($2-$1)*1000, tls*1000, $4*1000, $5*1000 }'
done
