// The enterprise's contact-center settings: after-call work and transcription of every call.
import { useEffect, useState } from 'react';
import { App as AntApp, Button, Card, Form, InputNumber, Spin, Switch, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import type { EnterpriseSettings } from '../../api/types';
import { api, unwrap } from '../../core/api';
import { useShowError } from '../../errors';

export default function SettingsPage() {
  const { t } = useTranslation();
  const { message } = AntApp.useApp();
  const showError = useShowError();
  const [form] = Form.useForm<EnterpriseSettings>();
  const [loaded, setLoaded] = useState(false);
  const [saving, setSaving] = useState(false);
  useEffect(() => {
    api
      .GET('/api/v1/enterprise/settings')
      .then((r) => {
        form.setFieldsValue(unwrap(r));
        setLoaded(true);
      })
      .catch(showError);
  }, [form, showError]);
  const save = async (v: EnterpriseSettings) => {
    setSaving(true);
    try {
      form.setFieldsValue(unwrap(await api.PUT('/api/v1/enterprise/settings', { body: v })));
      void message.success(t('common.saved'));
    } catch (e) {
      showError(e);
    } finally {
      setSaving(false);
    }
  };
  return (
    <Card title={t('settings.title')} data-testid="enterprise-settings">
      {!loaded ? (
        <Spin />
      ) : (
        <Form form={form} layout="vertical" style={{ maxWidth: 480 }} onFinish={(v) => void save(v)}>
          <Form.Item name="after_call_work_secs" label={t('settings.afterCallWork')} rules={[{ required: true, type: 'integer', min: 0, max: 600 }]}>
            <InputNumber min={0} max={600} addonAfter={t('settings.seconds')} data-testid="settings-acw" />
          </Form.Item>
          <Form.Item name="transcribe_all_calls" label={t('settings.transcribeAll')} valuePropName="checked" extra={t('settings.transcribeAllHint')}>
            <Switch data-testid="settings-transcribe-all" />
          </Form.Item>
          <Typography.Paragraph type="secondary">{t('settings.engineNote')}</Typography.Paragraph>
          <Button type="primary" htmlType="submit" loading={saving} data-testid="settings-save">
            {t('common.save')}
          </Button>
        </Form>
      )}
    </Card>
  );
}
