import { describe, expect, test } from 'vitest';
import type { GroupFigures, MonitorAgent, Presence, QueueLength } from '../api/types';
import { abandonedLevel, boardTotals, serviceLevelLevel, waitingLevel, waitLevel } from './wallboard';

const T0 = 1_780_000_000_000;

function agent(user_id: number, over: Partial<Presence>, groups: number[] = [1]): MonitorAgent {
  return {
    work_id: String(1000 + user_id),
    name: `坐席 ${user_id}`,
    groups,
    call: null,
    presence: {
      user_id,
      login: 'online',
      custom_status_id: null,
      phone: 'busy',
      since: T0,
      after_call_work_until: null,
      auto_answer: false,
      device: 'browser',
      today: { talk_seconds: 0, calls: 0, busy_seconds: 0, idle_seconds: 0 },
      as_of: T0,
      ...over,
    },
  };
}

function figures(group_id: number, over: Partial<GroupFigures>): GroupFigures {
  return {
    group_id,
    name: `G${group_id}`,
    offered: 0,
    answered: 0,
    abandoned: 0,
    answered_in_time: 0,
    left_queue: 0,
    average_answer_ms: null,
    service_level: null,
    service_level_secs: 20,
    service_level_target: 80,
    ...over,
  };
}

const queue = (group_id: number, waiting: number, oldest_since: number | null): QueueLength => ({ group_id, name: `G${group_id}`, waiting, oldest_since, idle_agents: 0 });

describe('boardTotals', () => {
  test('adds up groups and counts each agent once', () => {
    const t = boardTotals(
      [agent(1, { phone: 'idle' }, [1, 2]), agent(2, { phone: 'talking' }), agent(3, { phone: 'ringing' }), agent(4, { login: 'offline' })],
      [queue(1, 2, T0 + 5), queue(2, 1, T0), queue(3, 0, null)],
      [
        figures(1, { offered: 10, answered: 8, abandoned: 2, answered_in_time: 6, left_queue: 10, average_answer_ms: 10_000, service_level_target: 90 }),
        figures(2, { offered: 2, answered: 2, answered_in_time: 2, left_queue: 2, average_answer_ms: 4_000, service_level_secs: 10 }),
      ],
    );
    expect(t).toEqual({
      waiting: 3,
      oldestSince: T0,
      idle: 1,
      talking: 2,
      signedIn: 3,
      offered: 12,
      answered: 10,
      abandoned: 2,
      averageAnswerMs: 8_800,
      serviceLevel: 66,
      target: 90,
      thresholdSecs: 10,
    });
  });

  test('nothing yet: no averages', () => {
    const t = boardTotals([], [], []);
    expect([t.averageAnswerMs, t.serviceLevel, t.oldestSince, t.target, t.thresholdSecs]).toEqual([null, null, null, 80, 20]);
  });
});

describe('levels', () => {
  test.each([
    [0, 0, 'ok'],
    [3, 1, 'ok'],
    [1, 0, 'amber'],
    [5, 0, 'red'],
  ] as const)('waiting %i with %i idle: %s', (w, idle, level) => expect(waitingLevel(w, idle)).toBe(level));

  test.each([
    [null, 'ok'],
    [19_999, 'ok'],
    [20_000, 'amber'],
    [40_000, 'red'],
  ] as const)('waited %s ms against 20 s: %s', (ms, level) => expect(waitLevel(ms, 20)).toBe(level));

  test.each([
    [null, 'ok'],
    [80, 'ok'],
    [79, 'amber'],
    [70, 'red'],
  ] as const)('service level %s against 80: %s', (sl, level) => expect(serviceLevelLevel(sl, 80)).toBe(level));

  test.each([
    [0, 0, 'ok'],
    [4, 100, 'ok'],
    [5, 100, 'amber'],
    [1, 10, 'red'],
  ] as const)('abandoned %i of %i: %s', (a, o, level) => expect(abandonedLevel(a, o)).toBe(level));
});
