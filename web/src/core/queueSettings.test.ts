import { describe, expect, test } from 'vitest';
import type { QueueSettings } from '../api/types';
import { formToSettings, settingsToForm, type QueueSettingsForm } from './queueSettings';

describe('queue settings form', () => {
  test.each<[string, QueueSettings | undefined, Partial<QueueSettingsForm>]>([
    ['nothing stored: the server defaults', undefined, { strategy: 'longest_idle', ring_timeout_secs: 20, limit_wait: false, overflow_type: 'goodbye', service_level_secs: 20, service_level_target: 80, survey: false, survey_prompt_id: null }],
    ['an empty object: the same', {}, { strategy: 'longest_idle', ring_timeout_secs: 20, limit_wait: false, overflow_type: 'goodbye' }],
    [
      'overflow to a group',
      { strategy: 'round_robin', ring_timeout_secs: 15, max_wait_secs: 60, overflow: { type: 'group', group_id: 3 } },
      { strategy: 'round_robin', ring_timeout_secs: 15, limit_wait: true, max_wait_secs: 60, overflow_type: 'group', overflow_group_id: 3 },
    ],
    [
      'overflow to a number',
      { strategy: 'skill_priority', ring_timeout_secs: 30, max_wait_secs: 300, overflow: { type: 'number', number: '13800138000' } },
      { limit_wait: true, max_wait_secs: 300, overflow_type: 'number', overflow_number: '13800138000' },
    ],
  ])('%s', (_, stored, form) => expect(settingsToForm(stored)).toMatchObject(form));

  test.each<QueueSettings>([
    { strategy: 'longest_idle', ring_timeout_secs: 20, max_wait_secs: null, overflow: { type: 'goodbye' }, service_level_secs: 20, service_level_target: 80, survey: false, survey_prompt_id: null },
    { strategy: 'fewest_calls', ring_timeout_secs: 5, max_wait_secs: 10, overflow: { type: 'goodbye' }, service_level_secs: 1, service_level_target: 100, survey: true, survey_prompt_id: null },
    { strategy: 'round_robin', ring_timeout_secs: 120, max_wait_secs: 3600, overflow: { type: 'group', group_id: 2 }, service_level_secs: 600, service_level_target: 1, survey: true, survey_prompt_id: 7 },
    { strategy: 'skill_priority', ring_timeout_secs: 25, max_wait_secs: 90, overflow: { type: 'number', number: '4001234567' }, service_level_secs: 15, service_level_target: 90, survey: false, survey_prompt_id: null },
    // No limit, but the overflow target is kept for later; the survey off keeps its prompt.
    { strategy: 'longest_idle', ring_timeout_secs: 20, max_wait_secs: null, overflow: { type: 'group', group_id: 5 }, service_level_secs: 20, service_level_target: 80, survey: false, survey_prompt_id: 3 },
  ])('%j survives the form', (s) => expect(formToSettings(settingsToForm(s))).toEqual(s));

  test('a number is trimmed', () => {
    const f = { ...settingsToForm(undefined), limit_wait: true, max_wait_secs: 30, overflow_type: 'number' as const, overflow_number: ' 123 ' };
    expect(formToSettings(f).overflow).toEqual({ type: 'number', number: '123' });
  });
});
