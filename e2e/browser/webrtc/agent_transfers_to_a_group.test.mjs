// Blind transfer to a skill group (SPEC §3): a customer (sipp signalling, the test's media)
// presses 1 for Sales; agent 1001 (browser, microphone 600 Hz) answers, then transfers the
// customer to Support from the phone bar. 1001 is off the call (after-call work, the ended
// pop); agent 1002 (another browser, microphone 800 Hz), idle in Support, rings, answers and
// talks: the customer now hears 800 Hz and 1002 hears the customer.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { startPatchbay } from '../lib/server.mjs';
import { shot } from '../lib/browser.mjs';
import { agentPage, eventually, launchWithFakeAudio, remoteLevel, toneWav, pickEnabled } from './lib.mjs';
import { customerRingsAgent } from './rtp_customer.mjs';

let server;
let browser1001;
let browser1002;
let caller;
let media;

before(async () => {
  server = await startPatchbay();
  browser1001 = await launchWithFakeAudio(toneWav(600));
  browser1002 = await launchWithFakeAudio(toneWav(800));
});

after(async () => {
  media?.stop();
  await caller?.stop();
  await browser1001?.close();
  await browser1002?.close();
  await server?.stop();
});

test('agent 1001 transfers the customer to Support, where agent 1002 answers and talks', async (t) => {
  const a = await agentPage(server, browser1001, '1001');
  ({ media, caller } = await customerRingsAgent(server, a.page));
  await a.page.getByTestId('answer-call').click();
  await a.page.getByTestId('talking').waitFor();
  await eventually(() => media.hear(1_000, 600), (h) => h.ratio > 100, { timeout: 15_000, what: 'the customer hears 1001' });

  // 1002 comes online now, so the call went to 1001 and Support has someone idle.
  const b = await agentPage(server, browser1002, '1002');
  await b.page.getByTestId('phone-status').filter({ hasText: 'Idle' }).waitFor();

  await a.page.getByTestId('transfer').click();
  await pickEnabled(a.page, a.page.locator('[data-testid^="transfer-to-"]', { hasText: 'Support' }));
  await a.page.getByTestId('ended-pop').waitFor({ timeout: 10_000 });
  await a.page.getByTestId('phone-status').filter({ hasText: 'After-call work' }).waitFor({ timeout: 10_000 });
  assert.equal(await a.page.getByTestId('talking').count(), 0, '1001 is off the call');

  await b.page.getByTestId('ringing-pop').waitFor({ timeout: 20_000 });
  assert.equal((await b.page.getByTestId('ringing-caller').innerText()).trim(), '13800138000');
  await b.page.getByTestId('answer-call').click();
  await b.page.getByTestId('talking').waitFor();
  const now1002 = await eventually(() => media.hear(1_000, 800), (h) => h.ratio > 100, {
    timeout: 15_000,
    what: 'the customer hears 1002',
  });
  assert.ok(now1002.rms > 300, JSON.stringify(now1002));
  t.diagnostic(`after the transfer the customer hears 1002's 800 Hz: ${JSON.stringify(now1002)}`);
  const not1001 = media.measure(Date.now() - 1_000, Date.now(), 600);
  assert.ok(not1001.ratio < 20, `the customer no longer hears 1001: ${JSON.stringify(not1001)}`);
  await eventually(() => remoteLevel(b.page, 'remote-audio'), (l) => l > 0.005, { timeout: 10_000, what: '1002 hears the customer' });
  await shot(b.page, '67-webrtc-transferred-in');

  await b.page.getByTestId('hangup').click();
  await b.page.getByTestId('ended-pop').waitFor();
  const { code, output } = await caller.done;
  assert.equal(code, 0, `sipp got the BYE and answered it:\n${output.slice(-2000)}`);
  caller = null;

  // The record names the agent who finished the call, answered.
  const records = await b.page.evaluate(async () => (await fetch('/api/v1/calls?page_size=5')).json());
  const items = records.items ?? records;
  const rec = items.find((r) => r.caller === '13800138000');
  assert.ok(rec, JSON.stringify(records).slice(0, 500));
  assert.equal(rec.result, 'answered');
  await a.context.close();
  await b.context.close();
});
