#!/usr/bin/env python3
"""Hostile clients of the status API, for tests/api-flood.sh.

flood.py idle PORT N HOLD       N connections that send nothing, HOLD s
flood.py bigheader PORT N       N requests of 300 header lines of 1 MB
flood.py pipeline PORT N K HOLD N connections that each send K pipelined
                                GET /alerts and never read, HOLD s

Prints "connected C" (how many connections were made) and exits 0.
"""
import resource
import socket
import sys
import time

soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))

mode, port, n = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])


def connect(rcvbuf=0):
    s = socket.socket()
    if rcvbuf:
        s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, rcvbuf)
    s.settimeout(2)
    try:
        s.connect(("127.0.0.1", port))
    except OSError:
        s.close()
        return None
    return s


socks = []
if mode == "idle":
    hold = float(sys.argv[4])
    for _ in range(n):
        s = connect()
        if s is not None:
            socks.append(s)
    time.sleep(hold)
elif mode == "bigheader":
    line = b"X-Big: " + b"a" * (1024 * 1024 - 9) + b"\r\n"
    for _ in range(n):
        s = connect()
        if s is None:
            continue
        socks.append(s)
        try:
            s.sendall(b"GET /feeds HTTP/1.1\r\nHost: 127.0.0.1\r\n")
            for _ in range(300):
                s.sendall(line)
        except OSError:
            pass  # the server cut it off: what it should do
        s.close()
elif mode == "pipeline":
    k, hold = int(sys.argv[4]), float(sys.argv[5])
    req = b"GET /alerts?since=2000-01-01T00:00:00Z HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n" * k
    for _ in range(n):
        s = connect(4096)
        if s is None:
            continue
        s.setblocking(False)
        try:
            s.send(req)
        except OSError:
            pass
        socks.append(s)
    time.sleep(hold)
print("connected %d" % len(socks))
for s in socks:
    s.close()
