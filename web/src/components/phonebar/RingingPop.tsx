// The ringing pop (来电弹屏): who calls, which number they dialed, the group it queued in, and
// Reject (a colleague's consult says so and from whom); with browser audio also Answer (only while the audio is connected). Desk phones and
// mobiles are answered on the device itself.
import { useState } from 'react';
import { Alert, Button, Space, Tag, Tooltip } from 'antd';
import { useTranslation } from 'react-i18next';
import { usePhoneActions, usePhoneBar } from '../../cti';
import { useShowError } from '../../errors';
import { useSoftphoneState } from '../../softphone';
import CallAbout from './CallAbout';

export default function RingingPop() {
  const { t } = useTranslation();
  const showError = useShowError();
  const { offer, presence, returned } = usePhoneBar();
  const { callAction } = usePhoneActions();
  const [pending, setPending] = useState(false);
  const audio = useSoftphoneState();
  const act = async (action: 'answer' | 'reject') => {
    setPending(true);
    try {
      // Without an offer (a reload while ringing) the server takes the agent's ringing call.
      await callAction(action, offer?.call);
    } catch (e) {
      showError(e);
    } finally {
      setPending(false);
    }
  };
  const device = presence?.device ?? 'desk_phone';
  const hint = offer?.auto_answer
    ? t('phonebar.autoAnswering')
    : device === 'mobile'
      ? t('phonebar.answerOnMobile')
      : device === 'desk_phone'
        ? t('phonebar.answerOnDesk')
        : null;
  return (
    <Alert
      type="warning"
      showIcon
      style={{ marginBottom: 16 }}
      data-testid="ringing-pop"
      title={
        <span style={{ fontSize: 16 }}>
          {t('phonebar.ringing')}: <strong data-testid="ringing-caller">{offer?.caller || t('phonebar.unknownCaller')}</strong>
          {offer?.transferred_by != null && (
            <Tag color="blue" style={{ marginLeft: 8 }} data-testid="ringing-transferred">
              {t('phonebar.transferredFrom', { party: offer.transferred_from ?? '' })}
            </Tag>
          )}
          {offer && returned?.call === offer.call && (
            <Tag color="orange" style={{ marginLeft: 8 }} data-testid="ringing-returned">
              {t('phonebar.returnedFrom', { party: returned.party })}
            </Tag>
          )}
          {offer?.consult_by != null && (
            <Tag color="purple" style={{ marginLeft: 8 }} data-testid="ringing-consult">
              {t('consult.from', { party: offer.consult_from ?? '' })}
            </Tag>
          )}
        </span>
      }
      description={
        <>
          {offer && <CallAbout prefix="ringing" number={offer.caller} offer={offer} />}
          {hint && <div data-testid="ringing-hint">{hint}</div>}
        </>
      }
      action={
        <Space orientation="vertical">
          {device === 'browser' && (
            <Tooltip title={audio.state === 'connected' ? undefined : t('phonebar.answerAudioDown')}>
              <Button
                type="primary"
                loading={pending}
                disabled={audio.state !== 'connected'}
                onClick={() => void act('answer')}
                data-testid="answer-call"
              >
                {t('phonebar.answer')}
              </Button>
            </Tooltip>
          )}
          <Button danger loading={pending} onClick={() => void act('reject')} data-testid="reject-call">
            {t('phonebar.reject')}
          </Button>
        </Space>
      }
    />
  );
}
