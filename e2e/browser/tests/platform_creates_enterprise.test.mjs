// The platform administrator's journey in a real browser: `patchbay admin create root` on the
// server prints a one-time password; root signs in at /platform, creates enterprise "acme" and
// reads its first admin's password (shown once); that admin signs in at the usual page and
// creates an agent, who signs in. Acme was made in New York's time zone with one agent seat: the
// agent signs in on the phone bar, and the admin signing in as a second agent is told the seats
// are taken, until root lifts the limit. Root then disables acme, and acme's admin can no longer
// sign in.
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
  await page.getByTestId('terms-time-zone').click();
  await page.keyboard.type('New_Y');
  await page.locator('.ant-select-item-option').filter({ hasText: 'America/New_York' }).click();
  await page.getByTestId('terms-time-zone').filter({ hasText: 'America/New_York' }).waitFor();
  await page.getByTestId('terms-agents').fill('1');
  await page.getByRole('dialog').getByRole('button', { name: 'OK' }).click();
  const pw = page.getByTestId('platform-created-password');
  await pw.waitFor();
  const adminPassword = (await pw.innerText()).trim();
  assert.match(adminPassword, /^[A-Za-z0-9]{12}$/);
  await shot(page, '61-platform-enterprise-created');
  await page.getByRole('dialog').filter({ hasText: 'Enterprise created' }).getByRole('button', { name: 'OK' }).click();
  await page.getByTestId('platform-enterprises').getByRole('cell', { name: 'Acme 艾克米' }).waitFor();
  await page.getByTestId('platform-enterprises').getByRole('cell', { name: 'America/New_York' }).waitFor();
  await page.getByTestId('platform-limits-acme').filter({ hasText: 'agents 1 · calls none · widget none' }).waitFor();

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

  // One seat: 3001 takes it on the phone bar; the admin signing in as an agent is refused.
  await agentPage.getByTestId('sign-in').click();
  await agentPage.getByTestId('phone-status').filter({ hasText: 'Busy' }).waitFor();
  await adminPage.goto(`${server.base}/agent`);
  await adminPage.getByTestId('phone-status').filter({ hasText: 'Signed out' }).waitFor();
  await adminPage.getByTestId('sign-in').click();
  await adminPage.locator('.ant-message').filter({ hasText: 'as many agents signed in as it may' }).waitFor();
  await shot(adminPage, '63-agent-seat-limit');
  assert.equal((await adminPage.getByTestId('phone-status').innerText()).includes('Signed out'), true);
  // Root lifts the limit: the admin signs in now.
  await page.getByTestId('platform-terms-acme').click();
  await page.getByTestId('terms-agents').fill('');
  await page.getByTestId('terms-concurrent_calls').fill('20');
  await page.getByRole('dialog').filter({ hasText: 'time zone and limits' }).getByRole('button', { name: 'OK' }).click();
  await page.getByTestId('platform-limits-acme').filter({ hasText: 'agents none · calls 20 · widget none' }).waitFor();
  await page.getByRole('dialog').filter({ hasText: 'time zone and limits' }).waitFor({ state: 'hidden' });
  await shot(page, '64-platform-enterprise-limits');
  await adminPage.getByTestId('sign-in').click();
  await adminPage.getByTestId('phone-status').filter({ hasText: 'Busy' }).waitFor();

  // Root disables acme: its admin cannot sign in any more, and the page says why.
  await page.getByTestId('platform-enabled-acme').click();
  await page.getByTestId('platform-enabled-acme').and(page.locator('[aria-checked="false"]')).waitFor();
  const again = await (await browser.newContext({ locale: 'en-US' })).newPage();
  await login(again, 'acme', 'admin', adminPassword);
  await again.getByTestId('login-error').filter({ hasText: 'This enterprise is disabled' }).waitFor();
});
