// A scheduled callback done by the call itself (SPEC §3, 预约回呼): agent 1001 (browser audio)
// has a callback to 13900139000 on today's list; "Call back" dials it with one click through a
// carrier trunk (sipp, which answers and plays 1 kHz). When the carrier answers, the callback
// turns Done without the agent marking it, linked to that call's record (an answered agent
// outbound call to 13900139000), and the list shows the record while the agent still talks.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { demoAccounts, freePort, startPatchbay } from '../lib/server.mjs';
import { shot } from '../lib/browser.mjs';
import { startCarrier } from '../lib/peers.mjs';
import { addCarrierTrunk, alawTone, apiAs, eventually, launchWithFakeAudio, login, newContext, signInWithBrowserAudio, toneWav } from './lib.mjs';

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

/** The end of the server's day of `t` (callbacks' days end at midnight China Standard Time). */
function serverDayEnd(t) {
  const CST = 8 * 3_600_000;
  const DAY = 86_400_000;
  return Math.floor((t + CST) / DAY) * DAY + DAY - CST;
}

test('"Call back" dials through the carrier and the connected call makes the callback done, linked to its record', async () => {
  // Today's list is the server's day: a run just before its midnight waits for the next day.
  const left = serverDayEnd(Date.now()) - Date.now();
  if (left < 120_000) await new Promise((r) => setTimeout(r, left + 1_000));
  const accounts = demoAccounts(server.dataDir);
  const admin = await apiAs(server.base, accounts.find((a) => a.workId === 'admin'));
  const port = await freePort();
  carrier = startCarrier(port, '../webrtc/scenarios/carrier_answers.xml', {
    mediaPort: await freePort(),
    files: { 'carrier-1k.al': alawTone(1000, 10) },
  });
  await carrier.ready;
  const trunk = await addCarrierTrunk(admin, port);
  const line = await admin('POST', '/numbers', { number: '4001230001', trunk_id: trunk.id, description: 'outbound line' });
  assert.equal(line.status, 201, JSON.stringify(line.body));

  // 1001's callback for a minute from now, and one for another number that must stay open.
  const agent = await apiAs(server.base, accounts.find((a) => a.workId === '1001'));
  const due = Date.now() + 60_000;
  const callback = await agent('POST', '/callbacks', { number: '13900139000', due_at: due, remark: '回电确认订单' });
  assert.equal(callback.status, 201, JSON.stringify(callback.body));
  const other = await agent('POST', '/callbacks', { number: '13700137000', due_at: due + 60_000 });
  assert.equal(other.status, 201, JSON.stringify(other.body));

  const context = await newContext(browser, server.base);
  const page = await context.newPage();
  await login(page, server.base, accounts.find((a) => a.workId === '1001'));
  await signInWithBrowserAudio(page);
  const id = callback.body.id;
  const state = page.getByTestId(`callback-state-${id}`);
  await state.filter({ hasText: 'Pending' }).waitFor();

  // One click: the phone bar dials, the carrier rings 2 s and answers.
  await page.getByTestId(`callback-call-${id}`).click();
  await page.getByTestId('talking-caller').filter({ hasText: '13900139000' }).waitFor();
  await page.getByTestId('talking').waitFor({ timeout: 20_000 });
  // Done while the agent talks, without marking it, with the call's record named.
  await state.filter({ hasText: 'Done' }).waitFor({ timeout: 10_000 });
  await page.getByTestId(`callback-call-record-${id}`).waitFor();
  assert.equal(await page.getByTestId(`callback-done-${id}`).count(), 0, 'no Done button on a done callback');
  await shot(page, '84-callback-done-by-the-call');
  await page.getByTestId('hangup').click();
  await page.getByTestId('ended-pop').waitFor();
  const { code, output } = await carrier.done;
  carrier = null;
  assert.equal(code, 0, `the carrier got the BYE:\n${output.slice(-2000)}`);

  // The callback names the call; the call is 1001's answered call to that number.
  const list = await eventually(() => agent('GET', '/me/callbacks'), (r) => r.body.some((c) => c.id === id && c.state === 'done'), {
    what: 'the callback is done',
  });
  const done = list.body.find((c) => c.id === id);
  assert.ok(done.call_id, JSON.stringify(done));
  assert.equal(list.body.find((c) => c.id === other.body.id).state, 'pending', 'the other number stays open');
  const record = await eventually(() => admin('GET', `/calls/${done.call_id}`), (r) => r.status === 200 && r.body.ended_at != null, {
    what: "the call's record",
  });
  assert.equal(record.body.direction, 'agent_outbound', JSON.stringify(record.body));
  assert.equal(record.body.callee, '13900139000');
  assert.equal(record.body.result, 'answered');
  assert.equal(record.body.agent_work_id, '1001');
  await context.close();
});
