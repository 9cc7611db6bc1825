#!/usr/bin/env bash
# Loads the same data into Cairn and Debian's redis-server and compares the growth of each process's resident memory
# (VmRSS in /proc/PID/status) from just after start to after the load, per scenario. Prints the ratio Cairn/Redis.
#
# usage: bench/memory-compare.sh [SCENARIO ...]   scenarios: hash10 zset list set strings stream (default: all)
# env: N=1000000 (elements), CAIRN_PORT=7510 REDIS_PORT=7511, SETTLE=8 (seconds an idle server gets before the first reading)
# Both servers are treated alike: started, left idle SETTLE seconds, then MEMORY PURGE and RSS read 1 s later; loaded
# (Cairn first, then Redis), then MEMORY PURGE again and RSS read 2 s later. MEMORY PURGE is Redis's request to its
# allocator to return freed pages to the system; Cairn's asks for a collection (System.gc(), a concurrent cycle under
# the launcher's options, after which G1 gives heap beyond its free ratio back) and returns at once.
# Why SETTLE: a JVM just started still holds the C heap of its start-up compilations, trimmed within ~5 s (an idle
# Cairn's RSS falls from ~85 to ~78 MB between 2 and 5 s after start); a first reading before that made Cairn's growth
# look 5-7 MB smaller than it is. Redis's RSS is steady from the start.
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
N=${N:-1000000}
CAIRN_PORT=${CAIRN_PORT:-7510}
REDIS_PORT=${REDIS_PORT:-7511}
SETTLE=${SETTLE:-8}
SCENARIOS=${*:-hash10 zset list set strings stream}
work=$(mktemp -d)
trap 'rm -rf "$work"; redis-cli -p $REDIS_PORT shutdown nosave >/dev/null 2>&1 || true; [ -n "${cpid:-}" ] && kill $cpid 2>/dev/null || true' EXIT

gen() { # scenario -> RESP commands on stdout
  python3 - "$1" "$N" <<'PY'
import sys
scenario, n = sys.argv[1], int(sys.argv[2])
out = sys.stdout.buffer
def cmd(*args):
    parts = [b"*%d\r\n" % len(args)]
    for a in args:
        a = a if isinstance(a, bytes) else str(a).encode()
        parts.append(b"$%d\r\n%s\r\n" % (len(a), a))
    out.write(b"".join(parts))
if scenario == "hash10":        # n hashes of 10 small fields (listpack-encoded in Redis)
    for i in range(n):
        args = ["HSET", "hash:%d" % i]
        for f in range(10):
            args += ["field%d" % f, "value%d" % (i % 1000)]
        cmd(*args)
elif scenario == "zset":        # one sorted set of n members
    for i in range(0, n, 100):
        args = ["ZADD", "bigzset"]
        for j in range(i, min(n, i + 100)):
            args += [str(j * 1.5), "member:%d" % j]
        cmd(*args)
elif scenario == "list":        # one list of n elements
    for i in range(0, n, 100):
        cmd("RPUSH", "biglist", *["element:%d" % j for j in range(i, min(n, i + 100))])
elif scenario == "set":         # one set of n members
    for i in range(0, n, 100):
        cmd("SADD", "bigset", *["member:%d" % j for j in range(i, min(n, i + 100))])
elif scenario == "stream":      # one stream of n entries of two small fields, IDs as XADD * makes them
    for i in range(n):
        cmd("XADD", "bigstream", "%d-%d" % (1700000000000 + i // 10, i % 10), "sensor", "s%d" % (i % 16),
            "value", str(i % 1000))
elif scenario == "strings":     # n string keys
    for i in range(n):
        cmd("SET", "key:%d" % i, "value:%d" % i)
PY
}

rss_kb() { awk '/VmRSS/ {print $2}' "/proc/$1/status"; }

printf '%-10s %14s %14s %8s\n' scenario cairn_growth_MB redis_growth_MB ratio
for s in $SCENARIOS; do
  gen "$s" >"$work/$s.resp"
  "$here/cairn-server" --port "$CAIRN_PORT" --save '' --dir "$work" >"$work/cairn.log" 2>&1 &
  cpid=$!
  redis-server --port "$REDIS_PORT" --save '' --appendonly no --dir "$work" --daemonize yes --pidfile "$work/redis.pid" --logfile "$work/redis.log"
  for p in $CAIRN_PORT $REDIS_PORT; do for _ in $(seq 1 100); do redis-cli -p $p ping >/dev/null 2>&1 && break; sleep 0.2; done; done
  sleep "$SETTLE"
  rpid=$(cat "$work/redis.pid")
  jpid=$(pgrep -f "cairn-server.jar --port $CAIRN_PORT" | head -1)
  for p in $CAIRN_PORT $REDIS_PORT; do redis-cli -p $p memory purge >/dev/null 2>&1 || true; done
  sleep 1
  c0=$(rss_kb "$jpid"); r0=$(rss_kb "$rpid")
  redis-cli -p $CAIRN_PORT --pipe <"$work/$s.resp" >/dev/null
  redis-cli -p $REDIS_PORT --pipe <"$work/$s.resp" >/dev/null
  for p in $CAIRN_PORT $REDIS_PORT; do redis-cli -p $p memory purge >/dev/null 2>&1 || true; done
  sleep 2
  c1=$(rss_kb "$jpid"); r1=$(rss_kb "$rpid")
  awk -v s="$s" -v c=$((c1 - c0)) -v r=$((r1 - r0)) 'BEGIN { printf "%-10s %14.1f %14.1f %8.2f\n", s, c/1024, r/1024, (r > 0 ? c/r : 0) }'
  redis-cli -p $REDIS_PORT shutdown nosave >/dev/null 2>&1 || true
  kill $cpid; wait $cpid 2>/dev/null || true; cpid=
done
