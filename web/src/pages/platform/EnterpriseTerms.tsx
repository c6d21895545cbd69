// An enterprise's terms in the platform console: its time zone and what it may use at once
// (agents signed in, calls, web widget calls; empty is no limit). The same fields serve the
// "new enterprise" form and the edit dialog.
import { useMemo, useState } from 'react';
import { App as AntApp, Button, Form, InputNumber, Modal, Select, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import { api, unwrap } from '../../core/api';
import { browserZones, timeZoneOptions } from '../../core/timeZones';
import type { EnterpriseInfo, EnterpriseLimits } from '../../api/types';
import { useErrorText } from '../../errors';

/** The form's values for the terms. */
export interface TermsValues {
  time_zone: string;
  agents?: number | null;
  concurrent_calls?: number | null;
  widget_calls?: number | null;
}

/** The API's limits from the form (an empty field is no limit). */
export function limitsOf(v: TermsValues): EnterpriseLimits {
  const or = (n: number | null | undefined) => (n === undefined || n === null ? null : n);
  return { agents: or(v.agents), concurrent_calls: or(v.concurrent_calls), widget_calls: or(v.widget_calls) };
}

/** The time zone and limit fields, inside a `Form`. */
export function TermsFields({ current }: { current?: string }) {
  const { t } = useTranslation();
  const zones = useMemo(() => timeZoneOptions(browserZones(), current).map((z) => ({ value: z, label: z })), [current]);
  const limit = (name: keyof EnterpriseLimits, min: number, label: string, hint: string) => (
    <Form.Item name={name} label={label} extra={hint}>
      <InputNumber min={min} max={100000} precision={0} placeholder={t('terms.unlimited')} style={{ width: 160 }} data-testid={`terms-${name}`} />
    </Form.Item>
  );
  return (
    <>
      <Form.Item name="time_zone" label={t('terms.timeZone')} extra={t('terms.timeZoneHint')} rules={[{ required: true }]}>
        <Select showSearch options={zones} data-testid="terms-time-zone" />
      </Form.Item>
      {limit('agents', 1, t('terms.agents'), t('terms.agentsHint'))}
      {limit('concurrent_calls', 1, t('terms.concurrentCalls'), t('terms.concurrentCallsHint'))}
      {limit('widget_calls', 0, t('terms.widgetCalls'), t('terms.widgetCallsHint'))}
    </>
  );
}

/** "agents 20 · calls 30 · widget none" for the table. */
export function LimitsText({ limits }: { limits: EnterpriseLimits }) {
  const { t } = useTranslation();
  const show = (n: number | null | undefined) => (n === undefined || n === null ? t('terms.unlimited') : String(n));
  return (
    <Typography.Text style={{ whiteSpace: 'nowrap' }}>
      {t('terms.short', { agents: show(limits.agents), calls: show(limits.concurrent_calls), widget: show(limits.widget_calls) })}
    </Typography.Text>
  );
}

/** The edit button and dialog of one enterprise's terms; `onSaved` after a change. */
export function EditTerms({ row, onSaved }: { row: EnterpriseInfo; onSaved: () => void }) {
  const { t } = useTranslation();
  const { message } = AntApp.useApp();
  const errorText = useErrorText();
  const [open, setOpen] = useState(false);
  const [saving, setSaving] = useState(false);
  const [form] = Form.useForm<TermsValues>();
  const save = async (v: TermsValues) => {
    setSaving(true);
    try {
      const body = { time_zone: v.time_zone, limits: limitsOf(v) };
      unwrap(await api.PATCH('/api/v1/platform/enterprises/{id}', { params: { path: { id: row.id } }, body }));
      setOpen(false);
      onSaved();
    } catch (e) {
      void message.error(errorText(e));
    } finally {
      setSaving(false);
    }
  };
  const initial: TermsValues = { time_zone: row.time_zone, ...row.limits };
  return (
    <>
      <Button size="small" onClick={() => setOpen(true)} data-testid={`platform-terms-${row.code}`}>{t('terms.edit')}</Button>
      <Modal open={open} title={t('terms.editTitle', { name: row.name })} onCancel={() => setOpen(false)} onOk={() => form.submit()}
        confirmLoading={saving} destroyOnHidden>
        <Form form={form} layout="vertical" initialValues={initial} onFinish={(v) => void save(v)}>
          <TermsFields current={row.time_zone} />
        </Form>
      </Modal>
    </>
  );
}
