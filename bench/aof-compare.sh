#!/usr/bin/env bash
# SET throughput with the AOF on, per appendfsync policy, Cairn against Debian's redis-server on this machine:
# rounds interleaved (Cairn, Redis, ...) and the median ratio Cairn/Redis printed per policy.
#
# usage: bench/aof-compare.sh ; env: POLICIES="always everysec no" ROUNDS=3 REQUESTS=100000 CLIENTS=50
#        CAIRN_PORT=7510 REDIS_PORT=7511
# Needs: redis-server and redis-benchmark, a JDK >= 21 and Maven.
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
POLICIES=${POLICIES:-always everysec no}
ROUNDS=${ROUNDS:-3}
REQUESTS=${REQUESTS:-100000}
CLIENTS=${CLIENTS:-50}
CAIRN_PORT=${CAIRN_PORT:-7510}
REDIS_PORT=${REDIS_PORT:-7511}
out=$(mktemp -d)
cleanup() {
  [ -n "${cairn_pid:-}" ] && kill "$cairn_pid" 2>/dev/null || true
  redis-cli -p "$REDIS_PORT" shutdown nosave >/dev/null 2>&1 || true
  rm -rf "$out"
}
trap cleanup EXIT
wait_up() {
  for _ in $(seq 1 300); do redis-cli -p "$1" ping >/dev/null 2>&1 && return; sleep 0.2; done
  echo "server on port $1 did not start" >&2; exit 1
}
rate() { # requests per second of one SET run
  redis-benchmark -p "$1" -t set -n "$REQUESTS" -c "$CLIENTS" -r 100000 -q 2>/dev/null | tr '\r' '\n' |
    awk '/requests per second/ {for (i = 1; i <= NF; i++) if ($(i+1) == "requests") print $i}' | tail -1
}
median() { sort -g | awk '{a[NR] = $1} END {print (NR % 2) ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2}'; }
printf '%-9s %12s %12s %7s\n' appendfsync cairn redis ratio
for policy in $POLICIES; do
  rm -rf "$out/c" "$out/r"; mkdir -p "$out/c" "$out/r"
  "$here/cairn-server" --port "$CAIRN_PORT" --dir "$out/c" --appendonly yes --appendfsync "$policy" --save '' \
    >"$out/cairn.log" 2>&1 &
  cairn_pid=$!
  redis-server --port "$REDIS_PORT" --dir "$out/r" --appendonly yes --appendfsync "$policy" --save '' \
    --daemonize yes --logfile "$out/redis.log"
  wait_up "$CAIRN_PORT"; wait_up "$REDIS_PORT"
  # warm-up (JIT) for Cairn, the same traffic for Redis
  for port in "$CAIRN_PORT" "$REDIS_PORT"; do rate "$port" >/dev/null; done
  c=(); r=(); ratios=()
  for _ in $(seq 1 "$ROUNDS"); do
    a=$(rate "$CAIRN_PORT"); b=$(rate "$REDIS_PORT")
    c+=("$a"); r+=("$b"); ratios+=("$(awk -v a="$a" -v b="$b" 'BEGIN {printf "%.2f", a / b}')")
  done
  printf '%-9s %12s %12s %7s\n' "$policy" "$(printf '%s\n' "${c[@]}" | median)" \
    "$(printf '%s\n' "${r[@]}" | median)" "$(printf '%s\n' "${ratios[@]}" | median)"
  kill "$cairn_pid"; wait "$cairn_pid" 2>/dev/null || true; cairn_pid=
  redis-cli -p "$REDIS_PORT" shutdown nosave >/dev/null 2>&1 || true
  sleep 0.5
done
