#!/usr/bin/env python3
"""Collector and heap policy candidates for Cairn, against Debian's redis-server, rounds interleaved.

Each candidate is a set of JVM options that replaces the launcher's collector options (the rest of the launcher's
options are kept: the script starts the jar itself, so candidates that select another collector do not conflict).
Per round, for every candidate and then Redis, a fresh server runs two phases:
  1. latency: redis-benchmark at pipelining 1 (-c 50, random members over 1M) on sadd,hset,lpush,zadd: p99 and max
     per test, and the server's CPU (utime+stime from /proc/PID/stat) per request;
  2. eviction: CONFIG SET maxmemory 100mb, allkeys-lru, then FILL_MB of 1000-byte values under random keys: RSS
     (VmRSS) sampled throughout, its peak over the empty server's RSS (the fixed overhead).
The JVM's safepoint log gives the pauses (count, total and longest, whatever the collector): counts do not depend on
the machine's load the way times do.

usage: bench/gc-compare.py [CANDIDATE ...]      (default: every candidate in CANDIDATES below)
env: ROUNDS=2 N=200000 FILL_MB=500 PORT=33010 REDIS_PORT=33510 TESTS=sadd,hset,lpush,zadd
"""
import os
import re
import shlex
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import random

HERE = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
JAR = os.path.join(HERE, "server", "target", "cairn-server.jar")

# the launcher's options other than the collector's (bin/cairn-gc-options.sh adds those)
COMMON = ["-Xlog:disable", "-Xlog:all=warning:stderr", "--enable-native-access=ALL-UNNAMED", "-Xss1m",
          "-Dio.netty.leakDetection.level=disabled", "-XX:+UseCompactObjectHeaders",
          "-Djdk.reflect.useNativeAccessorOnly=true", "--sun-misc-unsafe-memory-access=allow",
          "-Djava.library.path=" + os.path.join(HERE, "server", "target", "native")]

CANDIDATES = {
    # the launcher before this change
    "g1-old": "-XX:+UseG1GC -XX:MaxGCPauseMillis=10 -Xms8m -XX:MaxHeapFreeRatio=10 -XX:MinHeapFreeRatio=5 "
              "-XX:+ExplicitGCInvokesConcurrent",
    # G1 with a floor under the young generation, a heap that grows for live data rather than for GC time, and
    # periodic uncommit when idle
    "g1-sized": "-XX:+UseG1GC -XX:MaxGCPauseMillis=10 -Xms64m -XX:MaxHeapFreeRatio=30 -XX:MinHeapFreeRatio=10 "
                "-XX:GCTimeRatio=4 -XX:G1PeriodicGCInterval=5000 -XX:+ExplicitGCInvokesConcurrent",
    # G1 with a fixed young generation of 32 MB (young collections by allocated volume, not by the pause goal)
    "g1-xmn32": "-XX:+UseG1GC -XX:MaxGCPauseMillis=10 -Xms8m -Xmn32m -XX:MaxHeapFreeRatio=10 -XX:MinHeapFreeRatio=5 "
                "-XX:+ExplicitGCInvokesConcurrent",
    # G1 with the default pause goal (200 ms): young sized by G1 for throughput
    "g1-p200": "-XX:+UseG1GC -Xms8m -XX:MaxHeapFreeRatio=10 -XX:MinHeapFreeRatio=5 -XX:+ExplicitGCInvokesConcurrent",
    # generational ZGC (the only ZGC mode of JDK 25), uncommitting after 5 s
    "zgc": "-XX:+UseZGC -Xms16m -XX:ZUncommitDelay=5 -XX:+ExplicitGCInvokesConcurrent",
    # generational Shenandoah
    "shen-gen": "-XX:+UseShenandoahGC -XX:ShenandoahGCMode=generational -Xms16m -XX:+UnlockExperimentalVMOptions "
                "-XX:ShenandoahUncommitDelay=5000 -XX:+ExplicitGCInvokesConcurrent",
    # non-generational Shenandoah
    "shen": "-XX:+UseShenandoahGC -Xms16m -XX:+UnlockExperimentalVMOptions -XX:ShenandoahUncommitDelay=5000 "
            "-XX:+ExplicitGCInvokesConcurrent",
}
EXTRA = os.environ.get("EXTRA_OPTS", "")


def ping(port):
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=1) as s:
            s.sendall(b"PING\r\n")
            return s.recv(16).startswith(b"+PONG")
    except OSError:
        return False


def wait_ready(port):
    for _ in range(600):
        if ping(port):
            return
        time.sleep(0.1)
    raise RuntimeError("server on %d did not start" % port)


class Client:
    def __init__(self, port):
        self.s = socket.create_connection(("127.0.0.1", port))
        self.f = self.s.makefile("rb")

    @staticmethod
    def enc(*args):
        out = [b"*%d\r\n" % len(args)]
        for a in args:
            a = a if isinstance(a, bytes) else str(a).encode()
            out.append(b"$%d\r\n%s\r\n" % (len(a), a))
        return b"".join(out)

    def read(self):
        line = self.f.readline()
        t, rest = line[:1], line[1:-2]
        if t == b"$":
            n = int(rest)
            return None if n < 0 else self.f.read(n + 2)[:-2]
        if t == b"*":
            return [self.read() for _ in range(int(rest))]
        return rest

    def pipeline(self, cmds):
        self.s.sendall(b"".join(self.enc(*c) for c in cmds))
        return [self.read() for _ in cmds]

    def call(self, *args):
        return self.pipeline([args])[0]


def rss_mb(pid):
    with open("/proc/%d/status" % pid) as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return 0.0


def cpu_s(pid):
    with open("/proc/%d/stat" % pid) as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def pauses(log):
    """(count, total ms, max ms) of the safepoints in a -Xlog:safepoint file."""
    totals = []
    if os.path.exists(log):
        for line in open(log, errors="replace"):
            m = re.search(r"Total: (\d+) ns", line)
            if m:
                totals.append(int(m.group(1)) / 1e6)
    return len(totals), sum(totals), max(totals, default=0.0)


def bench(port, n, tests):
    out = subprocess.run(["redis-benchmark", "-p", str(port), "-c", "50", "-n", str(n), "-P", "1", "-r", "1000000",
                          "-t", tests, "--csv"], capture_output=True, text=True).stdout
    res = {}
    for line in out.splitlines()[1:]:
        cols = [c.strip('"') for c in line.split(",")]
        if len(cols) >= 8:
            name = cols[0].split()[0].lower()
            res[name] = (float(cols[6]), float(cols[7]))  # p99, max (ms)
    return res


def evict(port, pid, fill_mb, seed, java):
    c = Client(port)
    c.call("CONFIG", "SET", "maxmemory-policy", "allkeys-lru")
    c.call("CONFIG", "SET", "maxmemory", "100mb")
    soft = int(os.environ.get("SOFTMAX_MB", 0))
    if java and soft:  # what CONFIG SET maxmemory would do where the collector has a soft maximum
        subprocess.run(["jcmd", str(pid), "VM.set_flag", "SoftMaxHeapSize", str(soft << 20)], capture_output=True)
    value = b"x" * 1000
    rng = random.Random(seed)
    n = fill_mb * 1024 * 1024 // 1000
    peak = 0.0
    for i in range(0, n, 500):
        c.pipeline([("SET", b"key:%d:%d" % (j, rng.randrange(1 << 30)), value) for j in range(i, i + 500)])
        if i % 10000 == 0:
            peak = max(peak, rss_mb(pid))
    return max(peak, rss_mb(pid))


def run_server(name, opts, port, work, rnd):
    log = os.path.join(work, "%s.%d.safepoint.log" % (name, rnd))
    if name == "redis":
        cmd = ["redis-server", "--port", str(port), "--save", "", "--appendonly", "no"]
    else:
        cmd = (["java"] + COMMON + shlex.split(opts) + shlex.split(EXTRA)
               + ["-Xlog:safepoint:file=%s" % log, "-jar", JAR, "--port", str(port), "--save", "", "--dir", work])
    p = subprocess.Popen(cmd, stdout=open(os.path.join(work, "%s.%d.out" % (name, rnd)), "w"),
                         stderr=subprocess.STDOUT)
    wait_ready(port)
    return p, log


def main():
    rounds = int(os.environ.get("ROUNDS", 2))
    n = int(os.environ.get("N", 200000))
    fill = int(os.environ.get("FILL_MB", 500))
    port = int(os.environ.get("PORT", 33010))
    rport = int(os.environ.get("REDIS_PORT", 33510))
    tests = os.environ.get("TESTS", "sadd,hset,lpush,zadd")
    names = sys.argv[1:] or list(CANDIDATES)
    work = tempfile.mkdtemp(prefix="gc-compare-")
    rows = {}
    print("load before: %s" % open("/proc/loadavg").read().strip(), flush=True)
    for rnd in range(rounds):
        for name in names + ["redis"]:
            prt = rport if name == "redis" else port
            p, log = run_server(name, CANDIDATES.get(name, ""), prt, work, rnd)
            try:
                time.sleep(1)
                Client(prt).call("MEMORY", "PURGE")
                time.sleep(1)
                base = rss_mb(p.pid)
                c0 = cpu_s(p.pid)
                lat = bench(prt, n, tests)
                cpu = (cpu_s(p.pid) - c0) / (n * len(tests.split(","))) * 1e6
                lat_pauses = pauses(log)
            finally:
                p.terminate()
                p.wait()
            # the eviction workload on a fresh server: its RSS, empty, is the fixed overhead
            p, log = run_server(name, CANDIDATES.get(name, ""), prt, work, rnd + 100)
            try:
                time.sleep(1)
                Client(prt).call("MEMORY", "PURGE")
                time.sleep(1)
                base2 = rss_mb(p.pid)
                peak = evict(prt, p.pid, fill, 1234 + rnd, name != "redis")
                total_pauses = (0, 0, 0)
                r = rows.setdefault(name, [])
                r.append(dict(base=base, cpu=cpu, lat=lat, lat_pauses=lat_pauses, base2=base2, peak=peak,
                              ev_pauses=pauses(log)))
                print("round %d %-9s cpu/req %.1f us  %s  pauses(lat) %d/%.0fms/max %.1fms  evict: base %.0f peak %.0f"
                      " MB (+%.0f) pauses %d/%.0fms/max %.1fms  load %s" % (rnd, name, cpu,
                                                " ".join("%s p99 %.2f max %.1f" % (t, *v) for t, v in lat.items()),
                                                *lat_pauses, base2, peak, peak - base2, *pauses(log),
                                                open("/proc/loadavg").read().split()[0]), flush=True)
            finally:
                p.terminate()
                p.wait()
    print("\nmedians over %d rounds (latency ms; CPU us per request; RSS MB)" % rounds)
    print("%-9s %8s %s %10s %10s %14s" % ("candidate", "cpu/req", " ".join("%16s" % t for t in tests.split(",")),
                                        "base", "evict+", "pauses n/max"))
    for name, r in rows.items():
        med = lambda f: statistics.median(f(x) for x in r)
        lat = " ".join("%7.2f/%8.1f" % (med(lambda x: x["lat"].get(t, (0, 0))[0]), med(lambda x: x["lat"].get(t, (0, 0))[1]))
                       for t in tests.split(","))
        print("%-9s %8.1f %s %10.0f %10.0f %8d/%5.1f" % (name, med(lambda x: x["cpu"]), lat, med(lambda x: x["base2"]),
                                                     med(lambda x: x["peak"] - x["base2"]),
                                                     med(lambda x: x["lat_pauses"][0]),
                                                     med(lambda x: x["lat_pauses"][2])))
    print("load after: %s  logs in %s" % (open("/proc/loadavg").read().strip(), work))


if __name__ == "__main__":
    main()
