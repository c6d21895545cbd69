// Risk control settings (per-number limits, allowed destinations) and the do-not-call list.
import { useCallback, useEffect, useState } from 'react';
import { Button, Card, Form, Input, InputNumber, Popconfirm, Select, Space, Table, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import type { DoNotCallEntry, RiskSettings } from '../../api/types';
import { api, unwrap } from '../../core/api';
import { formatCallTime } from '../../core/callDetails';
import { useShowError } from '../../errors';

export default function RiskControl() {
  const { t } = useTranslation();
  const showError = useShowError();
  const [settings, setSettings] = useState<RiskSettings | null>(null);
  const [list, setList] = useState<DoNotCallEntry[]>([]);
  const [number, setNumber] = useState('');
  const [reason, setReason] = useState('');
  const load = useCallback(async () => {
    try {
      const [s, l] = await Promise.all([api.GET('/api/v1/risk-control'), api.GET('/api/v1/do-not-call')]);
      setSettings(unwrap(s));
      setList(unwrap(l));
    } catch (e) {
      showError(e);
    }
  }, [showError]);
  useEffect(() => void load(), [load]);
  const save = async () => {
    if (!settings) return;
    try {
      setSettings(unwrap(await api.PUT('/api/v1/risk-control', { body: settings })));
    } catch (e) {
      showError(e);
    }
  };
  const add = async () => {
    try {
      unwrap(await api.POST('/api/v1/do-not-call', { body: { number, reason } }));
      setNumber('');
      setReason('');
      await load();
    } catch (e) {
      showError(e);
    }
  };
  const remove = async (n: string) => {
    try {
      unwrap(await api.DELETE('/api/v1/do-not-call/{number}', { params: { path: { number: n } } }));
      await load();
    } catch (e) {
      showError(e);
    }
  };
  const setLimit = (i: number, key: 'window_minutes' | 'max_calls', v: number | null) =>
    settings && setSettings({ ...settings, limits: settings.limits.map((l, j) => (j === i ? { ...l, [key]: v ?? 1 } : l)) });
  return (
    <Space direction="vertical" style={{ width: '100%' }} size="large">
      <Card size="small" title={t('campaigns.risk')}>
        <Typography.Paragraph type="secondary">{t('campaigns.riskHint')}</Typography.Paragraph>
        {settings?.limits.map((l, i) => (
          <Space key={i} style={{ marginBottom: 8 }}>
            <InputNumber addonBefore={t('campaigns.windowMinutes')} min={1} max={10080} value={l.window_minutes} onChange={(v) => setLimit(i, 'window_minutes', v)} />
            <InputNumber addonBefore={t('campaigns.maxCalls')} min={1} max={1000} value={l.max_calls} onChange={(v) => setLimit(i, 'max_calls', v)} />
          </Space>
        ))}
        <Form.Item label={t('campaigns.destinations')} extra={t('campaigns.destinationsHint')}>
          <Select mode="tags" value={settings?.destinations ?? []} onChange={(d: string[]) => settings && setSettings({ ...settings, destinations: d })} />
        </Form.Item>
        <Button type="primary" onClick={() => void save()}>{t('common.save')}</Button>
      </Card>
      <Card size="small" title={t('campaigns.doNotCall')}>
        <Space style={{ marginBottom: 12 }}>
          <Input placeholder={t('campaigns.number')} value={number} onChange={(e) => setNumber(e.target.value)} />
          <Input placeholder={t('campaigns.reason')} value={reason} onChange={(e) => setReason(e.target.value)} />
          <Button onClick={() => void add()} disabled={!number.trim()}>{t('campaigns.addDoNotCall')}</Button>
        </Space>
        <Table
          size="small"
          rowKey="number"
          dataSource={list}
          columns={[
            { title: t('campaigns.number'), dataIndex: 'number' },
            { title: t('campaigns.reason'), dataIndex: 'reason' },
            { title: t('calls.startedAt', { defaultValue: '' }), dataIndex: 'created_at', render: (v: number) => formatCallTime(v) },
            { title: t('common.actions'), render: (_, e) => <Popconfirm title={t('common.confirmDelete')} onConfirm={() => void remove(e.number)}><a>{t('common.delete')}</a></Popconfirm> },
          ]}
        />
      </Card>
    </Space>
  );
}
