import { describe, expect, test } from 'vitest';
import { exportUrl, filterParams, needsCallBack, playerClock } from './callRecords';

describe('filterParams', () => {
  test.each([
    [{}, {}],
    [{ q: '  138 ', keyword: ' ' }, { q: '138' }],
    [{ from: 0, to: 86_400_000 }, { from: 0, to: 86_400_000 }],
    [{ agentId: 7, skillGroupId: 2, direction: 'inbound' as const }, { agent_id: 7, skill_group_id: 2, direction: 'inbound' }],
    [{ result: 'failed' as const, failure: ' busy ' }, { result: 'failed', failure: 'busy' }],
    [{ sort: 'talk_seconds' as const, order: 'asc' as const }, { sort: 'talk_seconds', order: 'asc' }],
    [{ keyword: '退款' }, { keyword: '退款' }],
  ])('%j → %j', (filters, params) => {
    expect(filterParams(filters)).toEqual(params);
  });
});

describe('exportUrl', () => {
  test('carries the filters, format, language and time zone', () => {
    const url = exportUrl({ result: 'missed', q: '+86 138' }, 'xlsx', 'zh-CN', 480);
    const params = new URL(url, 'http://x').searchParams;
    expect(url.startsWith('/api/v1/calls/export?')).toBe(true);
    expect(Object.fromEntries(params)).toEqual({ format: 'xlsx', lang: 'zh', utc_offset_minutes: '480', q: '+86 138', result: 'missed' });
  });
  test('English and a zone west of UTC', () => {
    const params = new URL(exportUrl({}, 'csv', 'en-US', -300), 'http://x').searchParams;
    expect(params.get('lang')).toBe('en');
    expect(params.get('utc_offset_minutes')).toBe('-300');
  });
});

test.each([
  ['missed', true],
  ['abandoned', true],
  ['answered', false],
  ['failed', false],
] as const)('%s needs a call back: %s', (result, want) => {
  expect(needsCallBack(result)).toBe(want);
});

test.each([
  [0, '0:00'],
  [5.9, '0:05'],
  [65, '1:05'],
  [3_725, '1:02:05'],
  [-3, '0:00'],
])('playerClock(%d) = %s', (s, want) => {
  expect(playerClock(s)).toBe(want);
});
