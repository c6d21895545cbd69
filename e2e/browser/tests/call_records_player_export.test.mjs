// Call records in the admin console: the admin filters by time range, agent and result, sees missed calls in
// red with "call back", opens a record and plays its recording in the player (the page's audio
// element advances, seeks and changes speed; both channels' waveforms are drawn) after the server
// has compressed the seeded WAV to Ogg Opus (served as audio/ogg, at least 8x smaller), and exports
// the filtered list to CSV and Excel, checked with Python's csv and openpyxl.
// Then an agent whose role has the skill_groups data scope sees only their groups' calls, and no
// export. The call records (and one stereo recording) are written into the server's SQLite
// database by scripts/seed_calls.py, as the engine writes them for real calls.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, before, test } from 'node:test';
import { demoAccounts, startPatchbay } from '../lib/server.mjs';
import { launch, shot } from '../lib/browser.mjs';
import { eventually } from '../lib/wait.mjs';

const here = dirname(fileURLToPath(import.meta.url));
// Debian's python3: openpyxl comes from python3-openpyxl (scripts/install-test-deps).
const PYTHON = process.env.PATCHBAY_TEST_PYTHON ?? '/usr/bin/python3';

let server;
let browser;

before(async () => {
  server = await startPatchbay({ compressRecordings: true });
  browser = await launch(['--autoplay-policy=no-user-gesture-required']);
});

after(async () => {
  await browser?.close();
  await server?.stop();
});

/** Picks `text` in the antd Select with this test id. */
async function choose(page, testId, text) {
  await page.getByTestId(testId).click();
  await page.locator('.ant-select-dropdown:visible .ant-select-item-option').filter({ hasText: text }).first().click();
}

/** The table's body rows (antd adds a hidden measure row). */
function rows(page) {
  return page.getByTestId('calls-table').locator('tbody tr.ant-table-row');
}

test('the admin filters call records, plays a recording and exports CSV and Excel', async () => {
  const seeded = JSON.parse(execFileSync(PYTHON, [join(here, '..', 'scripts', 'seed_calls.py'), server.dataDir], { encoding: 'utf8' }));
  const admin = demoAccounts(server.dataDir).find((a) => a.workId === 'admin');
  // The archiver compresses the seeded call's WAV (an ended call) within its 10 s round.
  const login = await fetch(`${server.base}/api/v1/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ enterprise: admin.enterprise, work_id: admin.workId, password: admin.password }),
  });
  const { token } = await login.json();
  const recordingUrl = `${server.base}/api/v1/calls/${seeded.calls.s1}/recording`;
  const auth = { authorization: `Bearer ${token}` };
  await eventually(
    async () => {
      const r = await fetch(recordingUrl, { headers: { ...auth, range: 'bytes=0-0' } });
      await r.arrayBuffer();
      return r.headers.get('content-type');
    },
    (type) => type?.startsWith('audio/ogg'),
    { what: 'the seeded recording compressed to Ogg Opus', timeout: 40_000 },
  );
  const recording = { bytes: (await (await fetch(recordingUrl, { headers: auth })).arrayBuffer()).byteLength };
  const wavBytes = 44 + 12 * 8000 * 4;
  assert.ok(recording.bytes * 8 <= wavBytes, `Ogg Opus ${recording.bytes} bytes, at least 8x smaller than the WAV's ${wavBytes}`);
  assert.ok(!existsSync(join(server.dataDir, 'recordings', 'seeded-call.wav')), 'the WAV is removed');
  const context = await browser.newContext({ locale: 'en-US', acceptDownloads: true });
  const page = await context.newPage();
  const pageErrors = [];
  page.on('pageerror', (e) => pageErrors.push(String(e)));
  await page.goto(`${server.base}/login`);
  await page.getByLabel('Enterprise code').fill(admin.enterprise);
  await page.getByLabel('Work ID').fill(admin.workId);
  await page.getByLabel('Password').fill(admin.password);
  await page.getByTestId('login-submit').click();
  await page.getByRole('menuitem', { name: 'Call records' }).click();
  await eventually(() => rows(page).count(), (n) => n === 8, { what: 'the eight seeded calls' });

  // Missed and abandoned calls are red and offer "call back"; answered ones do not.
  const missed = rows(page).filter({ hasText: '13600136004' });
  const color = await missed.getByTestId('call-result-missed').evaluate((el) => getComputedStyle(el).color);
  assert.ok(/rgb\(2\d\d, \d{1,2}, \d{1,2}\)/.test(color), `the missed call is red, not ${color}`);
  assert.equal(await missed.getByTestId(`call-back-${seeded.calls.s4}`).count(), 1);
  assert.equal(await rows(page).filter({ hasText: '13800138001' }).getByText('Call back').count(), 0);
  // A failed call names its cause, translated.
  assert.equal((await rows(page).filter({ hasText: '13500135006' }).getByTestId('call-result').innerText()).trim(), 'Failed (Busy)');
  await shot(page, '40-call-records');
  // "Call back" dials through the phone bar's route: the admin is not signed in as an agent, so
  // the server refuses and the page says why.
  const [dialed] = await Promise.all([
    page.waitForResponse((r) => r.url().endsWith('/api/v1/me/dial') && r.request().method() === 'POST'),
    missed.getByTestId(`call-back-${seeded.calls.s4}`).click(),
  ]);
  assert.equal(dialed.status(), 409);
  assert.equal(JSON.parse(dialed.request().postData()).number, '13600136004');
  await page.locator('.ant-message').getByText('Sign in first').waitFor();

  // Filter: the last 24 hours (s8 started 30 h ago), agent 1001, answered. Two of 1001's calls
  // in that time were answered (s1, s2); the failed outbound one and 1002's calls drop out.
  await page.locator('.ant-picker-range').click();
  await page.locator('.ant-picker-presets').getByText('Last 24 hours').click();
  await eventually(() => rows(page).count(), (n) => n === 7, { what: 'the calls of the last 24 hours' });
  await page.keyboard.press('Escape');
  await choose(page, 'calls-agent', '(1001)');
  await eventually(() => rows(page).count(), (n) => n === 3, { what: "1001's three calls of the last 24 hours" });
  await choose(page, 'calls-result', 'Answered');
  await eventually(() => rows(page).count(), (n) => n === 2, { what: "1001's answered calls" });
  const callers = await rows(page).locator('td:nth-child(3)').allInnerTexts();
  assert.deepEqual(callers, ['13800138001', '13900139002'], 'newest first');
  for (const agent of await rows(page).getByTestId('call-agent').allInnerTexts()) assert.match(agent, /\(1001\)$/);
  // Sorted on the server: by talk time, longest first, then shortest first; by start time again,
  // oldest first, then newest first.
  const header = (text) => page.getByTestId('calls-table').locator('th').filter({ hasText: text });
  const order = async (want, what) =>
    eventually(() => rows(page).locator('td:nth-child(3)').allInnerTexts(), (c) => c.join() === want, { what });
  await header('Talk time').click();
  await order('13900139002,13800138001', 'talk time descending');
  await header('Talk time').click();
  await order('13800138001,13900139002', 'talk time ascending');
  await header('Started').click();
  await header('Started').click();
  await order('13900139002,13800138001', 'oldest first');
  await header('Started').click();
  await order('13800138001,13900139002', 'newest first again');
  // Longest first for the rest of the test: the exports keep the list's order.
  await header('Talk time').click();
  await order('13900139002,13800138001', 'talk time descending again');

  // The recording: waveform of both channels, play, seek, speed.
  await rows(page).filter({ hasText: '13800138001' }).getByText('Details').click();
  const player = page.getByTestId('recording-player');
  await player.and(page.locator('[data-ready="true"]')).waitFor({ timeout: 20_000 });
  assert.equal(await player.getAttribute('data-channels'), '2', 'a stereo recording, two channels');
  const drawn = await page.getByTestId('recording-waveform').evaluate((el) => {
    // wavesurfer draws in an open shadow root: count painted pixels per canvas.
    const root = el.querySelector('div')?.shadowRoot;
    const canvases = root ? [...root.querySelectorAll('canvas')] : [];
    return canvases.map((c) => {
      const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
      let painted = 0;
      for (let i = 3; i < d.length; i += 4) if (d[i] > 0) painted++;
      return { w: c.width, h: c.height, painted };
    });
  });
  assert.ok(drawn.length >= 2, `canvases for both channels: ${JSON.stringify(drawn)}`);
  assert.ok(drawn.filter((c) => c.painted > 100).length >= 2, `waveforms drawn: ${JSON.stringify(drawn)}`);
  const audio = page.locator('audio[data-testid="recording-audio"]');
  const state = () => audio.evaluate((a) => ({ t: a.currentTime, paused: a.paused, rate: a.playbackRate, duration: a.duration }));
  assert.equal((await state()).t, 0);
  await page.getByTestId('recording-play').click();
  const playing = await eventually(state, (s) => !s.paused && s.t > 0.5, { what: 'the audio element advancing', timeout: 15_000 });
  assert.ok(Math.abs(playing.duration - 12) < 0.1, `a 12 s recording, not ${playing.duration}`);
  await shot(page, '41-recording-player');
  // Speed 2×.
  await choose(page, 'recording-speed', '2×');
  assert.equal((await state()).rate, 2);
  // Seek: a click three quarters along the waveform.
  const box = await page.getByTestId('recording-waveform').boundingBox();
  await page.mouse.click(box.x + box.width * 0.75, box.y + box.height / 4);
  await eventually(state, (s) => s.t > 8.5 && s.t < 11.5, { what: 'the seek to about 9 s' });
  await page.getByTestId('recording-play').click();
  const paused = await eventually(state, (s) => s.paused, { what: 'pause' });
  await page.waitForTimeout(300);
  assert.equal((await state()).t, paused.t, 'paused audio stays put');
  await page.getByRole('button', { name: 'Close' }).click();

  // Exports of the filtered list.
  const dir = mkdtempSync(join(tmpdir(), 'patchbay-export-'));
  const download = async (testId, name) => {
    const [d] = await Promise.all([page.waitForEvent('download'), page.getByTestId(testId).click()]);
    const file = join(dir, name);
    await d.saveAs(file);
    return { file, suggested: d.suggestedFilename() };
  };
  const csv = await download('calls-export-csv', 'calls.csv');
  assert.match(csv.suggested, /^call-records-\d{8}-\d{6}\.csv$/);
  const xlsx = await download('calls-export-xlsx', 'calls.xlsx');
  assert.match(xlsx.suggested, /\.xlsx$/);
  const check = `
import csv, json, sys, openpyxl
with open(sys.argv[1], encoding="utf-8-sig", newline="") as f:
    c = list(csv.reader(f))
ws = openpyxl.load_workbook(sys.argv[2], read_only=True).active
x = [[("" if v is None else str(v)) for v in row] for row in ws.iter_rows(values_only=True)]
print(json.dumps({"csv": c, "xlsx": x}))
`;
  const files = JSON.parse(execFileSync(PYTHON, ['-c', check, csv.file, xlsx.file], { encoding: 'utf8' }));
  for (const [kind, table] of Object.entries(files)) {
    const [titles, ...data] = table;
    const col = (name) => titles.indexOf(name);
    assert.ok(col('Caller') >= 0 && col('Agent work ID') >= 0 && col('Result') >= 0, `${kind} titles: ${titles}`);
    assert.equal(data.length, 2, `${kind} holds the two filtered rows: ${JSON.stringify(data)}`);
    assert.deepEqual(
      data.map((r) => r[col('Caller')]),
      ['13900139002', '13800138001'],
      `${kind}: the list's rows in the list's order (longest talk first)`,
    );
    for (const r of data) {
      assert.equal(r[col('Agent work ID')], '1001', kind);
      assert.equal(r[col('Result')], 'Answered', kind);
    }
    const s1 = data.find((r) => r[col('Caller')] === '13800138001');
    assert.equal(s1[col('Talk time (s)')], '12', kind);
    assert.equal(s1[col('Recording')], 'yes', kind);
    assert.equal(s1[col('Skill group')], 'Sales 销售', kind);
  }
  assert.deepEqual(pageErrors, []);
  await context.close();
});

// Runs after the test above, on the calls it seeded.
test('an agent whose role has the skill_groups data scope sees the calls of their groups only', async () => {
  const accounts = demoAccounts(server.dataDir);
  const admin = accounts.find((a) => a.workId === 'admin');
  const agent = accounts.find((a) => a.workId === '1001');
  const api = async (method, path, token, body) => {
    const r = await fetch(`${server.base}/api/v1${path}`, {
      method,
      headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
      body: body ? JSON.stringify(body) : undefined,
    });
    return { status: r.status, body: await r.json() };
  };
  const login = await api('POST', '/auth/login', null, { enterprise: admin.enterprise, work_id: 'admin', password: admin.password });
  const roles = await api('GET', '/roles?page_size=200', login.body.token);
  const role = roles.body.items.find((r) => r.name === agent.role);
  assert.ok(role, `the agent's role ${agent.role} among ${roles.body.items.map((r) => r.name)}`);
  const patched = await api('PATCH', `/roles/${role.id}`, login.body.token, {
    permissions: [...role.permissions, 'view_call_records'],
    data_scope: 'skill_groups',
  });
  assert.equal(patched.status, 200, JSON.stringify(patched.body));

  const context = await browser.newContext({ locale: 'en-US' });
  const page = await context.newPage();
  await page.goto(`${server.base}/login`);
  await page.getByLabel('Enterprise code').fill(agent.enterprise);
  await page.getByLabel('Work ID').fill(agent.workId);
  await page.getByLabel('Password').fill(agent.password);
  await page.getByTestId('login-submit').click();
  await page.getByRole('menuitem', { name: 'Call records' }).click();
  // 1001 is in Sales and Support: every call that queued in either, and 1001's own calls; 1002's
  // outbound call (no group) is not theirs to see.
  await eventually(() => rows(page).count(), (n) => n === 7, { what: "the calls of 1001's groups" });
  assert.equal(await rows(page).filter({ hasText: '13700137003' }).count(), 0);
  // No export without the permission, no agent picker without managing users.
  assert.equal(await page.getByTestId('calls-export-csv').count(), 0);
  assert.equal(await page.getByTestId('calls-agent').count(), 0);
  const api403 = await page.evaluate(async () => (await fetch('/api/v1/calls/export?format=csv')).status);
  assert.equal(api403, 403);
  await shot(page, '42-call-records-skill-groups-scope');
  await context.close();
});
