// The platform administrator's journey in a real browser: `patchbay admin create root` on the
// server prints a one-time password; root signs in at /platform, creates enterprise "acme" and
// reads its first admin's password (shown once); that admin signs in at the usual page and
// creates an agent, who signs in. Root then disables acme, and acme's admin can no longer sign in.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { after, before, test } from 'node:test';
import { startPatchbay } from '../lib/server.mjs';
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

async function login(page, enterprise, workId, password) {
  await page.goto(`${server.base}/login`);
  await page.getByLabel('Enterprise code').fill(enterprise);
  await page.getByLabel('Work ID').fill(workId);
  await page.getByLabel('Password').fill(password);
  await page.getByTestId('login-submit').click();
}

test('the platform administrator creates an enterprise whose admin creates an agent', async () => {
  // The CLI works on the running server's database.
  const printed = execFileSync(process.env.PATCHBAY_BIN, ['admin', 'create', 'root', '--data-dir', server.dataDir], { encoding: 'utf8' });
  const rootPassword = printed.match(/password (\S+)/)?.[1];
  assert.match(rootPassword ?? '', /^[A-Za-z0-9]{12}$/, printed);

  const context = await browser.newContext({ locale: 'en-US' });
  const page = await context.newPage();
  await page.goto(`${server.base}/platform`);
  await page.getByTestId('platform-username').fill('root');
  await page.getByTestId('platform-password').fill('wrong-password');
  await page.getByTestId('platform-login-submit').click();
  await page.getByTestId('platform-login-error').filter({ hasText: 'Wrong user name or password' }).waitFor();
  await page.getByTestId('platform-password').fill(rootPassword);
  await page.getByTestId('platform-login-submit').click();
  await page.getByTestId('platform-enterprises').getByRole('cell', { name: 'demo', exact: true }).waitFor();
  await shot(page, '60-platform-enterprises');

  await page.getByTestId('platform-new-enterprise').click();
  await page.getByTestId('platform-code').fill('acme');
  await page.getByTestId('platform-name').fill('Acme 艾克米');
  await page.getByRole('dialog').getByRole('button', { name: 'OK' }).click();
  const pw = page.getByTestId('platform-created-password');
  await pw.waitFor();
  const adminPassword = (await pw.innerText()).trim();
  assert.match(adminPassword, /^[A-Za-z0-9]{12}$/);
  await shot(page, '61-platform-enterprise-created');
  await page.getByRole('dialog').filter({ hasText: 'Enterprise created' }).getByRole('button', { name: 'OK' }).click();
  await page.getByTestId('platform-enterprises').getByRole('cell', { name: 'Acme 艾克米' }).waitFor();

  // Acme's first admin signs in and creates an agent with the 坐席 role.
  const adminPage = await (await browser.newContext({ locale: 'en-US' })).newPage();
  await login(adminPage, 'acme', 'admin', adminPassword);
  await adminPage.getByTestId('users-table').waitFor();
  await adminPage.getByTestId('users-create').click();
  await adminPage.getByTestId('user-work-id').fill('3001');
  await adminPage.getByTestId('user-name').fill('Li Lei 李雷');
  await adminPage.getByTestId('user-role').click();
  await adminPage.locator('.ant-select-item-option').filter({ hasText: '坐席' }).first().click();
  // The role is picked (the list closed on it) before saving.
  await adminPage.getByTestId('user-role').filter({ hasText: '坐席' }).waitFor();
  await adminPage.getByTestId('user-save').click();
  const initial = adminPage.getByTestId('initial-password');
  await initial.waitFor();
  const agentPassword = (await initial.innerText()).trim();
  await adminPage.locator('.ant-modal-confirm').getByRole('button', { name: 'OK' }).click();
  await adminPage.getByRole('cell', { name: 'Li Lei 李雷' }).waitFor();
  await shot(adminPage, '62-new-enterprise-admin-created-agent');
  const agentPage = await (await browser.newContext({ locale: 'en-US' })).newPage();
  await login(agentPage, 'acme', '3001', agentPassword);
  await agentPage.waitForURL(/\/agent/);

  // Root disables acme: its admin cannot sign in any more, and the page says why.
  await page.getByTestId('platform-enabled-acme').click();
  await page.getByTestId('platform-enabled-acme').and(page.locator('[aria-checked="false"]')).waitFor();
  const again = await (await browser.newContext({ locale: 'en-US' })).newPage();
  await login(again, 'acme', 'admin', adminPassword);
  await again.getByTestId('login-error').filter({ hasText: 'This enterprise is disabled' }).waitFor();
});
