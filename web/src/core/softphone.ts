// The browser softphone (SPEC §3, browser audio): one audio-only RTCPeerConnection per browser
// session, signalled over the events WebSocket and kept open while the agent works; the server
// bridges calls into it without renegotiating. No UI framework and no browser globals: the peer
// connection, the microphone, the socket and the timers are injected, so tests drive it with fakes.
//
// Client → server: `{"type":"webrtc_offer","sdp":…}` (after ICE gathering completed: the
// server is ICE-lite) and `{"type":"webrtc_hangup"}`. Server → client: `webrtc_answer` {sdp},
// `webrtc_error` {code, message}, `webrtc_state` {state: connected | disconnected}.
import { backoffDelay } from './backoff';

/** What the phone bar shows about browser audio. */
export type AudioState =
  /** Browser audio is not in use (another device, or signed out). */
  | 'no_audio'
  /** Opening the microphone and the first media session. */
  | 'connecting'
  /** Audio flows: calls can be answered in the browser. */
  | 'connected'
  /** The media session was lost (socket dropped, network, server restart): a new one is under way. */
  | 'reconnecting'
  /** The server refused the session or it broke; retried with back-off. */
  | 'failed'
  /** The browser (or the agent) refused the microphone: nothing is retried until asked. */
  | 'mic_denied';

/** The part of RTCPeerConnection the softphone uses. */
export interface PeerLike {
  readonly iceGatheringState: RTCIceGatheringState;
  readonly connectionState: RTCPeerConnectionState;
  readonly signalingState: RTCSignalingState;
  readonly localDescription: { sdp: string } | null;
  onicegatheringstatechange: ((ev: unknown) => void) | null;
  onconnectionstatechange: ((ev: unknown) => void) | null;
  ontrack: ((ev: { track: TrackLike; streams: readonly unknown[] }) => void) | null;
  addTrack(track: TrackLike, stream: unknown): SenderLike;
  createOffer(): Promise<{ type: RTCSdpType; sdp?: string }>;
  setLocalDescription(desc: { type: RTCSdpType; sdp?: string }): Promise<void>;
  setRemoteDescription(desc: { type: RTCSdpType; sdp: string }): Promise<void>;
  close(): void;
}

export interface TrackLike {
  enabled: boolean;
  readonly kind: string;
  stop(): void;
}

export interface SenderLike {
  replaceTrack(track: TrackLike | null): Promise<void>;
}

/** A microphone stream: its one audio track. */
export interface MicLike {
  getAudioTracks(): TrackLike[];
}

export type ClientMessage = { type: 'webrtc_offer'; sdp: string } | { type: 'webrtc_hangup' };

export type ServerSignal =
  | { type: 'webrtc_answer'; sdp: string }
  | { type: 'webrtc_error'; code: string; message: string }
  | { type: 'webrtc_state'; state: 'connected' | 'disconnected' };

/** True for the events this machine handles (they are not in the generated `Event` type). */
export function isServerSignal(ev: { type: string }): ev is ServerSignal {
  return ev.type === 'webrtc_answer' || ev.type === 'webrtc_error' || ev.type === 'webrtc_state';
}

export interface SoftphoneDeps {
  createPeer: () => PeerLike;
  /** navigator.mediaDevices.getUserMedia. */
  getUserMedia: (constraints: MediaStreamConstraints) => Promise<MicLike>;
  /** Sends on the events WebSocket; false when it is not open. */
  send: (msg: ClientMessage) => boolean;
  /** The remote audio (first remote stream of the track), for the page's <audio> element. */
  onRemoteStream: (stream: unknown) => void;
  /** Routes the remote audio to an output device (HTMLMediaElement.setSinkId); absent: unsupported. */
  setSink?: (deviceId: string) => Promise<void>;
  setTimer: (fn: () => void, ms: number) => unknown;
  clearTimer: (id: unknown) => void;
  /** In [0, 1), for the retry jitter. */
  random?: () => number;
  /** How long to wait for ICE gathering before sending what there is (ms). */
  iceTimeoutMs?: number;
  /** How long an offer may wait for its answer and the connection (ms). */
  answerTimeoutMs?: number;
}

export interface SoftphoneSnapshot {
  state: AudioState;
  muted: boolean;
  /** The microphone chosen (deviceId), `null` = the browser's default. */
  inputId: string | null;
  /** The output chosen (deviceId), `null` = default. */
  outputId: string | null;
  /** Why the last session failed (server code, or `mic_denied`, `no_microphone`, `timeout`, `webrtc`). */
  error: { code: string; message: string } | null;
  /** Whether choosing an output device works in this browser. */
  canChooseOutput: boolean;
}

type Listener = (s: SoftphoneSnapshot) => void;

/** Microphone constraints for `inputId`: echo cancellation etc. left on (the browser defaults). */
export function micConstraints(inputId: string | null): MediaStreamConstraints {
  return {
    audio: inputId ? { deviceId: { exact: inputId }, echoCancellation: true, noiseSuppression: true, autoGainControl: true } : true,
    video: false,
  };
}

/** Maps a getUserMedia failure to the state it leaves and an error code. */
export function micFailure(e: unknown): { state: AudioState; code: string } {
  const name = (e as { name?: string } | null)?.name ?? '';
  if (name === 'NotAllowedError' || name === 'SecurityError' || name === 'PermissionDeniedError') return { state: 'mic_denied', code: 'mic_denied' };
  if (name === 'NotFoundError' || name === 'OverconstrainedError' || name === 'DevicesNotFoundError') return { state: 'failed', code: 'no_microphone' };
  return { state: 'failed', code: 'microphone' };
}

export class Softphone {
  private snap: SoftphoneSnapshot;
  private listeners = new Set<Listener>();
  private active = false;
  private socketOpen = false;
  /** Whether audio was ever connected in this activation: losing it then is "reconnecting". */
  private wasConnected = false;
  private mic: MicLike | null = null;
  private peer: PeerLike | null = null;
  private sender: SenderLike | null = null;
  /** Bumped for every new peer: late callbacks of an older one are ignored. */
  private generation = 0;
  private retryTimer: unknown = null;
  private answerTimer: unknown = null;
  private attempt = 0;
  private serverConnected = false;

  constructor(private readonly deps: SoftphoneDeps) {
    this.snap = { state: 'no_audio', muted: false, inputId: null, outputId: null, error: null, canChooseOutput: !!deps.setSink };
  }

  get snapshot(): SoftphoneSnapshot {
    return this.snap;
  }

  subscribe(listener: Listener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private set(patch: Partial<SoftphoneSnapshot>) {
    const next = { ...this.snap, ...patch };
    if ((Object.keys(patch) as (keyof SoftphoneSnapshot)[]).every((k) => next[k] === this.snap[k])) return;
    this.snap = next;
    for (const l of [...this.listeners]) l(next);
  }

  /** The state while a session is being (re)built. */
  private pendingState(): AudioState {
    return this.wasConnected ? 'reconnecting' : 'connecting';
  }

  /** Browser audio is in use (signed in with device `browser`): open the mic and a session. */
  async start(): Promise<void> {
    if (this.active) return;
    this.active = true;
    this.wasConnected = false;
    this.attempt = 0;
    this.set({ state: 'connecting', error: null });
    await this.openMic();
    if (this.active && this.mic) this.connect();
  }

  /** Browser audio is no longer in use: tell the server, close everything. */
  stop(): void {
    if (!this.active) return;
    this.active = false;
    this.cancelTimers();
    if (this.peer) this.deps.send({ type: 'webrtc_hangup' });
    this.closePeer();
    this.stopMic();
    this.wasConnected = false;
    this.set({ state: 'no_audio', error: null, muted: false });
  }

  /** The events socket opened (first time or after a reconnect): the server has no session for
   * this socket, so offer a new one. */
  socketOpened(): void {
    this.socketOpen = true;
    if (!this.active) return;
    this.attempt = 0;
    this.cancelRetry();
    if (this.snap.state === 'mic_denied') return;
    if (this.mic) this.connect();
  }

  /** The events socket closed: the server dropped the browser media with it. */
  socketClosed(): void {
    this.socketOpen = false;
    if (!this.active) return;
    this.cancelTimers();
    this.closePeer();
    if (this.snap.state !== 'mic_denied') this.set({ state: this.wasConnected ? 'reconnecting' : this.snap.state === 'failed' ? 'failed' : 'connecting' });
  }

  /** A `webrtc_*` event from the socket. */
  async handleSignal(ev: ServerSignal): Promise<void> {
    if (!this.active) return;
    switch (ev.type) {
      case 'webrtc_answer': {
        const peer = this.peer;
        if (!peer || peer.signalingState !== 'have-local-offer') return;
        const gen = this.generation;
        try {
          await peer.setRemoteDescription({ type: 'answer', sdp: ev.sdp });
        } catch (e) {
          if (gen === this.generation) this.fail('webrtc', e instanceof Error ? e.message : String(e));
          return;
        }
        if (gen === this.generation) this.checkConnected();
        return;
      }
      case 'webrtc_error':
        this.fail(ev.code, ev.message);
        return;
      case 'webrtc_state':
        if (ev.state === 'connected') {
          this.serverConnected = true;
          this.checkConnected();
        } else {
          this.serverConnected = false;
          // The server lost the media (e.g. ICE timed out on its side): build a new session. Not
          // while an offer waits for its answer: that one is the new session.
          if (this.peer && this.peer.signalingState === 'stable') this.lost();
        }
        return;
    }
  }

  /** Mutes the microphone (local only: the track sends silence). */
  setMuted(muted: boolean): void {
    for (const t of this.mic?.getAudioTracks() ?? []) t.enabled = !muted;
    this.set({ muted });
  }

  /** Switches the microphone; the running session keeps going with the new track. */
  async selectInput(deviceId: string | null): Promise<void> {
    this.set({ inputId: deviceId });
    if (!this.active) return;
    let mic: MicLike;
    try {
      mic = await this.deps.getUserMedia(micConstraints(deviceId));
    } catch (e) {
      const f = micFailure(e);
      this.set({ error: { code: f.code, message: errorMessage(e) } });
      return;
    }
    if (!this.active) {
      stopAll(mic);
      return;
    }
    const track = mic.getAudioTracks()[0] ?? null;
    if (track) track.enabled = !this.snap.muted;
    const old = this.mic;
    this.mic = mic;
    if (this.sender) await this.sender.replaceTrack(track);
    if (old) stopAll(old);
    if (this.snap.state === 'mic_denied' || (this.snap.state === 'failed' && !this.peer)) {
      this.set({ error: null });
      this.retryNow();
    }
  }

  /** Routes the remote audio to `deviceId` where the browser supports it. */
  async selectOutput(deviceId: string | null): Promise<void> {
    if (!this.deps.setSink) return;
    await this.deps.setSink(deviceId ?? '');
    this.set({ outputId: deviceId });
  }

  /** Tries again at once (the "retry" button, e.g. after allowing the microphone). */
  retryNow(): void {
    if (!this.active) return;
    this.cancelRetry();
    this.attempt = 0;
    if (!this.mic) {
      this.set({ state: this.pendingState(), error: null });
      void this.openMic().then(() => {
        if (this.active && this.mic) this.connect();
      });
      return;
    }
    this.connect();
  }

  private async openMic(): Promise<void> {
    try {
      const mic = await this.deps.getUserMedia(micConstraints(this.snap.inputId));
      if (!this.active) {
        stopAll(mic);
        return;
      }
      for (const t of mic.getAudioTracks()) t.enabled = !this.snap.muted;
      this.mic = mic;
    } catch (e) {
      if (!this.active) return;
      const f = micFailure(e);
      this.set({ state: f.state, error: { code: f.code, message: errorMessage(e) } });
    }
  }

  /** A new peer connection and offer, replacing any older one. */
  private connect(): void {
    this.cancelTimers();
    this.closePeer();
    this.set({ state: this.pendingState() });
    if (!this.socketOpen || !this.mic) return;
    const gen = ++this.generation;
    const peer = this.deps.createPeer();
    this.peer = peer;
    this.serverConnected = false;
    const track = this.mic.getAudioTracks()[0];
    if (track) this.sender = peer.addTrack(track, this.mic);
    peer.ontrack = (ev) => {
      if (gen !== this.generation) return;
      this.deps.onRemoteStream(ev.streams[0] ?? null);
    };
    peer.onconnectionstatechange = () => {
      if (gen !== this.generation) return;
      const s = peer.connectionState;
      if (s === 'connected') this.checkConnected();
      else if (s === 'failed') this.lost();
      else if (s === 'disconnected' && this.snap.state === 'connected') this.set({ state: 'reconnecting' });
    };
    this.answerTimer = this.deps.setTimer(() => {
      this.answerTimer = null;
      if (gen === this.generation && this.snap.state !== 'connected') this.fail('timeout', 'no answer from the media server');
    }, this.deps.answerTimeoutMs ?? 15_000);
    void this.offer(peer, gen);
  }

  private async offer(peer: PeerLike, gen: number): Promise<void> {
    try {
      const offer = await peer.createOffer();
      await peer.setLocalDescription(offer);
      await this.gathered(peer);
    } catch (e) {
      if (gen === this.generation) this.fail('webrtc', errorMessage(e));
      return;
    }
    if (gen !== this.generation) return;
    const sdp = peer.localDescription?.sdp;
    if (!sdp) {
      this.fail('webrtc', 'no local description');
      return;
    }
    if (!this.deps.send({ type: 'webrtc_offer', sdp })) {
      // The socket closed meanwhile: socketOpened() offers again.
      this.closePeer();
    }
  }

  /** Resolves when ICE gathering is complete, or after the timeout with what was gathered. */
  private gathered(peer: PeerLike): Promise<void> {
    if (peer.iceGatheringState === 'complete') return Promise.resolve();
    return new Promise((resolve) => {
      const timer = this.deps.setTimer(() => done(), this.deps.iceTimeoutMs ?? 3000);
      const done = () => {
        this.deps.clearTimer(timer);
        peer.onicegatheringstatechange = null;
        resolve();
      };
      peer.onicegatheringstatechange = () => {
        if (peer.iceGatheringState === 'complete') done();
      };
    });
  }

  private checkConnected() {
    const peer = this.peer;
    if (!peer || !this.active) return;
    if (peer.connectionState === 'connected' || this.serverConnected) {
      if (peer.signalingState !== 'stable') return;
      if (this.answerTimer !== null) {
        this.deps.clearTimer(this.answerTimer);
        this.answerTimer = null;
      }
      this.wasConnected = true;
      this.attempt = 0;
      this.set({ state: 'connected', error: null });
    }
  }

  /** The session broke while the socket is fine: a new one at once. */
  private lost() {
    if (!this.active) return;
    this.wasConnected = this.wasConnected || this.snap.state === 'connected';
    this.deps.send({ type: 'webrtc_hangup' });
    this.connect();
  }

  private fail(code: string, message: string) {
    if (!this.active) return;
    this.cancelTimers();
    if (this.peer) this.deps.send({ type: 'webrtc_hangup' });
    this.closePeer();
    this.set({ state: 'failed', error: { code, message } });
    if (!this.socketOpen) return;
    const delay = backoffDelay(this.attempt++, (this.deps.random ?? Math.random)(), 1000);
    this.retryTimer = this.deps.setTimer(() => {
      this.retryTimer = null;
      if (this.active && this.socketOpen) this.connect();
    }, delay);
  }

  private closePeer() {
    this.generation++;
    if (this.peer) {
      const p = this.peer;
      p.ontrack = null;
      p.onconnectionstatechange = null;
      p.onicegatheringstatechange = null;
      p.close();
    }
    this.peer = null;
    this.sender = null;
    this.serverConnected = false;
  }

  private stopMic() {
    if (this.mic) stopAll(this.mic);
    this.mic = null;
  }

  private cancelRetry() {
    if (this.retryTimer !== null) this.deps.clearTimer(this.retryTimer);
    this.retryTimer = null;
  }

  private cancelTimers() {
    this.cancelRetry();
    if (this.answerTimer !== null) this.deps.clearTimer(this.answerTimer);
    this.answerTimer = null;
  }
}

function stopAll(mic: MicLike) {
  for (const t of mic.getAudioTracks()) t.stop();
}

function errorMessage(e: unknown): string {
  return e instanceof Error ? e.message : typeof e === 'object' && e && 'message' in e ? String((e as { message: unknown }).message) : String(e);
}

/** Loudness of one analyser frame (time domain, floats in [-1, 1]) as a level in [0, 1]:
 * RMS scaled so speech sits in the middle of a meter (×4, clamped). */
export function rmsLevel(samples: ArrayLike<number>): number {
  if (samples.length === 0) return 0;
  let sum = 0;
  for (let i = 0; i < samples.length; i++) sum += samples[i] * samples[i];
  const rms = Math.sqrt(sum / samples.length);
  return Math.min(1, rms * 4);
}

/** Smooths a meter: rises at once, falls by `decay` per frame. */
export function smoothLevel(previous: number, current: number, decay = 0.05): number {
  return current >= previous ? current : Math.max(current, previous - decay);
}

/** The ring cadence (China: 450 Hz, 1 s on, 4 s off): whether the tone sounds `elapsedMs` in. */
export function ringOn(elapsedMs: number, onMs = 1000, offMs = 4000): boolean {
  if (elapsedMs < 0) return false;
  return elapsedMs % (onMs + offMs) < onMs;
}
