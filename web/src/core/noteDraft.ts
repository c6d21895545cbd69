// The note being written (小记) and not yet saved: one box open at a time. It outlives the pop it
// was typed in (a new call replaces the ended pop), so the next call's notes can ask for it to be
// saved or discarded first instead of losing it.
import { useSyncExternalStore } from 'react';

export interface NoteDraft {
  /** The call it is for (as the phone bar names calls). */
  call: string;
  /** Its record id, once known: where the note goes once the call has ended. */
  record?: number;
  /** The customer's number, to name the call. */
  caller: string;
  text: string;
}

let draft: NoteDraft | null = null;
const listeners = new Set<() => void>();

export function setNoteDraft(next: NoteDraft | null): void {
  draft = next && next.text.length > 0 ? next : null;
  listeners.forEach((l) => l());
}

export function noteDraft(): NoteDraft | null {
  return draft;
}

/** The draft on another call that blocks writing notes on `call`, if any. */
export function blockedBy(d: NoteDraft | null, call: string): NoteDraft | null {
  return d && d.call !== call && d.text.trim().length > 0 ? d : null;
}

export function useNoteDraft(): NoteDraft | null {
  return useSyncExternalStore(
    (l) => {
      listeners.add(l);
      return () => listeners.delete(l);
    },
    () => draft,
    () => draft,
  );
}
