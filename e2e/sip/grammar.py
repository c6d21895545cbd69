"""Sends requests that break RFC 3261's grammar, or ask for what Patchbay does not do, and checks
each gets the right final status (400 with a reason saying what is wrong, 415, 416, 420, 483,
513), never a 1xx-2xx, with the headers the RFC asks for; valid oddities still get a final answer;
and the endpoint answers a normal OPTIONS afterwards. Usage: python3 grammar.py HOST PORT"""
import socket
import sys
import time

host, port = sys.argv[1], int(sys.argv[2])
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.bind(("127.0.0.1", 0))
p = s.getsockname()[1]
SDP = "v=0\r\no=- 1 1 IN IP4 127.0.0.1\r\ns=-\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\nm=audio 4000 RTP/AVP 8\r\n"


def build(n, method="OPTIONS", uri="sip:9196@127.0.0.1", drop=(), replace=None, extra=(), body="",
          cseq=None, content_length=None):
    """A request numbered n; `drop` removes headers by name, `replace` swaps values, `extra` adds
    lines."""
    headers = [
        ("Via", f"SIP/2.0/UDP 127.0.0.1:{p};branch=z9hG4bK-g{n};rport"),
        ("Max-Forwards", "70"),
        ("From", "<sip:alice@127.0.0.1>;tag=g"),
        ("To", "<sip:9196@127.0.0.1>"),
        ("Call-ID", f"grammar-{n}"),
        ("CSeq", cseq if cseq is not None else f"1 {method}"),
        ("Contact", f"<sip:alice@127.0.0.1:{p}>"),
    ]
    headers = [(k, (replace or {}).get(k, v)) for k, v in headers if k not in drop]
    lines = [f"{method} {uri} SIP/2.0"] + [f"{k}: {v}" for k, v in headers] + list(extra)
    cl = len(body.encode()) if content_length is None else content_length
    lines.append(f"Content-Length: {cl}")
    return ("\r\n".join(lines) + "\r\n\r\n" + body).encode()


# (name, kwargs for build, expected final status or None for dropped, reason or None, headers {name: value})
cases = [
    # 400: a header a transaction needs is missing or malformed.
    ("missing From", dict(drop=["From"]), 400, "Missing From Header", {}),
    ("missing To", dict(drop=["To"]), 400, "Missing To Header", {}),
    ("missing Call-ID", dict(drop=["Call-ID"]), 400, "Missing Call-ID Header", {}),
    ("missing CSeq", dict(drop=["CSeq"]), 400, "Missing CSeq Header", {}),
    ("INVITE missing CSeq", dict(method="INVITE", drop=["CSeq"]), 400, "Missing CSeq Header", {}),
    ("CSeq with no number", dict(cseq="OPTIONS"), 400, "Bad CSeq", {}),
    ("CSeq number with letters", dict(cseq="1a OPTIONS"), 400, "Bad CSeq", {}),
    ("CSeq above 2^32", dict(cseq="4294967296 OPTIONS"), 400, "Bad CSeq", {}),
    ("CSeq method differs (OPTIONS/INVITE)", dict(cseq="1 INVITE"), 400, "Bad CSeq", {}),
    ("CSeq method differs (INVITE/BYE)", dict(method="INVITE", cseq="1 BYE"), 400, "Bad CSeq", {}),
    ("CSeq method differs (REGISTER/OPTIONS)", dict(method="REGISTER", cseq="7 OPTIONS"), 400, "Bad CSeq", {}),
    ("Content-Length beyond the datagram", dict(body="v=0\r\n", content_length=400), 400, "Bad Content-Length", {}),
    ("Content-Length not a number", dict(content_length="ten"), 400, "Bad Content-Length", {}),
    ("Max-Forwards not a number", dict(replace={"Max-Forwards": "many"}), 400, "Bad Max-Forwards", {}),
    ("Max-Forwards negative", dict(replace={"Max-Forwards": "-1"}), 400, "Bad Max-Forwards", {}),
    ("header line without a colon", dict(extra=["Garbage line"]), 400, "Malformed Header Line", {}),
    # Dropped: no Via to answer to.
    ("missing Via", dict(drop=["Via"]), None, None, {}),
    ("Via without sent-by", dict(replace={"Via": "SIP/2.0/UDP"}), None, None, {}),
    # 416: Request-URI schemes other than sip, sips and tel.
    ("http Request-URI", dict(uri="http://127.0.0.1/9196"), 416, "Unsupported URI Scheme", {}),
    ("mailto Request-URI on INVITE", dict(method="INVITE", uri="mailto:9196@127.0.0.1"), 416, "Unsupported URI Scheme", {}),
    ("urn Request-URI on REGISTER", dict(method="REGISTER", uri="urn:service:sos"), 416, "Unsupported URI Scheme", {}),
    # 420: Require with option tags Patchbay does not implement.
    ("Require 100rel on INVITE", dict(method="INVITE", extra=["Require: 100rel", "Content-Type: application/sdp"], body=SDP), 420, "Bad Extension", {"Unsupported": "100rel"}),
    ("Require timer", dict(extra=["Require: timer"]), 420, "Bad Extension", {"Unsupported": "timer"}),
    ("Require two tags", dict(extra=["Require: foo, bar"]), 420, "Bad Extension", {"Unsupported": "foo, bar"}),
    # 415: an INVITE body Patchbay cannot read.
    ("INVITE with a text/plain body", dict(method="INVITE", extra=["Content-Type: text/plain"], body="hello"), 415, "Unsupported Media Type", {"Accept": "application/sdp", "Accept-Encoding": "identity"}),
    ("INVITE with gzip SDP", dict(method="INVITE", extra=["Content-Type: application/sdp", "Content-Encoding: gzip"], body=SDP), 415, "Unsupported Media Type", {"Accept": "application/sdp"}),
    ("INVITE body with no Content-Type", dict(method="INVITE", body=SDP), 415, "Unsupported Media Type", {"Accept": "application/sdp"}),
    # 483: no hops left.
    ("INVITE with Max-Forwards 0", dict(method="INVITE", replace={"Max-Forwards": "0"}), 483, "Too Many Hops", {}),
    ("MESSAGE with Max-Forwards 0", dict(method="MESSAGE", replace={"Max-Forwards": "0"}), 483, "Too Many Hops", {}),
    # 513: a datagram over the documented 16 KiB limit.
    ("20 KB datagram", dict(extra=["X-Filler: " + "a" * 20000]), 513, "Message Too Large", {}),
    # Valid requests still get a final answer.
    ("OPTIONS with Max-Forwards 0 is for us", dict(replace={"Max-Forwards": "0"}), 200, None, {}),
    ("OPTIONS to a tel URI", dict(uri="tel:+861012345678"), 200, None, {}),
    ("OPTIONS to a sips URI, upper case scheme", dict(uri="SIPS:9196@127.0.0.1"), 200, None, {}),
    ("OPTIONS with Supported and Proxy-Require", dict(extra=["Supported: 100rel, timer", "Proxy-Require: x"]), 200, None, {}),
    ("an unknown method gets 405 with Allow", dict(method="FROBNICATE"), 405, None, {"Allow": None}),
]


def header(raw, name):
    for line in raw.split(b"\r\n\r\n", 1)[0].split(b"\r\n")[1:]:
        k, _, v = line.decode("latin-1").partition(":")
        if k.strip().lower() == name.lower():
            return v.strip()
    return None


def status_line(raw):
    return raw.split(b"\r\n", 1)[0].decode("latin-1")


def exchange(n, data, wait):
    """Sends data, collects every response to request n (by Via branch) until a final one (or wait s)."""
    s.sendto(data, (host, port))
    got = []
    deadline = time.monotonic() + wait
    while time.monotonic() < deadline:
        s.settimeout(max(0.01, deadline - time.monotonic()))
        try:
            raw = s.recv(65536)
        except socket.timeout:
            break
        if f"branch=z9hG4bK-g{n};" not in (header(raw, "Via") or ""):
            continue  # a retransmission for an earlier case
        got.append(raw)
        if int(raw.split(b" ", 2)[1]) >= 200:
            break
    return got


failures = 0
for n, (name, kw, expect, reason, headers) in enumerate(cases):
    got = exchange(n, build(n, **kw), 1.0 if expect else 0.6)
    codes = [int(r.split(b" ", 2)[1]) for r in got]
    final = got[-1] if got and codes[-1] >= 200 else None
    problems = []
    if expect is None and got:
        problems.append(f"expected no answer, got {codes}")
    if expect is not None:
        if final is None or codes[-1] != expect:
            problems.append(f"expected {expect}, got {codes}")
        elif reason and status_line(final).split(" ", 2)[2] != reason:
            problems.append(f"status line {status_line(final)!r}, wanted reason {reason!r}")
        if expect >= 300 and any(100 <= c < 300 for c in codes):
            problems.append(f"a 1xx-2xx before the refusal: {codes}")
        for h, v in headers.items():
            if final is not None and (header(final, h) is None or (v is not None and header(final, h) != v)):
                problems.append(f"{h}: {header(final, h)!r}, wanted {v!r}")
    status = "ok" if not problems else "FAIL"
    failures += bool(problems)
    print(f"{status}: {name}: {codes} {'; '.join(problems)}")

got = exchange("final", build("final"), 2.0)
last = got[-1].split(b"\r\n", 1)[0].decode() if got else "nothing"
print("after the refused ones, OPTIONS ->", last)
if not last.startswith("SIP/2.0 200"):
    failures += 1
print(f"{len(cases) + 1 - failures} passed, {failures} failed")
sys.exit(1 if failures else 0)
