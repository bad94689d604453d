/**
 * Stages 9 and 10 against real brokers: healthy (the embedded broker: every stage passes and
 * the comparison agrees), and a broker that refuses the password (a real mosquitto with a
 * password file): the run stops at the MQTT stage with the credentials hint, the module left
 * tidy, the password nowhere.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { diagnosisToJson, stageToJson, STAGES } from '../../src/diagnose/index.js';
import { startEmbeddedBroker, type EmbeddedBroker } from '../../src/mirror/broker.js';
import { mosquittoMissing, startMosquitto, type RunningMosquitto } from '../helpers/mosquitto.js';
import { diagnose, PASSWORD, seenEn } from './harness.js';

describe('healthy module and broker', () => {
  let broker: EmbeddedBroker;
  beforeAll(async () => {
    broker = await startEmbeddedBroker({ users: { dev: PASSWORD } });
  });
  afterAll(async () => {
    await broker?.stop();
  });

  it('every stage passes (ping included), the module is left disconnected, the comparison agrees', async () => {
    const r = await diagnose(
      { conditions: { ping: { rttMs: 5 } } },
      { broker: { host: 'localhost', port: broker.port, tls: false }, ping: { count: 2, timeoutMs: 1000 }, compare: { deliveryTimeoutMs: 3000 }, session: { openTimeoutMs: 5000, connectTimeoutMs: 5000 } },
    );
    expect(r.stages.map((s) => [s.stage, s.status])).toEqual(STAGES.map((s) => [s.id, 'pass']));
    expect(r.d).toMatchObject({ outcome: 'pass', stoppedAt: null, notRun: [], hint: null });
    expect(r.d.facts).toMatchObject({ echo: false, simReady: true, registered: true, pdp: { cid: 0, address: '10.64.0.2' }, brokerAddresses: ['127.0.0.1'], mqttConnected: true });
    const mqtt = r.stage('mqtt');
    expect(seenEn(mqtt).join('\n')).toMatch(new RegExp(`AT\\+ECMTOPEN=0,"localhost",${broker.port} → OK, \\+ECMTOPEN: 0,0`));
    expect(seenEn(mqtt).join('\n')).toMatch(/AT\+ECMTCONN=0,"dev-1","\*{3}","\*+" → OK, \+ECMTCONN: 0,0,0/);
    expect(seenEn(mqtt).join('\n')).toMatch(/AT\+ECMTDISC=0 → OK, \+ECMTDISC: 0,0/);
    expect(mqtt.data).toMatchObject({ open: { ok: true, result: 0 }, connect: { ok: true, result: 0, retCode: 0 }, tidy: 'disconnected' });
    const cmp = r.stage('compare');
    expect(cmp.report?.agree).toBe(true);
    expect(cmp.summary.en).toMatch(/behave the same/);
    expect(cmp.hint).toBe(null);
    expect(r.moduleState).toBe('none'); // no MQTT context left on the module
    // the JSON lines carry the whole report, and never the password
    const json = JSON.stringify([...r.stages.map((s) => stageToJson(s)), diagnosisToJson(r.d)]);
    expect(json).not.toContain(PASSWORD);
    expect((stageToJson(cmp)['data'] as Record<string, unknown>)['report']).toMatchObject({ type: 'compare-report', agree: true });
  });

  it('a missing password: the module connects anonymously (the credential quirk) and the MQTT stage warns', async () => {
    const anon = await startEmbeddedBroker();
    try {
      const r = await diagnose({}, { broker: { host: '127.0.0.1', port: anon.port, tls: false }, credentials: { clientId: 'dev-2', username: 'dev' }, stages: STAGES.slice(0, 9) });
      const mqtt = r.stage('mqtt');
      expect(mqtt.status).toBe('warn');
      expect(mqtt.hint?.en).toMatch(/only when all three are non-empty/);
      expect(r.d.outcome).toBe('warn');
    } finally {
      await anon.stop();
    }
  });
});

const missing = mosquittoMissing();
if (missing) console.warn(`[test/diagnose/mqtt.test.ts: the broker-refusal tests are skipped] ${missing}`);

describe.skipIf(missing !== null)('a broker that refuses the password (mosquitto with a password file)', () => {
  let broker: RunningMosquitto;
  beforeAll(async () => {
    broker = await startMosquitto({ users: { dev: 'the-right-one' }, allowAnonymous: false });
  });
  afterAll(async () => {
    await broker?.stop();
  });

  it('stops at the MQTT stage: CONNACK 5 explained, the credentials hint, the link closed, the password masked', async () => {
    const r = await diagnose({}, { broker: { host: '127.0.0.1', port: broker.port, tls: false }, session: { openTimeoutMs: 5000, connectTimeoutMs: 5000 } });
    expect(r.stages.map((s) => [s.stage, s.status])).toEqual([
      ['link', 'pass'],
      ['identity', 'pass'],
      ['sim', 'pass'],
      ['signal', 'pass'],
      ['registration', 'pass'],
      ['pdp', 'pass'],
      ['dns', 'skip'],
      ['ping', 'skip'],
      ['mqtt', 'fail'],
    ]);
    const mqtt = r.stage('mqtt');
    expect(mqtt.summary.en).toBe('broker refused: not authorized (CONNACK 5)');
    expect(mqtt.data).toMatchObject({ connect: { ok: false, result: 0, retCode: 5 }, tidy: 'closed' });
    expect(mqtt.hint?.en).toMatch(/^the broker refused the credentials \(CONNACK 5, not authorized\): check the user name and the password/);
    expect(mqtt.hint?.zh).toMatch(/服务器拒绝了凭据/);
    expect(seenEn(mqtt).join('\n')).toMatch(/AT\+ECMTCLOSE=0 → OK, \+ECMTCLOSE: 0,0/);
    expect(JSON.stringify(r.stages.map((s) => stageToJson(s)))).not.toContain(PASSWORD);
    expect(r.d).toMatchObject({ outcome: 'fail', stoppedAt: 'mqtt', notRun: ['compare'] });
    expect(r.moduleState).toBe('none'); // no MQTT context left on the module
    await broker.waitForLog(/not authori[sz]ed/);
  });

  it('with keepGoing, the comparison runs too: both sides refused alike, the verdict blames the credentials', async () => {
    const r = await diagnose(
      {},
      { broker: { host: '127.0.0.1', port: broker.port, tls: false }, keepGoing: true, compare: { brokerLog: broker.logPath, deliveryTimeoutMs: 2000 }, session: { openTimeoutMs: 5000, connectTimeoutMs: 5000 } },
    );
    const cmp = r.stage('compare');
    expect(cmp.status).toBe('pass');
    expect(cmp.data).toMatchObject({ agree: true });
    expect((cmp.data['causes'] as string[])[0]).toBe('broker-credentials');
    expect(cmp.hint).not.toBe(null);
    expect(r.d.outcome).toBe('fail');
    expect(r.stages.filter((s) => s.status === 'fail').map((s) => s.stage)).toEqual(['mqtt']);
  });
});
