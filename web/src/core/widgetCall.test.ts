import { describe, expect, test } from 'vitest';
import type { MicLike, PeerLike, SenderLike, TrackLike } from './softphone';
import { isCallableNumber, WidgetCall, type WidgetCallState } from './widgetCall';

class Track implements TrackLike {
  enabled = true;
  stopped = false;
  readonly kind = 'audio';
  stop() {
    this.stopped = true;
  }
}

class Peer implements PeerLike {
  iceGatheringState: RTCIceGatheringState = 'complete';
  connectionState: RTCPeerConnectionState = 'new';
  signalingState: RTCSignalingState = 'stable';
  localDescription: { sdp: string } | null = null;
  remote: string | null = null;
  closed = false;
  onicegatheringstatechange: ((ev: unknown) => void) | null = null;
  onconnectionstatechange: ((ev: unknown) => void) | null = null;
  ontrack: ((ev: { track: TrackLike; streams: readonly unknown[] }) => void) | null = null;
  addTrack(): SenderLike {
    return { replaceTrack: async () => {} };
  }
  async createOffer() {
    return { type: 'offer' as RTCSdpType, sdp: 'visitor-offer' };
  }
  async setLocalDescription(d: { sdp?: string }) {
    this.localDescription = { sdp: d.sdp ?? '' };
  }
  async setRemoteDescription(d: { sdp: string }) {
    this.remote = d.sdp;
  }
  close() {
    this.closed = true;
  }
  to(s: RTCPeerConnectionState) {
    this.connectionState = s;
    this.onconnectionstatechange?.({});
  }
}

type Req = { method: string; path: string; body?: unknown };

const flush = async () => {
  for (let i = 0; i < 20; i++) await Promise.resolve();
};

function harness(reply: (r: Req) => { status: number; body: unknown } | Promise<{ status: number; body: unknown }>, micError?: string) {
  const peers: Peer[] = [];
  const requests: Req[] = [];
  const track = new Track();
  const timers = new Map<number, { fn: () => void; ms: number }>();
  let n = 1;
  const call = new WidgetCall({
    createPeer: () => {
      const p = new Peer();
      peers.push(p);
      return p;
    },
    getUserMedia: async () => {
      if (micError) throw Object.assign(new Error('no'), { name: micError });
      return { getAudioTracks: () => [track] } as MicLike;
    },
    http: {
      request: async (method, path, body) => {
        const r = { method, path, body };
        requests.push(r);
        return reply(r);
      },
    },
    onRemoteStream: () => {},
    setTimer: (fn, ms) => {
      timers.set(n, { fn, ms });
      return n++;
    },
    clearTimer: (id) => void timers.delete(id as number),
    now: () => 42,
  });
  const states: WidgetCallState[] = [];
  call.subscribe((s) => {
    if (states.at(-1) !== s.state) states.push(s.state);
  });
  const fire = (ms: number) => {
    const e = [...timers.entries()].find(([, t]) => t.ms === ms);
    if (!e) throw new Error(`no ${ms} ms timer`);
    timers.delete(e[0]);
    e[1].fn();
  };
  return { call, peers, requests, track, states, timers, fire };
}

const created = () => ({ status: 201, body: { call_id: 'c1', sdp: 'server-answer' } });
const ok = (r: Req) => (r.method === 'POST' && r.path === '/api/v1/widget/calls' ? created() : { status: 204, body: null });

describe('WidgetCall', () => {
  test('idle → calling → connected → ended by the visitor', async () => {
    const h = harness(ok);
    await h.call.call('4008000000');
    expect(h.requests[0]).toEqual({ method: 'POST', path: '/api/v1/widget/calls', body: { number: '4008000000', sdp: 'visitor-offer' } });
    expect(h.peers[0].remote).toBe('server-answer');
    expect(h.call.snapshot).toMatchObject({ state: 'calling', callId: 'c1' });
    h.peers[0].to('connected');
    expect(h.call.snapshot).toMatchObject({ state: 'connected', connectedAt: 42 });
    await h.call.dtmf('1');
    await h.call.dtmf('x');
    expect(h.requests[1]).toEqual({ method: 'POST', path: '/api/v1/widget/calls/c1/dtmf', body: { digit: '1' } });
    expect(h.requests).toHaveLength(2);
    expect(h.call.snapshot.digits).toBe('1');
    h.call.hangup();
    expect(h.requests[2]).toMatchObject({ method: 'DELETE', path: '/api/v1/widget/calls/c1' });
    expect(h.call.snapshot).toMatchObject({ state: 'ended', endedBy: 'visitor' });
    expect(h.peers[0].closed).toBe(true);
    expect(h.track.stopped).toBe(true);
    expect(h.states).toEqual(['calling', 'connected', 'ended']);
    h.call.reset();
    expect(h.call.snapshot.state).toBe('idle');
  });

  test.each([
    [{ status: 404, body: { error: { code: 'not_found', message: 'no such number' } } }, 'not_found'],
    [{ status: 503, body: { error: { code: 'unavailable', message: 'down' } } }, 'unavailable'],
    [{ status: 503, body: { error: { code: 'call_limit', message: 'all lines busy' } } }, 'call_limit'],
    [{ status: 502, body: 'Bad Gateway' }, 'internal'],
    [{ status: 201, body: { call_id: 'c1' } }, 'bad_answer'],
  ])('a POST answered %j fails with %s', async (res, code) => {
    const h = harness(() => res);
    await h.call.call('4008000000');
    expect(h.call.snapshot.state).toBe('failed');
    expect(h.call.snapshot.error?.code).toBe(code);
    expect(h.peers[0].closed).toBe(true);
  });

  test('a network error fails', async () => {
    const h = harness(() => {
      throw new Error('offline');
    });
    await h.call.call('4008000000');
    expect(h.call.snapshot.error).toEqual({ code: 'network', message: 'offline' });
  });

  test.each([
    ['NotAllowedError', 'mic_denied'],
    ['NotFoundError', 'no_microphone'],
  ])('a microphone %s fails with %s before any request', async (name, code) => {
    const h = harness(ok, name);
    await h.call.call('4008000000');
    expect(h.call.snapshot.error?.code).toBe(code);
    expect(h.requests).toHaveLength(0);
  });

  test('an invalid number fails at once', async () => {
    const h = harness(ok);
    await h.call.call('help');
    expect(h.call.snapshot.error?.code).toBe('invalid_number');
  });

  test('the far end ending the connection ends the call', async () => {
    const h = harness(ok);
    await h.call.call('4008000000');
    h.peers[0].to('connected');
    h.peers[0].to('failed');
    expect(h.call.snapshot).toMatchObject({ state: 'ended', endedBy: 'remote' });
  });

  test('a disconnect ends the call after the grace period unless it recovers', async () => {
    const h = harness(ok);
    await h.call.call('4008000000');
    h.peers[0].to('connected');
    h.peers[0].to('disconnected');
    h.peers[0].to('connected');
    h.peers[0].to('disconnected');
    h.fire(5000);
    expect(h.call.snapshot).toMatchObject({ state: 'ended', endedBy: 'remote' });
    expect(h.requests.at(-1)).toMatchObject({ method: 'DELETE' });
  });

  test('no connection after the answer times out and deletes the call', async () => {
    const h = harness(ok);
    await h.call.call('4008000000');
    h.fire(15_000);
    expect(h.call.snapshot.error?.code).toBe('timeout');
    expect(h.requests.at(-1)).toMatchObject({ method: 'DELETE', path: '/api/v1/widget/calls/c1' });
  });

  test('DTMF on a call the server no longer has ends it', async () => {
    const h = harness((r) => (r.path.endsWith('/dtmf') ? { status: 404, body: { error: { code: 'not_found', message: '' } } } : ok(r)));
    await h.call.call('4008000000');
    h.peers[0].to('connected');
    await h.call.dtmf('2');
    expect(h.call.snapshot).toMatchObject({ state: 'ended', endedBy: 'remote' });
  });

  test('hanging up while the POST is pending deletes the call it creates', async () => {
    let release: (v: { status: number; body: unknown }) => void = () => {};
    const h = harness((r) => (r.method === 'POST' ? new Promise((res) => (release = res)) : { status: 204, body: null }));
    const calling = h.call.call('4008000000');
    await flush();
    h.call.hangup();
    expect(h.call.snapshot.state).toBe('ended');
    release(created());
    await calling;
    await flush();
    expect(h.requests.at(-1)).toMatchObject({ method: 'DELETE', path: '/api/v1/widget/calls/c1' });
    expect(h.call.snapshot.state).toBe('ended');
  });

  test('mute', async () => {
    const h = harness(ok);
    await h.call.call('4008000000');
    h.call.setMuted(true);
    expect(h.track.enabled).toBe(false);
    h.call.setMuted(false);
    expect(h.track.enabled).toBe(true);
  });

  test.each([
    ['4008000000', true],
    ['+8610123', true],
    ['12', false],
    ['400-800', false],
  ])('isCallableNumber(%s) = %s', (n, yes) => expect(isCallableNumber(n)).toBe(yes));
});
