#!/usr/bin/env bash
# Runs redis-benchmark against Cairn and Debian's redis-server on this machine, interleaved (Cairn, Redis, Cairn,
# Redis, ...) so that noise from other load falls on both alike, and prints the ratio Cairn/Redis per test and
# pipelining level (median of the rounds).
#
# With EVALSHA=1 it also measures EVALSHA of a small script (an INCR of a random key) as a custom command line.
# usage: bench/redis-compare.sh [TESTS] ; env: EVALSHA=1 ROUNDS=3 REQUESTS=200000 CLIENTS=50 PIPELINES="1 16" KEYSPACE=100000
#        CAIRN_PORT=7500 REDIS_PORT=7501
#        CUSTOM="CMD ARG ...;CMD ARG ..."  command lines measured too, in this order, after TESTS (an empty TESTS
#                                           measures only these); SETUP="CMD ...;..." commands sent to both servers first
# Streams (XADD, then XREAD and XREADGROUP over what the XADDs left; a group read takes one entry each):
#   SETUP='XGROUP CREATE s g $ MKSTREAM' CUSTOM='XADD s * f v;XREAD COUNT 10 STREAMS s 0;XREADGROUP GROUP g c COUNT 1 STREAMS s >' \
#     bench/redis-compare.sh ''
# Needs: redis-server and redis-benchmark (apt-get install -y redis-server redis-tools), a JDK >= 21 and Maven.
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
TESTS=${1-ping,set,get,incr,mset}
CUSTOM=${CUSTOM:-}
SETUP=${SETUP:-}
ROUNDS=${ROUNDS:-3}
REQUESTS=${REQUESTS:-200000}
CLIENTS=${CLIENTS:-50}
PIPELINES=${PIPELINES:-1 16}
KEYSPACE=${KEYSPACE:-100000}
CAIRN_PORT=${CAIRN_PORT:-7500}
REDIS_PORT=${REDIS_PORT:-7501}
command -v redis-benchmark >/dev/null && command -v redis-server >/dev/null || {
  echo "needs redis-server and redis-benchmark: apt-get install -y redis-server redis-tools" >&2; exit 2; }

out=$(mktemp -d)
cleanup() {
  [ -n "${cairn_pid:-}" ] && kill "$cairn_pid" 2>/dev/null || true
  redis-cli -p "$REDIS_PORT" shutdown nosave >/dev/null 2>&1 || true
  rm -rf "$out"
}
trap cleanup EXIT

"$here/cairn-server" --port "$CAIRN_PORT" --save '' --dir "$out" >"$out/cairn.log" 2>&1 &
cairn_pid=$!
redis-server --port "$REDIS_PORT" --save '' --appendonly no --dir "$out" --daemonize yes --logfile "$out/redis.log"
for port in "$CAIRN_PORT" "$REDIS_PORT"; do
  for _ in $(seq 1 100); do redis-cli -p "$port" ping >/dev/null 2>&1 && break; sleep 0.2; done
  redis-cli -p "$port" ping >/dev/null || { echo "server on port $port did not start" >&2; cat "$out"/*.log >&2; exit 1; }
done

IFS=';' read -r -a custom <<<"$CUSTOM"
IFS=';' read -r -a setup <<<"$SETUP"
SCRIPT="return redis.call('incr', KEYS[1])"
if [ -n "${EVALSHA:-}" ]; then
  for port in "$CAIRN_PORT" "$REDIS_PORT"; do sha=$(redis-cli -p "$port" script load "$SCRIPT"); done
  custom+=("EVALSHA $sha 1 key:__rand_int__")
fi
for port in "$CAIRN_PORT" "$REDIS_PORT"; do
  for c in "${setup[@]}"; do
    read -r -a words <<<"$c"
    if [ ${#words[@]} -gt 0 ]; then redis-cli -p "$port" "${words[@]}" >/dev/null; fi
  done
done

bench() { # port requests pipeline [extra redis-benchmark args]: every test and custom command, CSV lines
  local port=$1 n=$2 p=$3
  shift 3
  if [ -n "$TESTS" ]; then
    redis-benchmark -p "$port" -t "$TESTS" -n "$n" -c "$CLIENTS" -P "$p" -r "$KEYSPACE" "$@"
  fi
  local c words
  for c in "${custom[@]}"; do
    read -r -a words <<<"$c" # split on blanks, no globbing: "*" stays an argument
    if [ ${#words[@]} -gt 0 ]; then
      redis-benchmark -p "$port" -n "$n" -c "$CLIENTS" -P "$p" -r "$KEYSPACE" "$@" "${words[@]}"
    fi
  done
}

# warm-up: lets the JIT compile Cairn's hot paths (C2 needs a few seconds of each path) before anything is measured;
# Redis gets the same traffic so that both start from the same dataset
for port in "$CAIRN_PORT" "$REDIS_PORT"; do
  for _ in 1 2; do
    bench "$port" $((REQUESTS * 5)) 16 -q >/dev/null 2>&1
    bench "$port" "$REQUESTS" 1 -q >/dev/null 2>&1
  done
done

run() { # port pipeline -> lines "TEST rps"; pipelined runs send more requests so that each lasts long enough to measure
  local n=$REQUESTS
  [ "$2" -gt 1 ] && n=$((REQUESTS * $2 / 2))
  bench "$1" "$n" "$2" --csv 2>/dev/null |
    awk -F'","' '!/^"test"/ {gsub(/"/,"",$1); gsub(/"/,"",$2); sub(/^EVALSHA [0-9a-f]+ 1 key:__rand_int__$/,"EVALSHA(incr)",$1); print $1, $2}'
}

for p in $PIPELINES; do
  for r in $(seq 1 "$ROUNDS"); do
    run "$CAIRN_PORT" "$p" | sed "s/^/cairn $p /" >>"$out/results"
    run "$REDIS_PORT" "$p" | sed "s/^/redis $p /" >>"$out/results"
  done
done

printf '%-28s %4s %14s %14s %8s\n' test P cairn_rps redis_rps ratio
awk '
  { key = $3; for (i = 4; i < NF; i++) key = key " " $i; k = $2 SUBSEP key; v[$1, k, ++n[$1, k]] = $NF; keys[k] = 1 }
  function median(who, k,   m, i, j, t, a) {
    m = n[who, k]; for (i = 1; i <= m; i++) a[i] = v[who, k, i]
    for (i = 1; i <= m; i++) for (j = i + 1; j <= m; j++) if (a[j] < a[i]) { t = a[i]; a[i] = a[j]; a[j] = t }
    return (m % 2) ? a[(m + 1) / 2] : (a[m / 2] + a[m / 2 + 1]) / 2
  }
  END {
    for (k in keys) { split(k, parts, SUBSEP); c = median("cairn", k); r = median("redis", k)
      printf "%-28s %4s %14.0f %14.0f %8.2f\n", parts[2], parts[1], c, r, (r > 0 ? c / r : 0) }
  }' "$out/results" | sort -k2,2n -k1,1
