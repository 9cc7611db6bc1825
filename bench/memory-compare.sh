#!/usr/bin/env bash
# Loads the same data into Cairn and Debian's redis-server and compares the growth of each process's resident memory
# (VmRSS in /proc/PID/status) from just after start to after the load, per scenario, over ROUNDS fresh pairs of servers.
# Prints a line per round and, per scenario, the medians of both growths and of the per-round ratios Cairn/Redis, the
# ratios' range (min-max) and the load average (1 min) before and after the scenario.
#
# usage: bench/memory-compare.sh [SCENARIO ...]   scenarios: hash10 zset list set strings stream (default: all)
# env: N=1000000 (elements), ROUNDS=5, CAIRN_PORT=7510 REDIS_PORT=7511, SETTLE=8 (seconds an idle server gets before
#      the first reading), CAIRN_TREE=<this checkout> (the tree whose ./cairn-server runs: a frozen copy, or another
#      build to compare), CAIRN_JAVA_OPTS (passed on to the launcher), WARMUP=0 (1: before the first reading, both
#      servers take the scenario at a tenth of N, then FLUSHALL: the growth of a warm server, without what a JVM's
#      first run of the scenario's commands leaves behind, compiled code and the compiler's malloc residue), AFTER=4
#      (seconds from the second MEMORY PURGE to the second reading)
# Both servers of a round are treated alike: started together, left idle SETTLE seconds, then MEMORY PURGE and RSS read
# 1 s later; loaded one after the other (Cairn first in odd rounds, Redis first in even ones, so neither is always
# loaded while the other has just been), then MEMORY PURGE again and RSS read AFTER (4) s later. MEMORY PURGE is
# Redis's request to its allocator to return freed pages to the system; Cairn's asks for a collection (System.gc(), a
# concurrent cycle under the launcher's options, after which G1 gives heap beyond its free ratio back) and returns at
# once. Measuring memory, not time, it may run at a low priority beside other work; the load is printed all the same.
# Why AFTER=4: the collection MEMORY PURGE starts shrinks Cairn's committed heap within milliseconds, but its RSS falls
# (4-5 MB for the list scenario) only 2-2.5 s after the purge, and rises again from ~5 s with the idle server's
# periodic cycle (traced at 0.5 s steps, 3 of 3 runs): read at 2 s, a list's growth fell into two modes 6 MB apart
# from round to round. Redis's RSS does not move after its purge.
# Why SETTLE: a JVM just started still holds the C heap of its start-up compilations, trimmed within ~5 s (an idle
# Cairn's RSS falls from ~85 to ~78 MB between 2 and 5 s after start); a first reading before that made Cairn's growth
# look 5-7 MB smaller than it is. Redis's RSS is steady from the start.
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
N=${N:-1000000}
CAIRN_PORT=${CAIRN_PORT:-7510}
REDIS_PORT=${REDIS_PORT:-7511}
SETTLE=${SETTLE:-8}
ROUNDS=${ROUNDS:-5}
CAIRN_TREE=${CAIRN_TREE:-$here}
WARMUP=${WARMUP:-0}
AFTER=${AFTER:-4}
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
load1() { cut -d' ' -f1 /proc/loadavg; }
purge() { redis-cli -p "$1" memory purge >/dev/null 2>&1 || true; }
# median, min and max of the numbers given
stats() { printf '%s\n' "$@" | sort -g | awk '{ v[NR] = $1 } END {
  m = NR % 2 ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2; printf "%s %s %s\n", m, v[1], v[NR] }'; }

printf '%-8s %5s %12s %12s %7s %5s\n' scenario round cairn_MB redis_MB ratio load
summary=()
for s in $SCENARIOS; do
  gen "$s" >"$work/$s.resp"
  if [[ $WARMUP == 1 ]]; then N=$((N / 10)) gen "$s" >"$work/$s.warm.resp"; fi
  load_before=$(load1)
  cg=() rg=() ratios=()
  for round in $(seq 1 "$ROUNDS"); do
    "$CAIRN_TREE/cairn-server" --port "$CAIRN_PORT" --save '' --dir "$work" >"$work/cairn.log" 2>&1 &
    cpid=$!
    redis-server --port "$REDIS_PORT" --save '' --appendonly no --dir "$work" --daemonize yes --pidfile "$work/redis.pid" --logfile "$work/redis.log"
    for p in $CAIRN_PORT $REDIS_PORT; do for _ in $(seq 1 100); do redis-cli -p $p ping >/dev/null 2>&1 && break; sleep 0.2; done; done
    if [[ $WARMUP == 1 ]]; then
      for p in $CAIRN_PORT $REDIS_PORT; do redis-cli -p $p --pipe <"$work/$s.warm.resp" >/dev/null; redis-cli -p $p flushall >/dev/null; done
    fi
    sleep "$SETTLE"
    rpid=$(cat "$work/redis.pid")
    jpid=$(pgrep -f "cairn-server.jar --port $CAIRN_PORT" | head -1)
    purge $CAIRN_PORT; purge $REDIS_PORT
    sleep 1
    c0=$(rss_kb "$jpid"); r0=$(rss_kb "$rpid")
    if (( round % 2 )); then order="$CAIRN_PORT $REDIS_PORT"; else order="$REDIS_PORT $CAIRN_PORT"; fi
    for p in $order; do redis-cli -p $p --pipe <"$work/$s.resp" >/dev/null; done
    purge $CAIRN_PORT; purge $REDIS_PORT
    sleep "$AFTER"
    c1=$(rss_kb "$jpid"); r1=$(rss_kb "$rpid")
    read -r c r ratio < <(awk -v c=$((c1 - c0)) -v r=$((r1 - r0)) 'BEGIN { printf "%.1f %.1f %.3f\n", c/1024, r/1024, (r > 0 ? c/r : 0) }')
    cg+=("$c") rg+=("$r") ratios+=("$ratio")
    printf '%-8s %5d %12s %12s %7s %5s\n' "$s" "$round" "$c" "$r" "$ratio" "$(load1)"
    redis-cli -p $REDIS_PORT shutdown nosave >/dev/null 2>&1 || true
    kill $cpid; wait $cpid 2>/dev/null || true; cpid=
  done
  read -r cm _ _ < <(stats "${cg[@]}"); read -r rm _ _ < <(stats "${rg[@]}"); read -r qm qlo qhi < <(stats "${ratios[@]}")
  summary+=("$(printf '%-8s %6d %10s %10s %7s %13s %9s' "$s" "$ROUNDS" "$cm" "$rm" "$qm" "$qlo..$qhi" "$load_before/$(load1)")")
  rm -f "$work/$s.resp" "$work/$s.warm.resp"
done
echo
printf '%-8s %6s %10s %10s %7s %13s %9s\n' scenario rounds cairn_MB redis_MB ratio ratio_range load
printf '%s\n' "${summary[@]}"
