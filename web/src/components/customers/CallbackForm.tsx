// Scheduling a callback (预约回呼) for a number at a time with a remark, or rescheduling one.
import { useEffect, useState } from 'react';
import { App as AntApp, DatePicker, Form, Input, Modal } from 'antd';
import dayjs, { type Dayjs } from 'dayjs';
import { useTranslation } from 'react-i18next';
import type { Callback } from '../../api/types';
import { api, unwrap } from '../../core/api';
import { useShowError } from '../../errors';

interface Values {
  due: Dayjs;
  remark?: string;
}

export default function CallbackForm({
  open,
  number,
  customerId,
  callback,
  onClose,
  onSaved,
}: {
  open: boolean;
  /** The number to call back (new callbacks). */
  number?: string;
  customerId?: number | null;
  /** The callback to reschedule. */
  callback?: Callback | null;
  onClose: () => void;
  onSaved: (c: Callback) => void;
}) {
  const { t } = useTranslation();
  const { message } = AntApp.useApp();
  const showError = useShowError();
  const [form] = Form.useForm<Values>();
  const [saving, setSaving] = useState(false);
  useEffect(() => {
    if (!open) return;
    form.setFieldsValue({
      due: callback ? dayjs(callback.due_at) : dayjs().add(1, 'hour').startOf('minute'),
      remark: callback?.remark ?? '',
    });
  }, [open, callback, form]);
  const save = async (v: Values) => {
    setSaving(true);
    try {
      const due_at = v.due.valueOf();
      const saved = callback
        ? unwrap(await api.PATCH('/api/v1/callbacks/{id}', { params: { path: { id: callback.id } }, body: { due_at, remark: v.remark || null } }))
        : unwrap(await api.POST('/api/v1/callbacks', { body: { number: number ?? '', due_at, remark: v.remark || null, customer_id: customerId ?? null } }));
      void message.success(t('callbacks.scheduled'));
      onSaved(saved);
    } catch (e) {
      showError(e);
    } finally {
      setSaving(false);
    }
  };
  return (
    <Modal
      open={open}
      title={`${callback ? t('callbacks.reschedule') : t('callbacks.schedule')} · ${callback?.number ?? number ?? ''}`}
      onCancel={onClose}
      onOk={() => form.submit()}
      okText={t('common.save')}
      cancelText={t('common.cancel')}
      confirmLoading={saving}
      okButtonProps={{ 'data-testid': 'callback-save' }}
      forceRender
    >
      <Form form={form} layout="vertical" onFinish={(v) => void save(v)}>
        <Form.Item name="due" label={t('callbacks.dueAt')} rules={[{ required: true }]}>
          <DatePicker showTime={{ format: 'HH:mm' }} format="YYYY-MM-DD HH:mm" data-testid="callback-due-input" />
        </Form.Item>
        <Form.Item name="remark" label={t('callbacks.remark')} rules={[{ max: 500 }]}>
          <Input.TextArea rows={2} data-testid="callback-remark-input" />
        </Form.Item>
      </Form>
    </Modal>
  );
}
