#!/usr/bin/env python3
"""Listens on Patchbay's events WebSocket and writes every JSON message to a file, one per line.

Usage: ws_listen.py HOST:PORT TOKEN OUT_FILE SECONDS
A plain-socket client (RFC 6455, text frames only) so the SIP end-to-end tests need nothing
beyond python3; it stops after SECONDS or when the server closes.
"""
import base64
import os
import socket
import sys
import time


def read_exact(sock, n):
    buf = b""
    while len(buf) < n:
        chunk = sock.recv(n - len(buf))
        if not chunk:
            raise EOFError
        buf += chunk
    return buf


def main():
    hostport, token, out, seconds = sys.argv[1], sys.argv[2], sys.argv[3], float(sys.argv[4])
    host, port = hostport.rsplit(":", 1)
    sock = socket.create_connection((host, int(port)))
    key = base64.b64encode(os.urandom(16)).decode()
    sock.sendall(
        (
            f"GET /api/v1/events?token={token} HTTP/1.1\r\nHost: {hostport}\r\n"
            "Upgrade: websocket\r\nConnection: Upgrade\r\n"
            f"Sec-WebSocket-Key: {key}\r\nSec-WebSocket-Version: 13\r\n\r\n"
        ).encode()
    )
    head = b""
    while b"\r\n\r\n" not in head:
        head += sock.recv(1)
    if b" 101 " not in head.split(b"\r\n")[0]:
        sys.exit(f"no WebSocket: {head.decode(errors='replace')}")
    deadline = time.time() + seconds
    with open(out, "w", encoding="utf-8") as f:
        while time.time() < deadline:
            sock.settimeout(max(0.1, deadline - time.time()))
            try:
                b0, b1 = read_exact(sock, 2)
            except (socket.timeout, EOFError):
                break
            length = b1 & 0x7F
            if length == 126:
                length = int.from_bytes(read_exact(sock, 2), "big")
            elif length == 127:
                length = int.from_bytes(read_exact(sock, 8), "big")
            payload = read_exact(sock, length)
            opcode = b0 & 0x0F
            if opcode == 8:
                break
            if opcode == 1:
                f.write(payload.decode("utf-8") + "\n")
                f.flush()


if __name__ == "__main__":
    main()
