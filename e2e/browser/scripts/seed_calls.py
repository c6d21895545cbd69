#!/usr/bin/env python3
"""Seeds call records and one stereo recording into a running Patchbay's SQLite database.

Usage: seed_calls.py DATA_DIR. Prints a JSON object naming what it made. Only the standard
library: the browser test runs it with Debian's python3. The rows are what the engine writes
for real calls (same columns and values); the recording is a stereo WAV with different tones
on the customer (left) and agent (right) channels at different times.
"""
import json
import math
import os
import sqlite3
import struct
import sys
import time
import wave

data_dir = sys.argv[1]
db = sqlite3.connect(os.path.join(data_dir, "patchbay.db"), timeout=10)
(enterprise,) = db.execute("SELECT id FROM enterprises WHERE code = 'demo'").fetchone()
users = dict(db.execute("SELECT work_id, id FROM users WHERE enterprise_id = ?", (enterprise,)))
groups = {name.split()[0]: gid for gid, name in db.execute("SELECT id, name FROM skill_groups WHERE enterprise_id = ?", (enterprise,))}

# A 12 s stereo recording: customer speaks (300 Hz) at 0–3 s and 6–8 s, agent (600 Hz) at 3–6 s
# and 9–11 s, silence elsewhere.
rate = 8000
rec_dir = os.path.join(data_dir, "recordings")
os.makedirs(rec_dir, exist_ok=True)
recording = "seeded-call.wav"
with wave.open(os.path.join(rec_dir, recording), "wb") as w:
    w.setnchannels(2)
    w.setsampwidth(2)
    w.setframerate(rate)
    frames = bytearray()
    for i in range(rate * 12):
        t = i / rate
        left = 0.6 * math.sin(2 * math.pi * 300 * t) if (t < 3 or 6 <= t < 8) else 0.0
        right = 0.4 * math.sin(2 * math.pi * 600 * t) if (3 <= t < 6 or 9 <= t < 11) else 0.0
        frames += struct.pack("<hh", int(left * 32767), int(right * 32767))
    w.writeframes(bytes(frames))

now = int(time.time() * 1000)
hour = 3_600_000
# (key, direction, caller, callee, agent, group, start offset h, answered after s, talk s, result, failure, side, recording)
rows = [
    ("s1", "inbound", "13800138001", "4008000000", "1001", "Sales", 1, 8, 12, "answered", None, "customer", recording),
    ("s2", "inbound", "13900139002", "4008000000", "1001", "Support", 5, 12, 125, "answered", None, "agent", None),
    ("s3", "agent_outbound", "4008000000", "13700137003", "1002", None, 3, 6, 31, None, None, "agent", None),
    ("s4", "inbound", "13600136004", "4008000000", None, "Sales", 2, None, 0, "missed", None, "customer", None),
    ("s5", "inbound", "02161234505", "4008000000", None, "Support", 7, None, 0, "abandoned", None, "customer", None),
    ("s6", "agent_outbound", "4008000000", "13500135006", "1001", None, 4, None, 0, None, "busy", "system", None),
    ("s7", "inbound", "+8613800138007", "4008000000", "1002", "Support", 6, 4, 58, "answered", None, "customer", None),
    ("s8", "inbound", "13800138008", "4008000000", "1001", "Sales", 30, 3, 7, "answered", None, "customer", None),
]
made = {}
for key, direction, caller, callee, agent, group, ago, answer_after, talk, result, failure, side, rec in rows:
    started = now - ago * hour
    answered = started + answer_after * 1000 if answer_after is not None else None
    ended = (answered or started + 20_000) + talk * 1000
    cur = db.execute(
        "INSERT INTO calls (enterprise_id, call_key, direction, caller, callee, enterprise_number, agent_id, "
        "started_at, answered_at, ended_at, failure, hangup_side, recording, result, skill_group_id, queued_at) "
        "VALUES (?, ?, ?, ?, ?, '4008000000', ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (enterprise, f"seed-{key}", direction, caller, callee, users.get(agent), started, answered, ended,
         failure, side, rec, result, groups.get(group), started + 2000 if group else None),
    )
    made[key] = cur.lastrowid
db.commit()
print(json.dumps({"calls": made, "recording": recording, "now": now}))
