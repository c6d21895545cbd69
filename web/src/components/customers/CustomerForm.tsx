// Creating or editing a customer: name, company, numbers (one a line), tags and custom fields.
// A new customer belongs to the user who adds them ("my customers").
import { useEffect, useState } from 'react';
import { App as AntApp, Button, Form, Input, Modal, Select, Space } from 'antd';
import { useTranslation } from 'react-i18next';
import type { Customer } from '../../api/types';
import { api, unwrap } from '../../core/api';
import { parseNumbers } from '../../core/customers';
import { useShowError } from '../../errors';

interface Values {
  name: string;
  company?: string;
  numbers: string;
  tags?: string[];
  fields?: { key: string; value: string }[];
}

export default function CustomerForm({
  open,
  customer,
  number,
  onClose,
  onSaved,
}: {
  open: boolean;
  /** The customer to edit; a new one when absent. */
  customer?: Customer | null;
  /** A number to start a new customer with (from a call). */
  number?: string;
  onClose: () => void;
  onSaved: (c: Customer) => void;
}) {
  const { t } = useTranslation();
  const { message } = AntApp.useApp();
  const showError = useShowError();
  const [form] = Form.useForm<Values>();
  const [saving, setSaving] = useState(false);
  useEffect(() => {
    if (!open) return;
    form.setFieldsValue({
      name: customer?.name ?? '',
      company: customer?.company ?? '',
      numbers: (customer?.numbers ?? (number ? [number] : [])).join('\n'),
      tags: customer?.tags ?? [],
      fields: Object.entries(customer?.fields ?? {}).map(([key, value]) => ({ key, value })),
    });
  }, [open, customer, number, form]);
  const save = async (v: Values) => {
    setSaving(true);
    const fields = Object.fromEntries((v.fields ?? []).filter((f) => f?.key).map((f) => [f.key, f.value ?? '']));
    const body = { name: v.name, company: v.company || null, numbers: parseNumbers(v.numbers), tags: v.tags ?? [], fields };
    try {
      const saved = customer
        ? unwrap(await api.PATCH('/api/v1/customers/{id}', { params: { path: { id: customer.id } }, body }))
        : unwrap(await api.POST('/api/v1/customers', { body }));
      void message.success(customer ? t('common.saved') : t('customers.created'));
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
      title={customer ? t('customers.edit') : t('customers.add')}
      onCancel={onClose}
      onOk={() => form.submit()}
      okText={t('common.save')}
      cancelText={t('common.cancel')}
      confirmLoading={saving}
      okButtonProps={{ 'data-testid': 'customer-save' }}
      forceRender
    >
      <Form form={form} layout="vertical" onFinish={(v) => void save(v)} data-testid="customer-form">
        <Form.Item name="name" label={t('customers.name')} rules={[{ required: true, whitespace: true, max: 100 }]}>
          <Input data-testid="customer-name-input" />
        </Form.Item>
        <Form.Item name="company" label={t('customers.company')} rules={[{ max: 100 }]}>
          <Input data-testid="customer-company-input" />
        </Form.Item>
        <Form.Item
          name="numbers"
          label={t('customers.numbers')}
          extra={t('customers.numbersHint')}
          rules={[
            { required: true, message: t('customers.numberRule') },
            {
              validator: (_, value: string) =>
                parseNumbers(value ?? '').every((n) => /^\+?\d{3,32}$/.test(n)) ? Promise.resolve() : Promise.reject(new Error(t('customers.numberRule'))),
            },
          ]}
        >
          <Input.TextArea rows={2} data-testid="customer-numbers-input" />
        </Form.Item>
        <Form.Item name="tags" label={t('customers.tags')}>
          <Select mode="tags" tokenSeparators={[',', '，']} data-testid="customer-tags-input" />
        </Form.Item>
        <Form.List name="fields">
          {(items, { add, remove }) => (
            <Form.Item label={t('customers.fields')}>
              {items.map((item) => (
                <Space key={item.key} align="baseline" style={{ display: 'flex' }}>
                  <Form.Item name={[item.name, 'key']} rules={[{ required: true, max: 50 }]}>
                    <Input placeholder={t('customers.fieldName')} />
                  </Form.Item>
                  <Form.Item name={[item.name, 'value']} rules={[{ max: 500 }]}>
                    <Input placeholder={t('customers.fieldValue')} />
                  </Form.Item>
                  <Button type="link" danger onClick={() => remove(item.name)}>
                    {t('common.delete')}
                  </Button>
                </Space>
              ))}
              <Button type="dashed" onClick={() => add({ key: '', value: '' })}>
                {t('customers.addField')}
              </Button>
            </Form.Item>
          )}
        </Form.List>
      </Form>
    </Modal>
  );
}
