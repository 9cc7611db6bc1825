#!/usr/bin/env bash
# TLS throughput: redis-benchmark --tls against Cairn with the OpenSSL engine, Cairn with the JDK's engine and Debian's
# redis-server (built with TLS), and each one's plain port, interleaved round by round so that other load falls on all
# alike. Prints the median requests/s per server and test, the server's CPU time per request (from /proc: unlike
# requests/s it does not depend on how a loaded machine schedules client and server), the ratios Cairn/Redis (TLS)
# and TLS/plain, and the load average before and after.
# usage: bench/tls-compare.sh ; env: ROUNDS=3 REQUESTS=60000 CLIENTS=20 PIPELINES="1 16" BASE_PORT=7600
# Needs: redis-server and redis-benchmark with TLS (Debian's have it), openssl, a JDK >= 21 and Maven.
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
ROUNDS=${ROUNDS:-3}
REQUESTS=${REQUESTS:-60000}
CLIENTS=${CLIENTS:-20}
PIPELINES=${PIPELINES:-1 16}
BASE=${BASE_PORT:-7600}
out=$(mktemp -d)
pids=()
cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  rm -rf "$out"
}
trap cleanup EXIT
# certificates as Redis's utils/gen-test-certs.sh makes them
c=$out/tls
mkdir -p "$c"
openssl req -x509 -new -nodes -sha256 -newkey rsa:2048 -keyout "$c/ca.key" -days 2 -subj '/CN=bench CA' \
  -out "$c/ca.crt" 2>/dev/null
openssl req -new -nodes -sha256 -newkey rsa:2048 -keyout "$c/server.key" -subj '/CN=bench' -out "$c/server.csr" 2>/dev/null
openssl x509 -req -sha256 -in "$c/server.csr" -CA "$c/ca.crt" -CAkey "$c/ca.key" -CAcreateserial -days 2 \
  -out "$c/server.crt" 2>/dev/null
tls=(--tls-cert-file "$c/server.crt" --tls-key-file "$c/server.key" --tls-ca-cert-file "$c/ca.crt"
  --tls-auth-clients no --save '')
names=(cairn-openssl cairn-jdk redis)
CAIRN_JAVA_OPTS=-Dcairn.tls.provider=openssl "$here/cairn-server" --port $((BASE + 1)) --tls-port $BASE "${tls[@]}" \
  >"$out/c1.log" 2>&1 & pids+=($!)
CAIRN_JAVA_OPTS=-Dcairn.tls.provider=jdk "$here/cairn-server" --port $((BASE + 3)) --tls-port $((BASE + 2)) "${tls[@]}" \
  >"$out/c2.log" 2>&1 & pids+=($!)
redis-server --port $((BASE + 5)) --tls-port $((BASE + 4)) "${tls[@]}" --daemonize no >"$out/r.log" 2>&1 & pids+=($!)
for i in $(seq 1 300); do
  ok=1
  for p in $((BASE + 1)) $((BASE + 3)) $((BASE + 5)); do redis-cli -p $p ping >/dev/null 2>&1 || ok=0; done
  [ $ok = 1 ] && break
  sleep 1
done
cpu() {  # the process's CPU time so far, in clock ticks (user + system)
  awk '{print $14 + $15}' "/proc/$1/stat"
}
bench() {  # port, extra args, pipeline, server pid: prints "SET GET cpu", requests/s and the server's CPU us/request
  local c0 c1 r
  c0=$(cpu "$4")
  r=$(redis-benchmark -p "$1" $2 -t set,get -n "$REQUESTS" -c "$CLIENTS" -P "$3" -q 2>&1 | tr '\r' '\n' \
    | awk '/^(SET|GET): [0-9]/ {printf "%s ", $2}')
  c1=$(cpu "$4")
  echo "$r $(awk -v a="$c0" -v b="$c1" -v n="$REQUESTS" -v hz="$(getconf CLK_TCK)" \
    'BEGIN {printf "%.1f", (b - a) * 1e6 / hz / (2 * n)}')"
}
echo "load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
for r in $(seq 1 "$ROUNDS"); do
  for i in 0 1 2; do
    for P in $PIPELINES; do
      echo "${names[$i]} tls P=$P $(bench $((BASE + 2 * i)) "--tls --cacert $c/ca.crt" "$P" "${pids[$i]}")" \
        >>"$out/results"
      echo "${names[$i]} plain P=$P $(bench $((BASE + 2 * i + 1)) "" "$P" "${pids[$i]}")" >>"$out/results"
    done
  done
done
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
python3 - "$out/results" <<'PY'
import sys, statistics
rows = {}
for line in open(sys.argv[1]):
    name, mode, p, *v = line.split()
    if len(v) == 3:
        rows.setdefault((name, mode, p), []).append([float(x) for x in v])
med = {k: [statistics.median(x[i] for x in v) for i in (0, 1, 2)] for k, v in rows.items()}
# requests/s depend on how the loaded machine schedules client and server; the server's CPU time per request does not
print("%-14s %-6s %-5s %10s %10s %12s" % ("server", "port", "P", "SET/s", "GET/s", "CPU us/req"))
for k in sorted(med):
    print("%-14s %-6s %-5s %10.0f %10.0f %12.1f" % (k + tuple(med[k])))
for p in sorted({k[2] for k in med}):
    for name in ("cairn-openssl", "cairn-jdk"):
        t, r = med.get((name, "tls", p)), med.get(("redis", "tls", p))
        pl = med.get((name, "plain", p))
        if t and r and pl:
            print("%s %s: TLS ratio Cairn/Redis SET %.2f GET %.2f, CPU per request %.2f; Cairn TLS/plain SET %.2f "
                  "GET %.2f" % (name, p, t[0] / r[0], t[1] / r[1], t[2] / r[2], t[0] / pl[0], t[1] / pl[1]))
    r, rp = med.get(("redis", "tls", p)), med.get(("redis", "plain", p))
    if r and rp:
        print("redis %s: TLS/plain SET %.2f GET %.2f" % (p, r[0] / rp[0], r[1] / rp[1]))
PY
