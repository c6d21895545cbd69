// The call in progress: who it is (the pop's details), the talk timer, mute (browser audio),
// hold and resume (the customer hears music, the agent silence), blind transfer to one of the
// agent's skill groups or a signed-in colleague, consult and three-way calls, notes on the
// call, the keypad, and Hang up.
import { useState } from 'react';
import { Alert, Button, Dropdown, Input, Space, Tag } from 'antd';
import { useTranslation } from 'react-i18next';
import { type CallAction, type TransferTarget, usePhoneActions, usePhoneBar } from '../../cti';
import { useShowError } from '../../errors';
import { MuteButton } from './AudioControls';
import CallNotes from './CallNotes';
import { LiveTimer } from './status';
import { ConsultMenu, ConsultStatus } from './ConsultControls';
import { SupervisingStatus } from '../supervision/StepIn';
import Keypad from './Keypad';
import { useOpenAfter, useTransferTargets } from './useTransferTargets';
import { useCallRecord } from './useCallRecord';
import CallAbout from './CallAbout';

export default function TalkingPanel() {
  const { t } = useTranslation();
  const showError = useShowError();
  const { call, presence, clockOffset, queues } = usePhoneBar();
  const { callAction, transfer } = usePhoneActions();
  const [pending, setPending] = useState<CallAction | 'transfer' | null>(null);
  const act = async (action: CallAction) => {
    setPending(action);
    try {
      await callAction(action, call?.call);
    } catch (e) {
      showError(e);
    } finally {
      setPending(null);
    }
  };
  const held = call?.heldSince != null;
  // A call the agent placed rings the customer: until they answer it can only be hung up.
  const dialing = call?.dialing === true;
  // While a consult runs the agent steers it; a consulted colleague only talks (and may leave).
  const consulting = dialing || call?.consult != null || call?.supervising != null;
  // The agent's own call with a customer (taken from a queue, or placed and answered), not one
  // they supervise: it can be transferred, consulted on and noted.
  const own = call != null && call.supervising == null && !dialing;
  const { colleagues, entries, refresh } = useTransferTargets(call?.call, own && !consulting);
  const transferMenu = useOpenAfter(refresh);
  useCallRecord(call?.call, own);
  const [askNumber, setAskNumber] = useState(false);
  const [number, setNumber] = useState('');
  const transferTo = async (to: TransferTarget) => {
    setPending('transfer');
    try {
      await transfer(to);
    } catch (e) {
      showError(e);
    } finally {
      setPending(null);
    }
  };
  const groups = queues.map((q) => ({
    key: `group-${q.group_id}`,
    label: (
      <span data-testid={`transfer-to-${q.group_id}`}>
        {q.name} <Tag>{t('phonebar.idleAgents', { count: q.idle_agents })}</Tag>
      </span>
    ),
  }));
  const people = colleagues.map((c) => ({
    key: `agent-${c.user_id}`,
    disabled: !c.available,
    label: (
      <span data-testid={`transfer-to-agent-${c.work_id}`}>
        {c.name || c.work_id} ({c.work_id}) {c.available ? <Tag color="green">{t('phonebar.free')}</Tag> : <Tag>{t('phonebar.notFree')}</Tag>}
      </span>
    ),
  }));
  const flows = entries.map((e) => ({
    key: `ivr-${e.number}`,
    label: <span data-testid={`transfer-to-ivr-${e.number}`}>{e.description ? `${e.description} (${e.number})` : e.number}</span>,
  }));
  const menu = [
    ...(groups.length > 0 ? [{ type: 'group' as const, key: 'groups', label: t('phonebar.transferTo'), children: groups }] : []),
    ...(people.length > 0 ? [{ type: 'group' as const, key: 'people', label: t('phonebar.transferToAgent'), children: people }] : []),
    ...(flows.length > 0 ? [{ type: 'group' as const, key: 'flows', label: t('phonebar.transferToIvr'), children: flows }] : []),
    { key: 'number', label: <span data-testid="transfer-to-number">{t('phonebar.transferToNumber')}</span> },
  ];
  const pick = (key: string) => {
    if (key === 'number') {
      setAskNumber(true);
      return;
    }
    const [kind, id] = key.split('-');
    void transferTo(kind === 'group' ? { group: Number(id) } : kind === 'ivr' ? { ivr: id } : { agent: Number(id) });
  };
  return (
    <Alert
      type="info"
      showIcon
      style={{ marginBottom: 16 }}
      data-testid="talking"
      data-dialing={dialing || undefined}
      title={
        <span style={{ fontSize: 16 }}>
          {t(dialing ? 'phonebar.calling' : 'phonebar.talking')}: <strong data-testid="talking-caller">{call?.caller || t('phonebar.unknownCaller')}</strong>{' '}
          {call?.campaign && (
            <Tag color="blue" data-testid="talking-campaign">
              {call.campaign.name} · {call.campaign.customer}
            </Tag>
          )}
          <LiveTimer since={presence?.since} offset={clockOffset} testId="talk-timer" />
          {held && (
            <Tag color="orange" style={{ marginLeft: 8 }} data-testid="on-hold">
              {t('phonebar.onHold')} <LiveTimer since={call?.heldSince ?? undefined} offset={clockOffset} testId="hold-timer" />
            </Tag>
          )}
        </span>
      }
      description={
        call && (
          <>
            <CallAbout prefix="talking" number={call.caller} offer={call.offer} />
            {askNumber && (
              <Space.Compact style={{ marginTop: 8 }}>
                <Input
                  value={number}
                  onChange={(e) => setNumber(e.target.value)}
                  placeholder={t('phonebar.transferNumber')}
                  data-testid="transfer-number-input"
                  onPressEnter={() => void transferTo({ number: number.trim() })}
                />
                <Button type="primary" loading={pending === 'transfer'} disabled={!number.trim()} onClick={() => void transferTo({ number: number.trim() })} data-testid="transfer-number-go">
                  {t('phonebar.transfer')}
                </Button>
                <Button onClick={() => setAskNumber(false)}>{t('common.cancel')}</Button>
              </Space.Compact>
            )}
            <ConsultStatus call={call} />
            {call.supervising && <SupervisingStatus agent={call.supervising.agent} agentName={call.supervising.agentName} step={call.supervising.step} />}
            {own && <CallNotes call={call.call} record={call.record} caller={call.caller} live />}
          </>
        )
      }
      action={
        <Space orientation="vertical">
          {presence?.device === 'browser' && <MuteButton testId="talking-mute" />}
          {consulting ? null : held ? (
            <Button loading={pending === 'resume'} onClick={() => void act('resume')} data-testid="resume">
              {t('phonebar.resume')}
            </Button>
          ) : (
            <Button loading={pending === 'hold'} onClick={() => void act('hold')} data-testid="hold">
              {t('phonebar.hold')}
            </Button>
          )}
          {!consulting && <Keypad />}
          {own && !consulting && <ConsultMenu colleagues={colleagues} queues={queues} refresh={refresh} />}
          {own && !consulting && menu.length > 0 && (
            <Dropdown menu={{ items: menu, onClick: ({ key }) => pick(key) }} trigger={['click']} {...transferMenu}>
              <Button loading={pending === 'transfer'} title={t('phonebar.transferTo')} data-testid="transfer">
                {t('phonebar.transfer')}
              </Button>
            </Dropdown>
          )}
          <Button danger type="primary" loading={pending === 'hangup'} onClick={() => void act('hangup')} data-testid="hangup">
            {t('phonebar.hangup')}
          </Button>
        </Space>
      }
    />
  );
}
