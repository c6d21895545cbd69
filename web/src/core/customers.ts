// Customers and scheduled callbacks without a UI framework: the numbers typed into a form, and
// which callbacks are due (for the phone bar's list and its desktop notifications).
import type { Callback } from '../api/types';

/** The numbers of a text box: one a line (commas and spaces also separate), empties dropped. */
export function parseNumbers(text: string): string[] {
  return text
    .split(/[\n,;\s]+/)
    .map((n) => n.trim())
    .filter((n) => n.length > 0);
}

/** Pending callbacks whose time has come (`now`, server time) and that were not announced yet. */
export function dueCallbacks(callbacks: Callback[], now: number, announced: ReadonlySet<number>): Callback[] {
  return callbacks.filter((c) => c.state === 'pending' && c.due_at <= now && !announced.has(c.id));
}

/** Milliseconds until the next pending callback falls due after `now`; `null` when none will. */
export function nextDueIn(callbacks: Callback[], now: number): number | null {
  const later = callbacks.filter((c) => c.state === 'pending' && c.due_at > now).map((c) => c.due_at - now);
  return later.length === 0 ? null : Math.min(...later);
}

/** Whether a pending callback's time has passed (shown as overdue until its day ends). */
export function isOverdue(c: Callback, now: number): boolean {
  return c.state === 'pending' && c.due_at < now;
}
