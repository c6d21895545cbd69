import { describe, expect, test } from 'vitest';
import type { Offer } from '../api/types';
import { callDetailRows, formatCallTime, type Translate } from './callDetails';

// Shows which text was asked for, with its count, so the rows can be read without the tables.
const t: Translate = (key, options) => (options && 'count' in options ? `${key}(${String(options.count)})` : key);

function offer(over: Partial<Offer> = {}): Offer {
  return {
    call: '7',
    caller: '18957509123',
    enterprise_number: '4008000000',
    group_id: 1,
    group_name: 'Sales',
    auto_answer: false,
    customer_name: null,
    location: null,
    previous_calls: 0,
    last_call_at: null,
    ...over,
  };
}

function value(rows: ReturnType<typeof callDetailRows>, key: string): string | undefined {
  return rows.find((r) => r.key === key)?.value;
}

describe('call pop details', () => {
  test('a call without an offer shows only its number', () => {
    expect(callDetailRows('13800138000', null, t)).toEqual([{ key: 'number', label: 'phonebar.caller', value: '13800138000' }]);
    expect(value(callDetailRows('', null, t), 'number')).toBe('phonebar.unknownCaller');
  });

  test.each([
    ['浙江 绍兴市 中国电信', '浙江 绍兴市 中国电信'],
    [null, 'phonebar.unknown'],
    ['', 'phonebar.unknown'],
  ])('location %j shows as %j', (location, shown) => {
    expect(value(callDetailRows('18957509123', offer({ location }), t), 'location')).toBe(shown);
  });

  test.each([
    [0, 'phonebar.firstCall'],
    [1, 'phonebar.times(1)'],
    [12, 'phonebar.times(12)'],
  ])('%i earlier calls show as %j', (previous_calls, shown) => {
    expect(value(callDetailRows('18957509123', offer({ previous_calls }), t), 'calls')).toBe(shown);
  });

  test('the last call shows its local date and time, or a dash for a first call', () => {
    const at = new Date(2026, 11, 1, 9, 5).getTime();
    expect(value(callDetailRows('1', offer({ previous_calls: 1, last_call_at: at }), t), 'last-call')).toBe('2026-12-01 09:05');
    expect(value(callDetailRows('1', offer(), t), 'last-call')).toBe('—');
  });

  test('rows come in the order the pops show them, with the dialed number and group', () => {
    const rows = callDetailRows('18957509123', offer({ customer_name: '王女士' }), t);
    expect(rows.map((r) => r.key)).toEqual(['number', 'name', 'location', 'calls', 'last-call', 'dialed', 'group']);
    expect([value(rows, 'name'), value(rows, 'dialed'), value(rows, 'group')]).toEqual(['王女士', '4008000000', 'Sales']);
  });

  test('a customer added from the pop names the call at once', () => {
    expect(value(callDetailRows('1', offer(), t, '李先生'), 'name')).toBe('李先生');
    expect(value(callDetailRows('1', offer({ customer_name: '王女士' }), t, null), 'name')).toBe('王女士');
  });

  test("a colleague's consult, queued in no group, shows no group row", () => {
    const rows = callDetailRows('18957509123', offer({ group_name: '', consult_by: 5, consult_from: '张三 (1001)' }), t);
    expect(rows.map((r) => r.key)).not.toContain('group');
  });

  test('call times pad months, days, hours and minutes', () => {
    expect(formatCallTime(new Date(2027, 0, 2, 3, 4).getTime())).toBe('2027-01-02 03:04');
  });
});
