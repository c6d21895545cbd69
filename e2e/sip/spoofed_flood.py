#!/usr/bin/env python3
"""INVITEs from many source addresses, as a spoofing flood looks to a server: SOURCES sockets,
each bound to its own loopback address 127.0.1.N (every 127.x address is the machine's own),
send COUNT INVITEs in all, round-robin over the sources, at RATE a second, each a new call
(its own Call-ID, tag and branch) to NUMBER. Nothing is read back (a spoofer never sees the
answers). Prints how many were sent and how long it took.

Usage: spoofed_flood.py HOST PORT NUMBER COUNT SOURCES RATE
"""

import socket
import sys
import time


def invite(src, port, number, host, sip_port, n):
    call = f"spoof-{src}-{n}"
    return (
        f"INVITE sip:{number}@{host}:{sip_port} SIP/2.0\r\n"
        f"Via: SIP/2.0/UDP {src}:{port};branch=z9hG4bK-{call}\r\n"
        f"Max-Forwards: 70\r\n"
        f"From: <sip:caller@{src}>;tag={n}\r\n"
        f"To: <sip:{number}@{host}>\r\n"
        f"Call-ID: {call}\r\n"
        f"CSeq: 1 INVITE\r\n"
        f"Contact: <sip:caller@{src}:{port}>\r\n"
        f"Content-Length: 0\r\n\r\n"
    ).encode()


def main():
    host, sip_port, number = sys.argv[1], int(sys.argv[2]), sys.argv[3]
    count, sources, rate = int(sys.argv[4]), int(sys.argv[5]), float(sys.argv[6])
    socks = []
    for i in range(sources):
        s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        s.bind((f"127.0.1.{i + 1}", 0))
        s.setblocking(False)
        socks.append(s)
    start = time.monotonic()
    sent = 0
    for n in range(count):
        s = socks[n % sources]
        src, port = s.getsockname()
        try:
            s.sendto(invite(src, port, number, host, sip_port, n), (host, sip_port))
            sent += 1
        except BlockingIOError:
            pass
        # Keep to the rate: sleep whenever ahead of it.
        ahead = (n + 1) / rate - (time.monotonic() - start)
        if ahead > 0:
            time.sleep(ahead)
    print(f"{sent} {time.monotonic() - start:.1f}")


if __name__ == "__main__":
    main()
