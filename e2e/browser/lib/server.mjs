// Starts a real Patchbay binary on a free loopback port with a fresh data directory.
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export async function freePort() {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address();
      srv.close(() => resolve(port));
    });
    srv.on('error', reject);
  });
}

/**
 * Starts the binary on free ports in a new data directory. Recordings stay WAV (the tests that
 * read them measure tones in the samples) unless `compressRecordings` is set: then, as in
 * production, each finished call's WAV becomes Ogg Opus. `again` (a stopped server's
 * `{ dataDir, port, sipPort }`) starts it again on the same data and ports: a restart.
 */
export async function startPatchbay({ compressRecordings = false, again = null } = {}) {
  const bin = process.env.PATCHBAY_BIN;
  if (!bin) throw new Error('PATCHBAY_BIN must name the built patchbay binary');
  const dataDir = again?.dataDir ?? mkdtempSync(join(tmpdir(), 'patchbay-e2e-'));
  const port = again?.port ?? (await freePort());
  const sipPort = again?.sipPort ?? (await freePort());
  const base = `http://127.0.0.1:${port}`;
  // A free SIP port too: the default 5060 may be taken by a phone or another test on this machine.
  const args = ['serve', '--data-dir', dataDir, '--http-listen', `127.0.0.1:${port}`, '--sip-listen', `127.0.0.1:${sipPort}`];
  const proc = spawn(bin, args, {
    stdio: ['ignore', 'pipe', 'pipe'],
    // A short drain on SIGTERM: a test that stops the server with a caller still queued does
    // not wait the default 30 s for it.
    env: { ...process.env, PATCHBAY_COMPRESS_RECORDINGS: String(compressRecordings), PATCHBAY_SHUTDOWN_DRAIN_SECS: '2' },
  });
  let output = '';
  proc.stdout.on('data', (d) => (output += d));
  proc.stderr.on('data', (d) => (output += d));
  const deadline = Date.now() + 30_000;
  for (;;) {
    if (proc.exitCode !== null) throw new Error(`patchbay exited early:\n${output}`);
    try {
      const r = await fetch(`${base}/healthz`);
      if (r.ok) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) throw new Error(`patchbay did not become healthy:\n${output}`);
    await new Promise((r) => setTimeout(r, 100));
  }
  return {
    base,
    dataDir,
    port,
    sipPort,
    output: () => output,
    stop: async () => {
      proc.kill('SIGTERM');
      await new Promise((r) => proc.once('exit', r));
    },
  };
}

/** Demo accounts from DATA_DIR/demo-credentials.txt: { enterprise, workId, password, role }. */
export function demoAccounts(dataDir) {
  return readFileSync(join(dataDir, 'demo-credentials.txt'), 'utf8')
    .split('\n')
    .filter((l) => l.trim() && !l.startsWith('#'))
    .map((l) => {
      const [enterprise, workId, password, ...role] = l.trim().split(/\s+/);
      return { enterprise, workId, password, role: role.join(' ') };
    });
}
