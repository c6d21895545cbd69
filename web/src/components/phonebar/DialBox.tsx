// The dial box: a number, the number the customer sees (system-assigned, or one of the
// enterprise numbers the agent may show), and Call (with browser audio the call is heard in the
// browser; a desk phone or mobile rings first, then the number is called).
import { useEffect, useState } from 'react';
import { App as AntApp, Button, Card, Form, Input, Select } from 'antd';
import type { EnterpriseNumber } from '../../api/types';
import { api, unwrap } from '../../core/api';
import { useTranslation } from 'react-i18next';
import { usePhoneActions, usePhoneBar } from '../../cti';
import { useShowError } from '../../errors';

const NUMBER_RE = /^\+?[0-9]{3,32}$/;

export default function DialBox() {
  const { t } = useTranslation();
  const { message } = AntApp.useApp();
  const showError = useShowError();
  const { dial } = usePhoneActions();
  const device = usePhoneBar().presence?.device;
  const [form] = Form.useForm<{ number: string }>();
  const [pending, setPending] = useState(false);
  const [numbers, setNumbers] = useState<EnterpriseNumber[]>([]);
  // '' is system-assigned (the enterprise's rule).
  const [callerNumber, setCallerNumber] = useState('');
  useEffect(() => {
    api
      .GET('/api/v1/me/caller-numbers')
      .then((r) => setNumbers(unwrap(r)))
      .catch(() => setNumbers([]));
  }, []);
  const submit = async ({ number }: { number: string }) => {
    const n = number.trim();
    setPending(true);
    try {
      await dial(n, callerNumber || null);
      const key = device === 'browser' ? 'phonebar.dialingBrowser' : device === 'mobile' ? 'phonebar.dialingMobile' : 'phonebar.dialing';
      void message.success(t(key, { number: n }));
    } catch (e) {
      showError(e);
    } finally {
      setPending(false);
    }
  };
  return (
    <Card title={t('phonebar.dial')}>
      <Form form={form} layout="inline" onFinish={(v) => void submit(v)}>
        <Form.Item
          name="number"
          style={{ flex: 1 }}
          rules={[{ required: true, transform: (v: string) => v?.trim(), pattern: NUMBER_RE, message: t('phonebar.numberRule') }]}
        >
          <Input placeholder={t('phonebar.dialNumber')} aria-label={t('phonebar.dialNumber')} inputMode="tel" data-testid="dial-number" allowClear />
        </Form.Item>
        {numbers.length > 0 && (
          <Form.Item>
            <Select
              value={callerNumber}
              onChange={setCallerNumber}
              style={{ minWidth: 160 }}
              aria-label={t('phonebar.callerNumber')}
              data-testid="dial-caller-number"
              options={[
                { value: '', label: t('phonebar.systemAssigned') },
                ...numbers.map((n) => ({ value: n.number, label: n.description ? `${n.number} ${n.description}` : n.number })),
              ]}
            />
          </Form.Item>
        )}
        <Form.Item style={{ marginInlineEnd: 0 }}>
          <Button type="primary" htmlType="submit" loading={pending} data-testid="dial-button">
            {t('phonebar.dialButton')}
          </Button>
        </Form.Item>
      </Form>
    </Card>
  );
}
