// A skill group's queue settings as the admin form edits them (flat fields) and as the API
// takes them (`QueueSettings` with a tagged overflow target).
import type { QueueSettings, RoutingStrategy } from '../api/types';

export const STRATEGIES: RoutingStrategy[] = ['longest_idle', 'round_robin', 'fewest_calls', 'skill_priority'];
export const RING_TIMEOUT = { min: 5, max: 120, default: 20 } as const;
export const MAX_WAIT = { min: 10, max: 3600, default: 120 } as const;
/** Service level (服务水平): answered within this many seconds… */
export const SERVICE_LEVEL_SECS = { min: 1, max: 600, default: 20 } as const;
/** …for this share of the calls, percent ("80/20"). */
export const SERVICE_LEVEL_TARGET = { min: 1, max: 100, default: 80 } as const;

export type OverflowType = 'goodbye' | 'group' | 'number';

export interface QueueSettingsForm {
  strategy: RoutingStrategy;
  ring_timeout_secs: number;
  /** Off: callers wait for ever (the overflow target is kept for when a limit is set again). */
  limit_wait: boolean;
  max_wait_secs: number;
  overflow_type: OverflowType;
  overflow_group_id?: number;
  overflow_number?: string;
  service_level_secs: number;
  service_level_target: number;
  /** The satisfaction survey after calls the agent hangs up first. */
  survey: boolean;
  /** An uploaded prompt for the survey; null plays the built-in one. */
  survey_prompt_id: number | null;
}

/** The form's values for stored settings; absent fields take the server's defaults. */
export function settingsToForm(s: QueueSettings | undefined): QueueSettingsForm {
  const o = s?.overflow ?? { type: 'goodbye' as const };
  return {
    strategy: s?.strategy ?? 'longest_idle',
    ring_timeout_secs: s?.ring_timeout_secs ?? RING_TIMEOUT.default,
    limit_wait: s?.max_wait_secs != null,
    max_wait_secs: s?.max_wait_secs ?? MAX_WAIT.default,
    overflow_type: o.type,
    overflow_group_id: o.type === 'group' ? o.group_id : undefined,
    overflow_number: o.type === 'number' ? o.number : undefined,
    service_level_secs: s?.service_level_secs ?? SERVICE_LEVEL_SECS.default,
    service_level_target: s?.service_level_target ?? SERVICE_LEVEL_TARGET.default,
    survey: s?.survey ?? false,
    survey_prompt_id: s?.survey_prompt_id ?? null,
  };
}

/** The API body for the form's values. */
export function formToSettings(f: QueueSettingsForm): QueueSettings {
  let overflow: QueueSettings['overflow'];
  switch (f.overflow_type) {
    case 'group':
      overflow = { type: 'group', group_id: f.overflow_group_id ?? 0 };
      break;
    case 'number':
      overflow = { type: 'number', number: (f.overflow_number ?? '').trim() };
      break;
    case 'goodbye':
      overflow = { type: 'goodbye' };
      break;
  }
  return {
    strategy: f.strategy,
    ring_timeout_secs: f.ring_timeout_secs,
    max_wait_secs: f.limit_wait ? f.max_wait_secs : null,
    overflow,
    service_level_secs: f.service_level_secs,
    service_level_target: f.service_level_target,
    survey: f.survey,
    survey_prompt_id: f.survey_prompt_id ?? null,
  };
}
