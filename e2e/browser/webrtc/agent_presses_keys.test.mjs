// The in-call keypad (SPEC §3): a customer (sipp signalling, the test's media) calls; agent
// 1001 answers in the browser, opens the keypad and presses 1, 2, #, then 9 through the API:
// the customer's side receives each key once, in order, as RFC 4733 telephone events, and still
// hears 1001 afterwards.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { demoAccounts, startPatchbay } from '../lib/server.mjs';
import { shot } from '../lib/browser.mjs';
import { agentPage, apiAs, eventually, launchWithFakeAudio, toneWav } from './lib.mjs';
import { customerRingsAgent } from './rtp_customer.mjs';

let server;
let browser;
let caller;
let media;

before(async () => {
  server = await startPatchbay();
  browser = await launchWithFakeAudio(toneWav(600));
});

after(async () => {
  media?.stop();
  await caller?.stop();
  await browser?.close();
  await server?.stop();
});

test('agent 1001 presses keys that reach the customer as telephone events', async (t) => {
  const { context, page } = await agentPage(server, browser, '1001');
  ({ media, caller } = await customerRingsAgent(server, page));
  await page.getByTestId('answer-call').click();
  await page.getByTestId('talking').waitFor();
  await eventually(() => media.hear(1_000, 600), (h) => h.ratio > 100, { timeout: 15_000, what: 'the customer hears 1001' });

  await page.getByTestId('keypad-button').click();
  for (const key of ['1', '2', 'hash']) {
    await page.getByTestId(`key-${key}`).click();
    await new Promise((r) => setTimeout(r, 250));
  }
  assert.equal((await page.getByTestId('keypad-sent').innerText()).trim(), '12#');
  await shot(page, '77-webrtc-keypad');
  const as1001 = await apiAs(server.base, demoAccounts(server.dataDir).find((a) => a.workId === '1001'));
  const sent = await as1001('POST', '/me/call/dtmf', { digits: '9' });
  assert.equal(sent.status, 204, JSON.stringify(sent.body));
  const got = await eventually(() => media.keys(), (k) => k.length >= 4, { timeout: 5_000, what: 'the customer receives four keys' });
  t.diagnostic(`the customer received ${got}`);
  assert.equal(got, '12#9');
  await eventually(() => media.hear(1_000, 600), (h) => h.ratio > 100, { timeout: 5_000, what: 'the customer still hears 1001' });

  await page.getByTestId('hangup').click();
  await page.getByTestId('ended-pop').waitFor();
  const { code, output } = await caller.done;
  assert.equal(code, 0, `sipp got the BYE and answered it:\n${output.slice(-2000)}`);
  caller = null;
  await context.close();
});
