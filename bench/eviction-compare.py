#!/usr/bin/env python3
"""Eviction accuracy: Cairn against Debian's redis-server on the same workload, in the same run.

1. Hit ratio: both servers get `maxmemory MAXMEM` and the same policy (allkeys-lru by default), then the same
   cache-aside workload: GET a key drawn from a Zipf distribution over NKEYS keys, and SET it (VALUE bytes) on a miss.
   After a warm-up of WARMUP operations, the hit ratio of OPS more is measured. Printed per server with the keys each
   held at the end and the ratio Cairn/Redis. Both see the same key sequence (one seed, printed).
2. RSS bound (--rss): Cairn alone with `maxmemory 100mb` allkeys-lru, written with FILL_MB of values, far more than
   fits; its RSS is sampled throughout. The bound stated (RssBoundIT's) is the JVM's fixed overhead, the RSS of the
   same server started empty (after MEMORY PURGE), measured first, plus 160 MB.

usage: bench/eviction-compare.py [--rss] [--policy allkeys-lru] [--seed N]
env: NKEYS=200000 VALUE=100 MAXMEM=10mb OPS=400000 WARMUP=400000 ZIPF=0.99 CAIRN_PORT=7520 REDIS_PORT=7521
     FILL_MB=1000 (--rss)
"""
import argparse
import bisect
import os
import random
import socket
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


class Client:
    """A minimal RESP client: pipelined commands, replies read back as Python values."""

    def __init__(self, port):
        self.s = socket.create_connection(("127.0.0.1", port))
        self.f = self.s.makefile("rb")

    @staticmethod
    def encode(*args):
        out = [b"*%d\r\n" % len(args)]
        for a in args:
            a = a if isinstance(a, bytes) else str(a).encode()
            out.append(b"$%d\r\n%s\r\n" % (len(a), a))
        return b"".join(out)

    def read(self):
        line = self.f.readline()
        t, rest = line[:1], line[1:-2]
        if t in (b"+", b":"):
            return rest if t == b"+" else int(rest)
        if t == b"-":
            return RuntimeError(rest.decode())
        if t == b"$":
            n = int(rest)
            if n < 0:
                return None
            data = self.f.read(n + 2)
            return data[:-2]
        if t == b"*":
            return [self.read() for _ in range(int(rest))]
        raise RuntimeError("bad reply %r" % line)

    def pipeline(self, cmds):
        self.s.sendall(b"".join(self.encode(*c) for c in cmds))
        return [self.read() for _ in cmds]

    def call(self, *args):
        return self.pipeline([args])[0]

    def info(self, section):
        text = self.call("INFO", section).decode()
        return dict(l.split(":", 1) for l in text.split("\r\n") if ":" in l)


def wait_ready(port):
    for _ in range(300):
        try:
            Client(port).call("PING")
            return
        except OSError:
            time.sleep(0.1)
    raise RuntimeError("server on %d did not start" % port)


def start_cairn(port, work):
    log = open(os.path.join(work, "cairn.log"), "w")
    p = subprocess.Popen([os.path.join(HERE, "cairn-server"), "--port", str(port), "--save", ""], stdout=log,
                         stderr=subprocess.STDOUT)
    wait_ready(port)
    return p


def start_redis(port, work):
    p = subprocess.Popen(["redis-server", "--port", str(port), "--save", "", "--appendonly", "no",
                          "--daemonize", "no", "--logfile", os.path.join(work, "redis.log")])
    wait_ready(port)
    return p


def java_pid(port):
    out = subprocess.run(["pgrep", "-f", "cairn-server.jar --port %d" % port], capture_output=True, text=True)
    return int(out.stdout.split()[0])


def rss_mb(pid):
    with open("/proc/%d/status" % pid) as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return 0


def zipf_keys(n, s, count, rng):
    """count ranks drawn from Zipf(s) over 1..n (inverse CDF), mapped to keys by a fixed shuffle."""
    weights = [1.0 / (i ** s) for i in range(1, n + 1)]
    total = sum(weights)
    cdf, acc = [], 0.0
    for w in weights:
        acc += w / total
        cdf.append(acc)
    perm = list(range(n))
    rng.shuffle(perm)  # hot keys are spread over the key space, not key:0..k
    return [perm[min(n - 1, bisect.bisect_left(cdf, rng.random()))] for _ in range(count)]


def run_workload(c, keys, value, batch=200):
    hits = gets = 0
    for i in range(0, len(keys), batch):
        chunk = keys[i:i + batch]
        replies = c.pipeline([("GET", b"key:%d" % k) for k in chunk])
        misses = [k for k, r in zip(chunk, replies) if r is None]
        gets += len(chunk)
        hits += len(chunk) - len(misses)
        if misses:
            c.pipeline([("SET", b"key:%d" % k, value) for k in misses])
    return hits, gets


def hit_ratio(args):
    nkeys = int(os.environ.get("NKEYS", 200000))
    vlen = int(os.environ.get("VALUE", 100))
    maxmem = os.environ.get("MAXMEM", "10mb")
    ops = int(os.environ.get("OPS", 400000))
    warmup = int(os.environ.get("WARMUP", 400000))
    s = float(os.environ.get("ZIPF", 0.99))
    cport = int(os.environ.get("CAIRN_PORT", 7520))
    rport = int(os.environ.get("REDIS_PORT", 7521))
    print("seed %d  keys %d  value %d B  maxmemory %s  policy %s  zipf %.2f  warm-up %d  measured %d" % (
        args.seed, nkeys, vlen, maxmem, args.policy, s, warmup, ops))
    rng = random.Random(args.seed)
    seq = zipf_keys(nkeys, s, warmup + ops, rng)
    value = b"v" * vlen
    work = tempfile.mkdtemp()
    procs = [start_cairn(cport, work), start_redis(rport, work)]
    try:
        results = {}
        clients = {"cairn": Client(cport), "redis": Client(rport)}
        for name, c in clients.items():
            c.call("CONFIG", "SET", "maxmemory-policy", args.policy)
            c.call("CONFIG", "SET", "maxmemory", maxmem)
        # interleaved in slices, so that machine noise falls on both alike (the ratio is not timing-dependent anyway)
        slices = 20
        step = (warmup + ops) // slices
        tallies = {n: [0, 0] for n in clients}
        for i in range(slices):
            part = seq[i * step:(i + 1) * step]
            for name, c in clients.items():
                h, g = run_workload(c, part, value)
                if i * step >= warmup:
                    tallies[name][0] += h
                    tallies[name][1] += g
        print("%-6s %9s %10s %12s %12s" % ("server", "hit_ratio", "keys_held", "used_memory", "evicted"))
        for name, c in clients.items():
            h, g = tallies[name]
            info = c.info("all")
            results[name] = h / g
            print("%-6s %9.4f %10d %12s %12s" % (name, h / g, c.call("DBSIZE"), info["used_memory"],
                                                 info["evicted_keys"]))
        print("hit ratio Cairn/Redis: %.3f  (difference %.2f points)" % (
            results["cairn"] / results["redis"], 100 * (results["cairn"] - results["redis"])))
    finally:
        for p in procs:
            p.terminate()
            p.wait()


def rss_bound(args):
    cport = int(os.environ.get("CAIRN_PORT", 7520))
    fill_mb = int(os.environ.get("FILL_MB", 1000))
    work = tempfile.mkdtemp()
    p = start_cairn(cport, work)
    try:
        c = Client(cport)
        pid = java_pid(cport)
        c.call("MEMORY", "PURGE")
        time.sleep(1)
        base = rss_mb(pid)
        c.call("CONFIG", "SET", "maxmemory-policy", args.policy)
        c.call("CONFIG", "SET", "maxmemory", "100mb")
        value = b"x" * 1000
        peak = base
        n = fill_mb * 1024 * 1024 // 1000
        rng = random.Random(args.seed)
        for i in range(0, n, 500):
            c.pipeline([("SET", b"key:%d:%d" % (j, rng.randrange(1 << 30)), value) for j in range(i, i + 500)])
            if i % 20000 == 0:
                peak = max(peak, rss_mb(pid))
        peak = max(peak, rss_mb(pid))
        info = c.info("all")
        c.call("MEMORY", "PURGE")
        time.sleep(1)
        after = rss_mb(pid)
        print("seed %d  wrote %d MB of 1000-byte values under maxmemory 100mb (%s)" % (args.seed, fill_mb, args.policy))
        print("fixed JVM overhead (RSS empty, after MEMORY PURGE): %.1f MB" % base)
        print("keys held %d  used_memory %.1f MB  evicted_keys %s" % (
            c.call("DBSIZE"), int(info["used_memory"]) / 2**20, info["evicted_keys"]))
        print("RSS peak while writing: %.1f MB = fixed + %.1f MB" % (peak, peak - base))
        print("RSS after MEMORY PURGE: %.1f MB = fixed + %.1f MB" % (after, after - base))
        heap = c.info("memory")
        print("JVM heap while full: used %s committed %s; after MEMORY PURGE: used %s committed %s (max %s)" % (
            info.get("jvm_heap_used"), info.get("jvm_heap_committed"), heap.get("jvm_heap_used"),
            heap.get("jvm_heap_committed"), heap.get("jvm_heap_max")))
        bound = base + 160
        print("stated bound (RssBoundIT's): fixed + 160 MB (100 MB of data, 60%% for the collector) = %.1f MB: %s" % (
            bound, "held" if peak <= bound else "EXCEEDED"))
        return 0 if peak <= bound else 1
    finally:
        p.terminate()
        p.wait()


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--rss", action="store_true")
    ap.add_argument("--policy", default="allkeys-lru")
    ap.add_argument("--seed", type=int, default=int(time.time()))
    args = ap.parse_args()
    if args.rss:
        sys.exit(rss_bound(args))
    hit_ratio(args)


if __name__ == "__main__":
    main()
