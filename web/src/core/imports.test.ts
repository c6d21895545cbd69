import { describe, expect, test } from 'vitest';
import { csvFile, postImportFile, progressPercent } from './imports';

describe('imports', () => {
  test('the file is posted as the body and a refusal becomes a failure', async () => {
    const seen: { url: string; init?: RequestInit }[] = [];
    const ok = (async (url: string, init?: RequestInit) => {
      seen.push({ url, init });
      return new Response(JSON.stringify({ created: 2, errors: [] }), { status: 200 });
    }) as typeof fetch;
    const file = new Blob(['PK\x03\x04']);
    expect(await postImportFile<{ created: number }>('/api/v1/customers/import', file, ok)).toEqual({ created: 2, errors: [] });
    expect(seen[0]?.url).toBe('/api/v1/customers/import');
    expect(seen[0]?.init?.method).toBe('POST');
    expect(seen[0]?.init?.body).toBe(file);
    const bad = (async () => new Response(JSON.stringify({ error: { code: 'invalid_file', message: 'no' } }), { status: 400 })) as typeof fetch;
    await expect(postImportFile('/x', file, bad)).rejects.toMatchObject({ code: 'invalid_file' });
    const broken = (async () => new Response('<html>', { status: 502 })) as typeof fetch;
    await expect(postImportFile('/x', file, broken)).rejects.toBeTruthy();
  });

  test('progress is a whole percentage, full when there is nothing to do', () => {
    expect(progressPercent(50, 200)).toBe(25);
    expect(progressPercent(1, 3)).toBe(33);
    expect(progressPercent(600, 500)).toBe(100);
    expect(progressPercent(0, 0)).toBe(100);
  });

  test('the error report is CSV with a byte-order mark, quoted and with formulas defused', () => {
    expect(csvFile(['row', 'reason'], [[2, 'name: is required'], [5, 'numbers: "x", or y'], [7, '=HYPERLINK("z")'], [8, '-1'], [9, '-1+2'], [10, '+86 138']])).toBe(
      '\ufeffrow,reason\r\n2,name: is required\r\n5,"numbers: ""x"", or y"\r\n7,"\'=HYPERLINK(""z"")"\r\n8,-1\r\n9,\'-1+2\r\n10,+86 138\r\n',
    );
    expect(csvFile(['row'], [])).toBe('\ufeffrow\r\n');
  });
});
