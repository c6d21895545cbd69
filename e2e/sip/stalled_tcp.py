"""A TCP peer that stops reading must not freeze signalling: sipp calls the echo number over UDP
(baseline), then again while another client has opened a TCP connection to Patchbay's SIP port,
sent 2,000 OPTIONS and never reads the answers. Prints sipp's call set-up times (INVITE to 200)
of both runs and whether Patchbay closed the stalled connection; fails when a call does not
complete or a set-up takes longer than 2 s.
Usage: python3 stalled_tcp.py HOST PORT"""
import glob
import os
import socket
import subprocess
import sys
import tempfile
import threading
import time

host, port = sys.argv[1], int(sys.argv[2])
CALLS = 5
BOUND_MS = 2000


def sipp_setup_times(label):
    """Runs sipp's stock UAC to 9196 over UDP; returns its set-up times in ms (or exits)."""
    with tempfile.TemporaryDirectory() as work:
        cmd = ["sipp", "-nostdin", "-timeout", "20", "-timeout_error", "-sn", "uac",
               f"{host}:{port}", "-s", "9196", "-m", str(CALLS), "-r", "5", "-d", "200",
               "-t", "u1", "-trace_rtt", "-rtt_freq", "1"]
        started = time.monotonic()
        run = subprocess.run(cmd, cwd=work, capture_output=True, text=True)
        took = time.monotonic() - started
        times = []
        for path in glob.glob(os.path.join(work, "*_rtt.csv")):
            with open(path) as f:
                for line in f.read().splitlines()[1:]:
                    fields = line.split(";")
                    if len(fields) >= 2 and fields[1]:
                        times.append(int(float(fields[1])))
        print(f"{label}: sipp exit {run.returncode} after {took:.1f} s, "
              f"{len(times)} of {CALLS} calls set up, "
              f"set-up ms: {', '.join(str(t) for t in times) or 'none'}")
        if run.returncode != 0 or len(times) != CALLS:
            print(run.stdout[-2000:], run.stderr[-2000:])
            sys.exit(f"FAIL: {label}: the calls did not all complete")
        return times


# Proxies' Via headers come back in every answer: 2,000 answers of 4 kB are more than the
# kernel's socket buffers take (up to 4 MB on Linux), so Patchbay's writes really wait.
PROXIES = [f"Via: SIP/2.0/TCP 192.0.2.{k}:5060;branch=z9hG4bK-proxy-{k};x={'p' * 100}"
           for k in range(1, 31)]


def options(n, local_port):
    return ("\r\n".join([
        f"OPTIONS sip:9196@{host}:{port} SIP/2.0",
        f"Via: SIP/2.0/TCP 127.0.0.1:{local_port};branch=z9hG4bK-stall-{n}",
    ] + PROXIES + [
        "Max-Forwards: 70",
        f"From: <sip:stall@127.0.0.1>;tag=stall{n}",
        "To: <sip:9196@127.0.0.1>",
        f"Call-ID: stall-{n}@127.0.0.1",
        "CSeq: 1 OPTIONS",
        "Content-Length: 0",
    ]) + "\r\n\r\n").encode()


baseline = sipp_setup_times("without the stalled TCP client")

# A small receive buffer keeps the kernel from soaking up Patchbay's answers for us.
bad = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
bad.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
bad.connect((host, port))
local_port = bad.getsockname()[1]
sent = [0]


def flood():
    try:
        for n in range(2000):
            bad.sendall(options(n, local_port))
            sent[0] += 1
    except OSError:
        pass  # Patchbay closed the connection (what it should do sooner or later)


writer = threading.Thread(target=flood, daemon=True)
writer.start()
writer.join(timeout=2.0)
print(f"stalled client sent {sent[0]} OPTIONS and reads nothing")
stalled = sipp_setup_times("with the stalled TCP client")
# Patchbay's writes time out after 5 s: after 6 s of not reading, draining what the kernel holds
# should end in the connection's close (printed, not asserted).
time.sleep(6)
bad.settimeout(2.0)
closed = False
try:
    while bad.recv(65536):
        pass
    closed = True
except socket.timeout:
    pass
except OSError:
    closed = True
print(f"Patchbay closed the stalled connection: {'yes' if closed else 'no'}")
worst = max(stalled)
print(f"set-up ms, mean without / with: {sum(baseline) / len(baseline):.1f} / "
      f"{sum(stalled) / len(stalled):.1f}; worst with: {worst:.1f}")
assert worst < BOUND_MS, f"a call took {worst:.0f} ms to set up"
