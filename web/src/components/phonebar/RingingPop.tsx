// The ringing pop (来电弹屏): who calls, which number they dialed, the group it queued in, and
// Reject. Desk phones and mobiles are answered on the device itself.
import { useState } from 'react';
import { Alert, Button, Descriptions, Space } from 'antd';
import { useTranslation } from 'react-i18next';
import { usePhoneActions, usePhoneBar } from '../../cti';
import { useShowError } from '../../errors';

export default function RingingPop() {
  const { t } = useTranslation();
  const showError = useShowError();
  const { offer, presence } = usePhoneBar();
  const { callAction } = usePhoneActions();
  const [pending, setPending] = useState(false);
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
        </span>
      }
      description={
        <>
          {offer && (
            <Descriptions size="small" column={2} style={{ marginTop: 4 }}>
              <Descriptions.Item label={t('phonebar.dialed')}>
                <span data-testid="ringing-dialed">{offer.enterprise_number}</span>
              </Descriptions.Item>
              <Descriptions.Item label={t('phonebar.group')}>
                <span data-testid="ringing-group">{offer.group_name}</span>
              </Descriptions.Item>
            </Descriptions>
          )}
          {hint && <div data-testid="ringing-hint">{hint}</div>}
        </>
      }
      action={
        <Space orientation="vertical">
          {device === 'browser' && (
            <Button type="primary" loading={pending} onClick={() => void act('answer')} data-testid="answer-call">
              {t('phonebar.answer')}
            </Button>
          )}
          <Button danger loading={pending} onClick={() => void act('reject')} data-testid="reject-call">
            {t('phonebar.reject')}
          </Button>
        </Space>
      }
    />
  );
}
