// Importing a file (CSV or .xlsx) into a list: the upload, the progress bar's figure and the
// refused rows as a CSV file to download. No UI framework.
import { toFailure } from './api';

/** Posts a CSV or .xlsx file as the body to an import route; throws an ApiFailure with the
 * server's code when it refuses. */
export async function postImportFile<T>(url: string, file: Blob, fetchFn: typeof fetch = fetch): Promise<T> {
  const r = await fetchFn(url, {
    method: 'POST',
    credentials: 'same-origin',
    headers: { 'Content-Type': 'application/octet-stream' },
    body: file,
  });
  const body: unknown = await r.json().catch(() => undefined);
  if (!r.ok) throw toFailure(r.status, body);
  return body as T;
}

/** Import progress from 0 to 100. */
export function progressPercent(done: number, total: number): number {
  return total <= 0 ? 100 : Math.min(100, Math.round((done / total) * 100));
}

/** One CSV field: quoted when it holds a comma, quote or line break; one a spreadsheet program
 * would run as a formula (`=…`, `@…`, or `+`/`-` not followed by a plain number) gets a `'`. */
function csvField(value: string | number): string {
  let s = String(value);
  if (/^[=@\t\r]/.test(s) || /^[+-](?![\d .]*$)/.test(s)) s = `'${s}`;
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

/** A CSV file (UTF-8 with a byte-order mark, so spreadsheet programs read Chinese) of the
 * titles and rows, as the error report of an import. */
export function csvFile(titles: string[], rows: (string | number)[][]): string {
  return `\ufeff${[titles, ...rows].map((r) => r.map(csvField).join(',')).join('\r\n')}\r\n`;
}
