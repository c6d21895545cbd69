// The live transcript (实时转文字) of the agent's call: the switch, and the entries with their
// speaker and time, partials in grey until their final replaces them. The latest four entries
// show; older ones are a scroll up.
import { useLayoutEffect, useRef, useState } from 'react';
import { Card, Empty, Switch, Tag, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import { usePhoneBar, useTranscript, useTranscriptionSwitch } from '../../cti';
import { LATEST_VISIBLE, clock } from '../../core/transcript';
import { useShowError } from '../../errors';

export default function LiveTranscript() {
  const { t } = useTranslation();
  const showError = useShowError();
  const { call } = usePhoneBar();
  const transcript = useTranscript();
  const switchTranscription = useTranscriptionSwitch();
  const [pending, setPending] = useState(false);
  const box = useRef<HTMLDivElement>(null);
  const current = !call || transcript.call === call.call;
  const entries = current ? transcript.entries : [];
  const on = !!call && current && transcript.on;

  // Size the box to the latest entries (they wrap, so measure them) and keep it at the bottom.
  useLayoutEffect(() => {
    const el = box.current;
    if (!el) return;
    const rows = Array.from(el.children) as HTMLElement[];
    const last = rows.slice(-LATEST_VISIBLE);
    el.style.maxHeight = rows.length > LATEST_VISIBLE ? `${last.reduce((h, r) => h + r.offsetHeight, 0)}px` : '';
    el.scrollTop = el.scrollHeight;
  }, [entries]);

  const toggle = async (next: boolean) => {
    if (!call) return;
    setPending(true);
    try {
      await switchTranscription(call.call, next);
    } catch (e) {
      showError(e);
    } finally {
      setPending(false);
    }
  };

  return (
    <Card
      size="small"
      style={{ marginBottom: 16 }}
      title={t('transcript.live')}
      data-testid="live-transcript"
      extra={
        <Switch
          checked={on}
          loading={pending}
          disabled={!call}
          onChange={(v) => void toggle(v)}
          aria-label={t('transcript.live')}
          data-testid="transcript-switch"
        />
      }
    >
      {entries.length === 0 ? (
        <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={on ? t('transcript.listening') : t('transcript.off')} />
      ) : (
        <div ref={box} style={{ overflowY: 'auto' }} data-testid="transcript-entries">
          {entries.map((e) => (
            <div
              key={`${e.speaker}-${e.start_ms}-${e.final ? 'f' : 'p'}`}
              style={{ padding: '2px 0' }}
              data-testid="transcript-entry"
              data-final={e.final ? 'true' : 'false'}
            >
              <Tag color={e.speaker === 'agent' ? 'blue' : 'green'}>{t(`transcript.speaker.${e.speaker}`)}</Tag>
              <Typography.Text type="secondary" style={{ marginRight: 8 }}>
                {clock(e.start_ms)}
              </Typography.Text>
              <Typography.Text type={e.final ? undefined : 'secondary'} italic={!e.final}>
                {e.text}
              </Typography.Text>
            </div>
          ))}
        </div>
      )}
    </Card>
  );
}
