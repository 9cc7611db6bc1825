#!/usr/bin/env python3
"""The graph module on a generated social graph: NODES people, DEGREE 'KNOWS' edges out of each (1M nodes and 10M
edges by default), loaded through GRAPH.QUERY in batches. Reports the load time, the graph's memory per node and per
edge (MEMORY USAGE of the key, and the server's used_memory growth), and for 1-hop and 2-hop neighbourhood counts and
a shortest path between random people: queries/s and latency percentiles, from one client (sequential) and from
redis-benchmark with CLIENTS connections (throughput).

There is no RedisGraph or FalkorDB on this machine to measure against. What the same run compares with instead is
Redis itself holding the same graph the way people model one without a graph module: a set of neighbour ids per
person (SADD adj:<id>), the 1-hop count as SCARD, the 2-hop count and the shortest path (breadth first, at most 8
hops) as Lua scripts (EVALSHA). The rounds alternate between the two servers with the same random ids, and the
ratios Cairn/Redis are printed with the load average (BASELINE=0 skips Redis). GET on Cairn is printed as the
yardstick for how loaded the machine was.

usage: bench/graph-social.py  ; env: NODES=1000000 DEGREE=10 BATCH=20000 SAMPLES=2000 SP_SAMPLES=100 CLIENTS=8
ROUNDS=5 PORT=58010 (Redis on PORT+1) SERVER=./cairn-server BASELINE=1. Needs redis-server, redis-cli and
redis-benchmark, a JDK >= 21 and Maven (./cairn-server builds).
"""
import os
import random
import re
import socket
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
NODES = int(os.environ.get("NODES", 1_000_000))
DEGREE = int(os.environ.get("DEGREE", 10))
BATCH = int(os.environ.get("BATCH", 20_000))
SAMPLES = int(os.environ.get("SAMPLES", 2000))
SP_SAMPLES = int(os.environ.get("SP_SAMPLES", 100))
CLIENTS = int(os.environ.get("CLIENTS", 8))
ROUNDS = int(os.environ.get("ROUNDS", 5))
PORT = int(os.environ.get("PORT", 58010))
BASELINE = os.environ.get("BASELINE", "1") != "0"
KEY = "social"


class Resp:
    """A minimal RESP2 client (redis-py has no graph client in the version available here)."""

    def __init__(self, port):
        self.s = socket.create_connection(("127.0.0.1", port))
        self.f = self.s.makefile("rb")

    def call(self, *args):
        out = [b"*%d\r\n" % len(args)]
        for a in args:
            a = a if isinstance(a, bytes) else str(a).encode()
            out.append(b"$%d\r\n%s\r\n" % (len(a), a))
        self.s.sendall(b"".join(out))
        return self.read()

    def read(self):
        line = self.f.readline()
        t, rest = line[:1], line[1:-2]
        if t == b"+":
            return rest.decode()
        if t == b"-":
            raise RuntimeError(rest.decode())
        if t == b":":
            return int(rest)
        if t == b"$":
            n = int(rest)
            if n < 0:
                return None
            data = self.f.read(n + 2)[:-2]
            return data.decode()
        if t == b"*":
            n = int(rest)
            return None if n < 0 else [self.read() for _ in range(n)]
        raise RuntimeError("bad reply %r" % line)


HOP2 = """local n = 0
for _, b in ipairs(redis.call('SMEMBERS', KEYS[1])) do n = n + redis.call('SCARD', 'adj:' .. b) end
return n"""

SP = """local src, dst, maxd = ARGV[1], ARGV[2], tonumber(ARGV[3])
if src == dst then return 0 end
local seen, frontier = {[src] = true}, {src}
for d = 1, maxd do
  local nxt = {}
  for _, v in ipairs(frontier) do
    for _, w in ipairs(redis.call('SMEMBERS', 'adj:' .. v)) do
      if w == dst then return d end
      if not seen[w] then seen[w] = true; nxt[#nxt + 1] = w end
    end
  end
  if #nxt == 0 then return -1 end
  frontier = nxt
end
return -1"""


def target(i, k):
    return (i * 7919 + k * 104729) % NODES


def load_redis(r):
    """The same KNOWS edges as one set of neighbour ids per person, pipelined."""
    t0 = time.perf_counter()
    chunk = 2000
    for lo in range(0, NODES, chunk):
        out = []
        hi = min(NODES, lo + chunk)
        for i in range(lo, hi):
            args = [b"SADD", b"adj:%d" % i] + [b"%d" % target(i, k) for k in range(1, DEGREE + 1)]
            out.append(b"*%d\r\n" % len(args) + b"".join(b"$%d\r\n%s\r\n" % (len(a), a) for a in args))
        r.s.sendall(b"".join(out))
        for _ in range(lo, hi):
            r.read()
    return time.perf_counter() - t0


def cpu_seconds(pid):
    """The process's user+system CPU time (a loaded machine stretches the wall time, not this)."""
    try:
        fields = open("/proc/%d/stat" % pid).read().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    except (OSError, IndexError, ValueError):
        return float("nan")


def loadavg():
    return "%.1f %.1f %.1f" % os.getloadavg()


def pct(values, p):
    v = sorted(values)
    return v[min(len(v) - 1, int(round(p / 100.0 * (len(v) - 1))))]


def timed(c, samples, make_query):
    lat = []
    t0 = time.perf_counter()
    for _ in range(samples):
        q = make_query()
        t = time.perf_counter()
        c.call("GRAPH.RO_QUERY", KEY, q)
        lat.append((time.perf_counter() - t) * 1000)
    wall = time.perf_counter() - t0
    return samples / wall, pct(lat, 50), pct(lat, 99), max(lat)


def run_calls(conn, calls):
    """Runs the calls one after another: (q/s, latencies in ms)."""
    lat = []
    t0 = time.perf_counter()
    for args in calls:
        t = time.perf_counter()
        conn.call(*args)
        lat.append((time.perf_counter() - t) * 1000)
    return len(calls) / (time.perf_counter() - t0), lat


def compare(c, r, hop2, sp):
    """Interleaved rounds, Cairn then Redis on the same ids: median q/s per round and p99 over all samples."""
    rnd = random.Random(7)
    kinds = [("1-hop count", SAMPLES,
              lambda a, b: (["GRAPH.RO_QUERY", KEY, "MATCH (a:Person {id: %d})-[:KNOWS]->(b) RETURN count(b)" % a],
                            ["SCARD", "adj:%d" % a])),
             ("2-hop count", SAMPLES,
              lambda a, b: (["GRAPH.RO_QUERY", KEY, "MATCH (a:Person {id: %d})-[:KNOWS]->()-[:KNOWS]->(c)"
                             " RETURN count(c)" % a], ["EVALSHA", hop2, 1, "adj:%d" % a])),
             ("shortest path", SP_SAMPLES,
              lambda a, b: (["GRAPH.RO_QUERY", KEY, "MATCH (a:Person {id: %d}), (b:Person {id: %d})"
                             " MATCH p = shortestPath((a)-[:KNOWS*..8]->(b)) RETURN length(p)" % (a, b)],
                            ["EVALSHA", sp, 0, a, b, 8]))]
    print("against Redis (adjacency sets, Lua), %d interleaved rounds after one unmeasured (JIT warm-up); load"
          " average before: %s" % (ROUNDS, loadavg()))
    for name, samples, make in kinds:
        per = max(1, samples // ROUNDS)
        warm = [make(rnd.randrange(NODES), rnd.randrange(NODES)) for _ in range(per)]
        run_calls(c, [p[0] for p in warm])
        run_calls(r, [p[1] for p in warm])
        cq, rq, cl, rl = [], [], [], []
        for _ in range(ROUNDS):
            pairs = [make(rnd.randrange(NODES), rnd.randrange(NODES)) for _ in range(per)]
            q, lat = run_calls(c, [p[0] for p in pairs])
            cq.append(q)
            cl += lat
            q, lat = run_calls(r, [p[1] for p in pairs])
            rq.append(q)
            rl += lat
        cm, rm = pct(cq, 50), pct(rq, 50)
        print("  %-14s Cairn %8.1f q/s p99 %7.2f ms | Redis %8.1f q/s p99 %7.2f ms | Cairn/Redis q/s %.2f,"
              " p99 %.2f  (load %s)" % (name, cm, pct(cl, 99), rm, pct(rl, 99), cm / rm, pct(cl, 99) / pct(rl, 99),
                                        loadavg()))


def benchmark(*args):
    """redis-benchmark's rps and p50/p99 (ms) for one command."""
    out = subprocess.run(["redis-benchmark", "-p", str(PORT), "-n", str(SAMPLES * 5), "-c", str(CLIENTS),
                          "-r", str(NODES), *args], capture_output=True, text=True).stdout.replace("\r", "\n")
    rps = re.findall(r"throughput summary: ([0-9.]+) requests per second", out)
    lat = re.findall(r"\n\s*avg\s+min\s+p50\s+p95\s+p99\s+max\s*\n\s*([0-9. ]+)\n", out)
    if not rps or not lat:
        return None
    v = lat[-1].split()
    return float(rps[-1]), float(v[2]), float(v[4])


def main():
    log = open("/tmp/graph-social-%d.log" % PORT, "w")
    # SERVER: another start command (e.g. "java -jar /path/cairn-server.jar"); default ./cairn-server
    start = os.environ.get("SERVER", os.path.join(HERE, "cairn-server")).split()
    server = subprocess.Popen(start + ["--port", str(PORT), "--save", "", "--appendonly", "no"], stdout=log,
                              stderr=subprocess.STDOUT)
    redis = None
    if BASELINE:
        redis = subprocess.Popen(["redis-server", "--port", str(PORT + 1), "--save", "", "--appendonly", "no",
                                  "--daemonize", "no"], stdout=log, stderr=subprocess.STDOUT)
    try:
        c = None
        deadline = time.time() + 1800  # ./cairn-server may build first
        while c is None and server.poll() is None and time.time() < deadline:
            try:
                c = Resp(PORT)
                c.call("PING")
            except (OSError, RuntimeError):  # not listening yet, or LOADING
                c = None
                time.sleep(0.2)
        if c is None:
            raise RuntimeError("the server did not start; see /tmp/graph-social-%d.log" % PORT)
        time.sleep(2)  # the module's warm-up thread
        base = int(dict(l.split(":", 1) for l in c.call("INFO", "memory").split("\r\n") if ":" in l)["used_memory"])
        print("graph: %d nodes, %d KNOWS edges out of each (%d edges)" % (NODES, DEGREE, NODES * DEGREE))
        t0 = time.perf_counter()
        cpu0 = cpu_seconds(server.pid)  # ./cairn-server execs the JVM: the same process
        for lo in range(0, NODES, BATCH):
            hi = min(NODES, lo + BATCH) - 1
            c.call("GRAPH.QUERY", KEY, "UNWIND range(%d, %d) AS i CREATE (:Person {id: i})" % (lo, hi))
        c.call("GRAPH.QUERY", KEY, "CREATE INDEX FOR (p:Person) ON (p.id)")
        t_nodes = time.perf_counter() - t0
        per = max(1, BATCH // DEGREE)
        for lo in range(0, NODES, per):
            hi = min(NODES, lo + per) - 1
            c.call("GRAPH.QUERY", KEY, "UNWIND range(%d, %d) AS i MATCH (a:Person {id: i}) UNWIND range(1, %d) AS k"
                   " MATCH (b:Person {id: (i * 7919 + k * 104729) %% %d}) CREATE (a)-[:KNOWS]->(b)"
                   % (lo, hi, DEGREE, NODES))
        t_all = time.perf_counter() - t0
        edges = c.call("GRAPH.RO_QUERY", KEY, "MATCH ()-[e:KNOWS]->() RETURN count(e)")[1][0][0]
        cpu = cpu_seconds(server.pid) - cpu0
        print("load: nodes+index %.1f s, edges %.1f s, total %.1f s (%d edges, %.0f edges/s); the server's CPU time"
              " %.1f s (load average %s)" % (t_nodes, t_all - t_nodes, t_all, edges, edges / (t_all - t_nodes), cpu,
                                            loadavg()))
        usage = c.call("MEMORY", "USAGE", KEY)
        used = int(dict(l.split(":", 1) for l in c.call("INFO", "memory").split("\r\n") if ":" in l)["used_memory"])
        print("memory: MEMORY USAGE %.1f MB, used_memory growth %.1f MB; per node+%d edges %.0f bytes"
              " (%.1f bytes per node-or-edge)" % (usage / 1e6, (used - base) / 1e6, DEGREE, usage / NODES,
                                                 usage / (NODES + edges)))
        if BASELINE:
            r = Resp(PORT + 1)
            rbase = int(dict(l.split(":", 1) for l in r.call("INFO", "memory").split("\r\n") if ":" in l)["used_memory"])
            t_redis = load_redis(r)
            rused = int(dict(l.split(":", 1) for l in r.call("INFO", "memory").split("\r\n") if ":" in l)["used_memory"])
            print("Redis: load %.1f s (Cairn/Redis %.1f), used_memory growth %.1f MB (Cairn's MEMORY USAGE / Redis's"
                  " growth %.2f)" % (t_redis, t_all / t_redis, (rused - rbase) / 1e6, usage / (rused - rbase)))
            compare(c, r, r.call("SCRIPT", "LOAD", HOP2), r.call("SCRIPT", "LOAD", SP))
        rnd = random.Random(42)
        print("sequential, one client (%d queries each; latency in ms):" % SAMPLES)
        for name, q in [("1-hop count", "MATCH (a:Person {id: %d})-[:KNOWS]->(b) RETURN count(b)"),
                        ("2-hop count", "MATCH (a:Person {id: %d})-[:KNOWS]->()-[:KNOWS]->(c) RETURN count(c)")]:
            qps, p50, p99, mx = timed(c, SAMPLES, lambda: q % rnd.randrange(NODES))
            print("  %-14s %8.0f q/s  p50 %6.2f  p99 %6.2f  max %7.2f" % (name, qps, p50, p99, mx))
        sp = ("MATCH (a:Person {id: %d}), (b:Person {id: %d}) MATCH p = shortestPath((a)-[:KNOWS*..8]->(b))"
              " RETURN length(p)")
        qps, p50, p99, mx = timed(c, SP_SAMPLES, lambda: sp % (rnd.randrange(NODES), rnd.randrange(NODES)))
        print("  %-14s %8.1f q/s  p50 %6.2f  p99 %6.2f  max %7.2f" % ("shortest path", qps, p50, p99, mx))
        print("redis-benchmark, %d clients, random ids (latency in ms):" % CLIENTS)
        c.call("SET", "str", "x" * 100)
        for name, args in [("GET (yardstick)", ["GET", "str"]),
                           ("1-hop count", ["GRAPH.RO_QUERY", KEY, "MATCH (a:Person {id: toInteger('__rand_int__')})"
                                            "-[:KNOWS]->(b) RETURN count(b)"]),
                           ("2-hop count", ["GRAPH.RO_QUERY", KEY, "MATCH (a:Person {id: toInteger('__rand_int__')})"
                                            "-[:KNOWS]->()-[:KNOWS]->(c) RETURN count(c)"])]:
            r = benchmark(*args)
            print("  %-16s %s" % (name, "n/a" if r is None else "%9.0f q/s  p50 %6.2f  p99 %6.2f" % r))
    finally:
        for p, proc in [(PORT, server), (PORT + 1, redis)]:
            if proc is None:
                continue
            try:
                Resp(p).call("SHUTDOWN", "NOSAVE")
            except Exception:
                pass
            try:
                proc.wait(timeout=60)
            except subprocess.TimeoutExpired:
                proc.kill()


if __name__ == "__main__":
    sys.exit(main())
