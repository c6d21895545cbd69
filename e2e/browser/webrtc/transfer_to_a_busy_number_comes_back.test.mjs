// A blind transfer to a number outside that fails comes back (SPEC §3): a customer (1 kHz)
// calls 4001230001 and agent 1001 (browser, 600 Hz) answers, then transfers the customer to
// 13900139000 from the phone bar. The carrier (sipp) rings, then answers 486 Busy Here. The
// call comes back to 1001: the phone bar says the transfer to 13900139000 failed because the
// number was busy, and rings again with "Back from 13900139000"; 1001 answers and the customer
// hears 1001 again. The record: one inbound call, 1001's two parts (transferred, then ended).
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { demoAccounts, freePort, startPatchbay } from '../lib/server.mjs';
import { shot } from '../lib/browser.mjs';
import { startCarrier } from '../lib/peers.mjs';
import { addCarrierTrunk, addSalesLine, agentPage, apiAs, eventually, launchWithFakeAudio, toneWav, pickEnabled } from './lib.mjs';
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

test('a transfer to a busy number comes back to 1001, who talks with the customer again', async (t) => {
  const accounts = demoAccounts(server.dataDir);
  const admin = await apiAs(server.base, accounts.find((a) => a.workId === 'admin'));
  const port = await freePort();
  carrier = startCarrier(port, '../webrtc/scenarios/carrier_busy.xml');
  await carrier.ready;
  const trunk = await addCarrierTrunk(admin, port);
  await addSalesLine(admin, trunk);

  const { page } = await agentPage(server, browser, '1001');
  ({ media, caller } = await customerRingsAgent(server, page, { number: '4001230001' }));
  await page.getByTestId('answer-call').click();
  await page.getByTestId('talking').waitFor();
  await eventually(() => media.hear(1_000, 600), (h) => h.ratio > 100, { timeout: 15_000, what: 'the customer hears 1001' });

  await page.getByTestId('transfer').click();
  await pickEnabled(page, page.getByTestId('transfer-to-number'));
  await page.getByTestId('transfer-number-input').fill('13900139000');
  await page.getByTestId('transfer-number-go').click();
  await page.getByTestId('ended-pop').waitFor({ timeout: 10_000 });

  // The carrier says busy: the call comes back, with the reason.
  await page.getByText(/The transfer to 13900139000 failed \(busy\)/).waitFor({ timeout: 15_000 });
  await page.getByTestId('ringing-pop').waitFor({ timeout: 10_000 });
  assert.match(await page.getByTestId('ringing-returned').innerText(), /13900139000/);
  await shot(page, '80-webrtc-transfer-to-busy-number-returned');
  const { code, output } = await carrier.done;
  carrier = null;
  assert.equal(code, 0, `the carrier was called and said busy:\n${output.slice(-2000)}`);

  await page.getByTestId('answer-call').click();
  await page.getByTestId('talking').waitFor();
  const back = await eventually(() => media.hear(1_000, 600), (h) => h.ratio > 100, { timeout: 15_000, what: 'the customer hears 1001 again' });
  t.diagnostic(`back with 1001: ${JSON.stringify(back)}`);
  await page.getByTestId('hangup').click();
  await page.getByTestId('ended-pop').waitFor();
  const done = await caller.done;
  caller = null;
  assert.equal(done.code, 0, `the customer got the BYE:\n${done.output.slice(-2000)}`);

  const calls = await admin('GET', '/calls?q=13800138000');
  const items = calls.body.items ?? calls.body;
  assert.equal(items.length, 1, JSON.stringify(items));
  const segments = (await admin('GET', `/calls/${items[0].id}/segments`)).body;
  assert.deepEqual(
    segments.map((s) => [s.agent_work_id, s.transferred]),
    [
      ['1001', true],
      ['1001', false],
    ],
  );
});
