// The events WebSocket client: connects, delivers JSON events, reconnects with back-off.
import type { Event } from '../api/types';
import { backoffDelay } from './backoff';

export type ConnectionState = 'connecting' | 'open' | 'closed';

export interface EventsOptions {
  onEvent: (event: Event) => void;
  onState: (state: ConnectionState) => void;
  /** Called when the server closed the socket because the session ended: do not reconnect. */
  onSessionEnded: () => void;
  url?: string;
}

/** Close code the server uses when the session was revoked. */
export const SESSION_REVOKED_CLOSE = 4001;

export function eventsUrl(location: { protocol: string; host: string }): string {
  const scheme = location.protocol === 'https:' ? 'wss:' : 'ws:';
  return `${scheme}//${location.host}/api/v1/events`;
}

export interface EventsConnection {
  /** Stops the connection for good. */
  close: () => void;
  /** Sends a JSON message (WebRTC signalling); false when the socket is not open. */
  send: (msg: unknown) => boolean;
}

/** Starts the connection. */
export function connectEvents(opts: EventsOptions): EventsConnection {
  let attempt = 0;
  let socket: WebSocket | undefined;
  let timer: ReturnType<typeof setTimeout> | undefined;
  let stopped = false;
  const url = opts.url ?? eventsUrl(window.location);

  const open = () => {
    if (stopped) return;
    opts.onState('connecting');
    const ws = new WebSocket(url);
    socket = ws;
    ws.onopen = () => {
      attempt = 0;
      opts.onState('open');
    };
    ws.onmessage = (msg) => {
      try {
        opts.onEvent(JSON.parse(String(msg.data)) as Event);
      } catch {
        // A malformed frame is ignored; the next one may be fine.
      }
    };
    ws.onclose = (ev) => {
      opts.onState('closed');
      if (stopped) return;
      if (ev.code === SESSION_REVOKED_CLOSE) {
        opts.onSessionEnded();
        return;
      }
      timer = setTimeout(open, backoffDelay(attempt++, Math.random()));
    };
  };
  open();
  return {
    close: () => {
      stopped = true;
      if (timer) clearTimeout(timer);
      socket?.close();
    },
    send: (msg) => {
      if (!socket || socket.readyState !== WebSocket.OPEN) return false;
      socket.send(JSON.stringify(msg));
      return true;
    },
  };
}
