// Reconnect delays for the events WebSocket: exponential with a cap and jitter.

/** Delay before reconnect attempt `attempt` (0-based), in ms. `random` in [0, 1). */
export function backoffDelay(attempt: number, random: number, baseMs = 500, capMs = 30_000): number {
  const exp = Math.min(capMs, baseMs * 2 ** Math.max(0, attempt));
  // Full jitter on the upper half so many clients do not reconnect in lockstep.
  return Math.round(exp / 2 + (exp / 2) * random);
}
