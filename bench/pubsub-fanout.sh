#!/usr/bin/env bash
# PUBLISH fan-out: SUBSCRIBERS connections subscribe to one channel on Cairn and on Debian's redis-server (each
# drained by bench/pubsub-drain.py), then redis-benchmark PUBLISHes to it, interleaved (Cairn, Redis, Cairn, ...) so
# noise falls on both alike. Prints the median publishes per second of each server, messages delivered per second,
# and the ratio Cairn/Redis, and checks that every subscriber received every message.
#
# usage: bench/pubsub-fanout.sh ; env: ROUNDS=5 REQUESTS=100000 CLIENTS=50 SUBSCRIBERS=50 PIPELINES="1 16"
#        PAYLOAD=32 CAIRN_PORT=7510 REDIS_PORT=7511
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
ROUNDS=${ROUNDS:-5}
REQUESTS=${REQUESTS:-100000}
CLIENTS=${CLIENTS:-50}
SUBSCRIBERS=${SUBSCRIBERS:-50}
PIPELINES=${PIPELINES:-1 16}
PAYLOAD=${PAYLOAD:-32}
CAIRN_PORT=${CAIRN_PORT:-7510}
REDIS_PORT=${REDIS_PORT:-7511}
CHANNEL=bench.fanout
command -v redis-benchmark >/dev/null && command -v redis-server >/dev/null && command -v python3 >/dev/null || {
  echo "needs redis-server, redis-benchmark and python3" >&2; exit 2; }

out=$(mktemp -d)
cleanup() {
  exec 3>&- 4>&- 2>/dev/null || true
  [ -n "${cairn_pid:-}" ] && kill "$cairn_pid" 2>/dev/null || true
  redis-cli -p "$REDIS_PORT" shutdown nosave >/dev/null 2>&1 || true
  rm -rf "$out"
}
trap cleanup EXIT

"$here/cairn-server" --port "$CAIRN_PORT" --dir "$out" >"$out/cairn.log" 2>&1 &
cairn_pid=$!
redis-server --port "$REDIS_PORT" --save '' --appendonly no --dir "$out" --daemonize yes --logfile "$out/redis.log"
for port in "$CAIRN_PORT" "$REDIS_PORT"; do
  for _ in $(seq 1 150); do redis-cli -p "$port" ping >/dev/null 2>&1 && break; sleep 0.2; done
  redis-cli -p "$port" ping >/dev/null || { echo "server on port $port did not start" >&2; cat "$out"/*.log >&2; exit 1; }
  # the drain may fall behind for a moment: no subscriber may be cut off for it, on either server
  redis-cli -p "$port" config set client-output-buffer-limit "pubsub 0 0 0" >/dev/null
done

# subscribers: one drain process per server, holding its stdin open until the end
mkfifo "$out/cairn.in" "$out/redis.in"
python3 "$here/bench/pubsub-drain.py" "$CAIRN_PORT" "$CHANNEL" "$SUBSCRIBERS" <"$out/cairn.in" >"$out/cairn.drain" &
drains=$!
exec 3>"$out/cairn.in"
python3 "$here/bench/pubsub-drain.py" "$REDIS_PORT" "$CHANNEL" "$SUBSCRIBERS" <"$out/redis.in" >"$out/redis.drain" &
drains="$drains $!"
exec 4>"$out/redis.in"
for who in cairn redis; do
  for _ in $(seq 1 100); do grep -q ready "$out/$who.drain" 2>/dev/null && break; sleep 0.1; done
  grep -q ready "$out/$who.drain" || { echo "$who subscribers did not get ready" >&2; exit 1; }
done
msg=$(head -c "$PAYLOAD" /dev/zero | tr '\0' x)
published=0

bench() { # port pipeline requests -> rps
  redis-benchmark -p "$1" -n "$3" -c "$CLIENTS" -P "$2" --csv PUBLISH "$CHANNEL" "$msg" 2>/dev/null |
    awk -F'","' 'NR>1 {gsub(/"/,"",$2); print $2}'
}

# warm-up: lets the JIT compile Cairn's publish path; Redis gets the same traffic
for port in "$CAIRN_PORT" "$REDIS_PORT"; do
  bench "$port" 16 $((REQUESTS * 4)) >/dev/null
  bench "$port" 1 "$REQUESTS" >/dev/null
done
published=$((REQUESTS * 5))

for p in $PIPELINES; do
  n=$REQUESTS
  [ "$p" -gt 1 ] && n=$((REQUESTS * 4))
  for r in $(seq 1 "$ROUNDS"); do
    echo "cairn $p $(bench "$CAIRN_PORT" "$p" "$n")" >>"$out/results"
    echo "redis $p $(bench "$REDIS_PORT" "$p" "$n")" >>"$out/results"
    published=$((published + n))
  done
done

# every subscriber must have got every message: a message frame is *3 message <channel> <payload>
sleep 2
exec 3>&- 4>&-
wait $drains 2>/dev/null || true
frame=$(printf '*3\r\n$7\r\nmessage\r\n$%d\r\n%s\r\n$%d\r\n%s\r\n' ${#CHANNEL} "$CHANNEL" "$PAYLOAD" "$msg" | wc -c)
for who in cairn redis; do
  read -r min total < <(tail -1 "$out/$who.drain")
  if [ "$min" -ne $((published * frame)) ]; then
    echo "$who: a subscriber got $((min / frame)) of $published messages" >&2
  fi
done

printf '%-10s %4s %14s %14s %16s %8s\n' test P cairn_pub/s redis_pub/s cairn_msg/s ratio
awk -v subs="$SUBSCRIBERS" '
  { v[$1, $2, ++n[$1, $2]] = $3; ps[$2] = 1 }
  function median(who, p,   m, i, j, t, a) {
    m = n[who, p]; for (i = 1; i <= m; i++) a[i] = v[who, p, i]
    for (i = 1; i <= m; i++) for (j = i + 1; j <= m; j++) if (a[j] < a[i]) { t = a[i]; a[i] = a[j]; a[j] = t }
    return (m % 2) ? a[(m + 1) / 2] : (a[m / 2] + a[m / 2 + 1]) / 2
  }
  END { for (p in ps) { c = median("cairn", p); r = median("redis", p)
    printf "%-10s %4s %14.0f %14.0f %16.0f %8.2f\n", "PUBLISH", p, c, r, c * subs, (r > 0 ? c / r : 0) } }
' "$out/results" | sort -k2,2n
