// Customers and scheduled callbacks without a UI framework: the numbers typed into a form, the
// list's import and export, and which callbacks are due (for the phone bar's list and its
// desktop notifications).
import type { Callback, ImportReport } from '../api/types';
import { csvFile, postImportFile } from './imports';

/** The numbers of a text box: one a line (commas and spaces also separate), empties dropped. */
export function parseNumbers(text: string): string[] {
  return text
    .split(/[\n,;\s]+/)
    .map((n) => n.trim())
    .filter((n) => n.length > 0);
}

/** Whether a number is shown masked (a masking campaign's customer: the last four digits are
 * `****`): it cannot be looked up, added to a customer or dialled from the page. */
export function isMaskedNumber(number: string): boolean {
  return number.endsWith('****');
}

/** Pending callbacks whose time has come (`now`, server time) and that were not announced yet. */
export function dueCallbacks(callbacks: Callback[], now: number, announced: ReadonlySet<number>): Callback[] {
  return callbacks.filter((c) => c.state === 'pending' && c.due_at <= now && !announced.has(c.id));
}

/** Milliseconds until the next pending callback falls due after `now`; `null` when none will. */
export function nextDueIn(callbacks: Callback[], now: number): number | null {
  const later = callbacks.filter((c) => c.state === 'pending' && c.due_at > now).map((c) => c.due_at - now);
  return later.length === 0 ? null : Math.min(...later);
}

/** Whether a pending callback's time has passed (shown as overdue until its day ends). */
export function isOverdue(c: Callback, now: number): boolean {
  return c.state === 'pending' && c.due_at < now;
}

/** The customer list's filters, as the list and the export take them. */
export interface CustomerFilters {
  q: string;
  tag: string;
  mine: boolean;
}

/** The URL that downloads the filtered customers as CSV or Excel. */
export function customersExportUrl(f: CustomerFilters, format: 'csv' | 'xlsx'): string {
  const params = new URLSearchParams({ format });
  if (f.q) params.set('q', f.q);
  if (f.tag) params.set('tag', f.tag);
  if (f.mine) params.set('mine', 'true');
  return `/api/v1/customers/export?${params.toString()}`;
}

/** Imports customers from a CSV or .xlsx file; throws an ApiFailure with the server's code. */
export function importCustomers(file: Blob, fetchFn: typeof fetch = fetch): Promise<ImportReport> {
  return postImportFile<ImportReport>('/api/v1/customers/import', file, fetchFn);
}

/** The refused rows of a customer import as a CSV file (row, reason). */
export function importErrorsCsv(report: ImportReport): string {
  return csvFile(['row', 'reason'], report.errors.map((e) => [e.row, e.message]));
}
