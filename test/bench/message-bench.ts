/**
 * Item 5: messages both ways between the emulator (driven through the library's engine and
 * ECMT session, over an in-memory port) and an mqtt.js client, through a real mosquitto.
 * Every message is accounted for: delivered once, byte for byte, or counted as lost,
 * duplicated or corrupted (what the comparison would report).
 */
import mqtt from 'mqtt';
import { AtEngine } from '../../src/at/engine.js';
import { EcmtSession, type MessageEvent } from '../../src/dialects/ecmt/session.js';
import { EcmtEmulator } from '../../src/emulator/emulator.js';
import { defaultGrammar } from '../../src/grammar.js';
import { createPortPair } from '../../src/port/memory.js';
import { mosquittoMissing, startMosquitto } from '../helpers/mosquitto.js';

export interface Direction {
  sent: number;
  delivered: number;
  lost: number;
  duplicated: number;
  corrupted: number;
  seconds: number;
}

export type MessageResult = { skipped: string } | { up: Direction; down: Direction; brokerDrops: number };

/** Payload number i: a tag to find it by, then one of several shapes (inline, quoted, multi-line). */
function payload(dir: 'u' | 'd', i: number): Buffer {
  const tag = `#${dir}${i}|`;
  switch (i % 4) {
    case 0:
      return Buffer.from(`${tag}temp=${(20 + (i % 70) / 10).toFixed(1)};hum=${i % 100}`);
    case 1:
      return Buffer.from(`${tag}{"seq":${i},"state":"on","note":"a, b and \\"c\\""}`);
    case 2:
      // pretty-printed JSON: several lines (data mode up, a multi-line +ECMTRECV down)
      return Buffer.from(`${tag}{\r\n  "seq": ${i},\r\n  "args": { "speed": ${i % 9}, "name": "阀门" }\r\n}`);
    default:
      return Buffer.from(`${tag}${'x'.repeat(64 + (i % 200))}`);
  }
}

function tally(expected: (i: number) => Buffer, n: number, got: Buffer[], seconds: number): Direction {
  const seen = new Uint8Array(n);
  let duplicated = 0;
  let corrupted = 0;
  for (const p of got) {
    const m = /^#[ud](\d+)\|/.exec(p.subarray(0, 16).toString('latin1'));
    const i = m ? Number(m[1]) : -1;
    if (i < 0 || i >= n || !p.equals(expected(i))) {
      corrupted++;
      continue;
    }
    if (seen[i]) duplicated++;
    seen[i] = 1;
  }
  const delivered = seen.reduce((a, b) => a + b, 0);
  return { sent: n, delivered, lost: n - delivered, duplicated, corrupted, seconds };
}

const pause = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** Downlink messages allowed in flight (published, not yet printed by the module). */
const WINDOW = 200;

/** Wait until `done()` or no progress for `idleMs`. */
async function settle(progress: () => number, done: () => boolean, idleMs = 5000): Promise<void> {
  let last = -1;
  let since = Date.now();
  while (!done()) {
    const p = progress();
    if (p !== last) {
      last = p;
      since = Date.now();
    } else if (Date.now() - since > idleMs) return;
    await pause(5);
  }
}

export async function messagePath(n: number, log: (s: string) => void): Promise<MessageResult> {
  const missing = mosquittoMissing();
  if (missing) return { skipped: missing };
  const broker = await startMosquitto({ allowAnonymous: true });
  const pair = createPortPair();
  const emulator = new EcmtEmulator(pair.module, { profile: 'ec616s' });
  const engine = new AtEngine(pair.host, { grammar: defaultGrammar() });
  const session = new EcmtSession(engine, { openTimeoutMs: 10_000, connectTimeoutMs: 10_000, ackTimeoutMs: 10_000 });
  const client = await mqtt.connectAsync(broker.url, { clientId: 'cat1-bench-checker', reconnectPeriod: 0 });
  try {
    const up = 'cat1/bench/up';
    const down = 'cat1/bench/down';
    const upGot: Buffer[] = [];
    client.on('message', (topic, p) => {
      if (topic === up) upGot.push(Buffer.from(p));
    });
    await client.subscribeAsync(up, { qos: 1 });
    const downGot: Buffer[] = [];
    session.on('message', (m: MessageEvent) => {
      if (m.topic === down) downGot.push(m.payload);
    });
    const steps = [await session.open('127.0.0.1', broker.port), await session.connect({ clientId: 'cat1-bench-module' }), await session.subscribe(down, 1)];
    const bad = steps.find((s) => !s.ok);
    if (bad) throw new Error(`the module's ${bad.step} failed: ${bad.failure ?? '?'}`);

    // module → broker → client: one publish after the other, as the session serialises them
    log(`  5: ${n} messages module → broker → client…`);
    let t0 = performance.now();
    let failed = 0;
    for (let i = 0; i < n; i++) {
      const r = await session.publish(up, payload('u', i), { qos: 1 });
      if (!r.ok) failed++;
    }
    await settle(
      () => upGot.length,
      () => upGot.length >= n,
    );
    const upResult = tally((i) => payload('u', i), n, upGot, (performance.now() - t0) / 1000);
    if (failed > 0) log(`  5: ${failed} publishes reported a failure by the module`);

    // client → broker → module, QoS 1, at most WINDOW messages ahead of what the module printed:
    // a burst larger than the broker's queue for a slow subscriber (mosquitto's
    // max_queued_messages, 1000) would be dropped by the broker, which is not the path measured
    log(`  5: ${n} messages client → broker → module…`);
    t0 = performance.now();
    const sends: Array<Promise<unknown>> = [];
    for (let i = 0; i < n; i++) {
      while (i - downGot.length >= WINDOW) await pause(1);
      sends.push(client.publishAsync(down, payload('d', i), { qos: 1 }));
    }
    await Promise.all(sends);
    await settle(
      () => downGot.length,
      () => downGot.length >= n,
    );
    // the last payload ends at the engine's quiet time
    await pause(150);
    const downResult = tally((i) => payload('d', i), n, downGot, (performance.now() - t0) / 1000);
    await session.disconnect();
    // mosquitto logs "Outgoing messages are being dropped for client …" when it drops
    const brokerDrops = (broker.log().match(/messages are being dropped/gi) ?? []).length;
    return { up: upResult, down: downResult, brokerDrops };
  } finally {
    await client.endAsync();
    await emulator.close();
    await engine.close();
    await broker.stop();
  }
}
