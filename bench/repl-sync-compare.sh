#!/usr/bin/env bash
# A full sync under load, Cairn (fork-less snapshot streamed to the replica) against Debian's redis-server (fork), in
# the same run on this machine: for each server kind, a master gets KEYS keys of VALUE bytes, then redis-benchmark runs
# SET and GET against the master
#   1. with no replica (baseline), and
#   2. while a fresh replica of the same kind does its full sync (the benchmark starts right after REPLICAOF and is
#      sized to end within the sync),
# and the script prints p99 and max latency of both phases and the sync's duration (REPLICAOF to the master seeing the
# replica online). Rounds alternate Cairn and Redis; the table shows medians and the ratio Cairn/Redis.
#
# usage: bench/repl-sync-compare.sh ; env: ROUNDS=3 KEYS=2000000 VALUE=100 CLIENTS=50 DISKLESS=yes
#        CAIRN_PORT=7712 REDIS_PORT=7812 (the replica takes the port after); CAIRN=launcher (default ./cairn-server)
# Run it on a quiet machine (load average well under the number of cores, printed with the table): each round takes
# a few minutes per server kind at 2M keys.
# Needs: redis-server, redis-cli and redis-benchmark (Debian's redis-server and redis-tools), a JDK >= 21 and Maven.
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
ROUNDS=${ROUNDS:-3}
KEYS=${KEYS:-2000000}
VALUE=${VALUE:-100}
CLIENTS=${CLIENTS:-50}
DISKLESS=${DISKLESS:-yes}
CAIRN_PORT=${CAIRN_PORT:-7712}
REDIS_PORT=${REDIS_PORT:-7812}
for b in redis-server redis-cli redis-benchmark; do
  command -v "$b" >/dev/null || { echo "needs $b (apt-get install -y redis-server redis-tools)" >&2; exit 2; }
done

out=$(mktemp -d)
pids=()
cleanup() {
  for p in "${pids[@]}"; do kill -9 "$p" 2>/dev/null || true; done
  rm -rf "$out"
}
trap cleanup EXIT

start_server() { # kind port dir -> pid in $started
  if [ "$1" = cairn ]; then
    "${CAIRN:-$here/cairn-server}" --port "$2" --dir "$3" --save "" --repl-diskless-sync "$DISKLESS" \
      --repl-diskless-sync-delay 0 >"$3/server.log" 2>&1 &
  else
    redis-server --port "$2" --dir "$3" --save "" --appendonly no --daemonize no --repl-diskless-sync "$DISKLESS" \
      --repl-diskless-sync-delay 0 >"$3/server.log" 2>&1 &
  fi
  started=$!
  pids+=("$started")
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

online() { redis-cli -p "$1" info replication | tr -d '\r' | grep -c '^slave0:.*state=online' || true; }

sync_once() { # kind master-port replica-dir -> time in ms until the master sees the replica online; leaves it running
  local t0 t1
  start_server "$1" $(( $2 + 1 )) "$3"
  replica_pid=$started
  t0=$(date +%s%N)
  redis-cli -p $(( $2 + 1 )) replicaof 127.0.0.1 "$2" >/dev/null
  [ -n "${4:-}" ] && ( bench "$2" "$4" | sed "s/^/$1 sync /" >>"$out/results" ) &
  local bp=$!
  while [ "$(online "$2")" != 1 ]; do sleep 0.02; done
  t1=$(date +%s%N)
  if [ -n "${4:-}" ]; then
    kill -0 "$bp" 2>/dev/null && echo "$1 round $r: the benchmark outlasted the sync" >&2
    wait "$bp"
  fi
  synced_ms=$(( (t1 - t0) / 1000000 ))
}

round() { # kind port
  local kind=$1 port=$2 dir="$out/$1-$r"
  mkdir -p "$dir/m" "$dir/r1" "$dir/r2"
  start_server "$kind" "$port" "$dir/m"
  local master_pid=$started
  load "$port"
  bench "$port" 300000 >/dev/null  # warm-up (the JIT for Cairn; both get the same traffic)
  sync_once "$kind" "$port" "$dir/r1"  # a first sync, to learn how long one takes
  kill -9 "$replica_pid"; wait "$replica_pid" 2>/dev/null || true
  local probe_start probe_end rate requests
  probe_start=$(date +%s%N); bench "$port" 100000 >/dev/null; probe_end=$(date +%s%N)
  rate=$(( 200000 * 1000000000 / (probe_end - probe_start) ))   # set+get requests per second
  requests=$(( rate * synced_ms * 6 / 10 / 1000 / 2 ))
  [ "$requests" -lt 20000 ] && requests=20000
  sleep 1
  bench "$port" "$requests" | sed "s/^/$kind base /" >>"$out/results"
  sleep 1
  sync_once "$kind" "$port" "$dir/r2" "$requests"
  echo "$kind time $synced_ms" >>"$out/results"
  kill -9 "$replica_pid" "$master_pid"; wait "$replica_pid" "$master_pid" 2>/dev/null || true
}

# the load average beside the figures: on a machine busy with other work, latency percentiles measure that work
load_start=$(cut -d' ' -f1-3 /proc/loadavg 2>/dev/null || echo unknown)
for r in $(seq 1 "$ROUNDS"); do
  round cairn "$CAIRN_PORT"
  round redis "$REDIS_PORT"
done

median() { sort -n | awk '{a[NR]=$1} END {print (NR % 2) ? a[(NR+1)/2] : (a[NR/2] + a[NR/2+1]) / 2}'; }
col() { awk -v k="$1" -v p="$2" -v t="$3" -v c="$4" '$1==k && $2==p && $3==t {print $c}' "$out/results" | median; }
echo "Full sync of $KEYS keys x $VALUE bytes (diskless: $DISKLESS), redis-benchmark -c $CLIENTS on the master," \
  "medians of $ROUNDS rounds (ms); load average at the start $load_start, at the end" \
  "$(cut -d' ' -f1-3 /proc/loadavg 2>/dev/null || echo unknown), $(nproc 2>/dev/null || echo '?') cores"
printf '%-32s %10s %10s %8s\n' "" Cairn Redis Cairn/Redis
ratio() { awk -v a="$1" -v b="$2" 'BEGIN {printf (b > 0 ? "%.2f" : "-"), a / b}'; }
for t in SET GET; do
  for p in base sync; do
    for c in 4:p99 5:max; do
      n=${c%%:*}; label="$t ${c#*:} $( [ $p = base ] && echo 'no replica' || echo 'during full sync')"
      a=$(col cairn "$p" "$t" "$n"); b=$(col redis "$p" "$t" "$n")
      printf '%-32s %10s %10s %8s\n' "$label" "$a" "$b" "$(ratio "$a" "$b")"
    done
  done
done
a=$(awk '$1=="cairn" && $2=="time" {print $3}' "$out/results" | median)
b=$(awk '$1=="redis" && $2=="time" {print $3}' "$out/results" | median)
printf '%-32s %10s %10s %8s\n' "full sync duration (ms)" "$a" "$b" "$(ratio "$a" "$b")"
