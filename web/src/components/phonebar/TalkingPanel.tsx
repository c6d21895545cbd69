// The call in progress: who it is (the pop's details), the talk timer, mute (browser audio),
// hold and resume (the customer hears music, the agent silence) and Hang up.
import { useState } from 'react';
import { Alert, Button, Space, Tag } from 'antd';
import { useTranslation } from 'react-i18next';
import { type CallAction, usePhoneActions, usePhoneBar } from '../../cti';
import { useShowError } from '../../errors';
import { MuteButton } from './AudioControls';
import CallDetails from './CallDetails';
import { LiveTimer } from './status';

export default function TalkingPanel() {
  const { t } = useTranslation();
  const showError = useShowError();
  const { call, presence, clockOffset } = usePhoneBar();
  const { callAction } = usePhoneActions();
  const [pending, setPending] = useState<CallAction | null>(null);
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
      description={call && <CallDetails prefix="talking" number={call.caller} offer={call.offer} />}
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
          <Button danger type="primary" loading={pending === 'hangup'} onClick={() => void act('hangup')} data-testid="hangup">
            {t('phonebar.hangup')}
          </Button>
        </Space>
      }
    />
  );
}
