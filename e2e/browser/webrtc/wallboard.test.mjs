// The wallboard (SPEC §4) follows a call without a reload: the admin's wallboard shows nobody
// waiting; agent 1001 is signed in (browser audio) but busy; a customer (sipp for signalling, the
// test for media) calls the hotline and presses 1, so it waits in Sales: the wallboard's waiting
// and offered figures go up. The agent goes idle, the call rings and the agent answers: waiting
// goes back to 0 and answered up; the admin's monitor page shows the agent's current call. Then
// the wallboard's socket is cut and it reconnects by itself.
import assert from 'node:assert/strict';
import net from 'node:net';
import { after, before, test } from 'node:test';
import { demoAccounts, startPatchbay } from '../lib/server.mjs';
import { shot } from '../lib/browser.mjs';
import { startCaller } from '../lib/peers.mjs';
import { agentPage, eventually, launchWithFakeAudio, newContext, toneWav } from './lib.mjs';
import { startRtpCustomer } from './rtp_customer.mjs';

let server;
let browser;
let caller;
let media;
let link;

/**
 * A TCP relay to Patchbay's HTTP port that the test can cut like a network drop: every open
 * connection (the WebSocket too) is reset and new ones are refused until it is mended.
 */
async function startLink(port) {
  const open = new Set();
  let down = false;
  const relay = net.createServer((client) => {
    if (down) return client.destroy();
    const upstream = net.connect(port, '127.0.0.1');
    for (const [a, b] of [[client, upstream], [upstream, client]]) {
      a.pipe(b);
      a.on('error', () => b.destroy());
      a.on('close', () => b.destroy());
    }
    open.add(client);
    client.on('close', () => open.delete(client));
  });
  await new Promise((resolve) => relay.listen(0, '127.0.0.1', resolve));
  return {
    base: `http://127.0.0.1:${relay.address().port}`,
    cut() {
      down = true;
      for (const c of open) c.destroy();
    },
    mend() {
      down = false;
    },
    close: () => new Promise((resolve) => relay.close(resolve)),
  };
}

before(async () => {
  server = await startPatchbay();
  link = await startLink(Number(new URL(server.base).port));
  browser = await launchWithFakeAudio(toneWav(600));
});

after(async () => {
  media?.stop();
  await caller?.stop();
  await browser?.close();
  link?.cut();
  await link?.close();
  await server?.stop();
});

/** The admin signed in, on the wallboard (a page load only here: never reloaded after). */
async function adminWallboard() {
  const account = demoAccounts(server.dataDir).find((a) => a.workId === 'admin');
  const context = await newContext(browser, server.base);
  const page = await context.newPage();
  await page.goto(`${server.base}/login`);
  await page.getByLabel('Enterprise code').fill(account.enterprise);
  await page.getByLabel('Work ID').fill(account.workId);
  await page.getByLabel('Password').fill(account.password);
  await page.getByTestId('login-submit').click();
  await page.getByTestId('users-table').waitFor();
  // Through the relay (cookies do not depend on the port), so the test can cut its network.
  await page.goto(`${link.base}/wallboard`);
  await page.getByTestId('wallboard').waitFor();
  return { context, page };
}

const figure = (page, id) => page.getByTestId(`wallboard-${id}`).innerText();
const seeFigure = (page, id, value, what) =>
  eventually(() => figure(page, id), (v) => v.trim() === value, { timeout: 15_000, what });

test('the wallboard counts a queued caller and the answer live, and reconnects after a drop', async (t) => {
  const { page: board } = await adminWallboard();
  await seeFigure(board, 'waiting', '0', 'nobody waits at first');
  await seeFigure(board, 'offered', '0', 'nothing offered yet');
  await seeFigure(board, 'answered', '0', 'nothing answered yet');
  let loads = 0;
  board.on('load', () => (loads += 1));

  // Agent 1001 signs in with browser audio, then goes busy: a caller has to wait.
  const { page: agent } = await agentPage(server, browser, '1001');
  await agent.getByTestId('phone-busy').click();
  await agent.getByTestId('phone-status').filter({ hasText: 'Busy' }).waitFor();
  await seeFigure(board, 'idle', '0', 'no idle agent on the wallboard');

  media = await startRtpCustomer({ hz: 1000 });
  caller = startCaller(server.sipPort, '4008000000', '../webrtc/scenarios/caller_media_elsewhere.xml', ['-key', 'customer_rtp', String(media.port)]);
  await eventually(() => media.connected(), Boolean, { timeout: 15_000, what: 'Patchbay sends the IVR to the customer' });
  let pressed = 0;
  await eventually(
    async () => {
      if ((await figure(board, 'waiting')).trim() === '1') return true;
      if (Date.now() - pressed > 2_000) {
        media.press('1');
        pressed = Date.now();
      }
      return false;
    },
    Boolean,
    { timeout: 40_000, what: 'the customer waits in Sales and the wallboard shows 1 waiting' },
  );
  await seeFigure(board, 'offered', '1', 'the queued call counts as offered');
  // Nobody idle with a caller waiting: amber.
  assert.equal(await board.getByTestId('wallboard-waiting').getAttribute('data-level'), 'amber');
  await shot(board, '90-wallboard-waiting');

  await agent.getByTestId('phone-idle').click();
  await agent.getByTestId('ringing-pop').waitFor({ timeout: 15_000 });
  await seeFigure(board, 'waiting', '0', 'the call left the queue to ring the agent');
  await agent.getByTestId('answer-call').click();
  await agent.getByTestId('talking').waitFor();
  await seeFigure(board, 'answered', '1', 'the answer counts');
  await seeFigure(board, 'talking', '1 / 1', 'one agent on a call');
  await shot(board, '91-wallboard-answered');
  const figures = await board.evaluate(async () => (await (await fetch('/api/v1/monitor')).json()).figures);
  t.diagnostic(`figures: ${JSON.stringify(figures)}`);
  const sales = figures.find((f) => f.name.startsWith('Sales'));
  assert.ok(sales.average_answer_ms > 0, `the wait until the answer is measured: ${JSON.stringify(sales)}`);
  assert.equal(loads, 0, 'the wallboard was never reloaded');

  // The admin's monitor shows the agent's call: talking, inbound, the customer's number.
  const { page: monitor } = await adminWallboard();
  await monitor.goto(`${server.base}/admin/monitor`);
  const call = monitor.getByTestId('monitor-agent-1001').getByTestId('agent-call');
  await call.getByText('Talking').waitFor({ timeout: 15_000 });
  await call.getByText('13800138000').waitFor();
  await call.getByText('Inbound').waitFor();
  await shot(monitor, '92-monitor-current-call');

  // A network drop: the page shows it is reconnecting, comes back by itself once the network is
  // back, and still shows the figures.
  link.cut();
  await board.getByTestId('wallboard-offline').waitFor({ timeout: 15_000 });
  await shot(board, '93-wallboard-reconnecting');
  await new Promise((r) => setTimeout(r, 3_000));
  link.mend();
  await board.getByTestId('wallboard-offline').waitFor({ state: 'detached', timeout: 40_000 });
  await seeFigure(board, 'answered', '1', 'the figures are back after the reconnect');
  assert.equal(loads, 0, 'the wallboard reconnected without a reload');

  await agent.getByTestId('hangup').click();
  await agent.getByTestId('ended-pop').waitFor();
  const { code, output } = await caller.done;
  assert.equal(code, 0, `sipp got the BYE and answered it:\n${output.slice(-2000)}`);
  caller = null;
});
