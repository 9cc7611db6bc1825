#!/usr/bin/env python3
"""Start-up time of ./cairn-server against Debian's redis-server, measured in the same run on this machine.

Each round starts `./cairn-server --port P --save ''` and `redis-server --port P2 --save ''` (order alternating from
round to round, so that other load falls on both alike), times exec to the "Ready to accept connections" line on
standard output, then stops the server with SIGTERM and waits for it to exit. Prints each round, then the medians and
the ratio Cairn/Redis. Beside the wall time it gives the CPU time the process had used by then (user + system, from
/proc, 10 ms ticks), which other load on the machine disturbs less.

usage: bench/startup-compare.py [--rounds 10] [--port 53150] [--cairn ./cairn-server] [--redis redis-server]
       [--also LABEL=LAUNCHER ...] [-- extra arguments for the servers]
--also measures another launcher in the same rounds (an older build's, to compare a change on a busy machine).
"""
import argparse
import os
import signal
import statistics
import subprocess
import sys
import time

READY = b"Ready to accept connections"


def cpu_seconds(pid):
    """User + system time of the process so far (it is kept across exec, so a launcher script's share counts)."""
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def start_once(argv, timeout, cpu=None):
    """Seconds from exec to the Ready line (and in cpu, if given, the CPU seconds used by then); the server is stopped
    before returning."""
    t0 = time.perf_counter()
    p = subprocess.Popen(argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE, stdin=subprocess.DEVNULL)
    seen = b""
    try:
        while True:
            line = p.stdout.readline()
            if not line:
                raise RuntimeError(f"{argv[0]} exited before Ready: {seen.decode(errors='replace')}"
                                   f"{p.stderr.read().decode(errors='replace')}")
            seen += line
            if READY in line:
                wall = time.perf_counter() - t0
                if cpu is not None:
                    cpu.append(cpu_seconds(p.pid))
                return wall
            if time.perf_counter() - t0 > timeout:
                raise RuntimeError(f"{argv[0]} not ready after {timeout} s")
    finally:
        p.send_signal(signal.SIGTERM)
        try:
            p.wait(timeout=30)
        except subprocess.TimeoutExpired:
            p.kill()
            p.wait()
        p.stdout.close()
        p.stderr.close()


def main():
    here = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--rounds", type=int, default=10)
    ap.add_argument("--port", type=int, default=int(os.environ.get("BASEPORT", "7600")) + 50,
                    help="Cairn's port; Redis gets the next one")
    ap.add_argument("--cairn", default=os.path.join(here, "cairn-server"))
    ap.add_argument("--redis", default="redis-server")
    ap.add_argument("--timeout", type=float, default=120)
    ap.add_argument("--also", action="append", default=[], help="LABEL=LAUNCHER, measured in the same rounds")
    ap.add_argument("extra", nargs="*")
    a = ap.parse_args()
    servers = [("cairn", [a.cairn, "--port", str(a.port), "--save", ""] + a.extra),
               ("redis", [a.redis, "--port", str(a.port + 1), "--save", ""] + a.extra)]
    for extra in a.also:
        label, launcher = extra.split("=", 1)
        servers.append((label, [launcher, "--port", str(a.port), "--save", ""] + a.extra))
    # one start of each launcher first, not counted: it builds the jar or the class-data archive if they are stale
    for name, argv in servers:
        if name != "redis":
            start_once(argv, 600)
    times = {name: [] for name, _ in servers}
    cpu = {name: [] for name, _ in servers}
    for r in range(a.rounds):
        order = servers if r % 2 == 0 else servers[::-1]
        for name, argv in order:
            times[name].append(start_once(argv, a.timeout, cpu[name]))
        print(f"round {r + 1:2d}: " + "   ".join(f"{name} {times[name][-1] * 1000:7.1f} ms (cpu {cpu[name][-1] * 1000:4.0f})"
                                             for name, _ in servers), flush=True)
    rd = statistics.median(times["redis"])
    print(f"median of {a.rounds}, exec to Ready (cpu time used by then):")
    for name, _ in servers:
        m = statistics.median(times[name])
        ratio = f"   ratio {name}/redis {m / rd:.1f}" if name != "redis" else ""
        print(f"  {name:8s} {m * 1000:7.1f} ms (min {min(times[name]) * 1000:6.1f}, cpu "
              f"{statistics.median(cpu[name]) * 1000:4.0f} ms){ratio}")


if __name__ == "__main__":
    sys.exit(main())
