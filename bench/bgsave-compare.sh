#!/usr/bin/env bash
# BGSAVE under load, Cairn (fork-less snapshot) against Debian's redis-server (fork), in the same run on this machine.
# For each server, KEYS keys of VALUE bytes are loaded; the load is two redis-benchmark processes at once, one sending
# SET and one GET over those keys (CLIENTS/2 connections each), and each round measures, with the same request counts:
#   1. the load with no save running (the baseline), and
#   2. the load over a whole BGSAVE: the benchmarks start, the BGSAVE comes LEAD_MS later, and they are sized (from a
#      save timed under the same load just before) to go on until SLACK percent past the save's end. A benchmark that
#      ends before the save does is reported, and its round does not count for that test.
# It prints p99 and max latency of both phases, the save's duration under load, the share of the measured window the
# save took (what is outside it dilutes the p99 a little; the maxima are the save's), and the peak growth of the
# server's memory during the save over the memory just before it. Memory is the proportional set size (PSS, from
# /proc/PID/smaps_rollup) summed over the server and its children: for Redis that counts the fork child's
# copy-on-write pages once, for Cairn it is its RSS.
# Rounds alternate Cairn and Redis; each round's figures are printed as they come (with the load average), then the
# medians of each side and the median of the per-round ratios Cairn/Redis (pairs of the same round).
#
# usage: bench/bgsave-compare.sh ; env: ROUNDS=3 KEYS=2000000 VALUE=100 CLIENTS=50 LEAD_MS=300 SLACK=15
#        CAIRN_PORT=7702 REDIS_PORT=7802 ONLY=cairn or ONLY=redis (one side, for diagnosis); CAIRN=launcher (default
#        ./cairn-server); CAIRN_JAVA_OPTS, CAIRN_GC_OPTS (the launcher's); KEEP=dir (keep the servers' directories and
#        the raw results there); MERGE="dir1 dir2" (no rounds: the table of the rounds kept by earlier runs, together)
# Needs: redis-server, redis-cli and redis-benchmark (Debian's redis-server and redis-tools), a JDK >= 21 and Maven.
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
ROUNDS=${ROUNDS:-3}
KEYS=${KEYS:-2000000}
VALUE=${VALUE:-100}
CLIENTS=${CLIENTS:-50}
LEAD_MS=${LEAD_MS:-300}
SLACK=${SLACK:-15}
CAIRN_PORT=${CAIRN_PORT:-7702}
REDIS_PORT=${REDIS_PORT:-7802}
for b in redis-server redis-cli redis-benchmark; do
  command -v "$b" >/dev/null || { echo "needs $b (apt-get install -y redis-server redis-tools)" >&2; exit 2; }
done

out=${KEEP:-$(mktemp -d)}
mkdir -p "$out"
: >"$out/results"
server_pid=
bench_pids=()
save_ms=0 peak=0
cleanup() {
  for p in "${bench_pids[@]}"; do kill "$p" 2>/dev/null || true; done
  [ -n "$server_pid" ] && kill -9 "$server_pid" 2>/dev/null || true
  [ -n "${KEEP:-}" ] || rm -rf "$out"
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

# Starts the SET and the GET benchmark, requests each, in the background (bench_pids); each writes "TEST p99 max" (ms)
# to file.set / file.get when it ends.
start_load() { # port requests file
  local t
  bench_pids=()
  for t in set get; do
    ( redis-benchmark -p "$1" -t "$t" -n "$2" -c $((CLIENTS / 2)) -r "$KEYS" -d "$VALUE" --csv 2>/dev/null |
        awk -F'","' 'NR>1 {gsub(/"/,"",$1); gsub(/"/,"",$8); print $1, $7, $8}' >"$3.$t" ) 2>/dev/null &
    bench_pids+=($!)
  done
}

wait_load() { local p; for p in "${bench_pids[@]}"; do wait "$p" || true; done; bench_pids=(); }

stop_load() { # the benchmarks' subshells end once their redis-benchmark is gone
  local p
  for p in "${bench_pids[@]}"; do pkill -P "$p" redis-benchmar 2>/dev/null || true; done
  wait_load
}

# which of the benchmarks are still running ("set get", "get", ...)
running_tests() {
  local s=""
  kill -0 "${bench_pids[0]}" 2>/dev/null && s="set"
  kill -0 "${bench_pids[1]}" 2>/dev/null && s="$s get"
  echo "$s"
}

in_progress() { redis-cli -p "$1" info persistence | tr -d '\r' | awk -F: '/^rdb_bgsave_in_progress/ {print $2}'; }

commands() { redis-cli -p "$1" info stats | tr -d '\r' | awk -F: '/^total_commands_processed/ {print $2}'; }

now_ms() { echo $(( $(date +%s%N) / 1000000 )); }

# A BGSAVE, waited for: its duration (ms) in $save_ms; with a PID, that process's memory sampled meanwhile, the
# highest in $peak.
timed_save() { # port [pid]
  local t0 m
  t0=$(now_ms)
  redis-cli -p "$1" bgsave >/dev/null
  while [ "$(in_progress "$1")" = 1 ]; do
    if [ -n "${2:-}" ]; then m=$(pss "$2"); [ "$m" -gt "$peak" ] && peak=$m; fi
    sleep 0.02
  done
  save_ms=$(( $(now_ms) - t0 ))
}

round() { # kind port
  local kind=$1 port=$2 dir="$out/$1-$r"
  mkdir -p "$dir"
  start_server "$kind" "$port" "$dir"
  load "$port"
  # warm-up: the load, then a save (the JIT for Cairn's snapshot path; both get the same)
  start_load "$port" 150000 "$dir/warmup"; wait_load
  timed_save "$port"
  sleep 1
  # the baseline, which also gives the load's rate with no save; then a save timed under the load: the measured save
  # is sized from these two
  local t0 base_ms probe_ms rate requests
  start_load "$port" 200000 "$dir/rate"; wait_load
  t0=$(now_ms); start_load "$port" 200000 "$dir/rate"; wait_load; base_ms=$(( $(now_ms) - t0 ))
  rate=$(( 400000 * 1000 / base_ms ))   # requests per second, both benchmarks
  start_load "$port" 1000000000 "$dir/probe"
  sleep 1
  timed_save "$port"; probe_ms=$save_ms
  stop_load
  sleep 1
  local attempt before window still t
  for attempt in 1 2; do
    # each benchmark's share of the requests, at the no-save rate, for LEAD_MS and the save as long as the probe's
    # and SLACK percent more (a save slower than the probe's by more than that: a second attempt sized from it)
    requests=$(( rate * (LEAD_MS + probe_ms * (100 + SLACK) / 100) / 1000 / 2 ))
    # the baseline: the same requests, no save
    start_load "$port" "$requests" "$dir/base"; wait_load
    sleep 1
    # the measured save: the load, the BGSAVE LEAD_MS later; memory sampled until the save ends
    peak=0
    before=$(pss "$server_pid")
    t0=$(now_ms)
    start_load "$port" "$requests" "$dir/save"
    sleep "$(awk -v ms="$LEAD_MS" 'BEGIN {print ms / 1000}')"
    timed_save "$port" "$server_pid"
    still=$(running_tests)
    wait_load
    window=$(( $(now_ms) - t0 ))
    [ "$still" = " set get" ] || [ "$still" = "set get" ] && break
    echo "$kind round $r: a benchmark ended before the save did (save $save_ms ms, probe $probe_ms)" >&2
    probe_ms=$(( save_ms * 3 / 2 ))
    sleep 1
  done
  for t in set get; do
    if [[ " $still " == *" $t "* ]]; then
      echo "$kind base $(cat "$dir/base.$t")" >>"$out/results"
      echo "$kind save $(cat "$dir/save.$t")" >>"$out/results"
    else
      echo "$kind round $r: ${t^^} not counted" >&2
      echo "$kind base ${t^^} - -" >>"$out/results"
      echo "$kind save ${t^^} - -" >>"$out/results"
    fi
  done
  echo "$kind mem $(( (peak - before) / 1024 )) $(( before / 1024 )) $save_ms $probe_ms $(( save_ms * 100 / window )) $rate" \
    >>"$out/results"
  kill -9 "$server_pid"; wait "$server_pid" 2>/dev/null || true; server_pid=
  echo "$kind load $(cut -d' ' -f1 /proc/loadavg)" >>"$out/results"
  # this round's lines, as they come
  echo "round $r $kind: $(awk -v k="$kind" '$1==k' "$out/results" | tail -6 | tr '\n' ';')"
}

if [ -n "${MERGE:-}" ]; then
  # no rounds: the table of the rounds kept (KEEP=dir) by earlier runs, together
  for d in $MERGE; do cat "$d/results"; done >"$out/results"
  ROUNDS=$(grep -c '^cairn mem' "$out/results" || true)
else
  for r in $(seq 1 "$ROUNDS"); do
    [ "${ONLY:-cairn}" = cairn ] || [ -z "${ONLY:-}" ] && round cairn "$CAIRN_PORT"
    [ "${ONLY:-redis}" = redis ] || [ -z "${ONLY:-}" ] && round redis "$REDIS_PORT"
  done
fi

# Per round, one value per line, in order: the field c of the lines "kind phase test" (or "kind mem" with t empty).
series() { # kind phase test column
  awk -v k="$1" -v p="$2" -v t="$3" -v c="$4" '$1==k && $2==p && (t=="" || $3==t) {print $c}' "$out/results"
}
median() { grep -v '^-$' | sort -n | awk '{a[NR]=$1} END {if (NR == 0) print "-"; else print (NR % 2) ? a[(NR+1)/2] : (a[NR/2] + a[NR/2+1]) / 2}'; }
ratios() { # two series files -> per-round ratios
  paste -d' ' "$1" "$2" | awk '$1 != "-" && $2 != "-" && $2 > 0 {printf "%.3f\n", $1 / $2}'
}
row() { # label phase test column
  series cairn "$2" "$3" "$4" >"$out/a"; series redis "$2" "$3" "$4" >"$out/b"
  printf '%-34s %10s %10s %12s\n' "$1" "$(median <"$out/a")" "$(median <"$out/b")" \
    "$(ratios "$out/a" "$out/b" | median | awk '$1 == "-" {print; next} {printf "%.2f\n", $1}')"
}

echo "BGSAVE of $KEYS keys x $VALUE bytes under SET + GET load (redis-benchmark, $((CLIENTS / 2)) clients each);"
echo "$ROUNDS rounds, medians (ms, MB); the last column is the median of the per-round ratios"
printf '%-34s %10s %10s %12s\n' "" Cairn Redis Cairn/Redis
for t in SET GET; do
  for p in base save; do
    for c in 4:p99 5:max; do
      n=${c%%:*}; label="$t ${c#*:} $( [ $p = base ] && echo 'no save' || echo 'during BGSAVE')"
      row "$label" "$p" "$t" "$n"
    done
  done
done
# the save's own effect on each server: per round, its max (or p99) during the save over its own with no save
spike_row() { # label test column
  local k
  for k in cairn redis; do
    series $k base "$2" "$3" >"$out/b.$k"; series $k save "$2" "$3" >"$out/s.$k"; ratios "$out/s.$k" "$out/b.$k" >"$out/r.$k"
  done
  printf '%-34s %10s %10s %12s\n' "$1" "$(median <"$out/r.cairn" | awk '$1 == "-" {print; next} {printf "%.2f\n", $1}')" \
    "$(median <"$out/r.redis" | awk '$1 == "-" {print; next} {printf "%.2f\n", $1}')" \
    "$(ratios "$out/r.cairn" "$out/r.redis" | median | awk '$1 == "-" {print; next} {printf "%.2f\n", $1}')"
}
for t in SET GET; do
  spike_row "$t p99 during / no save" "$t" 4
  spike_row "$t max during / no save" "$t" 5
done
row "memory before save (MB)" mem "" 4
row "peak memory growth (MB)" mem "" 3
row "save duration under load (ms)" mem "" 5
row "  share of the window (%)" mem "" 7
row "requests/s, no save (both)" mem "" 8
echo "load average (1 min) per round: cairn $(series cairn load "" 3 | tr '\n' ' ')/ redis $(series redis load "" 3 | tr '\n' ' ')"
