// Audio on the phone bar: the audio mode (browser / mobile callback / desk phone), and with
// browser audio its state, mute, and a settings popover (microphone, speaker, microphone test).
import { useEffect, useRef, useState, useSyncExternalStore } from 'react';
import { Button, Popover, Progress, Segmented, Select, Space, Tag, Tooltip, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import type { AgentDevice } from '../../api/types';
import { audioUnlocked, levelMeter, subscribeAudioUnlocked } from '../../audio';
import { micConstraints, smoothLevel, type AudioState } from '../../core/softphone';
import { INPUT_KEY, OUTPUT_KEY, useSoftphone, useSoftphoneState } from '../../softphone';
import { storage } from '../../storage';

export const MODE_KEY = 'patchbay.audioMode';
export const MODES: AgentDevice[] = ['browser', 'mobile', 'desk_phone'];

/** The mode chosen last time (remembered in this browser), `null` when never chosen: signing
 * in then keeps the device the server has bound (a desk phone by default). */
export function savedMode(): AgentDevice | null {
  const m = storage.get(MODE_KEY);
  return MODES.includes(m as AgentDevice) ? (m as AgentDevice) : null;
}

export const AUDIO_COLOR: Record<AudioState, string> = {
  no_audio: 'default',
  connecting: 'processing',
  connected: 'success',
  reconnecting: 'error',
  failed: 'error',
  mic_denied: 'error',
};

export function ModeSwitch({ value, disabled, onChange }: { value: AgentDevice; disabled?: boolean; onChange: (d: AgentDevice) => void }) {
  const { t } = useTranslation();
  return (
    <Segmented
      aria-label={t('phonebar.audioMode')}
      data-testid="audio-mode"
      value={value}
      disabled={disabled}
      onChange={(v) => onChange(v as AgentDevice)}
      options={MODES.map((m) => ({ value: m, label: <span data-testid={`audio-mode-${m}`}>{t(`phonebar.audioModes.${m}`)}</span> }))}
    />
  );
}

/** The browser audio's state, in red while calls cannot be heard. */
export function AudioIndicator() {
  const { t } = useTranslation();
  const phone = useSoftphone();
  const s = useSoftphoneState();
  const text = t(`phonebar.audio.${s.state}`);
  // After a reload the browser keeps sound off until the first click: the ring would be silent.
  const unlocked = useSyncExternalStore(subscribeAudioUnlocked, audioUnlocked);
  const tag = (
    <Tag color={AUDIO_COLOR[s.state]} data-testid="audio-state" data-state={s.state} style={{ fontSize: 13 }}>
      {text}
    </Tag>
  );
  return (
    <Space size={4}>
      {s.error ? <Tooltip title={s.state === 'mic_denied' ? t('phonebar.micDeniedHint') : s.error.message}>{tag}</Tooltip> : tag}
      {!unlocked && (
        <Tag color="warning" data-testid="audio-locked">
          {t('phonebar.audioLocked')}
        </Tag>
      )}
      {(s.state === 'failed' || s.state === 'mic_denied') && (
        <Button size="small" onClick={() => phone.retryNow()} data-testid="audio-retry">
          {t('phonebar.retry')}
        </Button>
      )}
    </Space>
  );
}

export function MuteButton({ testId = 'mute' }: { testId?: string }) {
  const { t } = useTranslation();
  const phone = useSoftphone();
  const s = useSoftphoneState();
  return (
    <Button
      danger={s.muted}
      type={s.muted ? 'primary' : 'default'}
      disabled={s.state !== 'connected'}
      aria-pressed={s.muted}
      onClick={() => phone.setMuted(!s.muted)}
      data-testid={testId}
    >
      {s.muted ? t('phonebar.unmute') : t('phonebar.mute')}
    </Button>
  );
}

function useAudioDevices(open: boolean): { inputs: MediaDeviceInfo[]; outputs: MediaDeviceInfo[] } {
  const [list, setList] = useState<MediaDeviceInfo[]>([]);
  useEffect(() => {
    if (!open || !navigator.mediaDevices?.enumerateDevices) return undefined;
    const load = () => void navigator.mediaDevices.enumerateDevices().then(setList, () => setList([]));
    load();
    navigator.mediaDevices.addEventListener('devicechange', load);
    return () => navigator.mediaDevices.removeEventListener('devicechange', load);
  }, [open]);
  return {
    inputs: list.filter((d) => d.kind === 'audioinput' && d.deviceId !== 'default' && d.deviceId !== ''),
    outputs: list.filter((d) => d.kind === 'audiooutput' && d.deviceId !== 'default' && d.deviceId !== ''),
  };
}

/** The microphone test: the chosen microphone's level, drawn as a bar. */
function MicTest({ inputId }: { inputId: string | null }) {
  const { t } = useTranslation();
  const [on, setOn] = useState(false);
  const [level, setLevel] = useState(0);
  const [error, setError] = useState<string | null>(null);
  const last = useRef(0);
  useEffect(() => {
    if (!on) return undefined;
    let stream: MediaStream | null = null;
    let meter: ReturnType<typeof levelMeter> = null;
    let frame = 0;
    let stopped = false;
    navigator.mediaDevices.getUserMedia(micConstraints(inputId)).then(
      (s) => {
        if (stopped) {
          s.getTracks().forEach((tr) => tr.stop());
          return;
        }
        stream = s;
        meter = levelMeter(s);
        const tick = () => {
          if (meter) {
            last.current = smoothLevel(last.current, meter.level());
            setLevel(last.current);
          }
          frame = requestAnimationFrame(tick);
        };
        tick();
      },
      (e: unknown) => {
        setError(e instanceof Error ? e.message : String(e));
        setOn(false);
      },
    );
    return () => {
      stopped = true;
      cancelAnimationFrame(frame);
      meter?.close();
      stream?.getTracks().forEach((tr) => tr.stop());
      last.current = 0;
      setLevel(0);
    };
  }, [on, inputId]);
  return (
    <Space orientation="vertical" style={{ width: '100%' }} size={4}>
      <Space>
        <Button size="small" onClick={() => setOn((v) => !v)} data-testid="mic-test">
          {on ? t('phonebar.stopTest') : t('phonebar.micTest')}
        </Button>
        {on && <Typography.Text type="secondary">{t('phonebar.micTestHint')}</Typography.Text>}
      </Space>
      <Progress
        percent={Math.round(level * 100)}
        showInfo={false}
        size="small"
        strokeColor={level > 0.05 ? '#52c41a' : undefined}
        data-testid="mic-level"
        data-level={level.toFixed(3)}
      />
      {error && <Typography.Text type="danger">{error}</Typography.Text>}
    </Space>
  );
}

export function AudioSettings() {
  const { t } = useTranslation();
  const phone = useSoftphone();
  const s = useSoftphoneState();
  const [open, setOpen] = useState(false);
  const { inputs, outputs } = useAudioDevices(open);
  const label = (d: MediaDeviceInfo, i: number) => d.label || `${t('phonebar.device')} ${i + 1}`;
  const content = (
    <Space orientation="vertical" style={{ width: 300 }} data-testid="audio-settings">
      <Typography.Text strong>{t('phonebar.microphone')}</Typography.Text>
      <Select
        style={{ width: '100%' }}
        data-testid="audio-input"
        value={s.inputId ?? ''}
        onChange={(v: string) => {
          const id = v || null;
          if (id) storage.set(INPUT_KEY, id);
          else storage.remove(INPUT_KEY);
          void phone.selectInput(id);
        }}
        options={[{ value: '', label: t('phonebar.defaultDevice') }, ...inputs.map((d, i) => ({ value: d.deviceId, label: label(d, i) }))]}
      />
      <Typography.Text strong>{t('phonebar.speaker')}</Typography.Text>
      <Select
        style={{ width: '100%' }}
        data-testid="audio-output"
        disabled={!s.canChooseOutput}
        value={s.outputId ?? ''}
        onChange={(v: string) => {
          const id = v || null;
          if (id) storage.set(OUTPUT_KEY, id);
          else storage.remove(OUTPUT_KEY);
          void phone.selectOutput(id).catch(() => {});
        }}
        options={[{ value: '', label: t('phonebar.defaultDevice') }, ...outputs.map((d, i) => ({ value: d.deviceId, label: label(d, i) }))]}
      />
      {!s.canChooseOutput && <Typography.Text type="secondary">{t('phonebar.outputUnsupported')}</Typography.Text>}
      <Typography.Text strong>{t('phonebar.micTest')}</Typography.Text>
      {open && <MicTest inputId={s.inputId} />}
    </Space>
  );
  return (
    <Popover trigger="click" open={open} onOpenChange={setOpen} title={t('phonebar.audioSettings')} content={content}>
      <Button data-testid="audio-settings-button">{t('phonebar.audioSettings')}</Button>
    </Popover>
  );
}
