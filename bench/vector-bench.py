#!/usr/bin/env python3
"""Vector search bench: 100k 128-dimension FLOAT32 vectors, KNN-10 queries/s and recall@10, FLAT and HNSW.

Usage: bench/vector-bench.py PORT [--n 100000] [--dim 128] [--queries 200] [--data uniform|embedding]
                              [--redis-port P] [--hnswlib]

Against a running server (./cairn-server --port PORT --save ""), with its bundled search module. Loads the vectors
as hashes (pipelined HSETs), builds a FLAT index and then an HNSW one over the same keys (defaults: M 16,
EF_CONSTRUCTION 200, EF_RUNTIME 10), and runs the same queries one at a time from one client: queries/s, and recall
of the 10 results against the exact nearest neighbours computed here with numpy. HNSW is also measured at EF_RUNTIME
50 and 200 (the query's attribute). Data: "uniform" (numpy's random floats in [0, 1), as RediSearch's own tests use)
or "embedding" (an 8-dimensional latent mixture mapped to DIM dimensions, low intrinsic dimension as embeddings).
No Redis here has vector search (Debian's RediSearch is 1.2.2), so the figures are Cairn's own: FLAT against HNSW,
and a run of the server with and without the JDK's vector module (CAIRN_JAVA_OPTS="--add-modules
jdk.incubator.vector") gives the SIMD ratio.

The HNSW graph is built by a module thread: after FT.CREATE's scan the bench waits for _FT.DEBUG VECSIM_INFO's
BACKGROUND_INDEXING to drop to 0 before measuring HNSW, and meanwhile a second connection sends PINGs (one every
millisecond) and reports their latency: the engine thread must keep answering while the graph grows. With
--redis-port, the same PING rounds run against a Redis on that port before and after (the baseline ratio). With
--hnswlib (python3-hnswlib installed), hnswlib, the HNSW code RediSearch's VecSim derives from, is built on the same
data with the same M, EF_CONSTRUCTION and queried at the same EF_RUNTIMEs: the reference recall.
"""
import statistics
import threading
import argparse
import socket
import time

import numpy as np


class Conn:
    def __init__(self, port):
        self.s = socket.create_connection(("127.0.0.1", port))
        self.f = self.s.makefile("rb")

    @staticmethod
    def encode(args):
        out = [b"*%d\r\n" % len(args)]
        for a in args:
            if not isinstance(a, bytes):
                a = str(a).encode()
            out.append(b"$%d\r\n%s\r\n" % (len(a), a))
        return b"".join(out)

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
            return None if n < 0 else self.f.read(n + 2)[:-2]
        if t == b"*":
            n = int(rest)
            return None if n < 0 else [self.read() for _ in range(n)]
        raise RuntimeError("unexpected reply " + repr(line))

    def cmd(self, *args):
        self.s.sendall(self.encode(args))
        return self.read()

    def pipeline(self, commands):
        self.s.sendall(b"".join(self.encode(c) for c in commands))
        return [self.read() for _ in commands]


def info_field(c, index, name):
    info = c.cmd("FT.INFO", index)
    for i in range(0, len(info), 2):
        if info[i] == name.encode():
            return info[i + 1]
    return None


def wait_indexed(c, index):
    while True:
        if int(info_field(c, index, "indexing")) == 0:
            return
        time.sleep(0.2)


def vecsim_field(c, index, name):
    info = c.cmd("_FT.DEBUG", "VECSIM_INFO", index, "v")
    for i in range(0, len(info), 2):
        if info[i] == name.encode():
            return info[i + 1]
    return None


class Pinger(threading.Thread):
    """PINGs on a connection of its own, one a millisecond, until stopped; keeps the round-trip times."""

    def __init__(self, port):
        super().__init__(daemon=True)
        self.c = Conn(port)
        self.rtts = []
        self.stop = threading.Event()

    def run(self):
        while not self.stop.is_set():
            t0 = time.perf_counter()
            self.c.cmd("PING")
            self.rtts.append(time.perf_counter() - t0)
            time.sleep(0.001)

    def summary(self):
        r = sorted(self.rtts)
        if not r:
            return "no PINGs"
        p = lambda q: r[min(len(r) - 1, int(q * len(r)))] * 1000
        return "PING n=%d p50 %.2f ms p99 %.2f ms max %.2f ms" % (len(r), p(0.5), p(0.99), r[-1] * 1000)

    def p99(self):
        r = sorted(self.rtts)
        return r[min(len(r) - 1, int(0.99 * len(r)))] * 1000 if r else float("nan")


def ping_round(port, seconds):
    p = Pinger(port)
    p.start()
    time.sleep(seconds)
    p.stop.set()
    p.join()
    return p


def load_average():
    with open("/proc/loadavg") as f:
        return f.read().split()[0]


def dataset(kind, n, dim, rng):
    if kind == "uniform":
        return rng.random((n, dim), dtype=np.float32)
    latent = 8
    proj = rng.standard_normal((latent, dim)).astype(np.float32)
    centres = rng.standard_normal((20, latent)).astype(np.float32) * 2
    z = centres[rng.integers(0, 20, n)] + rng.standard_normal((n, latent)).astype(np.float32)
    return z @ proj + rng.standard_normal((n, dim)).astype(np.float32) * 0.05


def run_queries(c, index, queries, truth, ef=None):
    found = 0
    attr = "" if ef is None else " EF_RUNTIME %d" % ef
    t0 = time.perf_counter()
    for qi, q in enumerate(queries):
        r = c.cmd("FT.SEARCH", index, "*=>[KNN 10 @v $b%s]" % attr, "PARAMS", 2, "b", q.tobytes(), "NOCONTENT",
                  "LIMIT", 0, 10, "DIALECT", 2)
        ids = {int(x.split(b":")[1]) for x in r[1:]}
        found += len(ids & truth[qi])
    dt = time.perf_counter() - t0
    return len(queries) / dt, found / (10.0 * len(queries))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("port", type=int)
    ap.add_argument("--n", type=int, default=100_000)
    ap.add_argument("--dim", type=int, default=128)
    ap.add_argument("--queries", type=int, default=200)
    ap.add_argument("--data", default="uniform")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--redis-port", type=int, default=0)
    ap.add_argument("--hnswlib", action="store_true")
    a = ap.parse_args()
    rng = np.random.default_rng(a.seed)
    data = dataset(a.data, a.n + a.queries, a.dim, rng)
    vectors, queries = data[:a.n], data[a.n:]
    # exact neighbours (squared L2), in blocks to bound memory
    truth = []
    norms = (vectors * vectors).sum(axis=1)
    for q in queries:
        d = norms - 2 * vectors @ q
        truth.append(set(np.argpartition(d, 10)[:10].tolist()))
    c = Conn(a.port)
    c.cmd("FLUSHALL")
    for idx in c.cmd("FT._LIST"):
        c.cmd("FT.DROPINDEX", idx)
    t0 = time.perf_counter()
    batch = []
    for i, v in enumerate(vectors):
        batch.append(("HSET", "vec:%d" % i, "v", v.tobytes()))
        if len(batch) == 1000:
            c.pipeline(batch)
            batch = []
    if batch:
        c.pipeline(batch)
    load = time.perf_counter() - t0
    print("data=%s n=%d dim=%d queries=%d seed=%d; HSET load %.1f s" % (a.data, a.n, a.dim, a.queries, a.seed,
                                                                         load))
    results = []
    pings = []
    if a.redis_port:
        p = ping_round(a.redis_port, 10)
        pings.append(("Redis idle (before)", p))
    p = ping_round(a.port, 10)
    pings.append(("Cairn idle", p))
    for algo in ("FLAT", "HNSW"):
        t0 = time.perf_counter()
        pinger = Pinger(a.port)
        pinger.start()
        c.cmd("FT.CREATE", algo.lower(), "PREFIX", 1, "vec:", "SCHEMA", "v", "VECTOR", algo, 6, "TYPE", "FLOAT32",
              "DIM", a.dim, "DISTANCE_METRIC", "L2")
        wait_indexed(c, algo.lower())
        scan = time.perf_counter() - t0
        pinger.stop.set()
        pinger.join()
        pings.append(("Cairn during %s scan" % algo, pinger))
        if algo == "HNSW":
            pinger = Pinger(a.port)
            pinger.start()
            while int(vecsim_field(c, algo.lower(), "BACKGROUND_INDEXING")) != 0:
                time.sleep(0.5)
            pinger.stop.set()
            pinger.join()
            pings.append(("Cairn while HNSW builds", pinger))
        build = time.perf_counter() - t0
        print("%s: FT.CREATE scan %.1f s, index complete after %.1f s (load %s)" % (algo, scan, build,
                                                                                   load_average()))
        size = float(info_field(c, algo.lower(), "vector_index_sz_mb"))
        efs = [None] if algo == "FLAT" else [None, 50, 200]
        for ef in efs:
            qps, recall = run_queries(c, algo.lower(), queries, truth, ef)
            label = algo + ("" if ef is None else " EF_RUNTIME %d" % ef)
            results.append((label, build, size, qps, recall))
            print("%-20s build %6.1f s  index %7.1f MB  KNN-10 %8.1f queries/s  recall@10 %.3f"
                  % (label, build, size, qps, recall))
        c.cmd("FT.DROPINDEX", algo.lower())
    flat_qps = results[0][3]
    for label, _, _, qps, _ in results[1:]:
        print("%s / FLAT queries/s: %.1fx" % (label, qps / flat_qps))
    if a.redis_port:
        pings.append(("Redis idle (after)", ping_round(a.redis_port, 10)))
    for label, p in pings:
        print("%-26s %s" % (label, p.summary()))
    if a.redis_port:
        redis_p99 = statistics.median([p.p99() for label, p in pings if label.startswith("Redis")])
        for label, p in pings:
            if label.startswith("Cairn"):
                print("%s PING p99 / Redis idle PING p99: %.2fx" % (label, p.p99() / redis_p99))
    print("load average at the end: %s" % load_average())
    if a.hnswlib:
        import hnswlib
        index = hnswlib.Index(space="l2", dim=a.dim)
        index.init_index(max_elements=a.n, M=16, ef_construction=200, random_seed=42)
        t0 = time.perf_counter()
        index.add_items(vectors, num_threads=1)
        print("hnswlib build %.1f s (one thread)" % (time.perf_counter() - t0))
        for ef in (10, 50, 200):
            index.set_ef(ef)
            labels, _ = index.knn_query(queries, k=10, num_threads=1)
            found = sum(len(set(l.tolist()) & truth[i]) for i, l in enumerate(labels))
            print("hnswlib EF %-3d recall@10 %.3f" % (ef, found / (10.0 * len(queries))))


if __name__ == "__main__":
    main()
