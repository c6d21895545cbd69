// Browser audio end to end (SPEC §3): agent 1001 signs in with browser audio and goes idle; a
// customer (sipp, with RTP) calls the demo hotline and presses 1 for Sales. The phone bar rings
// (tone in the page), pops the caller, the dialed number and the group; the agent answers in the
// browser and hears the customer (audio energy of the inbound RTP rises, and the remote <audio>
// element's stream is not silent); the agent's microphone is sent; the agent hangs up, goes to
// after-call work, then idle, and today's calls count the call.
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { demoAccounts, startPatchbay } from '../lib/server.mjs';
import { shot } from '../lib/browser.mjs';
import { startCaller } from '../lib/peers.mjs';
import {
  audioStats,
  launchWithFakeAudio,
  login,
  newContext,
  remoteLevel,
  ringTones,
  signInWithBrowserAudio,
  toneWav,
  waitForIncomingAudio,
  waitForOutgoingAudio,
} from './lib.mjs';

let server;
let browser;
let caller;

before(async () => {
  server = await startPatchbay();
  browser = await launchWithFakeAudio(toneWav(600));
});

after(async () => {
  await caller?.stop();
  await browser?.close();
  await server?.stop();
});

test('agent 1001 answers a queued call in the browser and hears the caller', async () => {
  const account = demoAccounts(server.dataDir).find((a) => a.workId === '1001');
  const context = await newContext(browser, server.base);
  const page = await context.newPage();
  await login(page, server.base, account);
  await signInWithBrowserAudio(page);
  // The agent's skill groups are on the phone bar.
  await page.getByTestId('phonebar-groups').getByText('Sales 销售').waitFor();
  assert.equal(await page.getByTestId('remote-audio').count(), 1);
  await shot(page, '60-webrtc-idle');

  caller = startCaller(server.sipPort, '4008000000', '../webrtc/scenarios/caller_talks.xml');
  const status = page.getByTestId('phone-status');
  const pop = page.getByTestId('ringing-pop');
  await pop.waitFor({ timeout: 30_000 });
  await status.filter({ hasText: 'Ringing' }).waitFor();
  assert.equal((await page.getByTestId('ringing-caller').innerText()).trim(), '13800138000');
  assert.equal((await page.getByTestId('ringing-number').innerText()).trim(), '13800138000');
  assert.equal((await page.getByTestId('ringing-dialed').innerText()).trim(), '4008000000');
  assert.equal((await page.getByTestId('ringing-group').innerText()).trim(), 'Sales 销售');
  // Name and location come from the server; "unknown" when it has none.
  assert.ok((await page.getByTestId('ringing-location').innerText()).trim().length > 0);
  assert.ok((await page.getByTestId('ringing-calls').innerText()).trim().length > 0);
  const tones = await ringTones(page);
  assert.ok(tones.some((o) => o.hz === 450), `a 450 Hz ringing tone plays: ${JSON.stringify(tones)}`);
  await shot(page, '61-webrtc-ringing');

  await page.getByTestId('answer-call').click();
  await page.getByTestId('talking').waitFor();
  await status.filter({ hasText: 'On a call' }).waitFor();
  assert.equal((await page.getByTestId('talking-caller').innerText()).trim(), '13800138000');
  assert.equal((await page.getByTestId('talking-dialed').innerText()).trim(), '4008000000');
  // The ringing tone stopped.
  assert.ok((await ringTones(page)).every((o) => o.stopped), 'the ringing tone stops on answer');

  // The customer's speech reaches the browser, and the agent's microphone goes out.
  const heard = await waitForIncomingAudio(page);
  assert.ok(heard.after.peers === 1, `one peer connection for the session: ${JSON.stringify(heard.after)}`);
  const level = await remoteLevel(page, 'remote-audio');
  assert.ok(level > 0.005, `the remote audio element plays sound (RMS ${level})`);
  await waitForOutgoingAudio(page);
  // Mute is local: the track is disabled, the session stays.
  await page.getByTestId('talking-mute').click();
  await page.getByTestId('talking-mute').filter({ hasText: 'Unmute' }).waitFor();
  await page.getByTestId('talking-mute').click();
  await shot(page, '62-webrtc-talking');

  await page.getByTestId('hangup').click();
  await status.filter({ hasText: 'After-call work' }).waitFor({ timeout: 10_000 });
  await page.getByTestId('ended-pop').waitFor();
  assert.equal((await page.getByTestId('ended-caller').innerText()).trim(), '13800138000');
  await status.filter({ hasText: 'Idle' }).waitFor({ timeout: 15_000 });
  await page.getByTestId('today-calls').filter({ hasText: '1' }).waitFor();
  // The media session stays up for the next call.
  await page.locator('[data-testid="audio-state"][data-state="connected"]').waitFor();
  assert.equal((await audioStats(page)).peers, 1);
  const { code, output } = await caller.done;
  assert.equal(code, 0, `sipp got the BYE and answered it:\n${output.slice(-2000)}`);
  caller = null;
  await shot(page, '63-webrtc-after-call');
  // The call's recording holds the browser's microphone (600 Hz) on the agent (right) channel.
  const dir = join(server.dataDir, 'recordings');
  const newest = readdirSync(dir).filter((f) => f.endsWith('.wav')).sort().pop();
  const { left, right } = stereoWav(readFileSync(join(dir, newest)));
  const ratio = loudestSecondRatio(right, 600, 1_500);
  assert.ok(ratio > 100, `agent channel 600 Hz/1.5 kHz power ratio ${ratio}`);
  assert.ok(rms(left) > 100, 'the customer side is recorded on the left');
  await context.close();
});

/** The two channels of a 16-bit stereo WAV (the data chunk found by name). */
function stereoWav(buf) {
  let at = 12;
  while (buf.toString('ascii', at, at + 4) !== 'data') at += 8 + buf.readUInt32LE(at + 4);
  const len = Math.min(buf.readUInt32LE(at + 4), buf.length - at - 8);
  const left = [];
  const right = [];
  for (let i = at + 8; i + 3 < at + 8 + len; i += 4) {
    left.push(buf.readInt16LE(i));
    right.push(buf.readInt16LE(i + 2));
  }
  return { left, right };
}

function power(x, hz, rate = 8_000) {
  const k = 2 * Math.cos((2 * Math.PI * hz) / rate);
  let a = 0;
  let b = 0;
  for (const v of x) [a, b] = [v + k * a - b, a];
  return a * a + b * b - k * a * b;
}

/** Power at `hz` over power at `other` in the loudest second. */
function loudestSecondRatio(x, hz, other) {
  let best = [];
  let bestRms = -1;
  for (let i = 0; i + 8_000 <= x.length; i += 4_000) {
    const s = x.slice(i, i + 8_000);
    const r = rms(s);
    if (r > bestRms) [best, bestRms] = [s, r];
  }
  return power(best, hz) / Math.max(power(best, other), 1);
}

function rms(x) {
  return Math.sqrt(x.reduce((t, v) => t + v * v, 0) / Math.max(x.length, 1));
}
