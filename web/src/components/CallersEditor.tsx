// Who may show an enterprise number as caller ID when dialing (外显号码授权): agents and skill
// groups; nobody named means every agent.
import { useEffect, useState } from 'react';
import { App as AntApp, Form, Modal, Select, Spin, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import type { EnterpriseNumber, SkillGroup, User } from '../api/types';
import { api, unwrap } from '../core/api';
import { useShowError } from '../errors';

export default function CallersEditor({ number, onClose }: { number: EnterpriseNumber | null; onClose: () => void }) {
  const { t } = useTranslation();
  const { message } = AntApp.useApp();
  const showError = useShowError();
  const [users, setUsers] = useState<User[]>([]);
  const [groups, setGroups] = useState<SkillGroup[]>([]);
  const [userIds, setUserIds] = useState<number[]>([]);
  const [groupIds, setGroupIds] = useState<number[]>([]);
  const [saving, setSaving] = useState(false);
  // The form shows once the number's callers are in: a choice made before would be overwritten.
  const [loaded, setLoaded] = useState<number | null>(null);
  useEffect(() => {
    if (!number) return;
    const path = { params: { path: { id: number.id } } };
    Promise.all([
      api.GET('/api/v1/users', { params: { query: { page_size: 200 } } }),
      api.GET('/api/v1/skill-groups', { params: { query: { page_size: 200 } } }),
      api.GET('/api/v1/numbers/{id}/callers', path),
    ])
      .then(([u, g, c]) => {
        setUsers(unwrap(u).items);
        setGroups(unwrap(g).items);
        const callers = unwrap(c);
        setUserIds(callers.user_ids ?? []);
        setGroupIds(callers.group_ids ?? []);
        setLoaded(number.id);
      })
      .catch(showError);
  }, [number, showError]);
  const save = async () => {
    if (!number) return;
    setSaving(true);
    try {
      unwrap(await api.PUT('/api/v1/numbers/{id}/callers', { params: { path: { id: number.id } }, body: { user_ids: userIds, group_ids: groupIds } }));
      void message.success(t('common.saved'));
      onClose();
    } catch (e) {
      showError(e);
    } finally {
      setSaving(false);
    }
  };
  return (
    <Modal open={number !== null} title={t('numbers.callersOf', { number: number?.number ?? '' })} onOk={() => void save()} onCancel={onClose} confirmLoading={saving} okButtonProps={{ 'data-testid': 'callers-save', disabled: loaded !== number?.id }}>
      <Typography.Paragraph type="secondary">{t('numbers.callersHint')}</Typography.Paragraph>
      {loaded !== number?.id ? (
        <Spin />
      ) : (
        <Form layout="vertical">
          <Form.Item label={t('nav.skillGroups')}>
            <Select mode="multiple" value={groupIds} onChange={setGroupIds} data-testid="callers-groups" options={groups.map((g) => ({ value: g.id, label: g.name }))} />
          </Form.Item>
          <Form.Item label={t('numbers.callerAgents')}>
            <Select
              mode="multiple"
              value={userIds}
              onChange={setUserIds}
              data-testid="callers-users"
              optionFilterProp="label"
              options={users.map((u) => ({ value: u.id, label: `${u.name} (${u.work_id})` }))}
            />
          </Form.Item>
        </Form>
      )}
    </Modal>
  );
}
