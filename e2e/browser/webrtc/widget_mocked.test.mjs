// The call widget page in real Chromium against a mocked widget API (passes without the server
// side): the POST carries an audio-only offer with ICE candidates, a peer connection inside the
// page plays the server and answers; the dial pad posts DTMF; hang up sends DELETE; a refused
// call shows the server's reason in the chosen language.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { startPatchbay } from '../lib/server.mjs';
import { shot } from '../lib/browser.mjs';
import { eventually, launchWithFakeAudio, newContext, toneWav, waitForIncomingAudio } from './lib.mjs';

let server;
let browser;

before(async () => {
  server = await startPatchbay();
  browser = await launchWithFakeAudio(toneWav(800));
});

after(async () => {
  await browser?.close();
  await server?.stop();
});

async function mockWidgetApi(page, log, refuse = null) {
  await page.route('**/api/v1/widget/**', async (route) => {
    const req = route.request();
    const url = new URL(req.url());
    const body = req.postData() ? req.postDataJSON() : null;
    log.push([req.method(), url.pathname, body?.digit ?? (body?.sdp ? { number: body.number, audioOnly: /m=audio/.test(body.sdp) && !/m=video/.test(body.sdp), candidates: /a=candidate:/.test(body.sdp) } : null)]);
    if (req.method() === 'POST' && url.pathname === '/api/v1/widget/calls') {
      if (refuse) return route.fulfill({ status: refuse.status, contentType: 'application/json', body: JSON.stringify({ error: refuse.error }) });
      const sdp = await page.evaluate(async (offer) => {
        const pc = new window.RTCPeerConnection();
        (window.__pbMockServers ??= []).push(pc);
        const stream = await navigator.mediaDevices.getUserMedia({ audio: true });
        stream.getTracks().forEach((t) => pc.addTrack(t, stream));
        await pc.setRemoteDescription({ type: 'offer', sdp: offer });
        await pc.setLocalDescription(await pc.createAnswer());
        await new Promise((r) => {
          if (pc.iceGatheringState === 'complete') r();
          else pc.onicegatheringstatechange = () => pc.iceGatheringState === 'complete' && r();
        });
        return pc.localDescription.sdp;
      }, body.sdp);
      return route.fulfill({ status: 201, contentType: 'application/json', body: JSON.stringify({ call_id: 'w1', sdp }) });
    }
    return route.fulfill({ status: 204 });
  });
}

test('the widget calls, sends DTMF and hangs up over the widget API', async () => {
  const context = await newContext(browser, server.base);
  const page = await context.newPage();
  const log = [];
  await mockWidgetApi(page, log);
  await page.goto(`${server.base}/widget?number=4008000000&lang=en`);
  await page.getByTestId('widget-call').click();
  await page.locator('[data-testid="widget-status"][data-state="connected"]').waitFor({ timeout: 15_000 });
  assert.deepEqual(log[0], ['POST', '/api/v1/widget/calls', { number: '4008000000', audioOnly: true, candidates: true }]);
  await page.getByTestId('widget-timer').waitFor();
  // The "server" sends the fake microphone back: the visitor hears it.
  await waitForIncomingAudio(page);
  await page.getByTestId('dtmf-1').click();
  await page.getByTestId('dtmf-pound').click();
  await page.getByTestId('widget-digits').filter({ hasText: '1#' }).waitFor();
  assert.deepEqual(log.slice(1, 3), [
    ['POST', '/api/v1/widget/calls/w1/dtmf', '1'],
    ['POST', '/api/v1/widget/calls/w1/dtmf', '#'],
  ]);
  await shot(page, '55-widget-mocked-connected');
  await page.getByTestId('widget-hangup').click();
  await page.getByTestId('widget-status').filter({ hasText: 'Call ended' }).waitFor();
  await eventually(() => log.at(-1), (last) => last?.[0] === 'DELETE', { what: 'the DELETE' });
  assert.deepEqual(log.at(-1), ['DELETE', '/api/v1/widget/calls/w1', null]);
  await page.getByTestId('widget-call').filter({ hasText: 'Call again' }).waitFor();
  await context.close();
});

test('a refused widget call shows why, in Chinese', async () => {
  const context = await newContext(browser, server.base);
  const page = await context.newPage();
  const log = [];
  await mockWidgetApi(page, log, { status: 404, error: { code: 'not_found', message: 'no such number' } });
  await page.goto(`${server.base}/widget?number=4008000001&lang=zh-CN`);
  await page.getByTestId('widget-call').click();
  await page.getByTestId('widget-status').filter({ hasText: '该号码不存在' }).waitFor();
  assert.equal(await page.getByTestId('widget-status').getAttribute('data-state'), 'failed');
  await shot(page, '56-widget-mocked-refused');
  await context.close();
});
