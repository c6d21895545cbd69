// The web call widget (网页接待组件, SPEC §7): a public page, no sign-in. A visitor calls
// `?number=` from the browser over WebRTC, hears the IVR, presses digits and hangs up.
// `web/public/widget.js` opens it in a small iframe or popup from a company's website
// (`?embed=1` drops the page chrome and adds a close button that tells the parent page).
import { useEffect, useMemo, useRef, useState, useSyncExternalStore } from 'react';
import { Alert, Button, Card, Flex, Space, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import { formatDuration } from '../core/presence';
import type { MicLike, PeerLike } from '../core/softphone';
import { isCallableNumber, WidgetCall, type WidgetHttp } from '../core/widgetCall';
import { LanguageSwitch } from '../layout/AppLayout';
import { useNow } from '../useNow';

const KEYS = ['1', '2', '3', '4', '5', '6', '7', '8', '9', '*', '0', '#'];

const http: WidgetHttp = {
  request: async (method, path, body) => {
    const res = await fetch(path, {
      method,
      headers: body === undefined ? undefined : { 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
      credentials: 'omit',
      // A hang-up sent while the page closes still reaches the server.
      keepalive: method === 'DELETE',
    });
    const text = await res.text();
    let parsed: unknown = null;
    try {
      parsed = text ? JSON.parse(text) : null;
    } catch {
      parsed = text;
    }
    return { status: res.status, body: parsed };
  },
};

function Timer({ since }: { since: number }) {
  const now = useNow();
  return (
    <span data-testid="widget-timer" style={{ fontVariantNumeric: 'tabular-nums', fontFamily: 'monospace' }}>
      {formatDuration((now - since) / 1000)}
    </span>
  );
}

export default function WidgetPage() {
  const { t, i18n } = useTranslation();
  const params = useMemo(() => new URLSearchParams(window.location.search), []);
  const number = (params.get('number') ?? '').trim();
  const embed = params.get('embed') === '1';
  const title = params.get('title');
  const audio = useRef<HTMLAudioElement | null>(null);
  const [call] = useState(
    () =>
      new WidgetCall({
        createPeer: () => new RTCPeerConnection({ bundlePolicy: 'max-bundle', rtcpMuxPolicy: 'require' }) as unknown as PeerLike,
        getUserMedia: (c) => navigator.mediaDevices.getUserMedia(c) as Promise<MicLike>,
        http,
        onRemoteStream: (stream) => {
          const el = audio.current;
          if (!el) return;
          el.srcObject = (stream as MediaStream | null) ?? null;
          void el.play().catch(() => {});
        },
        setTimer: (fn, ms) => setTimeout(fn, ms),
        clearTimer: (id) => clearTimeout(id as ReturnType<typeof setTimeout>),
        now: () => Date.now(),
      }),
  );
  const s = useSyncExternalStore(
    (l) => call.subscribe(l),
    () => call.snapshot,
  );

  useEffect(() => {
    const lang = params.get('lang');
    if (lang === 'en' || lang === 'zh-CN') void i18n.changeLanguage(lang);
  }, [params, i18n]);
  useEffect(() => {
    document.title = t('widget.title');
  }, [t]);
  // Leaving the page hangs up.
  useEffect(() => {
    const bye = () => call.hangup();
    window.addEventListener('pagehide', bye);
    return () => {
      window.removeEventListener('pagehide', bye);
      call.hangup();
    };
  }, [call]);
  // Keys of the keyboard work as the dial pad.
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (KEYS.includes(e.key)) void call.dtmf(e.key);
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [call]);

  const valid = isCallableNumber(number);
  const live = s.state === 'calling' || s.state === 'connected';
  const statusText =
    s.state === 'failed'
      ? t(`widget.errors.${s.error?.code ?? 'other'}`, { defaultValue: t('widget.errors.other', { message: s.error?.message ?? '' }) })
      : s.state === 'ended'
        ? t(s.endedBy === 'remote' ? 'widget.endedRemote' : 'widget.ended')
        : t(`widget.state.${s.state}`);

  const close = () => {
    call.hangup();
    window.parent?.postMessage({ type: 'patchbay-widget-close' }, '*');
  };

  return (
    <Flex
      justify="center"
      align={embed ? 'stretch' : 'center'}
      style={{ minHeight: '100vh', background: embed ? '#fff' : '#f0f2f5', padding: embed ? 0 : 16 }}
    >
      <Card
        style={{ width: embed ? '100%' : 360, border: embed ? 'none' : undefined }}
        title={title || t('widget.title')}
        extra={
          <Space size={4}>
            <LanguageSwitch />
            {embed && (
              <Button size="small" type="text" aria-label={t('widget.close')} onClick={close} data-testid="widget-close">
                ×
              </Button>
            )}
          </Space>
        }
      >
        <Space orientation="vertical" style={{ width: '100%' }} size="middle" align="center">
          {!valid ? (
            <Alert type="error" title={t('widget.noNumber')} data-testid="widget-no-number" />
          ) : (
            <Typography.Text type="secondary">
              {t('widget.calling', { number })}
            </Typography.Text>
          )}
          <Typography.Text
            strong={s.state !== 'idle'}
            style={{ fontSize: s.state === 'idle' ? 14 : 18, textAlign: 'center', display: 'block' }}
            data-testid="widget-status"
            data-state={s.state}
            type={s.state === 'failed' ? 'danger' : s.state === 'idle' ? 'secondary' : undefined}
          >
            {statusText}
          </Typography.Text>
          {s.state === 'connected' && s.connectedAt != null && <Timer since={s.connectedAt} />}
          {!live ? (
            <Button
              type="primary"
              shape="round"
              size="large"
              disabled={!valid}
              style={{ width: 200, height: 56, fontSize: 20, background: valid ? '#18a058' : undefined }}
              onClick={() => {
                call.reset();
                void call.call(number);
              }}
              data-testid="widget-call"
            >
              {s.state === 'idle' ? t('widget.call') : t('widget.callAgain')}
            </Button>
          ) : (
            <>
              <div style={{ display: 'grid', gridTemplateColumns: 'repeat(3, 64px)', gap: 8 }} data-testid="widget-dialpad">
                {KEYS.map((k) => (
                  <Button key={k} size="large" disabled={s.state !== 'connected'} onClick={() => void call.dtmf(k)} data-testid={`dtmf-${k === '*' ? 'star' : k === '#' ? 'pound' : k}`}>
                    {k}
                  </Button>
                ))}
              </div>
              {s.digits && (
                <Typography.Text type="secondary" data-testid="widget-digits">
                  {s.digits}
                </Typography.Text>
              )}
              <Space>
                <Button disabled={s.state !== 'connected'} onClick={() => call.setMuted(!s.muted)} danger={s.muted} data-testid="widget-mute">
                  {s.muted ? t('widget.unmute') : t('widget.mute')}
                </Button>
                <Button danger type="primary" shape="round" size="large" onClick={() => call.hangup()} data-testid="widget-hangup">
                  {t('widget.hangup')}
                </Button>
              </Space>
            </>
          )}
          <Typography.Text type="secondary" style={{ fontSize: 12 }}>
            {t('widget.micHint')}
          </Typography.Text>
        </Space>
        <audio ref={audio} autoPlay data-testid="widget-audio" style={{ display: 'none' }} />
      </Card>
    </Flex>
  );
}
