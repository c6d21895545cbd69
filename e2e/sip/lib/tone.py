#!/usr/bin/env python3
"""Checks that a channel of a WAV file carries a tone: loud enough, and at HZ rather than at
OTHER_HZ (Goertzel power ratio). Prints what it measured; exits 1 when the tone is not there.

Usage: tone.py WAV CHANNEL HZ OTHER_HZ [--window loudest|middle|end] [--seconds S]
               [--min-rms N] [--ratio R]
CHANNEL is left, right or mono (mono files: mono). The window is the loudest S seconds (default),
the S seconds in the middle, or the S seconds ending half a second before the end (the last
moments of a call before its hang-up).
"""
import argparse
import array
import math
import sys
import wave


def goertzel(x, f, rate):
    k = 2 * math.cos(2 * math.pi * f / rate)
    a = b = 0.0
    for v in x:
        a, b = v + k * a - b, a
    return a * a + b * b - k * a * b


def rms(x):
    return math.sqrt(sum(v * v for v in x) / max(1, len(x)))


def main():
    p = argparse.ArgumentParser()
    p.add_argument("wav")
    p.add_argument("channel", choices=["left", "right", "mono"])
    p.add_argument("hz", type=float)
    p.add_argument("other_hz", type=float)
    p.add_argument("--window", choices=["loudest", "middle", "end"], default="loudest")
    p.add_argument("--seconds", type=float, default=1.0)
    p.add_argument("--min-rms", type=float, default=500)
    p.add_argument("--ratio", type=float, default=100)
    a = p.parse_args()
    w = wave.open(a.wav)
    rate, channels = w.getframerate(), w.getnchannels()
    s = array.array("h", w.readframes(w.getnframes()))
    if a.channel == "mono" and channels != 1:
        sys.exit(f"{a.wav}: {channels} channels, not mono")
    if a.channel != "mono" and channels != 2:
        sys.exit(f"{a.wav}: {channels} channels, not stereo")
    x = s if channels == 1 else s[{"left": 0, "right": 1}[a.channel] :: 2]
    n = int(a.seconds * rate)
    if len(x) < n:
        print(f"{a.wav}: only {len(x) / rate:.2f} s")
        sys.exit(1)
    if a.window == "middle":
        start = (len(x) - n) // 2
    elif a.window == "end":
        start = max(0, len(x) - n - rate // 2)
    else:
        step = max(1, rate // 4)
        start = max(range(0, len(x) - n + 1, step), key=lambda i: sum(abs(v) for v in x[i : i + n : 8]))
    y = x[start : start + n]
    level = rms(y)
    ratio = goertzel(y, a.hz, rate) / max(goertzel(y, a.other_hz, rate), 1.0)
    print(
        f"{a.channel} channel, {a.window} {a.seconds:g} s of {len(x) / rate:.1f} s (from {start / rate:.1f} s): "
        f"RMS {level:.0f} (min {a.min_rms:g}), {a.hz:g} Hz/{a.other_hz:g} Hz power {ratio:.0f} (min {a.ratio:g})"
    )
    sys.exit(0 if level >= a.min_rms and ratio >= a.ratio else 1)


if __name__ == "__main__":
    main()
