// Queue lengths of the agent's skill groups: the total, and each group when expanded.
import { useState } from 'react';
import { Button, List, Space, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import { oldestWaiting, queueTotal, timerText } from '../../core/presence';
import { usePhoneBar } from '../../cti';
import { useNow } from '../../useNow';

export default function QueuePanel() {
  const { t } = useTranslation();
  const { queues, clockOffset } = usePhoneBar();
  const [open, setOpen] = useState(false);
  const now = useNow() + clockOffset;
  const total = queueTotal(queues);
  const oldest = oldestWaiting(queues);
  return (
    <div style={{ minWidth: 260 }}>
      <Space>
        <Typography.Text>{t('phonebar.queueTotal')}</Typography.Text>
        <Typography.Text strong type={total > 0 ? 'danger' : undefined} style={{ fontSize: 18 }} data-testid="queue-total">
          {total}
        </Typography.Text>
        {oldest !== null && <Typography.Text type="secondary">{timerText(oldest, now)}</Typography.Text>}
        {queues.length > 0 && (
          <Button type="link" size="small" onClick={() => setOpen((o) => !o)} data-testid="queue-toggle">
            {open ? t('phonebar.hideDetails') : t('phonebar.queueDetails')}
          </Button>
        )}
      </Space>
      {open && (
        <List
          size="small"
          data-testid="queue-groups"
          dataSource={queues}
          renderItem={(q) => (
            <List.Item key={q.group_id} data-testid={`queue-group-${q.group_id}`} style={{ justifyContent: 'flex-start', gap: 12 }}>
              <Typography.Text strong>{q.name}</Typography.Text>
              <Typography.Text type={q.waiting > 0 ? 'danger' : 'secondary'}>
                {t('phonebar.queueLine', {
                  waiting: q.waiting,
                  longest: q.waiting > 0 ? timerText(q.oldest_since, now) : '—',
                  idle: q.idle_agents,
                })}
              </Typography.Text>
            </List.Item>
          )}
        />
      )}
    </div>
  );
}
