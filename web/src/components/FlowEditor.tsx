// An enterprise number's IVR flow as JSON: pre-filled with the stored flow (or a template),
// checked by the server on save; every problem it finds is listed by step and field.
import { useEffect, useState } from 'react';
import { Alert, App as AntApp, Button, Input, Modal, Space, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import type { EnterpriseNumber, Prompt, SkillGroup } from '../api/types';
import { useAuth } from '../auth';
import { api, ApiFailure, unwrap } from '../core/api';
import { BUILTIN_PROMPTS, flowProblems, flowTemplate, flowText, parseFlowText, STEP_TYPES } from '../core/flow';
import { useErrorText } from '../errors';

export default function FlowEditor({ number, onClose, onSaved }: { number: EnterpriseNumber | null; onClose: () => void; onSaved: () => void }) {
  const { t } = useTranslation();
  const { message } = AntApp.useApp();
  const { me } = useAuth();
  const errorText = useErrorText();
  const [text, setText] = useState('');
  const [problems, setProblems] = useState<string[]>([]);
  const [saving, setSaving] = useState(false);
  const [groups, setGroups] = useState<SkillGroup[]>([]);
  /** The admin edited the text: a late list of groups must not replace it with the template. */
  const [touched, setTouched] = useState(false);
  const canListGroups = !!me?.permissions.includes('manage_users');
  /** The enterprise's uploaded prompts, so the admin sees which `{"file": ID}` to write. */
  const [files, setFiles] = useState<Prompt[] | null>(null);

  useEffect(() => {
    if (!number || !canListGroups) return;
    api.GET('/api/v1/skill-groups', { params: { query: { page_size: 200 } } }).then(
      (r) => setGroups(unwrap(r).items),
      () => setGroups([]),
    );
  }, [number, canListGroups]);
  useEffect(() => {
    if (!number) return;
    api.GET('/api/v1/prompts', { params: { query: { page_size: 200 } } }).then(
      (r) => setFiles(unwrap(r).items),
      () => setFiles(null),
    );
  }, [number]);
  useEffect(() => {
    if (!number) return;
    setProblems([]);
    setTouched(false);
    setText(number.flow ? flowText(number.flow) : '');
  }, [number]);
  // A number without a flow starts from the template, with the group ids once they are known.
  useEffect(() => {
    if (number && !number.flow && !touched) setText(flowText(flowTemplate(groups.map((g) => g.id))));
  }, [number, groups, touched]);

  const save = async () => {
    if (!number) return;
    const parsed = parseFlowText(text);
    if (!parsed.ok) {
      setProblems([t('flow.jsonError', { message: parsed.error })]);
      return;
    }
    setSaving(true);
    setProblems([]);
    try {
      unwrap(await api.PUT('/api/v1/numbers/{id}/flow', { params: { path: { id: number.id } }, body: { flow: parsed.flow as Record<string, never> | null } }));
      void message.success(parsed.flow ? t('common.saved') : t('flow.removed'));
      onSaved();
    } catch (e) {
      if (e instanceof ApiFailure && e.code === 'invalid_flow') setProblems(flowProblems(e.details, e.message));
      else setProblems([errorText(e)]);
    } finally {
      setSaving(false);
    }
  };

  return (
    <Modal
      open={number !== null}
      title={t('flow.title', { number: number?.number ?? '' })}
      onCancel={onClose}
      width={820}
      destroyOnHidden
      footer={
        <Space>
          <Button onClick={() => setText(flowText(flowTemplate(groups.map((g) => g.id))))} data-testid="flow-template">
            {t('flow.template')}
          </Button>
          <Button onClick={onClose}>{t('common.cancel')}</Button>
          <Button type="primary" loading={saving} onClick={() => void save()} data-testid="flow-save">
            {t('common.save')}
          </Button>
        </Space>
      }
    >
      {number && number.service !== 'ivr' && <Alert type="info" showIcon title={t('flow.notIvr')} style={{ marginBottom: 12 }} />}
      <Typography.Paragraph type="secondary" style={{ marginBottom: 8 }}>
        {t('flow.hint', { types: STEP_TYPES.join(', '), prompts: BUILTIN_PROMPTS.join(', ') })}
        {groups.length > 0 && (
          <>
            <br />
            {t('flow.groups', { groups: groups.map((g) => `${g.name} = ${g.id}`).join(', ') })}
          </>
        )}
        {files && (
          <>
            <br />
            <span data-testid="flow-files">
              {files.length > 0 ? t('flow.files', { files: files.map((f) => `${f.name} = ${f.id}`).join(', ') }) : t('flow.noFiles')}
            </span>
          </>
        )}
        <br />
        {t('flow.emptyRemoves')}
      </Typography.Paragraph>
      <Input.TextArea
        value={text}
        onChange={(e) => {
          setTouched(true);
          setText(e.target.value);
        }}
        autoSize={{ minRows: 14, maxRows: 20 }}
        spellCheck={false}
        style={{ fontFamily: 'ui-monospace, SFMono-Regular, Menlo, Consolas, monospace', fontSize: 13 }}
        aria-label={t('flow.action')}
        data-testid="flow-json"
      />
      {problems.length > 0 && (
        <Alert
          type="error"
          showIcon
          style={{ marginTop: 12 }}
          data-testid="flow-problems"
          title={t('flow.problems', { count: problems.length })}
          description={
            <ul style={{ margin: 0, paddingLeft: 20 }}>
              {problems.map((p, i) => (
                <li key={i} data-testid="flow-problem">
                  {p}
                </li>
              ))}
            </ul>
          }
        />
      )}
    </Modal>
  );
}
