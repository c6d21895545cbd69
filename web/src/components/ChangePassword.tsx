import { App as AntApp, Form, Input, Modal } from 'antd';
import { useTranslation } from 'react-i18next';
import { api, unwrap } from '../core/api';
import { useShowError } from '../errors';

export default function ChangePassword({ open, onClose }: { open: boolean; onClose: () => void }) {
  const { t } = useTranslation();
  const [form] = Form.useForm<{ old_password: string; new_password: string }>();
  const { message } = AntApp.useApp();
  const showError = useShowError();
  const submit = async () => {
    const body = await form.validateFields();
    try {
      unwrap(await api.POST('/api/v1/me/password', { body }));
      void message.success(t('user.changed'));
      form.resetFields();
      onClose();
    } catch (e) {
      showError(e);
    }
  };
  return (
    <Modal open={open} title={t('user.changePassword')} onOk={() => void submit()} onCancel={onClose} destroyOnHidden>
      <Form form={form} layout="vertical">
        <Form.Item name="old_password" label={t('user.oldPassword')} rules={[{ required: true }]}>
          <Input.Password autoComplete="current-password" />
        </Form.Item>
        <Form.Item name="new_password" label={t('user.newPassword')} rules={[{ required: true, min: 8, max: 128 }]}>
          <Input.Password autoComplete="new-password" />
        </Form.Item>
      </Form>
    </Modal>
  );
}
