// Client-side checks that mirror the server's, so forms say what is wrong before a round trip.

export const WORK_ID_RE = /^[A-Za-z0-9]{1,20}$/;
export const MOBILE_RE = /^\+?[0-9]{5,20}$/;

export function isValidWorkId(v: string): boolean {
  return WORK_ID_RE.test(v.trim());
}

export function isValidMobile(v: string): boolean {
  const t = v.trim();
  return t === '' || (MOBILE_RE.test(t) && t.length <= 20);
}

/** Minutes (rounded up) until a lock ends, never negative. */
export function minutesUntil(untilMs: number, nowMs: number): number {
  return Math.max(0, Math.ceil((untilMs - nowMs) / 60_000));
}
