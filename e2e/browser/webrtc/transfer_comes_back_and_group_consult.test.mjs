// A blind transfer the colleague does not take comes back, and a consult to a skill group
// (SPEC §3). A customer (sipp signalling, the test's media: 1 kHz) presses 1; agent 1001
// (browser, 600 Hz) answers. With nobody free in Support, a consult to the group is refused
// (409 `group_has_no_idle_agent`). 1002 (browser, 800 Hz) goes idle; 1001 consults Support from
// the phone bar: 1002, its free member, rings with the consult pop, answers, and the two talk
// while the customer holds; 1001 goes back to the customer. Then 1001 transfers the customer
// blind to 1002, who rejects it: 1001's phone bar says the transfer failed and why, rings
// again with the call marked as come back, 1001 answers and the customer hears 1001 again. The
// record holds 1001's two parts.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { demoAccounts, startPatchbay } from '../lib/server.mjs';
import { shot } from '../lib/browser.mjs';
import { agentPage, apiAs, eventually, launchWithFakeAudio, toneWav, pickEnabled } from './lib.mjs';
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

test('a consult to Support rings its free agent; a transfer 1002 rejects comes back to 1001', async (t) => {
  const admin = await apiAs(server.base, account('admin'));
  const a = await agentPage(server, browser1001, '1001');
  ({ media, caller } = await customerRingsAgent(server, a.page));
  await a.page.getByTestId('answer-call').click();
  await a.page.getByTestId('talking').waitFor();
  await eventually(() => media.hear(1_000, 600), (h) => h.ratio > 100, { timeout: 15_000, what: 'the customer hears 1001' });

  // Nobody free in Support: the consult is refused and the call goes on as it was.
  const as1001 = await apiAs(server.base, account('1001'));
  const groups = (await admin('GET', '/skill-groups')).body;
  const support = (groups.items ?? groups).find((g) => g.name.startsWith('Support'));
  assert.ok(support, JSON.stringify(groups));
  const none = await as1001('POST', '/me/call/consult', { group_id: support.id });
  assert.equal(none.status, 409, JSON.stringify(none.body));
  assert.equal(none.body.error.code, 'group_has_no_idle_agent');
  const both = await as1001('POST', '/me/call/consult', { group_id: support.id, number: '4001230001' });
  assert.equal(both.status, 400, JSON.stringify(both.body));
  const unknown = await as1001('POST', '/me/call/consult', { group_id: 987654 });
  assert.equal(unknown.status, 400, JSON.stringify(unknown.body));

  // 1002 comes online (idle in Support); 1001 consults the group from the phone bar.
  const b = await agentPage(server, browser1002, '1002');
  await b.page.getByTestId('phone-status').filter({ hasText: 'Idle' }).waitFor();
  await a.page.getByTestId('consult-button').click();
  await pickEnabled(a.page, a.page.locator('[data-testid^="consult-group-"]', { hasText: 'Support' }));
  await b.page.getByTestId('ringing-pop').waitFor({ timeout: 10_000 });
  assert.match(await b.page.getByTestId('ringing-consult').innerText(), /1001/);
  await b.page.getByTestId('answer-call').click();
  await b.page.getByTestId('talking').waitFor();
  await a.page.locator('[data-testid="consult"][data-state="talking"]').waitFor({ timeout: 10_000 });
  const held = await eventually(() => media.hear(1_000, 600), (h) => h.rms > 300 && h.ratio < 20, {
    timeout: 10_000,
    what: 'the customer holds with music, not hearing 1001',
  });
  t.diagnostic(`consulting Support: the customer hears music (${JSON.stringify(held)})`);
  await a.page.getByTestId('consult-cancel').click();
  await a.page.getByTestId('consult-ended').waitFor({ timeout: 10_000 });
  await b.page.getByTestId('ended-pop').waitFor({ timeout: 10_000 });
  await eventually(() => media.hear(1_000, 600), (h) => h.ratio > 100, { timeout: 15_000, what: 'the customer hears 1001 again' });

  // 1002 is free again once their after-call work ends: make it so by hand.
  const status1002 = b.page.getByTestId('phone-status');
  await status1002.filter({ hasText: /Idle|After-call work/ }).waitFor({ timeout: 10_000 });
  if (!/Idle/.test(await status1002.innerText())) {
    await b.page.getByTestId('phone-idle').click();
    await status1002.filter({ hasText: 'Idle' }).waitFor();
  }

  // A blind transfer to 1002, who rejects it: the call comes back to 1001.
  await a.page.getByTestId('transfer').click();
  await pickEnabled(a.page, a.page.getByTestId('transfer-to-agent-1002'));
  await a.page.getByTestId('ended-pop').waitFor({ timeout: 10_000 });
  await b.page.getByTestId('ringing-pop').waitFor({ timeout: 10_000 });
  await b.page.getByTestId('ringing-transferred').waitFor();
  await b.page.getByTestId('reject-call').click();

  await a.page.getByTestId('ringing-pop').waitFor({ timeout: 10_000 });
  const tag = await a.page.getByTestId('ringing-returned').innerText();
  assert.match(tag, /1002|Back from/, tag);
  await a.page.getByText(/The transfer to .* failed \(rejected it\)/).waitFor({ timeout: 5_000 });
  assert.equal(await a.page.getByTestId('ringing-transferred').count(), 0, 'not "transferred by" 1002');
  await shot(a.page, '77-webrtc-transfer-returned');
  await a.page.getByTestId('answer-call').click();
  await a.page.getByTestId('talking').waitFor();
  const back = await eventually(() => media.hear(1_000, 600), (h) => h.ratio > 100, { timeout: 15_000, what: 'the customer hears 1001 after the transfer came back' });
  t.diagnostic(`the transfer came back: the customer hears 1001's 600 Hz again (${JSON.stringify(back)})`);

  await a.page.getByTestId('hangup').click();
  await a.page.getByTestId('ended-pop').waitFor();
  const { code, output } = await caller.done;
  assert.equal(code, 0, `sipp got the BYE and answered it:\n${output.slice(-2000)}`);
  caller = null;

  const calls = await admin('GET', '/calls?q=13800138000');
  const items = calls.body.items ?? calls.body;
  const rec = items.find((r) => r.direction === 'inbound');
  // The consult has a record of its own: 1001's consult, answered by 1002 (its segment).
  const consult = items.find((r) => r.direction === 'consult');
  assert.ok(consult, `a consult record: ${JSON.stringify(items)}`);
  assert.equal(consult.agent_id, rec.agent_id);
  assert.ok(consult.answered_at, 'the consult was answered');
  const consultParts = (await admin('GET', `/calls/${consult.id}/segments`)).body;
  assert.deepEqual(consultParts.map((s) => s.agent_work_id), ['1002']);
  assert.equal(rec.result, 'answered');
  const segments = (await admin('GET', `/calls/${rec.id}/segments`)).body;
  const parts = segments.map((s) => [s.agent_work_id ?? s.agent_name ?? s.agent_id, s.transferred]);
  t.diagnostic(`segments: ${JSON.stringify(segments)}`);
  assert.equal(segments.length, 2, JSON.stringify(segments));
  assert.deepEqual(
    parts.map((p) => p[1]),
    [true, false],
    'transferred on, then the call ended with 1001',
  );
  assert.equal(segments[0].agent_id, segments[1].agent_id, 'both parts are 1001\'s');
});
