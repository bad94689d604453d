/**
 * The same module session (the emulator through the library's session) compared against each
 * real broker — mosquitto, aedes, RabbitMQ's MQTT plugin, NATS's MQTT — at QoS 1 and QoS 2.
 * The brokers are detected from their own answers; the verdict differs only where their
 * personalities differ (QoS 2). RabbitMQ is started here and nowhere else (it is slow to boot).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AtEngine } from '../../src/at/engine.js';
import { defaultGrammar } from '../../src/grammar.js';
import { createPortPair } from '../../src/port/memory.js';
import { EcmtEmulator } from '../../src/emulator/emulator.js';
import { EcmtSession } from '../../src/dialects/ecmt/session.js';
import { compare } from '../../src/mirror/compare.js';
import { identifyBroker, type BrokerIdentity, type BrokerKind } from '../../src/mirror/brokers.js';
import type { CompareReport } from '../../src/mirror/report.js';
import { startEmbeddedBroker } from '../../src/mirror/broker.js';
import { mosquittoMissing, startMosquitto } from '../helpers/mosquitto.js';
import { natsMissing, startNatsCluster } from '../helpers/nats.js';
import { rabbitMissing, startRabbitMq } from '../helpers/rabbitmq.js';

const missing = mosquittoMissing() ?? natsMissing() ?? rabbitMissing();
if (missing) console.warn(`[test/mirror/brokers-real.test.ts skipped] ${missing}`);

const USER = { username: 'dev', password: 'pw-123456' };
const KINDS: BrokerKind[] = ['mosquitto', 'aedes', 'rabbitmq', 'nats'];

interface Target {
  port: number;
  stop(): Promise<void>;
}

async function runCompare(port: number, qos: 1 | 2, broker: BrokerIdentity | null): Promise<CompareReport> {
  const pair = createPortPair();
  const emulator = new EcmtEmulator(pair.module, { profile: 'ec616s' });
  const engine = new AtEngine(pair.host, { grammar: defaultGrammar() });
  const session = new EcmtSession(engine, { profile: 'ec616s', openTimeoutMs: 10_000, connectTimeoutMs: 10_000, ackTimeoutMs: 10_000 });
  try {
    return await compare({ session, broker: { host: '127.0.0.1', port, tls: false }, credentials: { clientId: `dev-${qos}-${Math.random().toString(16).slice(2, 8)}`, ...USER }, qos, deliveryTimeoutMs: 3000, brokerIdentity: broker });
  } finally {
    await emulator.close();
  }
}

describe.skipIf(missing !== null)('compare against each real broker, with its personality', () => {
  const targets = new Map<BrokerKind, Target>();
  const found = new Map<BrokerKind, BrokerIdentity | null>();
  const reports = new Map<string, CompareReport>();

  beforeAll(async () => {
    const [m, a, n, r] = await Promise.all([startMosquitto({ users: { [USER.username]: USER.password } }), startEmbeddedBroker({ users: { [USER.username]: USER.password } }), startNatsCluster({ size: 1, user: USER }), startRabbitMq({ user: USER })]);
    targets.set('mosquitto', { port: m.port, stop: () => m.stop() });
    targets.set('aedes', { port: a.port, stop: () => a.stop() });
    targets.set('nats', { port: n.nodes[0]!.mqttPort, stop: () => n.stop() });
    targets.set('rabbitmq', { port: r.mqttPort, stop: () => r.stop() });
    // each broker: detect it, then the same session at QoS 1 and at QoS 2 (the brokers side by side)
    await Promise.all(
      KINDS.map(async (k) => {
        const port = targets.get(k)!.port;
        const id = await identifyBroker({ host: '127.0.0.1', port, tls: false, ...USER });
        found.set(k, id);
        reports.set(`${k}/1`, await runCompare(port, 1, id));
        reports.set(`${k}/2`, await runCompare(port, 2, id));
      }),
    );
  }, 150_000);
  afterAll(async () => {
    await Promise.all([...targets.values()].map((t) => t.stop()));
  });

  it('each broker is recognised from its own answers', () => {
    expect(KINDS.map((k) => found.get(k)?.kind)).toEqual(KINDS);
    expect(found.get('mosquitto')?.version).toMatch(/^\d+\.\d+/);
    expect(found.get('nats')?.evidence.map((e) => e.en).join(' ')).toMatch(/closed the connection on a QoS 2 PUBLISH/);
    expect(found.get('rabbitmq')?.evidence.map((e) => e.en).join(' ')).toMatch(/granted QoS 1/);
  });

  it('at QoS 1 the four brokers give the same verdict: the sides agree, step for step', () => {
    const ids = (k: BrokerKind): string[] => reports.get(`${k}/1`)!.verdict.causes.map((c) => c.id);
    for (const k of KINDS) {
      const r = reports.get(`${k}/1`)!;
      expect(r.steps.filter((s) => !s.same), k).toEqual([]);
      expect(r.agree, k).toBe(true);
      expect(ids(k), k).toEqual(ids('mosquitto'));
    }
  });

  it('at QoS 2 mosquitto and aedes still agree with no broker cause; RabbitMQ downgrades; NATS refuses — each named as the broker, not the module', () => {
    for (const k of ['mosquitto', 'aedes'] as const) {
      const r = reports.get(`${k}/2`)!;
      expect(r.agree, k).toBe(true);
      expect(r.steps.find((s) => s.step === 'subscribe')?.direct.code, k).toBe(2);
      // brokers with QoS 2 give the same verdict (the firmware's own +ECMTSUB quirk, nothing about the broker)
      expect(r.verdict.causes.map((c) => c.id), k).toEqual(reports.get('mosquitto/2')!.verdict.causes.map((c) => c.id));
      expect(r.verdict.causes.filter((c) => c.id.startsWith('broker-')), k).toEqual([]);
    }
    const rabbit = reports.get('rabbitmq/2')!;
    expect(rabbit.steps.find((s) => s.step === 'subscribe')?.direct.code).toBe(1);
    expect(rabbit.verdict.causes[0]?.id).toBe('broker-qos2-downgraded');
    expect(rabbit.verdict.causes[0]?.text.en).toMatch(/downgrades QoS 2 to 1, so the module's QoS 2 subscription is granted 1 .* not a module fault/);
    // the only difference from its QoS 1 verdict is the personality
    expect(rabbit.verdict.causes.map((c) => c.id).filter((id) => id !== 'broker-qos2-downgraded')).toEqual(reports.get('rabbitmq/1')!.verdict.causes.map((c) => c.id));
    const nats = reports.get('nats/2')!;
    expect(nats.steps.find((s) => s.step === 'subscribe')?.direct.code).toBe(1);
    expect(nats.verdict.causes[0]?.id).toBe('broker-qos2-refused');
    expect(nats.verdict.causes[0]?.text.en).toMatch(/does not take QoS 2: .* not a module fault/);
    expect(nats.verdict.causes[0]?.evidence.map((e) => e.en).join(' | ')).toMatch(/detected as NATS/);
  });
});
