import { describe, expect, test } from 'vitest';
import type { CampaignCustomer } from '../api/types';
import { actionsFor, attemptsText, canDial, dialable, importUrl, nextCustomer, percent, timeLeft, uploadCustomerList } from './campaigns';

const row = (id: number, name: string, attempts = 0, outcome: CampaignCustomer['outcome'] = null): CampaignCustomer => ({
  id, campaign_id: 1, name, number: '+86138****0000', fields: {}, notes: '', attempts, max_attempts: 5, outcome, last_called_at: null,
});

describe('campaigns', () => {
  test.each([
    ['not_started', ['start', 'complete']],
    ['running', ['pause', 'complete']],
    ['paused', ['resume', 'complete']],
    ['completed', []],
    ['expired', []],
  ] as const)('a %s campaign offers %j', (state, actions) => {
    expect(actionsFor(state)).toEqual(actions);
  });

  test('time left and rates read as the view shows them', () => {
    expect(timeLeft(((2 * 24 + 3) * 60 + 4) * 60_000 + 59_000)).toEqual({ days: 2, hours: 3, minutes: 4 });
    expect(timeLeft(-5)).toEqual({ days: 0, hours: 0, minutes: 0 });
    expect(percent(0.125)).toBe('12.5%');
    expect(percent(0)).toBe('0.0%');
    expect(attemptsText(row(1, 'a', 2))).toBe('2/5');
  });

  test('only running campaigns dial, and only customers with attempts left and no final outcome', () => {
    expect(canDial({ state: 'running' })).toBe(true);
    expect(canDial({ state: 'paused' })).toBe(false);
    expect(dialable(row(1, 'a', 4, 'busy'))).toBe(true);
    expect(dialable(row(1, 'a', 5, 'busy'))).toBe(false);
    expect(dialable(row(1, 'a', 1, 'answered'))).toBe(false);
    expect(dialable(row(1, 'a', 1, 'invalid_number'))).toBe(false);
  });

  test('save and call next skips finished customers and wraps around', () => {
    const items = [row(1, 'A'), row(2, 'B', 1, 'answered'), row(3, 'C', 5, 'busy'), row(4, 'D')];
    expect(nextCustomer(items, 1)?.id).toBe(4);
    expect(nextCustomer(items, 4)?.id).toBe(1);
    expect(nextCustomer(items, undefined)?.id).toBe(1);
    expect(nextCustomer([row(1, 'A')], 1)).toBeUndefined();
  });

  test('imports post the file and turn refusals into failures', async () => {
    expect(importUrl(7, '客户 1.xlsx')).toBe('/api/v1/campaigns/7/import?file_name=%E5%AE%A2%E6%88%B7%201.xlsx');
    const ok = (async () => new Response(JSON.stringify({ id: 3, imported: 1 }), { status: 200 })) as typeof fetch;
    expect((await uploadCustomerList(7, new Blob(['x']), ok)).id).toBe(3);
    const bad = (async () => new Response(JSON.stringify({ error: { code: 'invalid_file', message: 'no' } }), { status: 400 })) as typeof fetch;
    await expect(uploadCustomerList(7, new Blob(['x']), bad)).rejects.toMatchObject({ code: 'invalid_file' });
  });
});
