// What the pops (弹屏) show about a call: number, name, number location (归属地), how many times
// the number called before, its last call, the enterprise number dialed and its skill group.
// Pure: the phone bar's ringing, talking and ended pops render these rows.
import type { Offer } from '../api/types';

/** Looks up a UI text (i18next's `t`). */
export type Translate = (key: string, options?: Record<string, unknown>) => string;

/** One row of a pop's details. */
export interface DetailRow {
  key: 'number' | 'name' | 'location' | 'calls' | 'last-call' | 'dialed' | 'group';
  label: string;
  value: string;
}

function pad(n: number): string {
  return String(n).padStart(2, '0');
}

/** A call time in the browser's time zone, e.g. "2026-12-01 14:03". */
export function formatCallTime(ms: number): string {
  const d = new Date(ms);
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())} ${pad(d.getHours())}:${pad(d.getMinutes())}`;
}

/**
 * The rows for a call from `number`. Without an offer (a call the agent dialed, or a reload
 * while ringing) only the number is known. What the server could not find shows as unknown:
 * no location for short numbers and numbers from abroad, no name without a customer record.
 * `customerName`, when the pop has looked the number up since (the agent just added the
 * customer), wins over the offer's.
 */
export function callDetailRows(number: string, offer: Offer | null, t: Translate, customerName?: string | null): DetailRow[] {
  const unknown = t('phonebar.unknown');
  const rows: DetailRow[] = [{ key: 'number', label: t('phonebar.caller'), value: number || t('phonebar.unknownCaller') }];
  if (!offer) return rows;
  return [
    ...rows,
    { key: 'name', label: t('phonebar.customerName'), value: customerName || offer.customer_name || unknown },
    { key: 'location', label: t('phonebar.location'), value: offer.location || unknown },
    {
      key: 'calls',
      label: t('phonebar.previousCalls'),
      value: (offer.previous_calls ?? 0) > 0 ? t('phonebar.times', { count: offer.previous_calls }) : t('phonebar.firstCall'),
    },
    { key: 'last-call', label: t('phonebar.lastCall'), value: offer.last_call_at != null ? formatCallTime(offer.last_call_at) : '—' },
    { key: 'dialed', label: t('phonebar.dialed'), value: offer.enterprise_number },
    // A colleague's consult queued in no group.
    ...(offer.group_name ? [{ key: 'group' as const, label: t('phonebar.group'), value: offer.group_name }] : []),
  ];
}
