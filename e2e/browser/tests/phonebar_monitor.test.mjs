// The phone bar and the real-time monitor in two browsers at once: the admin watches the monitor
// while agent 1001 signs in and goes idle, and sees it live; then the admin breaks the demo
// hotline's IVR flow, is shown the problem, and saves a valid one.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { demoAccounts, startPatchbay } from '../lib/server.mjs';
import { launch, shot } from '../lib/browser.mjs';

let server;
let browser;

before(async () => {
  server = await startPatchbay();
  browser = await launch();
});

after(async () => {
  await browser?.close();
  await server?.stop();
});

async function signIn(browser, account) {
  const context = await browser.newContext({ locale: 'en-US' });
  const page = await context.newPage();
  await page.goto(`${server.base}/login`);
  await page.getByLabel('Enterprise code').fill(account.enterprise);
  await page.getByLabel('Work ID').fill(account.workId);
  await page.getByLabel('Password').fill(account.password);
  await page.getByTestId('login-submit').click();
  return { context, page };
}

/** Waits until the element's text differs from `before` (a timer that ticks). */
async function textChanges(locator, before, timeout = 5000) {
  const deadline = Date.now() + timeout;
  for (;;) {
    const now = (await locator.innerText()).trim();
    if (now !== before) return now;
    if (Date.now() > deadline) throw new Error(`"${before}" did not change in ${timeout} ms`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

test('agent 1001 goes idle on the phone bar and the monitor shows it live; the admin fixes an IVR flow', async () => {
  const accounts = demoAccounts(server.dataDir);
  const adminAccount = accounts.find((a) => a.workId === 'admin');
  const agentAccount = accounts.find((a) => a.workId === '1001');

  // The admin opens the monitor: both demo agents (signed out) and both queues.
  const { context: adminContext, page: admin } = await signIn(browser, adminAccount);
  await admin.getByTestId('users-table').waitFor();
  await admin.getByRole('menuitem', { name: 'Real-time monitor' }).click();
  const row1001 = admin.getByTestId('monitor-agent-1001');
  await row1001.getByTestId('agent-login').filter({ hasText: 'Signed out' }).waitFor();
  await admin.getByTestId('monitor-agent-1002').getByText('坐席 1002').waitFor();
  const queues = admin.getByTestId('monitor-queues');
  await queues.getByRole('cell', { name: 'Sales 销售' }).waitFor();
  await queues.getByRole('cell', { name: 'Support 客服' }).waitFor();
  await shot(admin, '20-monitor-before');

  // Agent 1001 signs in (busy), then goes idle: status, ticking timer, queue total.
  const { context: agentContext, page: agent } = await signIn(browser, agentAccount);
  await agent.getByTestId('phone-bar').waitFor();
  const status = agent.getByTestId('phone-status');
  await status.filter({ hasText: 'Signed out' }).waitFor();
  await agent.getByTestId('sign-in').click();
  await status.filter({ hasText: 'Busy' }).waitFor();
  await agent.getByTestId('phone-idle').click();
  await status.filter({ hasText: 'Idle' }).waitFor();
  const timer = agent.getByTestId('status-timer');
  const first = (await timer.innerText()).trim();
  assert.match(first, /^\d\d:\d\d$/);
  assert.ok(first < '00:05', `the timer restarted at the change, but shows ${first}`);
  const later = await textChanges(timer, first);
  assert.match(later, /^\d\d:\d\d$/);
  assert.equal((await agent.getByTestId('queue-total').innerText()).trim(), '0');
  await agent.getByTestId('queue-toggle').click();
  const groups = agent.getByTestId('queue-groups');
  await groups.getByText('Sales 销售').waitFor();
  await groups.getByText('Support 客服').waitFor();
  // Idle time today ticks as well.
  const idle = agent.getByTestId('today-idle');
  await textChanges(idle, (await idle.innerText()).trim());
  await agent.getByTestId('missed-calls').or(agent.getByText('No missed calls')).first().waitFor();
  await shot(agent, '21-phone-bar-idle');

  // The admin's monitor, never reloaded, shows 1001 idle with its time in status ticking.
  await row1001.getByTestId('agent-status').filter({ hasText: 'Idle' }).waitFor({ timeout: 10000 });
  await row1001.getByTestId('agent-login').filter({ hasText: 'Signed in' }).waitFor();
  const agentTimer = row1001.getByTestId('agent-timer');
  await textChanges(agentTimer, (await agentTimer.innerText()).trim());
  assert.equal((await admin.getByTestId('monitor-sum-idle').innerText()).trim(), '1');
  await shot(admin, '22-monitor-live');

  // The demo hotline's IVR flow: option 1 to a step that does not exist is refused, by name.
  await admin.getByRole('menuitem', { name: 'Numbers' }).click();
  await admin.getByTestId('flow-4008000000').click();
  const editor = admin.getByTestId('flow-json');
  await editor.waitFor();
  const flow = JSON.parse(await editor.inputValue());
  assert.equal(flow.start, 'welcome');
  assert.equal(flow.steps.menu.options['1'], 'sales');
  flow.steps.menu.options['1'] = 'nowhere';
  await editor.fill(JSON.stringify(flow, null, 2));
  await admin.getByTestId('flow-save').click();
  await admin.getByTestId('flow-problems').waitFor();
  const problems = await admin.getByTestId('flow-problem').allInnerTexts();
  assert.ok(
    problems.some((p) => p.includes('menu') && p.includes('options.1') && p.includes('nowhere')),
    `the problem names the step, the field and the target: ${JSON.stringify(problems)}`,
  );
  await admin.getByTestId('flow-problems').scrollIntoViewIfNeeded();
  await shot(admin, '23-flow-problem');

  // A valid flow: option 1 back to sales, and a new option 9 that says goodbye.
  flow.steps.menu.options['1'] = 'sales';
  flow.steps.menu.options['9'] = 'bye';
  flow.steps.bye = { type: 'hangup', prompt: { builtin: 'goodbye' } };
  await editor.fill(JSON.stringify(flow, null, 2));
  // The list reloads after the save; reopen the editor on the reloaded row.
  const reloaded = admin.waitForResponse((r) => r.url().includes('/api/v1/numbers?') && r.request().method() === 'GET');
  await admin.getByTestId('flow-save').click();
  await admin.getByText('Saved').first().waitFor();
  await editor.waitFor({ state: 'detached' });
  await reloaded;
  await admin.getByTestId('flow-4008000000').click();
  const saved = JSON.parse(await admin.getByTestId('flow-json').inputValue());
  assert.equal(saved.steps.menu.options['9'], 'bye');
  assert.deepEqual(saved.steps.bye, { type: 'hangup', prompt: { builtin: 'goodbye' } });
  await shot(admin, '24-flow-saved');

  await agentContext.close();
  await adminContext.close();
});

test("the admin sets a skill group's queue settings: round robin, a service level, a longest wait, overflow to another group", async () => {
  const adminAccount = demoAccounts(server.dataDir).find((a) => a.workId === 'admin');
  const { context, page } = await signIn(browser, adminAccount);
  await page.getByTestId('users-table').waitFor();
  await page.getByRole('menuitem', { name: 'Skill groups' }).click();
  const sales = page.getByRole('row').filter({ hasText: 'Sales 销售' });
  await sales.getByText('Longest idle first · rings 20 s').waitFor();
  await sales.getByText('Queue settings').click();

  await page.getByTestId('queue-strategy').click();
  await page.locator('.ant-select-item-option').filter({ hasText: 'Round robin' }).click();
  await page.getByTestId('queue-ring-timeout').fill('15');
  // Service level 90/15: 90 % of calls answered within 15 s.
  await page.getByTestId('queue-sl-target').fill('90');
  await page.getByTestId('queue-sl-secs').fill('15');
  await page.getByTestId('queue-limit-wait').click();
  await page.getByTestId('queue-max-wait').fill('60');
  await page.getByTestId('queue-overflow').click();
  await page.locator('.ant-select-item-option').filter({ hasText: 'Another skill group' }).click();
  await page.getByTestId('queue-overflow-group').click();
  await page.locator('.ant-select-item-option').filter({ hasText: 'Support 客服' }).click();
  await shot(page, '25-queue-settings');
  await page.getByTestId('queue-settings-save').click();
  await sales.getByText('Round robin · rings 15 s').waitFor();

  // The server kept every field.
  const groups = await page.evaluate(async () => (await (await fetch('/api/v1/skill-groups')).json()).items);
  const stored = groups.find((g) => g.name === 'Sales 销售').settings;
  const support = groups.find((g) => g.name === 'Support 客服');
  assert.deepEqual(stored, {
    strategy: 'round_robin',
    ring_timeout_secs: 15,
    max_wait_secs: 60,
    overflow: { type: 'group', group_id: support.id },
    service_level_secs: 15,
    service_level_target: 90,
    survey: false,
    survey_prompt_id: null,
  });
  await context.close();
});

test("the admin sets the enterprise's time zone, where its day ends", async () => {
  const adminAccount = demoAccounts(server.dataDir).find((a) => a.workId === 'admin');
  const { context, page } = await signIn(browser, adminAccount);
  await page.getByTestId('users-table').waitFor();
  await page.getByRole('menuitem', { name: 'Enterprise settings' }).click();
  const zone = page.getByTestId('settings-time-zone');
  await zone.getByText('Asia/Shanghai').waitFor();
  await zone.click();
  await page.keyboard.type('New_Y');
  await page.locator('.ant-select-item-option').filter({ hasText: 'America/New_York' }).click();
  await shot(page, '85-enterprise-time-zone');
  await page.getByTestId('settings-save').click();
  await page.locator('.ant-message').filter({ hasText: 'Saved' }).waitFor();
  const stored = await page.evaluate(async () => (await (await fetch('/api/v1/enterprise/settings')).json()).time_zone);
  assert.equal(stored, 'America/New_York');
  // A name the server's database does not know is refused, naming the field.
  const bad = await page.evaluate(async () => {
    const r = await fetch('/api/v1/enterprise/settings', { method: 'PUT', headers: { 'content-type': 'application/json' }, body: '{"time_zone":"Mars/Base"}' });
    return { status: r.status, body: await r.json() };
  });
  assert.equal(bad.status, 400, JSON.stringify(bad));
  assert.equal(bad.body.error.details.field, 'time_zone');
  await context.close();
});
