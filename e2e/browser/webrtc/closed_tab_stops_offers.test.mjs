// Presence that matches reality: agent 1001 is idle with browser audio and closes the tab.
// Within 10 s Patchbay makes them busy with the reason `browser_gone` (the monitor says so), a
// customer who then presses 1 for Sales waits in the queue and is offered to nobody, and when
// the agent opens the page again the phone bar says why they are busy; once they set idle, the
// waiting customer rings on their page.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { demoAccounts, startPatchbay } from '../lib/server.mjs';
import { shot } from '../lib/browser.mjs';
import { startCaller } from '../lib/peers.mjs';
import { agentPage, apiAs, audioConnected, eventually, launchWithFakeAudio, login, newContext, toneWav } from './lib.mjs';

let server;
let browser;
let caller;

before(async () => {
  server = await startPatchbay();
  browser = await launchWithFakeAudio(toneWav(500));
});

after(async () => {
  await caller?.stop();
  await browser?.close();
  await server?.stop();
});

test('a closed browser tab stops offers within 10 s and the agent is told why', async () => {
  const accounts = demoAccounts(server.dataDir);
  const agent = accounts.find((a) => a.workId === '1001');
  const admin = await apiAs(server.base, accounts.find((a) => a.workId === 'admin'));
  const { context } = await agentPage(server, browser, '1001');
  const monitorRow = async () => (await admin('GET', '/monitor')).body.agents.find((a) => a.work_id === '1001');
  assert.equal((await monitorRow()).presence.phone, 'idle');

  const closedAt = Date.now();
  await context.close();
  const busy = await eventually(monitorRow, (row) => row?.presence.phone === 'busy' && row.presence.busy_reason === 'browser_gone', {
    timeout: 10_000,
    what: '1001 made busy for browser_gone',
  });
  const tookMs = Date.now() - closedAt;
  console.log(`closed tab → busy (browser_gone) in ${tookMs} ms`);
  assert.ok(tookMs < 10_000, `${tookMs} ms`);
  assert.equal(busy.presence.login, 'online', 'still signed in');

  // A customer for Sales now waits: nobody is offered the call.
  caller = startCaller(server.sipPort, '4008000000', '../webrtc/scenarios/caller_talks.xml');
  await eventually(async () => (await admin('GET', '/monitor')).body.queues, (queues) => queues.some((q) => q.waiting >= 1), {
    timeout: 20_000,
    what: 'the caller waiting in a queue',
  });
  const watchUntil = Date.now() + 3_000;
  while (Date.now() < watchUntil) {
    const row = await monitorRow();
    assert.equal(row.presence.phone, 'busy', 'the queued call is not offered to the closed tab');
    await new Promise((r) => setTimeout(r, 200));
  }

  // The agent comes back: the phone bar says why they are busy; going idle clears it, and the
  // caller still waiting is offered to them at once.
  const again = await newContext(browser, server.base);
  const page = await again.newPage();
  await login(page, server.base, agent);
  const why = page.getByTestId('busy-reason');
  await why.waitFor();
  assert.equal(await why.getAttribute('data-reason'), 'browser_gone');
  assert.match(await why.innerText(), /page was closed/);
  await shot(page, '82-busy-after-closed-tab');
  await audioConnected(page);
  await page.getByTestId('phone-idle').click();
  await page.getByTestId('ringing-pop').waitFor({ timeout: 30_000 });
  assert.equal(await why.count(), 0, 'the notice goes once the agent is idle again');
  await page.getByTestId('reject-call').click().catch(() => {});
  await caller.stop();
  caller = null;
  await again.close();
});
