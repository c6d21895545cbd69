// An agent's desk-phone SIP account: user name, password (shown once when set), registrations.
import { useEffect, useState } from 'react';
import { App as AntApp, Descriptions, Form, Input, Modal, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import type { SipAccount, User } from '../api/types';
import { api, ApiFailure, unwrap } from '../core/api';
import { useShowError } from '../errors';

export default function SipAccountModal({ user, onClose }: { user: User | null; onClose: () => void }) {
  const { t } = useTranslation();
  const { modal } = AntApp.useApp();
  const showError = useShowError();
  const [form] = Form.useForm<{ username: string; password?: string }>();
  const [account, setAccount] = useState<SipAccount | null>(null);
  useEffect(() => {
    if (!user) return;
    form.resetFields();
    setAccount(null);
    api
      .GET('/api/v1/users/{id}/sip-account', { params: { path: { id: user.id } } })
      .then((r) => {
        const a = unwrap(r);
        setAccount(a);
        form.setFieldsValue({ username: a.username });
      })
      .catch((e) => {
        if (e instanceof ApiFailure && e.code === 'not_found') form.setFieldsValue({ username: user.work_id.length >= 3 ? user.work_id : `agent${user.work_id}` });
        else showError(e);
      });
  }, [user, form, showError]);
  const submit = async () => {
    if (!user) return;
    const v = await form.validateFields();
    try {
      const a = unwrap(
        await api.PUT('/api/v1/users/{id}/sip-account', { params: { path: { id: user.id } }, body: { username: v.username, password: v.password || undefined } }),
      );
      onClose();
      if (a.password) {
        modal.info({
          title: t('sip.passwordTitle'),
          content: (
            <>
              <Typography.Paragraph>{t('sip.passwordHint', { username: a.username, realm: a.realm })}</Typography.Paragraph>
              <Typography.Text code copyable data-testid="sip-password">
                {a.password}
              </Typography.Text>
            </>
          ),
        });
      }
    } catch (e) {
      showError(e);
    }
  };
  return (
    <Modal open={user !== null} title={t('sip.title', { name: user?.name ?? '' })} onOk={() => void submit()} onCancel={onClose} forceRender okButtonProps={{ 'data-testid': 'sip-save' }}>
      <Form form={form} layout="vertical">
        <Form.Item name="username" label={t('sip.username')} rules={[{ required: true, pattern: /^[A-Za-z0-9._-]{3,32}$/, message: t('sip.usernameRule') }]}>
          <Input data-testid="sip-username" autoComplete="off" />
        </Form.Item>
        <Form.Item name="password" label={t('sip.password')} extra={account ? t('sip.passwordKept') : t('sip.passwordGenerated')} rules={[{ min: 8, max: 64 }]}>
          <Input.Password data-testid="sip-password-input" autoComplete="new-password" />
        </Form.Item>
      </Form>
      <Descriptions size="small" column={1} bordered>
        <Descriptions.Item label={t('sip.registrations')}>
          <span data-testid="sip-registrations">
            {account?.registrations.length
              ? account.registrations.map((r) => `${r.contact} (${new Date(r.expires_at).toLocaleTimeString()})`).join(', ')
              : t('sip.notRegistered')}
          </span>
        </Descriptions.Item>
      </Descriptions>
    </Modal>
  );
}
