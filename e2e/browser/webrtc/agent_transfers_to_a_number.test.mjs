// Blind transfer to a number outside (SPEC §3): the enterprise has a carrier trunk (sipp) with
// the number 4001230001, whose calls queue in Sales. A customer (1 kHz) calls it; agent 1001
// (browser, 600 Hz) answers and transfers the customer to 13900139000 from the phone bar. 1001
// goes to after-call work; Patchbay calls the number through the carrier showing 4001230001;
// the customer hears the transfer music while it rings, then the carrier's 1.4 kHz tone; the
// carrier hangs up and the customer gets the BYE. The record: answered, one segment (1001,
// transferred), its talk time from 1001's answer to the end.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { demoAccounts, freePort, startPatchbay } from '../lib/server.mjs';
import { shot } from '../lib/browser.mjs';
import { startCarrier } from '../lib/peers.mjs';
import { addCarrierTrunk, addSalesLine, agentPage, alawTone, apiAs, eventually, launchWithFakeAudio, toneWav, pickEnabled } from './lib.mjs';
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

test('agent 1001 transfers the customer to a number outside, through the carrier', async (t) => {
  const accounts = demoAccounts(server.dataDir);
  const admin = await apiAs(server.base, accounts.find((a) => a.workId === 'admin'));
  const port = await freePort();
  carrier = startCarrier(port, '../webrtc/scenarios/carrier_hangs_up_transferred_call.xml', {
    mediaPort: await freePort(),
    files: { 'carrier-tone.al': alawTone(1400, 20) },
  });
  await carrier.ready;
  const trunk = await addCarrierTrunk(admin, port);
  await addSalesLine(admin, trunk);

  const { context, page } = await agentPage(server, browser, '1001');
  ({ media, caller } = await customerRingsAgent(server, page, { number: '4001230001' }));
  await page.getByTestId('answer-call').click();
  await page.getByTestId('talking').waitFor();
  await eventually(() => media.hear(1_000, 600), (h) => h.ratio > 100, { timeout: 15_000, what: 'the customer hears 1001' });

  await page.getByTestId('transfer').click();
  await pickEnabled(page, page.getByTestId('transfer-to-number'));
  await page.getByTestId('transfer-number-input').fill('13900139000');
  await shot(page, '69-webrtc-transfer-to-number');
  const transferredAt = Date.now();
  await page.getByTestId('transfer-number-go').click();
  await page.getByTestId('ended-pop').waitFor({ timeout: 10_000 });
  await page.getByTestId('phone-status').filter({ hasText: 'After-call work' }).waitFor({ timeout: 10_000 });

  // Ringing (2 s): music, neither 1001 nor the carrier's tone; then the carrier's 1.4 kHz.
  const carrierTone = await eventually(() => media.hear(1_000, 1400), (h) => h.ratio > 100, { timeout: 10_000, what: 'the customer hears the carrier' });
  const ringing = media.measure(transferredAt + 800, transferredAt + 1_800, 1400);
  const ringing600 = media.measure(transferredAt + 800, transferredAt + 1_800, 600);
  t.diagnostic(`while the number rang: rms ${ringing.rms}, 1.4 kHz ratio ${ringing.ratio}, 600 Hz ratio ${ringing600.ratio}; then the carrier ${JSON.stringify(carrierTone)}`);
  assert.ok(ringing.rms > 300, `the customer hears music while the number rings: ${JSON.stringify(ringing)}`);
  assert.ok(ringing.ratio < 20 && ringing600.ratio < 20, 'neither the carrier nor 1001 while it rings');

  // The carrier hangs up: the customer gets the BYE.
  const c = await carrier.done;
  assert.equal(c.code, 0, `the carrier's scenario (caller ID 4001230001, its BYE answered):\n${c.output.slice(-2000)}`);
  carrier = null;
  const { code, output } = await caller.done;
  assert.equal(code, 0, `the customer got the BYE:\n${output.slice(-2000)}`);
  caller = null;

  const calls = await admin('GET', '/calls?q=13800138000');
  const rec = (calls.body.items ?? calls.body).find((r) => r.callee === '4001230001');
  assert.ok(rec, JSON.stringify(calls.body).slice(0, 500));
  assert.equal(rec.result, 'answered');
  const segments = (await admin('GET', `/calls/${rec.id}/segments`)).body;
  assert.deepEqual(
    segments.map((s) => [s.agent_work_id, s.transferred]),
    [['1001', true]],
  );
  assert.ok(rec.answered_at <= segments[0].started_at + 1_000, 'the record keeps 1001 answer as its answer time');
  t.diagnostic(`record: talk ${rec.talk_seconds} s, answered ${rec.answered_at}, segment ${JSON.stringify(segments[0])}`);
  await context.close();
});
