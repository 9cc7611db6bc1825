#!/usr/bin/env bash
# Open-loop latency, Cairn against Debian's redis-server in the same run: requests at a fixed rate (by default half of
# Redis's peak for each test, measured here with redis-benchmark at pipelining 1), each latency counted from when its
# request was due (bench/loadgen, HdrHistogram), so that a server pause shows as the latencies of every request due
# during it, which redis-benchmark (closed-loop: its clients wait) hides. Rounds alternate Cairn and Redis (every
# other round in reverse order); medians are shown. The servers run on CPU 0, the load generator on CPU 1 (PIN=0: no
# pinning), as in bench/redis-compare.sh.
# Issue 19's set: TESTS=ping,set,get,incr,mset,lpush,lpop,sadd,hset,zadd,lrange_100 (lrange_100 reads a list of 100
# elements pushed after the keys are loaded; lpop pops what lpush left).
#
# usage: bench/openloop-compare.sh ; env: TESTS=set,get RATE=<requests/s, every test> DURATION=10 WARMUP=3 ROUNDS=3
#        CONNECTIONS=50 KEYS=100000 VALUE=3 CAIRN_PORT=7710 REDIS_PORT=7810 PIN=1
#        BASE_TREE=dir: a second Cairn build (another worktree, built) in the same rounds, on BASE_PORT=7910
#        BGSAVE=1: KEYS keys are loaded first and each test's measured period starts with a BGSAVE (size DURATION to
#                  cover the save: 2M keys take 3-7 s), for the latency of writes and reads during a snapshot
#        CAIRN_JAVA_OPTS: extra JVM options for Cairn's server
# Needs: redis-server, redis-cli, redis-benchmark (apt-get install -y redis-server redis-tools), a JDK >= 21, Maven.
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
TESTS=${TESTS:-set,get}
DURATION=${DURATION:-10}
WARMUP=${WARMUP:-3}
ROUNDS=${ROUNDS:-3}
CONNECTIONS=${CONNECTIONS:-50}
KEYS=${KEYS:-100000}
VALUE=${VALUE:-3}
BGSAVE=${BGSAVE:-0}
CAIRN_PORT=${CAIRN_PORT:-7710}
REDIS_PORT=${REDIS_PORT:-7810}
BASE_TREE=${BASE_TREE:-}
BASE_PORT=${BASE_PORT:-7910}
PIN=${PIN:-1}
server_cpu=() client_cpu=()
if [ "$PIN" = 1 ] && command -v taskset >/dev/null && [ "$(nproc)" -ge 2 ]; then
  server_cpu=(taskset -c 0) client_cpu=(taskset -c 1)
fi
kinds=(cairn)
[ -n "$BASE_TREE" ] && kinds+=(base)
kinds+=(redis)
for b in redis-server redis-cli redis-benchmark; do
  command -v "$b" >/dev/null || { echo "needs $b (apt-get install -y redis-server redis-tools)" >&2; exit 2; }
done
# shellcheck source=/dev/null
. "$here/bin/find-jdk.sh" >/dev/null
jar=$here/bench/loadgen/target/cairn-loadgen.jar
if [ ! -f "$jar" ] || [ -n "$(find "$here/bench/loadgen/src" -newer "$jar" -print -quit)" ]; then
  (cd "$here" && mvn -B -q -pl bench/loadgen package >/dev/null) || { echo "building bench/loadgen failed" >&2; exit 1; }
fi

out=$(mktemp -d)
server_pid=
cleanup() {
  [ -n "$server_pid" ] && kill -9 "$server_pid" 2>/dev/null || true
  rm -rf "$out"
}
trap cleanup EXIT

start_server() { # kind port dir
  if [ "$1" = cairn ]; then
    "${server_cpu[@]}" "$here/cairn-server" --port "$2" --dir "$3" --save "" >"$3/server.log" 2>&1 &
  elif [ "$1" = base ]; then
    "${server_cpu[@]}" "$BASE_TREE/cairn-server" --port "$2" --dir "$3" --save "" >"$3/server.log" 2>&1 &
  else
    "${server_cpu[@]}" redis-server --port "$2" --dir "$3" --save "" --appendonly no --daemonize no >"$3/server.log" 2>&1 &
  fi
  server_pid=$!
  for _ in $(seq 1 600); do
    [ "$(redis-cli -p "$2" ping 2>/dev/null)" = PONG ] && return
    sleep 0.2
  done
  echo "server on port $2 did not start" >&2; cat "$3/server.log" >&2; exit 1
}

load() { # port: KEYS keys key:%012d, VALUE bytes each; mylist: 100 elements (for lrange_100)
  awk -v n="$KEYS" -v size="$VALUE" 'BEGIN {
      v = sprintf("%" size "s", ""); gsub(/ /, "x", v)
      for (i = 0; i < n; i++) { k = sprintf("key:%012d", i); printf "*3\r\n$3\r\nSET\r\n$%d\r\n%s\r\n$%d\r\n%s\r\n", length(k), k, size, v }
      for (i = 0; i < 100; i++) printf "*3\r\n$5\r\nLPUSH\r\n$6\r\nmylist\r\n$%d\r\n%s\r\n", size, v
    }' | redis-cli -p "$1" --pipe >/dev/null
}

openloop() { # port rate test
  "${client_cpu[@]}" java --enable-native-access=ALL-UNNAMED -jar "$jar" --port "$1" --rate "$2" --tests "$3" \
    --seconds "$DURATION" --warmup "$WARMUP" --connections "$CONNECTIONS" --keyspace "$KEYS" --size "$VALUE" 2>>"$out/loadgen.err" | tail -1
}

IFS=',' read -r -a tests <<<"$TESTS"
declare -A rate
if [ -n "${RATE:-}" ]; then
  for t in "${tests[@]}"; do rate[$t]=$RATE; done
else
  # each test's rate: half of what Redis serves it at, closed-loop, with the same connections and keys
  dir=$out/peak; mkdir -p "$dir"
  start_server redis "$REDIS_PORT" "$dir"
  load "$REDIS_PORT"
  for t in "${tests[@]}"; do
    case $t in
      lrange_100) what=(LRANGE mylist 0 99) ;;
      ping) what=(-t ping_mbulk) ;;
      *) what=(-t "$t") ;;
    esac
    peak=$("${client_cpu[@]}" redis-benchmark -p "$REDIS_PORT" -n 200000 -c "$CONNECTIONS" -r "$KEYS" -d "$VALUE" --csv \
      "${what[@]}" 2>/dev/null | awk -F'","' 'NR>1 {gsub(/"/,"",$2); print int($2)}' | tail -1)
    rate[$t]=$((peak / 2))
    echo "Redis's peak for $t: $peak requests/s; open-loop rate: ${rate[$t]}"
  done
  kill -9 "$server_pid"; wait "$server_pid" 2>/dev/null || true; server_pid=
fi

for r in $(seq 1 "$ROUNDS"); do
  order=("${kinds[@]}")
  if [ $((r % 2)) = 0 ]; then # every other round in reverse, so that a drift in the machine's load falls on all alike
    order=(); for ((i = ${#kinds[@]} - 1; i >= 0; i--)); do order+=("${kinds[i]}"); done
  fi
  for kind in "${order[@]}"; do
    port=$CAIRN_PORT; [ $kind = redis ] && port=$REDIS_PORT; [ $kind = base ] && port=$BASE_PORT
    dir=$out/$kind-$r; mkdir -p "$dir"
    start_server $kind "$port" "$dir"
    load "$port"
    for t in "${tests[@]}"; do
      if [ "$BGSAVE" = 1 ]; then
        openloop "$port" "${rate[$t]}" "$t" >"$dir/$t.csv" &
        lp=$!
        sleep "$WARMUP"
        redis-cli -p "$port" bgsave >/dev/null
        wait "$lp"
        while redis-cli -p "$port" info persistence | tr -d '\r' | grep -q '^rdb_bgsave_in_progress:1'; do sleep 0.1; done
      else
        openloop "$port" "${rate[$t]}" "$t" >"$dir/$t.csv"
      fi
      echo "$kind $(cat "$dir/$t.csv")" | tr ',' ' ' >>"$out/results"
    done
    kill -9 "$server_pid"; wait "$server_pid" 2>/dev/null || true; server_pid=
  done
done

median() { sort -n | awk '{a[NR]=$1} END {print (NR % 2) ? a[(NR+1)/2] : (a[NR/2] + a[NR/2+1]) / 2}'; }
col() { awk -v k="$1" -v t="$2" -v c="$3" '$1==k && $2==t {print $c}' "$out/results" | median; }
what="open loop, $CONNECTIONS connections, $KEYS keys x $VALUE bytes"
[ "$BGSAVE" = 1 ] && what="$what, BGSAVE at the start of each measured period"
echo "$what; medians of $ROUNDS rounds (ms); load average: $(cut -d' ' -f1-3 /proc/loadavg)"
ratio() { awk -v a="$1" -v b="$2" 'BEGIN {printf (b > 0 ? "%.2f" : "-"), a / b}'; }
if [ -n "$BASE_TREE" ]; then
  printf '%-10s %7s %-8s %9s %9s %9s %8s %8s\n' test rate pct Cairn base Redis Cairn/R base/R
else
  printf '%-10s %7s %-8s %9s %9s %8s\n' test rate pct Cairn Redis Cairn/R
fi
for t in "${tests[@]}"; do
  for spec in 4:achieved 5:p50 6:p90 7:p99 8:p99.9 9:max; do
    n=${spec%%:*}; label=${spec#*:}
    a=$(col cairn "$t" "$n"); b=$(col redis "$t" "$n")
    if [ -n "$BASE_TREE" ]; then
      c=$(col base "$t" "$n")
      printf '%-10s %7s %-8s %9s %9s %9s %8s %8s\n' "$t" "${rate[$t]}" "$label" "$a" "$c" "$b" "$(ratio "$a" "$b")" \
        "$(ratio "$c" "$b")"
    else
      printf '%-10s %7s %-8s %9s %9s %8s\n' "$t" "${rate[$t]}" "$label" "$a" "$b" "$(ratio "$a" "$b")"
    fi
  done
done
if [ -s "$out/loadgen.err" ]; then grep -v '^WARNING' "$out/loadgen.err" >&2 || true; fi
