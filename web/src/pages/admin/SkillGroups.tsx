import { useCallback, useEffect, useState } from 'react';
import { App as AntApp, Button, Form, Input, InputNumber, Modal, Select, Space, Tag } from 'antd';
import { useTranslation } from 'react-i18next';
import type { SkillGroup, User } from '../../api/types';
import { api, unwrap } from '../../core/api';
import { useShowError } from '../../errors';
import CrudTable from '../../components/CrudTable';
import QueueSettingsModal from '../../components/QueueSettingsModal';

interface GroupForm {
  name: string;
  description?: string;
}
interface MembersForm {
  members: { user_id: number; skill_level: number }[];
}

export default function SkillGroupsPage() {
  const { t } = useTranslation();
  const { message } = AntApp.useApp();
  const showError = useShowError();
  const [form] = Form.useForm<GroupForm>();
  const [membersForm] = Form.useForm<MembersForm>();
  const [editing, setEditing] = useState<SkillGroup | 'new' | null>(null);
  const [membersOf, setMembersOf] = useState<SkillGroup | null>(null);
  const [users, setUsers] = useState<User[]>([]);
  const [settingsOf, setSettingsOf] = useState<SkillGroup | null>(null);
  const [allGroups, setAllGroups] = useState<SkillGroup[]>([]);
  const [version, setVersion] = useState(0);

  useEffect(() => {
    if (!membersOf) return;
    api.GET('/api/v1/users', { params: { query: { page_size: 200 } } }).then((r) => setUsers(unwrap(r).items), showError);
  }, [membersOf, showError]);

  useEffect(() => {
    if (!settingsOf) return;
    api.GET('/api/v1/skill-groups', { params: { query: { page_size: 200 } } }).then((r) => setAllGroups(unwrap(r).items), showError);
  }, [settingsOf, showError]);

  const fetchPage = useCallback(
    async (q: string, page: number, page_size: number) =>
      unwrap(await api.GET('/api/v1/skill-groups', { params: { query: { q, page, page_size } } })),
    [],
  );
  const open = (g: SkillGroup | 'new') => {
    setEditing(g);
    form.resetFields();
    if (g !== 'new') form.setFieldsValue({ name: g.name, description: g.description ?? '' });
  };
  const submit = async () => {
    const v = await form.validateFields();
    try {
      const body = { name: v.name, description: v.description || null };
      if (editing === 'new') unwrap(await api.POST('/api/v1/skill-groups', { body }));
      else if (editing) unwrap(await api.PATCH('/api/v1/skill-groups/{id}', { params: { path: { id: editing.id } }, body }));
      setEditing(null);
      void message.success(t('common.saved'));
      setVersion((n) => n + 1);
    } catch (e) {
      showError(e);
    }
  };
  const openMembers = (g: SkillGroup) => {
    setMembersOf(g);
    membersForm.setFieldsValue({ members: g.members.map((m) => ({ user_id: m.user_id, skill_level: m.skill_level })) });
  };
  const saveMembers = async () => {
    if (!membersOf) return;
    const v = await membersForm.validateFields();
    try {
      unwrap(await api.PUT('/api/v1/skill-groups/{id}/members', { params: { path: { id: membersOf.id } }, body: v.members ?? [] }));
      setMembersOf(null);
      void message.success(t('common.saved'));
      setVersion((n) => n + 1);
    } catch (e) {
      showError(e);
    }
  };
  return (
    <>
      <CrudTable<SkillGroup>
        title={t('groups.title')}
        testId="groups"
        version={version}
        fetchPage={fetchPage}
        onCreate={() => open('new')}
        onEdit={open}
        onDelete={async (g) => void unwrap(await api.DELETE('/api/v1/skill-groups/{id}', { params: { path: { id: g.id } } }))}
        extraActions={(g) => (
          <>
            <a onClick={() => openMembers(g)} data-testid={`members-${g.id}`} style={{ marginRight: 8 }}>
              {t('groups.editMembers')}
            </a>
            <a onClick={() => setSettingsOf(g)} data-testid={`queue-settings-${g.id}`}>
              {t('queueSettings.action')}
            </a>
          </>
        )}
        columns={[
          { title: t('common.name'), dataIndex: 'name' },
          { title: t('common.description'), dataIndex: 'description' },
          {
            title: t('groups.members'),
            key: 'm',
            render: (_, g) => g.members.map((m) => <Tag key={m.user_id}>{`${m.work_id} ${m.name} · ${m.skill_level}`}</Tag>),
          },
          {
            title: t('queueSettings.column'),
            key: 's',
            render: (_, g) =>
              t('queueSettings.summary', {
                strategy: t(`queueSettings.strategies.${g.settings?.strategy ?? 'longest_idle'}`),
                ring: g.settings?.ring_timeout_secs ?? 20,
              }),
          },
        ]}
      />
      <Modal open={editing !== null} title={editing === 'new' ? t('common.create') : t('common.edit')} onOk={() => void submit()} onCancel={() => setEditing(null)} forceRender okButtonProps={{ 'data-testid': 'group-save' }}>
        <Form form={form} layout="vertical">
          <Form.Item name="name" label={t('common.name')} rules={[{ required: true, whitespace: true, max: 64 }]}>
            <Input data-testid="group-name" />
          </Form.Item>
          <Form.Item name="description" label={t('common.description')} rules={[{ max: 256 }]}>
            <Input />
          </Form.Item>
        </Form>
      </Modal>
      <Modal open={membersOf !== null} title={`${t('groups.editMembers')} · ${membersOf?.name ?? ''}`} onOk={() => void saveMembers()} onCancel={() => setMembersOf(null)} forceRender width={560} okButtonProps={{ 'data-testid': 'members-save' }}>
        <Form form={membersForm} layout="vertical">
          <Form.List name="members">
            {(fields, { add, remove }) => (
              <>
                {fields.map((f) => (
                  <Space key={f.key} align="baseline">
                    <Form.Item name={[f.name, 'user_id']} rules={[{ required: true }]}>
                      <Select
                        showSearch
                        optionFilterProp="label"
                        style={{ width: 260 }}
                        placeholder={t('groups.member')}
                        data-testid={`member-user-${f.name}`}
                        options={users.map((u) => ({ value: u.id, label: `${u.work_id} ${u.name}` }))}
                      />
                    </Form.Item>
                    <Form.Item name={[f.name, 'skill_level']} rules={[{ required: true, type: 'integer', min: 1, max: 5 }]}>
                      <InputNumber min={1} max={5} addonBefore={t('groups.skillLevel')} />
                    </Form.Item>
                    <a onClick={() => remove(f.name)}>{t('common.delete')}</a>
                  </Space>
                ))}
                <Button type="dashed" onClick={() => add({ skill_level: 3 })} block data-testid="member-add">
                  {t('groups.addMember')}
                </Button>
              </>
            )}
          </Form.List>
        </Form>
      </Modal>
      <QueueSettingsModal
        group={settingsOf}
        groups={allGroups}
        onClose={() => setSettingsOf(null)}
        onSaved={() => {
          setSettingsOf(null);
          setVersion((n) => n + 1);
        }}
      />
    </>
  );
}
