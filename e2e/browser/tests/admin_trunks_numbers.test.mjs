// Numbers, trunks and desk-phone accounts in the admin console: the demo's local trunk shows as
// up, the demo numbers are listed, the admin adds a registering trunk and a number on it, lets
// only agent 1002 show it when dialing (1002's dial box offers it, 1001's does not), and sets
// agent 1001's desk-phone password.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { demoAccounts, startPatchbay } from '../lib/server.mjs';
import { launch, shot } from '../lib/browser.mjs';
import { apiAs } from '../webrtc/lib.mjs';

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

test('admin sees the demo trunk up, adds a trunk and a number, and sets a desk-phone password', async () => {
  const admin = demoAccounts(server.dataDir).find((a) => a.workId === 'admin');
  const context = await browser.newContext({ locale: 'en-US' });
  const page = await context.newPage();
  await page.goto(`${server.base}/login`);
  await page.getByLabel('Enterprise code').fill(admin.enterprise);
  await page.getByLabel('Work ID').fill(admin.workId);
  await page.getByLabel('Password').fill(admin.password);
  await page.getByTestId('login-submit').click();
  await page.getByTestId('users-table').waitFor();

  // The demo numbers.
  await page.getByRole('menuitem', { name: 'Numbers' }).click();
  await page.getByRole('cell', { name: '4008000000' }).waitFor();
  await page.getByRole('row').filter({ hasText: '9196' }).getByRole('cell', { name: 'Echo test', exact: true }).waitFor();

  // The demo's local trunk pings Patchbay's own SIP port, so it is up.
  await page.getByRole('menuitem', { name: 'Trunks' }).click();
  const local = page.getByRole('row').filter({ hasText: 'Local' });
  await local.getByTestId('trunk-state').filter({ hasText: 'Up' }).waitFor({ timeout: 15000 });
  await shot(page, '10-trunks');

  // A registering trunk needs credentials: the form says so before anything is sent.
  await page.getByTestId('trunks-create').click();
  await page.getByTestId('trunk-name').fill('Carrier A 电信');
  await page.getByTestId('trunk-mode').click();
  await page.locator('.ant-select-item-option').filter({ hasText: 'Register to the carrier' }).click();
  await page.getByTestId('trunk-host').fill('127.0.0.1');
  await page.getByTestId('trunk-port').fill('9');
  await page.getByTestId('trunk-save').click();
  await page.locator('.ant-form-item-explain-error').first().waitFor();
  await page.getByTestId('trunk-username').fill('acct-1');
  await page.getByTestId('trunk-password').fill('secret-1');
  await page.getByTestId('trunk-save').click();
  await page.getByRole('cell', { name: 'Carrier A 电信' }).waitFor();

  // A number on it; the same number again is refused with a clear message.
  await page.getByRole('menuitem', { name: 'Numbers' }).click();
  for (const attempt of [1, 2]) {
    await page.getByTestId('numbers-create').click();
    await page.getByTestId('number-number').fill('4001112222');
    await page.getByTestId('number-trunk').click();
    await page.locator('.ant-select-item-option').filter({ hasText: 'Carrier A' }).click();
    await page.getByTestId('number-save').click();
    if (attempt === 1) {
      await page.getByRole('cell', { name: '4001112222' }).waitFor();
    } else {
      await page.getByText('This number is already assigned').waitFor();
      await page.locator('.ant-modal-footer').filter({ visible: true }).getByRole('button', { name: 'Cancel' }).click();
      await page.locator('.ant-modal-wrap').filter({ visible: true }).waitFor({ state: 'detached' }).catch(() => {});
    }
  }
  await shot(page, '11-numbers');

  // Only 1002 may show the new number when dialing.
  await page.getByTestId('callers-4001112222').click();
  await page.getByTestId('callers-users').click();
  await page.locator('.ant-select-item-option').filter({ hasText: '1002' }).click();
  await page.keyboard.press('Escape');
  await shot(page, '13-number-callers');
  await page.getByTestId('callers-save').click();
  await page.getByTestId('callers-save').waitFor({ state: 'hidden' });
  const accounts = demoAccounts(server.dataDir);
  const mine = async (workId) => {
    const as = await apiAs(server.base, accounts.find((a) => a.workId === workId));
    return (await as('GET', '/me/caller-numbers')).body.map((n) => n.number);
  };
  assert.ok((await mine('1002')).includes('4001112222'), '1002 may show it');
  assert.ok(!(await mine('1001')).includes('4001112222'), '1001 may not');
  assert.ok((await mine('1001')).includes('4008000000'), 'numbers nobody was named for are for everyone');

  // 1001's desk phone: the demo account exists and is not registered; set a password.
  await page.getByRole('menuitem', { name: 'Users' }).click();
  await page.getByRole('row').filter({ hasText: '坐席 1001' }).getByTestId('sip-account').click();
  await page.getByTestId('sip-registrations').filter({ hasText: 'Not registered' }).waitFor();
  // The form is filled when the account's answer comes, which may be after the registrations.
  await page.waitForFunction(() => document.querySelector('[data-testid="sip-username"]')?.value === '1001', null, { timeout: 10_000 });
  await page.getByTestId('sip-password-input').fill('desk-phone-1');
  await page.getByTestId('sip-save').click();
  const shown = page.getByTestId('sip-password');
  await shown.waitFor();
  assert.equal((await shown.innerText()).trim(), 'desk-phone-1');
  await shot(page, '12-sip-account');
  await context.close();
});
