// The dial box: a number and Call (with browser audio the call is heard in the browser; a desk
// phone or mobile rings first, then the number is called).
import { useState } from 'react';
import { App as AntApp, Button, Card, Form, Input } from 'antd';
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
  const submit = async ({ number }: { number: string }) => {
    const n = number.trim();
    setPending(true);
    try {
      await dial(n);
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
        <Form.Item style={{ marginInlineEnd: 0 }}>
          <Button type="primary" htmlType="submit" loading={pending} data-testid="dial-button">
            {t('phonebar.dialButton')}
          </Button>
        </Form.Item>
      </Form>
    </Card>
  );
}
