// Waiting on events instead of sleeping, for the browser tests.

/**
 * Polls `probe()` every 50 ms until `ok(value)` holds and returns that value; throws with the last
 * value after `timeout` ms. For waiting on an event instead of sleeping.
 */
export async function eventually(probe, ok = Boolean, { timeout = 5_000, what = 'the condition' } = {}) {
  const deadline = Date.now() + timeout;
  for (;;) {
    const value = await probe();
    if (ok(value)) return value;
    if (Date.now() > deadline) throw new Error(`${what} did not happen in ${timeout} ms; last: ${JSON.stringify(value)}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}
