#!/usr/bin/env bash
# The cost of handing a short graph read to a reader thread: two Cairn servers hold the same graph (NODES people with
# an index on id, DEGREE KNOWS edges each); one runs short reads inline on the engine thread (the default), the
# other hands every read to a reader (-Dcairn.graph.inlineSteps=0). redis-benchmark runs a single-node lookup and a
# 1-hop count against each in turn, ROUNDS times, with 1 and with CLIENTS connections; Redis's GET on Redis 7 is the
# yardstick. Prints each round's q/s and p50/p99 and the medians' ratios inline/reader, with the load average.
#
# usage: bench/graph-handoff.sh ; env: NODES=10000 DEGREE=10 N=20000 ROUNDS=3 CLIENTS=8 PORT=37040 (PORT+1: reader
# server, PORT+2: Redis)
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
NODES=${NODES:-10000} DEGREE=${DEGREE:-10} N=${N:-20000} ROUNDS=${ROUNDS:-3} CLIENTS=${CLIENTS:-8}
PORT=${PORT:-37040}
inline=$PORT reader=$((PORT + 1)) redis=$((PORT + 2))
pids=()
cleanup() {
  for p in $inline $reader $redis; do redis-cli -p "$p" shutdown nosave >/dev/null 2>&1 || true; done
  wait "${pids[@]}" 2>/dev/null || true
}
trap cleanup EXIT
"$here/cairn-server" --port $inline --save "" >/tmp/graph-handoff-$inline.log 2>&1 &
pids+=($!)
CAIRN_JAVA_OPTS="-Dcairn.graph.inlineSteps=0" "$here/cairn-server" --port $reader --save "" \
  >/tmp/graph-handoff-$reader.log 2>&1 &
pids+=($!)
redis-server --port $redis --save "" --appendonly no >/dev/null 2>&1 &
pids+=($!)
for p in $inline $reader $redis; do
  until redis-cli -p $p ping 2>/dev/null | grep -q PONG; do sleep 0.3; done
done
for p in $inline $reader; do
  redis-cli -p $p GRAPH.QUERY g "UNWIND range(0, $((NODES - 1))) AS i CREATE (:Person {id: i})" >/dev/null
  redis-cli -p $p GRAPH.QUERY g "CREATE INDEX FOR (p:Person) ON (p.id)" >/dev/null
  redis-cli -p $p GRAPH.QUERY g "UNWIND range(0, $((NODES - 1))) AS i MATCH (a:Person {id: i}) UNWIND range(1, $DEGREE)
    AS k MATCH (b:Person {id: (i * 7919 + k * 104729) % $NODES}) CREATE (a)-[:KNOWS]->(b)" >/dev/null
done
redis-cli -p $redis set str xxxxxxxxxx >/dev/null
lookup="MATCH (a:Person {id: toInteger('__rand_int__') % $NODES}) RETURN a.id"
hop="MATCH (a:Person {id: toInteger('__rand_int__') % $NODES})-[:KNOWS]->(b) RETURN count(b)"
run() { # port clients args...: "rps p50 p99"
  local p=$1 c=$2
  shift 2
  redis-benchmark -p "$p" -n "$N" -c "$c" -r "$NODES" "$@" 2>/dev/null | tr '\r' '\n' | awk '
    /throughput summary/ {rps = $3}
    /avg +min +p50/ {getline; p50 = $3; p99 = $5}
    END {print rps, p50, p99}'
}
median() { sort -n | awk '{a[NR] = $1} END {print a[int((NR + 1) / 2)]}'; }
echo "graph: $NODES nodes, $DEGREE edges each; $N requests per round; load average $(cut -d' ' -f1-3 /proc/loadavg)"
for clients in 1 "$CLIENTS"; do
  for name in lookup hop; do
    q=$lookup
    [[ $name == hop ]] && q=$hop
    : >/tmp/graph-handoff-i >/tmp/graph-handoff-r
    for ((r = 1; r <= ROUNDS; r++)); do
      i=$(run $inline "$clients" GRAPH.RO_QUERY g "$q")
      o=$(run $reader "$clients" GRAPH.RO_QUERY g "$q")
      y=$(run $redis "$clients" GET str)
      echo "  $name, $clients client(s), round $r: inline ${i// /|} reader ${o// /|} Redis GET ${y// /|}" \
        "(rps|p50|p99; load $(cut -d' ' -f1 /proc/loadavg))"
      echo "$i" >>/tmp/graph-handoff-i
      echo "$o" >>/tmp/graph-handoff-r
    done
    mi=$(cut -d' ' -f1 /tmp/graph-handoff-i | median) mo=$(cut -d' ' -f1 /tmp/graph-handoff-r | median)
    pi=$(cut -d' ' -f3 /tmp/graph-handoff-i | median) po=$(cut -d' ' -f3 /tmp/graph-handoff-r | median)
    echo "$name, $clients client(s): median q/s inline $mi, reader $mo (inline/reader $(echo "$mi $mo" |
      awk '{printf "%.2f", $1 / $2}')); median p99 inline $pi ms, reader $po ms"
  done
done
echo "INFO graph queries (inline server): $(redis-cli -p $inline info graph_queries | tr '\r\n' '  ')"
