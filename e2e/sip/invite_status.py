#!/usr/bin/env python3
"""Sends one INVITE (with an offer) over UDP and prints its final status code and Retry-After
(or "-"), ACKing a non-2xx answer; with SOURCE, sent from that address (127.0.0.x are other
sources on loopback). Usage: invite_status.py HOST PORT NUMBER [FROM_USER [SOURCE]]"""
import random
import socket
import sys

host, port, number = sys.argv[1], int(sys.argv[2]), sys.argv[3]
caller = sys.argv[4] if len(sys.argv) > 4 else "13800000000"
source = sys.argv[5] if len(sys.argv) > 5 else "127.0.0.1"
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.bind((source, 0))
s.settimeout(3)
lport = s.getsockname()[1]
call_id = f"{random.getrandbits(64):x}"
branch = f"z9hG4bK{random.getrandbits(48):x}"
sdp = "v=0\r\no=- 1 1 IN IP4 127.0.0.1\r\ns=-\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\nm=audio 40000 RTP/AVP 0\r\n"
head = (
    f"Via: SIP/2.0/UDP {source}:{lport};branch={branch};rport\r\nMax-Forwards: 70\r\n"
    f"From: <sip:{caller}@{source}>;tag=i1\r\nCall-ID: {call_id}\r\n"
)
s.sendto(
    (
        f"INVITE sip:{number}@{host}:{port} SIP/2.0\r\n{head}To: <sip:{number}@{host}>\r\n"
        f"CSeq: 1 INVITE\r\nContact: <sip:{caller}@{source}:{lport}>\r\n"
        f"Content-Type: application/sdp\r\nContent-Length: {len(sdp)}\r\n\r\n{sdp}"
    ).encode(),
    (host, port),
)
while True:
    data = s.recv(65535).decode(errors="replace")
    code = int(data.split(" ", 2)[1])
    if code >= 200:
        break
headers = dict(
    (k.strip().lower(), v.strip()) for k, v in (l.split(":", 1) for l in data.split("\r\n")[1:] if ":" in l)
)
if code >= 300:
    s.sendto(
        (
            f"ACK sip:{number}@{host}:{port} SIP/2.0\r\n{head}To: {headers.get('to', '')}\r\n"
            f"CSeq: 1 ACK\r\nContent-Length: 0\r\n\r\n"
        ).encode(),
        (host, port),
    )
print(code, headers.get("retry-after", "-"))
