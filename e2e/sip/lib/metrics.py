#!/usr/bin/env python3
"""Scrapes Patchbay's /metrics, parses it as the Prometheus text format (Debian's
python3-prometheus-client, the reference parser) and checks conditions on it.

Usage: metrics.py URL 'NAME OP VALUE' ...   e.g. 'patchbay_calls_answered_total > 0'
A condition holds when any sample of that name (any labels) satisfies it; every sample checked
is printed. Exits non-zero when the text does not parse or a condition fails.
"""
import operator
import sys
import urllib.request

from prometheus_client.parser import text_string_to_metric_families

OPS = {">": operator.gt, ">=": operator.ge, "==": operator.eq}

url, conditions = sys.argv[1], sys.argv[2:]
text = urllib.request.urlopen(url, timeout=10).read().decode()
samples = {}
for family in text_string_to_metric_families(text):
    for s in family.samples:
        samples.setdefault(s.name, []).append((s.labels, s.value))
failed = []
for cond in conditions:
    name, op, want = cond.split()
    got = samples.get(name, [])
    shown = ", ".join(f"{dict(labels) or ''} {value:g}" for labels, value in got) or "no sample"
    ok = any(OPS[op](value, float(want)) for _, value in got)
    print(f"{'ok' if ok else 'FAIL'}: {cond}: {shown}")
    if not ok:
        failed.append(cond)
sys.exit(f"failed: {failed}" if failed else 0)
