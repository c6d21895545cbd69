// Outbound campaigns (外呼任务): pure helpers the admin page and the agent's campaign view share.
import type { Campaign, CampaignCustomer, CampaignImportReport, CampaignOutcome, CampaignState } from '../api/types';
import { postImportFile } from './imports';

/** Every outcome, in the order the filter shows them. */
export const OUTCOMES: CampaignOutcome[] = [
  'answered', 'not_answered', 'busy', 'no_answer', 'temporarily_unreachable', 'suspended', 'powered_off', 'invalid_number', 'other',
];

/** Colours of the state tags. */
export const STATE_COLORS: Record<CampaignState, string> = {
  not_started: 'default', running: 'green', paused: 'orange', completed: 'blue', expired: 'red',
};

/** The admin actions a state allows, in the order the buttons show them. */
export function actionsFor(state: CampaignState): ('start' | 'pause' | 'resume' | 'complete')[] {
  switch (state) {
    case 'not_started': return ['start', 'complete'];
    case 'running': return ['pause', 'complete'];
    case 'paused': return ['resume', 'complete'];
    default: return [];
  }
}

/** Time left as days, hours and minutes (all 0 once it has run out). */
export function timeLeft(ms: number): { days: number; hours: number; minutes: number } {
  const m = Math.max(0, Math.floor(ms / 60_000));
  return { days: Math.floor(m / 1440), hours: Math.floor((m % 1440) / 60), minutes: m % 60 };
}

/** A rate from 0 to 1 as a percentage with one decimal: `12.5%`. */
export function percent(rate: number): string {
  return `${(Math.round(rate * 1000) / 10).toFixed(1)}%`;
}

/** Attempts as the campaign view shows them: `2/5`. */
export function attemptsText(c: Pick<CampaignCustomer, 'attempts' | 'max_attempts'>): string {
  return `${c.attempts}/${c.max_attempts}`;
}

/** Whether a customer may still be called: attempts left and not answered or invalid. */
export function dialable(c: Pick<CampaignCustomer, 'attempts' | 'max_attempts' | 'outcome'>): boolean {
  return c.attempts < c.max_attempts && c.outcome !== 'answered' && c.outcome !== 'invalid_number';
}

/** The next customer to call after `currentId` in the list's order ("save and call next"),
 * wrapping around; `undefined` when nobody else is left. */
export function nextCustomer(items: CampaignCustomer[], currentId: number | undefined): CampaignCustomer | undefined {
  const start = items.findIndex((c) => c.id === currentId);
  for (let i = 1; i <= items.length; i += 1) {
    const c = items[(start + i + items.length) % items.length];
    if (c && c.id !== currentId && dialable(c)) return c;
  }
  return undefined;
}

/** Whether agents may dial the campaign now. */
export function canDial(c: Pick<Campaign, 'state'>): boolean {
  return c.state === 'running';
}

/** The import URL of a campaign. */
export function importUrl(id: number, fileName: string): string {
  return `/api/v1/campaigns/${id}/import?file_name=${encodeURIComponent(fileName)}`;
}

/** The error report download URL of an import. */
export function errorReportUrl(report: Pick<CampaignImportReport, 'id'>): string {
  return `/api/v1/campaign-imports/${report.id}/errors`;
}

/** Uploads a CSV or .xlsx customer list; throws an ApiFailure with the server's code. */
export async function uploadCustomerList(id: number, file: Blob & { name?: string }, fetchFn: typeof fetch = fetch): Promise<CampaignImportReport> {
  return postImportFile<CampaignImportReport>(importUrl(id, file.name ?? 'upload'), file, fetchFn);
}
