import { useCallback, useState } from 'react';
import { App as AntApp, Checkbox, Form, Input, Modal, Select, Tag } from 'antd';
import { useTranslation } from 'react-i18next';
import type { DataScope, Permission, Role } from '../../api/types';
import { api, unwrap } from '../../core/api';
import { useShowError } from '../../errors';
import CrudTable from '../../components/CrudTable';

const PERMISSIONS: Permission[] = [
  'agent_login', 'answer_dial', 'consult_transfer', 'monitor', 'view_call_records', 'view_recordings',
  'export', 'manage_campaigns', 'manage_users', 'manage_numbers', 'billing',
];
const SCOPES: DataScope[] = ['self', 'skill_groups', 'department', 'enterprise'];

interface FormValues {
  name: string;
  description?: string;
  permissions: Permission[];
  data_scope: DataScope;
}

export default function RolesPage() {
  const { t } = useTranslation();
  const { message } = AntApp.useApp();
  const showError = useShowError();
  const [form] = Form.useForm<FormValues>();
  const [editing, setEditing] = useState<Role | 'new' | null>(null);
  const [version, setVersion] = useState(0);
  const fetchPage = useCallback(
    async (q: string, page: number, page_size: number) =>
      unwrap(await api.GET('/api/v1/roles', { params: { query: { q, page, page_size } } })),
    [],
  );
  const open = (r: Role | 'new') => {
    setEditing(r);
    form.resetFields();
    form.setFieldsValue(
      r === 'new'
        ? { permissions: ['agent_login', 'answer_dial'], data_scope: 'self' }
        : { name: r.name, description: r.description ?? '', permissions: r.permissions, data_scope: r.data_scope },
    );
  };
  const submit = async () => {
    const v = await form.validateFields();
    try {
      const description = v.description || null;
      if (editing === 'new') {
        unwrap(await api.POST('/api/v1/roles', { body: { ...v, description } }));
      } else if (editing) {
        const body = editing.builtin ? { name: v.name, description } : { ...v, description };
        unwrap(await api.PATCH('/api/v1/roles/{id}', { params: { path: { id: editing.id } }, body }));
      }
      setEditing(null);
      void message.success(t('common.saved'));
      setVersion((n) => n + 1);
    } catch (e) {
      showError(e);
    }
  };
  const builtin = editing !== 'new' && editing?.builtin === true;
  return (
    <>
      <CrudTable<Role>
        title={t('roles.title')}
        testId="roles"
        version={version}
        fetchPage={fetchPage}
        onCreate={() => open('new')}
        onEdit={open}
        canDelete={(r) => !r.builtin}
        onDelete={async (r) => void unwrap(await api.DELETE('/api/v1/roles/{id}', { params: { path: { id: r.id } } }))}
        columns={[
          { title: t('common.name'), dataIndex: 'name', render: (n: string, r) => <>{n} {r.builtin && <Tag>{t('roles.builtin')}</Tag>}</> },
          { title: t('common.description'), dataIndex: 'description' },
          { title: t('roles.permissions'), key: 'p', render: (_, r) => r.permissions.map((p) => <Tag key={p}>{t(`perm.${p}`)}</Tag>) },
          { title: t('roles.dataScope'), dataIndex: 'data_scope', render: (s: DataScope) => t(`scope.${s}`) },
          { title: t('roles.userCount'), dataIndex: 'user_count' },
        ]}
      />
      <Modal
        open={editing !== null}
        title={editing === 'new' ? t('common.create') : t('common.edit')}
        onOk={() => void submit()}
        onCancel={() => setEditing(null)}
        okButtonProps={{ 'data-testid': 'role-save' }}
        forceRender
        width={640}
      >
        <Form form={form} layout="vertical">
          <Form.Item name="name" label={t('common.name')} rules={[{ required: true, whitespace: true, max: 64 }]}>
            <Input data-testid="role-name" />
          </Form.Item>
          <Form.Item name="description" label={t('common.description')} rules={[{ max: 256 }]}>
            <Input />
          </Form.Item>
          <Form.Item name="permissions" label={t('roles.permissions')}>
            <Checkbox.Group disabled={builtin} options={PERMISSIONS.map((p) => ({ value: p, label: t(`perm.${p}`) }))} />
          </Form.Item>
          <Form.Item name="data_scope" label={t('roles.dataScope')} rules={[{ required: true }]}>
            <Select disabled={builtin} options={SCOPES.map((s) => ({ value: s, label: t(`scope.${s}`) }))} />
          </Form.Item>
        </Form>
      </Modal>
    </>
  );
}
