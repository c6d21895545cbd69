// Create or edit a campaign: name, description, start and end, caller numbers, agents, masking,
// attempts, calling hours and dialing mode (predictive: its abandon-rate cap).
import { useEffect, useState } from 'react';
import { DatePicker, Form, Input, InputNumber, Modal, Select, Switch } from 'antd';
import dayjs, { type Dayjs } from 'dayjs';
import { useTranslation } from 'react-i18next';
import type { Campaign, CampaignInput, DialingMode } from '../../api/types';
import { api, unwrap } from '../../core/api';
import { useShowError } from '../../errors';

interface Values {
  name: string;
  description?: string;
  period: [Dayjs, Dayjs];
  caller_numbers?: string[];
  agent_ids?: number[];
  masking?: boolean;
  max_attempts?: number;
  hours_from?: string;
  hours_to?: string;
  mode?: DialingMode;
  abandon_cap_percent?: number;
}

const HHMM = /^([01]\d|2[0-3]):[0-5]\d$|^24:00$/;

export default function CampaignForm({ open, campaign, onClose, onSaved }: {
  open: boolean;
  campaign: Campaign | null;
  onClose: () => void;
  onSaved: () => void;
}) {
  const { t } = useTranslation();
  const showError = useShowError();
  const [form] = Form.useForm<Values>();
  const [saving, setSaving] = useState(false);
  const [agents, setAgents] = useState<{ value: number; label: string }[]>([]);
  const [numbers, setNumbers] = useState<{ value: string; label: string }[]>([]);
  useEffect(() => {
    if (!open) return;
    Promise.all([
      api.GET('/api/v1/users', { params: { query: { page_size: 200 } } }),
      api.GET('/api/v1/numbers', { params: { query: { page_size: 200 } } }),
    ])
      .then(([u, n]) => {
        setAgents(unwrap(u).items.map((x) => ({ value: x.id, label: `${x.name} (${x.work_id})` })));
        setNumbers(unwrap(n).items.map((x) => ({ value: x.number, label: x.number })));
      })
      .catch(showError);
    form.setFieldsValue(
      campaign
        ? {
            name: campaign.name, description: campaign.description,
            period: [dayjs(campaign.start_at), dayjs(campaign.end_at)],
            caller_numbers: campaign.caller_numbers, agent_ids: campaign.agent_ids, masking: campaign.masking,
            max_attempts: campaign.max_attempts, hours_from: campaign.hours_from, hours_to: campaign.hours_to, mode: campaign.mode,
            abandon_cap_percent: campaign.abandon_cap_percent,
          }
        : { name: '', description: '', period: [dayjs().startOf('hour').add(1, 'hour'), dayjs().startOf('hour').add(7, 'day')], masking: false, max_attempts: 5, hours_from: '09:00', hours_to: '20:00', mode: 'preview', abandon_cap_percent: 3, caller_numbers: [], agent_ids: [] },
    );
  }, [open, campaign, form, showError]);

  const submit = async () => {
    const v = await form.validateFields();
    const body: CampaignInput = {
      name: v.name, description: v.description ?? '', start_at: v.period[0].valueOf(), end_at: v.period[1].valueOf(),
      caller_numbers: v.caller_numbers ?? [], agent_ids: v.agent_ids ?? [], masking: !!v.masking,
      max_attempts: v.max_attempts ?? 5, hours_from: v.hours_from ?? '09:00', hours_to: v.hours_to ?? '20:00', mode: v.mode ?? 'preview',
      ...(v.abandon_cap_percent !== undefined ? { abandon_cap_percent: v.abandon_cap_percent } : {}),
    };
    setSaving(true);
    try {
      if (campaign) {
        unwrap(await api.PUT('/api/v1/campaigns/{id}', { params: { path: { id: campaign.id } }, body }));
      } else {
        unwrap(await api.POST('/api/v1/campaigns', { body }));
      }
      onSaved();
    } catch (e) {
      showError(e);
    } finally {
      setSaving(false);
    }
  };

  const hhmm = [{ pattern: HHMM, message: 'HH:MM' }];
  const mode = Form.useWatch('mode', form);
  return (
    <Modal open={open} title={campaign ? t('campaigns.edit') : t('campaigns.create')} onCancel={onClose} onOk={() => void submit()} confirmLoading={saving} okText={t('common.save')} cancelText={t('common.cancel')} width={640} destroyOnHidden>
      <Form form={form} layout="vertical" data-testid="campaign-form">
        <Form.Item name="name" label={t('campaigns.name')} rules={[{ required: true, max: 100 }]}>
          <Input data-testid="campaign-name" />
        </Form.Item>
        <Form.Item name="description" label={t('campaigns.description')} rules={[{ max: 2000 }]}>
          <Input.TextArea rows={2} />
        </Form.Item>
        <Form.Item name="period" label={t('campaigns.period')} rules={[{ required: true }]}>
          <DatePicker.RangePicker showTime={{ format: 'HH:mm' }} format="YYYY-MM-DD HH:mm" />
        </Form.Item>
        <Form.Item name="caller_numbers" label={t('campaigns.callerNumbers')}>
          <Select mode="multiple" options={numbers} />
        </Form.Item>
        <Form.Item name="agent_ids" label={t('campaigns.agents')}>
          <Select mode="multiple" options={agents} optionFilterProp="label" data-testid="campaign-agents" />
        </Form.Item>
        <Form.Item label={t('campaigns.hours')} style={{ marginBottom: 0 }}>
          <Form.Item name="hours_from" rules={hhmm} style={{ display: 'inline-block', width: 120, marginRight: 8 }}>
            <Input placeholder="09:00" />
          </Form.Item>
          <Form.Item name="hours_to" rules={hhmm} style={{ display: 'inline-block', width: 120 }}>
            <Input placeholder="20:00" />
          </Form.Item>
        </Form.Item>
        <Form.Item name="max_attempts" label={t('campaigns.maxAttempts')}>
          <InputNumber min={1} max={20} />
        </Form.Item>
        <Form.Item name="mode" label={t('campaigns.mode')}>
          <Select options={(['preview', 'progressive', 'predictive'] as const).map((m) => ({ value: m, label: t(`campaigns.modes.${m}`) }))} data-testid="campaign-mode" />
        </Form.Item>
        {mode === 'predictive' && (
          <Form.Item name="abandon_cap_percent" label={t('campaigns.abandonCap')} extra={t('campaigns.abandonCapHint')} rules={[{ required: true }]}>
            <InputNumber min={0.5} max={20} step={0.5} precision={2} addonAfter="%" data-testid="campaign-abandon-cap" />
          </Form.Item>
        )}
        <Form.Item name="masking" label={t('campaigns.masking')} valuePropName="checked">
          <Switch />
        </Form.Item>
      </Form>
    </Modal>
  );
}
