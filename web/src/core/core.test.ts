import { describe, expect, test } from 'vitest';
import { backoffDelay } from './backoff';
import { isValidMobile, isValidWorkId, minutesUntil } from './credentials';
import { toFailure } from './api';

describe('backoffDelay', () => {
  test.each([
    [0, 0, 250],
    [0, 0.999, 500],
    [3, 0, 2000],
    [20, 0, 15_000],
    [20, 0.999, 29_985],
  ])('attempt %i with random %f waits %i ms', (attempt, random, expected) => {
    expect(backoffDelay(attempt, random)).toBe(expected);
  });
});

describe('form checks', () => {
  test.each([
    ['1001', true],
    ['admin', true],
    ['', false],
    ['10 01', false],
    ['a'.repeat(21), false],
  ])('work ID %s valid=%s', (v, ok) => expect(isValidWorkId(v)).toBe(ok));

  test.each([
    ['', true],
    ['13800138000', true],
    ['+8613800138000', true],
    ['1380', false],
    ['call me', false],
  ])('mobile %s valid=%s', (v, ok) => expect(isValidMobile(v)).toBe(ok));

  test.each([
    [60_000, 0, 1],
    [60_001, 0, 2],
    [0, 5_000, 0],
  ])('lock until %i at %i is %i minutes', (until, now, m) => expect(minutesUntil(until, now)).toBe(m));
});

describe('toFailure', () => {
  test('reads the server error shape', () => {
    const f = toFailure(429, { error: { code: 'too_many_attempts', message: 'wait', details: { retry_after_s: 4 } } });
    expect([f.status, f.code, f.details?.retry_after_s]).toEqual([429, 'too_many_attempts', 4]);
  });
  test('falls back for bodies of another shape', () => {
    expect(toFailure(502, 'Bad Gateway').code).toBe('internal');
    expect(toFailure(400, undefined).code).toBe('bad_request');
  });
});
