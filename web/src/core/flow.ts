// IVR flows in the admin console: a starting template, reading the editor's text, and the
// server's list of problems. The server checks the flow whole; here only the JSON is read.

/** The built-in prompts a step can play. */
export const BUILTIN_PROMPTS = ['welcome', 'ivr-menu', 'queue-wait', 'goodbye', 'transfer', 'invalid-input'] as const;

/** The step types a flow can use. */
export const STEP_TYPES = ['play', 'menu', 'queue', 'agent', 'external', 'business_hours', 'hangup'] as const;

export type FlowJson = Record<string, unknown>;

/**
 * A flow to start from: welcome, business hours, a menu with one option per group (up to
 * nine; option 1 to a queue of `groupIds[0]` …), goodbye when closed.
 */
export function flowTemplate(groupIds: number[]): FlowJson {
  const ids = groupIds.length ? groupIds.slice(0, 9) : [1];
  const options: Record<string, string> = {};
  const steps: Record<string, unknown> = {
    welcome: { type: 'play', prompt: { builtin: 'welcome' }, next: 'hours' },
    hours: {
      type: 'business_hours',
      time_zone: 'Asia/Shanghai',
      schedule: [{ days: [1, 2, 3, 4, 5], open: '09:00', close: '18:00' }],
      holidays: [],
      open: 'menu',
      closed: 'bye',
    },
    menu: { type: 'menu', prompt: { builtin: 'ivr-menu' }, options, timeout_ms: 5000, retries: 2 },
  };
  ids.forEach((id, i) => {
    const name = `queue_${i + 1}`;
    options[String(i + 1)] = name;
    steps[name] = { type: 'queue', group_id: id };
  });
  steps.bye = { type: 'hangup', prompt: { builtin: 'goodbye' } };
  return { start: 'welcome', steps };
}

/** The editor's text for a flow (pretty-printed). */
export function flowText(flow: unknown): string {
  return JSON.stringify(flow, null, 2);
}

export type ParsedFlow = { ok: true; flow: FlowJson | null } | { ok: false; error: string };

/** Reads the editor's text: a JSON object, or nothing at all to remove the flow. */
export function parseFlowText(text: string): ParsedFlow {
  if (text.trim() === '') return { ok: true, flow: null };
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (e) {
    return { ok: false, error: e instanceof Error ? e.message : String(e) };
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    return { ok: false, error: 'the flow must be a JSON object with "start" and "steps"' };
  }
  return { ok: true, flow: value as FlowJson };
}

/** The problems an `invalid_flow` answer lists in `details.problems` (strings only). */
export function flowProblems(details: Record<string, unknown> | undefined, fallback?: string): string[] {
  const raw = details?.problems;
  const list = Array.isArray(raw) ? raw.filter((p): p is string => typeof p === 'string' && p.trim() !== '') : [];
  if (list.length === 0 && fallback) return [fallback];
  return list;
}
