// Missed-call reminders (漏电提醒): unhandled ones in red with one-click call back and
// "mark handled"; handled ones below, greyed.
import { useState } from 'react';
import { App as AntApp, Badge, Button, Card, Empty, List, Space, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import type { MissedCall } from '../../api/types';
import { usePhoneActions, usePhoneBar } from '../../cti';
import { useShowError } from '../../errors';

export default function MissedCalls() {
  const { t } = useTranslation();
  const { message } = AntApp.useApp();
  const showError = useShowError();
  const { missed } = usePhoneBar();
  const { dial, markHandled } = usePhoneActions();
  const [pending, setPending] = useState<number | null>(null);
  const unhandled = missed.filter((m) => m.handled_at == null).length;
  const run = async (m: MissedCall, what: 'call' | 'handled') => {
    setPending(m.id);
    try {
      if (what === 'call') {
        await dial(m.caller, m.enterprise_number);
        void message.success(t('phonebar.dialing', { number: m.caller }));
      } else {
        await markHandled(m);
      }
    } catch (e) {
      showError(e);
    } finally {
      setPending(null);
    }
  };
  return (
    <Card
      title={
        <Space>
          {t('phonebar.missed')}
          <Badge count={unhandled} data-testid="missed-count" />
        </Space>
      }
      styles={{ body: { maxHeight: 360, overflowY: 'auto' } }}
    >
      {missed.length === 0 ? (
        <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t('phonebar.noMissed')} />
      ) : (
        <List
          size="small"
          data-testid="missed-calls"
          dataSource={missed}
          renderItem={(m) => {
            const open = m.handled_at == null;
            return (
              <List.Item
                key={m.id}
                data-testid={`missed-${m.id}`}
                actions={
                  open
                    ? [
                        <Button key="call" type="link" size="small" loading={pending === m.id} onClick={() => void run(m, 'call')} data-testid={`callback-${m.id}`}>
                          {t('phonebar.callBack')}
                        </Button>,
                        <Button key="done" type="link" size="small" disabled={pending === m.id} onClick={() => void run(m, 'handled')} data-testid={`handled-${m.id}`}>
                          {t('phonebar.markHandled')}
                        </Button>,
                      ]
                    : [<Typography.Text key="h" type="secondary">{t('phonebar.handled')}</Typography.Text>]
                }
              >
                <List.Item.Meta
                  title={
                    <Typography.Text type={open ? 'danger' : 'secondary'} strong={open}>
                      {m.caller}
                    </Typography.Text>
                  }
                  description={t('phonebar.missedLine', { number: m.enterprise_number ?? '—', time: new Date(m.missed_at).toLocaleString() })}
                />
              </List.Item>
            );
          }}
        />
      )}
    </Card>
  );
}
