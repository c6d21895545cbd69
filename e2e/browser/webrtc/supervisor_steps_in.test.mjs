// A supervisor steps into an agent's call (SPEC §4): a customer (sipp signalling, the test's
// media: 1 kHz), agent 1001 (browser, 600 Hz) and team lead 2001 (browser, 800 Hz, a role with
// the monitor permission). From the monitor page the lead listens (hears both; nobody hears the
// lead), whispers (1001 hears the lead, the customer does not), barges in (all three hear each
// other), then takes over (1001's call ends; the customer and the lead go on). An agent without
// the permission gets 403; a lead who is on a call gets 409. The record lists the steps.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { demoAccounts, startPatchbay } from '../lib/server.mjs';
import { shot } from '../lib/browser.mjs';
import { agentPage, apiAs, eventually, launchWithFakeAudio, startToneMonitor, toneSamples, toneWav } from './lib.mjs';
import { customerRingsAgent } from './rtp_customer.mjs';

let server;
let browserAgent;
let browserLead;
let caller;
let media;

before(async () => {
  server = await startPatchbay();
  browserAgent = await launchWithFakeAudio(toneWav(600));
  browserLead = await launchWithFakeAudio(toneWav(800));
});

after(async () => {
  media?.stop();
  await caller?.stop();
  await browserAgent?.close();
  await browserLead?.close();
  await server?.stop();
});

const account = (workId) => demoAccounts(server.dataDir).find((a) => a.workId === workId);
const REF = 1400;
const FREQS = [600, 800, 1000, REF];

/** What the customer heard over the next `ms`: each tone's power over the floor's. */
async function customerHears(ms = 1_000) {
  const from = Date.now();
  await new Promise((r) => setTimeout(r, ms));
  const p = media.powers(from, Date.now(), FREQS);
  const over = (f) => Math.round(p[f] / Math.max(p[REF], 1));
  return { rms: p.rms, 600: over(600), 800: over(800), 1000: over(1000) };
}

/** The page's remote audio over the last second: each tone's median dB over the floor's. */
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

test('a team lead listens, whispers, barges in and takes over 1001\'s call', async (t) => {
  const admin = await apiAs(server.base, account('admin'));
  const role = await admin('POST', '/roles', {
    name: 'Team lead 班长',
    permissions: ['agent_login', 'answer_dial', 'consult_transfer', 'monitor', 'view_call_records'],
    data_scope: 'enterprise',
  });
  assert.equal(role.status, 201, JSON.stringify(role.body));
  const made = await admin('POST', '/users', { work_id: '2001', name: '班长 2001', role_id: role.body.id });
  assert.equal(made.status, 201, JSON.stringify(made.body));
  const leadAccount = { enterprise: account('admin').enterprise, workId: '2001', password: made.body.initial_password };
  const asLead = await apiAs(server.base, leadAccount);
  const as1002 = await apiAs(server.base, account('1002'));
  const id1001 = (await (await apiAs(server.base, account('1001')))('GET', '/me')).body.id;

  const a = await agentPage(server, browserAgent, '1001');
  const lead = await agentPage(server, browserLead, leadAccount);
  // The lead stays busy until the call is up, so the customer goes to 1001.
  await lead.page.getByTestId('phone-busy').click();
  ({ media, caller } = await customerRingsAgent(server, a.page));
  await a.page.getByTestId('answer-call').click();
  await a.page.getByTestId('talking').waitFor();
  await eventually(() => customerHears(), (h) => h[600] > 100, { timeout: 15_000, what: 'the customer hears 1001' });

  // Refusals: no permission (1002), a lead who is not idle.
  const denied = await as1002('POST', `/monitor/agents/${id1001}/listen`);
  assert.equal(denied.status, 403, JSON.stringify(denied.body));
  const busy = await asLead('POST', `/monitor/agents/${id1001}/listen`);
  assert.equal(busy.status, 409, JSON.stringify(busy.body));
  assert.equal(busy.body.error.code, 'supervisor_busy');
  const back = await asLead('POST', `/monitor/agents/${id1001}/disconnect`);
  assert.equal(back.status, 409, 'take over needs the lead on the call first');
  await lead.page.getByTestId('phone-idle').click();
  await lead.page.getByTestId('phone-status').filter({ hasText: 'Idle' }).waitFor();

  // Listen, from the monitor page.
  await lead.page.getByRole('menuitem', { name: 'Real-time monitor' }).click();
  await lead.page.getByTestId(`step-listen-${id1001}`).click();
  await startToneMonitor(lead.page, 'remote-audio', FREQS);
  await startToneMonitor(a.page, 'remote-audio', FREQS);
  const l1 = await eventually(() => pageHears(lead.page), (h) => h[600] > 30 && h[1000] > 30, { timeout: 15_000, what: 'the lead hears both sides' });
  const c1 = await customerHears(1_500);
  const a1 = await pageHears(a.page);
  t.diagnostic(`listen: lead ${JSON.stringify(l1)} dB, customer ${JSON.stringify(c1)}, 1001 ${JSON.stringify(a1)} dB`);
  // Powers are over the floor at 1400 Hz, which is lower the cleaner the line: the lead's tone is
  // judged against 1001's (at least 40 dB under it), not against a fixed number.
  assert.ok(c1[800] * 10_000 < c1[600], `the customer does not hear the lead: ${JSON.stringify(c1)}`);
  assert.ok(a1[800] < 25 && a1[1000] > 30, `1001 hears the customer, not the lead: ${JSON.stringify(a1)}`);
  await shot(lead.page, '75-supervisor-listening');

  // Whisper: 1001 hears the lead; the customer does not.
  await lead.page.getByTestId(`step-whisper-${id1001}`).click();
  const a2 = await eventually(() => pageHears(a.page), (h) => h[800] > 30, { timeout: 15_000, what: '1001 hears the whisper' });
  const c2 = await customerHears(1_500);
  t.diagnostic(`whisper: 1001 ${JSON.stringify(a2)} dB, customer ${JSON.stringify(c2)}`);
  assert.ok(c2[800] * 10_000 < c2[600] && c2[600] > 100, `the customer hears 1001, not the lead: ${JSON.stringify(c2)}`);

  // Barge-in: all three hear the other two.
  await lead.page.getByTestId(`step-barge-${id1001}`).click();
  const c3 = await eventually(() => customerHears(), (h) => h[800] > 100 && h[600] > 100, { timeout: 15_000, what: 'the customer hears 1001 and the lead' });
  const a3 = await eventually(() => pageHears(a.page), (h) => h[800] > 30 && h[1000] > 30, { timeout: 15_000, what: '1001 hears the lead and the customer' });
  const l3 = await eventually(() => pageHears(lead.page), (h) => h[600] > 30 && h[1000] > 30, { timeout: 15_000, what: 'the lead hears both' });
  t.diagnostic(`barge-in: customer ${JSON.stringify(c3)}, 1001 ${JSON.stringify(a3)} dB, lead ${JSON.stringify(l3)} dB`);
  const order = await asLead('POST', `/monitor/agents/${id1001}/whisper`);
  assert.equal(order.status, 409, JSON.stringify(order.body));
  assert.equal(order.body.error.code, 'step_order');

  // Take over: 1001's call ends; the customer and the lead go on without a break.
  await lead.page.getByTestId(`step-disconnect-${id1001}`).click();
  await lead.page.locator('.ant-popconfirm').getByRole('button', { name: /OK|确/ }).click();
  await a.page.getByTestId('ended-pop').waitFor({ timeout: 10_000 });
  await a.page.getByTestId('phone-status').filter({ hasText: 'After-call work' }).waitFor({ timeout: 10_000 });
  const c4 = await eventually(() => customerHears(), (h) => h[800] > 100 && h[600] * 1_000 < h[800], { timeout: 10_000, what: 'the customer hears the lead only (1001 at least 30 dB under)' });
  const gaps = media.powers(Date.now() - 3_000, Date.now(), FREQS);
  t.diagnostic(`after the take-over: customer ${JSON.stringify(c4)}, last 3 s ${gaps.samples} samples`);
  assert.ok(gaps.samples > 20_000, `the customer's audio kept coming: ${gaps.samples} samples in 3 s`);
  await lead.page.getByRole('menuitem', { name: 'Agent workspace' }).click();
  await lead.page.getByTestId('talking').waitFor();
  await shot(lead.page, '76-supervisor-took-over');
  await lead.page.getByTestId('hangup').click();
  const { code, output } = await caller.done;
  assert.equal(code, 0, `sipp got the BYE and answered it:\n${output.slice(-2000)}`);
  caller = null;

  const calls = await admin('GET', '/calls?q=13800138000');
  const rec = (calls.body.items ?? calls.body)[0];
  const steps = (await admin('GET', `/calls/${rec.id}/supervision`)).body;
  t.diagnostic(`steps: ${JSON.stringify(steps.map((s) => [s.supervisor_work_id, s.step]))}`);
  assert.deepEqual(
    steps.map((s) => s.step),
    ['listen', 'whisper', 'barge', 'disconnect'],
  );
  assert.ok(steps.every((s) => s.supervisor_work_id === '2001'));
  const segments = (await admin('GET', `/calls/${rec.id}/segments`)).body;
  assert.deepEqual(
    segments.map((s) => s.agent_work_id),
    ['1001', '2001'],
  );
  await a.context.close();
  await lead.context.close();
});
