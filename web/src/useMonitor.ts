// The real-time monitor's live state for a page: the snapshot from `GET /monitor` on opening and
// again after each reconnect of the events WebSocket (events sent meanwhile were lost), kept
// live by the monitor events. The monitor page and the wallboard share it.
import { useEffect, useState, useSyncExternalStore } from 'react';
import { useAuth } from './auth';
import { api, unwrap } from './core/api';
import { initialMonitor, monitorReducer, type MonitorState } from './core/monitor';
import { createStore } from './core/store';
import { useShowError } from './errors';

export function useMonitor(): MonitorState {
  const { events, connection } = useAuth();
  const showError = useShowError();
  const [store] = useState(() => createStore(monitorReducer, initialMonitor));
  const state = useSyncExternalStore(store.subscribe, store.getState);

  useEffect(() => events.subscribe((event) => store.dispatch({ type: 'event', event, at: Date.now() })), [events, store]);
  const isOpen = connection === 'open';
  useEffect(() => {
    let live = true;
    api
      .GET('/api/v1/monitor')
      .then((r) => {
        const monitor = unwrap(r);
        if (live) store.dispatch({ type: 'snapshot', monitor, at: Date.now() });
      })
      .catch(showError);
    return () => {
      live = false;
    };
  }, [isOpen, store, showError]);
  return state;
}
