// Each skill group's queue now and figures today: waiting callers, longest wait, idle agents,
// offered / answered / abandoned, average speed of answer and service level against the group's
// target (red when below it).
import type { HTMLAttributes } from 'react';
import { Table, Tooltip, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import type { GroupFigures, QueueLength } from '../../api/types';
import { formatDuration, timerText } from '../../core/presence';

interface Row {
  group_id: number;
  name: string;
  queue?: QueueLength;
  figures?: GroupFigures;
}

export default function FiguresTable({ queues, figures, now, loading }: { queues: QueueLength[]; figures: GroupFigures[]; now: number; loading: boolean }) {
  const { t } = useTranslation();
  const rows: Row[] = queues.map((q) => ({ group_id: q.group_id, name: q.name, queue: q, figures: figures.find((f) => f.group_id === q.group_id) }));
  for (const f of figures) if (!rows.some((r) => r.group_id === f.group_id)) rows.push({ group_id: f.group_id, name: f.name, figures: f });
  const mono = { fontFamily: 'monospace' };
  return (
    <Table<Row>
      rowKey="group_id"
      size="small"
      pagination={false}
      loading={loading}
      dataSource={rows}
      data-testid="monitor-queues"
      onRow={(r) => ({ 'data-testid': `monitor-queue-${r.group_id}` }) as HTMLAttributes<HTMLElement>}
      columns={[
        { title: t('nav.skillGroups'), dataIndex: 'name' },
        {
          title: t('monitor.waiting'),
          key: 'waiting',
          render: (_, r) => {
            const w = r.queue?.waiting ?? 0;
            return (
              <Typography.Text type={w > 0 ? 'danger' : undefined} strong={w > 0} data-testid="queue-waiting">
                {w}
              </Typography.Text>
            );
          },
        },
        {
          title: t('monitor.longestWait'),
          key: 'longest',
          render: (_, r) => <span style={mono}>{r.queue && r.queue.waiting > 0 ? timerText(r.queue.oldest_since, now) : '—'}</span>,
        },
        { title: t('monitor.idleAgents'), key: 'idle', render: (_, r) => r.queue?.idle_agents ?? 0 },
        { title: t('supervision.offered'), key: 'offered', render: (_, r) => <span data-testid="group-offered">{r.figures?.offered ?? 0}</span> },
        { title: t('supervision.answered'), key: 'answered', render: (_, r) => <span data-testid="group-answered">{r.figures?.answered ?? 0}</span> },
        { title: t('supervision.abandoned'), key: 'abandoned', render: (_, r) => r.figures?.abandoned ?? 0 },
        {
          title: t('supervision.asa'),
          key: 'asa',
          render: (_, r) => <span style={mono}>{r.figures?.average_answer_ms != null ? formatDuration(r.figures.average_answer_ms / 1000) : '—'}</span>,
        },
        {
          title: t('supervision.slShort'),
          key: 'sl',
          render: (_, r) => {
            const f = r.figures;
            if (!f) return '—';
            const below = f.service_level != null && f.service_level < f.service_level_target;
            return (
              <Tooltip title={t('supervision.target', { target: f.service_level_target, secs: f.service_level_secs })}>
                <Typography.Text type={below ? 'danger' : undefined} data-testid="group-sl">
                  {f.service_level != null ? `${f.service_level}%` : '—'}
                </Typography.Text>
                <Typography.Text type="secondary">{` / ${f.service_level_target}% · ${f.service_level_secs}s`}</Typography.Text>
              </Tooltip>
            );
          },
        },
      ]}
    />
  );
}
