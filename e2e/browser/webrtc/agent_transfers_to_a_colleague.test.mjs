// Blind transfer to a colleague, with notes (SPEC §3): a customer (sipp signalling, the test's
// media: 1 kHz) presses 1; agent 1001 (browser, microphone 600 Hz) answers and writes a note.
// A transfer to 1002 while 1002 is signed out, and to a skill group nobody is signed in to,
// get their 409s and the call stays with 1001. Then 1002 (another browser, 800 Hz) signs in,
// 1001 transfers to 1002 by name: 1001 goes to after-call work, 1002 rings, answers, reads
// 1001's note (read-only) and adds one, and talks with the customer. The record holds two
// segments in order (1001 transferred, 1002 ended), both notes, and a recording whose agent
// channel holds 600 Hz in the first segment and 800 Hz in the second.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { demoAccounts, startPatchbay } from '../lib/server.mjs';
import { shot } from '../lib/browser.mjs';
import { agentPage, apiAs, eventually, launchWithFakeAudio, readWav, remoteLevel, rms, tonePower, toneWav, pickEnabled } from './lib.mjs';
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

test('agent 1001 transfers the customer to colleague 1002, who reads the note and talks', async (t) => {
  const as1001 = await apiAs(server.base, account('1001'));
  const as1002 = await apiAs(server.base, account('1002'));
  const admin = await apiAs(server.base, account('admin'));
  const id1002 = (await as1002('GET', '/me')).body.id;
  // A group nobody is in.
  const empty = await admin('POST', '/skill-groups', { name: 'Billing 账务', description: 'nobody yet' });
  assert.equal(empty.status, 201, JSON.stringify(empty.body));

  const a = await agentPage(server, browser1001, '1001');
  ({ media, caller } = await customerRingsAgent(server, a.page));
  await a.page.getByTestId('answer-call').click();
  await a.page.getByTestId('talking').waitFor();
  await eventually(() => media.hear(1_000, 600), (h) => h.ratio > 100, { timeout: 15_000, what: 'the customer hears 1001' });

  // 1001 writes a note on the call.
  const note1001 = '客户要求退款，订单 A123';
  await a.page.getByTestId('call-note-input').fill(note1001);
  await a.page.getByTestId('call-note-add').click();
  await a.page.getByTestId('call-note-text').filter({ hasText: note1001 }).waitFor();
  const empty1 = await as1001('POST', '/me/call/notes', { text: '   ' });
  assert.equal(empty1.status, 400, `an empty note is refused: ${JSON.stringify(empty1.body)}`);

  // The refusals: 1002 is signed out; Billing has nobody; nothing changes for the call.
  const out = await as1001('POST', '/me/call/transfer', { agent_id: id1002 });
  assert.equal(out.status, 409, JSON.stringify(out.body));
  assert.equal(out.body.error.code, 'target_offline');
  const nobody = await as1001('POST', '/me/call/transfer', { group_id: empty.body.id });
  assert.equal(nobody.status, 409, JSON.stringify(nobody.body));
  assert.equal(nobody.body.error.code, 'group_has_no_agent');
  const both = await as1001('POST', '/me/call/transfer', { group_id: empty.body.id, agent_id: id1002 });
  assert.equal(both.status, 400, JSON.stringify(both.body));
  // Numbers outside must be dialable: no SIP header can ride in on one.
  for (const number of ['12', '139001390001390013900139001390013', '139\r\nX-Evil: 1', 'sip:1@x', '+']) {
    const bad = await as1001('POST', '/me/call/transfer', { number });
    assert.equal(bad.status, 400, `${JSON.stringify(number)}: ${JSON.stringify(bad.body)}`);
  }
  t.diagnostic(`refusals: ${out.body.error.message} / ${nobody.body.error.message} / ${both.body.error.message}`);
  await a.page.getByTestId('talking').waitFor();
  await eventually(() => media.hear(1_000, 600), (h) => h.ratio > 100, { timeout: 5_000, what: 'the customer still hears 1001' });

  // 1002 comes online; 1001 picks them from the transfer menu.
  const b = await agentPage(server, browser1002, '1002');
  await b.page.getByTestId('phone-status').filter({ hasText: 'Idle' }).waitFor();
  await a.page.getByTestId('transfer').click();
  await pickEnabled(a.page, a.page.getByTestId('transfer-to-agent-1002'));
  await a.page.getByTestId('ended-pop').waitFor({ timeout: 20_000 });
  await a.page.getByTestId('phone-status').filter({ hasText: 'After-call work' }).waitFor({ timeout: 10_000 });
  assert.equal(await a.page.getByTestId('talking').count(), 0, '1001 is off the call');

  await b.page.getByTestId('ringing-pop').waitFor({ timeout: 20_000 });
  assert.equal((await b.page.getByTestId('ringing-caller').innerText()).trim(), '13800138000');
  // The pop says who transferred the customer.
  await b.page.getByTestId('ringing-transferred').filter({ hasText: '1001' }).waitFor({ timeout: 5_000 });
  await b.page.getByTestId('answer-call').click();
  await b.page.getByTestId('talking').waitFor();
  // 1002 reads 1001's note and adds their own.
  await b.page.getByTestId('call-note-text').filter({ hasText: note1001 }).waitFor({ timeout: 10_000 });
  const note1002 = 'Refund approved, ticket 77';
  await b.page.getByTestId('call-note-input').fill(note1002);
  await b.page.getByTestId('call-note-add').click();
  await b.page.getByTestId('call-note-text').filter({ hasText: note1002 }).waitFor();
  // 1001, in after-call work, adds a note from the ended pop: it goes on the same record, and
  // the pop lists the newest first.
  const after1001 = 'Called the warehouse: parcel returned';
  const ended1001 = a.page.getByTestId('ended-pop');
  await ended1001.getByTestId('call-note-input').fill(after1001);
  await ended1001.getByTestId('call-note-add').click();
  await ended1001.getByTestId('call-note-text').filter({ hasText: after1001 }).waitFor();
  await eventually(() => ended1001.getByTestId('call-note-text').allInnerTexts(), (x) => x.length === 3, { what: 'three notes in the ended pop' });
  assert.deepEqual(await ended1001.getByTestId('call-note-text').allInnerTexts(), [after1001, note1002, note1001]);
  await shot(a.page, '79-webrtc-after-call-note');
  const now1002 = await eventually(() => media.hear(1_000, 800), (h) => h.ratio > 100, { timeout: 15_000, what: 'the customer hears 1002' });
  t.diagnostic(`after the transfer the customer hears 1002's 800 Hz: ${JSON.stringify(now1002)}`);
  // 1001's 600 Hz, if it still reached the customer, would be about as strong as 1002's 800 Hz.
  const heard = media.powers(Date.now() - 1_000, Date.now(), [600, 800]);
  assert.ok(heard[600] * 1_000 < heard[800], `the customer no longer hears 1001: ${JSON.stringify(heard)}`);
  await eventually(() => remoteLevel(b.page, 'remote-audio'), (l) => l > 0.005, { timeout: 10_000, what: '1002 hears the customer' });
  await new Promise((r) => setTimeout(r, 2_000));
  await shot(b.page, '68-webrtc-transferred-with-note');

  await b.page.getByTestId('hangup').click();
  await b.page.getByTestId('ended-pop').waitFor();
  const { code, output } = await caller.done;
  assert.equal(code, 0, `sipp got the BYE and answered it:\n${output.slice(-2000)}`);
  caller = null;

  // The record: two segments in order, both notes; 1001 still sees the call it transferred.
  const mine = await as1001('GET', '/calls?page_size=5');
  const rec = mine.body.items.find((r) => r.caller === '13800138000');
  assert.ok(rec, `1001 sees the call it transferred: ${JSON.stringify(mine.body).slice(0, 500)}`);
  assert.equal(rec.result, 'answered');
  const segments = (await admin('GET', `/calls/${rec.id}/segments`)).body;
  t.diagnostic(`segments: ${JSON.stringify(segments)}`);
  assert.equal(segments.length, 2, JSON.stringify(segments));
  assert.deepEqual(
    segments.map((s) => [s.agent_work_id, s.transferred]),
    [
      ['1001', true],
      ['1002', false],
    ],
  );
  assert.ok(segments[0].ended_at <= segments[1].started_at, 'the second part starts after the first');
  const notes = (await admin('GET', `/calls/${rec.id}/notes`)).body;
  assert.deepEqual(
    notes.map((n) => n.text),
    [note1001, note1002, after1001],
  );

  // The recording's agent channel (right): 1001's 600 Hz in the first segment, 1002's 800 Hz
  // in the second (a second from the middle of each).
  const { rate, channels } = readWav(await admin.bytes(`/calls/${rec.id}/recording`));
  assert.equal(channels.length, 2, 'a stereo recording');
  const at = (ms) => Math.round(((ms - rec.started_at) / 1000) * rate);
  const middle = (s) => {
    const mid = (s.started_at + s.ended_at) / 2;
    return channels[1].slice(at(mid - 500), at(mid + 500));
  };
  const measure = (x, hz, other) => ({ rms: Math.round(rms(x)), ratio: Math.round(tonePower(x, hz, rate) / Math.max(tonePower(x, other, rate), 1)) });
  const first = measure(middle(segments[0]), 600, 800);
  const second = measure(middle(segments[1]), 800, 600);
  t.diagnostic(`recording, agent channel: first segment ${JSON.stringify(first)} (600/800 Hz), second ${JSON.stringify(second)} (800/600 Hz)`);
  assert.ok(first.rms > 300 && first.ratio > 50, `1001's 600 Hz in the first segment: ${JSON.stringify(first)}`);
  assert.ok(second.rms > 300 && second.ratio > 50, `1002's 800 Hz in the second segment: ${JSON.stringify(second)}`);
  // 1001's call records: the drawer lists both agents in order and both notes.
  await a.page.getByRole('menuitem', { name: 'Call records' }).click();
  await a.page.getByTestId(`call-open-${rec.id}`).click();
  await eventually(() => a.page.getByTestId('call-segment').count(), (n) => n === 2, { what: 'two segments in the drawer' });
  assert.match(await a.page.getByTestId('call-segment').first().innerText(), /1001[\s\S]*transferred on/);
  assert.match(await a.page.getByTestId('call-segment').nth(1).innerText(), /1002[\s\S]*call ended/);
  await eventually(() => a.page.getByTestId('record-note').count(), (n) => n === 3, { what: 'three notes in the drawer' });
  await shot(a.page, '43-call-record-segments-notes');
  await a.context.close();
  await b.context.close();
});
