// The web call widget (SPEC §7) end to end, two browser contexts: a visitor opens the public
// widget page (no sign-in), calls the demo hotline, hears the IVR, presses 1 on the dial pad
// (DTMF over the widget API); agent 1002, idle with browser audio, answers in the browser. Both
// sides hear each other (inbound audio energy rises on both pages). The visitor hangs up and the
// agent's call ends. Also: widget.js, pasted into a page, opens the widget in a frame.
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import { after, before, test } from 'node:test';
import { demoAccounts, startPatchbay } from '../lib/server.mjs';
import { shot } from '../lib/browser.mjs';
import { launchWithFakeAudio, login, newContext, signInWithBrowserAudio, toneWav, waitForIncomingAudio, waitForOutgoingAudio } from './lib.mjs';

let server;
let browser;

before(async () => {
  server = await startPatchbay();
  browser = await launchWithFakeAudio(toneWav(700));
});

after(async () => {
  await browser?.close();
  await server?.stop();
});

test('widget.js adds a call button that opens the widget page in a frame', async () => {
  const context = await newContext(browser, server.base);
  const page = await context.newPage();
  // A company page on another origin, served from loopback (Chromium keeps pages it cannot place
  // from loading loopback scripts), with the script tag pasted as documented.
  const shopServer = createServer((req, res) => {
    res.setHeader('content-type', 'text/html; charset=utf-8');
    res.end(`<!doctype html><html lang="en"><body><h1>Shop</h1><script src="${server.base}/widget.js" data-number="4008000000"></script></body></html>`);
  });
  await new Promise((r) => shopServer.listen(0, '127.0.0.1', r));
  await page.goto(`http://127.0.0.1:${shopServer.address().port}/`);
  const button = page.locator('[data-patchbay-widget="button"]');
  await button.filter({ hasText: 'Call us' }).waitFor();
  await button.click();
  const frame = page.frameLocator('[data-patchbay-widget="frame"] iframe');
  await frame.getByTestId('widget-call').waitFor();
  const src = await page.locator('[data-patchbay-widget="frame"] iframe').getAttribute('src');
  assert.equal(src, `${server.base}/widget?number=4008000000&embed=1`);
  await shot(page, '70-widget-embedded');
  await frame.getByTestId('widget-close').click();
  await page.locator('[data-patchbay-widget="frame"]').waitFor({ state: 'detached' });
  await button.waitFor();
  await context.close();
  shopServer.close();
});

test('a visitor calls from the widget, presses 1, agent 1002 answers in the browser; audio both ways', async () => {
  const account = demoAccounts(server.dataDir).find((a) => a.workId === '1002');
  const agentContext = await newContext(browser, server.base);
  const agent = await agentContext.newPage();
  await login(agent, server.base, account);
  await signInWithBrowserAudio(agent);

  const visitorContext = await newContext(browser, server.base);
  const visitor = await visitorContext.newPage();
  await visitor.goto(`${server.base}/widget?number=4008000000&lang=en`);
  const vstatus = visitor.getByTestId('widget-status');
  await vstatus.filter({ hasText: 'Press the button' }).waitFor();
  await shot(visitor, '71-widget-idle');
  await visitor.getByTestId('widget-call').click();
  await visitor.locator('[data-testid="widget-status"][data-state="connected"]').waitFor({ timeout: 20_000 });
  // The IVR's welcome and menu prompts reach the visitor.
  await waitForIncomingAudio(visitor);
  await waitForOutgoingAudio(visitor);
  // The welcome prompt ignores keys; the menu after it takes them. Press 1 until it routes:
  // 1002 (Sales, level 4; 1001 is signed out) is rung.
  const pop = agent.getByTestId('ringing-pop');
  for (let i = 0; i < 15 && !(await pop.isVisible()); i++) {
    await visitor.getByTestId('dtmf-1').click();
    await pop.waitFor({ timeout: 2_000 }).catch(() => {});
  }
  await visitor.getByTestId('widget-digits').filter({ hasText: '1' }).waitFor();
  await shot(visitor, '72-widget-pressed-1');
  await pop.waitFor({ timeout: 10_000 });
  assert.equal((await agent.getByTestId('ringing-dialed').innerText()).trim(), '4008000000');
  await agent.getByTestId('answer-call').click();
  await agent.getByTestId('talking').waitFor();

  // Both sides hear the other's microphone (the fake 700 Hz tone).
  await waitForIncomingAudio(agent);
  await waitForIncomingAudio(visitor);
  await waitForOutgoingAudio(agent);
  await shot(agent, '73-widget-agent-talking');
  await shot(visitor, '74-widget-visitor-talking');

  await visitor.getByTestId('widget-hangup').click();
  await vstatus.filter({ hasText: 'Call ended' }).waitFor();
  await agent.getByTestId('talking').waitFor({ state: 'detached', timeout: 10_000 });
  await agent.getByTestId('ended-pop').waitFor();
  await agentContext.close();
  await visitorContext.close();
});
