// How a presence shows: a coloured status tag (with the custom status's name), a live timer,
// and the enterprise's custom statuses for whoever may read them.
import { useCallback, useEffect, useState } from 'react';
import { Tag } from 'antd';
import { useTranslation } from 'react-i18next';
import type { CustomStatus, Presence } from '../../api/types';
import { useAuth } from '../../auth';
import { api, unwrap } from '../../core/api';
import { statusKey, timerText, type StatusKey } from '../../core/presence';
import { useNow } from '../../useNow';

export const STATUS_COLOR: Record<StatusKey, string> = {
  offline: 'default',
  custom: 'magenta',
  busy: 'orange',
  idle: 'green',
  ringing: 'gold',
  talking: 'blue',
  after_call_work: 'purple',
};

/**
 * The enterprise's custom statuses (会议中, 小休 …). Listing them needs `manage_users`; others
 * get none and the phone bar offers only signing in and out.
 */
export function useCustomStatuses(): CustomStatus[] {
  const { me } = useAuth();
  const canList = !!me?.permissions.includes('manage_users');
  const [list, setList] = useState<CustomStatus[]>([]);
  useEffect(() => {
    if (!canList) return;
    api
      .GET('/api/v1/custom-statuses', { params: { query: { page_size: 200 } } })
      .then((r) => setList(unwrap(r).items))
      // Without them the phone bar still works: the custom status shows by its number.
      .catch(() => setList([]));
  }, [canList]);
  return canList ? list : [];
}

/** The status's text: signed out, the custom status's name, or the phone status. */
export function useStatusLabel(statuses: CustomStatus[]): (p: Pick<Presence, 'login' | 'phone' | 'custom_status_id'> | null) => string {
  const { t } = useTranslation();
  return useCallback(
    (p) => {
      const key = statusKey(p);
      if (key === 'custom') {
        const s = statuses.find((x) => x.id === p?.custom_status_id);
        return s ? s.name : t('phonebar.status.custom');
      }
      return t(`phonebar.status.${key}`);
    },
    [statuses, t],
  );
}

/** `color` overrides the status colour (red while browser audio is down). */
export function StatusTag({ presence, label, testId, color }: { presence: Presence | null; label: string; testId?: string; color?: string }) {
  return (
    <Tag color={color ?? STATUS_COLOR[statusKey(presence)]} data-testid={testId} data-color={color ?? STATUS_COLOR[statusKey(presence)]} style={{ fontSize: 14, padding: '2px 10px' }}>
      {label}
    </Tag>
  );
}

/** Time since `since` (server ms), ticking every second; `offset` is server minus local clock. */
export function LiveTimer({ since, offset, testId }: { since: number | null | undefined; offset: number; testId?: string }) {
  const now = useNow();
  return (
    <span data-testid={testId} style={{ fontVariantNumeric: 'tabular-nums', fontFamily: 'monospace' }}>
      {timerText(since, now + offset)}
    </span>
  );
}
