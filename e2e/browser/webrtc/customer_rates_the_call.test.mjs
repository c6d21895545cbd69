// The satisfaction survey (满意度调查): the admin turns it on for Sales in the queue settings; a
// customer (sipp for signalling, the test for media) calls and presses 1; agent 1001 answers in
// the browser and hangs up first. The customer stays on the line and hears the survey prompt
// (not the agent's 600 Hz), presses 4, hears thanks and gets Patchbay's BYE; the agent is free
// at once. The record says 4, hung up by the agent, and the call-records page shows it.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { demoAccounts, startPatchbay } from '../lib/server.mjs';
import { shot } from '../lib/browser.mjs';
import { apiAs, eventually, launchWithFakeAudio, login, newContext, signInWithBrowserAudio, toneWav } from './lib.mjs';
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

const account = (workId) => demoAccounts(server.dataDir).find((a) => a.workId === workId);

async function adminPage() {
  const context = await newContext(browser, server.base);
  const page = await context.newPage();
  await page.goto(`${server.base}/login`);
  await page.getByLabel('Enterprise code').fill(account('admin').enterprise);
  await page.getByLabel('Work ID').fill('admin');
  await page.getByLabel('Password').fill(account('admin').password);
  await page.getByTestId('login-submit').click();
  await page.getByTestId('users-table').waitFor();
  return { context, page };
}

test('after the agent hangs up, the customer rates the call 4 and the record says 4', async (t) => {
  // The admin turns the survey on for Sales, with the built-in prompt.
  const admin = await adminPage();
  await admin.page.getByRole('menuitem', { name: 'Skill groups' }).click();
  const sales = admin.page.getByRole('row').filter({ hasText: 'Sales 销售' });
  await sales.getByText('Queue settings').click();
  await admin.page.getByTestId('queue-survey').click();
  await admin.page.getByTestId('queue-survey-prompt').getByText('Built-in prompt (Chinese + English)').waitFor();
  await shot(admin.page, '82-queue-settings-survey');
  await admin.page.getByTestId('queue-settings-save').click();
  const adminApi = await apiAs(server.base, account('admin'));
  await eventually(
    async () => (await adminApi('GET', '/skill-groups')).body.items.find((g) => g.name === 'Sales 销售').settings,
    (s) => s.survey === true && s.survey_prompt_id === null,
    { timeout: 5_000, what: 'the survey is on for Sales' },
  );

  const context = await newContext(browser, server.base);
  const page = await context.newPage();
  await login(page, server.base, account('1001'));
  await signInWithBrowserAudio(page);
  await page.getByTestId('phonebar-groups').getByText('Sales 销售').waitFor();
  ({ media, caller } = await customerRingsAgent(server, page));
  await page.getByTestId('answer-call').click();
  await page.getByTestId('talking').waitFor();
  const talking = await eventually(() => media.hear(1_000), (h) => h.ratio > 100, { timeout: 15_000, what: "the customer hears the agent's tone" });
  t.diagnostic(`talking, the customer hears ${JSON.stringify(talking)}`);

  // The agent hangs up first: their call ends, the customer's does not.
  const hungUpAt = Date.now();
  await page.getByTestId('hangup').click();
  await page.getByTestId('ended-pop').waitFor();
  const prompt = await eventually(() => media.hear(1_500), (h) => h.rms > 300 && h.ratio < 20, {
    timeout: 10_000,
    what: "the customer hears the survey prompt, not the agent's tone",
  });
  t.diagnostic(`after the agent hung up, the customer hears ${JSON.stringify(prompt)}`);
  const status = await page.getByTestId('phone-status').textContent();
  assert.match(status, /After-call work|Idle/, `the agent is free during the survey: ${status}`);

  media.press('4');
  const { code, output } = await caller.done;
  caller = null;
  assert.equal(code, 0, `thanks, then Patchbay's BYE:\n${output.slice(-2000)}`);
  const heldOn = Date.now() - hungUpAt;
  t.diagnostic(`the customer's line closed ${heldOn} ms after the agent hung up`);

  const record = await eventually(
    async () => (await adminApi('GET', '/calls?page_size=5')).body.items.find((c) => c.direction === 'inbound' && c.caller === '13800138000'),
    (c) => c?.ended_at != null && c.survey === 'rated',
    { timeout: 10_000, what: 'the record has the rating' },
  );
  assert.equal(record.satisfaction, 4, JSON.stringify(record));
  assert.equal(record.hangup_side, 'agent', 'the agent hung up first');
  assert.equal(record.agent_work_id, '1001');

  await admin.page.getByRole('menuitem', { name: 'Call records' }).click();
  const row = admin.page.getByRole('row').filter({ hasText: '13800138000' }).first();
  await row.getByTestId('call-satisfaction').filter({ hasText: '4 / 5' }).waitFor();
  await shot(admin.page, '83-call-records-satisfaction');
  await context.close();
  await admin.context.close();
});
