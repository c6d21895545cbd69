// Dialing out with browser audio (SPEC §3): agent 1001, idle with browser audio, types a number on
// the phone bar and calls. Patchbay calls it through a trunk to a carrier (sipp), showing the
// enterprise number 4001230001 as caller ID (the carrier's scenario fails on any other); the
// agent hears ringback (450 Hz) while the carrier rings, then the carrier's 1 kHz tone once it
// answers; the agent talks for 4 s and hangs up in the browser, the carrier gets the BYE, the
// agent is idle again, and the call record is an answered agent outbound call whose talk time
// covers those seconds and whose recording holds the carrier's tone (customer channel) and the
// browser's 600 Hz microphone (agent channel: the browser's audio reached the call).
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { demoAccounts, freePort, startPatchbay } from '../lib/server.mjs';
import { shot } from '../lib/browser.mjs';
import { startCarrier } from '../lib/peers.mjs';
import {
  alawTone,
  launchWithFakeAudio,
  login,
  newContext,
  readWav,
  rms,
  signInWithBrowserAudio,
  startToneMonitor,
  toneSamples,
  tonePower,
  toneWav,
  waitForIncomingAudio,
  waitForOutgoingAudio,
  waitForTone,
  addCarrierTrunk,
  apiAs,
} from './lib.mjs';

let server;
let browser;
let carrier;


before(async () => {
  server = await startPatchbay();
  browser = await launchWithFakeAudio(toneWav(600));
});

after(async () => {
  await carrier?.stop();
  await browser?.close();
  await server?.stop();
});

test('agent 1001 dials out from the browser through a carrier trunk with the enterprise caller ID', async (t) => {
  const accounts = demoAccounts(server.dataDir);
  const admin = await apiAs(server.base, accounts.find((a) => a.workId === 'admin'));
  const port = await freePort();
  carrier = startCarrier(port, '../webrtc/scenarios/carrier_answers.xml', {
    mediaPort: await freePort(),
    files: { 'carrier-1k.al': alawTone(1000, 10) },
  });
  await carrier.ready;
  const trunk = await addCarrierTrunk(admin, port);
  const number = await admin('POST', '/numbers', { number: '4001230001', trunk_id: trunk.id, description: 'outbound line' });
  assert.equal(number.status, 201, JSON.stringify(number.body));

  const context = await newContext(browser, server.base);
  const page = await context.newPage();
  await login(page, server.base, accounts.find((a) => a.workId === '1001'));
  await signInWithBrowserAudio(page);
  const status = page.getByTestId('phone-status');
  // What the agent hears, by frequency: ringback is 450 Hz, the carrier's tone 1 kHz.
  await startToneMonitor(page, 'remote-audio', [450, 1000]);

  const dialedAt = await page.evaluate(() => Date.now());
  await page.getByTestId('dial-number').fill('13900139000');
  await page.getByTestId('dial-button').click();
  // The agent is on the call from the start (no inbound offers meanwhile), the number shown.
  await status.filter({ hasText: 'On a call' }).waitFor();
  await page.getByTestId('talking-caller').filter({ hasText: '13900139000' }).waitFor();
  // Ringback (450 Hz) reaches the browser while the carrier rings (2 s), before any of the
  // carrier's 1 kHz tone.
  const ring = await waitForTone(page, 450, 1000, { since: dialedAt, timeout: 10_000 });
  await shot(page, '64-webrtc-dialing');
  await page.getByTestId('talking').waitFor({ timeout: 20_000 });
  assert.equal((await page.getByTestId('talking-caller').innerText()).trim(), '13900139000');
  // The carrier answers: its 1 kHz tone comes through, after the ringback; in the page that is
  // the moment of the answer. Then the agent's microphone goes out.
  const carrierTone = await waitForTone(page, 1000, 450, { since: ring.t, timeout: 10_000 });
  const answeredAt = carrierTone.t;
  t.diagnostic(`heard: ringback ${JSON.stringify(ring.db)} dB, then the carrier ${JSON.stringify(carrierTone.db)} dB ${answeredAt - ring.t} ms later`);
  const early = (await toneSamples(page, dialedAt)).filter((s) => s.t < ring.t && s.db[1000] > -70 && s.db[1000] - s.db[450] >= 20);
  assert.equal(early.length, 0, `no 1 kHz before the ringback: ${JSON.stringify(early.slice(0, 3))}`);
  await waitForIncomingAudio(page);
  await waitForOutgoingAudio(page);
  await shot(page, '65-webrtc-outbound-talking');
  // Talk for at least 4 s after the answer, so the record's talk time has a floor to check.
  await page.waitForFunction((t) => Date.now() >= t, answeredAt + 4_000);
  const hungUpAt = await page.evaluate(() => Date.now());

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
  // The page heard the answer a little after Patchbay saw it, and hung up a little before
  // Patchbay ended the call.
  const talked = (hungUpAt - answeredAt) / 1000;
  t.diagnostic(
    `talk_seconds ${record.talk_seconds}, ${talked.toFixed(1)} s talked in the page; the record's answer ${record.answered_at - answeredAt} ms and end ${record.ended_at - hungUpAt} ms after the page's`,
  );
  assert.ok(
    record.talk_seconds >= Math.floor(talked) - 1 && record.talk_seconds <= Math.ceil(talked) + 1,
    `talk_seconds ${record.talk_seconds} for ${talked.toFixed(1)} s talked in the page`,
  );
  assert.ok(record.talk_seconds >= 3, `talk_seconds ${record.talk_seconds} ≥ 3`);

  // The recording: the carrier's 1 kHz on the customer channel (left), the browser's 600 Hz
  // microphone on the agent channel (right), in the last second before the hang-up.
  assert.ok(record.has_recording, 'the call is recorded');
  const { rate, channels } = readWav(await admin.bytes(`/calls/${record.id}/recording`));
  assert.equal(channels.length, 2, 'a stereo recording');
  const end = channels[0].length - Math.round(rate / 2);
  const window = (ch) => channels[ch].slice(end - rate, end);
  const measure = (x, hz, other) => ({ rms: Math.round(rms(x)), ratio: Math.round(tonePower(x, hz, rate) / Math.max(tonePower(x, other, rate), 1)) });
  const customer = measure(window(0), 1000, 600);
  const agent = measure(window(1), 600, 1000);
  t.diagnostic(`recording: customer channel ${JSON.stringify(customer)} (1 kHz/600 Hz), agent channel ${JSON.stringify(agent)} (600 Hz/1 kHz)`);
  assert.ok(customer.rms > 500 && customer.ratio > 100, `the carrier's 1 kHz tone on the customer channel: ${JSON.stringify(customer)}`);
  assert.ok(agent.rms > 500 && agent.ratio > 100, `the browser's 600 Hz microphone on the agent channel: ${JSON.stringify(agent)}`);
  await context.close();
});
