// A call recording's player (录音播放): the waveform of both channels (customer left on top,
// agent right below) drawn by wavesurfer.js, play/pause, seek by clicking the waveform or
// skipping, and speed 0.5–2×. The audio plays through a page <audio> element that fetches the
// recording with HTTP ranges.
import { useEffect, useRef, useState } from 'react';
import { Alert, Button, Select, Space, Spin, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import WaveSurfer from 'wavesurfer.js';
import { playerClock, SPEEDS } from '../core/callRecords';

/** Height of each channel's waveform, px. */
const CHANNEL_HEIGHT = 56;

export default function RecordingPlayer({ callId }: { callId: number }) {
  const { t } = useTranslation();
  const waveRef = useRef<HTMLDivElement>(null);
  const holderRef = useRef<HTMLDivElement>(null);
  const wsRef = useRef<WaveSurfer | null>(null);
  const [ready, setReady] = useState(false);
  const [failed, setFailed] = useState(false);
  const [playing, setPlaying] = useState(false);
  const [time, setTime] = useState(0);
  const [duration, setDuration] = useState(0);
  const [channels, setChannels] = useState(0);
  const [speed, setSpeed] = useState(1);

  useEffect(() => {
    const container = waveRef.current;
    const holder = holderRef.current;
    if (!container || !holder) return;
    setReady(false);
    setFailed(false);
    setPlaying(false);
    setTime(0);
    // Our own element, so the page (and its tests) can see the audio that plays.
    const media = document.createElement('audio');
    media.preload = 'metadata';
    media.dataset.testid = 'recording-audio';
    holder.appendChild(media);
    const ws = WaveSurfer.create({
      container,
      media,
      url: `/api/v1/calls/${callId}/recording`,
      height: CHANNEL_HEIGHT,
      normalize: true,
      cursorColor: '#fa541c',
      cursorWidth: 2,
      dragToSeek: true,
      splitChannels: [
        { waveColor: '#95de64', progressColor: '#389e0d' },
        { waveColor: '#69b1ff', progressColor: '#0958d9' },
      ],
      fetchParams: { credentials: 'same-origin' },
    });
    wsRef.current = ws;
    const offs = [
      ws.on('ready', (d) => {
        setDuration(d);
        setChannels(ws.getDecodedData()?.numberOfChannels ?? 0);
        setReady(true);
      }),
      ws.on('play', () => setPlaying(true)),
      ws.on('pause', () => setPlaying(false)),
      ws.on('finish', () => setPlaying(false)),
      ws.on('timeupdate', (s) => setTime(s)),
      ws.on('error', () => setFailed(true)),
    ];
    return () => {
      offs.forEach((off) => off());
      ws.destroy();
      media.remove();
      wsRef.current = null;
    };
  }, [callId]);

  const changeSpeed = (rate: number) => {
    setSpeed(rate);
    wsRef.current?.setPlaybackRate(rate, true);
  };
  const skip = (seconds: number) => {
    const ws = wsRef.current;
    if (ws) ws.setTime(Math.min(Math.max(0, ws.getCurrentTime() + seconds), ws.getDuration()));
  };

  return (
    <div data-testid="recording-player" data-ready={ready ? 'true' : 'false'} data-channels={channels}>
      {failed && <Alert type="error" showIcon title={t('calls.player.failed')} style={{ marginBottom: 8 }} />}
      <div style={{ display: 'flex', gap: 8, alignItems: 'stretch' }}>
        <div style={{ display: 'flex', flexDirection: 'column', width: 104, flex: 'none', whiteSpace: 'nowrap' }}>
          <Typography.Text type="secondary" style={{ height: CHANNEL_HEIGHT, lineHeight: `${CHANNEL_HEIGHT}px`, color: '#389e0d' }}>
            {t('calls.player.customer')}
          </Typography.Text>
          <Typography.Text type="secondary" style={{ height: CHANNEL_HEIGHT, lineHeight: `${CHANNEL_HEIGHT}px`, color: '#0958d9' }}>
            {t('calls.player.agent')}
          </Typography.Text>
        </div>
        <div style={{ flex: 1, minWidth: 0, position: 'relative', minHeight: CHANNEL_HEIGHT * 2 }}>
          <div ref={waveRef} data-testid="recording-waveform" />
          {!ready && !failed && <Spin style={{ position: 'absolute', top: CHANNEL_HEIGHT - 10, left: '50%' }} />}
        </div>
      </div>
      <div ref={holderRef} style={{ display: 'none' }} />
      <Space wrap style={{ marginTop: 8 }}>
        <Button type="primary" disabled={!ready} onClick={() => void wsRef.current?.playPause()} data-testid="recording-play">
          {playing ? t('calls.player.pause') : t('calls.player.play')}
        </Button>
        <Button disabled={!ready} onClick={() => skip(-5)} data-testid="recording-back">
          {t('calls.player.back5')}
        </Button>
        <Button disabled={!ready} onClick={() => skip(5)} data-testid="recording-forward">
          {t('calls.player.forward5')}
        </Button>
        <Typography.Text data-testid="recording-time">
          {playerClock(time)} / {playerClock(duration)}
        </Typography.Text>
        <span>{t('calls.player.speed')}</span>
        <Select<number>
          value={speed}
          onChange={changeSpeed}
          style={{ width: 90 }}
          options={SPEEDS.map((s) => ({ value: s, label: `${s}×` }))}
          data-testid="recording-speed"
        />
      </Space>
    </div>
  );
}
