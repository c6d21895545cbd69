// The phone bar's softphone in real Chromium against a mocked API and events socket (no server
// WebRTC needed: this one passes today). The "server" is a second RTCPeerConnection inside the
// page that answers the softphone's offer. Checks the signalling messages, the audio state, the
// ringing tone and the pops with name / location / times called, mute, the microphone test, and
// a dropped socket: "Audio disconnected, reconnecting" in red, then a new offer on a new peer.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { startPatchbay } from '../lib/server.mjs';
import { shot } from '../lib/browser.mjs';
import { audioConnected, audioStats, eventually, launchWithFakeAudio, newContext, ringTones, toneWav } from './lib.mjs';

let server;
let browser;

before(async () => {
  server = await startPatchbay();
  browser = await launchWithFakeAudio(toneWav(600));
});

after(async () => {
  await browser?.close();
  await server?.stop();
});

const me = {
  id: 2, enterprise_id: 1, enterprise_code: 'demo', enterprise_name: 'Demo', work_id: '1001', name: 'Agent 1001', mobile: null,
  role_id: 2, role_name: 'Agent', permissions: ['agent_login', 'answer_dial'], data_scope: 'self',
  skill_groups: [{ id: 1, name: 'Sales 销售', skill_level: 5 }, { id: 2, name: 'Support 客服', skill_level: 3 }],
};

test('softphone signalling, audio state, ringing and pops against a mocked server', async () => {
  const context = await newContext(browser, server.base);
  const page = await context.newPage();
  let presence = {
    user_id: 2, login: 'offline', custom_status_id: null, phone: 'busy', since: Date.now(), after_call_work_until: null,
    auto_answer: false, device: null, today: { talk_seconds: 0, calls: 0, busy_seconds: 0, idle_seconds: 0 }, as_of: Date.now(),
  };
  const log = [];
  let ws;
  const push = (ev) => ws.send(JSON.stringify(ev));
  const setPresence = (p) => {
    presence = { ...presence, ...p, since: Date.now(), as_of: Date.now() };
    push({ type: 'presence', presence });
  };
  await page.route('**/api/v1/**', async (route) => {
    const url = new URL(route.request().url());
    const method = route.request().method();
    const json = (body, status = 200) => route.fulfill({ status, contentType: 'application/json', body: JSON.stringify(body) });
    if (url.pathname === '/api/v1/me') return json(me);
    if (url.pathname === '/api/v1/me/presence' && method === 'GET') return json(presence);
    if (url.pathname === '/api/v1/me/presence' && method === 'PUT') {
      const c = route.request().postDataJSON();
      log.push(['PUT /me/presence', c]);
      if (c.login === 'online') presence = { ...presence, login: 'online', phone: 'busy', device: c.device ?? presence.device ?? 'desk_phone' };
      if (c.login === 'offline') presence = { ...presence, login: 'offline', device: null };
      if (c.device) presence = { ...presence, device: c.device };
      if (c.phone) presence = { ...presence, phone: c.phone };
      presence = { ...presence, since: Date.now(), as_of: Date.now() };
      return json(presence);
    }
    if (url.pathname === '/api/v1/me/queues') return json([{ group_id: 1, name: 'Sales 销售', waiting: 0, oldest_since: null, idle_agents: 1 }]);
    if (url.pathname === '/api/v1/me/missed-calls') return json([]);
    if (url.pathname === '/api/v1/me/call/notes' && method === 'GET') return json([]);
    if (url.pathname.startsWith('/api/v1/me/call/')) {
      log.push([`POST ${url.pathname}`, route.request().postDataJSON()]);
      return route.fulfill({ status: 204 });
    }
    return json({ error: { code: 'not_found', message: url.pathname } }, 404);
  });
  const sockets = [];
  await page.routeWebSocket(/\/api\/v1\/events/, (socket) => {
    ws = socket;
    sockets.push(socket);
    socket.onMessage(async (text) => {
      const m = JSON.parse(text);
      log.push([`ws ${m.type}`, m.sdp ? { sdpHasCandidates: /a=candidate:/.test(m.sdp), audioOnly: /m=audio/.test(m.sdp) && !/m=video/.test(m.sdp) } : {}]);
      if (m.type !== 'webrtc_offer') return;
      const sdp = await page.evaluate(async (offer) => {
        // The mock media server: answers with the same fake microphone.
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
      }, m.sdp);
      socket.send(JSON.stringify({ type: 'webrtc_answer', sdp }));
      socket.send(JSON.stringify({ type: 'webrtc_state', state: 'connected' }));
    });
    socket.send(JSON.stringify({ type: 'hello', me }));
    socket.send(JSON.stringify({ type: 'presence', presence }));
  });

  await page.goto(`${server.base}/agent`);
  await page.getByTestId('phone-bar').waitFor();
  await page.getByTestId('audio-mode-browser').click();
  await page.getByTestId('sign-in').click();
  await audioConnected(page);
  assert.deepEqual(log[0], ['PUT /me/presence', { login: 'online', device: 'browser' }]);
  const offer = log.find((l) => l[0] === 'ws webrtc_offer');
  assert.deepEqual(offer[1], { sdpHasCandidates: true, audioOnly: true }, 'the offer waited for ICE candidates and is audio only');
  await page.getByTestId('phonebar-groups').getByText('Support 客服').waitFor();
  await page.getByTestId('phone-idle').click();
  setPresence({ phone: 'idle' });
  await page.getByTestId('phone-status').filter({ hasText: 'Idle' }).waitFor();

  // A call rings: tone, pop with the new fields.
  setPresence({ phone: 'ringing' });
  push({
    type: 'ringing',
    offer: { call: 'c1', caller: '13800138000', enterprise_number: '4008000000', group_id: 1, group_name: 'Sales 销售', auto_answer: false, customer_name: '张三', location: null, previous_calls: 3, last_call_at: Date.now() - 86_400_000 },
  });
  await page.getByTestId('ringing-pop').waitFor();
  assert.equal(await page.getByTestId('ringing-name').innerText(), '张三');
  assert.equal(await page.getByTestId('ringing-location').innerText(), 'unknown');
  assert.equal(await page.getByTestId('ringing-calls').innerText(), '3 times');
  assert.equal(await page.getByTestId('ringing-dialed').innerText(), '4008000000');
  assert.equal(await page.getByTestId('ringing-group').innerText(), 'Sales 销售');
  await eventually(() => ringTones(page), (tones) => tones.some((o) => o.hz === 450 && !o.stopped), { what: 'the 450 Hz ringing tone plays' });
  await shot(page, '50-softphone-ringing');

  await page.getByTestId('answer-call').click();
  const answer = await eventually(() => log.find((l) => l[0] === 'POST /api/v1/me/call/answer'), Boolean, { what: 'the answer request' });
  assert.deepEqual(answer[1], { call: 'c1' });
  push({ type: 'offer_ended', call: 'c1', reason: 'answered' });
  setPresence({ phone: 'talking' });
  push({ type: 'call_connected', call: 'c1', caller: '13800138000' });
  await page.getByTestId('talking').waitFor();
  assert.equal(await page.getByTestId('talking-name').innerText(), '张三');
  assert.ok((await ringTones(page)).every((o) => o.stopped), 'the tone stopped');
  // Mute disables the microphone track of the session.
  await page.getByTestId('talking-mute').click();
  const enabled = await page.evaluate(() =>
    window.__pbPeers.filter((p) => !window.__pbMockServers.includes(p) && p.connectionState !== 'closed').flatMap((p) => p.getSenders().map((s) => s.track?.enabled)),
  );
  assert.deepEqual(enabled, [false]);
  await page.getByTestId('talking-mute').click();
  // The microphone test draws a level.
  await page.getByTestId('audio-settings-button').click();
  await page.getByTestId('mic-test').click();
  await page.waitForFunction(() => Number(document.querySelector('[data-testid="mic-level"]')?.getAttribute('data-level')) > 0.05);
  await shot(page, '51-softphone-talking');
  await page.getByTestId('audio-settings-button').click();

  push({ type: 'call_ended', call: 'c1' });
  setPresence({ phone: 'after_call_work', after_call_work_until: Date.now() + 5000 });
  await page.getByTestId('ended-pop').waitFor();
  assert.equal(await page.getByTestId('ended-location').innerText(), 'unknown');

  // The socket drops: red "reconnecting", then a new offer on a new peer connection.
  const offersBefore = log.filter((l) => l[0] === 'ws webrtc_offer').length;
  await sockets.at(-1).close({ code: 4000 });
  await page.locator('[data-testid="audio-state"][data-state="reconnecting"]').waitFor({ timeout: 2000 });
  assert.equal(await page.getByTestId('audio-state').innerText(), 'Audio disconnected, reconnecting');
  // The status tag turns red (data-color: the computed colour is mid-transition for a while).
  assert.equal(await page.getByTestId('phone-status').getAttribute('data-color'), 'red', 'red status while the audio is down');
  await shot(page, '52-softphone-reconnecting');
  await audioConnected(page);
  assert.equal(log.filter((l) => l[0] === 'ws webrtc_offer').length, offersBefore + 1);
  const live = await page.evaluate(() => window.__pbPeers.filter((p) => !window.__pbMockServers.includes(p) && p.connectionState !== 'closed').length);
  assert.equal(live, 1, 'one live softphone peer');
  assert.ok((await audioStats(page)).peers >= 1);

  // Another device: the session is closed with webrtc_hangup.
  await page.getByTestId('audio-mode-desk_phone').click();
  await page.locator('[data-testid="audio-state"]').waitFor({ state: 'detached' });
  await eventually(() => log.at(-1)?.[0], (last) => last === 'ws webrtc_hangup', { what: 'webrtc_hangup on the socket' });
  await context.close();
});
