#!/usr/bin/env python3
"""Subscribers for bench/pubsub-fanout.sh: opens N connections to a server, SUBSCRIBEs each to a channel, prints
"ready", then reads and discards everything until stdin closes, and prints the bytes each connection received (min and
total), so the caller can check every subscriber got every message.

usage: pubsub-drain.py PORT CHANNEL N
"""
import selectors
import socket
import sys
import threading


def main():
    port, channel, n = int(sys.argv[1]), sys.argv[2], int(sys.argv[3])
    sel = selectors.DefaultSelector()
    conns = []
    for _ in range(n):
        s = socket.create_connection(("127.0.0.1", port))
        s.sendall(b"SUBSCRIBE %s\r\n" % channel.encode())
        conns.append(s)
    # each confirmation is one frame; wait for all of them before telling the caller to publish
    for s in conns:
        buf = b""
        while buf.count(b"\r\n") < 6:  # *3 subscribe <channel> :n
            buf += s.recv(4096)
        s.setblocking(False)
        sel.register(s, selectors.EVENT_READ, [0])
    print("ready", flush=True)
    stop = threading.Event()
    threading.Thread(target=lambda: (sys.stdin.read(), stop.set()), daemon=True).start()
    while not stop.is_set():
        for key, _ in sel.select(timeout=0.2):
            try:
                data = key.fileobj.recv(1 << 18)
            except BlockingIOError:
                continue
            key.data[0] += len(data)
    counts = [key.data[0] for key in sel.get_map().values()]
    print(min(counts), sum(counts), flush=True)


if __name__ == "__main__":
    main()
