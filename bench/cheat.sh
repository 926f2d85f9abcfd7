#!/usr/bin/env bash
# Cheat-sheet speed against tealdeer, in one hyperfine run per pair, as a ratio of medians.
#   lookup:  oncall cheat tar        vs  tldr -f tar.md   (tealdeer rendering a page file)
#   search:  oncall cheat disk full  vs  tldr -f tar.md
# Targets (DESIGN.md): lookup <= 1.0, search <= 1.5. Needs: hyperfine, tealdeer (Debian), python3.
set -euo pipefail
cd "$(dirname "$0")/.."
command -v hyperfine >/dev/null || { echo "bench: install hyperfine (apt-get install hyperfine)" >&2; exit 2; }
command -v tldr >/dev/null || { echo "bench: install tealdeer (apt-get install tealdeer)" >&2; exit 2; }

cargo build --release --quiet
bin=$PWD/target/release/oncall
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# A tldr page of the same size class as our tar entry, written here (never committed).
cat > "$work/tar.md" <<'PAGE'
# tar

> Archive files into one, list or extract them.
> Often combined with gzip, bzip2, xz or zstd.

- Create an archive of a directory:

`tar cf {{target.tar}} {{path/to/dir}}`

- Create a gzipped archive:

`tar czf {{target.tar.gz}} {{path/to/dir}}`

- Extract a gzipped archive into a directory:

`tar xzf {{source.tar.gz}} -C {{path/to/dir}}`

- List the contents of an archive verbosely:

`tar tvf {{source.tar}}`

- Extract only files matching a pattern:

`tar xf {{source.tar}} --wildcards "{{*.html}}"`
PAGE

export XDG_CONFIG_HOME="$work/config"   # no user sheets: measure the built-in path
export NO_COLOR=1
run() { # name, oncall args...
  local name=$1; shift
  hyperfine -N --warmup 3 --runs 200 --output=pipe --export-json "$work/$name.json" \
    -n "oncall cheat $*" "$bin cheat $*" \
    -n "tldr -f tar.md" "tldr --color never -f $work/tar.md" >/dev/null
  python3 - "$work/$name.json" "$name" <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))["results"]
med = {x["command"]: x["median"] for x in r}
a, b = r[0]["command"], r[1]["command"]
print(f"{sys.argv[2]:7s} {a:28s} median {med[a]*1000:7.3f} ms | {b:16s} median {med[b]*1000:7.3f} ms | ratio {med[a]/med[b]:.2f}")
PY
}
echo "warm cache; $(nproc) cores; $(date -u +%FT%TZ)"
run lookup tar
run search disk full
for q in "tar" "disk full"; do
  rss=$( { /usr/bin/time -v "$bin" cheat $q >/dev/null; } 2>&1 | awk '/Maximum resident/ {print $6}')
  echo "peak RSS oncall cheat $q: ${rss} KiB"
done
rss=$( { /usr/bin/time -v tldr --color never -f "$work/tar.md" >/dev/null; } 2>&1 | awk '/Maximum resident/ {print $6}')
echo "peak RSS tldr -f tar.md: ${rss} KiB"
