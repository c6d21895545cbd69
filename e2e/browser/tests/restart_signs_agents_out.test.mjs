// Patchbay restarts while agent 1001 is signed in and the admin watches the monitor: both pages
// stay open, reconnect by themselves, and say what happened: the phone bar that 1001 was signed
// out by the restart (until 1001 signs in again), the monitor that every agent was signed out.
// Never silently.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { demoAccounts, startPatchbay } from '../lib/server.mjs';
import { launch, shot, signIn } from '../lib/browser.mjs';

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

test('a restart tells the signed-in agent and the monitor that agents were signed out', async () => {
  const accounts = demoAccounts(server.dataDir);
  const admin = accounts.find((a) => a.workId === 'admin');
  const agent = accounts.find((a) => a.workId === '1001');
  const agentPage = await (await browser.newContext({ locale: 'en-US' })).newPage();
  await signIn(agentPage, server.base, agent);
  const status = agentPage.getByTestId('phone-status');
  await status.filter({ hasText: 'Signed out' }).waitFor();
  await agentPage.getByTestId('sign-in').click();
  await status.filter({ hasText: 'Busy' }).waitFor();
  const adminPage = await (await browser.newContext({ locale: 'en-US' })).newPage();
  await signIn(adminPage, server.base, admin);
  await adminPage.waitForURL((u) => !u.pathname.startsWith('/login'));
  await adminPage.goto(`${server.base}/admin/monitor`);
  await adminPage.getByTestId('monitor').waitFor();
  assert.equal(await adminPage.getByTestId('monitor-restarted').count(), 0, 'no notice before a restart');

  // SIGTERM, then the same data directory and ports: the sessions survive, the ACD does not.
  const { dataDir, port, sipPort } = server;
  await server.stop();
  server = await startPatchbay({ again: { dataDir, port, sipPort } });

  const notice = agentPage.getByTestId('restart-notice');
  await notice.filter({ hasText: 'restarted' }).waitFor({ timeout: 20_000 });
  await status.filter({ hasText: 'Signed out' }).waitFor();
  await shot(agentPage, '86-restart-signed-out');
  await adminPage.getByTestId('monitor-restarted').filter({ hasText: 'restarted' }).waitFor({ timeout: 20_000 });
  await shot(adminPage, '87-monitor-after-restart');

  // Signing in again puts the notice away.
  await agentPage.getByTestId('sign-in').click();
  await status.filter({ hasText: 'Busy' }).waitFor();
  await notice.waitFor({ state: 'detached' });
});
