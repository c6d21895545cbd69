// Consult a number outside, then complete the transfer (SPEC §3): the enterprise has a carrier
// trunk (sipp) with the sales line 4001230001. A customer (1 kHz) calls it; agent 1001 (browser,
// 600 Hz) answers and consults 13900139000 from the phone bar. Patchbay calls it through the
// carrier showing 4001230001; while it rings and while 1001 talks with it (the carrier's
// 1.4 kHz), the customer hears hold music. 1001 completes the transfer: 1001 goes to after-call
// work, the customer and the carrier hear each other; the carrier hangs up and the customer
// gets the BYE.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { demoAccounts, freePort, startPatchbay } from '../lib/server.mjs';
import { shot } from '../lib/browser.mjs';
import { startCarrier } from '../lib/peers.mjs';
import { addCarrierTrunk, addSalesLine, agentPage, alawTone, apiAs, eventually, launchWithFakeAudio, startToneMonitor, toneWav, waitForTone, pickEnabled } from './lib.mjs';
import { customerRingsAgent } from './rtp_customer.mjs';

let server;
let browser;
let caller;
let media;
let carrier;

before(async () => {
  server = await startPatchbay();
  browser = await launchWithFakeAudio(toneWav(600));
});

after(async () => {
  media?.stop();
  await caller?.stop();
  await carrier?.stop();
  await browser?.close();
  await server?.stop();
});

test('agent 1001 consults a number through the carrier, then hands the customer over', async (t) => {
  const accounts = demoAccounts(server.dataDir);
  const admin = await apiAs(server.base, accounts.find((a) => a.workId === 'admin'));
  const port = await freePort();
  carrier = startCarrier(port, '../webrtc/scenarios/carrier_consulted.xml', {
    mediaPort: await freePort(),
    files: { 'carrier-tone.al': alawTone(1400, 30) },
  });
  await carrier.ready;
  await addSalesLine(admin, await addCarrierTrunk(admin, port));

  const { context, page } = await agentPage(server, browser, '1001');
  ({ media, caller } = await customerRingsAgent(server, page, { number: '4001230001' }));
  await page.getByTestId('answer-call').click();
  await page.getByTestId('talking').waitFor();
  await eventually(() => media.hear(1_000, 600), (h) => h.ratio > 100, { timeout: 15_000, what: 'the customer hears 1001' });

  await startToneMonitor(page, 'remote-audio', [600, 1000, 1400]);
  await page.getByTestId('consult-button').click();
  await pickEnabled(page, page.getByTestId('consult-number'));
  await page.getByTestId('consult-number-input').fill('13900139000');
  const consultedAt = Date.now();
  await page.getByTestId('consult-number-go').click();
  await page.locator('[data-testid="consult"][data-state="ringing"]').waitFor({ timeout: 10_000 });
  await page.locator('[data-testid="consult"][data-state="talking"]').waitFor({ timeout: 15_000 });
  // 1001 hears the carrier; the customer hears music, neither 1001 nor the carrier.
  const heard = await waitForTone(page, 1400, 1000, { since: consultedAt, timeout: 10_000 });
  const held = await media.hear(1_500, 1400);
  const held600 = media.measure(Date.now() - 1_500, Date.now(), 600);
  t.diagnostic(`consulting: 1001 hears the carrier ${JSON.stringify(heard.db)} dB; the customer rms ${held.rms}, 1.4 kHz ×${held.ratio}, 600 Hz ×${held600.ratio}`);
  assert.ok(held.rms > 300 && held.ratio < 20 && held600.ratio < 20, `the customer hears only music: ${JSON.stringify(held)}`);
  await shot(page, '74-webrtc-consult-number');

  await page.getByTestId('consult-complete').click();
  await page.getByTestId('ended-pop').waitFor({ timeout: 10_000 });
  await page.getByTestId('phone-status').filter({ hasText: 'After-call work' }).waitFor({ timeout: 10_000 });
  const bridged = await eventually(() => media.hear(1_000, 1400), (h) => h.ratio > 100, { timeout: 10_000, what: 'the customer hears the carrier' });
  t.diagnostic(`after the transfer the customer hears the carrier: ${JSON.stringify(bridged)}`);

  // The carrier hangs up: the customer gets the BYE.
  const c = await carrier.done;
  assert.equal(c.code, 0, `the carrier's scenario (caller ID 4001230001, its BYE answered):\n${c.output.slice(-2000)}`);
  carrier = null;
  const { code, output } = await caller.done;
  assert.equal(code, 0, `the customer got the BYE:\n${output.slice(-2000)}`);
  caller = null;

  const calls = await admin('GET', '/calls?q=13800138000');
  const items = calls.body.items ?? calls.body;
  const rec = items.find((r) => r.direction === 'inbound');
  // The consult's own record: 1001 called 13900139000, who answered.
  const consult = items.find((r) => r.direction === 'consult');
  assert.equal(consult?.callee, '13900139000', JSON.stringify(items));
  assert.ok(consult.answered_at, 'the number answered the consult');
  assert.equal(rec.result, 'answered');
  const segments = (await admin('GET', `/calls/${rec.id}/segments`)).body;
  assert.deepEqual(
    segments.map((s) => [s.agent_work_id, s.transferred]),
    [['1001', true]],
  );
  await context.close();
});
