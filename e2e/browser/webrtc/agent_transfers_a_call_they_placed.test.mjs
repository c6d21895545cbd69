// Transfer on a call the agent placed (SPEC §3): agent 1001 (browser, 600 Hz) dials 13900139000
// through a carrier trunk (sipp answers and plays 1 kHz). Once the customer answers the phone
// bar offers Transfer and Consult as on a call that came in; 1001 transfers the customer to
// colleague 1002 (browser, 800 Hz), who rings with "transferred by 1001", answers and hears the
// customer's 1 kHz. 1002 hangs up: the carrier gets the BYE. The record is one agent outbound
// call with both agents' parts.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { demoAccounts, freePort, startPatchbay } from '../lib/server.mjs';
import { shot } from '../lib/browser.mjs';
import { startCarrier } from '../lib/peers.mjs';
import { addCarrierTrunk, agentPage, alawTone, apiAs, launchWithFakeAudio, startToneMonitor, toneWav, waitForTone, pickEnabled } from './lib.mjs';

let server;
let browser1001;
let browser1002;
let carrier;

before(async () => {
  server = await startPatchbay();
  browser1001 = await launchWithFakeAudio(toneWav(600));
  browser1002 = await launchWithFakeAudio(toneWav(800));
});

after(async () => {
  await carrier?.stop();
  await browser1001?.close();
  await browser1002?.close();
  await server?.stop();
});

test('1001 places a call and transfers the customer to 1002, who talks with them', async (t) => {
  const accounts = demoAccounts(server.dataDir);
  const admin = await apiAs(server.base, accounts.find((a) => a.workId === 'admin'));
  const port = await freePort();
  carrier = startCarrier(port, '../webrtc/scenarios/carrier_answers.xml', {
    mediaPort: await freePort(),
    files: { 'carrier-1k.al': alawTone(1000, 30) },
  });
  await carrier.ready;
  const trunk = await addCarrierTrunk(admin, port);
  const number = await admin('POST', '/numbers', { number: '4001230001', trunk_id: trunk.id, description: 'outbound line' });
  assert.equal(number.status, 201, JSON.stringify(number.body));

  const a = await agentPage(server, browser1001, '1001');
  const b = await agentPage(server, browser1002, '1002');
  await b.page.getByTestId('phone-status').filter({ hasText: 'Idle' }).waitFor();

  // Before the customer answers there is nothing to transfer.
  const as1001 = await apiAs(server.base, accounts.find((x) => x.workId === '1001'));
  await a.page.getByTestId('dial-number').fill('13900139000');
  await a.page.getByTestId('dial-button').click();
  await a.page.getByTestId('phone-status').filter({ hasText: 'On a call' }).waitFor();
  const id1002 = (await (await apiAs(server.base, accounts.find((x) => x.workId === '1002')))('GET', '/me')).body.id;
  const early = await as1001('POST', '/me/call/transfer', { agent_id: id1002 });
  assert.equal(early.status, 409, JSON.stringify(early.body));
  assert.equal(early.body.error.code, 'not_talking');
  // While the customer's phone rings the pop offers only Hang up (one look at the page, so an
  // answer in between cannot split it).
  const ringing = await a.page.evaluate(() => ({
    dialing: document.querySelector('[data-testid="talking"]')?.hasAttribute('data-dialing') ?? false,
    steps: ['transfer', 'consult-button', 'hold'].filter((id) => document.querySelector(`[data-testid="${id}"]`)),
  }));
  t.diagnostic(`while ringing: ${JSON.stringify(ringing)}`);
  if (ringing.dialing) assert.deepEqual(ringing.steps, [], 'nothing but Hang up before the answer');

  await a.page.getByTestId('talking').waitFor({ timeout: 20_000 });
  await a.page.getByTestId('transfer').waitFor({ timeout: 10_000 });
  await a.page.getByTestId('consult-button').waitFor();
  await shot(a.page, '78-webrtc-placed-call-controls');

  await a.page.getByTestId('transfer').click();
  await pickEnabled(a.page, a.page.getByTestId('transfer-to-agent-1002'));
  await a.page.getByTestId('ended-pop').waitFor({ timeout: 10_000 });

  await b.page.getByTestId('ringing-pop').waitFor({ timeout: 10_000 });
  assert.equal((await b.page.getByTestId('ringing-caller').innerText()).trim(), '13900139000');
  assert.match(await b.page.getByTestId('ringing-transferred').innerText(), /1001/);
  const answeredAt = await b.page.evaluate(() => Date.now());
  await startToneMonitor(b.page, 'remote-audio', [1000, 1400]);
  await b.page.getByTestId('answer-call').click();
  await b.page.getByTestId('talking').waitFor();
  const heard = await waitForTone(b.page, 1000, 1400, { since: answeredAt, timeout: 15_000 });
  t.diagnostic(`1002 hears the customer's 1 kHz: ${JSON.stringify(heard.db)} dB`);

  await b.page.getByTestId('hangup').click();
  await b.page.getByTestId('ended-pop').waitFor();
  const { code, output } = await carrier.done;
  carrier = null;
  assert.equal(code, 0, `the carrier got the BYE:\n${output.slice(-2000)}`);

  const calls = await admin('GET', '/calls?q=13900139000');
  const items = calls.body.items ?? calls.body;
  assert.equal(items.length, 1, `one record: ${JSON.stringify(items)}`);
  const rec = items[0];
  assert.equal(rec.direction, 'agent_outbound');
  assert.ok(rec.answered_at, 'answered');
  const segments = (await admin('GET', `/calls/${rec.id}/segments`)).body;
  t.diagnostic(`segments: ${JSON.stringify(segments.map((s) => [s.agent_work_id, s.transferred]))}`);
  assert.deepEqual(
    segments.map((s) => [s.agent_work_id, s.transferred]),
    [
      ['1001', true],
      ['1002', false],
    ],
  );
});
