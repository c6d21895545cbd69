// Uploaded IVR prompts (语音文件): upload a WAV with a name, listen to what callers will hear
// (the converted 8 kHz audio), rename, delete (refused while an IVR flow plays it).
import { useCallback, useState } from 'react';
import { Alert, App as AntApp, Button, Form, Input, Modal, Typography, Upload } from 'antd';
import type { UploadFile } from 'antd';
import { useTranslation } from 'react-i18next';
import type { Prompt } from '../../api/types';
import { api, unwrap } from '../../core/api';
import { formatSeconds, MAX_PROMPT_BYTES, nameFromFile, promptAudioUrl, uploadPrompt } from '../../core/prompts';
import { useErrorText, useShowError } from '../../errors';
import CrudTable from '../../components/CrudTable';

interface UploadValues {
  name: string;
}

export default function PromptsPage() {
  const { t } = useTranslation();
  const { message } = AntApp.useApp();
  const showError = useShowError();
  const errorText = useErrorText();
  const [form] = Form.useForm<UploadValues>();
  const [renameForm] = Form.useForm<UploadValues>();
  const [uploading, setUploading] = useState(false);
  const [uploadOpen, setUploadOpen] = useState(false);
  const [file, setFile] = useState<File | null>(null);
  const [uploadError, setUploadError] = useState<string | null>(null);
  const [renaming, setRenaming] = useState<Prompt | null>(null);
  const [version, setVersion] = useState(0);
  const fetchPage = useCallback(
    async (q: string, page: number, page_size: number) => unwrap(await api.GET('/api/v1/prompts', { params: { query: { q, page, page_size } } })),
    [],
  );

  const openUpload = () => {
    form.resetFields();
    setFile(null);
    setUploadError(null);
    setUploadOpen(true);
  };
  const submitUpload = async () => {
    const v = await form.validateFields();
    if (!file) {
      setUploadError(t('prompts.chooseFile'));
      return;
    }
    if (file.size > MAX_PROMPT_BYTES) {
      setUploadError(t('errors.payload_too_large'));
      return;
    }
    setUploading(true);
    setUploadError(null);
    try {
      await uploadPrompt(v.name, file);
      setUploadOpen(false);
      void message.success(t('prompts.uploaded'));
      setVersion((n) => n + 1);
    } catch (e) {
      setUploadError(errorText(e));
    } finally {
      setUploading(false);
    }
  };
  const submitRename = async () => {
    const v = await renameForm.validateFields();
    if (!renaming) return;
    try {
      unwrap(await api.PATCH('/api/v1/prompts/{id}', { params: { path: { id: renaming.id } }, body: { name: v.name } }));
      setRenaming(null);
      void message.success(t('common.saved'));
      setVersion((n) => n + 1);
    } catch (e) {
      showError(e);
    }
  };
  const fileList: UploadFile[] = file ? [{ uid: '1', name: file.name, status: 'done' }] : [];

  return (
    <>
      <Typography.Paragraph type="secondary">{t('prompts.hint')}</Typography.Paragraph>
      <CrudTable<Prompt>
        title={t('prompts.title')}
        testId="prompts"
        version={version}
        fetchPage={fetchPage}
        onCreate={openUpload}
        onEdit={(p) => {
          renameForm.setFieldsValue({ name: p.name });
          setRenaming(p);
        }}
        onDelete={async (p) => void unwrap(await api.DELETE('/api/v1/prompts/{id}', { params: { path: { id: p.id } } }))}
        columns={[
          { title: 'ID', dataIndex: 'id', width: 80 },
          { title: t('common.name'), dataIndex: 'name' },
          { title: t('prompts.duration'), dataIndex: 'seconds', render: (s: number) => formatSeconds(s) },
          { title: t('prompts.fileName'), dataIndex: 'file_name' },
          {
            title: t('prompts.listen'),
            key: 'listen',
            render: (_, p) => <audio controls preload="none" src={promptAudioUrl(p.id)} style={{ height: 32 }} data-testid={`prompt-audio-${p.id}`} />,
          },
        ]}
      />
      <Modal
        open={uploadOpen}
        title={t('prompts.upload')}
        okText={t('prompts.upload')}
        confirmLoading={uploading}
        onOk={() => void submitUpload()}
        onCancel={() => setUploadOpen(false)}
        forceRender
      >
        <Form form={form} layout="vertical">
          <Form.Item label={t('prompts.file')} extra={t('prompts.formats')} required>
            <Upload
              accept=".wav,audio/wav,audio/x-wav"
              maxCount={1}
              fileList={fileList}
              beforeUpload={(f) => {
                setFile(f);
                setUploadError(null);
                if (!form.getFieldValue('name')) form.setFieldsValue({ name: nameFromFile(f.name) });
                return false;
              }}
              onRemove={() => setFile(null)}
            >
              <Button data-testid="prompt-file">{t('prompts.chooseFile')}</Button>
            </Upload>
          </Form.Item>
          <Form.Item name="name" label={t('common.name')} rules={[{ required: true, whitespace: true, max: 64 }]}>
            <Input data-testid="prompt-name" />
          </Form.Item>
        </Form>
        {uploadError && <Alert type="error" showIcon title={uploadError} data-testid="prompt-upload-error" />}
      </Modal>
      <Modal open={renaming !== null} title={t('prompts.rename')} onOk={() => void submitRename()} onCancel={() => setRenaming(null)} forceRender>
        <Form form={renameForm} layout="vertical">
          <Form.Item name="name" label={t('common.name')} rules={[{ required: true, whitespace: true, max: 64 }]}>
            <Input />
          </Form.Item>
        </Form>
      </Modal>
    </>
  );
}
