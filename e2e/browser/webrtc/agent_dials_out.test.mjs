// Dialing out with browser audio (SPEC §3): agent 1001, idle with browser audio, types a number on
// the phone bar and calls. Patchbay calls it through a trunk to a carrier (sipp), showing the
// enterprise number 4001230001 as caller ID (the carrier's scenario fails on any other); the
// agent hears ringback, then the carrier's audio; the agent hangs up in the browser, the carrier
// gets the BYE, the agent is idle again, and the call record is an agent outbound call.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { demoAccounts, freePort, startPatchbay } from '../lib/server.mjs';
import { shot } from '../lib/browser.mjs';
import { startCarrier } from '../lib/peers.mjs';
import { launchWithFakeAudio, login, newContext, signInWithBrowserAudio, toneWav, waitForIncomingAudio, waitForOutgoingAudio } from './lib.mjs';

let server;
let browser;
let carrier;

/** Signs in over the API; returns a function calling the API as that user. */
async function apiAs(base, account) {
  const r = await fetch(`${base}/api/v1/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ enterprise: account.enterprise, work_id: account.workId, password: account.password }),
  });
  assert.equal(r.status, 200, 'admin signs in');
  const { token } = await r.json();
  return async (method, path, body) => {
    const res = await fetch(`${base}/api/v1${path}`, {
      method,
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    return { status: res.status, body: text ? JSON.parse(text) : null };
  };
}

before(async () => {
  server = await startPatchbay();
  browser = await launchWithFakeAudio(toneWav(600));
});

after(async () => {
  await carrier?.stop();
  await browser?.close();
  await server?.stop();
});

test('agent 1001 dials out from the browser through a carrier trunk with the enterprise caller ID', async () => {
  const accounts = demoAccounts(server.dataDir);
  const admin = await apiAs(server.base, accounts.find((a) => a.workId === 'admin'));
  const port = await freePort();
  carrier = startCarrier(port, '../webrtc/scenarios/carrier_answers.xml');
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
  const number = await admin('POST', '/numbers', { number: '4001230001', trunk_id: trunk.body.id, description: 'outbound line' });
  assert.equal(number.status, 201, JSON.stringify(number.body));

  const context = await newContext(browser, server.base);
  const page = await context.newPage();
  await login(page, server.base, accounts.find((a) => a.workId === '1001'));
  await signInWithBrowserAudio(page);
  const status = page.getByTestId('phone-status');

  await page.getByTestId('dial-number').fill('13900139000');
  await page.getByTestId('dial-button').click();
  // The agent is on the call from the start (no inbound offers meanwhile), the number shown.
  await status.filter({ hasText: 'On a call' }).waitFor();
  await page.getByTestId('talking-caller').filter({ hasText: '13900139000' }).waitFor();
  // Ringback (the carrier rings for 2 s) reaches the browser before the answer.
  await waitForIncomingAudio(page);
  await shot(page, '64-webrtc-dialing');
  await page.getByTestId('talking').waitFor({ timeout: 20_000 });
  assert.equal((await page.getByTestId('talking-caller').innerText()).trim(), '13900139000');
  // The carrier's speech comes through, and the agent's microphone goes out.
  await waitForIncomingAudio(page);
  await waitForOutgoingAudio(page);
  await shot(page, '65-webrtc-outbound-talking');

  await page.getByTestId('hangup').click();
  const { code, output } = await carrier.done;
  carrier = null;
  assert.equal(code, 0, `the carrier saw caller ID 4001230001 and got the BYE:\n${output.slice(-2000)}`);
  // After-call work (5 s in the demo), then idle; today's calls count it.
  await status.filter({ hasText: 'Idle' }).waitFor({ timeout: 15_000 });
  await page.getByTestId('today-calls').filter({ hasText: '1' }).waitFor();
  // The browser's audio session stays for the next call.
  await page.locator('[data-testid="audio-state"][data-state="connected"]').waitFor();

  const calls = await admin('GET', '/calls?q=13900139000');
  assert.equal(calls.status, 200, JSON.stringify(calls.body));
  const items = calls.body.items ?? calls.body;
  const record = items.find((c) => c.callee === '13900139000');
  assert.ok(record, `an outbound record: ${JSON.stringify(items)}`);
  assert.equal(record.direction, 'agent_outbound');
  assert.equal(record.caller, '4001230001');
  assert.ok(record.answered_at, 'the record is answered');
  assert.ok(record.talk_seconds >= 0);
  await context.close();
});
