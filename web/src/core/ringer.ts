// The ringing tone's cadence (China: 450 Hz, 1 s on, 4 s off), as gain steps to schedule on a
// WebAudio GainNode. Pure: times are AudioContext seconds.

export interface RingCadence {
  hz: number;
  onSec: number;
  offSec: number;
  /** Gain while on (0–1). */
  level: number;
}

export const CHINA_RING: RingCadence = { hz: 450, onSec: 1, offSec: 4, level: 0.2 };

/** Gain steps `[time, gain]` for `cycles` rings from `start`: on, then off, per cycle. */
export function ringSteps(start: number, cycles: number, c: RingCadence = CHINA_RING): [number, number][] {
  const steps: [number, number][] = [];
  for (let i = 0; i < cycles; i++) {
    const t = start + i * (c.onSec + c.offSec);
    steps.push([t, c.level], [t + c.onSec, 0]);
  }
  return steps;
}
