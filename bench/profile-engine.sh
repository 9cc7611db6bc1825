#!/usr/bin/env bash
# Profiles Cairn's engine thread under redis-benchmark, one test at a time, with async-profiler (CPU samples, kernel
# frames included), and prints where the engine thread's samples went: by leaf method, and by the system call the
# kernel's samples were made under. The server runs on CPU 0 and the client on CPU 1, as bench/redis-compare.sh does.
#
# usage: ASYNC_PROFILER=/path/to/libasyncProfiler.so bench/profile-engine.sh [TESTS] ; env: PIPELINE=16 KEYSPACE=100000
#        REQUESTS=200000 (x PIPELINE/2 when pipelined) PORT=7520 TOP=25 OUT=dir (keeps the collapsed stacks)
# The library is in the async-profiler artifact (Maven: tools.profiler:async-profiler, linux-x64/libasyncProfiler.so
# inside the jar). It is loaded into the running server after the warm-up (jcmd JVMTI.agent_load), and the server
# runs with -XX:+DebugNonSafepoints so that samples in inlined code are given to the right method.
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
TESTS=${1-get,set,incr,hset,sadd}
PIPELINE=${PIPELINE:-16}
KEYSPACE=${KEYSPACE:-100000}
REQUESTS=${REQUESTS:-200000}
PORT=${PORT:-7520}
TOP=${TOP:-25}
lib=${ASYNC_PROFILER:?set ASYNC_PROFILER to async-profiler\'s libasyncProfiler.so}
source "$here/bin/find-jdk.sh"
work=$(mktemp -d)
out=${OUT:-$work}
mkdir -p "$out"
CAIRN_JAVA_OPTS="-XX:+UnlockDiagnosticVMOptions -XX:+DebugNonSafepoints" taskset -c 0 "$here/cairn-server" \
  --port "$PORT" --save '' --dir "$work" >"$work/cairn.log" 2>&1 &
pid=$!
trap 'kill $pid 2>/dev/null || true; rm -rf "$work"' EXIT
for _ in $(seq 1 100); do [ "$(redis-cli -p "$PORT" ping 2>/dev/null)" = PONG ] && break; sleep 0.2; done
bench() { taskset -c 1 redis-benchmark -p "$PORT" -c 50 -r "$KEYSPACE" "$@"; }
IFS=, read -r -a tests <<<"$TESTS"
for t in "${tests[@]}"; do # warm-up, so that what is profiled is compiled code over a full keyspace
  for _ in 1 2; do bench -t "$t" -n $((REQUESTS * 5)) -P 16 -q >/dev/null; bench -t "$t" -n "$REQUESTS" -P 1 -q >/dev/null; done
done
n=$REQUESTS
[ "$PIPELINE" -gt 1 ] && n=$((REQUESTS * PIPELINE / 2))
for t in "${tests[@]}"; do
  f=$out/$t-P$PIPELINE.collapsed
  # jcmd splits its arguments at '=': the agent's options go quoted
  "$JAVA_HOME/bin/jcmd" "$pid" JVMTI.agent_load "$lib" "\"start,event=cpu,interval=200us,threads,cstack=vm\"" >/dev/null
  before=$(awk '{print $14 + $15}' "/proc/$pid/stat")
  bench -t "$t" -n "$n" -P "$PIPELINE" -q >/dev/null
  after=$(awk '{print $14 + $15}' "/proc/$pid/stat")
  "$JAVA_HOME/bin/jcmd" "$pid" JVMTI.agent_load "$lib" "\"stop,file=$f,collapsed\"" >/dev/null
  echo "== $t, pipelining $PIPELINE: $(awk -v c=$((after - before)) -v n="$n" -v hz="$(getconf CLK_TCK)" \
    'BEGIN { printf "%.3f", c * 1e6 / hz / n }') us of server CPU a request, load average $(cut -d' ' -f1-3 /proc/loadavg)"
  python3 - "$f" "$TOP" <<'PY'
import collections, sys
total = kernel = 0
leaf = collections.Counter()
for line in open(sys.argv[1]):
    stack, _, n = line.rstrip().rpartition(' ')
    frames = stack.split(';')
    if 'cairn-engine' not in frames[0]:
        continue
    n = int(n)
    total += n
    if frames[-1].endswith('_[k]'):
        kernel += n
        java = [f for f in frames if '/' in f and not f.endswith('_[k]')]
        leaf['kernel, under ' + (java[-1] if java else '?')] += n
    else:
        leaf[frames[-1]] += n
print(f"engine thread: {total} samples, {kernel * 100 / max(total, 1):.0f}% in the kernel")
for name, n in leaf.most_common(int(sys.argv[2])):
    print(f"{n * 100 / total:5.1f}% {name}")
PY
done
