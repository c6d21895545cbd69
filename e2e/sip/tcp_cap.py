#!/usr/bin/env python3
"""Opens COUNT SIP TCP connections from SOURCE and sends nothing on them; prints how many are
still open after 1 s (the per-source cap closes the rest at once) and after WAIT more seconds
(the idle timeout closes the rest).
Usage: tcp_cap.py SOURCE HOST PORT COUNT WAIT"""
import socket
import sys
import time

source, host, port, count, wait = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4]), float(sys.argv[5])
conns = []
for _ in range(count):
    c = socket.socket()
    c.bind((source, 0))
    c.connect((host, port))
    conns.append(c)


def still_open():
    n = 0
    for c in conns:
        c.settimeout(0.01)
        try:
            n += c.recv(1) != b""
        except socket.timeout:
            n += 1
        except OSError:
            pass
    return n


time.sleep(1)
first = still_open()
deadline = time.monotonic() + wait
while time.monotonic() < deadline and still_open() > 0:
    time.sleep(0.25)
print(first, still_open())
