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
FROM, TO, CALLID, CSEQ = BASE
def all_(*extra):
    return [VIA] + BASE + list(extra)
def with_bytes(data, at, values):
    b = bytearray(data)
    for i, v in enumerate(values):
        b[at + i] = v
    return bytes(b)
huge = "X-Huge: " + "a" * 9000
cases = [
    ("empty datagram", b"", None),
    ("only CRLF keep-alive", b"\r\n\r\n", None),
    ("garbage bytes", b"\xff\x00\x13\x37\x80\x90garbage", None),
    ("random text", b"hello world\r\n\r\n", None),
    ("HTTP request", b"GET / HTTP/1.1\r\nHost: x\r\n\r\n", None),
    ("no end of headers", (ok_start + "\r\n" + VIA + "\r\n").encode(), None),
    ("missing URI", req("OPTIONS SIP/2.0", all_()), None),
    ("bad version", req("OPTIONS sip:b@127.0.0.1 SIP/7.0", all_()), None),
    ("lowercase garbage start line", req("options", all_()), None),
    ("status line with letters", req("SIP/2.0 abc OK", all_()), None),
    ("missing Via", req(ok_start, BASE), None),
    ("Via without sent-by", req(ok_start, ["Via: SIP/2.0/UDP"] + BASE), None),
    ("missing From", req(ok_start, [VIA, TO, CALLID, CSEQ]), 400),
    ("missing To", req(ok_start, [VIA, FROM, CALLID, CSEQ]), 400),
    ("missing Call-ID", req(ok_start, [VIA, FROM, TO, CSEQ]), 400),
    ("empty Call-ID", req(ok_start, [VIA, FROM, TO, "Call-ID: ", CSEQ]), 400),
    ("missing CSeq", req(ok_start, [VIA, FROM, TO, CALLID]), 400),
    ("CSeq without method", req(ok_start, [VIA, FROM, TO, CALLID, "CSeq: 1"]), 400),
    ("CSeq not a number", req(ok_start, [VIA, FROM, TO, CALLID, "CSeq: one OPTIONS"]), 400),
    ("CSeq negative", req(ok_start, [VIA, FROM, TO, CALLID, "CSeq: -1 OPTIONS"]), 400),
    ("CSeq overflow", req(ok_start, [VIA, FROM, TO, CALLID, "CSeq: 99999999999 OPTIONS"]), 400),
    ("CSeq method mismatch", req(ok_start, [VIA, FROM, TO, CALLID, "CSeq: 1 INVITE"]), 400),
    ("Content-Length larger than body", req(ok_start, all_("Content-Length: 900"), "v=0"), 400),
    ("Content-Length not a number", req(ok_start, all_("Content-Length: lots")), 400),
    ("header without colon", req(ok_start, all_("NoColonHere")), 400),
    ("huge header", req(ok_start, all_(huge)), 513),
    ("NUL byte in the start line", with_bytes(req(ok_start, all_()), 20, [0]), None),
    ("invalid UTF-8 in headers", with_bytes(req(ok_start, all_()), 40, [0xC3, 0x28]), None),
    ("ACK missing Call-ID is not answered", req("ACK sip:b@127.0.0.1 SIP/2.0", [VIA, FROM, TO, "CSeq: 1 ACK"]), None),
    ("response with garbage status", b"SIP/2.0 9999 Weird\r\nVia: x\r\n\r\n", None),
    ("stray response missing CSeq", b"SIP/2.0 200 OK\r\nVia: SIP/2.0/UDP 1.2.3.4;branch=z9hG4bK-q\r\nFrom: <sip:a@b>;tag=1\r\nTo: <sip:b@c>\r\nCall-ID: x\r\n\r\n", None),
    ("INVITE with an SDP that is not SDP",
     req("INVITE sip:9196@127.0.0.1 SIP/2.0",
         [VIA, FROM, TO, CALLID, "CSeq: 1 INVITE", "Contact: <sip:a@127.0.0.1:{p}>", "Content-Type: application/sdp", "Content-Length: 15"],
         "this is not sdp"), 488),
]
failures = 0
for n, (name, data, expect) in enumerate(cases):
    data = data.replace(b"{p}", str(p).encode()).replace(b"{n}", str(n).encode())
    s.sendto(data, (host, port))
    got = None
    try:
        while True:
            reply = s.recv(65536)
            code = int(reply.split(b" ", 2)[1])
            # Skip provisionals (the INVITE case, last, gets 100 Trying first).
            if code >= 200:
                got = code
                break
    except socket.timeout:
        pass
    status = "ok" if got == expect else "FAIL"
    failures += status != "ok"
    print(f"{status}: {name}: expected {expect}, got {got}")
s.sendto(req(ok_start, [VIA.format(p=p, n="final")] + [h.format(n="final") for h in BASE]), (host, port))
while True:
    raw = s.recv(65536)
    if b"Call-ID: mfinal" in raw:
        break
reply = raw.split(b"\r\n", 1)[0].decode()
print("after the malformed ones, OPTIONS ->", reply)
if not reply.startswith("SIP/2.0 200"):
    failures += 1
print(f"{len(cases) + 1 - failures} passed, {failures} failed")
sys.exit(1 if failures else 0)
