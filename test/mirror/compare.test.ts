/**
 * The comparison end to end: the emulator (through the library's session) beside a direct
 * mqtt.js client, against a real mosquitto with a password file.
 */
import { createServer, type AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { text } from '../../src/util/i18n.js';
import { AtEngine } from '../../src/at/engine.js';
import { defaultGrammar } from '../../src/grammar.js';
import { createPortPair } from '../../src/port/memory.js';
import { EcmtEmulator } from '../../src/emulator/emulator.js';
import { EcmtSession } from '../../src/dialects/ecmt/session.js';
import { compare, type CompareOptions } from '../../src/mirror/compare.js';
import { reportToJson } from '../../src/mirror/json.js';
import type { FirmwareProfileName } from '../../src/dialects/ecmt/firmware.js';
import { mosquittoMissing, startMosquitto, type RunningMosquitto } from '../helpers/mosquitto.js';

const missing = mosquittoMissing();
if (missing) console.warn(`skipping the compare end-to-end tests: ${missing}`);

const USER = 'plant-7';
const PASS = 'correct horse';
const LONG = 'L'.repeat(129); // one byte over the ec616s limit of 128

async function run(broker: RunningMosquitto, over: Partial<CompareOptions> & { profile?: FirmwareProfileName } = {}) {
  const pair = createPortPair();
  const { profile, ...rest } = over;
  const emulator = new EcmtEmulator(pair.module, { profile: profile ?? 'ec616s' });
  const engine = new AtEngine(pair.host, { grammar: defaultGrammar() });
  const session = new EcmtSession(engine, { profile: profile ?? 'ec616s', openTimeoutMs: 10_000, connectTimeoutMs: 10_000, ackTimeoutMs: 10_000 });
  try {
    return await compare({
      session,
      broker: { host: '127.0.0.1', port: broker.port, tls: false },
      credentials: { clientId: 'dev-001', username: USER, password: PASS },
      deliveryTimeoutMs: 3000,
      brokerLog: broker.logPath,
      ...rest,
    });
  } finally {
    await emulator.close();
  }
}

describe.skipIf(missing !== null)('compare against a real mosquitto with a password file', () => {
  let broker: RunningMosquitto;
  beforeAll(async () => {
    broker = await startMosquitto({ users: { [USER]: PASS, 'long-user': LONG }, allowAnonymous: false });
  });
  afterAll(async () => {
    await broker?.stop();
  });

  it('healthy: the sides agree and every step is the same', async () => {
    const r = await run(broker);
    expect(r.steps.map((s) => s.step)).toEqual(['open', 'connect', 'subscribe', 'publish', 'deliver-module-to-direct', 'deliver-direct-to-module', 'disconnect']);
    expect(r.steps.filter((s) => !s.same)).toEqual([]);
    expect(r.agree).toBe(true);
    expect(r.identity).toMatchObject({ mode: 'direct-first', connectClientId: 'dev-001', trafficClientId: 'dev-001-mirror' });
    // the broker's log shows the module's own connect, told apart from the host's by its source port
    expect(r.identity.observed).toMatchObject({ status: 'as-given', clientId: 'dev-001', user: 'present' });
    expect(r.verdict.summary.en).toMatch(/behave the same/);
  });

  it('wrong password: both refused alike, and the verdict points at the broker\'s credentials, not the module', async () => {
    const r = await run(broker, { credentials: { clientId: 'dev-002', username: USER, password: 'Wr0ng-Pa55-x' } });
    const conn = r.steps.find((s) => s.step === 'connect')!;
    expect(conn).toMatchObject({ same: true, module: { ok: false, code: 5 }, direct: { ok: false, code: 5 } });
    expect(r.agree).toBe(true);
    expect(r.verdict.causes[0]?.id).toBe('broker-credentials');
    expect(r.verdict.causes[0]?.evidence.map((e) => e.en).join(' ')).toMatch(/not authori[sz]ed/);
    expect(r.brokerLog.some((l) => /not authori[sz]ed/.test(l))).toBe(true);
    expect(JSON.stringify(reportToJson(r))).not.toContain('Wr0ng-Pa55-x');
  });

  it('a password longer than the profile\'s limit: the lint warns before sending and the verdict explains the failure by the limit', async () => {
    const r = await run(broker, { credentials: { clientId: 'dev-003', username: 'long-user', password: LONG } });
    expect(r.lint.find((f) => f.field === 'password' && f.code === 'too-long')).toMatchObject({ limit: 128, valueLength: 129, profile: 'ec616s' });
    const conn = r.steps.find((s) => s.step === 'connect')!;
    expect(conn.direct.ok).toBe(true);
    expect(conn.module.ok).toBe(false);
    expect(r.agree).toBe(false);
    expect(r.verdict.causes[0]?.id).toBe('firmware-limit');
    expect(r.verdict.causes[0]?.text.en).toMatch(/129 bytes.*at most 128/);
    expect(JSON.stringify(reportToJson(r))).not.toContain(LONG);
  });

  it('cross delivery is byte-exact both ways with a multi-line JSON payload in UTF-8', async () => {
    const payload = Buffer.from(JSON.stringify({ 设备: '温度传感器', values: [21.5, 22], note: 'a, "b"' }, null, 2).replace(/\n/g, '\r\n'));
    const r = await run(broker, { payload, qos: 2 });
    expect(r.delivery).toMatchObject({ m2d: { sent: true, received: true, exact: true }, d2m: { sent: true, received: true, exact: true, brokerDelivered: true } });
    expect(r.delivery!.d2m.got!.equals(payload)).toBe(true);
    expect(r.delivery!.m2d.got!.equals(payload)).toBe(true);
    expect(r.agree).toBe(true);
  });

  it('a message over the module\'s receive buffer is lost on the module only, and the verdict says why', async () => {
    // 1027 bytes fit the module's prompt-mode publish, but with a 150-byte topic the PUBLISH it
    // receives is over 4+128+1024 bytes
    const payload = Buffer.alloc(1027, 0x7a);
    const r = await run(broker, { payload, qos: 1, topic: `cat1/${'t'.repeat(141)}` });
    expect(r.delivery).toMatchObject({ m2d: { sent: true, received: true, exact: true } });
    expect(r.delivery).toMatchObject({ d2m: { received: false, brokerDelivered: true } });
    expect(r.agree).toBe(false);
    expect(r.verdict.causes[0]?.id).toBe('payload-rx-buffer');
  });

  it('the module-first order runs the identical-ID connect after the module\'s session', async () => {
    const r = await run(broker, { identity: 'module-first' });
    expect(r.identity.mode).toBe('module-first');
    expect(r.agree).toBe(true);
  });
});

describe.skipIf(missing !== null)('compare: the credential quirk against mosquitto', () => {
  let broker: RunningMosquitto;
  beforeAll(async () => {
    // anonymous clients allowed, but not an empty client ID (CONNACK 2), as many platforms do
    broker = await startMosquitto({ users: { [USER]: PASS }, allowAnonymous: true, extra: ['allow_zero_length_clientid false'] });
  });
  afterAll(async () => {
    await broker?.stop();
  });

  it('client ID alone via the ec616s profile: the sides disagree and the first cause is the credential quirk', async () => {
    const r = await run(broker, { credentials: { clientId: 'sensor-42' } });
    const conn = r.steps.find((s) => s.step === 'connect')!;
    expect(conn).toMatchObject({ same: false, direct: { ok: true }, module: { ok: false, code: 2 } });
    expect(r.agree).toBe(false);
    expect(r.lint.map((f) => f.code)).toContain('credential-quirk');
    expect(r.verdict.causes[0]?.id).toBe('credential-quirk');
    expect(r.verdict.summary.en).toMatch(/differ first at "connect"/);
  });
});

describe('compare when the broker was up earlier in the run and is gone at the start', () => {
  it('a broker seen up before (diagnose stage 9) and unreachable now is broker-lost, not "neither side reaches the broker"', async () => {
    // a port that was listening and is closed now: the broker "went away"
    const srv = createServer();
    await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
    const port = (srv.address() as AddressInfo).port;
    await new Promise<void>((r) => srv.close(() => r()));
    const pair = createPortPair();
    const emulator = new EcmtEmulator(pair.module, { profile: 'ec616s' });
    const engine = new AtEngine(pair.host, { grammar: defaultGrammar() });
    const session = new EcmtSession(engine, { profile: 'ec616s' });
    try {
      const up = text('the broker accepted the module in stage 9 (CONNACK 0)', '服务器在第 9 阶段接受了模组（CONNACK 0）');
      const r = await compare({ session, broker: { host: '127.0.0.1', port, tls: false }, credentials: { clientId: 'dev-gone' }, brokerUpEarlier: up });
      expect(r.run?.brokerLost).toMatchObject({ code: 'ECONNREFUSED', step: 'open' });
      expect(r.verdict.causes[0]?.id).toBe('broker-lost');
      expect(r.verdict.causes.map((c) => c.id)).not.toContain('network-module');
      expect(r.verdict.causes[0]?.evidence.map((e) => e.en).join('\n')).toMatch(/ECONNREFUSED/);
      // without that earlier observation the same run is not called a loss
      const plain = await compare({ session, broker: { host: '127.0.0.1', port, tls: false }, credentials: { clientId: 'dev-gone' } });
      expect(plain.run?.brokerLost ?? null).toBeNull();
      expect(plain.verdict.causes.map((c) => c.id)).not.toContain('broker-lost');
    } finally {
      await emulator.close();
    }
  });
});
