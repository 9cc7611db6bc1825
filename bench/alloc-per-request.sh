#!/usr/bin/env bash
# Bytes the server allocates per request on its hot paths, one redis-benchmark test at a time, from JFR: the exact
# per-thread allocation counters (jdk.ThreadAllocationStatistics, read at the recording's start and end) give bytes per
# request for the engine thread and for every other thread together. What was allocated: OUT=dir keeps the recordings
# (`jfr print --events jdk.ObjectAllocationSample`; its samples are too few at these rates to apportion bytes per site,
# and they mix in what a connection costs once).
# Issue 19 asks for no allocation per request beyond what the value itself needs: a GET of a missing key needs none,
# a SET of a new key its entry and value.
#
# Each figure is the difference between a run of REQUESTS and one of 3 x REQUESTS, over 2 x REQUESTS: what a connection
# costs once (its channel, buffers, decoder) cancels out, and what is left is the cost of a request.
#
# usage: bench/alloc-per-request.sh [TESTS] ; env: PIPELINES="1 16" KEYSPACE=100000 REQUESTS=200000 PORT=7530 OUT=dir
# A test is a redis-benchmark test name (-t), or NAME=COMMAND for any command, e.g. 'set_ex=SET key:__rand_int__ x EX
# 1000' or 'hget_small=HGET h:__rand_int__ f1' (TESTS is split at commas, so a command has none).
# Keys are random over KEYSPACE (the keyspace is filled by the warm-up), so SET mostly overwrites: an overwrite of a
# same-sized value needs no new allocation.
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
TESTS=${1-get,set,incr,hset,lpush,sadd}
PIPELINES=${PIPELINES:-1 16}
KEYSPACE=${KEYSPACE:-100000}
REQUESTS=${REQUESTS:-200000}
PORT=${PORT:-7530}
source "$here/bin/find-jdk.sh"
work=$(mktemp -d)
out=${OUT:-$work}
mkdir -p "$out"
"$here/cairn-server" --port "$PORT" --save '' --dir "$work" >"$work/cairn.log" 2>&1 &
pid=$!
trap 'kill $pid 2>/dev/null || true; rm -rf "$work"' EXIT
# up to 2 minutes: on a loaded machine the launcher's JVM start took over 20 s, and redis-benchmark then hung
for _ in $(seq 1 600); do redis-cli -p "$PORT" ping >/dev/null 2>&1 && break; sleep 0.2; done
redis-cli -p "$PORT" ping >/dev/null 2>&1 || { echo "cairn did not answer on port $PORT; its log:" >&2; cat "$work/cairn.log" >&2; exit 1; }
jpid=$(pgrep -P "$pid" java || echo "$pid") # the launcher execs the JVM: usually the same pid
# bench TEST [options]: the test by name, or its command
bench() {
  local t=$1
  shift
  if [[ $t == *=* ]]; then
    read -r -a words <<<"${t#*=}"
    redis-benchmark -p "$PORT" -c 50 -r "$KEYSPACE" "$@" -q "${words[@]}" >/dev/null
  else
    redis-benchmark -p "$PORT" -c 50 -r "$KEYSPACE" -t "$t" "$@" -q >/dev/null
  fi
}
IFS=, read -r -a tests <<<"$TESTS"
for t in "${tests[@]}"; do # warm-up: compiled code over a full keyspace
  for _ in 1 2; do bench "$t" -n $((REQUESTS * 4)) -P 16; bench "$t" -n "$REQUESTS" -P 1; done
done
printf '%-11s %3s %14s %14s\n' test P engine_B/req other_B/req
for p in $PIPELINES; do
  for t in "${tests[@]}"; do
    name=${t%%=*}
    for n in "$REQUESTS" $((REQUESTS * 3)); do
      "$JAVA_HOME/bin/jcmd" "$jpid" JFR.start name=alloc settings=default >/dev/null
      bench "$t" -n "$n" -P "$p"
      "$JAVA_HOME/bin/jcmd" "$jpid" JFR.stop name=alloc filename="$out/$name-$p-$n.jfr" >/dev/null
      "$JAVA_HOME/bin/jfr" print --json --events jdk.ThreadAllocationStatistics "$out/$name-$p-$n.jfr" >"$work/$name-$p-$n.json"
    done
    /usr/bin/python3 -c '
import json, sys, collections
test, pipeline, requests, short, long = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4], sys.argv[5]
# JFR own threads and the attach listener serve the measurement, not the requests
own = lambda name: name.startswith("JFR") or name == "Attach Listener"
def read(path):
    counters = collections.defaultdict(list)   # thread -> allocated bytes, in event order
    for e in json.load(open(path))["recording"]["events"]:
        counters[e["values"]["thread"]["javaName"]].append(e["values"]["allocated"])
    delta = {n: c[-1] - c[0] for n, c in counters.items() if len(c) >= 2}
    return delta.get("cairn-engine", 0), sum(d for n, d in delta.items() if n != "cairn-engine" and not own(n))
e1, o1 = read(short)
e3, o3 = read(long)
print("%-11s %3s %14.1f %14.1f" % (test, pipeline, (e3 - e1) / (2.0 * requests), (o3 - o1) / (2.0 * requests)))
' "$name" "$p" "$REQUESTS" "$work/$name-$p-$REQUESTS.json" "$work/$name-$p-$((REQUESTS * 3)).json"
  done
done
