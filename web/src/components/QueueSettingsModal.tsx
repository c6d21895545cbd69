// A skill group's queue settings: routing strategy, ring timeout, the service level the
// monitor measures it against (e.g. 80 % within 20 s), the longest wait and where calls go
// after it (goodbye, another group, an outside number), and the satisfaction survey after calls.
import { useEffect, useState } from 'react';
import { App as AntApp, Form, Input, InputNumber, Modal, Select, Space, Switch } from 'antd';
import { useTranslation } from 'react-i18next';
import type { Prompt, SkillGroup } from '../api/types';
import { api, unwrap } from '../core/api';
import {
  formToSettings,
  MAX_WAIT,
  RING_TIMEOUT,
  SERVICE_LEVEL_SECS,
  SERVICE_LEVEL_TARGET,
  settingsToForm,
  STRATEGIES,
  type QueueSettingsForm,
} from '../core/queueSettings';
import { useShowError } from '../errors';

export default function QueueSettingsModal({
  group,
  groups,
  onClose,
  onSaved,
}: {
  group: SkillGroup | null;
  /** Every group of the enterprise, for the overflow target. */
  groups: SkillGroup[];
  onClose: () => void;
  onSaved: () => void;
}) {
  const { t } = useTranslation();
  const { message } = AntApp.useApp();
  const showError = useShowError();
  const [form] = Form.useForm<QueueSettingsForm>();
  const limit = Form.useWatch('limit_wait', form);
  const overflow = Form.useWatch('overflow_type', form);
  const survey = Form.useWatch('survey', form);
  const [prompts, setPrompts] = useState<Prompt[]>([]);
  useEffect(() => {
    if (!group) return;
    form.resetFields();
    form.setFieldsValue(settingsToForm(group.settings));
    api.GET('/api/v1/prompts', { params: { query: { page_size: 200 } } }).then(
      (r) => setPrompts(unwrap(r).items),
      () => setPrompts([]),
    );
  }, [group, form]);
  const submit = async () => {
    if (!group) return;
    await form.validateFields();
    // All values, those of hidden fields too (an overflow target kept while the limit is off).
    const v: QueueSettingsForm = { ...settingsToForm(group.settings), ...(form.getFieldsValue(true) as Partial<QueueSettingsForm>) };
    try {
      unwrap(await api.PUT('/api/v1/skill-groups/{id}/settings', { params: { path: { id: group.id } }, body: formToSettings(v) }));
      void message.success(t('common.saved'));
      onSaved();
    } catch (e) {
      showError(e);
    }
  };
  const others = groups.filter((g) => g.id !== group?.id);
  return (
    <Modal
      open={group !== null}
      title={t('queueSettings.title', { name: group?.name ?? '' })}
      onOk={() => void submit()}
      onCancel={onClose}
      forceRender
      okButtonProps={{ 'data-testid': 'queue-settings-save' }}
    >
      <Form form={form} layout="vertical">
        <Form.Item name="strategy" label={t('queueSettings.strategy')} rules={[{ required: true }]}>
          <Select data-testid="queue-strategy" options={STRATEGIES.map((s) => ({ value: s, label: t(`queueSettings.strategies.${s}`) }))} />
        </Form.Item>
        <Form.Item
          name="ring_timeout_secs"
          label={t('queueSettings.ringTimeout')}
          extra={t('queueSettings.ringTimeoutHint')}
          rules={[{ required: true, type: 'integer', min: RING_TIMEOUT.min, max: RING_TIMEOUT.max }]}
        >
          <InputNumber min={RING_TIMEOUT.min} max={RING_TIMEOUT.max} precision={0} data-testid="queue-ring-timeout" />
        </Form.Item>
        <Form.Item label={t('supervision.serviceLevel')} extra={t('supervision.serviceLevelHint')}>
          <Space>
            <Form.Item name="service_level_target" noStyle rules={[{ required: true, type: 'integer', min: SERVICE_LEVEL_TARGET.min, max: SERVICE_LEVEL_TARGET.max }]}>
              <InputNumber min={SERVICE_LEVEL_TARGET.min} max={SERVICE_LEVEL_TARGET.max} precision={0} suffix="%" data-testid="queue-sl-target" />
            </Form.Item>
            <span>{t('supervision.within')}</span>
            <Form.Item name="service_level_secs" noStyle rules={[{ required: true, type: 'integer', min: SERVICE_LEVEL_SECS.min, max: SERVICE_LEVEL_SECS.max }]}>
              <InputNumber min={SERVICE_LEVEL_SECS.min} max={SERVICE_LEVEL_SECS.max} precision={0} suffix={t('supervision.seconds')} data-testid="queue-sl-secs" />
            </Form.Item>
          </Space>
        </Form.Item>
        <Form.Item name="limit_wait" label={t('queueSettings.limitWait')} valuePropName="checked">
          <Switch data-testid="queue-limit-wait" />
        </Form.Item>
        {limit && (
          <>
            <Form.Item
              name="max_wait_secs"
              label={t('queueSettings.maxWait')}
              rules={[{ required: true, type: 'integer', min: MAX_WAIT.min, max: MAX_WAIT.max }]}
            >
              <InputNumber min={MAX_WAIT.min} max={MAX_WAIT.max} precision={0} data-testid="queue-max-wait" />
            </Form.Item>
            <Form.Item name="overflow_type" label={t('queueSettings.overflow')} rules={[{ required: true }]}>
              <Select
                data-testid="queue-overflow"
                options={(['goodbye', 'group', 'number'] as const).map((o) => ({ value: o, label: t(`queueSettings.overflows.${o}`) }))}
              />
            </Form.Item>
            {overflow === 'group' && (
              <Form.Item name="overflow_group_id" label={t('queueSettings.overflowGroup')} rules={[{ required: true }]}>
                <Select data-testid="queue-overflow-group" options={others.map((g) => ({ value: g.id, label: g.name }))} />
              </Form.Item>
            )}
            {overflow === 'number' && (
              <Form.Item
                name="overflow_number"
                label={t('queueSettings.overflowNumber')}
                rules={[{ required: true, pattern: /^\+?[0-9]{3,32}$/, message: t('numbers.numberRule') }]}
              >
                <Input data-testid="queue-overflow-number" />
              </Form.Item>
            )}
          </>
        )}
        <Form.Item name="survey" label={t('survey.switch')} extra={t('survey.hint')} valuePropName="checked">
          <Switch data-testid="queue-survey" />
        </Form.Item>
        {survey && (
          <Form.Item name="survey_prompt_id" label={t('survey.prompt')}>
            <Select
              data-testid="queue-survey-prompt"
              options={[{ value: null, label: t('survey.builtin') }, ...prompts.map((p) => ({ value: p.id, label: p.name }))]}
            />
          </Form.Item>
        )}
      </Form>
    </Modal>
  );
}
