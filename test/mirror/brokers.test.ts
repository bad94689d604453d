import { describe, expect, it } from 'vitest';
import { BROKER_KINDS, PERSONALITIES, brokerFromFlag, brokerKindOption, personalityCauses, type BrokerKind } from '../../src/mirror/brokers.js';
import { explainComparison, type Evidence } from '../../src/mirror/verdict.js';
import { FIRMWARE_PROFILES } from '../../src/dialects/ecmt/firmware.js';
import type { CompareStep, DeliveryFacts, SideOutcome } from '../../src/mirror/report.js';
import { text } from '../../src/util/i18n.js';
import { isCatError } from '../../src/util/errors.js';

const side = (ok: boolean, code: number | string | null): SideOutcome => ({ ok, code, detail: text(ok ? 'ok' : 'connection closed', ok ? 'ok' : '连接关闭'), latencyMs: 1 });
const step = (name: CompareStep['step'], m: SideOutcome, d: SideOutcome): CompareStep => ({ step: name, module: m, direct: d, same: m.ok === d.ok && m.code === d.code });
const delivery = (qos: 0 | 1 | 2): DeliveryFacts => ({
  m2d: { sent: true, received: true, exact: true, expected: Buffer.from('x'), got: Buffer.from('x') },
  d2m: { sent: true, received: true, exact: true, brokerDelivered: true, expected: Buffer.from('x'), got: Buffer.from('x'), inferred: false, topic: 't/d2m', qos },
});

/**
 * The personality rule, as a table: each broker × the QoS asked → the cause expected. Written
 * from the brokers' behaviour (observed on mosquitto 2.0.11, aedes, RabbitMQ 3.10.8, NATS 2.9.10;
 * EMQX from its documentation), not from the code.
 */
const TABLE: Array<{ kind: BrokerKind; qos: 0 | 1 | 2; granted: number; cause: string | null }> = [
  { kind: 'mosquitto', qos: 2, granted: 2, cause: null },
  { kind: 'aedes', qos: 2, granted: 2, cause: null },
  { kind: 'emqx', qos: 2, granted: 2, cause: null },
  { kind: 'rabbitmq', qos: 2, granted: 1, cause: 'broker-qos2-downgraded' },
  { kind: 'nats', qos: 2, granted: 1, cause: 'broker-qos2-refused' },
  { kind: 'rabbitmq', qos: 1, granted: 1, cause: null },
  { kind: 'nats', qos: 1, granted: 1, cause: null },
  { kind: 'nats', qos: 0, granted: 0, cause: null },
];

describe('broker personalities', () => {
  it('every broker has each documented item and the version it was checked on', () => {
    for (const k of BROKER_KINDS) {
      const p = PERSONALITIES[k];
      expect(p.kind).toBe(k);
      expect(p.checkedOn).toMatch(/\d/);
      for (const v of [p.clientId.empty, p.clientId.maxLength, p.clientId.characters, p.maxPacket, p.retained, p.dollarTopics, p.sameClientId]) expect(v.length).toBeGreaterThan(5);
      expect(['supported', 'downgraded', 'refused']).toContain(p.qos2);
    }
    expect(PERSONALITIES.emqx.source).toBe('documented');
    expect(PERSONALITIES.rabbitmq.badCredentialsConnack).toBe(4);
    expect(PERSONALITIES.mosquitto.badCredentialsConnack).toBe(5);
  });

  it.each(TABLE)('$kind at QoS $qos (granted $granted) → $cause', ({ kind, qos, granted, cause }) => {
    const steps = [step('subscribe', side(true, granted === 2 ? 1 : granted), side(true, granted)), step('publish', side(kind !== 'nats' || qos < 2, 0), side(kind !== 'nats' || qos < 2, 0))];
    const got = personalityCauses({ broker: brokerFromFlag(kind), steps, delivery: delivery(qos) });
    expect(got.map((c) => c.id)).toEqual(cause === null ? [] : [cause]);
    if (cause) {
      expect(got[0]!.text.en).toContain('not a module fault');
      expect(got[0]!.text.en).toContain(PERSONALITIES[kind].name);
      expect(got[0]!.evidence.map((e) => e.en)).toContain(`the broker is ${PERSONALITIES[kind].name} (--broker-kind)`);
      expect(got[0]!.evidence.map((e) => e.en)).toContain(`the direct SUBACK granted QoS ${granted} to a QoS 2 subscription`);
    }
  });

  it('an unknown broker gets no personality cause', () => {
    expect(personalityCauses({ broker: null, steps: [], delivery: delivery(2) })).toEqual([]);
  });

  it('the verdict ranks the personality first when it explains a QoS 2 session', () => {
    const e: Evidence = {
      profile: FIRMWARE_PROFILES.ec616s,
      credentials: { clientId: 'dev', username: 'u', password: 'p' },
      protocolLevel: 4,
      tls: false,
      moduleHasCa: false,
      lint: [],
      steps: [step('open', side(true, 0), side(true, 0)), step('connect', side(true, 0), side(true, 0)), step('subscribe', side(true, 1), side(true, 1))],
      delivery: delivery(2),
      payload: Buffer.from('x'),
      brokerLog: [],
      broker: brokerFromFlag('rabbitmq'),
    };
    const v = explainComparison(e);
    expect(v.causes[0]?.id).toBe('broker-qos2-downgraded');
    expect(v.summary.en).toMatch(/behave the same; but: this broker \(RabbitMQ's MQTT plugin\) downgrades QoS 2 to 1/);
  });

  it('--broker-kind takes the five kinds, any case; anything else is a usage error', () => {
    expect(brokerKindOption('NATS')).toBe('nats');
    try {
      brokerKindOption('hivemq');
      expect.unreachable();
    } catch (err) {
      expect(isCatError(err, 'ERR_INVALID_OPTION')).toBe(true);
    }
  });
});
