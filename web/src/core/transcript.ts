// The live transcript of the agent's call (实时转文字), fed by `transcript` events of the events
// WebSocket. Pure: partial segments are replaced by the next result of the same speaker's
// utterance and finally by its final; a final with no words withdraws the utterance.
import type { Event, TranscriptSegment } from '../api/types';

/** How many of the latest entries the panel shows without scrolling. */
export const LATEST_VISIBLE = 4;

export interface TranscriptState {
  /** The call the entries belong to; `null` before the first call. */
  call: string | null;
  /** Entries by start time; at most one partial (`final: false`) per speaker. */
  entries: TranscriptSegment[];
  /** Whether transcription was switched on for this call (from the phone bar or by a segment). */
  on: boolean;
}

export const initialTranscript: TranscriptState = { call: null, entries: [], on: false };

export type TranscriptAction =
  /** An event from the WebSocket. */
  | { type: 'event'; event: Event }
  /** The agent switched transcription of `call` on or off (the API said yes). */
  | { type: 'switched'; call: string; on: boolean }
  /** Signed out. */
  | { type: 'reset' };

function byStart(a: TranscriptSegment, b: TranscriptSegment): number {
  return a.start_ms - b.start_ms || a.end_ms - b.end_ms;
}

/** Adds one segment: it replaces its speaker's open partial, if any. */
export function addSegment(entries: TranscriptSegment[], seg: TranscriptSegment): TranscriptSegment[] {
  const rest = entries.filter((e) => e.final || e.speaker !== seg.speaker);
  if (seg.text.trim() === '') return rest.length === entries.length ? entries : rest;
  return [...rest, seg].sort(byStart);
}

function forCall(state: TranscriptState, call: string): TranscriptState {
  return state.call === call ? state : { call, entries: [], on: false };
}

export function transcriptReducer(state: TranscriptState, action: TranscriptAction): TranscriptState {
  switch (action.type) {
    case 'event': {
      const ev = action.event;
      switch (ev.type) {
        case 'call_connected':
          return forCall(state, ev.call);
        case 'transcript': {
          const s = forCall(state, ev.call);
          return { ...s, on: true, entries: addSegment(s.entries, ev.segment) };
        }
        case 'call_ended':
          // The transcript stays readable after the call; only the switch goes off.
          return state.call === ev.call && state.on ? { ...state, on: false } : state;
        default:
          return state;
      }
    }
    case 'switched': {
      const s = forCall(state, action.call);
      return s.on === action.on && s === state ? state : { ...s, on: action.on };
    }
    case 'reset':
      return initialTranscript;
  }
}

/** `mm:ss` of a time in ms from the start of the call. */
export function clock(ms: number): string {
  const s = Math.max(0, Math.floor(ms / 1000));
  return `${String(Math.floor(s / 60)).padStart(2, '0')}:${String(s % 60).padStart(2, '0')}`;
}
