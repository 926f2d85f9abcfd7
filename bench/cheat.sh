#!/usr/bin/env bash
# Cheat-sheet speed against tealdeer, in one hyperfine run per pair, as a ratio of medians.
#   lookup:  oncall cheat tar        vs  tldr -f tar.md   (tealdeer rendering a page file)
#   search:  oncall cheat disk full  vs  tldr -f tar.md
#   typo:    oncall cheat jounralctl vs  tldr -f tar.md   (with a cache: lists its page names)
#   category: oncall cheat -c networking vs tldr -f tar.md (a table of 80+ rows)
# Each twice: with no tldr cache, then with a synthetic 6,000-page tealdeer cache present
# (generated here, our own filler text), so the tldr path's cost shows.
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

- Append files to an existing archive:

`tar rf {{target.tar}} {{path/to/file}}`

- Extract an archive, keeping permissions:

`tar xpf {{source.tar}}`

- Create an archive, leaving some files out:

`tar cf {{target.tar}} --exclude={{pattern}} {{path/to/dir}}`
PAGE
[ "$(grep -c '^- ' "$work/tar.md")" = 8 ] || { echo "bench: the tar page must have 8 examples" >&2; exit 2; }

# A 6,000-page cache in tealdeer's layout: 4,999 common + tar.md, 1,000 linux.
python3 - "$work/cache/tealdeer/tldr-pages/pages" "$work/tar.md" <<'PY'
import os, sys, shutil
root = sys.argv[1]
for platform, n in (("common", 4999), ("linux", 1000)):
    d = os.path.join(root, platform)
    os.makedirs(d, exist_ok=True)
    for i in range(n):
        name = f"tool{platform[0]}{i:04d}"
        with open(os.path.join(d, name + ".md"), "w") as f:
            f.write(f"# {name}\n\n> Synthetic page {i}.\n\n")
            for k in range(6):
                f.write(f"- Example {k}:\n\n`{name} --opt-{k} {{{{file}}}}`\n\n")
shutil.copy(sys.argv[2], os.path.join(root, "common", "tar.md"))
PY

export XDG_CONFIG_HOME="$work/config"   # no user sheets: measure the built-in path
export HOME="$work/home"                 # no tldr cache of this machine's user
unset TEALDEER_CACHE_DIR
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
# The machine may be shared: the load average says how much to trust a ratio.
load() { cut -d' ' -f1-3 /proc/loadavg; }
echo "warm cache; $(nproc) cores; $(date -u +%FT%TZ); load average $(load)"
export XDG_CACHE_HOME="$work/nocache"
echo "-- no tldr cache"
run lookup tar
run search disk full
run typo jounralctl
run category -c networking
export XDG_CACHE_HOME="$work/cache"
echo "-- a 6,000-page tldr cache present ($(find "$work/cache" -name '*.md' | wc -l) pages)"
run lookup tar
run search disk full
run typo jounralctl
echo "load average after the timings: $(load)"
export XDG_CACHE_HOME="$work/nocache"
for q in "tar" "disk full"; do
  rss=$( { /usr/bin/time -v "$bin" cheat $q >/dev/null; } 2>&1 | awk '/Maximum resident/ {print $6}')
  echo "peak RSS oncall cheat $q: ${rss} KiB"
done
rss=$( { /usr/bin/time -v tldr --color never -f "$work/tar.md" >/dev/null; } 2>&1 | awk '/Maximum resident/ {print $6}')
echo "peak RSS tldr -f tar.md: ${rss} KiB"

# Counts per category, and the share of tokens --explain knows on the 50 lines of
# tests/cheat_real_lines.txt from the sheet alone (an empty MANPATH: no man page helps).
mkdir -p "$work/noman"
python3 - "$bin" tests/cheat_real_lines.txt "$work/noman" <<'PY'
import json, os, subprocess, sys
bin, lines_file, noman = sys.argv[1:4]
cats = json.loads(subprocess.run([bin, "cheat", "--categories", "--json"], capture_output=True, check=True).stdout)
print(f"{'category':24s} {'commands':>8s} {'examples':>8s} {'flags':>6s}")
for c in cats:
    print(f"{c['id']:24s} {c['count']:8d} {c['examples']:8d} {c['flags']:6d}")
print(f"{'total':24s} {sum(c['count'] for c in cats):8d} {sum(c['examples'] for c in cats):8d} {sum(c['flags'] for c in cats):6d}")
env = dict(os.environ, MANPATH=noman)
known = total = 0
lines = [l for l in open(lines_file).read().splitlines() if l and not l.startswith("#")]
for line in lines:
    out = subprocess.run([bin, "cheat", "--explain", line, "--json"], capture_output=True, check=True, env=env).stdout
    parts = json.loads(out)["parts"]
    unknown = [p["token"] for p in parts if p["kind"] == "unknown"]
    known += len(parts) - len(unknown)
    total += len(parts)
    if unknown:
        print(f"  below: {line}   unknown: {unknown}")
print(f"explain, sheet only: {known}/{total} tokens known ({100*known/total:.1f}%) on {len(lines)} lines")
PY
