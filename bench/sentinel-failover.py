#!/usr/bin/env python3
"""Failover time under Sentinel: Cairn beside Redis in the same run.

Each round starts a master, two replicas and three sentinels (down-after-milliseconds DOWN_AFTER, 1000 by default),
waits until the sentinels know each other and the replicas, then SIGKILLs the master while a client writes every
WRITE_EVERY ms through the sentinels (GET-MASTER-ADDR-BY-NAME on each in turn, then SET on the address it names; a
write counts only when it returns OK from a server other than the old master). It reports the time from the kill to
the first such write. Stacks are measured in interleaved rounds (noise from other load falls on all alike); the
report gives per-stack medians and the ratio to the Redis stack.

Stacks: redis = redis-server servers + redis-server --sentinel; cairn = Cairn servers + Cairn sentinels;
cairn-sentinels = redis-server servers + Cairn sentinels (the sentinel alone); cairn-servers = Cairn servers + Redis
sentinels (the server side alone).

usage: bench/sentinel-failover.py [ROUNDS]   env: STACKS="redis cairn cairn-sentinels cairn-servers" BASEPORT=55700
       DOWN_AFTER=1000 WRITE_EVERY=10
Needs redis-server (Debian's, which runs as a sentinel with --sentinel) and a JDK >= 21 with Maven for Cairn.
Cairn servers replicate only with replication built in (the h-repl branch merged).
"""
import os
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
ROUNDS = int(sys.argv[1]) if len(sys.argv) > 1 else 3
STACKS = os.environ.get("STACKS", "redis cairn cairn-sentinels cairn-servers").split()
BASEPORT = int(os.environ.get("BASEPORT", "55700"))
DOWN_AFTER = int(os.environ.get("DOWN_AFTER", "1000"))
WRITE_EVERY = int(os.environ.get("WRITE_EVERY", "10")) / 1000.0
HOST = "127.0.0.1"
NAME = "benchmaster"


def command(port, *args, timeout=0.5):
    """One command over a fresh connection; returns the decoded reply (errors as Exception instances)."""
    with socket.create_connection((HOST, port), timeout=timeout) as s:
        out = b"*%d\r\n" % len(args)
        for a in args:
            a = str(a).encode()
            out += b"$%d\r\n%s\r\n" % (len(a), a)
        s.sendall(out)
        f = s.makefile("rb")
        return read_reply(f)


def read_reply(f):
    line = f.readline()
    if not line:
        raise ConnectionError("closed")
    t, rest = line[:1], line[1:-2]
    if t == b"+":
        return rest.decode()
    if t == b"-":
        return Exception(rest.decode())
    if t == b":":
        return int(rest)
    if t == b"$":
        n = int(rest)
        if n < 0:
            return None
        data = f.read(n + 2)[:-2]
        return data.decode(errors="replace")
    if t == b"*":
        n = int(rest)
        return None if n < 0 else [read_reply(f) for _ in range(n)]
    raise ValueError("bad reply %r" % line)


def wait_for(cond, timeout, what):
    end = time.time() + timeout
    while time.time() < end:
        try:
            if cond():
                return
        except (OSError, ValueError, ConnectionError):
            pass
        time.sleep(0.05)
    raise TimeoutError("timed out waiting for " + what)


class Stack:
    def __init__(self, name, base):
        self.name = name
        self.cairn_servers = name in ("cairn", "cairn-servers")
        self.cairn_sentinels = name in ("cairn", "cairn-sentinels")
        self.dir = tempfile.mkdtemp(prefix="sentinel-bench-")
        self.ports = list(range(base, base + 6))
        self.procs = {}

    def start_server(self, port, replica_of=None):
        args = ["--port", str(port), "--bind", HOST, "--save", "", "--appendonly", "no", "--dir", self.dir]
        if replica_of:
            args += ["--replicaof", HOST, str(replica_of)]
        exe = [os.path.join(HERE, "cairn-server")] if self.cairn_servers else ["redis-server"]
        log = open(os.path.join(self.dir, "server-%d.log" % port), "ab")
        self.procs[port] = subprocess.Popen(exe + args, stdout=log, stderr=subprocess.STDOUT)
        self.wait_up(port, "server")

    def start_sentinel(self, port, master):
        conf = os.path.join(self.dir, "sentinel-%d.conf" % port)
        with open(conf, "w") as c:
            c.write("port %d\nbind %s\ndir %s\n" % (port, HOST, self.dir))
            c.write("sentinel monitor %s %s %d 2\n" % (NAME, HOST, master))
            c.write("sentinel down-after-milliseconds %s %d\n" % (NAME, DOWN_AFTER))
            c.write("sentinel failover-timeout %s 10000\n" % NAME)
        log = open(os.path.join(self.dir, "sentinel-%d.log" % port), "ab")
        exe = [os.path.join(HERE, "cairn-sentinel"), conf] if self.cairn_sentinels else ["redis-server", conf,
                                                                                         "--sentinel"]
        self.procs[port] = subprocess.Popen(exe, stdout=log, stderr=subprocess.STDOUT)
        self.wait_up(port, "sentinel")

    def wait_up(self, port, what):
        """Until it answers PING; a process that exited (its port was taken meanwhile) fails at once."""
        def up():
            if self.procs[port].poll() is not None:
                raise RuntimeError("%s %d exited (port taken?)" % (what, port))
            return command(port, "PING") == "PONG"
        wait_for(up, 120, "%s %d" % (what, port))

    def run(self):
        master, r1, r2, s1, s2, s3 = self.ports
        self.start_server(master)
        self.start_server(r1, master)
        self.start_server(r2, master)
        for s in (s1, s2, s3):
            self.start_sentinel(s, master)
        sentinels = [s1, s2, s3]

        def discovered():
            for s in sentinels:
                m = command(s, "SENTINEL", "MASTER", NAME)
                d = dict(zip(m[::2], m[1::2]))
                if d["num-slaves"] != "2" or d["num-other-sentinels"] != "2" or "disconnected" in d["flags"]:
                    return False
            for r in (r1, r2):
                info = command(r, "INFO", "replication")
                if "master_link_status:up" not in info:
                    return False
            return True
        wait_for(discovered, 60, "sentinel discovery")
        time.sleep(1)
        os.kill(self.procs[master].pid, signal.SIGKILL)
        self.procs[master].wait()
        t0 = time.time()
        i = 0
        while time.time() - t0 < 120:
            s = sentinels[i % 3]
            i += 1
            try:
                addr = command(s, "SENTINEL", "GET-MASTER-ADDR-BY-NAME", NAME, timeout=0.2)
                port = int(addr[1])
                if port != master and command(port, "SET", "k", str(i), timeout=0.2) == "OK":
                    return time.time() - t0
            except (OSError, ValueError, TypeError, ConnectionError):
                pass
            time.sleep(WRITE_EVERY)
        raise TimeoutError("no write within 120 s (%s, logs in %s)" % (self.name, self.dir))

    def stop(self):
        for p in self.procs.values():
            if p.poll() is None:
                p.kill()
                p.wait()


def main():
    results = {s: [] for s in STACKS}
    base = BASEPORT
    for r in range(ROUNDS):
        for name in STACKS:
            # a port can be taken meanwhile (the ephemeral range may overlap ours): a round that cannot start its
            # processes is tried again on other ports; a failover that does not happen is reported as failed
            for attempt in range(3):
                st = Stack(name, base)
                base = BASEPORT + (base - BASEPORT + 6) % 90
                try:
                    t = st.run()
                    results[name].append(t)
                    print("round %d %-16s %.2f s" % (r + 1, name, t), flush=True)
                    break
                except (TimeoutError, RuntimeError) as e:
                    print("round %d %-16s failed: %s" % (r + 1, name, e), flush=True)
                    if "no write" in str(e):
                        break
                finally:
                    st.stop()
    print("\nkill -> first write on the new master, median of %d rounds (down-after-milliseconds %d):"
          % (ROUNDS, DOWN_AFTER))
    ref = statistics.median(results["redis"]) if results.get("redis") else None
    for name in STACKS:
        if not results[name]:
            print("  %-16s no successful round" % name)
            continue
        med = statistics.median(results[name])
        ratio = " ratio %.2f" % (med / ref) if ref else ""
        print("  %-16s %.2f s%s  (rounds: %s)" % (name, med, ratio, ", ".join("%.2f" % x for x in results[name])))


if __name__ == "__main__":
    main()
