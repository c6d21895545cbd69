// The media side of a customer whose signalling sipp does (scenarios/caller_media_elsewhere.xml):
// a UDP socket that learns Patchbay's RTP address from the first packet it gets, then sends a
// tone in PCMA every 20 ms and RFC 4733 digits on request, and keeps what the customer hears
// (decoded, with the time each packet came) for the test to measure.
import dgram from 'node:dgram';
import { startCaller } from '../lib/peers.mjs';
import { alawDecode, alawTone, eventually, rms, tonePower } from './lib.mjs';

const PCMA = 8;
const EVENTS = 101;
const FRAME = 160;

export async function startRtpCustomer({ hz = 1000 } = {}) {
  const sock = dgram.createSocket('udp4');
  await new Promise((resolve) => sock.bind(0, '127.0.0.1', resolve));
  const heard = [];
  // Telephone events received (RFC 4733): one entry per event, by its timestamp.
  const keys = new Map();
  const tone = alawTone(hz, 1, 0.3);
  let peer = null;
  let seq = 1;
  let ts = 0;
  let at = 0;
  const send = (pt, payload, { marker = false, timestamp = ts } = {}) => {
    if (!peer) return;
    const h = Buffer.alloc(12);
    h[0] = 0x80;
    h[1] = (marker ? 0x80 : 0) | pt;
    h.writeUInt16BE(seq++ & 0xffff, 2);
    h.writeUInt32BE(timestamp >>> 0, 4);
    h.writeUInt32BE(0x5eed1234, 8);
    sock.send(Buffer.concat([h, payload]), peer.port, peer.address);
  };
  sock.on('message', (msg, rinfo) => {
    peer ??= rinfo;
    if ((msg[1] & 0x7f) === EVENTS) {
      const off = 12 + (msg[0] & 0x0f) * 4;
      keys.set(msg.readUInt32BE(4), '0123456789*#ABCD'[msg[off]] ?? '?');
      return;
    }
    if ((msg[1] & 0x7f) !== PCMA) return;
    const off = 12 + (msg[0] & 0x0f) * 4;
    heard.push({ t: Date.now(), pcm: alawDecode(msg.subarray(off)) });
  });
  const timer = setInterval(() => {
    if (at + FRAME > tone.length) at = 0;
    send(PCMA, tone.subarray(at, at + FRAME));
    at += FRAME;
    ts += FRAME;
  }, 20);
  return {
    port: sock.address().port,
    /** The keys Patchbay sent as telephone events, in order. */
    keys: () => [...keys.values()].join(''),
    /** Whether Patchbay has sent anything yet. */
    connected: () => peer !== null,
    /** Presses a key for 100 ms (RFC 4733: events, then three end packets). */
    press(digit) {
      const event = '0123456789*#'.indexOf(digit);
      const start = ts;
      for (let i = 1; i <= 5; i++) {
        const end = i === 5;
        const p = Buffer.from([event, end ? 0x80 | 10 : 10, 0, 0]);
        p.writeUInt16BE(i * FRAME, 2);
        for (let r = 0; r < (end ? 3 : 1); r++) send(EVENTS, p, { marker: i === 1, timestamp: start });
      }
    },
    /**
     * What the customer heard from `from` to `to` (ms since the epoch): its RMS and the power of
     * `hz` over the stronger of two neighbours (a pure tone gives thousands, music a few).
     */
    measure(from, to, hz = 600) {
      const x = heard.filter((h) => h.t >= from && h.t < to).flatMap((h) => h.pcm);
      const p = tonePower(x, hz, 8_000);
      const around = Math.max(tonePower(x, hz * 0.75, 8_000), tonePower(x, hz * 1.33, 8_000), 1);
      return { samples: x.length, rms: Math.round(rms(x)), ratio: Math.round(p / around) };
    },
    /**
     * What the customer heard from `from` to `to`: its RMS and the power of each of `freqs`
     * (Goertzel), to compare tones that sit close together (a three-way call's two voices).
     */
    powers(from, to, freqs) {
      const x = heard.filter((h) => h.t >= from && h.t < to).flatMap((h) => h.pcm);
      return { samples: x.length, rms: Math.round(rms(x)), ...Object.fromEntries(freqs.map((f) => [f, tonePower(x, f, 8_000)])) };
    },
    /** What the customer hears over the next `ms` ([`measure`] of that span). */
    async hear(ms, hz = 600) {
      const from = Date.now();
      await new Promise((r) => setTimeout(r, ms));
      return this.measure(from, Date.now(), hz);
    },
    stop() {
      clearInterval(timer);
      sock.close();
    },
  };
}

/**
 * A customer (1 kHz tone) calls the demo hotline (or `number`) and presses 1 every 2 s until `page`'s phone
 * bar rings. Returns the customer's media and the sipp caller (its `done` resolves at the BYE).
 */
export async function customerRingsAgent(server, page, { number = '4008000000' } = {}) {
  const media = await startRtpCustomer({ hz: 1000 });
  const caller = startCaller(server.sipPort, number, '../webrtc/scenarios/caller_media_elsewhere.xml', [
    '-key',
    'customer_rtp',
    String(media.port),
  ]);
  await eventually(() => media.connected(), Boolean, { timeout: 15_000, what: 'Patchbay sends the IVR to the customer' });
  const pop = page.getByTestId('ringing-pop');
  let pressed = 0;
  await eventually(
    async () => {
      if (await pop.isVisible()) return true;
      if (Date.now() - pressed > 2_000) {
        media.press('1');
        pressed = Date.now();
      }
      return false;
    },
    Boolean,
    { timeout: 40_000, what: 'the call rings the phone bar after pressing 1' },
  );
  return { media, caller };
}
