// Outbound campaigns in a real browser: the demo admin creates a campaign for agent 1001,
// imports a CSV list (one row refused, shown in the report), starts it; the agent opens the
// campaign view, sees the customers sorted by name with "0/5" attempts, picks a row, saves a
// note and adds the customer to the customer database. No call is placed (no carrier here):
// dialing is covered by the API tests.
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

async function login(page, account) {
  await page.goto(`${server.base}/login`);
  await page.getByLabel('Enterprise code').fill(account.enterprise);
  await page.getByLabel('Work ID').fill(account.workId);
  await page.getByLabel('Password').fill(account.password);
  await page.getByTestId('login-submit').click();
}

test('admin creates and imports a campaign, the agent works its list', async () => {
  const accounts = demoAccounts(server.dataDir);
  const admin = accounts.find((a) => a.workId === 'admin');
  const agent = accounts.find((a) => a.workId === '1001');
  assert.ok(admin && agent, 'the demo admin and agent 1001 are in the credentials file');
  const context = await browser.newContext({ locale: 'en-US' });
  const page = await context.newPage();
  const pageErrors = [];
  page.on('pageerror', (e) => pageErrors.push(e.message));

  await login(page, admin);
  await page.getByTestId('nav-campaign-admin').click();
  await page.getByTestId('campaign-create').click();
  await page.getByTestId('campaign-name').fill('Spring offer 春季促销');
  await page.getByTestId('campaign-agents').click();
  await page.locator('.ant-select-item-option').filter({ hasText: '1001' }).first().click();
  await page.keyboard.press('Escape');
  await page.locator('.ant-modal').getByRole('button', { name: 'Save' }).click();
  const table = page.getByTestId('campaigns-table');
  await table.getByText('Spring offer 春季促销').waitFor();
  await table.getByText('Not started').waitFor();

  // Import: two customers and a bad number.
  await page.getByTestId('campaign-import').click();
  await page.locator('.ant-modal input[type=file]').setInputFiles({
    name: 'list.csv',
    mimeType: 'text/csv',
    buffer: Buffer.from('姓名,电话,城市\n王五,138 0000 0001,深圳\n李四,+86 138 0000 0002,北京\n坏号,12ab,\n'),
  });
  const result = page.getByTestId('import-result');
  await result.getByText('3 rows, 2 imported, 1 refused').waitFor();
  assert.equal(await page.getByTestId('import-errors').getAttribute('href') !== null, true);
  await page.locator('.ant-modal').getByText('Bad number').waitFor();
  await shot(page, '80-campaign-import');
  await page.keyboard.press('Escape');
  await page.getByTestId('campaign-start').click();
  await table.getByText('Running').waitFor();
  await shot(page, '81-campaign-running');
  await page.getByTestId('user-menu').hover();
  await page.getByTestId('logout').click();
  // The sign-out is done when its request returned and the page went to the sign-in form:
  // navigating earlier would cancel the request and leave the admin signed in.
  await page.getByTestId('login-submit').waitFor();

  // The agent's view.
  await login(page, agent);
  await page.getByTestId('nav-campaigns').click();
  await page.getByTestId('campaign-summary').getByText('Spring offer 春季促销').waitFor();
  const rows = page.getByTestId('campaign-customers').locator('tbody tr');
  await rows.filter({ hasText: '李四' }).waitFor();
  const texts = await rows.allInnerTexts();
  assert.equal(texts.length, 2, JSON.stringify(texts));
  assert.ok(texts[0].includes('李四') && texts[1].includes('王五'), `sorted by name: ${JSON.stringify(texts)}`);
  assert.ok(texts.every((t) => t.includes('0/5')), JSON.stringify(texts));
  await rows.filter({ hasText: '王五' }).click();
  const panel = page.getByTestId('customer-panel');
  await panel.getByText('深圳').waitFor();
  await page.getByTestId('customer-notes').fill('prefers calls after 6pm');
  await page.getByTestId('customer-save').click();
  assert.match((await rows.filter({ hasText: '王五' }).getAttribute('class')) ?? '', /ant-table-row-selected/);
  await page.locator('.ant-message-notice').getByText('Saved').waitFor();
  await shot(page, '82-campaign-agent-view');
  // Added to the customer database from the row.
  await page.getByTestId('customer-to-customers').click();
  await page.locator('.ant-message-notice').getByText('Added to the customers').waitFor();
  assert.deepEqual(pageErrors, []);
  await context.close();
});

test('the admin caps a predictive campaign\'s abandon rate and the campaign view shows the rates', async () => {
  const admin = demoAccounts(server.dataDir).find((a) => a.workId === 'admin');
  const context = await browser.newContext({ locale: 'en-US' });
  const page = await context.newPage();
  const pageErrors = [];
  page.on('pageerror', (e) => pageErrors.push(e.message));
  await login(page, admin);
  await page.getByTestId('nav-campaign-admin').click();
  await page.getByTestId('campaign-create').click();
  await page.getByTestId('campaign-name').fill('Predictive 预测');
  assert.equal(await page.getByTestId('campaign-abandon-cap').count(), 0, 'no cap outside predictive mode');
  await page.getByTestId('campaign-mode').click();
  await page.locator('.ant-select-item-option').filter({ hasText: 'Predictive' }).click();
  const cap = page.getByTestId('campaign-abandon-cap');
  await cap.waitFor();
  assert.equal(await cap.inputValue(), '3.00', 'the default cap');
  await cap.fill('2.5');
  await page.locator('.ant-modal').getByRole('button', { name: 'Save' }).click();
  const table = page.getByTestId('campaigns-table');
  await table.getByText('Predictive 预测').waitFor();
  await shot(page, '83-campaign-predictive-cap');

  await page.getByTestId('nav-campaigns').click();
  await page.getByTestId('campaign-picker').click();
  await page.locator('.ant-select-item-option').filter({ hasText: 'Predictive 预测' }).click();
  const rates = page.getByTestId('campaign-abandon-rate');
  await rates.getByText('campaign 0.0% · last hour 0.0% (cap 2.5%)').waitFor();
  await shot(page, '84-campaign-abandon-rate');
  assert.deepEqual(pageErrors, []);
  await context.close();
});
