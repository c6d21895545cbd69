// The phone bar (电话条): sign in and out (and custom statuses), the audio mode (browser audio,
// mobile callback, desk phone) and with browser audio its state, mute and settings; idle or busy,
// the status with its live timer, auto-answer, the agent's skill groups, today's figures and
// queue lengths; the ringing, talking and ended pops.
import { useEffect, useState } from 'react';
import { Alert, App as AntApp, Button, Card, Flex, Radio, Select, Space, Switch, Tag, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import type { AgentDevice, PresenceChange } from '../../api/types';
import { useAuth } from '../../auth';
import { canSetPhone, statusKey } from '../../core/presence';
import { useCtiDispatch, usePhoneActions, usePhoneBar, useTranscript } from '../../cti';
import { useShowError } from '../../errors';
import { askNotificationPermission } from '../../ringAlerts';
import { useSoftphoneState } from '../../softphone';
import { useNow } from '../../useNow';
import { AudioIndicator, AudioSettings, MODE_KEY, ModeSwitch, MuteButton, savedMode } from './AudioControls';
import EndedPop from './EndedPop';
import LiveTranscript from './LiveTranscript';
import QueuePanel from './QueuePanel';
import RingingPop from './RingingPop';
import TalkingPanel from './TalkingPanel';
import TodayFigures from './TodayFigures';
import { LiveTimer, StatusTag, useCustomStatuses, useStatusLabel } from './status';
import { storage } from '../../storage';

const OFFER_END_REASONS = ['ring_timeout', 'rejected', 'caller_hung_up', 'agent_left', 'device_failed'];
// A colleague's, then a number outside's (the carrier's answer, or no trunk).
const RETURN_REASONS = [
  'ring_timeout',
  'rejected',
  'no_answer',
  'device_failed',
  'agent_left',
  'busy',
  'invalid_number',
  'unreachable',
  'no_trunk',
  'trunk_down',
  'temporarily_unavailable',
  'powered_off',
  'suspended',
  'network_error',
];

function AfterCallWorkLeft({ until, offset }: { until: number; offset: number }) {
  const { t } = useTranslation();
  const now = useNow();
  const seconds = Math.max(0, Math.ceil((until - now - offset) / 1000));
  return <Typography.Text type="secondary">{t('phonebar.acwLeft', { seconds })}</Typography.Text>;
}

export default function PhoneBar() {
  const { t } = useTranslation();
  const { message } = AntApp.useApp();
  const { events, me } = useAuth();
  const showError = useShowError();
  const state = usePhoneBar();
  const dispatch = useCtiDispatch();
  const transcript = useTranscript();
  const actions = usePhoneActions();
  const statuses = useCustomStatuses();
  const label = useStatusLabel(statuses);
  const [pending, setPending] = useState(false);
  const p = state.presence;
  const key = statusKey(p);
  const signedIn = key !== 'offline';
  const audio = useSoftphoneState();
  const [chosenMode, setChosenMode] = useState<AgentDevice | null>(savedMode);
  const mode: AgentDevice = (signedIn ? p?.device : null) ?? chosenMode ?? 'desk_phone';
  const browserAudio = signedIn && p?.device === 'browser';
  // With browser audio, calls cannot be heard until the audio is connected: say so in red.
  const audioDown = browserAudio && audio.state !== 'connected';

  // Why an offer ended, once per offer.
  const ended = state.lastOfferEnd;
  useEffect(() => {
    if (!ended) return;
    void message.info(t(`phonebar.offerEnded.${OFFER_END_REASONS.includes(ended.reason) ? ended.reason : 'other'}`));
  }, [ended, message, t]);
  useEffect(
    () =>
      events.subscribe((ev) => {
        if (ev.type === 'device_unbound') {
          const device = t(`phonebar.devices.${ev.device}`, { defaultValue: ev.device });
          void message.warning(t('phonebar.deviceUnbound', { device }));
        }
        if (ev.type === 'transfer_returned') {
          const why = t(`phonebar.returnReasons.${RETURN_REASONS.includes(ev.reason) ? ev.reason : 'other'}`);
          void message.warning(t('phonebar.transferReturned', { party: ev.colleague_name, why }));
        }
      }),
    [events, message, t],
  );

  const change = async (c: PresenceChange) => {
    setPending(true);
    try {
      await actions.changePresence(c);
    } catch (e) {
      showError(e);
    } finally {
      setPending(false);
    }
  };

  const switchMode = (d: AgentDevice) => {
    storage.set(MODE_KEY, d);
    setChosenMode(d);
    if (signedIn) void change({ device: d });
  };
  const signIn = () => {
    askNotificationPermission();
    void change(chosenMode ? { login: 'online', device: chosenMode } : { login: 'online' });
  };

  const enabledStatuses = statuses.filter((s) => s.enabled || s.id === p?.custom_status_id);
  const loginValue = p?.login === 'custom' && p.custom_status_id != null ? `custom:${p.custom_status_id}` : 'online';
  const phoneValue = p?.login === 'online' && (p.phone === 'idle' || p.phone === 'busy') ? p.phone : undefined;

  return (
    <Card title={t('phonebar.title')} data-testid="phone-bar" styles={{ body: { paddingTop: 12 } }}>
      <Flex wrap gap="middle" align="center" style={{ marginBottom: 16 }}>
        {signedIn ? (
          <Button danger loading={pending} onClick={() => void change({ login: 'offline' })} data-testid="sign-out">
            {t('phonebar.signOut')}
          </Button>
        ) : (
          <Button type="primary" loading={pending} disabled={!p} onClick={signIn} data-testid="sign-in">
            {t('phonebar.signIn')}
          </Button>
        )}
        {signedIn && enabledStatuses.length > 0 && (
          <Select
            aria-label={t('phonebar.loginStatus')}
            data-testid="login-status"
            style={{ minWidth: 140 }}
            value={loginValue}
            disabled={pending}
            onChange={(v: string) =>
              void change(v === 'online' ? { login: 'online' } : { login: 'custom', custom_status_id: Number(v.slice('custom:'.length)) })
            }
            options={[
              { value: 'online', label: t('phonebar.online') },
              ...enabledStatuses.map((s) => ({ value: `custom:${s.id}`, label: s.name })),
            ]}
          />
        )}
        <Radio.Group
          aria-label={t('phonebar.phoneStatus')}
          optionType="button"
          buttonStyle="solid"
          value={phoneValue}
          disabled={pending || !canSetPhone(p)}
          onChange={(e) => void change({ phone: e.target.value as 'idle' | 'busy' })}
        >
          {/* The test ids sit on the labels: the radio inputs themselves are hidden. */}
          <Radio.Button value="idle">
            <span data-testid="phone-idle">{t('phonebar.idle')}</span>
          </Radio.Button>
          <Radio.Button value="busy">
            <span data-testid="phone-busy">{t('phonebar.busy')}</span>
          </Radio.Button>
        </Radio.Group>
        <Space size="small">
          <StatusTag presence={p} label={label(p)} testId="phone-status" color={audioDown ? 'red' : undefined} />
          <Typography.Text type="secondary">{t('phonebar.timer')}</Typography.Text>
          <Typography.Text strong style={{ fontSize: 16 }}>
            <LiveTimer since={signedIn ? p?.since : null} offset={state.clockOffset} testId="status-timer" />
          </Typography.Text>
          {p?.phone === 'after_call_work' && p.after_call_work_until != null && (
            <AfterCallWorkLeft until={p.after_call_work_until} offset={state.clockOffset} />
          )}
        </Space>
        <Space size="small">
          <Typography.Text>{t('phonebar.autoAnswer')}</Typography.Text>
          <Switch
            size="small"
            checked={!!p?.auto_answer}
            disabled={!p || pending}
            onChange={(on) => void change({ auto_answer: on })}
            data-testid="auto-answer"
          />
        </Space>
      </Flex>
      {!signedIn && state.restartedAt !== null && (
        <Alert
          type="warning"
          showIcon
          closable
          onClose={() => dispatch({ type: 'dismiss_restart' })}
          style={{ marginBottom: 12 }}
          data-testid="restart-notice"
          message={t('phonebar.restarted', { time: new Date(state.restartedAt).toLocaleTimeString() })}
          description={t('phonebar.restartedHint')}
        />
      )}
      {signedIn && p?.phone === 'busy' && p.busy_reason && (
        <Alert
          type="warning"
          showIcon
          style={{ marginBottom: 12 }}
          data-testid="busy-reason"
          data-reason={p.busy_reason}
          message={t(`phonebar.busyReasons.${p.busy_reason}`)}
          description={t('phonebar.busyReasonHint')}
        />
      )}
      <Flex wrap gap="middle" align="center" style={{ marginBottom: 16 }} data-testid="audio-bar">
        <Typography.Text type="secondary">{t('phonebar.audioMode')}</Typography.Text>
        <ModeSwitch value={mode} disabled={pending || !p || p.phone === 'ringing' || p.phone === 'talking'} onChange={switchMode} />
        {browserAudio && <AudioIndicator />}
        {browserAudio && <MuteButton />}
        <AudioSettings />
        {me && me.skill_groups.length > 0 && (
          <Space size={4} wrap data-testid="phonebar-groups">
            <Typography.Text type="secondary">{t('phonebar.groups')}</Typography.Text>
            {me.skill_groups.map((g) => (
              <Tag key={g.id} color="blue">
                {g.name}
              </Tag>
            ))}
          </Space>
        )}
      </Flex>
      {!signedIn && p && (
        <Typography.Paragraph type="secondary" style={{ marginTop: -8 }}>
          {t('phonebar.signedOutHint')}
        </Typography.Paragraph>
      )}
      {(key === 'ringing' || state.offer) && <RingingPop />}
      {/* A colleague's consult rings while the ACD already counts the agent on it. */}
      {key === 'talking' && !(state.offer && !state.call) && <TalkingPanel />}
      {key !== 'ringing' && key !== 'talking' && !state.offer && <EndedPop />}
      {/* During the call, and after it while the agent wraps up and the words are still there. */}
      {(key === 'talking' || (key === 'after_call_work' && transcript.entries.length > 0)) && <LiveTranscript />}
      <Flex wrap gap="large" justify="space-between" align="flex-start">
        <TodayFigures />
        <QueuePanel />
      </Flex>
    </Card>
  );
}
