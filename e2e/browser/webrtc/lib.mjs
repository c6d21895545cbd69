// Helpers for the WebRTC browser tests: Chromium with a fake microphone playing a tone, audio
// allowed to play, every RTCPeerConnection and oscillator of the page recorded so the tests can
// read the audio levels (getStats) and see the ringing tone.
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { launch } from '../lib/browser.mjs';
import { demoAccounts } from '../lib/server.mjs';

export { eventually } from '../lib/wait.mjs';

/** A mono 16-bit PCM WAV of a sine tone (`hz`, `seconds`, amplitude 0–1). */
export function toneWav(hz = 600, seconds = 5, amplitude = 0.5, rate = 48_000) {
  const n = Math.round(seconds * rate);
  const data = Buffer.alloc(n * 2);
  for (let i = 0; i < n; i++) data.writeInt16LE(Math.round(Math.sin((2 * Math.PI * hz * i) / rate) * amplitude * 32767), i * 2);
  const header = Buffer.alloc(44);
  header.write('RIFF', 0);
  header.writeUInt32LE(36 + data.length, 4);
  header.write('WAVE', 8);
  header.write('fmt ', 12);
  header.writeUInt32LE(16, 16);
  header.writeUInt16LE(1, 20); // PCM
  header.writeUInt16LE(1, 22); // mono
  header.writeUInt32LE(rate, 24);
  header.writeUInt32LE(rate * 2, 28);
  header.writeUInt16LE(2, 32);
  header.writeUInt16LE(16, 34);
  header.write('data', 36);
  header.writeUInt32LE(data.length, 40);
  const file = join(mkdtempSync(join(tmpdir(), 'patchbay-tone-')), `tone-${hz}.wav`);
  writeFileSync(file, Buffer.concat([header, data]));
  return file;
}

/** Chromium whose microphone plays `wav` (looped), with autoplay allowed. */
export function launchWithFakeAudio(wav) {
  return launch([
    '--use-fake-ui-for-media-stream',
    '--use-fake-device-for-media-stream',
    `--use-file-for-fake-audio-capture=${wav}`,
    '--autoplay-policy=no-user-gesture-required',
  ]);
}

/** Recorded in every page before its scripts run. */
const INIT = () => {
  const peers = [];
  const Orig = window.RTCPeerConnection;
  window.RTCPeerConnection = function (...args) {
    const pc = new Orig(...args);
    peers.push(pc);
    return pc;
  };
  window.RTCPeerConnection.prototype = Orig.prototype;
  Object.setPrototypeOf(window.RTCPeerConnection, Orig);
  window.__pbPeers = peers;
  const oscillators = [];
  const createOscillator = AudioContext.prototype.createOscillator;
  AudioContext.prototype.createOscillator = function () {
    const osc = createOscillator.call(this);
    const rec = { hz: osc.frequency.value, started: false, stopped: false };
    const start = osc.start.bind(osc);
    const stop = osc.stop.bind(osc);
    osc.start = (...a) => {
      rec.hz = osc.frequency.value;
      rec.started = true;
      return start(...a);
    };
    osc.stop = (...a) => {
      rec.stopped = true;
      return stop(...a);
    };
    oscillators.push(rec);
    return osc;
  };
  window.__pbOscillators = oscillators;
};

/** A context (English UI) with the microphone allowed and the recorders installed. */
export async function newContext(browser, base) {
  const context = await browser.newContext({ locale: 'en-US', permissions: ['microphone'] });
  await context.grantPermissions(['microphone'], { origin: base });
  await context.addInitScript(INIT);
  return context;
}

/** Signs `account` in on the login page. */
export async function login(page, base, account) {
  await page.goto(`${base}/login`);
  await page.getByLabel('Enterprise code').fill(account.enterprise);
  await page.getByLabel('Work ID').fill(account.workId);
  await page.getByLabel('Password').fill(account.password);
  await page.getByTestId('login-submit').click();
  await page.getByTestId('phone-bar').waitFor();
}

/**
 * A page of `workId` (a demo account of `server`, or an account `{ enterprise, workId,
 * password }`) in its own context of `browser`, signed in to the web app and, unless `signIn`
 * is false, to the phone bar with browser audio (idle).
 */
export async function agentPage(server, browser, workId, { signIn = true } = {}) {
  const account = typeof workId === 'object' ? workId : demoAccounts(server.dataDir).find((a) => a.workId === workId);
  const context = await newContext(browser, server.base);
  const page = await context.newPage();
  await login(page, server.base, account);
  if (signIn) await signInWithBrowserAudio(page);
  return { context, page };
}

/** Chooses browser audio, signs in, waits for the audio, goes idle. */
export async function signInWithBrowserAudio(page) {
  const status = page.getByTestId('phone-status');
  await status.filter({ hasText: 'Signed out' }).waitFor();
  await page.getByTestId('audio-mode-browser').click();
  await page.getByTestId('sign-in').click();
  await status.filter({ hasText: 'Busy' }).waitFor();
  await audioConnected(page);
  await page.getByTestId('phone-idle').click();
  await status.filter({ hasText: 'Idle' }).waitFor();
}

export async function audioConnected(page, timeout = 20_000) {
  await page.locator('[data-testid="audio-state"][data-state="connected"]').waitFor({ timeout });
}

/**
 * The audio of the page's live peer connections: what arrives (inbound-rtp: packets, total
 * audio energy, audio level) and what leaves (outbound-rtp packets).
 */
export async function audioStats(page) {
  return page.evaluate(async () => {
    const out = { peers: 0, packetsReceived: 0, totalAudioEnergy: 0, audioLevel: 0, packetsSent: 0 };
    for (const pc of window.__pbPeers ?? []) {
      if (pc.connectionState === 'closed') continue;
      out.peers++;
      const stats = await pc.getStats();
      stats.forEach((s) => {
        if (s.type === 'inbound-rtp' && s.kind === 'audio') {
          out.packetsReceived += s.packetsReceived ?? 0;
          out.totalAudioEnergy += s.totalAudioEnergy ?? 0;
          out.audioLevel = Math.max(out.audioLevel, s.audioLevel ?? 0);
        }
        if (s.type === 'outbound-rtp' && s.kind === 'audio') out.packetsSent += s.packetsSent ?? 0;
      });
    }
    return out;
  });
}

/** The loudness (RMS, 0–1) of the remote audio element's stream, through a WebAudio analyser. */
export async function remoteLevel(page, testId) {
  return page.evaluate(async (id) => {
    const el = document.querySelector(`[data-testid="${id}"]`);
    const stream = el?.srcObject;
    if (!stream || stream.getAudioTracks().length === 0) return 0;
    const ctx = new AudioContext();
    await ctx.resume();
    const src = ctx.createMediaStreamSource(stream);
    const an = ctx.createAnalyser();
    an.fftSize = 2048;
    src.connect(an);
    const buf = new Float32Array(an.fftSize);
    let max = 0;
    for (let i = 0; i < 20; i++) {
      await new Promise((r) => setTimeout(r, 50));
      an.getFloatTimeDomainData(buf);
      let sum = 0;
      for (const v of buf) sum += v * v;
      max = Math.max(max, Math.sqrt(sum / buf.length));
    }
    await ctx.close();
    return max;
  }, testId);
}

/**
 * Waits until audio is heard: the inbound audio energy grows by more than `minEnergy` over a
 * second and packets keep arriving. Returns the last two samples.
 */
export async function waitForIncomingAudio(page, { timeout = 15_000, minEnergy = 0.001 } = {}) {
  const deadline = Date.now() + timeout;
  let a = await audioStats(page);
  for (;;) {
    await new Promise((r) => setTimeout(r, 1000));
    const b = await audioStats(page);
    if (b.packetsReceived > a.packetsReceived && b.totalAudioEnergy - a.totalAudioEnergy > minEnergy) return { before: a, after: b };
    if (Date.now() > deadline) throw new Error(`no incoming audio: ${JSON.stringify({ before: a, after: b })}`);
    a = b;
  }
}

/** Waits until the page sends audio (outbound packets grow). */
export async function waitForOutgoingAudio(page, timeout = 10_000) {
  const deadline = Date.now() + timeout;
  const a = await audioStats(page);
  for (;;) {
    await new Promise((r) => setTimeout(r, 500));
    const b = await audioStats(page);
    if (b.packetsSent > a.packetsSent + 10) return b;
    if (Date.now() > deadline) throw new Error(`no outgoing audio: ${JSON.stringify({ before: a, after: b })}`);
  }
}

/** The ringing tone as the page played it: oscillators started at 450 Hz. */
export async function ringTones(page) {
  return page.evaluate(() => (window.__pbOscillators ?? []).filter((o) => o.started));
}

/** Raw G.711 A-law samples (8 kHz, no header) of a sine tone: audio a sipp `rtp_stream` plays as PCMA. */
export function alawTone(hz = 1000, seconds = 10, amplitude = 0.5) {
  const SEG_END = [0x1f, 0x3f, 0x7f, 0xff, 0x1ff, 0x3ff, 0x7ff, 0xfff];
  const encode = (sample) => {
    let pcm = sample >> 3;
    let mask = 0xd5;
    if (pcm < 0) {
      mask = 0x55;
      pcm = -pcm - 1;
    }
    const seg = SEG_END.findIndex((end) => pcm <= end);
    if (seg < 0) return 0x7f ^ mask;
    return ((seg << 4) | ((seg < 2 ? pcm >> 1 : pcm >> seg) & 0x0f)) ^ mask;
  };
  const n = Math.round(seconds * 8000);
  const out = Buffer.alloc(n);
  for (let i = 0; i < n; i++) out[i] = encode(Math.round(Math.sin((2 * Math.PI * hz * i) / 8000) * amplitude * 32767));
  return out;
}

/**
 * Starts sampling the spectrum of the remote `<audio>` element's stream (data-testid `testId`)
 * every 50 ms: the level in dB at each of `freqs`. Read it with `toneSamples`.
 */
export async function startToneMonitor(page, testId, freqs) {
  await page.evaluate(
    async ({ id, freqs }) => {
      const stream = document.querySelector(`[data-testid="${id}"]`)?.srcObject;
      if (!stream || stream.getAudioTracks().length === 0) throw new Error(`no remote stream on ${id}`);
      const ctx = new AudioContext();
      await ctx.resume();
      const an = ctx.createAnalyser();
      an.fftSize = 4096;
      an.smoothingTimeConstant = 0;
      ctx.createMediaStreamSource(stream).connect(an);
      const buf = new Float32Array(an.frequencyBinCount);
      const hzPerBin = ctx.sampleRate / an.fftSize;
      // The strongest of the bins around each frequency.
      const level = (hz) => {
        const b = Math.round(hz / hzPerBin);
        return Math.max(buf[b - 1], buf[b], buf[b + 1]);
      };
      const samples = [];
      const timer = setInterval(() => {
        an.getFloatFrequencyData(buf);
        samples.push({ t: Date.now(), db: Object.fromEntries(freqs.map((f) => [f, level(f)])) });
      }, 50);
      window.__pbToneMonitor = { samples, stop: () => (clearInterval(timer), ctx.close()) };
    },
    { id: testId, freqs },
  );
}

/** The tone monitor's samples since `since` (ms since the epoch, the page's clock). */
export async function toneSamples(page, since = 0) {
  return page.evaluate((since) => (window.__pbToneMonitor?.samples ?? []).filter((s) => s.t >= since), since);
}

/**
 * Waits until the tone monitor hears `hz` at least `margin` dB above `otherHz` (and above
 * -70 dB) in a sample taken at or after `since`; returns that sample.
 */
export async function waitForTone(page, hz, otherHz, { since = 0, timeout = 10_000, margin = 20 } = {}) {
  const deadline = Date.now() + timeout;
  for (;;) {
    const samples = await toneSamples(page, since);
    const hit = samples.find((s) => s.db[hz] > -70 && s.db[hz] - s.db[otherHz] >= margin);
    if (hit) return hit;
    if (Date.now() > deadline) {
      const best = samples.reduce((a, s) => (!a || s.db[hz] - s.db[otherHz] > a.db[hz] - a.db[otherHz] ? s : a), null);
      throw new Error(`no ${hz} Hz tone above ${otherHz} Hz in ${samples.length} samples; best: ${JSON.stringify(best)}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** A 16-bit PCM WAV's sample rate and channels (arrays of numbers). */
export function readWav(buf) {
  let off = 12;
  let fmt = null;
  while (off + 8 <= buf.length) {
    const id = buf.toString('ascii', off, off + 4);
    const len = buf.readUInt32LE(off + 4);
    if (id === 'fmt ') fmt = { channels: buf.readUInt16LE(off + 10), rate: buf.readUInt32LE(off + 12), bits: buf.readUInt16LE(off + 22) };
    if (id === 'data') {
      if (!fmt || fmt.bits !== 16) throw new Error(`not a 16-bit PCM WAV: ${JSON.stringify(fmt)}`);
      const end = Math.min(buf.length, off + 8 + len);
      const channels = Array.from({ length: fmt.channels }, () => []);
      for (let i = off + 8, k = 0; i + 1 < end; i += 2, k++) channels[k % fmt.channels].push(buf.readInt16LE(i));
      return { rate: fmt.rate, channels };
    }
    off += 8 + len + (len % 2);
  }
  throw new Error('no data chunk in the WAV');
}

/** Goertzel power of `hz` in `x` (samples at `rate`). */
export function tonePower(x, hz, rate) {
  const k = 2 * Math.cos((2 * Math.PI * hz) / rate);
  let a = 0;
  let b = 0;
  for (const v of x) [a, b] = [v + k * a - b, a];
  return a * a + b * b - k * a * b;
}

/** Linear samples of G.711 A-law bytes. */
export function alawDecode(bytes) {
  const out = new Array(bytes.length);
  for (let i = 0; i < bytes.length; i++) {
    const a = bytes[i] ^ 0x55;
    const seg = (a & 0x70) >> 4;
    let t = (a & 0x0f) << 4;
    t = seg === 0 ? t + 8 : seg === 1 ? t + 0x108 : (t + 0x108) << (seg - 1);
    out[i] = a & 0x80 ? t : -t;
  }
  return out;
}

/** RMS level of `x`. */
export function rms(x) {
  return Math.sqrt(x.reduce((s, v) => s + v * v, 0) / Math.max(1, x.length));
}

/** Signs in over the API; returns a function calling the API as that user. */
/** Clicks the menu item holding `target` (a locator inside it) once it is enabled: the phone
 * bar reloads colleagues' availability when its Transfer or Consult menu opens, so an item may
 * show "busy" for a moment after the menu appears. */
export async function pickEnabled(page, target, timeout = 10_000) {
  const item = page.locator('li[role="menuitem"]:not([aria-disabled="true"])').filter({ has: target });
  await item.waitFor({ timeout });
  // The menu slides in (antd's motion classes and a CSS animation). Playwright waits for a
  // steady box, but a box measured before the animation starts moves under the pointer: the
  // click lands on the group title above the item and nothing happens. Click once it is still.
  await item.evaluate(
    (el) =>
      new Promise((resolve) => {
        const still = () => {
          const menu = el.closest('.ant-dropdown') ?? el;
          return !/-(appear|enter|leave)/.test(menu.className) && menu.getAnimations({ subtree: true }).length === 0;
        };
        const wait = () => (still() ? resolve() : requestAnimationFrame(wait));
        wait();
      }),
  );
  await item.click({ timeout });
}

export async function apiAs(base, account) {
  const r = await fetch(`${base}/api/v1/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ enterprise: account.enterprise, work_id: account.workId, password: account.password }),
  });
  assert.equal(r.status, 200, `${account.workId} signs in`);
  const { token } = await r.json();
  const api = async (method, path, body) => {
    const res = await fetch(`${base}/api/v1${path}`, {
      method,
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    return { status: res.status, body: text ? JSON.parse(text) : null };
  };
  api.bytes = async (path) => {
    const res = await fetch(`${base}/api/v1${path}`, { headers: { authorization: `Bearer ${token}` } });
    assert.equal(res.status, 200, `GET ${path}`);
    return Buffer.from(await res.arrayBuffer());
  };
  return api;
}

/** Adds a peer trunk (PCMA, no pings) to the sipp carrier on 127.0.0.1:`port` as `admin`. */
export async function addCarrierTrunk(admin, port) {
  const trunk = await admin('POST', '/trunks', {
    name: 'sipp carrier',
    mode: 'peer',
    host: '127.0.0.1',
    port,
    allowed_sources: ['127.0.0.1'],
    codecs: ['PCMA'],
    keepalive: false,
  });
  assert.equal(trunk.status, 201, JSON.stringify(trunk.body));
  return trunk.body;
}

/**
 * The sales line: a number (4001230001) on `trunk` whose IVR queues every call in the demo's
 * Sales group, added as `admin`.
 */
export async function addSalesLine(admin, trunk) {
  const number = await admin('POST', '/numbers', { number: '4001230001', trunk_id: trunk.id, service: 'ivr', description: 'sales line' });
  assert.equal(number.status, 201, JSON.stringify(number.body));
  const groups = await admin('GET', '/skill-groups');
  const sales = (groups.body.items ?? groups.body).find((g) => g.name.startsWith('Sales'));
  const flow = { start: 'q', steps: { q: { type: 'queue', group_id: sales.id } } };
  const set = await admin('PUT', `/numbers/${number.body.id}/flow`, { flow });
  assert.equal(set.status, 200, JSON.stringify(set.body));
  return number.body;
}
