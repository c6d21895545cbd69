// A desk phone's own transfer key (SPEC §3, RFC 3515): agent 1001 works on a baresip desk phone
// that answers by itself and sends a 600 Hz tone; colleague 1002 is in the browser (800 Hz). A
// customer (sipp signalling, the test's media) presses 1 and talks with 1001's phone. The phone
// transfers the call to 1002's extension with its own transfer command (REFER): the phone hears
// the transfer worked and hangs up; 1002's phone bar rings, 1002 answers and talks with the
// customer. The record holds both parts.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { demoAccounts, startPatchbay } from '../lib/server.mjs';
import { startCaller, startDeskPhone } from '../lib/peers.mjs';
import { agentPage, apiAs, eventually, launchWithFakeAudio, toneWav } from './lib.mjs';
import { startRtpCustomer } from './rtp_customer.mjs';

let server;
let browser;
let phone;
let caller;
let media;

before(async () => {
  server = await startPatchbay();
  browser = await launchWithFakeAudio(toneWav(800));
});

after(async () => {
  media?.stop();
  await caller?.stop();
  await phone?.stop();
  await browser?.close();
  await server?.stop();
});

const account = (workId) => demoAccounts(server.dataDir).find((a) => a.workId === workId);

test("1001's desk phone transfers the customer to 1002 with its own transfer key", async (t) => {
  const creds = readFileSync(join(server.dataDir, 'demo-credentials.txt'), 'utf8');
  const sipPassword = creds.match(/desk phone of 1001: SIP user 1001 password (\S+)/)?.[1];
  assert.ok(sipPassword, "the credentials file has 1001's desk-phone password");
  phone = await startDeskPhone(server.sipPort, '1001', sipPassword, { answer: 'auto', wav: toneWav(600, 120, 0.5, 8_000) });
  const as1001 = await apiAs(server.base, account('1001'));
  const on = await as1001('PUT', '/me/presence', { login: 'online', device: 'desk_phone' });
  assert.equal(on.status, 200, JSON.stringify(on.body));
  // 1002 (browser) stays busy until 1001 has the customer.
  const b = await agentPage(server, browser, '1002');
  await b.page.getByTestId('phone-busy').click();
  await b.page.getByTestId('phone-status').filter({ hasText: 'Busy' }).waitFor();
  const idle = await as1001('PUT', '/me/presence', { phone: 'idle' });
  assert.equal(idle.status, 200, JSON.stringify(idle.body));

  media = await startRtpCustomer({ hz: 1000 });
  caller = startCaller(server.sipPort, '4008000000', '../webrtc/scenarios/caller_media_elsewhere.xml', ['-key', 'customer_rtp', String(media.port)]);
  await eventually(() => media.connected(), Boolean, { timeout: 15_000, what: 'Patchbay sends the IVR to the customer' });
  let pressed = 0;
  await eventually(
    async () => {
      const h = await media.hear(500, 600);
      if (h.ratio > 100) return true;
      if (Date.now() - pressed > 2_000) {
        media.press('1');
        pressed = Date.now();
      }
      return false;
    },
    Boolean,
    { timeout: 40_000, what: "the customer hears 1001's desk phone after pressing 1" },
  );
  await b.page.getByTestId('phone-idle').click();
  await b.page.getByTestId('phone-status').filter({ hasText: 'Idle' }).waitFor();

  // The phone's transfer key.
  const reply = await phone.command(`/transfer sip:1002@127.0.0.1:${server.sipPort}`);
  t.diagnostic(`baresip: ${reply.replace(/<[^>]*>/g, '').trim().slice(0, 200)}`);
  await eventually(() => phone.output(), (out) => /transfer/i.test(out) && /(200 OK|terminated|closed)/i.test(out), {
    timeout: 10_000,
    what: 'the phone hears the transfer worked',
  });
  await eventually(async () => (await as1001('GET', '/me/presence')).body.phone, (p) => p !== 'talking', { timeout: 10_000, what: "1001's phone is off the call" });
  await b.page.getByTestId('ringing-pop').waitFor({ timeout: 20_000 });
  await b.page.getByTestId('ringing-caller').filter({ hasText: '13800138000' }).waitFor({ timeout: 5_000 });
  await b.page.getByTestId('answer-call').click();
  await b.page.getByTestId('talking').waitFor();
  const now1002 = await eventually(() => media.hear(1_000, 800), (h) => h.ratio > 100, { timeout: 15_000, what: 'the customer hears 1002' });
  const p = media.powers(Date.now() - 1_000, Date.now(), [600, 800, 1400]);
  t.diagnostic(`after the transfer: 800 Hz ${JSON.stringify(now1002)}; powers ${JSON.stringify(p)}`);
  assert.ok(p[600] * 1_000 < p[800], `1001 is no longer heard (600 Hz at least 30 dB under 800 Hz): ${JSON.stringify(p)}`);
  const log = phone.output();
  t.diagnostic(`phone log: ${log.split('\n').filter((l) => /transfer|NOTIFY|REFER|terminated|closed/i.test(l)).join(' | ').slice(0, 600)}`);

  await b.page.getByTestId('hangup').click();
  const { code, output } = await caller.done;
  assert.equal(code, 0, `sipp got the BYE and answered it:\n${output.slice(-2000)}`);
  caller = null;
  const admin = await apiAs(server.base, account('admin'));
  const rec = ((await admin('GET', '/calls?q=13800138000')).body.items ?? [])[0];
  const segments = (await admin('GET', `/calls/${rec.id}/segments`)).body;
  assert.deepEqual(
    segments.map((s) => [s.agent_work_id, s.transferred]),
    [
      ['1001', true],
      ['1002', false],
    ],
  );
  await b.context.close();
});
