// The in-call keypad (拨号盘): keys go to the customer's side as RFC 4733 telephone events, for
// a carrier's or customer's IVR, whatever the agent's audio. The keys pressed show above the pad.
import { useState } from 'react';
import { Button, Popover, Space, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import { api, unwrap } from '../../core/api';
import { useShowError } from '../../errors';

const ROWS = [
  ['1', '2', '3'],
  ['4', '5', '6'],
  ['7', '8', '9'],
  ['*', '0', '#'],
];

export default function Keypad() {
  const { t } = useTranslation();
  const showError = useShowError();
  const [sent, setSent] = useState('');
  const press = async (key: string) => {
    setSent((s) => (s + key).slice(-24));
    try {
      unwrap(await api.POST('/api/v1/me/call/dtmf', { body: { digits: key } }));
    } catch (e) {
      showError(e);
    }
  };
  const pad = (
    <div data-testid="keypad" style={{ width: 156 }}>
      <Typography.Text code data-testid="keypad-sent" style={{ display: 'block', minHeight: 24, marginBottom: 8, textAlign: 'right' }}>
        {sent}
      </Typography.Text>
      <Space orientation="vertical" size={4}>
        {ROWS.map((row) => (
          <Space key={row.join('')} size={4}>
            {row.map((k) => (
              <Button key={k} style={{ width: 48 }} onClick={() => void press(k)} data-testid={`key-${k === '#' ? 'hash' : k === '*' ? 'star' : k}`}>
                {k}
              </Button>
            ))}
          </Space>
        ))}
      </Space>
    </div>
  );
  return (
    <Popover content={pad} trigger="click" placement="left" title={t('phonebar.keypad')}>
      <Button data-testid="keypad-button">{t('phonebar.keypad')}</Button>
    </Popover>
  );
}
