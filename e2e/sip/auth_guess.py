#!/usr/bin/env python3
"""Guesses a desk phone's password COUNT times from SOURCE (a loopback address) over UDP: each
guess is a REGISTER, answered 401 with a challenge, then the REGISTER again with a digest answer
made with a wrong password. Prints the final status and reason of each guess, one a line (a
throttled REGISTER gets its 403 before any challenge).
Usage: auth_guess.py SOURCE HOST PORT USER COUNT"""
import hashlib
import random
import re
import socket
import sys

source, host, port, user, count = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4], int(sys.argv[5])
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.bind((source, 0))
s.settimeout(3)
lport = s.getsockname()[1]
md5 = lambda t: hashlib.md5(t.encode()).hexdigest()
uri = f"sip:{host}:{port}"


def register(call_id, cseq, auth=""):
    msg = (
        f"REGISTER {uri} SIP/2.0\r\n"
        f"Via: SIP/2.0/UDP {source}:{lport};branch=z9hG4bK{random.getrandbits(48):x};rport\r\n"
        f"Max-Forwards: 70\r\nFrom: <sip:{user}@{host}>;tag=g{cseq}\r\nTo: <sip:{user}@{host}>\r\n"
        f"Call-ID: {call_id}\r\nCSeq: {cseq} REGISTER\r\nContact: <sip:{user}@{source}:{lport}>\r\n"
        f"Expires: 120\r\n{auth}Content-Length: 0\r\n\r\n"
    )
    s.sendto(msg.encode(), (host, port))
    while True:
        data = s.recv(65535).decode(errors="replace")
        status = data.split("\r\n", 1)[0].split(" ", 2)
        if int(status[1]) >= 200:
            return int(status[1]), status[2], data


for guess in range(count):
    call_id = f"{random.getrandbits(64):x}"
    code, reason, resp = register(call_id, 1)
    if code == 401:
        params = dict(re.findall(r'(\w+)="?([^",]*)"?', re.search(r"WWW-Authenticate: Digest ([^\r\n]*)", resp).group(1)))
        ha1 = md5(f"{user}:{params['realm']}:wrong-{guess}")
        ha2 = md5(f"REGISTER:{uri}")
        nc, cnonce = "00000001", f"{guess:x}"
        response = md5(f"{ha1}:{params['nonce']}:{nc}:{cnonce}:auth:{ha2}")
        auth = (
            f'Authorization: Digest username="{user}", realm="{params["realm"]}", nonce="{params["nonce"]}", '
            f'uri="{uri}", response="{response}", algorithm=MD5, qop=auth, nc={nc}, cnonce="{cnonce}"\r\n'
        )
        code, reason, resp = register(call_id, 2, auth)
    retry = re.search(r"Retry-After: (\d+)", resp)
    print(f"{code} {reason}" + (f" (Retry-After {retry.group(1)})" if retry else ""))
