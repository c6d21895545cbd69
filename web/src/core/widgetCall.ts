// The web call widget's call (SPEC §7, 网页接待组件): a visitor calls an enterprise number from
// the browser over WebRTC, without signing in. Framework-free; the peer connection, the
// microphone, HTTP and timers are injected.
//
//   POST   /api/v1/widget/calls             {number, sdp}  → 201 {call_id, sdp}
//   POST   /api/v1/widget/calls/{id}/dtmf   {digit}        → 204
//   DELETE /api/v1/widget/calls/{id}                       → 204
// Errors: {"error": {"code", "message"}}.
import { micConstraints, micFailure, type MicLike, type PeerLike } from './softphone';

export type WidgetCallState = 'idle' | 'calling' | 'connected' | 'ended' | 'failed';

export interface WidgetHttp {
  /** Resolves with the status and the parsed JSON body (`null` when empty). */
  request: (method: 'POST' | 'DELETE', path: string, body?: unknown) => Promise<{ status: number; body: unknown }>;
}

export interface WidgetDeps {
  createPeer: () => PeerLike;
  getUserMedia: (constraints: MediaStreamConstraints) => Promise<MicLike>;
  http: WidgetHttp;
  onRemoteStream: (stream: unknown) => void;
  setTimer: (fn: () => void, ms: number) => unknown;
  clearTimer: (id: unknown) => void;
  now: () => number;
  iceTimeoutMs?: number;
  /** How long a connection may take after the answer (ms). */
  connectTimeoutMs?: number;
  /** How long a dropped connection may take to come back before the call counts as ended (ms). */
  disconnectGraceMs?: number;
}

export interface WidgetSnapshot {
  state: WidgetCallState;
  callId: string | null;
  /** When the call connected (local ms). */
  connectedAt: number | null;
  muted: boolean;
  /** Digits sent so far. */
  digits: string;
  /** Why it failed: the server's code, or `mic_denied`, `no_microphone`, `network`, `webrtc`, `timeout`. */
  error: { code: string; message: string } | null;
  /** Who ended it. */
  endedBy: 'visitor' | 'remote' | null;
}

export const DTMF_RE = /^[0-9*#A-D]$/;

/** Numbers the widget may call: what the API accepts for enterprise numbers. */
export function isCallableNumber(n: string): boolean {
  return /^\+?[0-9]{3,32}$/.test(n);
}

function failureOf(status: number, body: unknown): { code: string; message: string } {
  const err = (body as { error?: { code?: unknown; message?: unknown } } | null)?.error;
  if (err && typeof err.code === 'string') return { code: err.code, message: typeof err.message === 'string' ? err.message : err.code };
  return { code: status >= 500 ? 'internal' : 'bad_request', message: `HTTP ${status}` };
}

export class WidgetCall {
  private snap: WidgetSnapshot = { state: 'idle', callId: null, connectedAt: null, muted: false, digits: '', error: null, endedBy: null };
  private listeners = new Set<(s: WidgetSnapshot) => void>();
  private peer: PeerLike | null = null;
  private mic: MicLike | null = null;
  private timer: unknown = null;
  /** Bumped per call: late answers of an abandoned attempt are ignored. */
  private generation = 0;

  constructor(private readonly deps: WidgetDeps) {}

  get snapshot(): WidgetSnapshot {
    return this.snap;
  }

  subscribe(l: (s: WidgetSnapshot) => void): () => void {
    this.listeners.add(l);
    return () => this.listeners.delete(l);
  }

  private set(patch: Partial<WidgetSnapshot>) {
    this.snap = { ...this.snap, ...patch };
    for (const l of [...this.listeners]) l(this.snap);
  }

  /** Calls `number`: microphone, offer (after ICE gathering), POST, answer. */
  async call(number: string): Promise<void> {
    if (this.snap.state === 'calling' || this.snap.state === 'connected') return;
    const gen = ++this.generation;
    this.set({ state: 'calling', callId: null, connectedAt: null, digits: '', error: null, endedBy: null, muted: false });
    if (!isCallableNumber(number)) {
      this.finish('failed', { code: 'invalid_number', message: number });
      return;
    }
    let mic: MicLike;
    try {
      mic = await this.deps.getUserMedia(micConstraints(null));
    } catch (e) {
      if (gen !== this.generation) return;
      const f = micFailure(e);
      this.finish('failed', { code: f.code, message: e instanceof Error ? e.message : String(e) });
      return;
    }
    if (gen !== this.generation) {
      for (const t of mic.getAudioTracks()) t.stop();
      return;
    }
    this.mic = mic;
    const peer = this.deps.createPeer();
    this.peer = peer;
    const track = mic.getAudioTracks()[0];
    if (track) peer.addTrack(track, mic);
    peer.ontrack = (ev) => {
      if (gen === this.generation) this.deps.onRemoteStream(ev.streams[0] ?? null);
    };
    peer.onconnectionstatechange = () => this.onPeerState(gen);
    let sdp: string;
    try {
      await peer.setLocalDescription(await peer.createOffer());
      await this.gathered(peer);
      sdp = peer.localDescription?.sdp ?? '';
      if (!sdp) throw new Error('no local description');
    } catch (e) {
      if (gen === this.generation) this.finish('failed', { code: 'webrtc', message: e instanceof Error ? e.message : String(e) });
      return;
    }
    if (gen !== this.generation) return;
    let res: { status: number; body: unknown };
    try {
      res = await this.deps.http.request('POST', '/api/v1/widget/calls', { number, sdp });
    } catch (e) {
      if (gen === this.generation) this.finish('failed', { code: 'network', message: e instanceof Error ? e.message : String(e) });
      return;
    }
    const body = res.body as { call_id?: unknown; sdp?: unknown } | null;
    if (gen !== this.generation) {
      // Hung up while the server was setting up: end the call it made.
      if (res.status === 201 && typeof body?.call_id === 'string') void this.deps.http.request('DELETE', `/api/v1/widget/calls/${encodeURIComponent(body.call_id)}`).catch(() => {});
      return;
    }
    if (res.status !== 201 || typeof body?.call_id !== 'string' || typeof body.sdp !== 'string') {
      this.finish('failed', res.status === 201 ? { code: 'bad_answer', message: 'the answer has no call_id or sdp' } : failureOf(res.status, res.body));
      return;
    }
    this.set({ callId: body.call_id });
    try {
      await peer.setRemoteDescription({ type: 'answer', sdp: body.sdp });
    } catch (e) {
      if (gen === this.generation) {
        void this.deleteCall(body.call_id);
        this.finish('failed', { code: 'webrtc', message: e instanceof Error ? e.message : String(e) });
      }
      return;
    }
    if (gen !== this.generation) return;
    this.onPeerState(gen);
    // onPeerState may have moved on (TypeScript does not see it through the call).
    if ((this.snap.state as WidgetCallState) === 'calling') {
      this.arm(this.deps.connectTimeoutMs ?? 15_000, () => {
        if (gen !== this.generation || this.snap.state !== 'calling') return;
        void this.deleteCall(body.call_id as string);
        this.finish('failed', { code: 'timeout', message: 'the audio did not connect' });
      });
    }
  }

  /** Sends one DTMF digit (the IVR menu: "press 1 for sales"). */
  async dtmf(digit: string): Promise<void> {
    const id = this.snap.callId;
    if (this.snap.state !== 'connected' || !id || !DTMF_RE.test(digit)) return;
    this.set({ digits: this.snap.digits + digit });
    try {
      const res = await this.deps.http.request('POST', `/api/v1/widget/calls/${encodeURIComponent(id)}/dtmf`, { digit });
      // The call is gone on the server: the far end hung up.
      if (res.status === 404 && this.snap.callId === id) this.finish('ended', null, 'remote');
    } catch {
      // A lost digit: the visitor presses again.
    }
  }

  setMuted(muted: boolean): void {
    for (const t of this.mic?.getAudioTracks() ?? []) t.enabled = !muted;
    this.set({ muted });
  }

  /** The visitor hangs up (also on leaving the page). */
  hangup(): void {
    const s = this.snap.state;
    if (s !== 'calling' && s !== 'connected') return;
    const id = this.snap.callId;
    this.generation++;
    if (id) void this.deleteCall(id);
    this.finish('ended', null, 'visitor');
  }

  /** Back to idle after an ended or failed call, for the next one. */
  reset(): void {
    if (this.snap.state === 'ended' || this.snap.state === 'failed') {
      this.set({ state: 'idle', callId: null, connectedAt: null, digits: '', error: null, endedBy: null, muted: false });
    }
  }

  private onPeerState(gen: number) {
    const peer = this.peer;
    if (gen !== this.generation || !peer) return;
    const s = peer.connectionState;
    if (s === 'connected') {
      this.disarm();
      if (this.snap.state === 'calling') this.set({ state: 'connected', connectedAt: this.deps.now() });
    } else if (s === 'failed' || s === 'closed') {
      if (this.snap.state === 'connected') this.finish('ended', null, 'remote');
      else if (this.snap.state === 'calling' && this.snap.callId) {
        void this.deleteCall(this.snap.callId);
        this.finish('failed', { code: 'webrtc', message: `connection ${s}` });
      }
    } else if (s === 'disconnected' && this.snap.state === 'connected') {
      // The server stopped sending (it hung up) or the network blinked: wait a little.
      this.arm(this.deps.disconnectGraceMs ?? 5000, () => {
        if (gen === this.generation && this.peer?.connectionState !== 'connected' && this.snap.state === 'connected') {
          const id = this.snap.callId;
          if (id) void this.deleteCall(id);
          this.finish('ended', null, 'remote');
        }
      });
    }
  }

  private gathered(peer: PeerLike): Promise<void> {
    if (peer.iceGatheringState === 'complete') return Promise.resolve();
    return new Promise((resolve) => {
      const t = this.deps.setTimer(() => done(), this.deps.iceTimeoutMs ?? 3000);
      const done = () => {
        this.deps.clearTimer(t);
        peer.onicegatheringstatechange = null;
        resolve();
      };
      peer.onicegatheringstatechange = () => {
        if (peer.iceGatheringState === 'complete') done();
      };
    });
  }

  private deleteCall(id: string): Promise<unknown> {
    return this.deps.http.request('DELETE', `/api/v1/widget/calls/${encodeURIComponent(id)}`).catch(() => undefined);
  }

  private arm(ms: number, fn: () => void) {
    this.disarm();
    this.timer = this.deps.setTimer(() => {
      this.timer = null;
      fn();
    }, ms);
  }

  private disarm() {
    if (this.timer !== null) this.deps.clearTimer(this.timer);
    this.timer = null;
  }

  private finish(state: 'ended' | 'failed', error: { code: string; message: string } | null, endedBy: 'visitor' | 'remote' | null = null) {
    this.generation++;
    this.disarm();
    if (this.peer) {
      this.peer.ontrack = null;
      this.peer.onconnectionstatechange = null;
      this.peer.onicegatheringstatechange = null;
      this.peer.close();
    }
    this.peer = null;
    for (const t of this.mic?.getAudioTracks() ?? []) t.stop();
    this.mic = null;
    this.set({ state, error, endedBy: state === 'ended' ? endedBy : null, muted: false });
  }
}
