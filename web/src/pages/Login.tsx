import { useState } from 'react';
import { Alert, Button, Card, Form, Input, Space, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import { Navigate, useNavigate } from 'react-router-dom';
import { useAuth } from '../auth';
import { useErrorText } from '../errors';
import { LanguageSwitch } from '../layout/AppLayout';

const LAST_ENTERPRISE = 'patchbay.enterprise';

export default function LoginPage() {
  const { t } = useTranslation();
  const { me, login } = useAuth();
  const navigate = useNavigate();
  const errorText = useErrorText();
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  if (me) return <Navigate to="/" replace />;
  const onFinish = async (v: { enterprise: string; work_id: string; password: string }) => {
    setBusy(true);
    setError(null);
    try {
      const who = await login(v.enterprise.trim(), v.work_id.trim(), v.password);
      localStorage.setItem(LAST_ENTERPRISE, v.enterprise.trim());
      navigate(who.permissions.includes('manage_users') ? '/admin/users' : '/agent');
    } catch (e) {
      setError(errorText(e));
    } finally {
      setBusy(false);
    }
  };
  return (
    <div style={{ minHeight: '100vh', display: 'grid', placeItems: 'center', background: '#f0f2f5' }}>
      <Card style={{ width: 380 }}>
        <Space style={{ width: '100%', justifyContent: 'space-between' }}>
          <Typography.Title level={4}>{t('app.name')}</Typography.Title>
          <LanguageSwitch />
        </Space>
        {error && <Alert type="error" showIcon message={error} style={{ marginBottom: 16 }} data-testid="login-error" />}
        <Form
          layout="vertical"
          initialValues={{ enterprise: localStorage.getItem(LAST_ENTERPRISE) ?? 'demo' }}
          onFinish={(v) => void onFinish(v)}
        >
          <Form.Item name="enterprise" label={t('login.enterprise')} rules={[{ required: true, whitespace: true }]}>
            <Input autoComplete="organization" />
          </Form.Item>
          <Form.Item name="work_id" label={t('login.workId')} rules={[{ required: true, whitespace: true }]}>
            <Input autoComplete="username" />
          </Form.Item>
          <Form.Item name="password" label={t('login.password')} rules={[{ required: true }]}>
            <Input.Password autoComplete="current-password" />
          </Form.Item>
          <Button type="primary" htmlType="submit" block loading={busy} data-testid="login-submit">
            {t('login.submit')}
          </Button>
        </Form>
      </Card>
    </div>
  );
}
