// Whom the agent can transfer to or consult: signed-in colleagues (free or not) and the IVR
// entries. Loaded when the call starts and again each time a menu of them is opened (a
// colleague may have signed in or become free meanwhile); the menu opens once that answer is
// in, so it does not grow or move under the pointer.
import { useCallback, useEffect, useRef, useState } from 'react';
import type { Colleague, IvrEntry } from '../../api/types';
import { api, unwrap } from '../../core/api';

function same<T>(a: T, b: T): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

export function useTransferTargets(call: string | undefined, active: boolean) {
  const [colleagues, setColleagues] = useState<Colleague[]>([]);
  const [entries, setEntries] = useState<IvrEntry[]>([]);
  const live = useRef(true);
  useEffect(() => {
    live.current = true;
    return () => {
      live.current = false;
    };
  }, []);
  const refresh = useCallback(async () => {
    await Promise.all([
      api
        .GET('/api/v1/me/colleagues')
        .then((r) => {
          const next = unwrap(r);
          if (live.current) setColleagues((old) => (same(old, next) ? old : next));
        })
        .catch(() => undefined),
      api
        .GET('/api/v1/me/ivr-entries')
        .then((r) => {
          const next = unwrap(r);
          if (live.current) setEntries((old) => (same(old, next) ? old : next));
        })
        .catch(() => undefined),
    ]);
  }, []);
  useEffect(() => {
    if (call && active) void refresh();
  }, [call, active, refresh]);
  return { colleagues, entries, refresh };
}

/** A dropdown's open state that opens only after `refresh` has answered (or failed). */
export function useOpenAfter(refresh: () => Promise<void>) {
  const [open, setOpen] = useState(false);
  const onOpenChange = (next: boolean) => {
    if (!next) setOpen(false);
    else void refresh().finally(() => setOpen(true));
  };
  return { open, onOpenChange };
}
