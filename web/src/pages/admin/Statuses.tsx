import { useCallback, useState } from 'react';
import { App as AntApp, Form, Input, Modal, Switch, Tag } from 'antd';
import { useTranslation } from 'react-i18next';
import type { CustomStatus } from '../../api/types';
import { api, unwrap } from '../../core/api';
import { useShowError } from '../../errors';
import CrudTable from '../../components/CrudTable';

interface FormValues {
  name: string;
  description?: string;
  enabled: boolean;
}

export default function StatusesPage() {
  const { t } = useTranslation();
  const { message } = AntApp.useApp();
  const showError = useShowError();
  const [form] = Form.useForm<FormValues>();
  const [editing, setEditing] = useState<CustomStatus | 'new' | null>(null);
  const [version, setVersion] = useState(0);
  const fetchPage = useCallback(
    async (q: string, page: number, page_size: number) =>
      unwrap(await api.GET('/api/v1/custom-statuses', { params: { query: { q, page, page_size } } })),
    [],
  );
  const open = (s: CustomStatus | 'new') => {
    setEditing(s);
    form.resetFields();
    form.setFieldsValue(s === 'new' ? { enabled: true } : { name: s.name, description: s.description ?? '', enabled: s.enabled });
  };
  const submit = async () => {
    const v = await form.validateFields();
    try {
      const description = v.description || null;
      if (editing === 'new') {
        unwrap(await api.POST('/api/v1/custom-statuses', { body: { name: v.name, description } }));
      } else if (editing) {
        unwrap(await api.PATCH('/api/v1/custom-statuses/{id}', { params: { path: { id: editing.id } }, body: { ...v, description } }));
      }
      setEditing(null);
      void message.success(t('common.saved'));
      setVersion((n) => n + 1);
    } catch (e) {
      showError(e);
    }
  };
  return (
    <>
      <CrudTable<CustomStatus>
        title={t('statuses.title')}
        testId="statuses"
        version={version}
        fetchPage={fetchPage}
        onCreate={() => open('new')}
        onEdit={open}
        onDelete={async (s) => void unwrap(await api.DELETE('/api/v1/custom-statuses/{id}', { params: { path: { id: s.id } } }))}
        columns={[
          { title: t('common.name'), dataIndex: 'name' },
          { title: t('common.description'), dataIndex: 'description' },
          { title: t('common.enabled'), dataIndex: 'enabled', render: (e: boolean) => <Tag color={e ? 'green' : 'default'}>{e ? t('common.enabled') : t('common.disabled')}</Tag> },
        ]}
      />
      <Modal open={editing !== null} title={editing === 'new' ? t('common.create') : t('common.edit')} onOk={() => void submit()} onCancel={() => setEditing(null)} forceRender>
        <Form form={form} layout="vertical">
          <Form.Item name="name" label={t('common.name')} rules={[{ required: true, whitespace: true, max: 32 }]}>
            <Input />
          </Form.Item>
          <Form.Item name="description" label={t('common.description')} rules={[{ max: 256 }]}>
            <Input />
          </Form.Item>
          {editing !== 'new' && (
            <Form.Item name="enabled" label={t('common.enabled')} valuePropName="checked">
              <Switch />
            </Form.Item>
          )}
        </Form>
      </Modal>
    </>
  );
}
