// The call in progress: who it is (the pop's details), the talk timer, mute (browser audio) and
// Hang up.
import { useState } from 'react';
import { Alert, Button, Space } from 'antd';
import { useTranslation } from 'react-i18next';
import { usePhoneActions, usePhoneBar } from '../../cti';
import { useShowError } from '../../errors';
import { MuteButton } from './AudioControls';
import CallDetails from './CallDetails';
import { LiveTimer } from './status';

export default function TalkingPanel() {
  const { t } = useTranslation();
  const showError = useShowError();
  const { call, presence, clockOffset } = usePhoneBar();
  const { callAction } = usePhoneActions();
  const [pending, setPending] = useState(false);
  const hangup = async () => {
    setPending(true);
    try {
      await callAction('hangup', call?.call);
    } catch (e) {
      showError(e);
    } finally {
      setPending(false);
    }
  };
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
        </span>
      }
      description={call && <CallDetails prefix="talking" number={call.caller} offer={call.offer} />}
      action={
        <Space orientation="vertical">
          {presence?.device === 'browser' && <MuteButton testId="talking-mute" />}
          <Button danger type="primary" loading={pending} onClick={() => void hangup()} data-testid="hangup">
            {t('phonebar.hangup')}
          </Button>
        </Space>
      }
    />
  );
}
