// The picked campaign customer: their fields, the agent's notes and the outcome, with Call,
// Save and Save and call next (preview dialing).
import { useEffect, useState } from 'react';
import { Button, Card, Descriptions, Empty, Input, Select, Space } from 'antd';
import { useTranslation } from 'react-i18next';
import type { CampaignCustomer, CampaignOutcome } from '../../api/types';
import { attemptsText, dialable, OUTCOMES } from '../../core/campaigns';

export interface PanelSave {
  notes: string;
  outcome: CampaignOutcome | null;
}

export default function CustomerPanel({ customer, canDial, readOnly, onCall, onSave, onSaveAndNext, onAddToCustomers }: {
  customer: CampaignCustomer | undefined;
  canDial: boolean;
  readOnly: boolean;
  onCall: (c: CampaignCustomer) => void;
  onSave: (c: CampaignCustomer, s: PanelSave) => void;
  onSaveAndNext: (c: CampaignCustomer, s: PanelSave) => void;
  onAddToCustomers: (c: CampaignCustomer) => void;
}) {
  const { t } = useTranslation();
  const [notes, setNotes] = useState('');
  const [outcome, setOutcome] = useState<CampaignOutcome | null>(null);
  useEffect(() => {
    setNotes(customer?.notes ?? '');
    setOutcome(customer?.outcome ?? null);
  }, [customer]);
  if (!customer) return <Card><Empty description={t('campaigns.pickRow')} /></Card>;
  const s = { notes, outcome };
  return (
    <Card title={customer.name} data-testid="customer-panel">
      <Descriptions column={1} size="small">
        <Descriptions.Item label={t('campaigns.number')}>{customer.number}</Descriptions.Item>
        <Descriptions.Item label={t('campaigns.attempts')}>{attemptsText(customer)}</Descriptions.Item>
        {Object.entries(customer.fields).map(([k, v]) => (
          <Descriptions.Item key={k} label={k}>{v}</Descriptions.Item>
        ))}
      </Descriptions>
      <Input.TextArea rows={4} placeholder={t('campaigns.notes')} value={notes} onChange={(e) => setNotes(e.target.value)} disabled={readOnly} data-testid="customer-notes" />
      <Select
        style={{ width: '100%', marginTop: 8 }}
        allowClear
        placeholder={t('campaigns.outcome')}
        disabled={readOnly || customer.attempts === 0}
        value={outcome ?? undefined}
        onChange={(v?: CampaignOutcome) => setOutcome(v ?? null)}
        options={OUTCOMES.map((o) => ({ value: o, label: t(`campaigns.outcomes.${o}`) }))}
      />
      <Space style={{ marginTop: 12 }} wrap>
        <Button type="primary" disabled={!canDial || !dialable(customer)} onClick={() => onCall(customer)} data-testid="customer-call">{t('campaigns.call')}</Button>
        <Button disabled={readOnly} onClick={() => onSave(customer, s)} data-testid="customer-save">{t('campaigns.save')}</Button>
        <Button disabled={readOnly || !canDial} onClick={() => onSaveAndNext(customer, s)} data-testid="customer-save-next">{t('campaigns.saveAndNext')}</Button>
        <Button type="link" onClick={() => onAddToCustomers(customer)} data-testid="customer-to-customers">{t('campaigns.toCustomers')}</Button>
      </Space>
    </Card>
  );
}
