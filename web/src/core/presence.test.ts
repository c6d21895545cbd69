import { describe, expect, test } from 'vitest';
import type { Event, MissedCall, Presence } from '../api/types';
import {
  canSetPhone,
  figureOf,
  formatDuration,
  initialPhoneBar,
  oldestWaiting,
  phoneBarReducer,
  queueTotal,
  sortMissed,
  statusKey,
  timerText,
  todayAt,
  type PhoneBarAction,
  type PhoneBarState,
} from './presence';

const T0 = 1_780_000_000_000;

function presence(over: Partial<Presence> = {}): Presence {
  return {
    user_id: 2,
    login: 'online',
    custom_status_id: null,
    phone: 'idle',
    since: T0,
    after_call_work_until: null,
    auto_answer: false,
    device: 'desk_phone',
    today: { talk_seconds: 100, calls: 3, busy_seconds: 200, idle_seconds: 300 },
    as_of: T0,
    ...over,
  };
}

function missed(id: number, caller: string, at: number, handled: number | null = null): MissedCall {
  return { id, agent_id: 2, caller, enterprise_number: '4008000000', missed_at: at, handled_at: handled };
}

const ev = (event: Event, at = T0): PhoneBarAction => ({ type: 'event', event, at });
const run = (actions: PhoneBarAction[], from: PhoneBarState = initialPhoneBar) => actions.reduce(phoneBarReducer, from);
const offer = { call: '7', caller: '13800138000', enterprise_number: '4008000000', group_id: 1, group_name: 'Sales', auto_answer: false };

describe('formatDuration and timerText', () => {
  test.each([
    [0, '00:00'],
    [-5, '00:00'],
    [59.9, '00:59'],
    [61, '01:01'],
    [3599, '59:59'],
    [3600, '1:00:00'],
    [36_061, '10:01:01'],
  ])('%f s is %s', (s, text) => expect(formatDuration(s)).toBe(text));

  test.each([
    [T0, T0, '00:00'],
    [T0, T0 + 999, '00:00'],
    [T0, T0 + 65_000, '01:05'],
    [T0, T0 - 3_000, '00:00'],
    [0, T0, '--:--'],
    [null, T0, '--:--'],
  ])('since %s at %s shows %s', (since, now, text) => expect(timerText(since, now)).toBe(text));
});

describe('statusKey', () => {
  test.each([
    ['offline', 'busy', 'offline'],
    ['offline', 'idle', 'offline'],
    ['online', 'idle', 'idle'],
    ['online', 'busy', 'busy'],
    ['online', 'after_call_work', 'after_call_work'],
    ['custom', 'busy', 'custom'],
    ['custom', 'ringing', 'ringing'],
    ['custom', 'talking', 'talking'],
  ] as const)('%s/%s shows %s', (login, phone, key) => expect(statusKey({ login, phone })).toBe(key));
  test('no presence yet is offline', () => expect(statusKey(null)).toBe('offline'));
});

describe("today's figures tick", () => {
  test.each([
    ['online', 'idle', 'idle'],
    ['online', 'ringing', 'idle'],
    ['online', 'busy', 'busy'],
    ['online', 'after_call_work', 'busy'],
    ['online', 'talking', 'talk'],
    ['custom', 'busy', 'busy'],
    ['custom', 'talking', 'talk'],
    ['offline', 'busy', null],
  ] as const)('%s/%s adds to %s', (login, phone, figure) => expect(figureOf(login, phone)).toBe(figure));

  test.each([
    // login, phone, ms after as_of, expected {talk, calls, busy, idle}
    ['online', 'idle', 0, [100, 3, 200, 300]],
    ['online', 'idle', 10_500, [100, 3, 200, 310]],
    ['online', 'talking', 61_000, [161, 3, 200, 300]],
    ['online', 'busy', 5_000, [100, 3, 205, 300]],
    ['custom', 'busy', 1_000, [100, 3, 201, 300]],
    ['offline', 'busy', 60_000, [100, 3, 200, 300]],
    // A clock behind the server's never takes time away.
    ['online', 'idle', -4_000, [100, 3, 200, 300]],
  ] as const)('%s/%s, %i ms later', (login, phone, later, [talk, calls, busy, idle]) => {
    const p = presence({ login, phone, since: T0 - 30_000 });
    expect(todayAt(p, T0 + later)).toEqual({ talk_seconds: talk, calls, busy_seconds: busy, idle_seconds: idle });
  });
});

describe('queues', () => {
  const q = (group_id: number, waiting: number, oldest_since: number | null) => ({ group_id, name: `g${group_id}`, waiting, oldest_since, idle_agents: 0 });
  test.each([
    [[], 0, null],
    [[q(1, 0, null)], 0, null],
    [[q(1, 2, T0 - 5000), q(2, 1, T0 - 9000)], 3, T0 - 9000],
    // A group with nobody waiting has no oldest caller, whatever it says.
    [[q(1, 0, T0 - 99_000), q(2, 4, T0 - 1000)], 4, T0 - 1000],
  ])('%j: total %i, oldest %s', (queues, total, oldest) => {
    expect(queueTotal(queues)).toBe(total);
    expect(oldestWaiting(queues)).toBe(oldest);
  });
});

describe('canSetPhone', () => {
  test.each([
    ['offline', 'busy', false],
    ['online', 'busy', true],
    ['online', 'idle', true],
    ['online', 'after_call_work', true],
    ['custom', 'busy', true],
    ['online', 'ringing', false],
    ['online', 'talking', false],
  ] as const)('%s/%s: %s', (login, phone, ok) => expect(canSetPhone(presence({ login, phone }))).toBe(ok));
});

describe('phoneBarReducer', () => {
  test.each<[string, PhoneBarAction[], Partial<PhoneBarState>]>([
    ['a presence is taken with the clock offset', [ev({ type: 'presence', presence: presence({ as_of: T0 + 2000 }) }, T0)], { clockOffset: 2000 }],
    [
      'an older presence (a slow GET) does not replace a newer event',
      [ev({ type: 'presence', presence: presence({ phone: 'idle', as_of: T0 + 10 }) }), ev({ type: 'presence', presence: presence({ phone: 'busy', as_of: T0 }) })],
      { presence: presence({ phone: 'idle', as_of: T0 + 10 }), clockOffset: 10 },
    ],
    [
      'ringing shows the offer',
      [ev({ type: 'presence', presence: presence({ phone: 'ringing' }) }), ev({ type: 'ringing', offer })],
      { offer, call: null },
    ],
    [
      'a rejected offer ends with its reason',
      [ev({ type: 'presence', presence: presence({ phone: 'ringing' }) }), ev({ type: 'ringing', offer }), ev({ type: 'offer_ended', call: '7', reason: 'rejected' })],
      { offer: null, lastOfferEnd: { call: '7', reason: 'rejected' } },
    ],
    [
      'the end of another offer leaves this one ringing',
      [ev({ type: 'presence', presence: presence({ phone: 'ringing' }) }), ev({ type: 'ringing', offer }), ev({ type: 'offer_ended', call: '8', reason: 'ring_timeout' })],
      { offer, lastOfferEnd: null },
    ],
    [
      'answered: the call connects, no notice',
      [
        ev({ type: 'ringing', offer }),
        ev({ type: 'offer_ended', call: '7', reason: 'answered' }),
        ev({ type: 'presence', presence: presence({ phone: 'talking', as_of: T0 + 1 }) }),
        ev({ type: 'call_connected', call: '7', caller: '13800138000' }),
      ],
      { offer: null, call: { call: '7', caller: '13800138000', offer }, lastOfferEnd: null },
    ],
    [
      'a transfer that came back marks the call until it connects again',
      [
        ev({ type: 'transfer_returned', call: '7', colleague: 3, colleague_name: 'Li Lei', reason: 'rejected' }),
        ev({ type: 'ringing', offer }),
      ],
      { offer, returned: { call: '7', party: 'Li Lei', reason: 'rejected' } },
    ],
    [
      'a transfer to a number that failed comes back named by the number',
      [ev({ type: 'transfer_returned', call: '7', colleague: null, colleague_name: '13900139000', reason: 'busy' }), ev({ type: 'ringing', offer })],
      { offer, returned: { call: '7', party: '13900139000', reason: 'busy' } },
    ],
    [
      'the returned call connected: the mark goes',
      [
        ev({ type: 'transfer_returned', call: '7', colleague: 3, colleague_name: 'Li Lei', reason: 'ring_timeout' }),
        ev({ type: 'ringing', offer }),
        ev({ type: 'call_connected', call: '7', caller: '13800138000' }),
      ],
      { returned: null },
    ],
    [
      'a dialed call has no offer',
      [ev({ type: 'ringing', offer }), ev({ type: 'offer_ended', call: '7', reason: 'caller_hung_up' }), ev({ type: 'call_connected', call: '9', caller: '13900139000' })],
      { call: { call: '9', caller: '13900139000', offer: null } },
    ],
    [
      'a placed call rings with only hang-up until the customer answers',
      [{ type: 'dialing', call: '9', number: '13900139000' }],
      { call: { call: '9', caller: '13900139000', offer: null, dialing: true } },
    ],
    [
      'the customer answering a placed call makes it a talking call',
      [{ type: 'dialing', call: '9', number: '13900139000' }, ev({ type: 'call_connected', call: '9', caller: '13900139000' })],
      { call: { call: '9', caller: '13900139000', offer: null, consult: null } },
    ],
    [
      'the dialer calling a campaign customer shows the campaign and the masked number until the answer',
      [
        ev({ type: 'campaign_call', call: '9', campaign_id: 1, campaign_name: 'Spring', customer_id: 5, customer_name: '王五', number: '1390013****' }),
      ],
      { call: { call: '9', caller: '1390013****', offer: null, dialing: true, campaign: { name: 'Spring', customer: '王五' } } },
    ],
    [
      'a campaign call the customer answers keeps its campaign',
      [
        ev({ type: 'campaign_call', call: '9', campaign_id: 1, campaign_name: 'Spring', customer_id: 5, customer_name: '王五', number: '1390013****' }),
        ev({ type: 'call_connected', call: '9', caller: '1390013****' }),
      ],
      { call: { call: '9', caller: '1390013****', offer: null, consult: null, campaign: { name: 'Spring', customer: '王五' } } },
    ],
    [
      'an answer that came before the dial reply is not undone by it',
      [ev({ type: 'call_connected', call: '9', caller: '13900139000' }), { type: 'dialing', call: '9', number: '13900139000' }],
      { call: { call: '9', caller: '13900139000', offer: null, consult: null } },
    ],
    [
      'the ended pop keeps the call until the next offer',
      [
        ev({ type: 'ringing', offer }),
        ev({ type: 'call_connected', call: '7', caller: '13800138000' }),
        ev({ type: 'call_ended', call: '7' }, T0 + 60_000),
      ],
      { call: null, ended: { call: '7', caller: '13800138000', offer, endedAt: T0 + 60_000 } },
    ],
    [
      'a new offer replaces the ended pop',
      [ev({ type: 'call_connected', call: '7', caller: '1' }), ev({ type: 'call_ended', call: '7' }), ev({ type: 'ringing', offer: { ...offer, call: '8' } })],
      { ended: null, offer: { ...offer, call: '8' } },
    ],
    [
      'the customer put on hold, from the phone bar or the desk phone',
      [ev({ type: 'call_connected', call: '7', caller: '1' }), ev({ type: 'call_held', call: '7', on: true }, T0 + 1_000)],
      { call: { call: '7', caller: '1', offer: null, heldSince: T0 + 1_000 } },
    ],
    [
      'the call resumed',
      [ev({ type: 'call_connected', call: '7', caller: '1' }), ev({ type: 'call_held', call: '7', on: true }), ev({ type: 'call_held', call: '7', on: false })],
      { call: { call: '7', caller: '1', offer: null, heldSince: null } },
    ],
    [
      "another call's hold changes nothing",
      [ev({ type: 'call_connected', call: '7', caller: '1' }), ev({ type: 'call_held', call: '8', on: true })],
      { call: { call: '7', caller: '1', offer: null } },
    ],
    [
      'the agent consults: ringing, then talking, the colleague named',
      [
        ev({ type: 'presence', presence: presence({ phone: 'talking' }) }),
        ev({ type: 'call_connected', call: '7', caller: '1' }),
        ev({ type: 'consult', call: '7', state: 'ringing', party: '李四 (1002)', party_user: 3 }),
        ev({ type: 'consult', call: '7', state: 'talking', party: '李四 (1002)', party_user: 3 }),
      ],
      { call: { call: '7', caller: '1', offer: null, consult: { state: 'talking', party: '李四 (1002)', role: 'agent' }, consultEnded: null } },
    ],
    [
      'a consult that ends says why, and the agent is back with the customer',
      [
        ev({ type: 'presence', presence: presence({ phone: 'talking' }) }),
        ev({ type: 'call_connected', call: '7', caller: '1' }),
        ev({ type: 'call_held', call: '7', on: true }),
        ev({ type: 'consult', call: '7', state: 'ringing', party: '13900139000', party_user: null }),
        ev({ type: 'consult', call: '7', state: 'ended', party: '13900139000', party_user: null, reason: 'busy' }),
      ],
      { call: { call: '7', caller: '1', offer: null, heldSince: null, consult: null, consultEnded: { party: '13900139000', reason: 'busy' } } },
    ],
    [
      'the consulted colleague talks with the agent who called, then joins a three-way call',
      [
        ev({ type: 'presence', presence: presence({ phone: 'talking' }) }),
        ev({ type: 'ringing', offer: { ...offer, consult_by: 5, consult_from: '张三 (1001)' } }),
        ev({ type: 'call_connected', call: '7', caller: '13800138000' }),
        ev({ type: 'consult', call: '7', state: 'three_way', party: '李四 (1002)', party_user: 2 }),
      ],
      { call: { call: '7', caller: '13800138000', offer: { ...offer, consult_by: 5, consult_from: '张三 (1001)' }, consult: { state: 'three_way', party: '张三 (1001)', role: 'party' } } },
    ],
    [
      'the call handed over to the consulted colleague is theirs, with no notice',
      [
        ev({ type: 'presence', presence: presence({ phone: 'talking' }) }),
        ev({ type: 'ringing', offer: { ...offer, consult_by: 5, consult_from: '张三 (1001)' } }),
        ev({ type: 'call_connected', call: '7', caller: '13800138000' }),
        ev({ type: 'consult', call: '7', state: 'ended', party: '李四 (1002)', party_user: 2, reason: 'completed' }),
      ],
      { call: { call: '7', caller: '13800138000', offer: { ...offer, consult_by: 5, consult_from: '张三 (1001)' }, consult: null, consultEnded: null } },
    ],
    [
      "another call's consult changes nothing",
      [ev({ type: 'call_connected', call: '7', caller: '1' }), ev({ type: 'consult', call: '8', state: 'ringing', party: 'x', party_user: 3 })],
      { call: { call: '7', caller: '1', offer: null, consult: null } },
    ],
    [
      'a supervisor listens, then barges in, then takes the call over',
      [
        ev({ type: 'presence', presence: presence({ phone: 'talking' }) }),
        ev({ type: 'call_connected', call: '7', caller: '13800138000' }),
        ev({ type: 'supervision', call: '7', agent: 5, step: 'listen' }),
        ev({ type: 'supervision', call: '7', agent: 5, agent_name: '坐席 1001 (1001)', step: 'barge' }),
      ],
      { call: { call: '7', caller: '13800138000', offer: null, consult: null, supervising: { agent: 5, agentName: '坐席 1001 (1001)', step: 'barge' } } },
    ],
    [
      'force-disconnect makes the call the supervisor\'s own',
      [
        ev({ type: 'presence', presence: presence({ phone: 'talking' }) }),
        ev({ type: 'call_connected', call: '7', caller: '13800138000' }),
        ev({ type: 'supervision', call: '7', agent: 5, step: 'listen' }),
        ev({ type: 'supervision', call: '7', agent: 5, step: 'disconnect' }),
      ],
      { call: { call: '7', caller: '13800138000', offer: null, supervising: null } },
    ],
    [
      'dismissing the ended pop',
      [ev({ type: 'call_connected', call: '7', caller: '1' }), ev({ type: 'call_ended', call: '7' }), { type: 'dismiss_ended' }],
      { ended: null },
    ],
    [
      'the call ends',
      [ev({ type: 'presence', presence: presence({ phone: 'talking' }) }), ev({ type: 'call_connected', call: '7', caller: '1' }), ev({ type: 'call_ended', call: '7' })],
      { call: null },
    ],
    [
      'a presence out of the call clears a call whose end was lost',
      [
        ev({ type: 'presence', presence: presence({ phone: 'talking' }) }),
        ev({ type: 'call_connected', call: '7', caller: '1' }),
        ev({ type: 'presence', presence: presence({ phone: 'after_call_work', as_of: T0 + 5 }) }),
      ],
      { call: null },
    ],
    [
      'a presence that is not ringing clears a stale offer',
      [ev({ type: 'ringing', offer }), ev({ type: 'presence', presence: presence({ phone: 'idle', as_of: T0 + 5 }) })],
      { offer: null },
    ],
    [
      'queues replace the list',
      [ev({ type: 'queues', queues: [{ group_id: 1, name: 'Sales', waiting: 2, oldest_since: T0, idle_agents: 0 }] })],
      { queues: [{ group_id: 1, name: 'Sales', waiting: 2, oldest_since: T0, idle_agents: 0 }] },
    ],
    [
      'a missed call goes to the top; the same one again is not doubled',
      [{ type: 'missed_calls', missed: [missed(1, '111', T0)] }, ev({ type: 'missed_call', missed: missed(2, '222', T0 + 5) }), ev({ type: 'missed_call', missed: missed(2, '222', T0 + 5) })],
      { missed: [missed(2, '222', T0 + 5), missed(1, '111', T0)] },
    ],
    [
      'marking handled moves a reminder below the unhandled ones',
      [{ type: 'missed_calls', missed: [missed(1, '111', T0), missed(2, '222', T0 + 5)] }, { type: 'missed_handled', id: 2, at: T0 + 9 }],
      { missed: [missed(1, '111', T0), missed(2, '222', T0 + 5, T0 + 9)] },
    ],
    [
      "calling back handles every reminder of that caller",
      [{ type: 'missed_calls', missed: [missed(1, '111', T0), missed(2, '222', T0 + 5), missed(3, '111', T0 + 7)] }, { type: 'called_back', number: '111', at: T0 + 9 }],
      { missed: [missed(2, '222', T0 + 5), missed(3, '111', T0 + 7, T0 + 9), missed(1, '111', T0, T0 + 9)] },
    ],
    ['other events change nothing', [ev({ type: 'device_unbound', device: 'browser' })], initialPhoneBar],
    ['sign-out resets', [ev({ type: 'ringing', offer }), { type: 'reset' }], initialPhoneBar],
  ])('%s', (_, actions, expected) => {
    expect(run(actions)).toMatchObject(expected);
  });

  test('an event that changes nothing keeps the same state object', () => {
    const once = run([ev({ type: 'hello', me: {} as never, server_started_at: 5 })]);
    expect(phoneBarReducer(once, ev({ type: 'hello', me: {} as never, server_started_at: 5 }))).toBe(once);
  });
});

describe('a restart of Patchbay', () => {
  const hello = (started: number) => ev({ type: 'hello', me: {} as never, server_started_at: started });
  const offline = (at: number) => ev({ type: 'presence', presence: presence({ login: 'offline', phone: 'busy', as_of: at }) });
  test('while the agent was signed in is told, until they sign in again', () => {
    const s = run([hello(5), ev({ type: 'presence', presence: presence() }), hello(9), offline(T0 + 10)]);
    expect(s.restartedAt).toBe(9);
    expect(run([ev({ type: 'presence', presence: presence({ as_of: T0 + 20 }) })], s).restartedAt).toBeNull();
    expect(run([{ type: 'dismiss_restart' }], s).restartedAt).toBeNull();
  });
  test('while the agent was signed out, or on the first connection, says nothing', () => {
    expect(run([hello(5), offline(T0), hello(9)]).restartedAt).toBeNull();
    expect(run([ev({ type: 'presence', presence: presence() }), hello(9)]).restartedAt).toBeNull();
  });
  test('a reconnection to the same server is no restart', () => {
    expect(run([hello(5), ev({ type: 'presence', presence: presence() }), hello(5)]).restartedAt).toBeNull();
  });
});

describe('the call record', () => {
  test('is kept on the call and follows it into the ended pop', () => {
    const s = run([ev({ type: 'call_connected', call: '7', caller: '1' }), { type: 'call_record', call: '7', record: 70 }, ev({ type: 'call_ended', call: '7' })]);
    expect(s.ended?.record).toBe(70);
  });
  test('arriving after the call ended, it reaches the ended pop', () => {
    const s = run([ev({ type: 'call_connected', call: '7', caller: '1' }), ev({ type: 'call_ended', call: '7' }), { type: 'call_record', call: '7', record: 70 }]);
    expect(s.ended?.record).toBe(70);
  });
  test("another call's record changes nothing", () => {
    const s = run([ev({ type: 'call_connected', call: '7', caller: '1' }), { type: 'call_record', call: '8', record: 80 }]);
    expect(s.call?.record).toBeUndefined();
  });
});

describe('a placed call', () => {
  test.each<[string, PhoneBarAction[]]>([
    ['answered after the dial reply', [{ type: 'dialing', call: '9', number: '139' }, ev({ type: 'call_connected', call: '9', caller: '139' })]],
    ['answered before the dial reply', [ev({ type: 'call_connected', call: '9', caller: '139' }), { type: 'dialing', call: '9', number: '139' }]],
  ])('%s is no longer dialing', (_, actions) => {
    expect(run(actions).call?.dialing).toBeUndefined();
  });
});

describe('sortMissed', () => {
  test('unhandled first, newest first', () => {
    const list = [missed(1, 'a', 10, 50), missed(2, 'b', 20), missed(3, 'c', 30, 60), missed(4, 'd', 5)];
    expect(sortMissed(list).map((m) => m.id)).toEqual([2, 4, 3, 1]);
  });
});
