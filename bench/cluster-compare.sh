#!/usr/bin/env bash
# redis-benchmark --cluster against a 3-master Cairn cluster and a 3-master redis-server cluster on this machine, in
# the same run, rounds interleaved (Cairn, Redis, Cairn, ...) so that noise from other load falls on both alike; prints
# per test and pipelining level the median requests/s of each and the ratio Cairn/Redis, with the load average seen
# at each round (a ratio measured under a load average well above the core count is noisy: say so when quoting it).
# usage: bench/cluster-compare.sh [TESTS]
# env: ROUNDS=3 REQUESTS=200000 CLIENTS=50 PIPELINES="1 16" KEYSPACE=100000 CAIRN_BASE=22400 REDIS_BASE=22410
#      (nodes on BASE+1..3, their buses on +10000: below the kernel's ephemeral ports, 32768 and up, where client
#      sockets would take them)
# Needs: redis-server, redis-cli and redis-benchmark (apt-get install -y redis-server redis-tools), a JDK >= 21, Maven.
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
TESTS=${1-set,get,incr,lpush,hset}
ROUNDS=${ROUNDS:-3}
REQUESTS=${REQUESTS:-200000}
CLIENTS=${CLIENTS:-50}
PIPELINES=${PIPELINES:-1 16}
KEYSPACE=${KEYSPACE:-100000}
CAIRN_BASE=${CAIRN_BASE:-22400}
REDIS_BASE=${REDIS_BASE:-22410}
for tool in redis-server redis-cli redis-benchmark; do
  command -v "$tool" >/dev/null || { echo "needs $tool: apt-get install -y redis-server redis-tools" >&2; exit 2; }
done

out=$(mktemp -d)
pids=()
cleanup() {
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  for pid in "${pids[@]}"; do wait "$pid" 2>/dev/null || true; done
  rm -rf "$out"
}
trap cleanup EXIT

cluster_args=(--save '' --appendonly no --cluster-enabled yes --cluster-node-timeout 5000)
for i in 1 2 3; do
  mkdir -p "$out/c$i" "$out/r$i"
  "$here/cairn-server" --port $((CAIRN_BASE + i)) --dir "$out/c$i" "${cluster_args[@]}" >"$out/c$i/log" 2>&1 &
  pids+=($!)
  redis-server --port $((REDIS_BASE + i)) --dir "$out/r$i" "${cluster_args[@]}" >"$out/r$i/log" 2>&1 &
  pids+=($!)
done
for base in "$CAIRN_BASE" "$REDIS_BASE"; do
  for i in 1 2 3; do
    port=$((base + i))
    for _ in $(seq 1 300); do redis-cli -p "$port" ping >/dev/null 2>&1 && break; sleep 0.2; done
    redis-cli -p "$port" ping >/dev/null || { echo "node on port $port did not start" >&2; cat "$out"/*/log >&2; exit 1; }
  done
  redis-cli --cluster create 127.0.0.1:$((base + 1)) 127.0.0.1:$((base + 2)) 127.0.0.1:$((base + 3)) \
    --cluster-yes >"$out/create-$base" 2>&1 || { cat "$out/create-$base" >&2; exit 1; }
  for _ in $(seq 1 100); do
    redis-cli -p $((base + 1)) cluster info | grep -q '^cluster_state:ok' && break; sleep 0.2
  done
done

bench() { # base requests pipeline [args]
  local base=$1 n=$2 p=$3
  shift 3
  redis-benchmark --cluster -p $((base + 1)) -t "$TESTS" -n "$n" -c "$CLIENTS" -P "$p" -r "$KEYSPACE" "$@"
}

# warm-up: the JIT compiles Cairn's hot paths; Redis gets the same traffic so both hold the same dataset
for base in "$CAIRN_BASE" "$REDIS_BASE"; do
  bench "$base" $((REQUESTS * 2)) 16 -q >/dev/null 2>&1
  bench "$base" "$REQUESTS" 1 -q >/dev/null 2>&1
done

run() { # base pipeline -> lines "TEST rps"
  local n=$REQUESTS
  [ "$2" -gt 1 ] && n=$((REQUESTS * $2 / 2))
  bench "$1" "$n" "$2" --csv 2>/dev/null | tr '\r' '\n' |
    awk -F'","' '/^"[A-Z]/ && !/^"test"/ {gsub(/"/,"",$1); gsub(/"/,"",$2); print $1, $2}'
}

load() { cut -d' ' -f1 /proc/loadavg; }
for p in $PIPELINES; do
  for r in $(seq 1 "$ROUNDS"); do
    l=$(load)
    run "$CAIRN_BASE" "$p" | sed "s/^/cairn $p /" >>"$out/results"
    run "$REDIS_BASE" "$p" | sed "s/^/redis $p /" >>"$out/results"
    echo "round $r P=$p: load average $l -> $(load)" >&2
  done
done

printf '%-12s %4s %14s %14s %8s\n' test P cairn_rps redis_rps ratio
awk '
  { k = $2 SUBSEP $3; v[$1, k, ++n[$1, k]] = $4; keys[k] = 1 }
  function median(who, k,   m, i, j, t, a) {
    m = n[who, k]; for (i = 1; i <= m; i++) a[i] = v[who, k, i]
    for (i = 1; i <= m; i++) for (j = i + 1; j <= m; j++) if (a[j] < a[i]) { t = a[i]; a[i] = a[j]; a[j] = t }
    return (m % 2) ? a[(m + 1) / 2] : (a[m / 2] + a[m / 2 + 1]) / 2
  }
  END {
    for (k in keys) { split(k, parts, SUBSEP); c = median("cairn", k); r = median("redis", k)
      printf "%-12s %4s %14.0f %14.0f %8.2f\n", parts[2], parts[1], c, r, (r > 0 ? c / r : 0) }
  }' "$out/results" | sort -k2,2n -k1,1
echo "load average at the end: $(cat /proc/loadavg) on $(nproc) cores" >&2
