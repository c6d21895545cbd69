// Consult (咨询) on the call in progress: the menu that starts one (a skill group, a free
// colleague, or a number outside), the consult's state with its steps (complete the transfer, three-way call,
// cancel or drop the third party), the consulted colleague's view of it, and how the last one
// ended.
import { useState } from 'react';
import { Alert, Button, Dropdown, Input, Space, Tag } from 'antd';
import { useTranslation } from 'react-i18next';
import type { Colleague, QueueLength } from '../../api/types';
import { type ConsultStep, type ConsultTarget, usePhoneActions } from '../../cti';
import type { ActiveCall } from '../../core/presence';
import { useOpenAfter } from './useTransferTargets';
import { useShowError } from '../../errors';

const REASONS = [
  'completed',
  'cancelled',
  'party_left',
  'no_answer',
  'rejected',
  'target_busy',
  'target_offline',
  'unreachable',
  'no_trunk',
  'busy',
  'invalid_number',
  'caller_hung_up',
];

/** The consult under way (or the notice of the last one), with its steps. */
export function ConsultStatus({ call }: { call: ActiveCall }) {
  const { t } = useTranslation();
  const showError = useShowError();
  const { consultStep } = usePhoneActions();
  const [pending, setPending] = useState<ConsultStep | null>(null);
  const step = async (s: ConsultStep) => {
    setPending(s);
    try {
      await consultStep(s);
    } catch (e) {
      showError(e);
    } finally {
      setPending(null);
    }
  };
  const c = call.consult;
  if (!c) {
    const ended = call.consultEnded;
    if (!ended) return null;
    const reason = t(`consult.reasons.${REASONS.includes(ended.reason) ? ended.reason : 'failed'}`);
    return <Alert type="info" style={{ marginTop: 8 }} data-testid="consult-ended" title={t('consult.ended', { party: ended.party, reason })} />;
  }
  if (c.role === 'party') {
    return (
      <Tag color="purple" style={{ marginTop: 8 }} data-testid="consulted-by">
        {c.state === 'three_way' ? t('consult.partyThreeWay', { party: c.party }) : t('consult.from', { party: c.party })}
      </Tag>
    );
  }
  const text = c.state === 'ringing' ? 'consult.ringing' : c.state === 'three_way' ? 'consult.threeWay' : 'consult.talking';
  return (
    <Alert
      type="warning"
      style={{ marginTop: 8 }}
      data-testid="consult"
      data-state={c.state}
      title={t(text, { party: c.party })}
      action={
        <Space wrap>
          {c.state !== 'ringing' && (
            <Button size="small" type="primary" loading={pending === 'complete'} onClick={() => void step('complete')} data-testid="consult-complete">
              {t('consult.complete')}
            </Button>
          )}
          {c.state === 'talking' && (
            <Button size="small" loading={pending === 'join'} onClick={() => void step('join')} data-testid="consult-join">
              {t('consult.join')}
            </Button>
          )}
          <Button size="small" danger loading={pending === 'cancel'} onClick={() => void step('cancel')} data-testid="consult-cancel">
            {c.state === 'three_way' ? t('consult.drop', { party: c.party }) : t('consult.cancel')}
          </Button>
        </Space>
      }
    />
  );
}

/** The Consult button: a skill group (its best free member rings), a free colleague, or a
 * number outside. */
export function ConsultMenu({ colleagues, queues, refresh }: { colleagues: Colleague[]; queues: QueueLength[]; refresh: () => Promise<void> }) {
  const menuOpen = useOpenAfter(refresh);
  const { t } = useTranslation();
  const showError = useShowError();
  const { consult } = usePhoneActions();
  const [pending, setPending] = useState(false);
  const [askNumber, setAskNumber] = useState(false);
  const [number, setNumber] = useState('');
  const start = async (to: ConsultTarget) => {
    setPending(true);
    try {
      await consult(to);
      setAskNumber(false);
    } catch (e) {
      showError(e);
    } finally {
      setPending(false);
    }
  };
  const people = colleagues.map((c) => ({
    key: `agent-${c.user_id}`,
    disabled: !c.available,
    label: (
      <span data-testid={`consult-agent-${c.work_id}`}>
        {c.name || c.work_id} ({c.work_id}) {c.available ? <Tag color="green">{t('phonebar.free')}</Tag> : <Tag>{t('phonebar.notFree')}</Tag>}
      </span>
    ),
  }));
  const groups = queues.map((q) => ({
    key: `group-${q.group_id}`,
    disabled: q.idle_agents === 0,
    label: (
      <span data-testid={`consult-group-${q.group_id}`}>
        {q.name} <Tag color={q.idle_agents > 0 ? 'green' : undefined}>{t('phonebar.idleAgents', { count: q.idle_agents })}</Tag>
      </span>
    ),
  }));
  const menu = [
    ...(groups.length > 0 ? [{ type: 'group' as const, key: 'groups', label: t('consult.toGroup'), children: groups }] : []),
    ...(people.length > 0 ? [{ type: 'group' as const, key: 'people', label: t('consult.toAgent'), children: people }] : []),
    { key: 'number', label: <span data-testid="consult-number">{t('consult.toNumber')}</span> },
  ];
  const pick = (key: string) => {
    if (key === 'number') setAskNumber(true);
    else if (key.startsWith('group-')) void start({ group: Number(key.split('-')[1]) });
    else void start({ agent: Number(key.split('-')[1]) });
  };
  return (
    <>
      <Dropdown menu={{ items: menu, onClick: ({ key }) => pick(key) }} trigger={['click']} {...menuOpen}>
        <Button loading={pending} data-testid="consult-button">
          {t('consult.button')}
        </Button>
      </Dropdown>
      {askNumber && (
        <Space.Compact>
          <Input
            value={number}
            onChange={(e) => setNumber(e.target.value)}
            placeholder={t('consult.number')}
            data-testid="consult-number-input"
            onPressEnter={() => void start({ number: number.trim() })}
          />
          <Button type="primary" loading={pending} disabled={!number.trim()} onClick={() => void start({ number: number.trim() })} data-testid="consult-number-go">
            {t('consult.call')}
          </Button>
          <Button onClick={() => setAskNumber(false)}>{t('common.cancel')}</Button>
        </Space.Compact>
      )}
    </>
  );
}
