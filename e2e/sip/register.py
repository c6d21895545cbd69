#!/usr/bin/env python3
"""Registers USER with PASSWORD over UDP (answering the digest challenge) and prints the final
status code. Usage: register.py HOST PORT USER PASSWORD"""
import hashlib
import random
import re
import socket
import sys

host, port, user, password = sys.argv[1], int(sys.argv[2]), sys.argv[3], sys.argv[4]
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.bind(("127.0.0.1", 0))
s.settimeout(3)
lport = s.getsockname()[1]
call_id = f"{random.getrandbits(64):x}"


def register(cseq, auth=""):
    msg = (
        f"REGISTER sip:{host}:{port} SIP/2.0\r\n"
        f"Via: SIP/2.0/UDP 127.0.0.1:{lport};branch=z9hG4bK{random.getrandbits(48):x};rport\r\n"
        f"Max-Forwards: 70\r\nFrom: <sip:{user}@{host}>;tag=r{cseq}\r\nTo: <sip:{user}@{host}>\r\n"
        f"Call-ID: {call_id}\r\nCSeq: {cseq} REGISTER\r\nContact: <sip:{user}@127.0.0.1:{lport}>\r\n"
        f"Expires: 120\r\n{auth}Content-Length: 0\r\n\r\n"
    )
    s.sendto(msg.encode(), (host, port))
    while True:
        data = s.recv(65535).decode(errors="replace")
        code = int(data.split(" ", 2)[1])
        if code >= 200:
            return code, data


code, resp = register(1)
if code != 401:
    print(code)
    sys.exit(0)
challenge = re.search(r'WWW-Authenticate: Digest ([^\r\n]*)', resp).group(1)
params = dict(re.findall(r'(\w+)="?([^",]*)"?', challenge))
md5 = lambda t: hashlib.md5(t.encode()).hexdigest()
uri = f"sip:{host}:{port}"
ha1 = md5(f"{user}:{params['realm']}:{password}")
ha2 = md5(f"REGISTER:{uri}")
cnonce, nc = "abc123", "00000001"
response = md5(f"{ha1}:{params['nonce']}:{nc}:{cnonce}:auth:{ha2}")
auth = (
    f'Authorization: Digest username="{user}", realm="{params["realm"]}", nonce="{params["nonce"]}", '
    f'uri="{uri}", response="{response}", algorithm=MD5, qop=auth, nc={nc}, cnonce="{cnonce}"\r\n'
)
code, _ = register(2, auth)
print(code)
