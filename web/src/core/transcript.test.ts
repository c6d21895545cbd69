import { describe, expect, test } from 'vitest';
import type { Event, TranscriptSegment } from '../api/types';
import { addSegment, clock, initialTranscript, transcriptReducer, type TranscriptAction, type TranscriptState } from './transcript';

const seg = (speaker: 'customer' | 'agent', start_ms: number, text: string, final = true, end_ms = start_ms + 1000): TranscriptSegment => ({
  speaker,
  start_ms,
  end_ms,
  text,
  confidence: final ? 0.8 : 0,
  final,
});
const ev = (event: Event): TranscriptAction => ({ type: 'event', event });
const said = (call: string, s: TranscriptSegment) => ev({ type: 'transcript', call, segment: s });
const run = (actions: TranscriptAction[], from: TranscriptState = initialTranscript) => actions.reduce(transcriptReducer, from);
const texts = (s: TranscriptState) => s.entries.map((e) => `${e.speaker}:${e.text}${e.final ? '' : '…'}`);

describe('transcriptReducer', () => {
  test.each<[string, TranscriptAction[], (s: TranscriptState) => unknown, unknown]>([
    ['a partial shows at once', [said('c1', seg('customer', 0, 'hello', false))], texts, ['customer:hello…']],
    [
      'partials are replaced by the next partial and then by their final',
      [said('c1', seg('customer', 0, 'hel', false)), said('c1', seg('customer', 0, 'hello the', false)), said('c1', seg('customer', 0, 'hello there'))],
      texts,
      ['customer:hello there'],
    ],
    [
      "one side's partial does not replace the other side's",
      [said('c1', seg('customer', 0, 'hello', false)), said('c1', seg('agent', 500, 'hi', false)), said('c1', seg('customer', 0, 'hello there'))],
      texts,
      ['customer:hello there', 'agent:hi…'],
    ],
    [
      'finals stay; the next utterance is a new entry',
      [said('c1', seg('agent', 0, 'good morning')), said('c1', seg('agent', 3000, 'how', false))],
      texts,
      ['agent:good morning', 'agent:how…'],
    ],
    [
      'entries are ordered by start time',
      [said('c1', seg('agent', 4000, 'second')), said('c1', seg('customer', 1000, 'first'))],
      texts,
      ['customer:first', 'agent:second'],
    ],
    [
      'a final with no words withdraws the partial',
      [said('c1', seg('customer', 0, 'um', false)), said('c1', seg('customer', 0, ''))],
      texts,
      [],
    ],
    [
      'Chinese text is kept as it is',
      [said('c1', seg('customer', 0, '我想查询订单'))],
      texts,
      ['customer:我想查询订单'],
    ],
    [
      'a new call starts an empty transcript',
      [said('c1', seg('customer', 0, 'old')), ev({ type: 'call_ended', call: 'c1' }), ev({ type: 'call_connected', call: 'c2', caller: '138' })],
      (s) => [s.call, texts(s), s.on],
      ['c2', [], false],
    ],
    [
      'the transcript stays readable after the call ends, switched off',
      [said('c1', seg('customer', 0, 'bye')), ev({ type: 'call_ended', call: 'c1' })],
      (s) => [texts(s), s.on],
      [['customer:bye'], false],
    ],
    [
      'the switch turns on and off for the call',
      [ev({ type: 'call_connected', call: 'c1', caller: '138' }), { type: 'switched', call: 'c1', on: true }],
      (s) => [s.call, s.on],
      ['c1', true],
    ],
    [
      'a segment means transcription is on',
      [ev({ type: 'call_connected', call: 'c1', caller: '138' }), said('c1', seg('agent', 0, 'hi'))],
      (s) => s.on,
      true,
    ],
    [
      'switching off keeps what was said',
      [said('c1', seg('agent', 0, 'hi')), { type: 'switched', call: 'c1', on: false }],
      (s) => [texts(s), s.on],
      [['agent:hi'], false],
    ],
    ['other events change nothing', [ev({ type: 'queues', queues: [] })], (s) => s, initialTranscript],
    ['reset clears everything', [said('c1', seg('agent', 0, 'hi')), { type: 'reset' }], (s) => s, initialTranscript],
  ])('%s', (_name, actions, pick, want) => {
    expect(pick(run(actions))).toEqual(want);
  });

  test('an event that changes nothing keeps the same state object', () => {
    const s = run([said('c1', seg('agent', 0, 'hi'))]);
    expect(transcriptReducer(s, ev({ type: 'call_ended', call: 'other' }))).toBe(s);
    expect(addSegment(s.entries, seg('customer', 0, ''))).toBe(s.entries);
  });
});

describe('clock', () => {
  test.each([
    [0, '00:00'],
    [1_200, '00:01'],
    [61_999, '01:01'],
    [3_723_000, '62:03'],
    [-5, '00:00'],
  ])('%d ms is %s', (ms, want) => {
    expect(clock(ms)).toBe(want);
  });
});
