import { describe, expect, test } from 'vitest';
import { ringSteps } from './ringer';
import {
  isServerSignal,
  micConstraints,
  micFailure,
  ringOn,
  rmsLevel,
  smoothLevel,
  Softphone,
  type AudioState,
  type ClientMessage,
  type MicLike,
  type PeerLike,
  type SenderLike,
  type TrackLike,
} from './softphone';

class FakeTrack implements TrackLike {
  enabled = true;
  stopped = false;
  readonly kind = 'audio';
  constructor(public readonly id: string) {}
  stop() {
    this.stopped = true;
  }
}

class FakeMic implements MicLike {
  constructor(public readonly track: FakeTrack) {}
  getAudioTracks() {
    return [this.track];
  }
}

class FakePeer implements PeerLike {
  iceGatheringState: RTCIceGatheringState = 'new';
  connectionState: RTCPeerConnectionState = 'new';
  signalingState: RTCSignalingState = 'stable';
  localDescription: { sdp: string } | null = null;
  remote: string | null = null;
  closed = false;
  tracks: TrackLike[] = [];
  replaced: (TrackLike | null)[] = [];
  onicegatheringstatechange: ((ev: unknown) => void) | null = null;
  onconnectionstatechange: ((ev: unknown) => void) | null = null;
  ontrack: ((ev: { track: TrackLike; streams: readonly unknown[] }) => void) | null = null;
  constructor(public readonly n: number) {}
  addTrack(track: TrackLike): SenderLike {
    this.tracks.push(track);
    return { replaceTrack: async (t) => void this.replaced.push(t) };
  }
  async createOffer() {
    return { type: 'offer' as RTCSdpType, sdp: `offer-${this.n}` };
  }
  async setLocalDescription(d: { type: RTCSdpType; sdp?: string }) {
    this.signalingState = 'have-local-offer';
    this.localDescription = { sdp: `${d.sdp}+candidates` };
    this.iceGatheringState = 'gathering';
  }
  async setRemoteDescription(d: { type: RTCSdpType; sdp: string }) {
    if (d.sdp === 'bad') throw new Error('bad sdp');
    this.remote = d.sdp;
    this.signalingState = 'stable';
  }
  close() {
    this.closed = true;
    this.connectionState = 'closed';
  }
  gatherComplete() {
    this.iceGatheringState = 'complete';
    this.onicegatheringstatechange?.({});
  }
  setConnection(s: RTCPeerConnectionState) {
    this.connectionState = s;
    this.onconnectionstatechange?.({});
  }
}

const flush = async () => {
  for (let i = 0; i < 10; i++) await Promise.resolve();
};

function harness(opts: { micError?: { name: string; message: string }; socketOpen?: boolean } = {}) {
  const peers: FakePeer[] = [];
  const sent: ClientMessage[] = [];
  const mics: FakeMic[] = [];
  const timers = new Map<number, { fn: () => void; ms: number }>();
  const constraints: MediaStreamConstraints[] = [];
  const sinks: string[] = [];
  const streams: unknown[] = [];
  let nextTimer = 1;
  let socket = opts.socketOpen ?? true;
  let micError = opts.micError;
  const phone = new Softphone({
    createPeer: () => {
      const p = new FakePeer(peers.length + 1);
      peers.push(p);
      return p;
    },
    getUserMedia: async (c) => {
      constraints.push(c);
      if (micError) throw Object.assign(new Error(micError.message), { name: micError.name });
      const m = new FakeMic(new FakeTrack(`mic-${mics.length + 1}`));
      mics.push(m);
      return m;
    },
    send: (m) => {
      if (!socket) return false;
      sent.push(m);
      return true;
    },
    onRemoteStream: (s) => streams.push(s),
    setSink: async (id) => void sinks.push(id),
    setTimer: (fn, ms) => {
      const id = nextTimer++;
      timers.set(id, { fn, ms });
      return id;
    },
    clearTimer: (id) => void timers.delete(id as number),
    random: () => 0,
  });
  const states: AudioState[] = [];
  phone.subscribe((s) => {
    if (states[states.length - 1] !== s.state) states.push(s.state);
  });
  return {
    phone,
    peers,
    sent,
    mics,
    timers,
    constraints,
    sinks,
    streams,
    states,
    setSocket: (open: boolean) => {
      socket = open;
    },
    allowMic: () => {
      micError = undefined;
    },
    /** Fires the pending timer with this delay. */
    fire: (ms: number) => {
      const entry = [...timers.entries()].find(([, t]) => t.ms === ms);
      if (!entry) throw new Error(`no ${ms} ms timer among ${[...timers.values()].map((t) => t.ms).join(', ')}`);
      timers.delete(entry[0]);
      entry[1].fn();
    },
  };
}

/** Start, gather, answer, connect: the usual way to a working session. */
async function connected() {
  const h = harness();
  h.phone.socketOpened();
  await h.phone.start();
  await flush();
  h.peers[0].gatherComplete();
  await flush();
  await h.phone.handleSignal({ type: 'webrtc_answer', sdp: 'answer-1' });
  h.peers[0].setConnection('connected');
  return h;
}

describe('Softphone session', () => {
  test('offers only after ICE gathering completed, then connects on the answer', async () => {
    const h = harness();
    h.phone.socketOpened();
    await h.phone.start();
    await flush();
    expect(h.phone.snapshot.state).toBe('connecting');
    expect(h.peers).toHaveLength(1);
    expect(h.peers[0].tracks).toEqual([h.mics[0].track]);
    expect(h.sent).toEqual([]);
    h.peers[0].gatherComplete();
    await flush();
    expect(h.sent).toEqual([{ type: 'webrtc_offer', sdp: 'offer-1+candidates' }]);
    await h.phone.handleSignal({ type: 'webrtc_answer', sdp: 'answer-1' });
    expect(h.peers[0].remote).toBe('answer-1');
    expect(h.phone.snapshot.state).toBe('connecting');
    h.peers[0].setConnection('connected');
    expect(h.phone.snapshot.state).toBe('connected');
    expect(h.states).toEqual(['connecting', 'connected']);
  });

  test('ICE gathering that never completes sends what it has after the timeout', async () => {
    const h = harness();
    h.phone.socketOpened();
    await h.phone.start();
    await flush();
    h.fire(3000);
    await flush();
    expect(h.sent).toEqual([{ type: 'webrtc_offer', sdp: 'offer-1+candidates' }]);
  });

  test('the server saying connected is enough', async () => {
    const h = harness();
    h.phone.socketOpened();
    await h.phone.start();
    await flush();
    h.peers[0].gatherComplete();
    await flush();
    await h.phone.handleSignal({ type: 'webrtc_answer', sdp: 'a' });
    await h.phone.handleSignal({ type: 'webrtc_state', state: 'connected' });
    expect(h.phone.snapshot.state).toBe('connected');
  });

  test('waits for the socket before offering', async () => {
    const h = harness({ socketOpen: false });
    await h.phone.start();
    await flush();
    expect(h.peers).toHaveLength(0);
    expect(h.phone.snapshot.state).toBe('connecting');
    h.setSocket(true);
    h.phone.socketOpened();
    await flush();
    expect(h.peers).toHaveLength(1);
  });

  test('the remote stream goes to the audio element', async () => {
    const h = await connected();
    h.peers[0].ontrack?.({ track: new FakeTrack('r'), streams: ['remote-stream'] });
    expect(h.streams).toEqual(['remote-stream']);
  });

  test('a socket drop shows reconnecting and re-offers on a new peer when it reopens', async () => {
    const h = await connected();
    h.setSocket(false);
    h.phone.socketClosed();
    expect(h.phone.snapshot.state).toBe('reconnecting');
    expect(h.peers[0].closed).toBe(true);
    h.setSocket(true);
    h.phone.socketOpened();
    await flush();
    expect(h.peers).toHaveLength(2);
    expect(h.phone.snapshot.state).toBe('reconnecting');
    // The microphone is kept: no new permission prompt.
    expect(h.mics).toHaveLength(1);
    expect(h.peers[1].tracks).toEqual([h.mics[0].track]);
    h.peers[1].gatherComplete();
    await flush();
    expect(h.sent.at(-1)).toEqual({ type: 'webrtc_offer', sdp: 'offer-2+candidates' });
    await h.phone.handleSignal({ type: 'webrtc_answer', sdp: 'answer-2' });
    h.peers[1].setConnection('connected');
    expect(h.phone.snapshot.state).toBe('connected');
    expect(h.states).toEqual(['connecting', 'connected', 'reconnecting', 'connected']);
  });

  test('callbacks of a closed peer are ignored', async () => {
    const h = await connected();
    const old = h.peers[0];
    const onstate = old.onconnectionstatechange;
    h.phone.socketClosed();
    h.phone.socketOpened();
    await flush();
    old.connectionState = 'failed';
    onstate?.({});
    expect(h.peers).toHaveLength(2);
    expect(h.phone.snapshot.state).toBe('reconnecting');
  });

  test('an answer when no offer is pending is ignored', async () => {
    const h = await connected();
    await h.phone.handleSignal({ type: 'webrtc_answer', sdp: 'stray' });
    expect(h.peers[0].remote).toBe('answer-1');
    expect(h.phone.snapshot.state).toBe('connected');
  });

  test('the server losing the media builds a new session', async () => {
    const h = await connected();
    await h.phone.handleSignal({ type: 'webrtc_state', state: 'disconnected' });
    expect(h.sent.at(-1)).toEqual({ type: 'webrtc_hangup' });
    expect(h.phone.snapshot.state).toBe('reconnecting');
    expect(h.peers).toHaveLength(2);
  });

  test('a disconnected state while an offer waits for its answer is ignored', async () => {
    const h = harness();
    h.phone.socketOpened();
    await h.phone.start();
    await flush();
    h.peers[0].gatherComplete();
    await flush();
    await h.phone.handleSignal({ type: 'webrtc_state', state: 'disconnected' });
    expect(h.peers).toHaveLength(1);
    expect(h.sent).toEqual([{ type: 'webrtc_offer', sdp: 'offer-1+candidates' }]);
  });

  test('ICE failure builds a new session; a transient disconnect only shows reconnecting', async () => {
    const h = await connected();
    h.peers[0].setConnection('disconnected');
    expect(h.phone.snapshot.state).toBe('reconnecting');
    h.peers[0].setConnection('connected');
    expect(h.phone.snapshot.state).toBe('connected');
    h.peers[0].setConnection('failed');
    expect(h.peers).toHaveLength(2);
    expect(h.phone.snapshot.state).toBe('reconnecting');
  });

  test('a server error fails with its code and retries with back-off', async () => {
    const h = harness();
    h.phone.socketOpened();
    await h.phone.start();
    await flush();
    h.peers[0].gatherComplete();
    await flush();
    await h.phone.handleSignal({ type: 'webrtc_error', code: 'media_unavailable', message: 'no media workers' });
    expect(h.phone.snapshot.state).toBe('failed');
    expect(h.phone.snapshot.error).toEqual({ code: 'media_unavailable', message: 'no media workers' });
    expect(h.peers[0].closed).toBe(true);
    // backoffDelay(0, 0, 1000) = 500 ms.
    h.fire(500);
    await flush();
    expect(h.peers).toHaveLength(2);
    expect(h.phone.snapshot.state).toBe('connecting');
  });

  test('a bad answer fails', async () => {
    const h = harness();
    h.phone.socketOpened();
    await h.phone.start();
    await flush();
    h.peers[0].gatherComplete();
    await flush();
    await h.phone.handleSignal({ type: 'webrtc_answer', sdp: 'bad' });
    expect(h.phone.snapshot.state).toBe('failed');
    expect(h.phone.snapshot.error?.code).toBe('webrtc');
  });

  test('no answer within the timeout fails', async () => {
    const h = harness();
    h.phone.socketOpened();
    await h.phone.start();
    await flush();
    h.peers[0].gatherComplete();
    await flush();
    h.fire(15_000);
    expect(h.phone.snapshot.state).toBe('failed');
    expect(h.phone.snapshot.error?.code).toBe('timeout');
  });

  test('stop sends webrtc_hangup, closes the peer and releases the microphone', async () => {
    const h = await connected();
    h.phone.setMuted(true);
    h.phone.stop();
    expect(h.sent.at(-1)).toEqual({ type: 'webrtc_hangup' });
    expect(h.peers[0].closed).toBe(true);
    expect(h.mics[0].track.stopped).toBe(true);
    expect(h.phone.snapshot).toMatchObject({ state: 'no_audio', muted: false });
    expect(h.timers.size).toBe(0);
    // Events after stopping change nothing.
    await h.phone.handleSignal({ type: 'webrtc_error', code: 'x', message: 'y' });
    expect(h.phone.snapshot.state).toBe('no_audio');
  });

  test('stopping before the microphone opened releases it when it arrives', async () => {
    const h = harness();
    const started = h.phone.start();
    h.phone.stop();
    await started;
    expect(h.mics[0].track.stopped).toBe(true);
    expect(h.peers).toHaveLength(0);
  });
});

describe('Softphone microphone', () => {
  test.each([
    ['NotAllowedError', 'mic_denied', 'mic_denied'],
    ['NotFoundError', 'failed', 'no_microphone'],
    ['NotReadableError', 'failed', 'microphone'],
  ])('getUserMedia %s leaves %s (%s)', async (name, state, code) => {
    const h = harness({ micError: { name, message: 'nope' } });
    h.phone.socketOpened();
    await h.phone.start();
    expect(h.phone.snapshot.state).toBe(state);
    expect(h.phone.snapshot.error).toEqual({ code, message: 'nope' });
    expect(h.peers).toHaveLength(0);
  });

  test('a denied microphone is not retried when the socket reconnects, but on retry', async () => {
    const h = harness({ micError: { name: 'NotAllowedError', message: 'denied' } });
    h.phone.socketOpened();
    await h.phone.start();
    h.phone.socketClosed();
    h.phone.socketOpened();
    await flush();
    expect(h.phone.snapshot.state).toBe('mic_denied');
    h.allowMic();
    h.phone.retryNow();
    await flush();
    expect(h.phone.snapshot.state).toBe('connecting');
    expect(h.peers).toHaveLength(1);
  });

  test('mute disables the track; unmute enables it', async () => {
    const h = await connected();
    h.phone.setMuted(true);
    expect(h.mics[0].track.enabled).toBe(false);
    expect(h.phone.snapshot.muted).toBe(true);
    h.phone.setMuted(false);
    expect(h.mics[0].track.enabled).toBe(true);
  });

  test('choosing a microphone replaces the sending track without a new offer', async () => {
    const h = await connected();
    h.phone.setMuted(true);
    const offers = h.sent.length;
    await h.phone.selectInput('usb-headset');
    expect(h.constraints.at(-1)).toEqual(micConstraints('usb-headset'));
    expect(h.peers[0].replaced).toEqual([h.mics[1].track]);
    expect(h.mics[0].track.stopped).toBe(true);
    // Still muted on the new microphone.
    expect(h.mics[1].track.enabled).toBe(false);
    expect(h.sent.length).toBe(offers);
    expect(h.phone.snapshot.inputId).toBe('usb-headset');
  });

  test('the chosen microphone is used when starting', async () => {
    const h = harness();
    await h.phone.selectInput('mic-2');
    await h.phone.start();
    expect(h.constraints).toEqual([micConstraints('mic-2')]);
  });

  test('choosing an output sets the sink', async () => {
    const h = await connected();
    await h.phone.selectOutput('speakers');
    await h.phone.selectOutput(null);
    expect(h.sinks).toEqual(['speakers', '']);
    expect(h.phone.snapshot.outputId).toBeNull();
    expect(h.phone.snapshot.canChooseOutput).toBe(true);
  });
});

describe('audio helpers', () => {
  test.each([
    [[], 0],
    [[0, 0, 0, 0], 0],
    [[0.1, -0.1, 0.1, -0.1], 0.4],
    [[1, -1], 1],
  ])('rmsLevel(%j) = %f', (samples, level) => expect(rmsLevel(samples)).toBeCloseTo(level, 6));

  test.each([
    [0, 0.5, 0.5],
    [0.5, 0.2, 0.45],
    [0.05, 0, 0],
  ])('smoothLevel(%f, %f) = %f', (prev, cur, out) => expect(smoothLevel(prev, cur)).toBeCloseTo(out, 6));

  test.each([
    [-1, false],
    [0, true],
    [999, true],
    [1000, false],
    [4999, false],
    [5000, true],
    [6500, false],
  ])('ringOn(%i) = %s', (ms, on) => expect(ringOn(ms)).toBe(on));

  test('micConstraints', () => {
    expect(micConstraints(null)).toEqual({ audio: true, video: false });
    expect(micConstraints('x').audio).toMatchObject({ deviceId: { exact: 'x' } });
  });

  test('micFailure of a non-error', () => expect(micFailure(undefined)).toEqual({ state: 'failed', code: 'microphone' }));

  test.each([
    ['webrtc_answer', true],
    ['webrtc_state', true],
    ['webrtc_error', true],
    ['presence', false],
  ])('isServerSignal(%s) = %s', (type, yes) => expect(isServerSignal({ type })).toBe(yes));
});

describe('ringSteps', () => {
  test('two cycles of 1 s on, 4 s off', () => {
    expect(ringSteps(10, 2)).toEqual([
      [10, 0.2],
      [11, 0],
      [15, 0.2],
      [16, 0],
    ]);
  });
  test('no cycles, no steps', () => expect(ringSteps(0, 0)).toEqual([]));
});
