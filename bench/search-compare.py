#!/usr/bin/env python3
"""Search: Cairn's search module against Debian's redis-redisearch (RediSearch 1.2, in Debian's redis-server), the
same corpus indexed and queried on both in the same run, as ratios Cairn/RediSearch.

Both servers index with FT.ADD (RediSearch 1.2 predates hash indexing). Measured per server, in interleaved rounds
(RediSearch, Cairn, RediSearch, ...), medians printed: documents/s indexed (FT.ADD pipelined 100 at a time), then for
single-term, phrase, prefix, numeric-range and tag queries (one client, LIMIT 0 10, NOCONTENT) queries/s and p99
latency, and the RSS growth of indexing (VmRSS after loading minus before creating the index, 0.5 s after the load and
again after SETTLE seconds idle; "before" is taken SETTLE seconds after the previous round's FLUSHALL; the first
round's, on fresh servers, is printed apart). A warm-up round runs first
(WARMUP=1) and is printed apart as the cold round: Cairn's JIT compiles while it runs, so it does not pull the medians
of the measured rounds. Each server's own CPU
time per document and per query (user + system, from /proc) is printed too: on a machine shared with other work the
wall-clock rates swing with the load, the CPU a server spends per request much less. The load average is printed
with each round.

usage: bench/search-compare.py ; env: DOCS=20000 QUERIES=2000 ROUNDS=3 WARMUP=1 SETTLE=12 PORT=57010 (RediSearch; Cairn on CAIRN_PORT,
PORT + 1 by default), CAIRN_ARGS (more arguments for
cairn-server, e.g. "--bundled-modules no --loadmodule /path/to/an/other/cairn-search.jar" to measure another build)
Needs redis-server and /usr/lib/redis/modules/redisearch.so (apt-get install redis-redisearch), a JDK >= 21, Maven.
"""
import os
import random
import socket
import statistics
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
DOCS = int(os.environ.get("DOCS", 20000))
QUERIES = int(os.environ.get("QUERIES", 2000))
ROUNDS = int(os.environ.get("ROUNDS", 3))
WARMUP = int(os.environ.get("WARMUP", 1))
SETTLE = float(os.environ.get("SETTLE", 12))
PORT = int(os.environ.get("PORT", 57010))
CAIRN_PORT = int(os.environ.get("CAIRN_PORT", PORT + 1))  # RediSearch on PORT
MODULE = "/usr/lib/redis/modules/redisearch.so"


class Conn:
    def __init__(self, port):
        self.s = socket.create_connection(("127.0.0.1", port))
        self.s.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        self.buf = b""

    @staticmethod
    def encode(args):
        out = [b"*%d\r\n" % len(args)]
        for a in args:
            a = a if isinstance(a, bytes) else str(a).encode()
            out.append(b"$%d\r\n%s\r\n" % (len(a), a))
        return b"".join(out)

    def _more(self):
        data = self.s.recv(1 << 16)
        if not data:  # the server closed the connection (a SHUTDOWN after terminate): no reply will come
            raise OSError("connection closed")
        self.buf += data

    def _line(self):
        while b"\r\n" not in self.buf:
            self._more()
        line, self.buf = self.buf.split(b"\r\n", 1)
        return line

    def _read(self):
        line = self._line()
        t, rest = line[:1], line[1:]
        if t in (b"+", b":"):
            return rest
        if t == b"-":
            raise RuntimeError(rest.decode())
        if t == b"$":
            n = int(rest)
            if n < 0:
                return None
            while len(self.buf) < n + 2:
                self._more()
            v, self.buf = self.buf[:n], self.buf[n + 2:]
            return v
        if t == b"*":
            return [self._read() for _ in range(int(rest))]
        raise RuntimeError("bad reply " + repr(line))

    def call(self, *args):
        self.s.sendall(self.encode(args))
        return self._read()

    def pipeline(self, commands):
        self.s.sendall(b"".join(self.encode(c) for c in commands))
        return [self._read() for _ in commands]


def corpus(seed=7):
    rnd = random.Random(seed)
    vocab = ["w%04d" % i for i in range(3000)]
    cum, total = [], 0.0
    for i in range(len(vocab)):  # Zipf-like
        total += 1.0 / (i + 1)
        cum.append(total)
    docs = []
    for i in range(DOCS):
        title = " ".join(rnd.choices(vocab, cum_weights=cum, k=rnd.randint(3, 8)))
        body = " ".join(rnd.choices(vocab, cum_weights=cum, k=rnd.randint(20, 40)))
        docs.append((f"doc:{i}", title, body, "t%d" % rnd.randrange(50), rnd.randrange(1000)))
    return docs


def queries(seed=11):
    rnd = random.Random(seed)
    return {
        "single-term": lambda: "w%04d" % rnd.randrange(200),
        "phrase": lambda: '"w%04d w%04d"' % (rnd.randrange(20), rnd.randrange(20)),
        "prefix": lambda: "w0%02d*" % rnd.randrange(100),
        "numeric-range": lambda: "@num:[%d %d]" % ((lo := rnd.randrange(900)), lo + 50),
        "tag": lambda: "@tag:{t%d}" % rnd.randrange(50),
    }


def rss_kb(pid):
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    return 0


def load_avg():
    with open("/proc/loadavg") as f:
        return " ".join(f.read().split()[:3])


def cpu_ms(pid):
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) * 1000.0 / os.sysconf("SC_CLK_TCK")


def wait(port):
    for _ in range(6000):  # the first start of ./cairn-server may build it
        try:
            c = Conn(port)
            c.call("PING")
            return c
        except (OSError, RuntimeError):
            time.sleep(0.1)
    sys.exit(f"server on {port} did not start")


def run(name, conn, pid, docs):
    conn.call("FLUSHALL")
    try:
        conn.call("FT.DROP", "idx")
    except RuntimeError:
        pass
    if SETTLE > 0:
        time.sleep(SETTLE)  # the previous round's index is garbage now: RSS from a settled server, as after the load
    before = rss_kb(pid)
    conn.call("FT.CREATE", "idx", "SCHEMA", "title", "TEXT", "WEIGHT", "2", "body", "TEXT", "tag", "TAG", "num",
              "NUMERIC")
    t0 = time.perf_counter()
    c0 = cpu_ms(pid)
    for i in range(0, len(docs), 100):
        conn.pipeline([("FT.ADD", "idx", d[0], "1.0", "FIELDS", "title", d[1], "body", d[2], "tag", d[3], "num",
                        d[4]) for d in docs[i:i + 100]])
    load = len(docs) / (time.perf_counter() - t0)
    index_cpu = (cpu_ms(pid) - c0) * 1000 / len(docs)
    time.sleep(0.5)
    out = {"documents/s indexed": load, "CPU us per document": index_cpu,
           "RSS growth MB": (rss_kb(pid) - before) / 1024.0}
    if SETTLE > 0:
        time.sleep(SETTLE)
        out["RSS growth MB, settled"] = (rss_kb(pid) - before) / 1024.0
    for qname, gen in queries().items():
        lat = []
        t0 = time.perf_counter()
        c0 = cpu_ms(pid)
        for _ in range(QUERIES):
            q = gen()
            s = time.perf_counter()
            conn.call("FT.SEARCH", "idx", q, "NOCONTENT", "LIMIT", "0", "10")
            lat.append(time.perf_counter() - s)
        qps = QUERIES / (time.perf_counter() - t0)
        out[f"{qname} CPU us per query"] = (cpu_ms(pid) - c0) * 1000 / QUERIES
        lat.sort()
        out[f"{qname} queries/s"] = qps
        out[f"{qname} p99 ms"] = lat[int(len(lat) * 0.99) - 1] * 1000
    return out


def main():
    if not os.path.exists(MODULE):
        sys.exit(f"needs {MODULE} (apt-get install redis-redisearch)")
    docs = corpus()
    tmp = tempfile.mkdtemp()
    rs = subprocess.Popen(["redis-server", "--port", str(PORT), "--save", "", "--appendonly", "no", "--dir", tmp,
                           "--loadmodule", MODULE], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    ca = subprocess.Popen([os.path.join(HERE, "cairn-server"), "--port", str(CAIRN_PORT), "--save", "", "--dir", tmp]
                          + os.environ.get("CAIRN_ARGS", "").split(),
                          stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        rc = wait(PORT)
        cc = wait(CAIRN_PORT)
        cpid = int(next(l for l in cc.call("INFO", "server").decode().split("\r\n")
                        if l.startswith("process_id:")).split(":")[1])
        results = {"redisearch": [], "cairn": []}
        cold = None
        for r in range(WARMUP + ROUNDS):
            a = run("redisearch", rc, rs.pid, docs)
            b = run("cairn", cc, cpid, docs)
            if r < WARMUP:
                cold = cold or (a, b)
            else:
                results["redisearch"].append(a)
                results["cairn"].append(b)
            name = "warm-up round" if r < WARMUP else f"round {r + 1 - WARMUP}"
            print(f"{name} (load {load_avg()}): " + ", ".join(f"{k} {a[k]:.1f}/{b[k]:.1f}" for k in a),
                  flush=True)
        print(f"\n{DOCS} documents, {QUERIES} queries per kind, {ROUNDS} rounds after {WARMUP} warm-up, medians "
              f"(RediSearch 1.2.2 in redis-server 7.0 vs Cairn)")
        print(f"{'':28s} {'RediSearch':>12s} {'Cairn':>12s} {'Cairn/RS':>9s}")
        for k in results["cairn"][0]:
            a = statistics.median(x[k] for x in results["redisearch"])
            b = statistics.median(x[k] for x in results["cairn"])
            print(f"{k:28s} {a:12.2f} {b:12.2f} {b / a if a else float('nan'):9.2f}")
        first = cold or (results["redisearch"][0], results["cairn"][0])  # on fresh servers: heap growth shows
        if cold:
            print("cold round (fresh servers, Cairn's JIT compiling):")
        for k in first[1]:
            if cold or k.startswith("RSS"):
                a, b = first[0][k], first[1][k]
                print(f"{k + ', first round':40s} {a:12.2f} {b:12.2f} {b / a if a else float('nan'):9.2f}")
        print(f"load average at the end: {load_avg()}")
    finally:
        for p in (rs, ca):
            p.terminate()
        try:
            Conn(CAIRN_PORT).call("SHUTDOWN", "NOSAVE")
        except Exception:
            pass


if __name__ == "__main__":
    main()
