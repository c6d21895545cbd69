// Trunks to carriers (线路): peer or registration, allowed sources, codecs, limits, live status.
import { useCallback, useState } from 'react';
import { App as AntApp, Form, Input, InputNumber, Modal, Select, Switch, Tag, Tooltip } from 'antd';
import { useTranslation } from 'react-i18next';
import type { Trunk, TrunkInput, TrunkStatus } from '../../api/types';
import { api, unwrap } from '../../core/api';
import { useShowError } from '../../errors';
import CrudTable from '../../components/CrudTable';

type FormValues = Omit<TrunkInput, 'password'> & { password?: string };

const STATE_COLOR: Record<TrunkStatus['state'], string> = { up: 'green', failed: 'red', unknown: 'default', disabled: 'default' };

export function TrunkStatusTag({ status }: { status?: TrunkStatus | null }) {
  const { t } = useTranslation();
  const state = status?.state ?? 'unknown';
  const tag = (
    <Tag color={STATE_COLOR[state]} data-testid="trunk-state">
      {t(`trunks.state.${state}`)}
    </Tag>
  );
  return status?.reason ? <Tooltip title={status.reason}>{tag} <span>{status.reason}</span></Tooltip> : tag;
}

export default function TrunksPage() {
  const { t } = useTranslation();
  const { message } = AntApp.useApp();
  const showError = useShowError();
  const [form] = Form.useForm<FormValues>();
  const [editing, setEditing] = useState<Trunk | 'new' | null>(null);
  const [version, setVersion] = useState(0);
  const mode = Form.useWatch('mode', form);
  // Trunks are few: the list comes whole and is searched here.
  const fetchPage = useCallback(async (q: string) => {
    const all = unwrap(await api.GET('/api/v1/trunks'));
    const needle = q.trim().toLowerCase();
    const items = all.filter((x) => !needle || x.name.toLowerCase().includes(needle) || x.host.includes(needle));
    return { items, total: items.length };
  }, []);
  const open = (x: Trunk | 'new') => {
    setEditing(x);
    form.resetFields();
    form.setFieldsValue(
      x === 'new'
        ? { mode: 'peer', port: 5060, transport: 'udp', codecs: ['PCMA', 'PCMU'], allowed_sources: [], max_calls: 0, register_expires: 3600, enabled: true, keepalive: true }
        : { ...x, username: x.username ?? undefined, password: undefined, public_address: x.public_address ?? undefined },
    );
  };
  const submit = async () => {
    const v = await form.validateFields();
    const body: TrunkInput = { ...v, username: v.username || null, password: v.password ? v.password : undefined, public_address: v.public_address?.trim() || null };
    try {
      if (editing === 'new') unwrap(await api.POST('/api/v1/trunks', { body }));
      else if (editing) unwrap(await api.PUT('/api/v1/trunks/{id}', { params: { path: { id: editing.id } }, body }));
      setEditing(null);
      void message.success(t('common.saved'));
      setVersion((n) => n + 1);
    } catch (e) {
      showError(e);
    }
  };
  return (
    <>
      <CrudTable<Trunk>
        title={t('trunks.title')}
        testId="trunks"
        version={version}
        fetchPage={fetchPage}
        onCreate={() => open('new')}
        onEdit={open}
        onDelete={async (x) => void unwrap(await api.DELETE('/api/v1/trunks/{id}', { params: { path: { id: x.id } } }))}
        columns={[
          { title: t('common.name'), dataIndex: 'name' },
          { title: t('trunks.mode'), dataIndex: 'mode', render: (m: string) => t(`trunks.modes.${m}`) },
          { title: t('trunks.address'), render: (_: unknown, x: Trunk) => `${x.transport.toUpperCase()} ${x.host}:${x.port}` },
          { title: t('trunks.status'), render: (_: unknown, x: Trunk) => <TrunkStatusTag status={x.status} /> },
          { title: t('trunks.activeCalls'), render: (_: unknown, x: Trunk) => `${x.status?.active_calls ?? 0}${x.max_calls ? ` / ${x.max_calls}` : ''}` },
          { title: t('common.enabled'), dataIndex: 'enabled', render: (e: boolean) => <Tag color={e ? 'green' : 'default'}>{e ? t('common.enabled') : t('common.disabled')}</Tag> },
        ]}
      />
      <Modal open={editing !== null} title={editing === 'new' ? t('common.create') : t('common.edit')} onOk={() => void submit()} onCancel={() => setEditing(null)} forceRender width={640} okButtonProps={{ 'data-testid': 'trunk-save' }}>
        <Form form={form} layout="vertical">
          <Form.Item name="name" label={t('common.name')} rules={[{ required: true, whitespace: true, max: 64 }]}>
            <Input data-testid="trunk-name" />
          </Form.Item>
          <Form.Item name="mode" label={t('trunks.mode')} rules={[{ required: true }]}>
            <Select data-testid="trunk-mode" options={['peer', 'register'].map((m) => ({ value: m, label: t(`trunks.modes.${m}`) }))} />
          </Form.Item>
          <Form.Item name="host" label={t('trunks.host')} rules={[{ required: true, whitespace: true, max: 253 }]}>
            <Input data-testid="trunk-host" placeholder="sip.carrier.example / 203.0.113.5" />
          </Form.Item>
          <Form.Item name="port" label={t('trunks.port')} rules={[{ required: true }]}>
            <InputNumber data-testid="trunk-port" min={1} max={65535} />
          </Form.Item>
          <Form.Item name="transport" label={t('trunks.transport')}>
            <Select options={[{ value: 'udp', label: 'UDP' }, { value: 'tcp', label: 'TCP' }]} />
          </Form.Item>
          <Form.Item name="username" label={t('trunks.username')} rules={[{ required: mode === 'register', max: 64 }]}>
            <Input data-testid="trunk-username" autoComplete="off" />
          </Form.Item>
          <Form.Item
            name="password"
            label={t('trunks.password')}
            extra={editing !== 'new' && editing?.has_password ? t('trunks.passwordKept') : undefined}
            rules={[{ required: mode === 'register' && (editing === 'new' || !editing?.has_password), max: 128 }]}
          >
            <Input.Password data-testid="trunk-password" autoComplete="new-password" />
          </Form.Item>
          <Form.Item name="allowed_sources" label={t('trunks.allowedSources')} extra={t('trunks.allowedSourcesHint')}>
            <Select mode="tags" tokenSeparators={[',', ' ']} open={false} />
          </Form.Item>
          <Form.Item name="public_address" label={t('trunks.publicAddress')} extra={t('trunks.publicAddressHint')} rules={[{ max: 45 }]}>
            <Input data-testid="trunk-public-address" placeholder="203.0.113.5" />
          </Form.Item>
          <Form.Item name="codecs" label={t('trunks.codecs')} rules={[{ required: true, type: 'array', min: 1 }]}>
            <Select mode="multiple" options={[{ value: 'PCMA', label: 'G.711 A-law (PCMA)' }, { value: 'PCMU', label: 'G.711 µ-law (PCMU)' }]} />
          </Form.Item>
          <Form.Item name="max_calls" label={t('trunks.maxCalls')} extra={t('trunks.maxCallsHint')}>
            <InputNumber min={0} max={100000} />
          </Form.Item>
          {mode === 'register' && (
            <Form.Item name="register_expires" label={t('trunks.registerExpires')}>
              <InputNumber min={60} max={86400} />
            </Form.Item>
          )}
          {mode === 'peer' && (
            <Form.Item name="keepalive" label={t('trunks.keepalive')} valuePropName="checked">
              <Switch />
            </Form.Item>
          )}
          <Form.Item name="enabled" label={t('common.enabled')} valuePropName="checked">
            <Switch />
          </Form.Item>
        </Form>
      </Modal>
    </>
  );
}
