// The foundation's user journey in a real browser: the demo admin signs in, creates a role, a
// skill group and an agent in it, signs out, and the agent signs in with the initial password.
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

async function login(page, enterprise, workId, password) {
  await page.goto(`${server.base}/login`);
  await page.getByLabel('Enterprise code').fill(enterprise);
  await page.getByLabel('Work ID').fill(workId);
  await page.getByLabel('Password').fill(password);
  await page.getByTestId('login-submit').click();
}

async function pickOption(page, selectTestId, text) {
  await page.getByTestId(selectTestId).click();
  await page.locator('.ant-select-item-option').filter({ hasText: text }).first().click();
}

test('admin creates an agent with a role and a skill group, and the agent signs in', async () => {
  const admin = demoAccounts(server.dataDir).find((a) => a.workId === 'admin');
  assert.ok(admin, 'the demo admin is in the credentials file');
  const context = await browser.newContext({ locale: 'en-US' });
  const page = await context.newPage();

  await login(page, admin.enterprise, admin.workId, admin.password);
  await page.getByTestId('users-table').waitFor();
  await page.getByText('1001').first().waitFor();
  await shot(page, '01-admin-users');

  // A role.
  await page.getByRole('menuitem', { name: 'Roles' }).click();
  await page.getByTestId('roles-table').waitFor();
  await page.getByTestId('roles-create').click();
  await page.getByTestId('role-name').fill('E2E agents');
  await page.getByTestId('role-save').click();
  await page.getByRole('cell', { name: 'E2E agents' }).waitFor().catch(async (e) => {
    // Leave evidence: what the page showed and any message it gave.
    await shot(page, 'failure-role-not-listed');
    const notices = await page.locator('.ant-message-notice, .ant-form-item-explain-error').allInnerTexts();
    throw new Error(`the new role is not listed; page said: ${JSON.stringify(notices)}; ${e.message}`);
  });
  await shot(page, '02-role-created');

  // A skill group.
  await page.getByRole('menuitem', { name: 'Skill groups' }).click();
  await page.getByTestId('groups-create').click();
  await page.getByTestId('group-name').fill('E2E group');
  await page.getByTestId('group-save').click();
  await page.getByRole('cell', { name: 'E2E group' }).waitFor();

  // The agent.
  await page.getByRole('menuitem', { name: 'Users' }).click();
  await page.getByTestId('users-create').click();
  await page.getByTestId('user-work-id').fill('2001');
  await page.getByTestId('user-name').fill('Wang Fang 王芳');
  await pickOption(page, 'user-role', 'E2E agents');
  await page.getByTestId('user-save').click();
  const pwText = page.getByTestId('initial-password');
  await pwText.waitFor();
  const initialPassword = (await pwText.innerText()).trim();
  assert.match(initialPassword, /^[A-Za-z0-9]{12}$/);
  await shot(page, '03-initial-password-shown-once');
  await page.locator('.ant-modal-confirm').getByRole('button', { name: 'OK' }).click();
  await page.getByRole('cell', { name: 'Wang Fang 王芳' }).waitFor();

  // Into the skill group with level 4.
  await page.getByRole('menuitem', { name: 'Skill groups' }).click();
  const row = page.getByRole('row').filter({ hasText: 'E2E group' });
  await row.getByText('Edit members').click();
  await page.getByTestId('member-add').click();
  await pickOption(page, 'member-user-0', '2001');
  await page.getByRole('spinbutton').fill('4');
  await page.getByTestId('members-save').click();
  await page.getByText('2001 Wang Fang 王芳 · 4').waitFor();
  await shot(page, '04-agent-in-group');

  // Sign out.
  await page.getByTestId('user-menu').hover();
  await page.getByTestId('logout').click();
  await page.getByTestId('login-submit').waitFor();

  // The agent signs in and lands on the agent workspace with role and group.
  await login(page, 'demo', '2001', initialPassword);
  await page.getByTestId('agent-workspace').waitFor();
  assert.equal(new URL(page.url()).pathname, '/agent');
  assert.equal(await page.getByTestId('agent-work-id').innerText(), '2001');
  await page.getByTestId('agent-groups').getByText('E2E group').waitFor();
  await page.getByText('E2E agents').waitFor();
  await page.getByText('Connected').waitFor();
  await shot(page, '05-agent-workspace');
  await context.close();
});

test('a wrong password shows a clear message and the UI speaks Chinese to Chinese browsers', async () => {
  const context = await browser.newContext({ locale: 'zh-CN' });
  const page = await context.newPage();
  await page.goto(`${server.base}/login`);
  await page.getByText('企业编号').waitFor();
  await page.getByLabel('工号').fill('1001');
  await page.getByLabel('密码').fill('not-the-password');
  await page.getByTestId('login-submit').click();
  const err = page.getByTestId('login-error');
  await err.waitFor();
  assert.match(await err.innerText(), /企业编号、工号或密码错误/);
  await shot(page, '06-login-error-zh');
  await context.close();
});
