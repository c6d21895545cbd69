"""Sends malformed SIP datagrams to Patchbay and checks that it answers 400 where it can, never
dies, and still answers OPTIONS afterwards. Usage: python3 malformed.py HOST PORT"""
import socket
import sys

host, port = sys.argv[1], int(sys.argv[2])
VIA = "Via: SIP/2.0/UDP 127.0.0.1:{p};branch=z9hG4bK-{n}"
BASE = ["From: <sip:a@127.0.0.1>;tag=1", "To: <sip:b@127.0.0.1>", "Call-ID: m{n}", "CSeq: 1 OPTIONS"]

def req(start, headers, body=""):
    return ("\r\n".join([start] + headers) + "\r\n\r\n" + body).encode("latin-1")

s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.bind(("127.0.0.1", 0))
s.settimeout(0.5)
p = s.getsockname()[1]
ok_start = "OPTIONS sip:b@127.0.0.1 SIP/2.0"
cases = [
    ("garbage", b"\xff\x00\x13\x37garbage", None),
    ("http", b"GET / HTTP/1.1\r\nHost: x\r\n\r\n", None),
    ("no Via", req(ok_start, BASE), None),
    ("missing Call-ID", req(ok_start, [VIA] + BASE[:2] + BASE[3:]), 400),
    ("missing CSeq", req(ok_start, [VIA] + BASE[:3]), 400),
    ("CSeq mismatch", req(ok_start, [VIA] + BASE[:3] + ["CSeq: 1 INVITE"]), 400),
    ("bad Content-Length", req(ok_start, [VIA] + BASE + ["Content-Length: 900"], "v=0"), 400),
    ("huge header", req(ok_start, [VIA] + BASE + ["X-Huge: " + "a" * 9000]), None),
    ("bad version", req("OPTIONS sip:b@127.0.0.1 SIP/7.0", [VIA] + BASE), None),
]
failures = 0
for n, (name, data, expect) in enumerate(cases):
    data = data.replace(b"{p}", str(p).encode()).replace(b"{n}", str(n).encode())
    s.sendto(data, (host, port))
    try:
        got = s.recv(65536).split(b" ", 2)[1].decode()
        got = int(got)
    except socket.timeout:
        got = None
    status = "ok" if got == expect else "FAIL"
    failures += status != "ok"
    print(f"{status}: {name}: expected {expect}, got {got}")
s.sendto(req(ok_start, [VIA.format(p=p, n="final")] + [h.format(n="final") for h in BASE]), (host, port))
reply = s.recv(65536).split(b"\r\n", 1)[0].decode()
print("after the malformed ones, OPTIONS ->", reply)
if not reply.startswith("SIP/2.0 200"):
    failures += 1
print(f"{len(cases) + 1 - failures} passed, {failures} failed")
sys.exit(1 if failures else 0)
