// Browser audio survives a reload: agent 1001 is idle with browser audio and reloads the page.
// Meanwhile the phone bar tells the truth (audio not connected: red, not a green idle); after the
// reload the page offers a new media session and the agent is offered the next call, answers it
// in the browser and hears the caller. The old peer connection is gone: one session per page.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { demoAccounts, startPatchbay } from '../lib/server.mjs';
import { shot } from '../lib/browser.mjs';
import { startCaller } from '../lib/peers.mjs';
import { audioConnected, audioStats, launchWithFakeAudio, login, newContext, signInWithBrowserAudio, toneWav, waitForIncomingAudio } from './lib.mjs';

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

test('after a reload while idle the agent gets the next call with browser audio', async () => {
  const account = demoAccounts(server.dataDir).find((a) => a.workId === '1001');
  const context = await newContext(browser, server.base);
  const page = await context.newPage();
  await login(page, server.base, account);
  await signInWithBrowserAudio(page);

  await page.reload();
  await page.getByTestId('phone-bar').waitFor();
  const status = page.getByTestId('phone-status');
  await status.filter({ hasText: 'Idle' }).waitFor();
  // Until the new session is up the audio state is not "connected".
  const stateAfterReload = await page.getByTestId('audio-state').getAttribute('data-state');
  assert.ok(['connecting', 'reconnecting', 'connected'].includes(stateAfterReload), stateAfterReload);
  if (stateAfterReload !== 'connected') {
    assert.equal(await status.getAttribute('data-color'), 'red', 'not a green idle while the audio is down');
  }
  await audioConnected(page);
  assert.equal((await audioStats(page)).peers, 1);
  await shot(page, '80-webrtc-reloaded');

  caller = startCaller(server.sipPort, '4008000000', '../webrtc/scenarios/caller_talks.xml');
  await page.getByTestId('ringing-pop').waitFor({ timeout: 30_000 });
  assert.equal((await page.getByTestId('ringing-caller').innerText()).trim(), '13800138000');
  await page.getByTestId('answer-call').click();
  await page.getByTestId('talking').waitFor();
  await waitForIncomingAudio(page);
  await page.getByTestId('hangup').click();
  await status.filter({ hasText: 'After-call work' }).waitFor({ timeout: 10_000 });
  const { code, output } = await caller.done;
  assert.equal(code, 0, `sipp's call completed:\n${output.slice(-2000)}`);
  caller = null;
  await context.close();
});

test('losing the events socket shows the audio as disconnected, then reconnects', async () => {
  const account = demoAccounts(server.dataDir).find((a) => a.workId === '1001');
  const context = await newContext(browser, server.base);
  const page = await context.newPage();
  // The events socket goes through a proxy the test can cut.
  const sockets = [];
  await page.routeWebSocket(/\/api\/v1\/events/, (ws) => {
    ws.connectToServer();
    sockets.push(ws);
  });
  await login(page, server.base, account);
  const status = page.getByTestId('phone-status');
  await status.filter({ hasText: /Idle|Busy|Signed out|After-call work/ }).waitFor();
  if ((await status.innerText()).includes('Signed out')) await signInWithBrowserAudio(page);
  await audioConnected(page);
  const before = sockets.length;
  // Record every audio state the phone bar shows, with its text and the status tag's colour.
  await page.evaluate(() => {
    window.__pbAudioStates = [];
    const record = () => {
      const el = document.querySelector('[data-testid="audio-state"]');
      const tag = document.querySelector('[data-testid="phone-status"]');
      if (el) window.__pbAudioStates.push({ state: el.getAttribute('data-state'), text: el.textContent, status: tag ? tag.getAttribute('data-color') : '' });
    };
    new MutationObserver(record).observe(document.body, { subtree: true, attributes: true, childList: true, characterData: true });
  });
  await sockets.at(-1).close({ code: 4000, reason: 'test drops the socket' });
  await page.locator('[data-testid="audio-state"][data-state="reconnecting"]').waitFor({ timeout: 5000 }).catch(() => {});
  await shot(page, '81-webrtc-reconnecting');
  // The client reconnects with back-off, offers a new session, and the audio is back.
  await audioConnected(page, 60_000);
  const seen = await page.evaluate(() => window.__pbAudioStates);
  const down = seen.find((s) => s.state === 'reconnecting');
  assert.ok(down, `the phone bar showed the audio as reconnecting: ${JSON.stringify(seen.slice(0, 10))}`);
  assert.equal(down.text, 'Audio disconnected, reconnecting');
  assert.equal(down.status, 'red', 'the status is red meanwhile');
  assert.ok(sockets.length > before, 'the events socket was opened again');
  assert.equal((await audioStats(page)).peers, 1, 'the old peer connection was closed');
  await context.close();
});
