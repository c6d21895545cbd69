// The platform administrator's console (/platform): sign in with a platform account (made on the
// server with `patchbay admin create NAME`), list enterprises, create one with its first admin
// (password shown once), set its time zone and limits, enable or disable one. It never shows
// an enterprise's own data.
import { useCallback, useEffect, useState } from 'react';
import { Alert, App as AntApp, Button, Card, Form, Input, Modal, Space, Switch, Table, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import { api, ApiFailure, unwrap } from '../core/api';
import type { EnterpriseCreated, EnterpriseInfo, PlatformAdmin } from '../api/types';
import { useErrorText } from '../errors';
import { LanguageSwitch } from '../layout/AppLayout';
import { EditTerms, LimitsText, limitsOf, TermsFields, type TermsValues } from './platform/EnterpriseTerms';

function PlatformLogin({ onSignedIn }: { onSignedIn: (a: PlatformAdmin) => void }) {
  const { t } = useTranslation();
  const errorText = useErrorText();
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const onFinish = async (v: { username: string; password: string }) => {
    setBusy(true);
    setError(null);
    try {
      const r = unwrap(await api.POST('/api/v1/platform/auth/login', { body: { username: v.username.trim(), password: v.password } }));
      onSignedIn(r.admin);
    } catch (e) {
      // The enterprise sign-in's message names the enterprise code, which this page has not.
      setError(e instanceof ApiFailure && e.code === 'invalid_credentials' ? t('platform.invalidCredentials') : errorText(e));
    } finally {
      setBusy(false);
    }
  };
  return (
    <div style={{ minHeight: '100vh', display: 'grid', placeItems: 'center', background: '#f0f2f5' }}>
      <Card style={{ width: 380 }}>
        <Space style={{ width: '100%', justifyContent: 'space-between' }}>
          <Typography.Title level={4}>{t('platform.title')}</Typography.Title>
          <LanguageSwitch />
        </Space>
        {error && <Alert type="error" showIcon message={error} style={{ marginBottom: 16 }} data-testid="platform-login-error" />}
        <Form layout="vertical" onFinish={(v) => void onFinish(v)}>
          <Form.Item name="username" label={t('platform.username')} rules={[{ required: true, whitespace: true }]}>
            <Input autoComplete="username" data-testid="platform-username" />
          </Form.Item>
          <Form.Item name="password" label={t('login.password')} rules={[{ required: true }]}>
            <Input.Password autoComplete="current-password" data-testid="platform-password" />
          </Form.Item>
          <Button type="primary" htmlType="submit" block loading={busy} data-testid="platform-login-submit">
            {t('login.submit')}
          </Button>
        </Form>
        <Typography.Paragraph type="secondary" style={{ marginTop: 16, marginBottom: 0 }}>
          {t('platform.hint')}
        </Typography.Paragraph>
      </Card>
    </div>
  );
}

function Enterprises({ admin, onSignedOut }: { admin: PlatformAdmin; onSignedOut: () => void }) {
  const { t } = useTranslation();
  const { message } = AntApp.useApp();
  const errorText = useErrorText();
  const [rows, setRows] = useState<EnterpriseInfo[]>([]);
  const [loading, setLoading] = useState(true);
  const [creating, setCreating] = useState(false);
  const [created, setCreated] = useState<EnterpriseCreated | null>(null);
  const [form] = Form.useForm();
  const load = useCallback(async () => {
    setLoading(true);
    try {
      setRows(unwrap(await api.GET('/api/v1/platform/enterprises')));
    } catch (e) {
      void message.error(errorText(e));
    } finally {
      setLoading(false);
    }
  }, [message, errorText]);
  useEffect(() => void load(), [load]);
  const create = async (v: { code: string; name: string; admin_work_id?: string } & TermsValues) => {
    try {
      const body = {
        code: v.code.trim(),
        name: v.name.trim(),
        admin_work_id: v.admin_work_id?.trim() || undefined,
        time_zone: v.time_zone,
        limits: limitsOf(v),
      };
      setCreated(unwrap(await api.POST('/api/v1/platform/enterprises', { body })));
      setCreating(false);
      form.resetFields();
      void load();
    } catch (e) {
      void message.error(errorText(e));
    }
  };
  const setEnabled = async (row: EnterpriseInfo, enabled: boolean) => {
    try {
      unwrap(await api.PATCH('/api/v1/platform/enterprises/{id}', { params: { path: { id: row.id } }, body: { enabled } }));
      void load();
    } catch (e) {
      void message.error(errorText(e));
    }
  };
  const signOut = async () => {
    await api.POST('/api/v1/platform/auth/logout');
    onSignedOut();
  };
  return (
    <div style={{ padding: 24, maxWidth: 1100, margin: '0 auto' }}>
      <Space style={{ width: '100%', justifyContent: 'space-between', marginBottom: 16 }}>
        <Typography.Title level={3} style={{ margin: 0 }}>{t('platform.enterprises')}</Typography.Title>
        <Space>
          <LanguageSwitch />
          <Typography.Text>{admin.username}</Typography.Text>
          <Button onClick={() => void signOut()} data-testid="platform-logout">{t('user.logout')}</Button>
          <Button type="primary" onClick={() => setCreating(true)} data-testid="platform-new-enterprise">{t('platform.newEnterprise')}</Button>
        </Space>
      </Space>
      <Table<EnterpriseInfo>
        rowKey="id"
        loading={loading}
        dataSource={rows}
        pagination={false}
        data-testid="platform-enterprises"
        columns={[
          { title: t('platform.code'), dataIndex: 'code' },
          { title: t('common.name'), dataIndex: 'name' },
          { title: t('platform.users'), dataIndex: 'user_count' },
          { title: t('terms.timeZone'), dataIndex: 'time_zone' },
          {
            title: t('terms.limits'),
            dataIndex: 'limits',
            render: (_: unknown, row) => (
              <Space data-testid={`platform-limits-${row.code}`}>
                <LimitsText limits={row.limits} />
                <EditTerms row={row} onSaved={() => void load()} />
              </Space>
            ),
          },
          { title: t('platform.created'), dataIndex: 'created_at', render: (v: number) => new Date(v).toLocaleString() },
          {
            title: t('common.enabled'),
            dataIndex: 'enabled',
            render: (v: boolean, row) => (
              <Switch checked={v} onChange={(on) => void setEnabled(row, on)} data-testid={`platform-enabled-${row.code}`} />
            ),
          },
        ]}
      />
      <Modal open={creating} title={t('platform.newEnterprise')} onCancel={() => setCreating(false)} onOk={() => form.submit()} destroyOnHidden>
        <Form form={form} layout="vertical" onFinish={(v) => void create(v)} initialValues={{ admin_work_id: 'admin', time_zone: 'Asia/Shanghai' }}>
          <Form.Item name="code" label={t('platform.code')} extra={t('platform.codeRule')}
            rules={[{ required: true, pattern: /^[a-z0-9][a-z0-9-]{1,31}$/, message: t('platform.codeRule') }]}>
            <Input data-testid="platform-code" />
          </Form.Item>
          <Form.Item name="name" label={t('common.name')} rules={[{ required: true, whitespace: true, max: 100 }]}>
            <Input data-testid="platform-name" />
          </Form.Item>
          <Form.Item name="admin_work_id" label={t('platform.adminWorkId')} rules={[{ required: true, pattern: /^[A-Za-z0-9]{1,20}$/, message: t('users.workIdRule') }]}>
            <Input data-testid="platform-admin-work-id" />
          </Form.Item>
          <TermsFields />
        </Form>
      </Modal>
      <Modal open={created !== null} title={t('platform.createdTitle')} onOk={() => setCreated(null)} onCancel={() => setCreated(null)} cancelButtonProps={{ style: { display: 'none' } }}>
        {created && (
          <div data-testid="platform-created">
            <Typography.Paragraph>{t('platform.createdHint')}</Typography.Paragraph>
            <Typography.Paragraph>{t('login.enterprise')}: <Typography.Text code copyable>{created.enterprise.code}</Typography.Text></Typography.Paragraph>
            <Typography.Paragraph>{t('login.workId')}: <Typography.Text code copyable>{created.admin_work_id}</Typography.Text></Typography.Paragraph>
            <Typography.Paragraph>{t('login.password')}: <Typography.Text code copyable data-testid="platform-created-password">{created.admin_password}</Typography.Text></Typography.Paragraph>
          </div>
        )}
      </Modal>
    </div>
  );
}

export default function PlatformPage() {
  const [admin, setAdmin] = useState<PlatformAdmin | null | undefined>(undefined);
  useEffect(() => {
    void api.GET('/api/v1/platform/me').then((r) => setAdmin(r.response.ok && r.data ? r.data : null));
  }, []);
  if (admin === undefined) return null;
  if (admin === null) return <PlatformLogin onSignedIn={setAdmin} />;
  return <Enterprises admin={admin} onSignedOut={() => setAdmin(null)} />;
}
