// Customers and scheduled callbacks in the browser, with real peers: agent 1001's desk phone
// (baresip) is registered and the agent is idle; a customer (sipp, 13800138000) calls the demo
// hotline and presses 1. While it rings, the agent adds the caller to "my customers" from the pop
// and schedules a callback; the pop then names the customer and links the profile. The next call
// from that number pops the name. In the workspace, today's callbacks list the callback; when one
// falls due the page and the desktop (Chromium's Notification, permission granted) announce it;
// "Call back" dials the number through /me/dial; marked done it says Done. The profile shows the
// customer, takes a follow-up and lists it in the timeline; a CSV import adds a customer and
// reports the refused row; the admin sees the callbacks in the full list, filtered by state.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { demoAccounts, startPatchbay } from '../lib/server.mjs';
import { launch, shot, signIn } from '../lib/browser.mjs';
import { startCaller, startDeskPhone } from '../lib/peers.mjs';
import { eventually } from '../lib/wait.mjs';

let server;
let browser;
let phone;
let callers = [];

before(async () => {
  server = await startPatchbay();
  browser = await launch();
});

after(async () => {
  for (const c of callers) await c.stop();
  await phone?.stop();
  await browser?.close();
  await server?.stop();
});

/** The end of the server's day of `t` (callbacks' days end at midnight China Standard Time). */
function serverDayEnd(t) {
  const CST = 8 * 3_600_000;
  const DAY = 86_400_000;
  return Math.floor((t + CST) / DAY) * DAY + DAY - CST;
}

test('the pop adds a caller to my customers, names them next time, and a callback falls due', async () => {
  // Today's list is the server's day: a run started just before its midnight waits for it.
  const left = serverDayEnd(Date.now()) - Date.now();
  if (left < 240_000) await new Promise((r) => setTimeout(r, left + 1_000));
  const creds = readFileSync(join(server.dataDir, 'demo-credentials.txt'), 'utf8');
  const sipPassword = creds.match(/desk phone of 1001: SIP user 1001 password (\S+)/)?.[1];
  assert.ok(sipPassword, "the credentials file has 1001's desk-phone password");
  phone = await startDeskPhone(server.sipPort, '1001', sipPassword);

  const accounts = demoAccounts(server.dataDir);
  const agent = accounts.find((a) => a.workId === '1001');
  const context = await browser.newContext({ locale: 'en-US' });
  await context.grantPermissions(['notifications'], { origin: server.base });
  // Records every desktop notification the page shows.
  await context.addInitScript(() => {
    const Real = window.Notification;
    window.__notes = [];
    class Recorded extends Real {
      constructor(title, options) {
        super(title, options);
        window.__notes.push({ title, body: options?.body ?? '' });
      }
    }
    Object.defineProperty(Recorded, 'permission', { get: () => Real.permission });
    window.Notification = Recorded;
  });
  const page = await context.newPage();
  const pageErrors = [];
  page.on('pageerror', (e) => pageErrors.push(String(e)));
  await signIn(page, server.base, agent);
  const status = page.getByTestId('phone-status');
  await status.filter({ hasText: 'Signed out' }).waitFor();
  await page.getByTestId('sign-in').click();
  await status.filter({ hasText: 'Busy' }).waitFor();
  await page.getByTestId('phone-idle').click();
  await status.filter({ hasText: 'Idle' }).waitFor();
  await page.getByTestId('today-callbacks').getByText('No callbacks scheduled for today').waitFor();

  // First call: nobody's number yet.
  callers.push(startCaller(server.sipPort, '4008000000', 'ivr_press_1.xml'));
  const pop = page.getByTestId('ringing-pop');
  await pop.waitFor({ timeout: 30_000 });
  assert.equal((await page.getByTestId('ringing-name').innerText()).trim(), 'unknown');
  await page.getByTestId('ringing-add-customer').click();
  const form = page.getByTestId('customer-form');
  await form.waitFor();
  assert.equal(await page.getByTestId('customer-numbers-input').inputValue(), '13800138000');
  await page.getByTestId('customer-name-input').fill('张三');
  await page.getByTestId('customer-company-input').fill('深圳科技');
  await page.getByTestId('customer-save').click();
  await page.getByTestId('ringing-customer-name').filter({ hasText: '张三' }).waitFor();
  await page.getByTestId('ringing-customer-link').waitFor();
  // The pop's Name row follows at once, while the call still rings.
  await page.getByTestId('ringing-name').filter({ hasText: '张三' }).waitFor({ timeout: 5_000 });
  // A callback for two minutes from now, with a remark.
  await page.getByTestId('ringing-schedule-callback').click();
  await page.getByTestId('callback-remark-input').fill('回电报价');
  const created = page.waitForResponse((r) => r.url().endsWith('/api/v1/callbacks') && r.request().method() === 'POST');
  await page.getByTestId('callback-save').click();
  const callback = await (await created).json();
  // The form's default (an hour from now) falls on the server's next day in the last hour of
  // its day: move it to two minutes from now so that it is on today's list.
  if (callback.due_at >= serverDayEnd(Date.now())) {
    const moved = await page.evaluate(async (id) => {
      const r = await fetch(`/api/v1/callbacks/${id}`, {
        method: 'PATCH',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ due_at: Date.now() + 120_000 }),
      });
      window.dispatchEvent(new Event('patchbay:callbacks-changed'));
      return r.status;
    }, callback.id);
    assert.equal(moved, 200);
  }
  await shot(page, '60-pop-customer-added');
  await page.getByTestId('reject-call').click();
  await pop.waitFor({ state: 'detached' });
  const first = await callers[0].done;
  assert.equal(first.code, 0, `sipp's first call completed:\n${first.output.slice(-2000)}`);

  // The callback is on today's list.
  const list = page.getByTestId('today-callbacks');
  await list.getByText('回电报价').waitFor();
  assert.match(await list.innerText(), /张三/);
  assert.match(await list.innerText(), /13800138000/);

  // Second call from the number: the ringing pop names the customer.
  await page.getByTestId('phone-idle').click();
  await status.filter({ hasText: 'Idle' }).waitFor();
  callers.push(startCaller(server.sipPort, '4008000000', 'ivr_press_1.xml'));
  await pop.waitFor({ timeout: 30_000 });
  await page.getByTestId('ringing-name').filter({ hasText: '张三' }).waitFor();
  await page.getByTestId('ringing-customer-name').filter({ hasText: '张三' }).waitFor();
  await shot(page, '61-second-call-pops-name');
  await page.getByTestId('reject-call').click();
  await pop.waitFor({ state: 'detached' });
  const second = await callers[1].done;
  assert.equal(second.code, 0, `sipp's second call completed:\n${second.output.slice(-2000)}`);

  // A callback falling due in a few seconds: the page and the desktop announce it.
  const due = await page.evaluate(async () => {
    const r = await fetch('/api/v1/callbacks', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ number: '13800138000', due_at: Date.now() + 3000, remark: '马上回电' }),
    });
    return r.json();
  });
  assert.equal(due.customer_name, '张三', JSON.stringify(due));
  await page.evaluate(() => window.dispatchEvent(new Event('patchbay:callbacks-changed')));
  await page.locator('.ant-notification-notice').filter({ hasText: 'A callback is due' }).filter({ hasText: '马上回电' }).waitFor({ timeout: 15_000 });
  const notes = await eventually(
    () => page.evaluate(() => window.__notes),
    (n) => n.some((x) => x.title === 'A callback is due' && x.body.includes('马上回电')),
    { what: 'the desktop notification', timeout: 5_000 },
  );
  assert.ok(notes.length >= 1);
  await shot(page, '62-callback-due');

  // One click calls back through /me/dial.
  const dialed = page.waitForRequest((r) => r.url().endsWith('/api/v1/me/dial') && r.method() === 'POST');
  await page.getByTestId(`callback-call-${due.id}`).click();
  const req = await dialed;
  assert.equal(JSON.parse(req.postData()).number, '13800138000');
  // Whatever the dial did, the agent marks the callback done.
  await page.getByTestId(`callback-done-${due.id}`).click();
  await page.getByTestId(`callback-state-${due.id}`).filter({ hasText: 'Done' }).waitFor();
  await shot(page, '63-callback-done');

  // The profile: details, a follow-up, the timeline.
  await page.getByRole('menuitem', { name: 'Customers' }).click();
  await page.getByTestId('customers-table').getByText('张三').click();
  await page.getByTestId('profile-name').filter({ hasText: '张三' }).waitFor();
  await page.getByTestId('follow-up-input').fill('客户要报价单，周五前发');
  await page.getByTestId('follow-up-save').click();
  const timeline = page.getByTestId('customer-timeline');
  await timeline.getByTestId('timeline-follow-up').filter({ hasText: '客户要报价单' }).waitFor();
  assert.ok((await timeline.getByTestId('timeline-callback').count()) >= 2, 'both callbacks are in the timeline');
  await shot(page, '64-customer-profile');
  // Importing a CSV file: the good row is added, the bad one reported.
  await page.getByRole('menuitem', { name: 'Customers' }).click();
  await page.locator('input[type=file]').setInputFiles({
    name: 'customers.csv',
    mimeType: 'text/csv',
    buffer: Buffer.from('name,numbers,company\n李四,13900139000,广州贸易\n,13700000000,\n'),
  });
  const report = page.getByTestId('import-report');
  await report.getByText('1 customers added, 1 rows not imported').waitFor();
  assert.match(await report.getByTestId('import-error-rows').innerText(), /\b2\s+name: is required/);
  await shot(page, '66-customer-import');
  await page.keyboard.press('Escape');
  await page.getByTestId('customers-table').getByText('李四').waitFor();
  assert.deepEqual(pageErrors, []);
  await context.close();

  // The admin's full list, filtered by state.
  const admin = accounts.find((a) => a.workId === 'admin');
  const adminContext = await browser.newContext({ locale: 'zh-CN' });
  const adminPage = await adminContext.newPage();
  await signIn(adminPage, server.base, admin, 'zh');
  await adminPage.getByRole('menuitem', { name: '预约回呼' }).click();
  const rows = adminPage.getByTestId('callbacks-table').locator('tbody tr.ant-table-row');
  await eventually(() => rows.count(), (n) => n === 2, { what: 'both callbacks in the admin list' });
  await adminPage.getByTestId('callbacks-state').click();
  await adminPage.locator('.ant-select-dropdown:visible .ant-select-item-option').filter({ hasText: '已完成' }).click();
  await eventually(() => rows.count(), (n) => n === 1, { what: 'the done callback only' });
  assert.match(await rows.first().innerText(), /马上回电/);
  await shot(adminPage, '65-admin-callbacks');
  await adminContext.close();
});
