// A real call through the phone bar: agent 1001's desk phone (baresip) is registered and the
// agent is idle; a customer (sipp) calls the demo hotline and presses 1 for Sales. The browser
// pops the call with the caller, the dialed number and the group, and says to answer on the desk
// phone; the agent rejects it, goes busy, sees the caller waiting in the queue and the missed call
// in red; when the customer hangs up the queue empties; the agent marks the reminder handled.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { demoAccounts, startPatchbay } from '../lib/server.mjs';
import { launch, shot } from '../lib/browser.mjs';
import { startCaller, startDeskPhone } from '../lib/peers.mjs';
import { eventually } from '../lib/wait.mjs';

let server;
let browser;
let phone;
let caller;

before(async () => {
  server = await startPatchbay();
  browser = await launch();
});

after(async () => {
  await caller?.stop();
  await phone?.stop();
  await browser?.close();
  await server?.stop();
});

test('a call rings the phone bar, is rejected, shows as a missed call and is marked handled', async () => {
  const creds = readFileSync(join(server.dataDir, 'demo-credentials.txt'), 'utf8');
  const sipPassword = creds.match(/desk phone of 1001: SIP user 1001 password (\S+)/)?.[1];
  assert.ok(sipPassword, "the credentials file has 1001's desk-phone password");
  phone = await startDeskPhone(server.sipPort, '1001', sipPassword);

  const account = demoAccounts(server.dataDir).find((a) => a.workId === '1001');
  const context = await browser.newContext({ locale: 'en-US' });
  const page = await context.newPage();
  await page.goto(`${server.base}/login`);
  await page.getByLabel('Enterprise code').fill(account.enterprise);
  await page.getByLabel('Work ID').fill(account.workId);
  await page.getByLabel('Password').fill(account.password);
  await page.getByTestId('login-submit').click();
  const status = page.getByTestId('phone-status');
  await status.filter({ hasText: 'Signed out' }).waitFor();
  await page.getByTestId('sign-in').click();
  await status.filter({ hasText: 'Busy' }).waitFor();
  await page.getByTestId('phone-idle').click();
  await status.filter({ hasText: 'Idle' }).waitFor();

  caller = startCaller(server.sipPort, '4008000000', 'ivr_press_1.xml');
  const pop = page.getByTestId('ringing-pop');
  await pop.waitFor({ timeout: 30_000 });
  await status.filter({ hasText: 'Ringing' }).waitFor();
  assert.equal((await page.getByTestId('ringing-caller').innerText()).trim(), '13800138000');
  assert.equal((await page.getByTestId('ringing-dialed').innerText()).trim(), '4008000000');
  assert.equal((await page.getByTestId('ringing-group').innerText()).trim(), 'Sales 销售');
  assert.equal((await page.getByTestId('ringing-hint').innerText()).trim(), 'Answer on your desk phone');
  // The desk phone rings too (its log may lag the pop a little).
  await eventually(() => phone.output(), (out) => /Incoming call from: 13800138000/.test(out), { what: "the desk phone's ringing" });
  await shot(page, '30-ringing-pop');

  // Reject: the call goes back to the head of the queue (1002 is signed out), the agent is busy.
  await page.getByTestId('reject-call').click();
  await pop.waitFor({ state: 'detached' });
  await status.filter({ hasText: 'Busy' }).waitFor();
  await page.getByTestId('queue-total').filter({ hasText: '1' }).waitFor();
  const missed = page.getByTestId('missed-calls');
  const reminder = missed.getByRole('listitem').filter({ hasText: '13800138000' });
  await reminder.waitFor();
  assert.match(await reminder.innerText(), /dialed 4008000000/);
  const color = await reminder.locator('.ant-typography-danger').first().evaluate((el) => getComputedStyle(el).color);
  assert.ok(/rgb\(2\d\d, \d{1,2}, \d{1,2}\)/.test(color), `the unhandled reminder is red, not ${color}`);
  await shot(page, '31-rejected-missed');

  // The customer gives up: the queue empties.
  const { code, output } = await caller.done;
  assert.equal(code, 0, `sipp's call completed:\n${output.slice(-2000)}`);
  await page.getByTestId('queue-total').filter({ hasText: '0' }).waitFor();

  // Mark handled: the reminder stays, greyed, without its buttons.
  await reminder.getByRole('button', { name: 'Mark handled' }).click();
  await reminder.getByText('Handled', { exact: true }).waitFor();
  assert.equal(await reminder.getByRole('button', { name: 'Call back' }).count(), 0);
  await shot(page, '32-missed-handled');
  await context.close();
});
