// Consult, then a three-way call (SPEC §3): a customer (sipp signalling, the test's media:
// 1 kHz) presses 1; agent 1001 (browser, 600 Hz) answers, then consults colleague 1002
// (browser, 800 Hz) from the phone bar. 1002's pop says it is a consult from 1001; while they
// talk the customer hears hold music, neither agent. 1001 joins all three: each side hears the
// other two tones (and not its own). 1002 hangs up: 1001 and the customer still hear each
// other. The record holds both agents' parts.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { demoAccounts, startPatchbay } from '../lib/server.mjs';
import { shot } from '../lib/browser.mjs';
import { agentPage, apiAs, eventually, launchWithFakeAudio, startToneMonitor, toneSamples, toneWav, pickEnabled } from './lib.mjs';
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

const account = (workId) => demoAccounts(server.dataDir).find((a) => a.workId === workId);
const REF = 1400; // a frequency nobody sends: the floor tones are compared with
const FREQS = [600, 800, 1000, REF];

/** Whether the customer heard `hz` (over the last `ms`) well above the floor. */
async function customerHears(hz, ms = 1_000) {
  const from = Date.now();
  await new Promise((r) => setTimeout(r, ms));
  const p = media.powers(from, Date.now(), FREQS);
  return { ...p, ratio: Math.round(p[hz] / Math.max(p[REF], 1)) };
}

/**
 * The browser's remote audio over the last second: the median level in dB of each frequency,
 * minus the floor's (a tone present reads 40+ dB alone, 30+ mixed with another; an absent one stays under 25, codec noise included).
 */
async function pageHears(page) {
  const since = Date.now() - 1_000;
  await new Promise((r) => setTimeout(r, 1_000));
  const samples = await toneSamples(page, since);
  const median = (f) => {
    const v = samples.map((s) => s.db[f]).sort((a, b) => a - b);
    return v[Math.floor(v.length / 2)] ?? -200;
  };
  const floor = median(REF);
  return Object.fromEntries([600, 800, 1000].map((f) => [f, Math.round(median(f) - floor)]));
}

test('1001 consults 1002, joins a three-way call, and 1002 leaves it', async (t) => {
  const admin = await apiAs(server.base, account('admin'));
  const a = await agentPage(server, browser1001, '1001');
  const b = await agentPage(server, browser1002, '1002');
  await b.page.getByTestId('phone-status').filter({ hasText: 'Idle' }).waitFor();
  // Only 1001 may take the customer: 1002 goes busy until the consult.
  await b.page.getByTestId('phone-busy').click();
  await b.page.getByTestId('phone-status').filter({ hasText: 'Busy' }).waitFor();

  ({ media, caller } = await customerRingsAgent(server, a.page));
  await a.page.getByTestId('answer-call').click();
  await a.page.getByTestId('talking').waitFor();
  await eventually(() => customerHears(600), (h) => h.ratio > 100, { timeout: 15_000, what: 'the customer hears 1001' });

  // 1002 busy: the consult is refused with the reason, and the call stays as it was.
  const as1001 = await apiAs(server.base, account('1001'));
  const id1002 = (await apiAs(server.base, account('1002')).then((as) => as('GET', '/me'))).body.id;
  const busy = await as1001('POST', '/me/call/consult', { agent_id: id1002 });
  assert.equal(busy.status, 409, JSON.stringify(busy.body));
  assert.equal(busy.body.error.code, 'target_busy');
  await b.page.getByTestId('phone-idle').click();
  await b.page.getByTestId('phone-status').filter({ hasText: 'Idle' }).waitFor();

  // 1001 consults 1002 from the phone bar.
  await a.page.getByTestId('consult-button').click();
  await pickEnabled(a.page, a.page.getByTestId('consult-agent-1002'));
  await a.page.locator('[data-testid="consult"][data-state="ringing"]').waitFor({ timeout: 10_000 });
  await b.page.getByTestId('ringing-pop').waitFor({ timeout: 10_000 });
  assert.match(await b.page.getByTestId('ringing-consult').innerText(), /1001/);
  assert.equal(await a.page.getByTestId('hold').count(), 0, 'no hold or transfer while consulting');
  await shot(b.page, '71-webrtc-consult-pop');
  await b.page.getByTestId('answer-call').click();
  await b.page.getByTestId('talking').waitFor();
  await b.page.getByTestId('consulted-by').waitFor();
  await a.page.locator('[data-testid="consult"][data-state="talking"]').waitFor({ timeout: 10_000 });

  await startToneMonitor(a.page, 'remote-audio', FREQS);
  await startToneMonitor(b.page, 'remote-audio', FREQS);
  // The consult: 1001 and 1002 hear each other; the customer hears neither (music).
  const a1 = await eventually(() => pageHears(a.page), (h) => h[800] > 40, { timeout: 15_000, what: '1001 hears 1002 in the consult' });
  const b1 = await eventually(() => pageHears(b.page), (h) => h[600] > 40, { timeout: 15_000, what: '1002 hears 1001 in the consult' });
  const c1 = await customerHears(600, 1_500);
  const c1b = await customerHears(800, 0);
  t.diagnostic(`consult: 1001 hears ${JSON.stringify(a1)}, 1002 hears ${JSON.stringify(b1)}, customer rms ${c1.rms} (600 Hz ×${c1.ratio}, 800 Hz ×${c1b.ratio})`);
  assert.ok(c1.rms > 300, `the customer hears hold music: ${JSON.stringify(c1)}`);
  assert.ok(a1[1000] < 25 && b1[1000] < 25, 'neither agent hears the customer during the consult');
  await shot(a.page, '72-webrtc-consulting');

  // Three-way: everyone hears the other two.
  await a.page.getByTestId('consult-join').click();
  await a.page.locator('[data-testid="consult"][data-state="three_way"]').waitFor({ timeout: 10_000 });
  const c2 = await eventually(
    async () => {
      const h600 = await customerHears(600, 1_000);
      return { h600: h600.ratio, h800: Math.round(h600[800] / Math.max(h600[REF], 1)) };
    },
    (h) => h.h600 > 100 && h.h800 > 100,
    { timeout: 15_000, what: 'the customer hears both agents' },
  );
  const a2 = await eventually(() => pageHears(a.page), (h) => h[800] > 30 && h[1000] > 30, { timeout: 15_000, what: '1001 hears 1002 and the customer' });
  const b2 = await eventually(() => pageHears(b.page), (h) => h[600] > 30 && h[1000] > 30, { timeout: 15_000, what: '1002 hears 1001 and the customer' });
  t.diagnostic(`three-way: customer ${JSON.stringify(c2)} (power over the floor), 1001 ${JSON.stringify(a2)} dB, 1002 ${JSON.stringify(b2)} dB`);
  assert.ok(a2[600] < a2[800] - 20, `1001 does not hear themself: ${JSON.stringify(a2)}`);
  assert.ok(b2[800] < b2[600] - 20, `1002 does not hear themself: ${JSON.stringify(b2)}`);
  await b.page.getByTestId('consulted-by').filter({ hasText: /1001/ }).waitFor();
  await shot(a.page, '73-webrtc-three-way');

  // 1002 leaves: 1001 and the customer go on.
  await b.page.getByTestId('hangup').click();
  await b.page.getByTestId('ended-pop').waitFor({ timeout: 10_000 });
  await b.page.getByTestId('phone-status').filter({ hasText: 'After-call work' }).waitFor({ timeout: 10_000 });
  await a.page.getByTestId('consult-ended').waitFor({ timeout: 10_000 });
  const c3 = await eventually(() => customerHears(600), (h) => h.ratio > 100, { timeout: 10_000, what: 'the customer still hears 1001' });
  const c3b = Math.round(c3[800] / Math.max(c3[REF], 1));
  const a3 = await eventually(() => pageHears(a.page), (h) => h[1000] > 40 && h[800] < 10, { timeout: 10_000, what: '1001 hears the customer, not 1002' });
  t.diagnostic(`after 1002 left: customer 600 Hz ×${c3.ratio}, 800 Hz ×${c3b}; 1001 ${JSON.stringify(a3)} dB`);
  assert.ok(c3b < 20, `the customer no longer hears 1002: ${c3b}`);
  await a.page.getByTestId('hold').waitFor();

  await a.page.getByTestId('hangup').click();
  await a.page.getByTestId('ended-pop').waitFor();
  const { code, output } = await caller.done;
  assert.equal(code, 0, `sipp got the BYE and answered it:\n${output.slice(-2000)}`);
  caller = null;

  const calls = await admin('GET', '/calls?q=13800138000');
  const items = calls.body.items ?? calls.body;
  const rec = items.find((r) => r.direction === 'inbound');
  const consult = items.find((r) => r.direction === 'consult');
  assert.ok(consult?.answered_at, `an answered consult record: ${JSON.stringify(items)}`);
  assert.match(consult.callee, /\(1002\)$/, `the consult record names 1002: ${consult.callee}`);
  assert.equal(rec.result, 'answered');
  const segments = (await admin('GET', `/calls/${rec.id}/segments`)).body;
  t.diagnostic(`segments: ${JSON.stringify(segments)}`);
  assert.deepEqual(segments.map((s) => s.agent_work_id).sort(), ['1001', '1002']);
  await a.context.close();
  await b.context.close();
});
