#!/usr/bin/env python3
"""The graph module on a generated social graph: NODES people, DEGREE 'KNOWS' edges out of each (1M nodes and 10M
edges by default), loaded through GRAPH.QUERY in batches. Reports the load time, the graph's memory per node and per
edge (MEMORY USAGE of the key, and the server's used_memory growth), and for 1-hop and 2-hop neighbourhood counts and
a shortest path between random people: queries/s and latency percentiles, from one client (sequential) and from
redis-benchmark with CLIENTS connections (throughput).

There is no RedisGraph or FalkorDB on this machine to measure against, so the figures are Cairn's alone; GET on the
same server in the same run is printed beside them as the yardstick for how loaded the machine was.

usage: bench/graph-social.py  ; env: NODES=1000000 DEGREE=10 BATCH=20000 SAMPLES=2000 SP_SAMPLES=100 CLIENTS=8
PORT=58010 SERVER=./cairn-server. Needs redis-cli and redis-benchmark (redis-tools), a JDK >= 21 and Maven (./cairn-server builds).
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
PORT = int(os.environ.get("PORT", 58010))
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
    try:
        for _ in range(3000):
            try:
                c = Resp(PORT)
                c.call("PING")
                break
            except (OSError, RuntimeError):  # not listening yet, or LOADING
                time.sleep(0.1)
        time.sleep(2)  # the module's warm-up thread
        base = int(dict(l.split(":", 1) for l in c.call("INFO", "memory").split("\r\n") if ":" in l)["used_memory"])
        print("graph: %d nodes, %d KNOWS edges out of each (%d edges)" % (NODES, DEGREE, NODES * DEGREE))
        t0 = time.perf_counter()
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
        print("load: nodes+index %.1f s, edges %.1f s, total %.1f s (%d edges, %.0f edges/s)"
              % (t_nodes, t_all - t_nodes, t_all, edges, edges / (t_all - t_nodes)))
        usage = c.call("MEMORY", "USAGE", KEY)
        used = int(dict(l.split(":", 1) for l in c.call("INFO", "memory").split("\r\n") if ":" in l)["used_memory"])
        print("memory: MEMORY USAGE %.1f MB, used_memory growth %.1f MB; per node+%d edges %.0f bytes"
              " (%.1f bytes per node-or-edge)" % (usage / 1e6, (used - base) / 1e6, DEGREE, usage / NODES,
                                                 usage / (NODES + edges)))
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
        try:
            Resp(PORT).call("SHUTDOWN", "NOSAVE")
        except Exception:
            pass
        server.wait(timeout=60)


if __name__ == "__main__":
    sys.exit(main())
