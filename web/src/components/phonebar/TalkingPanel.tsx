// The call in progress: who it is (the pop's details), the talk timer, mute (browser audio),
// hold and resume (the customer hears music, the agent silence), blind transfer to one of the
// agent's skill groups, and Hang up.
import { useState } from 'react';
import { Alert, Button, Dropdown, Space, Tag } from 'antd';
import { useTranslation } from 'react-i18next';
import { type CallAction, usePhoneActions, usePhoneBar } from '../../cti';
import { useShowError } from '../../errors';
import { MuteButton } from './AudioControls';
import CallDetails from './CallDetails';
import CustomerCard from '../customers/CustomerCard';
import { LiveTimer } from './status';

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
  const transferTo = async (groupId: number) => {
    setPending('transfer');
    try {
      await transfer(groupId);
    } catch (e) {
      showError(e);
    } finally {
      setPending(null);
    }
  };
  const groups = queues.map((q) => ({
    key: String(q.group_id),
    label: (
      <span data-testid={`transfer-to-${q.group_id}`}>
        {q.name} <Tag>{t('phonebar.idleAgents', { count: q.idle_agents })}</Tag>
      </span>
    ),
  }));
  return (
    <Alert
      type="info"
      showIcon
      style={{ marginBottom: 16 }}
      data-testid="talking"
      title={
        <span style={{ fontSize: 16 }}>
          {t('phonebar.talking')}: <strong data-testid="talking-caller">{call?.caller || t('phonebar.unknownCaller')}</strong>{' '}
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
            <CallDetails prefix="talking" number={call.caller} offer={call.offer} />
            <CustomerCard prefix="talking" number={call.caller} />
          </>
        )
      }
      action={
        <Space orientation="vertical">
          {presence?.device === 'browser' && <MuteButton testId="talking-mute" />}
          {held ? (
            <Button loading={pending === 'resume'} onClick={() => void act('resume')} data-testid="resume">
              {t('phonebar.resume')}
            </Button>
          ) : (
            <Button loading={pending === 'hold'} onClick={() => void act('hold')} data-testid="hold">
              {t('phonebar.hold')}
            </Button>
          )}
          {call?.offer && groups.length > 0 && (
            <Dropdown
              menu={{ items: groups, onClick: ({ key }) => void transferTo(Number(key)) }}
              trigger={['click']}
            >
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
