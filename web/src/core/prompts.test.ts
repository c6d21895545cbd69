import { describe, expect, test } from 'vitest';
import { ApiFailure } from './api';
import { formatSeconds, nameFromFile, numbersInUse, promptAudioUrl, uploadPrompt, uploadUrl } from './prompts';

describe('uploaded prompts', () => {
  test.each<[number, string]>([
    [0, '0:00.0'],
    [2.5, '0:02.5'],
    [9.96, '0:10.0'],
    [65, '1:05.0'],
    [599.99, '10:00.0'],
  ])('%s s shows as %s', (s, shown) => expect(formatSeconds(s)).toBe(shown));

  test.each<[string, string]>([
    ['welcome.wav', 'welcome'],
    ['欢迎词.v2.WAV', '欢迎词.v2'],
    ['noext', 'noext'],
  ])('%s suggests the name %s', (file, name) => expect(nameFromFile(file)).toBe(name));

  test('urls', () => {
    expect(promptAudioUrl(7)).toBe('/api/v1/prompts/7/audio');
    expect(uploadUrl(' 欢迎 & hi ', 'a b.wav')).toBe('/api/v1/prompts?name=%E6%AC%A2%E8%BF%8E+%26+hi&file_name=a+b.wav');
    expect(uploadUrl('x')).toBe('/api/v1/prompts?name=x');
  });

  test('the numbers of an in-use error', () => {
    expect(numbersInUse({ numbers: ['4008000000', 3] })).toEqual(['4008000000']);
    expect(numbersInUse(undefined)).toEqual([]);
  });

  test('an upload sends the file as audio/wav and returns the prompt', async () => {
    const file = Object.assign(new Blob(['RIFF']), { name: 'hi.wav' });
    let seen: { url: string; init?: RequestInit } | undefined;
    const ok: typeof fetch = async (url, init) => {
      seen = { url: String(url), init };
      return new Response(JSON.stringify({ id: 1, name: 'Hi', seconds: 2, file_name: 'hi.wav', created_at: 0 }), { status: 201 });
    };
    await expect(uploadPrompt('Hi', file, ok)).resolves.toMatchObject({ id: 1, seconds: 2 });
    expect(seen?.url).toBe('/api/v1/prompts?name=Hi&file_name=hi.wav');
    expect(seen?.init?.method).toBe('POST');
    expect((seen?.init?.headers as Record<string, string>)['Content-Type']).toBe('audio/wav');
    expect(seen?.init?.body).toBe(file);
  });

  test('a refused upload throws the server code and message', async () => {
    const refused: typeof fetch = async () =>
      new Response(JSON.stringify({ error: { code: 'invalid_audio', message: 'unsupported sample rate 96000 Hz: use 8 to 48 kHz' } }), { status: 400 });
    const e = await uploadPrompt('Hi', new Blob(['x']), refused).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(ApiFailure);
    expect((e as ApiFailure).code).toBe('invalid_audio');
    expect((e as ApiFailure).message).toContain('96000 Hz');
  });
});
