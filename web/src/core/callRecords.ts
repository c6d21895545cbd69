// Call-record filters (通话记录筛选) as the list and export routes take them. No UI framework.

export type CallDirection = 'inbound' | 'agent_outbound' | 'consult';
export type CallResult = 'in_progress' | 'answered' | 'failed' | 'abandoned' | 'missed' | 'overflowed' | 'interrupted';
export type CallSort = 'started_at' | 'answered_at' | 'ended_at' | 'talk_seconds';

/** What the page's filter bar holds; empty fields do not filter. */
export interface CallFilters {
  /** Number search (caller or callee contains it). */
  q?: string;
  /** Words said (stored transcript contains them). */
  keyword?: string;
  /** Start of the time range, unix ms (inclusive). */
  from?: number;
  /** End of the time range, unix ms (exclusive). */
  to?: number;
  agentId?: number;
  skillGroupId?: number;
  direction?: CallDirection;
  result?: CallResult;
  /** Failure cause code, for failed calls. */
  failure?: string;
  sort?: CallSort;
  order?: 'asc' | 'desc';
}

/** The query parameters of `GET /api/v1/calls` (and of the export) for these filters. */
export function filterParams(f: CallFilters): Record<string, string | number> {
  const p: Record<string, string | number> = {};
  const text = (v: string | undefined) => v?.trim() || undefined;
  const q = text(f.q);
  const keyword = text(f.keyword);
  const failure = text(f.failure);
  if (q) p.q = q;
  if (keyword) p.keyword = keyword;
  if (f.from != null) p.from = f.from;
  if (f.to != null) p.to = f.to;
  if (f.agentId != null) p.agent_id = f.agentId;
  if (f.skillGroupId != null) p.skill_group_id = f.skillGroupId;
  if (f.direction) p.direction = f.direction;
  if (f.result) p.result = f.result;
  if (failure) p.failure = failure;
  if (f.sort) p.sort = f.sort;
  if (f.order) p.order = f.order;
  return p;
}

/** The URL that downloads the filtered list as CSV or Excel, in the page's language and the
 * browser's time zone (`offsetMinutes` east of UTC). */
export function exportUrl(f: CallFilters, format: 'csv' | 'xlsx', lang: string, offsetMinutes: number): string {
  const params = new URLSearchParams();
  params.set('format', format);
  params.set('lang', lang.toLowerCase().startsWith('zh') ? 'zh' : 'en');
  params.set('utc_offset_minutes', String(Math.round(offsetMinutes)));
  for (const [k, v] of Object.entries(filterParams(f))) params.set(k, String(v));
  return `/api/v1/calls/export?${params.toString()}`;
}

/** Missed and abandoned calls are the ones shown in red with "call back". */
export function needsCallBack(result: CallResult): boolean {
  return result === 'missed' || result === 'abandoned';
}

/** `m:ss` (or `h:mm:ss`) of a number of seconds. */
export function playerClock(seconds: number): string {
  const s = Math.max(0, Math.floor(seconds));
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const ss = String(s % 60).padStart(2, '0');
  return h > 0 ? `${h}:${String(m).padStart(2, '0')}:${ss}` : `${m}:${ss}`;
}

/** The failure codes a call record's `failure` holds (the server's catalogue, `sip::failure`). */
export const FAILURE_CODES = [
  'busy',
  'no_answer',
  'rejected',
  'invalid_number',
  'unreachable',
  'trunk_down',
  'temporarily_unavailable',
  'powered_off',
  'suspended',
  'network_error',
  'cancelled',
  'other',
] as const;

/** Playback speeds the recording player offers. */
export const SPEEDS = [0.5, 0.75, 1, 1.25, 1.5, 2] as const;
