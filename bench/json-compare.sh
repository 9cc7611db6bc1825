#!/usr/bin/env bash
# JSON module throughput as ratios to plain strings on the same Cairn server, in the same run: JSON.SET of a 1 KB
# document vs SET of a 1 KB string (random keys), JSON.GET of the document vs GET of the string, JSON.NUMINCRBY on a
# nested path vs GET of the string. The measurements are interleaved (string, JSON, string, JSON, ...) over ROUNDS
# and the ratio printed is the median of the per-round ratios, so that load from elsewhere falls on both alike.
# usage: bench/json-compare.sh ; env: ROUNDS=5 REQUESTS=100000 CLIENTS=50 PIPELINES="1 16" PORT=56010
# Needs redis-benchmark (apt-get install -y redis-tools), a JDK >= 21 and Maven.
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
ROUNDS=${ROUNDS:-5}
REQUESTS=${REQUESTS:-100000}
CLIENTS=${CLIENTS:-50}
PIPELINES=${PIPELINES:-1 16}
PORT=${PORT:-56010}
command -v redis-benchmark >/dev/null || { echo "needs redis-benchmark (redis-tools)" >&2; exit 2; }

out=$(mktemp -d)
cleanup() {
  redis-cli -p "$PORT" shutdown nosave >/dev/null 2>&1 || true
  rm -rf "$out"
}
trap cleanup EXIT
# its own directory: a dump.rdb in the current one would be loaded
"$here/cairn-server" --port "$PORT" --save '' --dir "$out" >"$out/cairn.log" 2>&1 &
# ready when PING answers PONG (a server still loading answers -LOADING)
for _ in $(seq 1 600); do [ "$(redis-cli -p "$PORT" ping 2>/dev/null)" = PONG ] && break; sleep 0.1; done

# a 1 KB document with a nested counter, and a 1 KB string
doc=$(python3 -c '
import json
d = {"id": 12345, "name": "bench document", "a": {"b": {"c": 0}}, "tags": ["x", "y", "z"], "items": []}
i = 0
while len(json.dumps(d, separators=(",", ":"))) < 1000:
    d["items"].append({"k": "item%03d" % i, "v": i * 1.5})
    i += 1
s = json.dumps(d, separators=(",", ":"))
print(s[:1024])' )
doc_len=${#doc}
str=$(head -c 1024 /dev/zero | tr '\0' 'x')
redis-cli -p "$PORT" set str "$str" >/dev/null
redis-cli -p "$PORT" JSON.SET doc '$' "$doc" >/dev/null

rps() { # prints requests per second of one redis-benchmark run: rps PIPELINE ARGS...
  local p=$1; shift
  redis-benchmark -p "$PORT" -n "$REQUESTS" -c "$CLIENTS" -P "$p" -r 100000 -q "$@" 2>/dev/null |
    tr '\r' '\n' | awk -F': ' '/requests per second/ {split($NF, a, " "); v = a[1]} END {print v}'
}
median() { sort -g | awk '{a[NR] = $1} END {print (NR % 2) ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2}'; }

echo "document: $doc_len bytes; string: 1024 bytes; $ROUNDS rounds of $REQUESTS requests, $CLIENTS clients"
for p in $PIPELINES; do
  : >"$out/set"; : >"$out/get"; : >"$out/incr"
  for r in $(seq 1 "$ROUNDS"); do
    s_set=$(rps "$p" SET 'str:__rand_int__' "$str")
    j_set=$(rps "$p" JSON.SET 'doc:__rand_int__' '$' "$doc")
    s_get=$(rps "$p" GET str)
    j_get=$(rps "$p" JSON.GET doc)
    j_inc=$(rps "$p" JSON.NUMINCRBY doc '$.a.b.c' 1)
    s_get2=$(rps "$p" GET str)
    echo "round $r P=$p: SET $s_set JSON.SET $j_set | GET $s_get JSON.GET $j_get | JSON.NUMINCRBY $j_inc GET $s_get2"
    awk -v a="$j_set" -v b="$s_set" 'BEGIN {print a / b}' >>"$out/set"
    awk -v a="$j_get" -v b="$s_get" 'BEGIN {print a / b}' >>"$out/get"
    awk -v a="$j_inc" -v b="$s_get2" 'BEGIN {print a / b}' >>"$out/incr"
  done
  printf 'P=%s  JSON.SET/SET %.2f  JSON.GET/GET %.2f  JSON.NUMINCRBY/GET %.2f  (medians)\n' "$p" \
    "$(median <"$out/set")" "$(median <"$out/get")" "$(median <"$out/incr")"
done
