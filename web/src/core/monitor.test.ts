import { describe, expect, test } from 'vitest';
import type { GroupFigures, MonitorAgent, Presence, QueueLength } from '../api/types';
import { initialMonitor, inGroup, monitorReducer, monitorSummary, type MonitorAction, type MonitorState } from './monitor';

const T0 = 1_780_000_000_000;

function agent(user_id: number, work_id: string, over: Partial<Presence> = {}, name = `坐席 ${work_id}`): MonitorAgent {
  return {
    work_id,
    name,
    presence: {
      user_id,
      login: 'offline',
      custom_status_id: null,
      phone: 'busy',
      since: 0,
      after_call_work_until: null,
      auto_answer: false,
      device: null,
      today: { talk_seconds: 0, calls: 0, busy_seconds: 0, idle_seconds: 0 },
      as_of: T0,
      ...over,
    },
  };
}
const queue = (group_id: number, name: string, waiting = 0): QueueLength => ({ group_id, name, waiting, oldest_since: waiting ? T0 : null, idle_agents: 0 });
const run = (actions: MonitorAction[], from: MonitorState = initialMonitor) => actions.reduce(monitorReducer, from);
const snapshot = (agents: MonitorAgent[], queues: QueueLength[], at = T0): MonitorAction => ({ type: 'snapshot', monitor: { agents, queues }, at });
const agentEv = (a: MonitorAgent, at = T0): MonitorAction => ({ type: 'event', event: { type: 'monitor_agent', agent: a }, at });
const queueEv = (q: QueueLength, at = T0): MonitorAction => ({ type: 'event', event: { type: 'monitor_queue', queue: q }, at });

describe('monitorReducer', () => {
  test.each<[string, MonitorAction[], (s: MonitorState) => unknown, unknown]>([
    [
      'the snapshot is sorted by work ID (numerically) and queue name',
      [snapshot([agent(3, '1010'), agent(2, '1002'), agent(1, 'admin')], [queue(2, 'Support'), queue(1, 'Sales')])],
      (s) => [s.agents.map((a) => a.work_id), s.queues.map((q) => q.name), s.loaded],
      [['1002', '1010', 'admin'], ['Sales', 'Support'], true],
    ],
    [
      'an agent event updates its row live',
      [snapshot([agent(2, '1001'), agent(3, '1002')], []), agentEv(agent(2, '1001', { login: 'online', phone: 'idle', as_of: T0 + 5 }))],
      (s) => s.agents.map((a) => `${a.work_id}:${a.presence.login}/${a.presence.phone}`),
      ['1001:online/idle', '1002:offline/busy'],
    ],
    [
      'an event that came before the snapshot wins over the older snapshot row',
      [agentEv(agent(2, '1001', { login: 'online', phone: 'idle', as_of: T0 + 5 })), snapshot([agent(2, '1001', { as_of: T0 + 1 })], [])],
      (s) => s.agents.map((a) => a.presence.phone),
      ['idle'],
    ],
    [
      'an older event does not undo a newer row',
      [snapshot([agent(2, '1001', { login: 'online', phone: 'talking', as_of: T0 + 9 })], []), agentEv(agent(2, '1001', { login: 'online', phone: 'idle', as_of: T0 + 3 }))],
      (s) => s.agents[0].presence.phone,
      'talking',
    ],
    [
      'a new agent appears in order',
      [snapshot([agent(2, '1001'), agent(4, '1003')], []), agentEv(agent(3, '1002', { login: 'online' }))],
      (s) => s.agents.map((a) => a.work_id),
      ['1001', '1002', '1003'],
    ],
    [
      'an event without a name keeps the name from the snapshot',
      [snapshot([agent(9, 'x9', {}, 'Zhang San')], []), agentEv({ ...agent(9, '9', { login: 'online', as_of: T0 + 1 }), name: '' })],
      (s) => [s.agents[0].work_id, s.agents[0].name, s.agents[0].presence.login],
      ['x9', 'Zhang San', 'online'],
    ],
    [
      'a queue event replaces that queue only',
      [snapshot([], [queue(1, 'Sales'), queue(2, 'Support')]), queueEv(queue(2, 'Support', 3))],
      (s) => s.queues.map((q) => `${q.name}:${q.waiting}`),
      ['Sales:0', 'Support:3'],
    ],
    [
      'the clock offset follows the latest presence',
      [snapshot([agent(2, '1001', { as_of: T0 + 1500 })], [], T0), agentEv(agent(2, '1001', { as_of: T0 + 4000 }), T0 + 1000)],
      (s) => s.clockOffset,
      3000,
    ],
    [
      'other events change nothing',
      [snapshot([], []), { type: 'event', event: { type: 'queues', queues: [queue(1, 'Sales', 5)] }, at: T0 }],
      (s) => s.queues,
      [],
    ],
  ])('%s', (_, actions, pick, expected) => {
    expect(pick(run(actions))).toEqual(expected);
  });
});

describe('monitorSummary', () => {
  test('counts agents by what the status shows', () => {
    const agents = [
      agent(1, '1', { login: 'online', phone: 'idle' }),
      agent(2, '2', { login: 'online', phone: 'talking' }),
      agent(3, '3', { login: 'custom', phone: 'busy' }),
      agent(4, '4'),
      agent(5, '5', { login: 'online', phone: 'idle' }),
    ];
    expect(monitorSummary(agents)).toMatchObject({ signedIn: 4, offline: 1, idle: 2, talking: 1, custom: 1, busy: 0 });
  });
});

const figures = (group_id: number, name: string, offered = 0): GroupFigures => ({
  group_id, name, offered, answered: 0, abandoned: 0, answered_in_time: 0, left_queue: 0,
  average_answer_ms: null, service_level: null, service_level_secs: 20, service_level_target: 80,
});

describe('figures and groups', () => {
  test('figures come with the snapshot and each monitor_figures event replaces its group', () => {
    const s = run([
      { type: 'snapshot', monitor: { agents: [], queues: [], figures: [figures(2, 'Support'), figures(1, 'Sales')] }, at: T0 },
      { type: 'event', event: { type: 'monitor_figures', figures: figures(1, 'Sales', 3) }, at: T0 },
    ]);
    expect(s.figures.map((f) => `${f.name}:${f.offered}`)).toEqual(['Sales:3', 'Support:0']);
  });

  test('an agent event carries the call the agent is on', () => {
    const a = { ...agent(2, '1001', { login: 'online', phone: 'talking', as_of: T0 + 1 }), call: { call: '7', customer: '13900000001', direction: 'inbound' as const, group_id: 1, state: 'held' as const, since: T0 } };
    const s = run([snapshot([agent(2, '1001')], []), agentEv(a)]);
    expect(s.agents[0].call?.state).toBe('held');
  });

  test('a group filter keeps its members, queue and figures', () => {
    const s = run([
      {
        type: 'snapshot',
        monitor: {
          agents: [{ ...agent(1, '1001'), groups: [1, 2] }, { ...agent(2, '1002'), groups: [2] }, agent(3, '1003')],
          queues: [queue(1, 'Sales'), queue(2, 'Support')],
          figures: [figures(1, 'Sales'), figures(2, 'Support')],
        },
        at: T0,
      },
    ]);
    const one = inGroup(s, 1);
    expect([one.agents.map((a) => a.work_id), one.queues.map((q) => q.name), one.figures.map((f) => f.name)]).toEqual([['1001'], ['Sales'], ['Sales']]);
    expect(inGroup(s, null).agents).toHaveLength(3);
  });
});
