#!/usr/bin/env bash
# The hot-path cost of memory accounting and the maxmemory check: redis-benchmark SET/GET against this tree's server
# and a build of another commit (BASE_TREE, a worktree already built with `mvn -q package -DskipTests`), interleaved
# round by round so that machine noise falls on both alike; prints the median requests/s and the ratio this/base, with
# maxmemory 0 and (this tree only, as MAXMEM) with a maxmemory that is never reached, so that the check runs.
# usage: BASE_TREE=/path/to/base bench/accounting-cost.sh ; env: ROUNDS=5 REQUESTS=200000 CLIENTS=50 PIPELINES="1 16"
#        PORT_BASE=7530 PORT_THIS=7531 PORT_MAX=7532
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
: "${BASE_TREE:?set BASE_TREE to a built worktree of the commit to compare with}"
ROUNDS=${ROUNDS:-5}
REQUESTS=${REQUESTS:-200000}
CLIENTS=${CLIENTS:-50}
PIPELINES=${PIPELINES:-1 16}
PORT_BASE=${PORT_BASE:-7530}
PORT_THIS=${PORT_THIS:-7531}
PORT_MAX=${PORT_MAX:-7532}
out=$(mktemp -d)
pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; rm -rf "$out"; }
trap cleanup EXIT
"$BASE_TREE/cairn-server" --port "$PORT_BASE" --save '' >"$out/base.log" 2>&1 & pids+=($!)
"$here/cairn-server" --port "$PORT_THIS" --save '' >"$out/this.log" 2>&1 & pids+=($!)
"$here/cairn-server" --port "$PORT_MAX" --save '' --maxmemory 8gb --maxmemory-policy allkeys-lru >"$out/max.log" 2>&1 &
pids+=($!)
for p in $PORT_BASE $PORT_THIS $PORT_MAX; do
  for _ in $(seq 1 600); do redis-cli -p "$p" ping >/dev/null 2>&1 && break; sleep 0.5; done
done
for r in $(seq 1 "$ROUNDS"); do
  for pl in $PIPELINES; do
    for name in base this max; do
      port=$(eval echo "\$PORT_$(echo $name | tr a-z A-Z)")
      redis-benchmark -p "$port" -t set,get -n "$REQUESTS" -c "$CLIENTS" -P "$pl" -r 100000 -q --csv 2>/dev/null |
        tr -d '"' | awk -F, -v n=$name -v pl=$pl '$1 ~ /^(SET|GET)$/ {print n, pl, $1, $2}' >>"$out/results"
    done
  done
done
printf '%-4s %-3s %12s %12s %12s %10s %10s\n' test P base this maxmemory this/base max/base
for pl in $PIPELINES; do
  for t in SET GET; do
    med() { awk -v n=$1 -v pl=$pl -v t=$t '$1==n && $2==pl && $3==t {print $4}' "$out/results" | sort -n |
      awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
    b=$(med base); h=$(med this); m=$(med max)
    awk -v t=$t -v pl=$pl -v b=$b -v h=$h -v m=$m \
      'BEGIN {printf "%-4s %-3s %12.0f %12.0f %12.0f %10.3f %10.3f\n", t, pl, b, h, m, h/b, m/b}'
  done
done
