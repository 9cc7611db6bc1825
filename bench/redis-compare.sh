#!/usr/bin/env bash
# Runs redis-benchmark against Cairn and Debian's redis-server on this machine, interleaved (Cairn, Redis, Cairn,
# Redis, ...) so that noise from other load falls on both alike, one test at a time, and prints per test and
# pipelining level (medians of the rounds): throughput, the server's CPU per request (user + system time of the whole
# process, every thread, from /proc) and the efficiency (Redis's CPU per request / Cairn's: above 1 Cairn spends less),
# and p50/p99/max latency as redis-benchmark reports them, each with the ratio Cairn/Redis. The servers run on CPU 0,
# the client on CPU 1 (PIN=0: no pinning). The last lines are the geometric means per pipelining level.
#
# With EVALSHA=1 it also measures EVALSHA of a small script (an INCR of a random key) as a custom command line.
# usage: bench/redis-compare.sh [TESTS] ; env: EVALSHA=1 ROUNDS=3 REQUESTS=200000 CLIENTS=50 PIPELINES="1 16" KEYSPACE=100000
#        CAIRN_PORT=7500 REDIS_PORT=7501 PIN=1 CAIRN_JAVA_OPTS= (extra JVM options for Cairn)
#        CUSTOM="CMD ARG ...;CMD ARG ..."  command lines measured too, in this order, after TESTS (an empty TESTS
#                                           measures only these); SETUP="CMD ...;..." commands sent to both servers first
# The standard set of issue 19: TESTS=ping,set,get,incr,mset,lpush,lpop,sadd,hset,zadd,lrange_100 (lrange_100 runs as
# the command line LRANGE mylist 0 99 over the list the warm-up's LPUSHes made, so that its CPU is LRANGE's alone).
# Streams (XADD, then XREAD and XREADGROUP over what the XADDs left; a group read takes one entry each):
#   SETUP='XGROUP CREATE s g $ MKSTREAM' CUSTOM='XADD s * f v;XREAD COUNT 10 STREAMS s 0;XREADGROUP GROUP g c COUNT 1 STREAMS s >' \
#     bench/redis-compare.sh ''
# A second Cairn to compare with in the same rounds (Cairn, base, Redis, ...): BASE_TREE=dir (another worktree, built)
# and/or BASE_JAVA_OPTS="-D..." (its JVM options; the base is this tree when BASE_TREE is not given), on BASE_PORT=7502.
# Then a second table gives, per test, both builds' CPU per request, the medians of the per-round ratios this/base
# (CPU, throughput, p99, max) and the base's p50/p99/max with their ratios to Redis's: a before/after of the tails.
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
PIN=${PIN:-1}
BASE_TREE=${BASE_TREE:-}
BASE_JAVA_OPTS=${BASE_JAVA_OPTS:-}
BASE_PORT=${BASE_PORT:-7502}
with_base=
if [ -n "$BASE_TREE$BASE_JAVA_OPTS" ]; then with_base=1; fi
command -v redis-benchmark >/dev/null && command -v redis-server >/dev/null || {
  echo "needs redis-server and redis-benchmark: apt-get install -y redis-server redis-tools" >&2; exit 2; }
server_cpu=() client_cpu=()
if [ "$PIN" = 1 ] && command -v taskset >/dev/null && [ "$(nproc)" -ge 2 ]; then
  server_cpu=(taskset -c 0) client_cpu=(taskset -c 1)
fi

out=$(mktemp -d)
cleanup() {
  [ -n "${cairn_pid:-}" ] && kill "$cairn_pid" 2>/dev/null || true
  [ -n "${base_pid:-}" ] && kill "$base_pid" 2>/dev/null || true
  redis-cli -p "$REDIS_PORT" shutdown nosave >/dev/null 2>&1 || true
  rm -rf "$out"
}
trap cleanup EXIT

# the launcher execs the JVM, so this is the server's own process
"${server_cpu[@]}" "$here/cairn-server" --port "$CAIRN_PORT" --save '' --dir "$out" >"$out/cairn.log" 2>&1 &
cairn_pid=$!
ports=("$CAIRN_PORT" "$REDIS_PORT")
if [ -n "$with_base" ]; then
  CAIRN_JAVA_OPTS="$BASE_JAVA_OPTS" "${server_cpu[@]}" "${BASE_TREE:-$here}/cairn-server" --port "$BASE_PORT" --save '' \
    --dir "$out" >"$out/base.log" 2>&1 &
  base_pid=$!
  ports+=("$BASE_PORT")
fi
"${server_cpu[@]}" redis-server --port "$REDIS_PORT" --save '' --appendonly no --dir "$out" --daemonize yes \
  --logfile "$out/redis.log"
for port in "${ports[@]}"; do
  # PONG, not any reply: a server still loading answers -LOADING, which redis-cli exits 0 on
  for _ in $(seq 1 300); do [ "$(redis-cli -p "$port" ping 2>/dev/null)" = PONG ] && break; sleep 0.2; done
  [ "$(redis-cli -p "$port" ping 2>/dev/null)" = PONG ] || { echo "server on port $port did not start" >&2; cat "$out"/*.log >&2; exit 1; }
done
redis_pid=$(redis-cli -p "$REDIS_PORT" info server | tr -d '\r' | awk -F: '$1 == "process_id" {print $2}')

IFS=';' read -r -a custom <<<"$CUSTOM"
IFS=';' read -r -a setup <<<"$SETUP"
SCRIPT="return redis.call('incr', KEYS[1])"
if [ -n "${EVALSHA:-}" ]; then
  for port in "${ports[@]}"; do sha=$(redis-cli -p "$port" script load "$SCRIPT"); done
  custom+=("EVALSHA $sha 1 key:__rand_int__")
fi
for port in "${ports[@]}"; do
  for c in "${setup[@]}"; do
    read -r -a words <<<"$c"
    if [ ${#words[@]} -gt 0 ]; then redis-cli -p "$port" "${words[@]}" >/dev/null; fi
  done
done

# what each measured invocation runs: a -t test, or a command line (after "cmd:")
items=()
IFS=',' read -r -a tests <<<"$TESTS"
for t in "${tests[@]}"; do
  if [ "$t" = lrange_100 ]; then items+=("cmd:LRANGE mylist 0 99"); elif [ -n "$t" ]; then items+=("$t"); fi
done
for c in "${custom[@]}"; do
  if [ -n "${c// /}" ]; then items+=("cmd:$c"); fi
done

bench1() { # port requests pipeline item [extra redis-benchmark args]
  local port=$1 n=$2 p=$3 item=$4 words
  shift 4
  if [[ $item == cmd:* ]]; then
    read -r -a words <<<"${item#cmd:}" # split on blanks, no globbing: "*" stays an argument
    "${client_cpu[@]}" redis-benchmark -p "$port" -n "$n" -c "$CLIENTS" -P "$p" -r "$KEYSPACE" "$@" "${words[@]}"
  else
    "${client_cpu[@]}" redis-benchmark -p "$port" -t "$item" -n "$n" -c "$CLIENTS" -P "$p" -r "$KEYSPACE" "$@"
  fi
}

# warm-up: lets the JIT compile Cairn's hot paths (C2 needs a few seconds of each path) before anything is measured;
# Redis gets the same traffic so that both start from the same dataset (and LRANGE's list)
# (at the pipelining levels measured: 5x REQUESTS pipelined, REQUESTS unpipelined)
for port in "${ports[@]}"; do
  for _ in 1 2; do
    for item in "${items[@]}" lpush; do
      for p in $PIPELINES; do
        if [ "$p" -gt 1 ]; then
          bench1 "$port" $((REQUESTS * 5)) "$p" "$item" -q >/dev/null 2>&1
        else
          bench1 "$port" "$REQUESTS" 1 "$item" -q >/dev/null 2>&1
        fi
      done
    done
  done
done

cpu_ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }
tick_us=$((1000000 / $(getconf CLK_TCK)))

run() { # who port pipeline: lines "who P name rps cpu_us_per_request p50 p99 max"; pipelined runs send more requests
  local who=$1 port=$2 p=$3 pid=$cairn_pid n=$REQUESTS item before after
  [ "$who" = redis ] && pid=$redis_pid
  [ "$who" = base ] && pid=$base_pid
  [ "$p" -gt 1 ] && n=$((REQUESTS * p / 2))
  for item in "${items[@]}"; do
    before=$(cpu_ticks "$pid")
    bench1 "$port" "$n" "$p" "$item" --csv 2>/dev/null >"$out/csv"
    after=$(cpu_ticks "$pid")
    # a -t test may run more than one (ping: PING_INLINE and PING_MBULK): each is given an equal share of the CPU
    awk -F'","' -v who="$who" -v p="$p" -v cpu="$(( (after - before) * tick_us ))" -v n="$n" \
      -v runs="$(grep -vc '^"test"' "$out/csv")" '!/^"test"/ {
        gsub(/"/, "", $1); gsub(/"/, "", $NF); sub(/^EVALSHA [0-9a-f]+ 1 key:__rand_int__$/, "EVALSHA(incr)", $1)
        sub(/^LRANGE mylist 0 99$/, "LRANGE_100", $1); gsub(/ /, "_", $1)
        printf "%s %s %s %s %.3f %s %s %s\n", who, p, $1, $2, cpu / n / runs, $5, $7, $8 }' "$out/csv"
  done
}

for p in $PIPELINES; do
  for r in $(seq 1 "$ROUNDS"); do
    run cairn "$CAIRN_PORT" "$p" >>"$out/results"
    if [ -n "$with_base" ]; then run base "$BASE_PORT" "$p" >>"$out/results"; fi
    run redis "$REDIS_PORT" "$p" >>"$out/results"
  done
done

echo "rounds: $ROUNDS (medians), $CLIENTS clients, $REQUESTS requests at P1 (x P/2 when pipelined); load average: $(cut -d' ' -f1-3 /proc/loadavg)"
echo "rps: requests/s; us/req: server CPU microseconds per request; eff: Redis's us/req / Cairn's; latencies in ms (c = Cairn, r = Redis, c/r their ratio)"
printf '%-14s %3s %9s %9s %5s | %7s %7s %5s | %6s %6s %5s | %6s %6s %5s | %6s %6s %5s\n' test P rps_c rps_r c/r \
  us/req_c us/req_r eff p50_c p50_r c/r p99_c p99_r c/r max_c max_r c/r
awk '
  { k = $2 SUBSEP $3; for (c = 4; c <= 8; c++) v[$1, k, c, ++n[$1, k, c]] = $c; keys[k] = 1 }
  function median(who, k, c,   m, i, j, t, a) {
    m = n[who, k, c]; for (i = 1; i <= m; i++) a[i] = v[who, k, c, i]
    for (i = 1; i <= m; i++) for (j = i + 1; j <= m; j++) if (a[j] + 0 < a[i] + 0) { t = a[i]; a[i] = a[j]; a[j] = t }
    return (m % 2) ? a[(m + 1) / 2] : (a[m / 2] + a[m / 2 + 1]) / 2
  }
  function ratio(a, b) { return b > 0 ? a / b : 0 }
  END {
    for (k in keys) {
      split(k, parts, SUBSEP)
      for (c = 4; c <= 8; c++) { C[c] = median("cairn", k, c); R[c] = median("redis", k, c) }
      eff = ratio(R[5], C[5])
      printf "%-14s %3s %9.0f %9.0f %5.2f | %7.2f %7.2f %5.2f | %6.3f %6.3f %5.2f | %6.3f %6.3f %5.2f | %6.2f %6.2f %5.2f\n",
        parts[2], parts[1], C[4], R[4], ratio(C[4], R[4]), C[5], R[5], eff, C[6], R[6], ratio(C[6], R[6]),
        C[7], R[7], ratio(C[7], R[7]), C[8], R[8], ratio(C[8], R[8]) | "sort -k2,2n -k1,1"
      if (eff > 0) { lg[parts[1]] += log(eff); ng[parts[1]]++ }
      if (R[4] > 0) { lt[parts[1]] += log(C[4] / R[4]) }
    }
    close("sort -k2,2n -k1,1")
    for (p in ng) printf "geomean P%s: efficiency %.2f, throughput ratio %.2f\n", p, exp(lg[p] / ng[p]), exp(lt[p] / ng[p])
  }' "$out/results"

if [ -n "$with_base" ]; then
  echo
  echo "this build against the base (${BASE_TREE:-this tree}${BASE_JAVA_OPTS:+ with $BASE_JAVA_OPTS}), same rounds:"
  echo "medians of the rounds; this/base: median of the per-round ratios (below 1: this build spends less, is faster);"
  echo "the base's latencies (ms) and their ratios to Redis's (medians of the rounds), as the first table gives this build's"
  printf '%-14s %3s | %8s %8s %10s | %9s %9s %10s | %10s %10s | %6s %5s | %6s %5s | %6s %5s\n' test P us/req_t us/req_b \
    this/base rps_t rps_b this/base p99_t/b max_t/b p50_b b/r p99_b b/r max_b b/r
  awk '
    { k = $2 SUBSEP $3; i = ++n[$1, k]; rps[$1, k, i] = $4; cpu[$1, k, i] = $5; p50[$1, k, i] = $6; p99[$1, k, i] = $7
      mx[$1, k, i] = $8; if ($1 != "redis") keys[k] = 1 }
    function col(arr, who, k,   i, a) { for (i = 1; i <= n[who, k]; i++) a[i] = arr[who, k, i]; return median(a, n[who, k]) }
    function ratio(a, b) { return b > 0 ? a / b : 0 }
    function median(a, m,   i, j, t) {
      for (i = 1; i <= m; i++) for (j = i + 1; j <= m; j++) if (a[j] + 0 < a[i] + 0) { t = a[i]; a[i] = a[j]; a[j] = t }
      return (m % 2) ? a[(m + 1) / 2] : (a[m / 2] + a[m / 2 + 1]) / 2
    }
    END {
      for (k in keys) {
        split(k, parts, SUBSEP); m = n["cairn", k]; if (n["base", k] < m) m = n["base", k]
        delete a; delete b; delete r1; delete r2; delete r3; delete r4; delete c; delete d
        for (i = 1; i <= m; i++) {
          a[i] = cpu["cairn", k, i]; b[i] = cpu["base", k, i]; c[i] = rps["cairn", k, i]; d[i] = rps["base", k, i]
          r1[i] = b[i] > 0 ? a[i] / b[i] : 0; r2[i] = d[i] > 0 ? c[i] / d[i] : 0
          r3[i] = p99["base", k, i] > 0 ? p99["cairn", k, i] / p99["base", k, i] : 0
          r4[i] = mx["base", k, i] > 0 ? mx["cairn", k, i] / mx["base", k, i] : 0
        }
        b50 = col(p50, "base", k); b99 = col(p99, "base", k); bmx = col(mx, "base", k)
        printf "%-14s %3s | %8.3f %8.3f %10.3f | %9.0f %9.0f %10.3f | %10.3f %10.3f | %6.3f %5.2f | %6.3f %5.2f | %6.2f %5.2f\n",
          parts[2], parts[1], median(a, m), median(b, m), median(r1, m), median(c, m), median(d, m), median(r2, m),
          median(r3, m), median(r4, m), b50, ratio(b50, col(p50, "redis", k)), b99, ratio(b99, col(p99, "redis", k)), bmx,
          ratio(bmx, col(mx, "redis", k)) | "sort -k2,2n -k1,1"
      }
    }' "$out/results"
fi
