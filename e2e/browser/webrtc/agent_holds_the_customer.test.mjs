// Hold and resume (SPEC §3) with browser audio: a customer (sipp for signalling, the test for
// media: a 1 kHz tone out, everything heard recorded) calls the hotline and presses 1; agent
// 1001 answers in the browser, whose microphone is a 600 Hz tone. Talking, the customer hears
// 600 Hz. On hold the phone bar says so with its own timer, the customer hears hold music (loud,
// and not the agent's tone) and the agent hears nothing; resumed, the customer hears the agent's
// tone again and the agent the customer.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { demoAccounts, startPatchbay } from '../lib/server.mjs';
import { shot } from '../lib/browser.mjs';
import { eventually, launchWithFakeAudio, login, newContext, remoteLevel, signInWithBrowserAudio, toneWav } from './lib.mjs';
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

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** What the customer heard over the last `ms`, once that much has passed. */
async function lastHeard(ms) {
  const from = Date.now();
  await sleep(ms);
  return media.measure(from, Date.now());
}

test('the agent holds the customer, who hears music instead of the agent, then resumes', async (t) => {
  const account = demoAccounts(server.dataDir).find((a) => a.workId === '1001');
  const context = await newContext(browser, server.base);
  const page = await context.newPage();
  await login(page, server.base, account);
  await signInWithBrowserAudio(page);
  await page.getByTestId('phonebar-groups').getByText('Sales 销售').waitFor();

  ({ media, caller } = await customerRingsAgent(server, page));
  await page.getByTestId('answer-call').click();
  await page.getByTestId('talking').waitFor();

  // Talking: the customer hears the agent's 600 Hz; the agent hears the customer.
  const talking = await eventually(() => lastHeard(1_000), (h) => h.ratio > 100, { timeout: 15_000, what: "the customer hears the agent's tone" });
  t.diagnostic(`talking, the customer hears: ${JSON.stringify(talking)} (600 Hz over its neighbours)`);
  await eventually(() => remoteLevel(page, 'remote-audio'), (l) => l > 0.005, { timeout: 10_000, what: 'the agent hears the customer' });

  await page.getByTestId('hold').click();
  await page.getByTestId('on-hold').waitFor();
  await page.getByTestId('resume').waitFor();
  await sleep(500);
  const held = await lastHeard(2_000);
  assert.ok(held.rms > 300, `the customer hears hold music: ${JSON.stringify(held)}`);
  assert.ok(held.ratio < 20, `what the customer hears on hold is not the agent's tone: ${JSON.stringify(held)}`);
  const agentHears = await remoteLevel(page, 'remote-audio');
  t.diagnostic(`on hold, the customer hears: ${JSON.stringify(held)}; the agent's level ${agentHears}`);
  assert.ok(agentHears < 0.002, `the agent hears silence on hold (RMS ${agentHears})`);
  await shot(page, '66-webrtc-on-hold');

  await page.getByTestId('resume').click();
  await page.getByTestId('hold').waitFor();
  assert.equal(await page.getByTestId('on-hold').count(), 0, 'the hold tag is gone');
  const resumed = await eventually(() => lastHeard(1_000), (h) => h.ratio > 100, { timeout: 10_000, what: "the customer hears the agent's tone again" });
  t.diagnostic(`resumed, the customer hears: ${JSON.stringify(resumed)}`);
  await eventually(() => remoteLevel(page, 'remote-audio'), (l) => l > 0.005, { timeout: 10_000, what: 'the agent hears the customer again' });

  // Hold needs a call to talk on: after hanging up the API says so.
  await page.getByTestId('hangup').click();
  await page.getByTestId('ended-pop').waitFor();
  const { code, output } = await caller.done;
  assert.equal(code, 0, `sipp got the BYE and answered it:\n${output.slice(-2000)}`);
  caller = null;
  const r = await page.evaluate(async () => {
    const res = await fetch('/api/v1/me/call/hold', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{}',
    });
    return { status: res.status, body: await res.json().catch(() => null) };
  });
  assert.equal(r.status, 409, JSON.stringify(r));
  await context.close();
});
