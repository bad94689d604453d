/**
 * The comparison through the dialect-neutral session (Dialect.session): every registered dialect
 * hands out a session that compare drives without naming the dialect, against the emulator
 * speaking that dialect and a real mosquitto with a password file. Oracles: the protocol
 * references (qmt.md §3: `+QMTCONN: <idx>,0,<ret_code>`, `+QMTRECV` for a message; ecmt.md alike).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AtEngine } from '../../src/at/engine.js';
import { defaultGrammar } from '../../src/grammar.js';
import { createPortPair } from '../../src/port/memory.js';
import { EcmtEmulator } from '../../src/emulator/emulator.js';
import { compare } from '../../src/mirror/compare.js';
import { dialects, getDialect } from '../../src/dialects/index.js';
import type { EcmtEmulatorOptions } from '../../src/emulator/options.js';
import { mosquittoMissing, startMosquitto, type RunningMosquitto } from '../helpers/mosquitto.js';

const missing = mosquittoMissing();
if (missing) console.warn(`skipping the compare-per-dialect tests: ${missing}`);

const USER = 'plant-9';
const PASS = 'battery staple';

/** the emulator of each dialect; a dialect added without one fails here on purpose */
const EMULATED: Record<string, { emulator: EcmtEmulatorOptions; connUrc: string; recvUrc: string }> = {
  ecmt: { emulator: { profile: 'ec616s' }, connUrc: '+ECMTCONN', recvUrc: '+ECMTRECV' },
  qmt: { emulator: { dialect: 'qmt', model: 'EC800N' }, connUrc: '+QMTCONN', recvUrc: '+QMTRECV' },
};

async function run(broker: RunningMosquitto, name: string, password: string) {
  const e = EMULATED[name]!;
  const pair = createPortPair();
  const emulator = new EcmtEmulator(pair.module, e.emulator);
  const engine = new AtEngine(pair.host, { grammar: defaultGrammar() });
  const session = getDialect(name).session(engine, { openTimeoutMs: 10_000, connectTimeoutMs: 10_000, ackTimeoutMs: 10_000 });
  try {
    return { session, report: await compare({ session, broker: { host: '127.0.0.1', port: broker.port, tls: false }, credentials: { clientId: `dev-${name}`, username: USER, password }, deliveryTimeoutMs: 3000, brokerLog: broker.logPath }) };
  } finally {
    await emulator.close();
  }
}

describe.skipIf(missing !== null)('compare through Dialect.session, per dialect', () => {
  let broker: RunningMosquitto;
  beforeAll(async () => {
    broker = await startMosquitto({ users: { [USER]: PASS }, allowAnonymous: false });
  });
  afterAll(async () => {
    await broker?.stop();
  });

  it('every registered dialect has an emulator entry here', () => {
    expect(dialects.map((d) => d.name).sort()).toEqual(Object.keys(EMULATED).sort());
  });

  for (const name of Object.keys(EMULATED)) {
    it(`${name}: the session says its dialect; healthy run agrees, the message step names the dialect's message URC`, async () => {
      const { session, report } = await run(broker, name, PASS);
      expect(session.dialectName).toBe(name);
      expect(report.steps.filter((s) => !s.same)).toEqual([]);
      expect(report.agree).toBe(true);
      const conn = report.steps.find((s) => s.step === 'connect')!;
      expect(conn.module.observed?.map((t) => t.en).join('\n')).toContain(`URC ${EMULATED[name]!.connUrc}: 0,0,0`);
      expect(report.steps.find((s) => s.step === 'deliver-direct-to-module')?.module.detail.en).toMatch(new RegExp(`^\\${EMULATED[name]!.recvUrc} with \\d+ bytes, byte-exact`));
    });

    it(`${name}: a wrong password → the module's CONNACK 5 beside the direct one, cause broker-credentials with the broker's log line`, async () => {
      const { report } = await run(broker, name, 'not-it');
      const conn = report.steps.find((s) => s.step === 'connect')!;
      expect(conn).toMatchObject({ same: true, module: { code: 5 }, direct: { code: 5 } });
      expect(conn.module.observed?.map((t) => t.en).join('\n')).toContain(`URC ${EMULATED[name]!.connUrc}: 0,0,5`);
      const cause = report.verdict.causes[0]!;
      expect(cause.id).toBe('broker-credentials');
      expect(cause.evidence.map((t) => t.en).join('\n')).toMatch(/broker log: .*not authori[sz]ed/);
    });
  }
});
