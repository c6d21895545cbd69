#!/usr/bin/env python3
"""Sends one INVITE from SOURCE (an address no trunk allows), never ACKs, and listens SECONDS:
prints how many final responses came back (RFC 3261 Timer G would retransmit a 407 about ten
times to an address that may be spoofed; Patchbay sends it once).
Usage: stranger_once.py SOURCE HOST PORT SECONDS"""
import random
import socket
import sys
import time

source, host, port, seconds = sys.argv[1], sys.argv[2], int(sys.argv[3]), float(sys.argv[4])
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.bind((source, 0))
lport = s.getsockname()[1]
msg = (
    f"INVITE sip:4008000000@{host}:{port} SIP/2.0\r\n"
    f"Via: SIP/2.0/UDP {source}:{lport};branch=z9hG4bK{random.getrandbits(48):x};rport\r\n"
    f"Max-Forwards: 70\r\nFrom: <sip:stranger@{source}>;tag=s1\r\nTo: <sip:4008000000@{host}>\r\n"
    f"Call-ID: {random.getrandbits(64):x}\r\nCSeq: 1 INVITE\r\nContact: <sip:stranger@{source}:{lport}>\r\n"
    f"Content-Length: 0\r\n\r\n"
)
s.sendto(msg.encode(), (host, port))
finals = []
deadline = time.monotonic() + seconds
while (left := deadline - time.monotonic()) > 0:
    s.settimeout(left)
    try:
        data = s.recv(65535).decode(errors="replace")
    except socket.timeout:
        break
    status = data.split("\r\n", 1)[0]
    if not status.startswith("SIP/2.0 1"):
        finals.append(status)
print(len(finals), *sorted(set(finals)))
