#!/usr/bin/env python3
"""Start-up time of ./cairn-server against Debian's redis-server, measured in the same run on this machine.

Each round starts `./cairn-server --port P --save ''` and `redis-server --port P2 --save ''` (order alternating from
round to round, so that other load falls on both alike), times exec to the "Ready to accept connections" line on
standard output, then stops the server with SIGTERM and waits for it to exit. Prints each round, then the medians and
the ratio Cairn/Redis.

usage: bench/startup-compare.py [--rounds 10] [--port 53150] [--cairn ./cairn-server] [--redis redis-server]
       [-- extra arguments for both servers]
"""
import argparse
import os
import signal
import statistics
import subprocess
import sys
import time

READY = b"Ready to accept connections"


def start_once(argv, timeout):
    """Seconds from exec to the Ready line; the server is stopped before returning."""
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
                return time.perf_counter() - t0
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
    ap.add_argument("extra", nargs="*")
    a = ap.parse_args()
    cairn = [a.cairn, "--port", str(a.port), "--save", ""] + a.extra
    redis = [a.redis, "--port", str(a.port + 1), "--save", ""] + a.extra
    # one start first, not counted: it builds the jar or the class-data archive if they are missing or stale
    start_once(cairn, 600)
    times = {"cairn": [], "redis": []}
    for r in range(a.rounds):
        order = [("cairn", cairn), ("redis", redis)]
        if r % 2:
            order.reverse()
        for name, argv in order:
            times[name].append(start_once(argv, a.timeout))
        print(f"round {r + 1:2d}: cairn {times['cairn'][-1] * 1000:7.1f} ms   redis {times['redis'][-1] * 1000:7.1f} ms",
              flush=True)
    c = statistics.median(times["cairn"])
    rd = statistics.median(times["redis"])
    print(f"median of {a.rounds}: cairn {c * 1000:.1f} ms (min {min(times['cairn']) * 1000:.1f}), "
          f"redis {rd * 1000:.1f} ms (min {min(times['redis']) * 1000:.1f}), ratio cairn/redis {c / rd:.1f}")


if __name__ == "__main__":
    sys.exit(main())
