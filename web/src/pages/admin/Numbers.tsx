// Enterprise numbers (码号): which trunk each arrives on and what inbound calls get (a welcome
// prompt, the echo test, or an IVR flow edited as JSON), and who may show it when dialing.
import { useCallback, useEffect, useState } from 'react';
import { App as AntApp, Form, Input, Modal, Select } from 'antd';
import { useTranslation } from 'react-i18next';
import type { EnterpriseNumber, NumberInput, NumberService, Trunk } from '../../api/types';
import { api, unwrap } from '../../core/api';
import { useShowError } from '../../errors';
import CrudTable from '../../components/CrudTable';
import FlowEditor from '../../components/FlowEditor';
import CallersEditor from '../../components/CallersEditor';

const SERVICES: NumberService[] = ['welcome', 'echo_test', 'ivr'];

export default function NumbersPage() {
  const { t } = useTranslation();
  const { message } = AntApp.useApp();
  const showError = useShowError();
  const [form] = Form.useForm<NumberInput>();
  const [editing, setEditing] = useState<EnterpriseNumber | 'new' | null>(null);
  const [version, setVersion] = useState(0);
  const [trunks, setTrunks] = useState<Trunk[]>([]);
  const [flowOf, setFlowOf] = useState<EnterpriseNumber | null>(null);
  const [callersOf, setCallersOf] = useState<EnterpriseNumber | null>(null);
  useEffect(() => {
    api.GET('/api/v1/trunks').then((r) => setTrunks(unwrap(r)), showError);
  }, [showError, version]);
  const fetchPage = useCallback(
    async (q: string, page: number, page_size: number) =>
      unwrap(await api.GET('/api/v1/numbers', { params: { query: { q, page, page_size } } })),
    [],
  );
  const open = (n: EnterpriseNumber | 'new') => {
    setEditing(n);
    form.resetFields();
    form.setFieldsValue(n === 'new' ? { service: 'welcome', trunk_id: trunks[0]?.id } : { ...n, description: n.description ?? undefined });
  };
  const submit = async () => {
    const v = await form.validateFields();
    const body: NumberInput = { ...v, description: v.description || null };
    try {
      if (editing === 'new') unwrap(await api.POST('/api/v1/numbers', { body }));
      else if (editing) unwrap(await api.PUT('/api/v1/numbers/{id}', { params: { path: { id: editing.id } }, body }));
      setEditing(null);
      void message.success(t('common.saved'));
      setVersion((n) => n + 1);
    } catch (e) {
      showError(e);
    }
  };
  const trunkName = (id: number) => trunks.find((x) => x.id === id)?.name ?? `#${id}`;
  return (
    <>
      <CrudTable<EnterpriseNumber>
        title={t('numbers.title')}
        testId="numbers"
        version={version}
        fetchPage={fetchPage}
        onCreate={() => open('new')}
        onEdit={open}
        onDelete={async (n) => void unwrap(await api.DELETE('/api/v1/numbers/{id}', { params: { path: { id: n.id } } }))}
        extraActions={(n) => (
          <>
            <a onClick={() => setFlowOf(n)} data-testid={`flow-${n.number}`}>
              {t('flow.action')}
            </a>
            <a onClick={() => setCallersOf(n)} data-testid={`callers-${n.number}`}>
              {t('numbers.callers')}
            </a>
          </>
        )}
        columns={[
          { title: t('numbers.number'), dataIndex: 'number' },
          { title: t('numbers.trunk'), dataIndex: 'trunk_id', render: (id: number) => trunkName(id) },
          { title: t('numbers.service'), dataIndex: 'service', render: (s: string) => t(`numbers.services.${s}`) },
          { title: t('common.description'), dataIndex: 'description' },
        ]}
      />
      <Modal open={editing !== null} title={editing === 'new' ? t('common.create') : t('common.edit')} onOk={() => void submit()} onCancel={() => setEditing(null)} forceRender okButtonProps={{ 'data-testid': 'number-save' }}>
        <Form form={form} layout="vertical">
          <Form.Item name="number" label={t('numbers.number')} rules={[{ required: true, pattern: /^\+?[0-9]{3,32}$/, message: t('numbers.numberRule') }]}>
            <Input data-testid="number-number" placeholder="4008000000" />
          </Form.Item>
          <Form.Item name="trunk_id" label={t('numbers.trunk')} rules={[{ required: true }]}>
            <Select data-testid="number-trunk" options={trunks.map((x) => ({ value: x.id, label: x.name }))} />
          </Form.Item>
          <Form.Item name="service" label={t('numbers.service')}>
            <Select data-testid="number-service" options={SERVICES.map((s) => ({ value: s, label: t(`numbers.services.${s}`) }))} />
          </Form.Item>
          <Form.Item name="description" label={t('common.description')} rules={[{ max: 256 }]}>
            <Input />
          </Form.Item>
        </Form>
      </Modal>
      <CallersEditor number={callersOf} onClose={() => setCallersOf(null)} />
      <FlowEditor
        number={flowOf}
        onClose={() => setFlowOf(null)}
        onSaved={() => {
          setFlowOf(null);
          setVersion((n) => n + 1);
        }}
      />
    </>
  );
}
