// Uploaded IVR prompts (语音文件): the upload request (the WAV file itself is the body), the
// audio URL the browser plays, and how lengths and names are shown. No UI framework here.
import type { Prompt } from '../api/types';
import { toFailure } from './api';

/** Largest file the server takes (20 MB), checked before sending. */
export const MAX_PROMPT_BYTES = 20 * 1024 * 1024;

/** The URL of a prompt's audio as a WAV (8 kHz mono), for an <audio> element. */
export function promptAudioUrl(id: number): string {
  return `/api/v1/prompts/${id}/audio`;
}

/** The upload URL for a prompt of this name from a file of this name. */
export function uploadUrl(name: string, fileName?: string): string {
  const q = new URLSearchParams({ name: name.trim() });
  if (fileName) q.set('file_name', fileName);
  return `/api/v1/prompts?${q.toString()}`;
}

/** A name to start from: the file's name without its extension. */
export function nameFromFile(fileName: string): string {
  return fileName.replace(/\.[^.]*$/, '').slice(0, 64);
}

/** A length in seconds as m:ss.t (e.g. 0:02.5, 1:05.0). */
export function formatSeconds(seconds: number): string {
  const tenths = Math.round(Math.max(0, seconds) * 10);
  const m = Math.floor(tenths / 600);
  const s = (tenths % 600) / 10;
  return `${m}:${s < 10 ? '0' : ''}${s.toFixed(1)}`;
}

/** The numbers a 409 `prompt_in_use` names. */
export function numbersInUse(details: Record<string, unknown> | undefined): string[] {
  const n = details?.numbers;
  return Array.isArray(n) ? n.filter((x): x is string => typeof x === 'string') : [];
}

/** Uploads a WAV file; throws an ApiFailure with the server's code (`invalid_audio` …). */
export async function uploadPrompt(name: string, file: Blob & { name?: string }, fetchFn: typeof fetch = fetch): Promise<Prompt> {
  const r = await fetchFn(uploadUrl(name, file.name), {
    method: 'POST',
    credentials: 'same-origin',
    headers: { 'Content-Type': 'audio/wav' },
    body: file,
  });
  const body: unknown = await r.json().catch(() => undefined);
  if (!r.ok) throw toFailure(r.status, body);
  return body as Prompt;
}
