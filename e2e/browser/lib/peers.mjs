// Real SIP peers for browser tests, on loopback: baresip as an agent's desk phone and sipp as a
// customer (Debian packages baresip-core and sip-tester; scripts/install-test-deps installs them).
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { freePort } from './server.mjs';

const SCENARIOS = join(dirname(fileURLToPath(import.meta.url)), '..', 'scenarios');

function firstExisting(paths, what) {
  const found = paths.find((p) => existsSync(p));
  if (!found) throw new Error(`${what} not found in ${paths.join(', ')}`);
  return found;
}

/**
 * baresip registered as `user` with `password` to Patchbay's SIP port. By default it does not
 * answer: the desk phone just rings. With `answer: 'auto'` it answers by itself, and with `wav`
 * it sends that file's audio. `command()` presses keys as its menu takes them (`/transfer
 * sip:1002@…`, `/hangup`), through its HTTP control. Resolves once Patchbay accepted the
 * registration.
 */
export async function startDeskPhone(sipPort, user, password, { answer = 'manual', wav = '/dev/null' } = {}) {
  const dir = mkdtempSync(join(tmpdir(), 'patchbay-baresip-'));
  const modules = firstExisting(['/usr/lib/baresip/modules', '/usr/lib/x86_64-linux-gnu/baresip/modules'], 'baresip modules');
  const port = await freePort();
  const http = await freePort();
  writeFileSync(
    join(dir, 'config'),
    [
      `sip_listen 127.0.0.1:${port}`,
      'net_interface 127.0.0.1',
      `module_path ${modules}`,
      `audio_source aufile,${wav}`,
      'audio_player aufile,/dev/null',
      'audio_alert aufile,/dev/null',
      'module g711.so',
      'module aufile.so',
      'module account.so',
      'module menu.so',
      'module httpd.so',
      `http_listen 127.0.0.1:${http}`,
      '',
    ].join('\n'),
  );
  writeFileSync(join(dir, 'accounts'), `<sip:${user}@127.0.0.1:${sipPort}>;auth_pass=${password};answermode=${answer}\n`);
  const proc = spawn('baresip', ['-f', dir], { stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  proc.stdout.on('data', (d) => (output += d));
  proc.stderr.on('data', (d) => (output += d));
  const deadline = Date.now() + 10_000;
  while (!/200 OK \(\) \[1 binding\]/.test(output)) {
    if (proc.exitCode !== null || Date.now() > deadline) {
      proc.kill();
      throw new Error(`baresip did not register:\n${output}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  return {
    output: () => output,
    /** Runs a menu command (e.g. `/transfer sip:1002@127.0.0.1:5060`); resolves with its reply. */
    command: async (cmd) => (await fetch(`http://127.0.0.1:${http}/?${encodeURIComponent(cmd)}`)).text(),
    stop: async () => {
      if (proc.exitCode !== null) return;
      proc.kill('SIGTERM');
      await new Promise((r) => proc.once('exit', r));
    },
  };
}

/**
 * sipp as a customer calling `number` with scenarios/`scenario`; resolves with its exit code
 * and output when the call is over.
 */
export function startCaller(sipPort, number, scenario, extra = []) {
  return runSipp(scenario, [`127.0.0.1:${sipPort}`, '-s', number, '-m', '1', '-t', 'u1', '-timeout', '90', ...extra]);
}

/**
 * Runs sipp with scenarios/`scenario` in a scratch directory holding its stock pcaps and `files`
 * (name → contents, e.g. audio for `rtp_stream`). Resolves `ready` once sipp listens on all of
 * `listenPorts` (UDP).
 */
function runSipp(scenario, args, { files = {}, listenPorts = [] } = {}) {
  const dir = mkdtempSync(join(tmpdir(), 'patchbay-sipp-'));
  for (const [name, contents] of Object.entries(files)) writeFileSync(join(dir, name), contents);
  // Scenarios play sipp's stock pcaps from ./pcap.
  const pcaps = firstExisting(['/usr/share/sip-tester/pcap', '/usr/share/sip-tester'], "sipp's pcaps");
  if (!readdirSync(pcaps).includes('dtmf_2833_1.pcap')) throw new Error(`no dtmf_2833_1.pcap in ${pcaps}`);
  symlinkSync(pcaps, join(dir, 'pcap'));
  mkdirSync(join(dir, 'logs'), { recursive: true });
  const proc = spawn('sipp', ['-nostdin', '-sf', join(SCENARIOS, scenario), ...args], { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  proc.stdout.on('data', (d) => (output += d));
  proc.stderr.on('data', (d) => (output += d));
  const done = new Promise((resolve) => proc.once('exit', (code) => resolve({ code, output })));
  const ready = Promise.all(listenPorts.map((p) => waitForUdpListener(p, () => proc.exitCode !== null, () => output)));
  ready.catch(() => {}); // reported to whoever awaits it
  return {
    done,
    ready,
    stop: async () => {
      if (proc.exitCode === null) proc.kill('SIGTERM');
      await done;
    },
  };
}

/**
 * sipp as a carrier answering on `port` (UAS) with scenarios/`scenario` for `calls` calls, its
 * media on `mediaPort` (sipp's default is 6000); `done` resolves with its exit code and output
 * when the calls are over, `ready` once it listens. `files` are written next to it (audio its
 * scenario streams).
 */
export function startCarrier(port, scenario, { calls = 1, files = {}, mediaPort } = {}) {
  const media = mediaPort === undefined ? [] : ['-mp', String(mediaPort)];
  return runSipp(scenario, ['-i', '127.0.0.1', '-p', String(port), ...media, '-m', String(calls), '-t', 'u1', '-timeout', '90'], {
    files,
    listenPorts: mediaPort === undefined ? [port] : [port, mediaPort],
  });
}

/**
 * Resolves once a UDP socket is bound to `port` (read from /proc/net/udp: probing by binding the
 * port could take it from sipp).
 */
async function waitForUdpListener(port, exited, output, timeout = 10_000) {
  const deadline = Date.now() + timeout;
  const hex = `:${port.toString(16).toUpperCase().padStart(4, '0')}`;
  for (;;) {
    const lines = readFileSync('/proc/net/udp', 'utf8').split('\n').slice(1);
    if (lines.some((l) => l.trim().split(/\s+/)[1]?.endsWith(hex))) return;
    if (exited() || Date.now() > deadline) throw new Error(`sipp is not listening on ${port}:\n${output()}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}
