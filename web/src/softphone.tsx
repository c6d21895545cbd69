// Browser audio for the signed-in agent: the core Softphone wired to RTCPeerConnection, the
// microphone, the events WebSocket and an <audio autoplay> element for the remote side. It runs
// while the agent is signed in with device `browser`, whatever page is open.
import { createContext, useContext, useEffect, useRef, useState, useSyncExternalStore, type ReactNode } from 'react';
import { useAuth } from './auth';
import { audioContext, unlockAudioOnGesture } from './audio';
import { isServerSignal, Softphone, type MicLike, type PeerLike, type SoftphoneSnapshot } from './core/softphone';
import { usePhoneBar } from './cti';
import { useRingAlerts } from './ringAlerts';
import { storage } from './storage';

const INPUT_KEY = 'patchbay.audioInput';
const OUTPUT_KEY = 'patchbay.audioOutput';

const SoftphoneContext = createContext<Softphone | null>(null);

function canSetSink(): boolean {
  return typeof HTMLMediaElement !== 'undefined' && 'setSinkId' in HTMLMediaElement.prototype;
}

export function SoftphoneProvider({ children }: { children: ReactNode }) {
  const { sendEvent, connection, events } = useAuth();
  const { presence, offer } = usePhoneBar();
  const audio = useRef<HTMLAudioElement | null>(null);
  const [phone] = useState(
    () =>
      new Softphone({
        // The server is ICE-lite on a reachable address: host candidates are enough, no STUN.
        createPeer: () => new RTCPeerConnection({ bundlePolicy: 'max-bundle', rtcpMuxPolicy: 'require' }) as unknown as PeerLike,
        getUserMedia: (c) => navigator.mediaDevices.getUserMedia(c) as Promise<MicLike>,
        send: (m) => sendEventRef.current(m),
        onRemoteStream: (stream) => {
          const el = audio.current;
          if (!el) return;
          el.srcObject = (stream as MediaStream | null) ?? null;
          void el.play().catch(() => {});
        },
        setSink: canSetSink()
          ? async (id) => {
              const el = audio.current;
              if (el) await el.setSinkId(id);
              // The ringing tone too, where WebAudio can choose its output.
              const ctx = audioContext() as (AudioContext & { setSinkId?: (id: string) => Promise<void> }) | null;
              await ctx?.setSinkId?.(id).catch(() => {});
            }
          : undefined,
        setTimer: (fn, ms) => setTimeout(fn, ms),
        clearTimer: (id) => clearTimeout(id as ReturnType<typeof setTimeout>),
      }),
  );
  const sendEventRef = useRef(sendEvent);
  sendEventRef.current = sendEvent;

  // The devices chosen last time.
  useEffect(() => {
    const input = storage.get(INPUT_KEY);
    if (input) void phone.selectInput(input);
    const output = storage.get(OUTPUT_KEY);
    if (output) void phone.selectOutput(output).catch(() => storage.remove(OUTPUT_KEY));
  }, [phone]);

  useEffect(() => unlockAudioOnGesture(), []);
  useRingAlerts(offer, presence?.phone === 'ringing', presence?.device);

  useEffect(
    () =>
      events.subscribe((ev) => {
        const e = ev as { type: string };
        if (isServerSignal(e)) void phone.handleSignal(e);
        // Mute is per call: the next call starts unmuted.
        else if (e.type === 'call_ended') phone.setMuted(false);
      }),
    [events, phone],
  );

  useEffect(() => {
    if (connection === 'open') phone.socketOpened();
    else if (connection === 'closed') phone.socketClosed();
  }, [connection, phone]);

  const active = !!presence && presence.login !== 'offline' && presence.device === 'browser';
  useEffect(() => {
    if (active) void phone.start();
    else phone.stop();
  }, [active, phone]);
  useEffect(() => () => phone.stop(), [phone]);

  return (
    <SoftphoneContext.Provider value={phone}>
      {children}
      <audio ref={audio} autoPlay data-testid="remote-audio" style={{ display: 'none' }} />
    </SoftphoneContext.Provider>
  );
}

export function useSoftphone(): Softphone {
  const s = useContext(SoftphoneContext);
  if (!s) throw new Error('useSoftphone outside SoftphoneProvider');
  return s;
}

/** The softphone's state, re-rendering on change. */
export function useSoftphoneState(): SoftphoneSnapshot {
  const phone = useSoftphone();
  return useSyncExternalStore(
    (l) => phone.subscribe(l),
    () => phone.snapshot,
  );
}

export { INPUT_KEY, OUTPUT_KEY };
