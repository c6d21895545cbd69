import { describe, expect, test } from 'vitest';
import { flowProblems, flowTemplate, flowText, parseFlowText } from './flow';

describe('flowTemplate', () => {
  test.each([
    [[], { '1': 'queue_1' }, [1]],
    [[4], { '1': 'queue_1' }, [4]],
    [[4, 7], { '1': 'queue_1', '2': 'queue_2' }, [4, 7]],
  ])('groups %j give options %j', (ids, options, queued) => {
    const flow = flowTemplate(ids) as { start: string; steps: Record<string, Record<string, unknown>> };
    expect(flow.start).toBe('welcome');
    expect(flow.steps.menu.options).toEqual(options);
    expect(Object.values(flow.steps).filter((s) => s.type === 'queue').map((s) => s.group_id)).toEqual(queued);
  });

  test('every target names a step of the template', () => {
    const flow = flowTemplate([1, 2, 3]) as { start: string; steps: Record<string, Record<string, unknown>> };
    const targets = [flow.start];
    for (const s of Object.values(flow.steps)) {
      for (const k of ['next', 'open', 'closed', 'on_fail']) if (typeof s[k] === 'string') targets.push(s[k] as string);
      if (s.options) targets.push(...Object.values(s.options as Record<string, string>));
    }
    for (const t of targets) expect(flow.steps).toHaveProperty(t);
  });
});

describe('parseFlowText', () => {
  test.each([
    ['', { ok: true, flow: null }],
    ['  \n ', { ok: true, flow: null }],
    ['{"start":"a","steps":{}}', { ok: true, flow: { start: 'a', steps: {} } }],
    [flowText({ start: 'x', steps: { x: { type: 'hangup' } } }), { ok: true, flow: { start: 'x', steps: { x: { type: 'hangup' } } } }],
  ])('%j reads', (text, expected) => expect(parseFlowText(text)).toEqual(expected));

  test.each(['{', '{"start": }', '[]', '"flow"', '42', 'null'])('%j is refused', (text) => {
    const r = parseFlowText(text);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.error.length).toBeGreaterThan(0);
  });
});

describe('flowProblems', () => {
  test.each([
    [{ field: 'flow', problems: ['step "menu", options.1: no step is named "nowhere"', 'start: no step is named "x"'] }, undefined, 2],
    [{ problems: ['one', 42, '', null] }, undefined, 1],
    [{ problems: 'not a list' }, 'fallback', 1],
    [undefined, 'the message', 1],
    [undefined, undefined, 0],
  ])('%j gives %i problems', (details, fallback, n) => {
    const list = flowProblems(details as Record<string, unknown> | undefined, fallback);
    expect(list).toHaveLength(n);
    for (const p of list) expect(typeof p).toBe('string');
  });
});
