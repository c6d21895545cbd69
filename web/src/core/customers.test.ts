import { describe, expect, test } from 'vitest';
import type { Callback } from '../api/types';
import { customersExportUrl, dueCallbacks, importErrorsCsv, isMaskedNumber, isOverdue, nextDueIn, parseNumbers } from './customers';

function cb(id: number, due_at: number, state: Callback['state'] = 'pending'): Callback {
  return {
    id,
    due_at,
    state,
    number: '13800138000',
    agent_id: 1,
    created_at: 0,
    customer_id: null,
    customer_name: null,
    agent_name: null,
    remark: null,
    done_at: null,
    call_id: null,
  };
}

describe('parseNumbers', () => {
  test.each([
    ['13800138000', ['13800138000']],
    ['13800138000\n 0755123456 \n\n', ['13800138000', '0755123456']],
    ['+8613800138000, 1001;1002', ['+8613800138000', '1001', '1002']],
    ['   ', []],
  ])('%j', (text, expected) => {
    expect(parseNumbers(text)).toEqual(expected);
  });
});

describe('isMaskedNumber', () => {
  test('a number whose last four digits are stars is masked', () => {
    expect(isMaskedNumber('1381234****')).toBe(true);
    expect(isMaskedNumber('+861381234****')).toBe(true);
    expect(isMaskedNumber('13812345678')).toBe(false);
    expect(isMaskedNumber('*88#')).toBe(false);
  });
});

describe('due callbacks', () => {
  const list = [cb(1, 1_000), cb(2, 5_000), cb(3, 500, 'done'), cb(4, 200, 'expired'), cb(5, 9_000)];

  test('only pending ones whose time has come, each once', () => {
    expect(dueCallbacks(list, 1_000, new Set()).map((c) => c.id)).toEqual([1]);
    expect(dueCallbacks(list, 6_000, new Set([1])).map((c) => c.id)).toEqual([2]);
  });

  test('the next one falls due in the shortest wait', () => {
    expect(nextDueIn(list, 1_000)).toBe(4_000);
    expect(nextDueIn(list, 9_000)).toBeNull();
  });

  test('overdue while pending past its time', () => {
    expect(isOverdue(cb(1, 1_000), 2_000)).toBe(true);
    expect(isOverdue(cb(1, 1_000, 'done'), 2_000)).toBe(false);
    expect(isOverdue(cb(1, 3_000), 2_000)).toBe(false);
  });
});

describe('import and export', () => {
  test('the export URL carries the format and only the filters set', () => {
    expect(customersExportUrl({ q: '', tag: '', mine: false }, 'csv')).toBe('/api/v1/customers/export?format=csv');
    expect(customersExportUrl({ q: '张 三', tag: 'VIP', mine: true }, 'xlsx')).toBe(
      '/api/v1/customers/export?format=xlsx&q=%E5%BC%A0+%E4%B8%89&tag=VIP&mine=true',
    );
  });

  test('the error report lists each refused row and why', () => {
    const csv = importErrorsCsv({ created: 1, errors: [{ row: 2, message: 'name: is required' }, { row: 5, message: 'one of the numbers already belongs to another customer' }] });
    expect(csv).toBe('\ufeffrow,reason\r\n2,name: is required\r\n5,one of the numbers already belongs to another customer\r\n');
  });
});
