// Who is signed in, kept in sync with the server through the events WebSocket.
import { createContext, useCallback, useContext, useEffect, useRef, useState, type ReactNode } from 'react';
import { App as AntApp } from 'antd';
import { useTranslation } from 'react-i18next';
import type { Event, Me } from './api/types';
import { api, unwrap } from './core/api';
import { connectEvents, type ConnectionState, type EventsConnection } from './core/events';
import { createBus, type Bus } from './core/store';

interface AuthValue {
  /** `undefined` while loading, `null` when signed out. */
  me: Me | null | undefined;
  connection: ConnectionState;
  /** Every event of the WebSocket, for the phone bar and the monitor. */
  events: Bus<Event>;
  /** Sends a message on the events WebSocket (WebRTC signalling); false when it is not open. */
  sendEvent: (msg: unknown) => boolean;
  /** Patchbay restarted (at this server time) while this page was connected: every agent was
   * signed out. `null` when not, or once dismissed. */
  restartedAt: number | null;
  dismissRestart: () => void;
  login: (enterprise: string, workId: string, password: string) => Promise<Me>;
  logout: () => Promise<void>;
}

const AuthContext = createContext<AuthValue | null>(null);

export function AuthProvider({ children }: { children: ReactNode }) {
  const [me, setMe] = useState<Me | null | undefined>(undefined);
  const [connection, setConnection] = useState<ConnectionState>('closed');
  const [events] = useState(() => createBus<Event>());
  const { message } = AntApp.useApp();
  const { t } = useTranslation();
  const socket = useRef<EventsConnection | null>(null);
  const sendEvent = useCallback((msg: unknown) => socket.current?.send(msg) ?? false, []);
  // When the server this page talks to started: another value on a reconnection is a restart.
  const serverStarted = useRef<number | null>(null);
  const [restartedAt, setRestartedAt] = useState<number | null>(null);
  const dismissRestart = useCallback(() => setRestartedAt(null), []);

  // A sign-in or sign-out since the page asked who it is makes the late answer stale (it
  // named the session of the cookie sent then).
  const changedSince = useRef(0);
  useEffect(() => {
    const asked = changedSince.current;
    const settle = (who: Me | null) => {
      if (changedSince.current === asked) setMe(who);
    };
    api.GET('/api/v1/me').then((r) => settle(r.response.ok && r.data ? r.data : null), () => settle(null));
  }, []);

  const signedIn = me ? me.id : null;
  useEffect(() => {
    if (signedIn === null) return undefined;
    const conn = connectEvents({
      onEvent: (ev) => {
        events.emit(ev);
        if (ev.type === 'user_changed' || ev.type === 'hello') setMe(ev.me);
        if (ev.type === 'hello') {
          if (serverStarted.current !== null && serverStarted.current !== ev.server_started_at) setRestartedAt(ev.server_started_at);
          serverStarted.current = ev.server_started_at;
        }
        if (ev.type === 'session_revoked') {
          setMe(null);
          void message.warning(t('errors.session_ended'));
        }
      },
      onState: setConnection,
      onSessionEnded: () => setMe(null),
    });
    socket.current = conn;
    return () => {
      conn.close();
      if (socket.current === conn) socket.current = null;
    };
  }, [signedIn, message, t, events]);

  const login = useCallback(async (enterprise: string, workId: string, password: string) => {
    const res = unwrap(await api.POST('/api/v1/auth/login', { body: { enterprise, work_id: workId, password } }));
    changedSince.current += 1;
    setMe(res.me);
    return res.me;
  }, []);

  const logout = useCallback(async () => {
    await api.POST('/api/v1/auth/logout');
    changedSince.current += 1;
    setMe(null);
  }, []);

  return <AuthContext.Provider value={{ me, connection, events, sendEvent, restartedAt, dismissRestart, login, logout }}>{children}</AuthContext.Provider>;
}

export function useAuth(): AuthValue {
  const v = useContext(AuthContext);
  if (!v) throw new Error('useAuth outside AuthProvider');
  return v;
}
