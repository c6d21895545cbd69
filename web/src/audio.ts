// WebAudio in the browser: one shared AudioContext (resumed on the first click, as autoplay
// policies want), the ringing tone, and a level meter for the microphone test. The maths is in
// core/ringer.ts and core/softphone.ts (rmsLevel).
import { CHINA_RING, ringSteps } from './core/ringer';
import { rmsLevel } from './core/softphone';

let shared: AudioContext | null = null;

/** The page's AudioContext, created on first use; `null` where WebAudio is missing. */
export function audioContext(): AudioContext | null {
  if (shared) return shared;
  const Ctor = window.AudioContext ?? (window as unknown as { webkitAudioContext?: typeof AudioContext }).webkitAudioContext;
  if (!Ctor) return null;
  shared = new Ctor();
  return shared;
}

/** Whether sound can play now (the context runs); updates on change. `true` without WebAudio. */
export function subscribeAudioUnlocked(listener: () => void): () => void {
  const ctx = audioContext();
  if (!ctx) return () => {};
  ctx.addEventListener('statechange', listener);
  return () => ctx.removeEventListener('statechange', listener);
}

export function audioUnlocked(): boolean {
  const ctx = audioContext();
  return !ctx || ctx.state === 'running';
}

/** Resumes the context on the first user gesture (a suspended context plays nothing). */
export function unlockAudioOnGesture(): () => void {
  const unlock = () => {
    const ctx = audioContext();
    if (ctx && ctx.state === 'suspended') void ctx.resume();
  };
  window.addEventListener('pointerdown', unlock, true);
  window.addEventListener('keydown', unlock, true);
  return () => {
    window.removeEventListener('pointerdown', unlock, true);
    window.removeEventListener('keydown', unlock, true);
  };
}

/** Rings (450 Hz, 1 s on, 4 s off) until the returned function is called. */
export function startRinging(): () => void {
  const ctx = audioContext();
  if (!ctx) return () => {};
  if (ctx.state === 'suspended') void ctx.resume().catch(() => {});
  const osc = ctx.createOscillator();
  const gain = ctx.createGain();
  osc.frequency.value = CHINA_RING.hz;
  gain.gain.value = 0;
  osc.connect(gain).connect(ctx.destination);
  const period = CHINA_RING.onSec + CHINA_RING.offSec;
  const cycles = 12;
  let next = ctx.currentTime + 0.05;
  const schedule = () => {
    for (const [t, v] of ringSteps(next, cycles)) gain.gain.setValueAtTime(v, t);
    next += cycles * period;
  };
  schedule();
  osc.start();
  // Schedule ahead once a minute (timers in hidden tabs run at most once a second).
  const timer = setInterval(schedule, ((cycles * period) / 2) * 1000);
  return () => {
    clearInterval(timer);
    gain.gain.cancelScheduledValues(0);
    gain.gain.setValueAtTime(0, ctx.currentTime);
    try {
      osc.stop();
    } catch {
      // already stopped
    }
    osc.disconnect();
    gain.disconnect();
  };
}

/** A level meter over a stream: `level()` reads the current loudness in [0, 1]. */
export function levelMeter(stream: MediaStream): { level: () => number; close: () => void } | null {
  const ctx = audioContext();
  if (!ctx) return null;
  if (ctx.state === 'suspended') void ctx.resume().catch(() => {});
  const source = ctx.createMediaStreamSource(stream);
  const analyser = ctx.createAnalyser();
  analyser.fftSize = 1024;
  source.connect(analyser);
  const buf = new Float32Array(analyser.fftSize);
  return {
    level: () => {
      analyser.getFloatTimeDomainData(buf);
      return rmsLevel(buf);
    },
    close: () => {
      source.disconnect();
      analyser.disconnect();
    },
  };
}
