// The signed-in agent's phone bar state for the whole app: one store fed by the events
// WebSocket from the moment of sign-in (the first `presence` and `queues` come right after
// `hello`, before any page may be open), plus the API calls that change it.
import { createContext, useCallback, useContext, useEffect, useMemo, useState, useSyncExternalStore, type ReactNode } from 'react';
import type { MissedCall, PresenceChange } from './api/types';
import { useAuth } from './auth';
import { api, unwrap } from './core/api';
import { initialPhoneBar, phoneBarReducer, type PhoneBarAction, type PhoneBarState } from './core/presence';
import { createStore, type Store } from './core/store';
import { initialTranscript, transcriptReducer, type TranscriptAction, type TranscriptState } from './core/transcript';

/** What the agent does with their call from the phone bar (`POST /me/call/{action}`). */
export type CallAction = 'answer' | 'reject' | 'hangup' | 'hold' | 'resume';

interface CtiStores {
  phoneBar: Store<PhoneBarState, PhoneBarAction>;
  transcript: Store<TranscriptState, TranscriptAction>;
}

const CtiContext = createContext<CtiStores | null>(null);

export function CtiProvider({ children }: { children: ReactNode }) {
  const { me, events } = useAuth();
  const [stores] = useState<CtiStores>(() => ({
    phoneBar: createStore(phoneBarReducer, initialPhoneBar),
    transcript: createStore(transcriptReducer, initialTranscript),
  }));
  // Subscribed before the WebSocket opens: effects of children run before their parent's.
  useEffect(
    () =>
      events.subscribe((event) => {
        stores.phoneBar.dispatch({ type: 'event', event, at: Date.now() });
        stores.transcript.dispatch({ type: 'event', event });
      }),
    [events, stores],
  );
  const userId = me ? me.id : null;
  useEffect(() => {
    if (userId === null) {
      stores.phoneBar.dispatch({ type: 'reset' });
      stores.transcript.dispatch({ type: 'reset' });
    }
  }, [userId, stores]);
  return <CtiContext.Provider value={stores}>{children}</CtiContext.Provider>;
}

function useStores(): CtiStores {
  const s = useContext(CtiContext);
  if (!s) throw new Error('useStore outside CtiProvider');
  return s;
}

/** Dispatches a local phone bar action (e.g. closing the ended pop). */
export function useCtiDispatch(): (action: PhoneBarAction) => void {
  return useStore().dispatch;
}

function useStore(): Store<PhoneBarState, PhoneBarAction> {
  return useStores().phoneBar;
}

/** The live transcript of the agent's call, re-rendering on every change. */
export function useTranscript(): TranscriptState {
  const store = useStores().transcript;
  return useSyncExternalStore(store.subscribe, store.getState);
}

/** Switches live transcription of the agent's current call; throws an `ApiFailure`. */
export function useTranscriptionSwitch(): (call: string, on: boolean) => Promise<void> {
  const store = useStores().transcript;
  return useCallback(
    async (call: string, on: boolean) => {
      unwrap(await api.POST('/api/v1/me/call/transcription', { body: { on } }));
      store.dispatch({ type: 'switched', call, on });
    },
    [store],
  );
}

/** The phone bar's state, re-rendering on every change. */
export function usePhoneBar(): PhoneBarState {
  const store = useStore();
  return useSyncExternalStore(store.subscribe, store.getState);
}

/** Where a blind transfer goes: a skill group's queue, one colleague, a number outside, or an IVR entry. */
export type TransferTarget = { group: number } | { agent: number } | { number: string } | { ivr: string };

/** Whom a consult calls: one colleague, or a number outside. */
export type ConsultTarget = { agent: number } | { group: number } | { number: string };
export type ConsultStep = 'complete' | 'join' | 'cancel';

export interface PhoneActions {
  /** Reloads presence, queues and missed calls from the API. */
  refresh: () => Promise<void>;
  changePresence: (change: PresenceChange) => Promise<void>;
  callAction: (action: CallAction, call?: string | null) => Promise<void>;
  /** Transfers the customer (blind) to a skill group's queue or a colleague. */
  transfer: (to: TransferTarget) => Promise<void>;
  /** Consults a colleague or a number while the customer holds. */
  consult: (to: ConsultTarget) => Promise<void>;
  /** Completes (attended transfer), joins (three-way) or cancels the consult under way. */
  consultStep: (step: ConsultStep) => Promise<void>;
  /** Calls `number` (rings the desk phone first); a call-back marks that caller's reminders. */
  dial: (number: string, callerNumber?: string | null) => Promise<void>;
  markHandled: (m: MissedCall) => Promise<void>;
}

/** The API calls of the phone bar; each throws an `ApiFailure` for the caller to show. */
export function usePhoneActions(): PhoneActions {
  const store = useStore();
  const { dispatch } = store;
  const loadMissed = useCallback(async () => {
    dispatch({ type: 'missed_calls', missed: unwrap(await api.GET('/api/v1/me/missed-calls')) });
  }, [dispatch]);
  const refresh = useCallback(async () => {
    const [presence, queues] = await Promise.all([api.GET('/api/v1/me/presence'), api.GET('/api/v1/me/queues')]);
    const at = Date.now();
    dispatch({ type: 'event', event: { type: 'presence', presence: unwrap(presence) }, at });
    dispatch({ type: 'event', event: { type: 'queues', queues: unwrap(queues) }, at });
    await loadMissed();
  }, [dispatch, loadMissed]);
  const changePresence = useCallback(
    async (change: PresenceChange) => {
      const presence = unwrap(await api.PUT('/api/v1/me/presence', { body: change }));
      dispatch({ type: 'event', event: { type: 'presence', presence }, at: Date.now() });
    },
    [dispatch],
  );
  const callAction = useCallback(async (action: CallAction, call?: string | null) => {
    unwrap(await api.POST('/api/v1/me/call/{action}', { params: { path: { action } }, body: { call: call ?? null } }));
  }, []);
  const transfer = useCallback(async (to: TransferTarget) => {
    const body = 'group' in to ? { group_id: to.group } : 'agent' in to ? { agent_id: to.agent } : 'ivr' in to ? { ivr_number: to.ivr } : { number: to.number };
    unwrap(await api.POST('/api/v1/me/call/transfer', { body }));
  }, []);
  const consult = useCallback(async (to: ConsultTarget) => {
    const body = 'agent' in to ? { agent_id: to.agent } : 'group' in to ? { group_id: to.group } : { number: to.number };
    unwrap(await api.POST('/api/v1/me/call/consult', { body }));
  }, []);
  const consultStep = useCallback(async (step: ConsultStep) => {
    unwrap(await api.POST('/api/v1/me/call/consult/{step}', { params: { path: { step } } }));
  }, []);
  const dial = useCallback(
    async (number: string, callerNumber?: string | null) => {
      const placed = unwrap(await api.POST('/api/v1/me/dial', { body: { number, caller_number: callerNumber ?? null } }));
      // The phone bar shows the number being called (and Hang up) while it rings.
      dispatch({ type: 'dialing', call: String(placed.call_id), number });
      dispatch({ type: 'called_back', number, at: Date.now() + store.getState().clockOffset });
      await loadMissed();
    },
    [dispatch, loadMissed, store],
  );
  const markHandled = useCallback(
    async (m: MissedCall) => {
      unwrap(await api.POST('/api/v1/me/missed-calls/{id}/handled', { params: { path: { id: m.id } } }));
      dispatch({ type: 'missed_handled', id: m.id, at: Date.now() + store.getState().clockOffset });
    },
    [dispatch, store],
  );
  return useMemo(
    () => ({ refresh, changePresence, callAction, transfer, consult, consultStep, dial, markHandled }),
    [refresh, changePresence, callAction, transfer, consult, consultStep, dial, markHandled],
  );
}
