#!/usr/bin/env bash
# BGSAVE under load, Cairn (fork-less snapshot) against Debian's redis-server (fork), in the same run on this machine:
# for each server, KEYS keys of VALUE bytes are loaded, then redis-benchmark runs SET and GET over those keys
#   1. with no save running (baseline), and
#   2. while a BGSAVE of the dataset runs (the benchmark starts right after BGSAVE and is sized to end before it),
# and the script prints p99 and max latency of both phases, the save's duration, and the peak growth of the server's
# memory during the save over the memory just before it. Memory is the proportional set size (PSS, from
# /proc/PID/smaps_rollup) summed over the server and its children: for Redis that counts the fork child's
# copy-on-write pages once, for Cairn it is its RSS. Rounds alternate Cairn and Redis; the table shows medians.
#
# usage: bench/bgsave-compare.sh ; env: ROUNDS=3 KEYS=2000000 VALUE=100 CLIENTS=50 CAIRN_PORT=7702 REDIS_PORT=7802
#        ONLY=cairn or ONLY=redis (one side, for diagnosis); CAIRN=launcher (default ./cairn-server); CAIRN_JAVA_OPTS
# Needs: redis-server, redis-cli and redis-benchmark (Debian's redis-server and redis-tools), a JDK >= 21 and Maven.
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
ROUNDS=${ROUNDS:-3}
KEYS=${KEYS:-2000000}
VALUE=${VALUE:-100}
CLIENTS=${CLIENTS:-50}
CAIRN_PORT=${CAIRN_PORT:-7702}
REDIS_PORT=${REDIS_PORT:-7802}
for b in redis-server redis-cli redis-benchmark; do
  command -v "$b" >/dev/null || { echo "needs $b (apt-get install -y redis-server redis-tools)" >&2; exit 2; }
done

out=$(mktemp -d)
server_pid=
cleanup() {
  [ -n "$server_pid" ] && kill -9 "$server_pid" 2>/dev/null || true
  rm -rf "$out"
}
trap cleanup EXIT

# PSS in KB of a process and its children (a forked BGSAVE child counts with its parent)
pss() {
  local total=0 p kb
  for p in "$1" $(pgrep -P "$1" 2>/dev/null || true); do
    kb=$(awk '/^Pss:/ {print $2}' "/proc/$p/smaps_rollup" 2>/dev/null || echo 0)
    total=$((total + ${kb:-0}))
  done
  echo "$total"
}

start_server() { # kind port dir
  if [ "$1" = cairn ]; then
    "${CAIRN:-$here/cairn-server}" --port "$2" --dir "$3" --save "" >"$3/server.log" 2>&1 &
    server_pid=$!
  else
    redis-server --port "$2" --dir "$3" --save "" --appendonly no --daemonize no --enable-debug-command yes \
      >"$3/server.log" 2>&1 &
    server_pid=$!
  fi
  for _ in $(seq 1 600); do redis-cli -p "$2" ping 2>/dev/null | grep -q PONG && return; sleep 0.2; done
  echo "server on port $2 did not start" >&2; cat "$3/server.log" >&2; exit 1
}

load() { # port: KEYS keys key:%012d as redis-benchmark names them, VALUE bytes each
  awk -v n="$KEYS" -v size="$VALUE" 'BEGIN {
      v = sprintf("%" size "s", ""); gsub(/ /, "x", v)
      for (i = 0; i < n; i++) { k = sprintf("key:%012d", i); printf "*3\r\n$3\r\nSET\r\n$%d\r\n%s\r\n$%d\r\n%s\r\n", length(k), k, size, v }
    }' | redis-cli -p "$1" --pipe >/dev/null
}

bench() { # port requests -> "SET p99 max" and "GET p99 max" lines (ms)
  redis-benchmark -p "$1" -t set,get -n "$2" -c "$CLIENTS" -r "$KEYS" -d "$VALUE" --csv 2>/dev/null |
    awk -F'","' 'NR>1 {gsub(/"/,"",$1); gsub(/"/,"",$8); print $1, $7, $8}'
}

in_progress() { redis-cli -p "$1" info persistence | tr -d '\r' | awk -F: '/^rdb_bgsave_in_progress/ {print $2}'; }

round() { # kind port
  local kind=$1 port=$2 dir="$out/$1-$r"
  mkdir -p "$dir"
  start_server "$kind" "$port" "$dir"
  load "$port"
  # warm-up (the JIT for Cairn; both get the same traffic), then a save to learn how long one takes
  bench "$port" 300000 >/dev/null
  local t0 t1
  t0=$(date +%s%N); redis-cli -p "$port" bgsave >/dev/null
  while [ "$(in_progress "$port")" = 1 ]; do sleep 0.05; done
  t1=$(date +%s%N)
  local save_ms=$(( (t1 - t0) / 1000000 ))
  # requests for a benchmark that ends inside a save: what the baseline rate does in 60% of the save's time
  local probe_start probe_end rate requests
  probe_start=$(date +%s%N); bench "$port" 100000 >/dev/null; probe_end=$(date +%s%N)
  rate=$(( 200000 * 1000000000 / (probe_end - probe_start) ))   # set+get requests per second
  requests=$(( rate * save_ms * 6 / 10 / 1000 / 2 ))
  [ "$requests" -lt 20000 ] && requests=20000
  bench "$port" "$requests" | sed "s/^/$kind base /" >>"$out/results"
  sleep 1
  local before peak=0 m
  before=$(pss "$server_pid")
  redis-cli -p "$port" bgsave >/dev/null
  t0=$(date +%s%N)
  ( bench "$port" "$requests" | sed "s/^/$kind save /" >>"$out/results" ) &
  local bp=$!
  while [ "$(in_progress "$port")" = 1 ]; do
    m=$(pss "$server_pid"); [ "$m" -gt "$peak" ] && peak=$m
    sleep 0.02
  done
  t1=$(date +%s%N)
  if kill -0 "$bp" 2>/dev/null; then echo "$kind round $r: the benchmark outlasted the save" >&2; fi
  wait "$bp"
  echo "$kind mem $(( (peak - before) / 1024 )) $(( before / 1024 )) $(( (t1 - t0) / 1000000 ))" >>"$out/results"
  kill -9 "$server_pid"; wait "$server_pid" 2>/dev/null || true; server_pid=
}

for r in $(seq 1 "$ROUNDS"); do
  [ "${ONLY:-cairn}" = cairn ] || [ -z "${ONLY:-}" ] && round cairn "$CAIRN_PORT"
  [ "${ONLY:-redis}" = redis ] || [ -z "${ONLY:-}" ] && round redis "$REDIS_PORT"
done

median() { sort -n | awk '{a[NR]=$1} END {print (NR % 2) ? a[(NR+1)/2] : (a[NR/2] + a[NR/2+1]) / 2}'; }
col() { awk -v k="$1" -v p="$2" -v t="$3" -v c="$4" '$1==k && $2==p && $3==t {print $c}' "$out/results" | median; }
mem() { awk -v k="$1" -v c="$2" '$1==k && $2=="mem" {print $c}' "$out/results" | median; }

echo "BGSAVE of $KEYS keys x $VALUE bytes, redis-benchmark -c $CLIENTS, medians of $ROUNDS rounds (ms, MB)"
printf '%-32s %10s %10s %8s\n' "" Cairn Redis Cairn/Redis
for t in SET GET; do
  for p in base save; do
    for c in 4:p99 5:max; do
      n=${c%%:*}; label="$t ${c#*:} $( [ $p = base ] && echo 'no save' || echo 'during BGSAVE')"
      a=$(col cairn "$p" "$t" "$n"); b=$(col redis "$p" "$t" "$n")
      printf '%-32s %10s %10s %8s\n' "$label" "$a" "$b" "$(awk -v a="$a" -v b="$b" 'BEGIN {printf (b > 0 ? "%.2f" : "-"), a / b}')"
    done
  done
done
for spec in "4:memory before save (MB)" "3:peak memory growth (MB)" "5:save duration (ms)"; do
  n=${spec%%:*}; label=${spec#*:}
  a=$(mem cairn "$n"); b=$(mem redis "$n")
  printf '%-32s %10s %10s %8s\n' "$label" "$a" "$b" "$(awk -v a="$a" -v b="$b" 'BEGIN {printf (b > 0 ? "%.2f" : "-"), a / b}')"
done
