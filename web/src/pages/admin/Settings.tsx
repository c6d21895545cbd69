// The enterprise's contact-center settings: after-call work, transcription of every call and the
// time zone (where its day ends), with the server's speech-to-text engines (which are the
// operator's, not a setting here).
import { useEffect, useMemo, useState } from 'react';
import { Alert, App as AntApp, Button, Card, Form, InputNumber, List, Select, Space, Spin, Switch, Tag, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import type { EnterpriseSettings, TranscriptionEngine } from '../../api/types';
import { api, unwrap } from '../../core/api';
import { browserZones, timeZoneOptions } from '../../core/timeZones';
import { chineseNotice, engineLines } from '../../core/transcriptionEngines';
import { useShowError } from '../../errors';

export default function SettingsPage() {
  const { t } = useTranslation();
  const { message } = AntApp.useApp();
  const showError = useShowError();
  const [form] = Form.useForm<EnterpriseSettings>();
  const [loaded, setLoaded] = useState(false);
  const [saving, setSaving] = useState(false);
  const [engines, setEngines] = useState<TranscriptionEngine[]>([]);
  const [storedZone, setStoredZone] = useState<string>();
  const zones = useMemo(() => timeZoneOptions(browserZones(), storedZone).map((z) => ({ value: z, label: z })), [storedZone]);
  useEffect(() => {
    api
      .GET('/api/v1/enterprise/transcription-engines')
      .then((r) => setEngines(unwrap(r)))
      .catch(showError);
  }, [showError]);
  useEffect(() => {
    api
      .GET('/api/v1/enterprise/settings')
      .then((r) => {
        const s = unwrap(r);
        form.setFieldsValue(s);
        setStoredZone(s.time_zone);
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
          <Form.Item name="time_zone" label={t('settings.timeZone')} extra={t('settings.timeZoneHint')} rules={[{ required: true }]}>
            <Select showSearch options={zones} data-testid="settings-time-zone" />
          </Form.Item>
          <EngineList engines={engines} />
          <Button type="primary" htmlType="submit" loading={saving} data-testid="settings-save">
            {t('common.save')}
          </Button>
        </Form>
      )}
    </Card>
  );
}

function EngineList({ engines }: { engines: TranscriptionEngine[] }) {
  const { t } = useTranslation();
  const notice = chineseNotice(engines);
  const language = (code: string) => t(`settings.lang.${code}`, { defaultValue: code });
  return (
    <div data-testid="settings-engines" style={{ marginBottom: 16 }}>
      <Typography.Text strong>{t('settings.engines')}</Typography.Text>
      <List
        size="small"
        dataSource={engineLines(engines)}
        renderItem={(e) => (
          <List.Item data-testid={`engine-${e.name}`}>
            <Space orientation="vertical" size={0}>
              <Space wrap>
                <Typography.Text code>{e.name}</Typography.Text>
                <Tag color={e.ok ? 'green' : 'default'}>{t(e.statusKey)}</Tag>
                {e.live && <Tag color="blue">{t('settings.engineLive')}</Tag>}
              </Space>
              <Typography.Text type="secondary">{t(e.languagesKey, { languages: e.languages.map(language).join(', ') })}</Typography.Text>
              <Typography.Text type="secondary" style={{ fontSize: 12 }}>
                {e.detail}
              </Typography.Text>
            </Space>
          </List.Item>
        )}
      />
      {notice && <Alert type="warning" showIcon title={t(notice)} data-testid="settings-chinese-notice" />}
    </div>
  );
}
