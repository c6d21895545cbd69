// The phone bar's state (电话条), fed by the events WebSocket and by API answers: presence,
// queue lengths, the ringing offer, the connected call and missed-call reminders. Pure: every
// action carries the local time it was received at, and views ask for figures "as of now".
import type { Event, LoginState, MissedCall, Offer, PhoneState, Presence, QueueLength, TodayFigures } from '../api/types';

/** The call the agent is on, as `call_connected` told it. */
export interface ActiveCall {
  call: string;
  caller: string;
  /** Since when (server ms) the customer is on hold; absent when not on hold. */
  heldSince?: number | null;
  /** The offer it was answered from (name, location, history, dialed number, group); `null`
   * for a call the agent dialed. */
  offer: Offer | null;
  /** The consult on the call, while one runs. */
  consult?: ConsultView | null;
  /** How the agent's last consult ended (a notice until the next one). */
  consultEnded?: { party: string; reason: string } | null;
  /** This user supervises the call: whose it is and the latest step (`listen`, `whisper`,
   * `barge`). */
  supervising?: { agent: number; agentName: string; step: string } | null;
  /** The call's record id (for its notes, during and after the call), once known. */
  record?: number;
  /** The agent placed the call and the customer has not answered yet: it can only be hung up
   * (its `call_connected` clears this). */
  dialing?: boolean;
  /** A campaign call the dialer placed: the campaign's and the customer's names. */
  campaign?: { name: string; customer: string };
}

/** A consult as one of its agents sees it. */
export interface ConsultView {
  /** `ringing`, `talking` (the customer holds) or `three_way`. */
  state: string;
  /** The other agent (or the number): whom this agent consults, or who consulted them. */
  party: string;
  /** `agent`: this agent consults (and steers it); `party`: this agent was consulted. */
  role: 'agent' | 'party';
}

/** The call that just ended (the ended pop), until the next call or dismissed. */
export interface EndedCall extends ActiveCall {
  /** Local time it ended (ms). */
  endedAt: number;
}

export interface PhoneBarState {
  /** The agent's presence; `null` until the server has sent one. */
  presence: Presence | null;
  /** Server clock minus this browser's clock (ms), estimated from the last presence received. */
  clockOffset: number;
  /** One entry per skill group of the agent. */
  queues: QueueLength[];
  /** The call ringing the agent (the ringing pop). */
  offer: Offer | null;
  /** The call the agent is talking on. */
  call: ActiveCall | null;
  /** Missed-call reminders, unhandled first, newest first. */
  missed: MissedCall[];
  /** Why the last offer ended without being answered, for a short notice. */
  lastOfferEnd: { call: string; reason: string } | null;
  /** The last call that ended, for the ended pop. */
  ended: EndedCall | null;
  /** The latest offer, kept after it stops ringing so the talking pop still shows its details. */
  recentOffer: Offer | null;
  /** A call this agent transferred to a colleague came back: who did not take it and why
   * (`ring_timeout`, `rejected`, `no_answer`…), until that call connects again. */
  returned: { call: string; party: string; reason: string } | null;
  /** When the server this page is connected to started (from `hello`). */
  serverStartedAt: number | null;
  /** Patchbay restarted (at this server time) while the agent was signed in: they were signed
   * out, and are told so until they sign in again or close the notice. */
  restartedAt: number | null;
}

export const initialPhoneBar: PhoneBarState = {
  presence: null,
  clockOffset: 0,
  queues: [],
  offer: null,
  call: null,
  missed: [],
  lastOfferEnd: null,
  ended: null,
  recentOffer: null,
  returned: null,
  serverStartedAt: null,
  restartedAt: null,
};

export type PhoneBarAction =
  /** An event from the WebSocket (or an API answer dressed as one), received at local time `at`. */
  | { type: 'event'; event: Event; at: number }
  /** The reminders as `GET /me/missed-calls` listed them. */
  | { type: 'missed_calls'; missed: MissedCall[] }
  /** One reminder marked handled at server time `at`. */
  | { type: 'missed_handled'; id: number; at: number }
  /** The agent placed call `call` to `number`: the phone bar shows it ringing until the
   * customer answers (`call_connected`). */
  | { type: 'dialing'; call: string; number: string }
  /** The record id of call `call` (from `GET /me/call/record`). */
  | { type: 'call_record'; call: string; record: number }
  /** The agent called `number` back: the server marks that caller's reminders handled. */
  | { type: 'called_back'; number: string; at: number }
  /** The agent closed the ended pop. */
  | { type: 'dismiss_ended' }
  /** The agent closed the notice that Patchbay restarted. */
  | { type: 'dismiss_restart' }
  /** Signed out. */
  | { type: 'reset' };

/** True when `next` may replace `current`: another agent, or computed no earlier. */
export function isNewer(current: Presence | null, next: Presence): boolean {
  return !current || current.user_id !== next.user_id || next.as_of >= current.as_of;
}

/** Unhandled first, then newest first. */
export function sortMissed(list: MissedCall[]): MissedCall[] {
  return [...list].sort((a, b) => {
    const ha = a.handled_at == null ? 0 : 1;
    const hb = b.handled_at == null ? 0 : 1;
    return ha - hb || b.missed_at - a.missed_at || b.id - a.id;
  });
}

function applyPresence(state: PhoneBarState, p: Presence, at: number): PhoneBarState {
  if (!isNewer(state.presence, p)) return state;
  return {
    ...state,
    presence: p,
    clockOffset: p.as_of - at,
    // Signed in again: the restart notice has done its job.
    restartedAt: p.login === 'offline' ? state.restartedAt : null,
    // A presence that is no longer ringing or talking ends what a lost event would have ended.
    offer: p.phone === 'ringing' ? state.offer : null,
    call: p.phone === 'talking' ? state.call : null,
  };
}

function applyEvent(state: PhoneBarState, ev: Event, at: number): PhoneBarState {
  switch (ev.type) {
    case 'hello': {
      if (state.serverStartedAt === ev.server_started_at) return state;
      // Another server process than before: a signed-in agent was signed out by the restart.
      const restarted = state.serverStartedAt !== null && state.presence !== null && state.presence.login !== 'offline';
      return { ...state, serverStartedAt: ev.server_started_at, restartedAt: restarted ? ev.server_started_at : state.restartedAt };
    }
    case 'presence':
      return applyPresence(state, ev.presence, at);
    case 'queues':
      return { ...state, queues: ev.queues };
    case 'ringing':
      return { ...state, offer: ev.offer, recentOffer: ev.offer, lastOfferEnd: null, ended: null };
    case 'offer_ended':
      if (state.offer && state.offer.call !== ev.call) return state;
      return { ...state, offer: null, lastOfferEnd: ev.reason === 'answered' ? null : { call: ev.call, reason: ev.reason } };
    case 'call_connected': {
      const offer =
        state.recentOffer && state.recentOffer.call === ev.call ? state.recentOffer : state.call?.call === ev.call ? state.call.offer : null;
      // A consult's pop: this agent talks with the colleague who consulted them.
      const consult: ConsultView | null = offer?.consult_by != null ? { state: 'talking', party: offer.consult_from ?? '', role: 'party' } : null;
      const returned = state.returned?.call === ev.call ? null : state.returned;
      const campaign = state.call?.call === ev.call ? state.call.campaign : undefined;
      return { ...state, offer: null, ended: null, returned, call: { call: ev.call, caller: ev.caller, offer, consult, campaign } };
    }
    case 'campaign_call':
      // The dialer calls a campaign customer for this agent (progressive): like a call the agent
      // dialed, with the number as the campaign may show it (masked when it masks).
      if (state.call?.call === ev.call) return state;
      return {
        ...state,
        ended: null,
        call: { call: ev.call, caller: ev.number, offer: null, dialing: true, campaign: { name: ev.campaign_name, customer: ev.customer_name } },
      };
    case 'transfer_returned':
      return { ...state, returned: { call: ev.call, party: ev.colleague_name, reason: ev.reason } };
    case 'consult': {
      if (!state.call || state.call.call !== ev.call) return state;
      const mine = ev.party_user != null && ev.party_user === state.presence?.user_id;
      const call = state.call;
      if (ev.state === 'ended') {
        // Handed over to this agent, or the consult this agent steered is over.
        const consultEnded = mine ? null : { party: ev.party, reason: ev.reason ?? 'failed' };
        return { ...state, call: { ...call, consult: null, consultEnded, heldSince: mine ? call.heldSince : null } };
      }
      const consult: ConsultView = mine
        ? { state: ev.state, party: call.consult?.party ?? '', role: 'party' }
        : { state: ev.state, party: ev.party, role: 'agent' };
      return { ...state, call: { ...call, consult, consultEnded: null } };
    }
    case 'supervision': {
      if (!state.call || state.call.call !== ev.call) return state;
      // Force-disconnect hands the call to the supervisor; `ended` comes with `call_ended`.
      const supervising = ev.step === 'disconnect' || ev.step === 'ended' ? null : { agent: ev.agent, agentName: ev.agent_name ?? '', step: ev.step };
      return { ...state, call: { ...state.call, supervising } };
    }
    case 'call_held':
      if (!state.call || state.call.call !== ev.call) return state;
      return { ...state, call: { ...state.call, heldSince: ev.on ? at + state.clockOffset : null } };
    case 'call_ended':
      if (state.call && state.call.call !== ev.call) return state;
      return { ...state, call: null, ended: state.call ? { ...state.call, heldSince: null, endedAt: at } : state.ended };
    case 'missed_call':
      return { ...state, missed: sortMissed([ev.missed, ...state.missed.filter((m) => m.id !== ev.missed.id)]) };
    default:
      return state;
  }
}

export function phoneBarReducer(state: PhoneBarState, action: PhoneBarAction): PhoneBarState {
  switch (action.type) {
    case 'event':
      return applyEvent(state, action.event, action.at);
    case 'missed_calls':
      return { ...state, missed: sortMissed(action.missed) };
    case 'missed_handled':
      return {
        ...state,
        missed: sortMissed(state.missed.map((m) => (m.id === action.id && m.handled_at == null ? { ...m, handled_at: action.at } : m))),
      };
    case 'dialing':
      // The answer may have come over the socket before the dial's reply.
      if (state.call?.call === action.call) return state;
      return { ...state, ended: null, call: { call: action.call, caller: action.number, offer: null, dialing: true } };
    case 'call_record':
      if (state.call?.call === action.call) return { ...state, call: { ...state.call, record: action.record } };
      if (state.ended?.call === action.call) return { ...state, ended: { ...state.ended, record: action.record } };
      return state;
    case 'called_back':
      return {
        ...state,
        missed: sortMissed(state.missed.map((m) => (m.caller === action.number && m.handled_at == null ? { ...m, handled_at: action.at } : m))),
      };
    case 'dismiss_ended':
      return state.ended ? { ...state, ended: null } : state;
    case 'dismiss_restart':
      return state.restartedAt === null ? state : { ...state, restartedAt: null };
    case 'reset':
      return initialPhoneBar;
  }
}

/** What the status shows: signed out, a custom status, or the phone status. */
export type StatusKey = 'offline' | 'custom' | PhoneState;

export function statusKey(p: Pick<Presence, 'login' | 'phone'> | null): StatusKey {
  if (!p || p.login === 'offline') return 'offline';
  // A call in a custom status is still a call.
  if (p.login === 'custom' && p.phone !== 'ringing' && p.phone !== 'talking') return 'custom';
  return p.phone;
}

/** Seconds as `mm:ss`, or `h:mm:ss` from an hour on; negative counts as zero. */
export function formatDuration(totalSeconds: number): string {
  const s = Math.max(0, Math.floor(totalSeconds));
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const pad = (n: number) => String(n).padStart(2, '0');
  return h > 0 ? `${h}:${pad(m)}:${pad(s % 60)}` : `${pad(m)}:${pad(s % 60)}`;
}

/** The live timer: time since `since` (unix ms) at `now`; `--:--` when there is no start. */
export function timerText(since: number | null | undefined, now: number): string {
  if (since == null || since <= 0) return '--:--';
  return formatDuration((now - since) / 1000);
}

/** Which of today's figures the time in a status adds to (as the server's ACD counts it). */
export function figureOf(login: LoginState, phone: PhoneState): 'talk' | 'idle' | 'busy' | null {
  if (login === 'offline') return null;
  if (phone === 'talking') return 'talk';
  if (login === 'online' && (phone === 'idle' || phone === 'ringing')) return 'idle';
  return 'busy';
}

/** Today's figures at server time `now`: the server's figures as of `as_of`, plus the time since. */
export function todayAt(p: Presence, now: number): TodayFigures {
  const t = { ...p.today };
  const extra = Math.max(0, Math.floor((now - p.as_of) / 1000));
  switch (figureOf(p.login, p.phone)) {
    case 'talk':
      t.talk_seconds += extra;
      break;
    case 'idle':
      t.idle_seconds += extra;
      break;
    case 'busy':
      t.busy_seconds += extra;
      break;
    case null:
      break;
  }
  return t;
}

/** Callers waiting in all of the agent's groups. */
export function queueTotal(queues: QueueLength[]): number {
  return queues.reduce((n, q) => n + q.waiting, 0);
}

/** When the longest-waiting caller of these queues was queued, if any waits. */
export function oldestWaiting(queues: QueueLength[]): number | null {
  const times = queues.filter((q) => q.waiting > 0 && q.oldest_since != null).map((q) => q.oldest_since as number);
  return times.length ? Math.min(...times) : null;
}

/** Whether the agent may switch between idle and busy now. */
export function canSetPhone(p: Presence | null): boolean {
  return !!p && p.login !== 'offline' && p.phone !== 'ringing' && p.phone !== 'talking';
}
