// The ended pop: the call that just ended, with its details, until the next call or closed.
import { Alert, Button } from 'antd';
import { useTranslation } from 'react-i18next';
import { useCtiDispatch, usePhoneBar } from '../../cti';
import CallNotes from './CallNotes';
import CallAbout from './CallAbout';

export default function EndedPop() {
  const { t } = useTranslation();
  const { ended } = usePhoneBar();
  const dispatch = useCtiDispatch();
  if (!ended) return null;
  return (
    <Alert
      type="success"
      style={{ marginBottom: 16 }}
      data-testid="ended-pop"
      title={
        <span>
          {t('phonebar.ended')}: <strong data-testid="ended-caller">{ended.caller || t('phonebar.unknownCaller')}</strong>{' '}
          <span style={{ color: 'rgba(0,0,0,0.45)' }}>{new Date(ended.endedAt).toLocaleTimeString()}</span>
        </span>
      }
      description={
        <>
          <CallAbout prefix="ended" number={ended.caller} offer={ended.offer} />
          {ended.record != null && ended.supervising == null && <CallNotes call={ended.call} record={ended.record} caller={ended.caller} live={false} />}
        </>
      }
      action={
        <Button size="small" onClick={() => dispatch({ type: 'dismiss_ended' })} data-testid="ended-close">
          {t('phonebar.close')}
        </Button>
      }
    />
  );
}
