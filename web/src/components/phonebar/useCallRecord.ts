// The record id of the call the agent talks on, learned once it connects, so its notes can
// still be written from the ended pop after it ends.
import { useEffect } from 'react';
import { api, unwrap } from '../../core/api';
import { useCtiDispatch } from '../../cti';

export function useCallRecord(call: string | undefined, active: boolean) {
  const dispatch = useCtiDispatch();
  useEffect(() => {
    if (!call || !active) return;
    let stop = false;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const fetchRecord = (tries: number) => {
      api
        .GET('/api/v1/me/call/record')
        .then((r) => {
          if (!stop) dispatch({ type: 'call_record', call, record: unwrap(r).call_id });
        })
        .catch(() => {
          // The record may be a moment behind the call: try again a few times.
          if (!stop && tries > 1) timer = setTimeout(() => fetchRecord(tries - 1), 1_000);
        });
    };
    fetchRecord(3);
    return () => {
      stop = true;
      if (timer) clearTimeout(timer);
    };
  }, [call, active, dispatch]);
}
