import { useCallback, useEffect, useState } from 'react';
import { App as AntApp, Form, Input, Modal, Select, Switch, Tag, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import type { Role, User } from '../../api/types';
import { api, unwrap } from '../../core/api';
import { MOBILE_RE, WORK_ID_RE } from '../../core/credentials';
import { useShowError } from '../../errors';
import CrudTable from '../../components/CrudTable';
import SipAccountModal from '../../components/SipAccountModal';

interface FormValues {
  work_id: string;
  name: string;
  mobile?: string;
  department?: string;
  role_id: number;
  enabled: boolean;
}

export default function UsersPage() {
  const { t } = useTranslation();
  const { modal, message } = AntApp.useApp();
  const showError = useShowError();
  const [form] = Form.useForm<FormValues>();
  const [editing, setEditing] = useState<User | 'new' | null>(null);
  const [roles, setRoles] = useState<Role[]>([]);
  const [version, setVersion] = useState(0);
  const [sipUser, setSipUser] = useState<User | null>(null);

  useEffect(() => {
    api.GET('/api/v1/roles', { params: { query: { page_size: 200 } } }).then((r) => setRoles(unwrap(r).items), showError);
  }, [showError, version]);

  const fetchPage = useCallback(
    async (q: string, page: number, page_size: number) =>
      unwrap(await api.GET('/api/v1/users', { params: { query: { q, page, page_size } } })),
    [],
  );

  const showPassword = (title: string, password: string) =>
    modal.info({
      title,
      content: (
        <>
          <Typography.Paragraph>{t('users.initialPasswordHint')}</Typography.Paragraph>
          <Typography.Text code copyable data-testid="initial-password">
            {password}
          </Typography.Text>
        </>
      ),
    });

  const open = (u: User | 'new') => {
    setEditing(u);
    form.resetFields();
    if (u !== 'new') {
      form.setFieldsValue({
        work_id: u.work_id,
        name: u.name,
        mobile: u.mobile ?? '',
        department: u.department ?? '',
        role_id: u.role_id,
        enabled: u.enabled,
      });
    } else {
      form.setFieldsValue({ enabled: true });
    }
  };

  const submit = async () => {
    const v = await form.validateFields();
    try {
      if (editing === 'new') {
        const created = unwrap(
          await api.POST('/api/v1/users', {
            body: { work_id: v.work_id, name: v.name, mobile: v.mobile || null, department: v.department || null, role_id: v.role_id, enabled: v.enabled },
          }),
        );
        setEditing(null);
        showPassword(t('users.created'), created.initial_password);
      } else if (editing) {
        unwrap(
          await api.PATCH('/api/v1/users/{id}', {
            params: { path: { id: editing.id } },
            body: { name: v.name, mobile: v.mobile || null, department: v.department || null, role_id: v.role_id, enabled: v.enabled },
          }),
        );
        setEditing(null);
        void message.success(t('common.saved'));
      }
      setVersion((n) => n + 1);
    } catch (e) {
      showError(e);
    }
  };

  return (
    <>
      <CrudTable<User>
        title={t('users.title')}
        testId="users"
        version={version}
        fetchPage={fetchPage}
        onCreate={() => open('new')}
        onEdit={open}
        onDelete={async (u) => void unwrap(await api.DELETE('/api/v1/users/{id}', { params: { path: { id: u.id } } }))}
        extraActions={(u) => (
          <>
          <a data-testid="sip-account" onClick={() => setSipUser(u)} style={{ marginRight: 8 }}>
            {t('sip.action')}
          </a>
          <a
            onClick={async () => {
              try {
                const r = unwrap(await api.POST('/api/v1/users/{id}/reset-password', { params: { path: { id: u.id } } }));
                showPassword(t('users.resetPassword'), r.initial_password);
              } catch (e) {
                showError(e);
              }
            }}
          >
            {t('users.resetPassword')}
          </a>
          </>
        )}
        columns={[
          { title: t('users.workId'), dataIndex: 'work_id' },
          { title: t('users.name'), dataIndex: 'name' },
          { title: t('users.mobile'), dataIndex: 'mobile' },
          { title: t('users.role'), dataIndex: 'role_name' },
          {
            title: t('users.skillGroups'),
            key: 'groups',
            render: (_, u) => u.skill_groups.map((g) => <Tag key={g.id}>{`${g.name} · ${g.skill_level}`}</Tag>),
          },
          {
            title: t('users.status'),
            key: 'status',
            render: (_, u) => (
              <>
                <Tag color={u.enabled ? 'green' : 'default'}>{u.enabled ? t('common.enabled') : t('common.disabled')}</Tag>
                {u.locked_until && u.locked_until > Date.now() && <Tag color="red">{t('users.locked')}</Tag>}
              </>
            ),
          },
        ]}
      />
      <Modal
        open={editing !== null}
        title={editing === 'new' ? t('common.create') : t('common.edit')}
        onOk={() => void submit()}
        onCancel={() => setEditing(null)}
        okButtonProps={{ 'data-testid': 'user-save' }}
        destroyOnHidden
        forceRender
      >
        <Form form={form} layout="vertical">
          <Form.Item name="work_id" label={t('users.workId')} rules={[{ required: true, pattern: WORK_ID_RE, message: t('users.workIdRule') }]}>
            <Input disabled={editing !== 'new'} data-testid="user-work-id" />
          </Form.Item>
          <Form.Item name="name" label={t('users.name')} rules={[{ required: true, whitespace: true, max: 64 }]}>
            <Input data-testid="user-name" />
          </Form.Item>
          <Form.Item name="mobile" label={t('users.mobile')} rules={[{ pattern: MOBILE_RE, message: t('users.mobileRule') }]}>
            <Input />
          </Form.Item>
          <Form.Item name="department" label={t('users.department')} rules={[{ max: 64 }]}>
            <Input />
          </Form.Item>
          <Form.Item name="role_id" label={t('users.role')} rules={[{ required: true }]}>
            <Select data-testid="user-role" options={roles.map((r) => ({ value: r.id, label: r.name }))} />
          </Form.Item>
          <Form.Item name="enabled" label={t('common.enabled')} valuePropName="checked">
            <Switch />
          </Form.Item>
        </Form>
      </Modal>
      <SipAccountModal user={sipUser} onClose={() => setSipUser(null)} />
    </>
  );
}
